# Copyright (c) 2026, order_coordination contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from order_coordination.typed_text import clean_text


class DeliveryAttempt(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		accuracy: DF.Float
		attempt_id: DF.Data
		company: DF.Link
		customer: DF.Link | None
		delivery_note: DF.Link | None
		delivery_stop: DF.Data
		delivery_trip: DF.Link
		distance: DF.Float
		driver: DF.Link | None
		far_from_stop: DF.Check
		latitude: DF.Float
		longitude: DF.Float
		note: DF.SmallText | None
		outcome: DF.Literal["Delivered", "Failed Attempt", "Refused"]
		reason: DF.Data | None
		received_at: DF.Datetime | None
		recipient: DF.Data | None
		recorded_at: DF.Datetime | None
		recorded_by: DF.Link | None
		sales_order: DF.Link | None
		signature: DF.AttachImage | None
	# end: auto-generated types

	def validate(self):
		# What a driver reported is a fact: kept once, as sent, never edited afterwards (photos are
		# attached to it, which is not an edit of it).
		if not self.is_new():
			frappe.throw(_("A delivery attempt cannot be changed once recorded"), frappe.ValidationError)
		for field in ("reason", "recipient", "note"):
			self.set(field, clean_text(self.get(field)))
