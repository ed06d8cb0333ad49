# Copyright (c) 2026, order_coordination contributors
# For license information, please see license.txt

from frappe.model.document import Document


class OrderException(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		description: DF.Text
		exception_type: DF.Literal[
			"Material Shortage",
			"Production Delay",
			"Quality Issue",
			"Delivery Failed",
			"Customer Change",
			"Damaged in Transit",
			"Lost in Transit",
			"Other",
		]
		order_coordination: DF.Link
		proposed_delivery_date: DF.Date
		raised_by: DF.Link
		raised_by_department: DF.Link
		raised_on: DF.Datetime
		reference_doctype: DF.Link
		reference_name: DF.DynamicLink
		resolution: DF.Text
		resolved_by: DF.Link
		resolved_on: DF.Datetime
		responsible_department: DF.Link
		sales_order: DF.Link
		status: DF.Literal["Open", "Resolved"]
	# end: auto-generated types

	pass
