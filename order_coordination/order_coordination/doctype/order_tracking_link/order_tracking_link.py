# Copyright (c) 2026, order_coordination contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document


class OrderTrackingLink(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		customer: DF.Link | None
		expires_on: DF.Datetime | None
		first_used_on: DF.Datetime | None
		last_used_on: DF.Datetime | None
		revoked: DF.Check
		sales_order: DF.Link
		token_hash: DF.Data | None
		use_count: DF.Int
	# end: auto-generated types

	def validate(self):
		"""Once made, a link can only be revoked, and a revoked link stays revoked."""
		if self.is_new():
			return
		before = self.get_doc_before_save()
		if before and before.revoked and not self.revoked:
			frappe.throw(_("A revoked tracking link cannot be brought back; make a new one"))
		if before:
			for field in ("sales_order", "customer", "expires_on", "token_hash"):
				if self.get(field) != before.get(field):
					frappe.throw(_("Only revoking a tracking link is allowed"))
