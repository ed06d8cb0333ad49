# Copyright (c) 2026, order_coordination contributors
# For license information, please see license.txt

from datetime import datetime

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cstr, get_datetime


class OrderTrackingLink(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		company: DF.Link | None
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
		"""Once made, a link can only be revoked, and a revoked link stays revoked. Its counts are the
		app's: whatever a form or a request sends for them, the stored ones are kept."""
		if self.is_new():
			return
		before = frappe.db.get_value(self.doctype, self.name, [*FIXED, *COUNTS, "revoked"], as_dict=True)
		if not before:
			return
		if before.revoked and not self.revoked:
			frappe.throw(_("A revoked tracking link cannot be brought back; make a new one"))
		for field in FIXED:
			if normal(self.get(field)) != normal(before[field]):
				frappe.throw(
					_("Only revoking a tracking link is allowed: {0} cannot be changed").format(
						_(self.meta.get_label(field))
					)
				)
		for field in COUNTS:
			self.set(field, before[field])


# What a link is: set when it is made, never changed. What the app counts of its use.
FIXED = ("sales_order", "customer", "company", "expires_on", "token_hash")
COUNTS = ("use_count", "first_used_on", "last_used_on")


def normal(value) -> str:
	"""A value as stored, whatever form it came in (a form sends datetimes as text)."""
	if isinstance(value, datetime):
		return str(value)
	if isinstance(value, str) and value[:4].isdigit() and value[4:5] == "-":
		try:
			return str(get_datetime(value))
		except Exception:
			return value
	return cstr(value)
