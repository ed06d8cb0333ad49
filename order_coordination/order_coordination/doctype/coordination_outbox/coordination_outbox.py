# Copyright (c) 2026, order_coordination contributors
# For license information, please see license.txt

from frappe.model.document import Document


class CoordinationOutbox(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		attempts: DF.Int
		payload: DF.JSON
		sales_order: DF.Link
		sent_on: DF.Datetime
		status: DF.Literal["Pending", "Sent"]
	# end: auto-generated types

	pass
