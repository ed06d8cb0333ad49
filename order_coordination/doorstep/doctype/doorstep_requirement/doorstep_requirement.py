# Copyright (c) 2026, order_coordination contributors
# For license information, please see license.txt

from frappe.model.document import Document


class DoorstepRequirement(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		outcome: DF.Literal["Delivered", "Failed Attempt", "Refused"]
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		photo_required: DF.Check
		position_required: DF.Check
		signature_required: DF.Check
	# end: auto-generated types

	pass
