# Copyright (c) 2026, order_coordination contributors
# For license information, please see license.txt

from frappe.model.document import Document


class CoordinationStageSLA(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		acceptance_hours: DF.Float
		completion_hours: DF.Float
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
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
	# end: auto-generated types

	pass
