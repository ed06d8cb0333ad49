# Copyright (c) 2026, order_coordination contributors
# For license information, please see license.txt

from frappe.model.document import Document


class OrderHandoff(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		complete_hours: DF.Float
		due_by: DF.Datetime
		escalated_on: DF.Datetime
		escalation_run: DF.Data
		from_department: DF.Link
		handed_on: DF.Datetime
		held_by: DF.Link
		held_hours: DF.Float
		held_since: DF.Datetime
		note: DF.SmallText
		on_time: DF.Check
		order_coordination: DF.Link
		previously_held_until: DF.Datetime
		reason: DF.SmallText
		reference_doctype: DF.Link
		reference_name: DF.DynamicLink
		responded_by: DF.Link
		responded_on: DF.Datetime
		response_hours: DF.Float
		sales_order: DF.Link
		sent_by: DF.Link
		sent_on: DF.Datetime
		stage: DF.Literal[
			"Order Received",
			"Production Planning",
			"In Production",
			"Ready to Ship",
			"Partially Shipped",
			"Shipped",
			"Delivered",
			"Completed",
		]
		status: DF.Literal["Pending", "Accepted", "Rejected", "Cancelled"]
		to_department: DF.Link
	# end: auto-generated types

	pass
