# Copyright (c) 2026, order_coordination contributors
# For license information, please see license.txt

from frappe.model.document import Document


class OrderCoordination(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		accountable_department: DF.Link
		company: DF.Link
		customer: DF.Link
		delivery_date: DF.Date
		expected_finish: DF.Datetime
		facts: DF.JSON
		held_by: DF.Link
		held_since: DF.Datetime
		held_until: DF.JSON
		last_outcome: DF.Data
		needs_manufacturing: DF.Check
		next_status_check: DF.Datetime
		ownership_model: DF.Data
		per_delivered: DF.Percent
		per_produced: DF.Percent
		policy: DF.Link
		policy_snapshot: DF.Link
		previously_held_until: DF.Datetime
		responsible_department: DF.Link
		sales_order: DF.Link
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
		stage_since: DF.Datetime
		status: DF.Literal["Open", "At Risk", "Overdue", "On Hold", "Completed", "Cancelled"]
	# end: auto-generated types

	pass
