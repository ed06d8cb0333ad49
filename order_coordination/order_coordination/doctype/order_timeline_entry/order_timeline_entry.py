# Copyright (c) 2026, order_coordination contributors
# For license information, please see license.txt

from frappe.model.document import Document


class OrderTimelineEntry(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		action: DF.Literal[
			"Created",
			"Stage Changed",
			"Status Changed",
			"Handoff Sent",
			"Handoff Accepted",
			"Handoff Rejected",
			"Handoff Cancelled",
			"Handoff Escalated",
			"Exception Raised",
			"Exception Resolved",
			"Delivery Confirmed",
			"Delivery Date Changed",
			"Document Event",
			"Promise Change Proposed",
			"Promise Change Accepted",
			"Promise Change Declined",
			"Promise Change Withdrawn",
			"Promise Change Escalated",
			"Carrier Update",
		]
		at: DF.Datetime
		department: DF.Link
		note: DF.SmallText
		order_coordination: DF.Link
		reference_doctype: DF.Link
		reference_name: DF.DynamicLink
		sales_order: DF.Link
		stage_from: DF.Data
		stage_to: DF.Data
		user: DF.Link
	# end: auto-generated types

	pass
