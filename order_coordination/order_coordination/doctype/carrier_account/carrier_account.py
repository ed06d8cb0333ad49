# Copyright (c) 2026, order_coordination contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from order_coordination.core.constants import INTEGRATION_ROLE


class CarrierAccount(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from order_coordination.order_coordination.doctype.carrier_status_mapping.carrier_status_mapping import (
			CarrierStatusMapping,
		)

		carrier_name: DF.Data
		integration_user: DF.Link
		shared_secret: DF.Password | None
		status_mappings: DF.Table[CarrierStatusMapping]
	# end: auto-generated types

	def validate(self):
		seen = set()
		for row in self.status_mappings:
			word = (row.carrier_status or "").strip().casefold()
			if word in seen:
				frappe.throw(_("The carrier's status {0} is mapped twice").format(row.carrier_status))
			seen.add(word)
		if INTEGRATION_ROLE not in frappe.get_roles(self.integration_user):
			frappe.msgprint(
				_("Give {0} the role {1}: only that role may report carrier events").format(
					self.integration_user, _(INTEGRATION_ROLE)
				),
				alert=True,
			)

	def on_update(self):
		from order_coordination.carrier import forget_accounts

		forget_accounts()

	def on_trash(self):
		from order_coordination.carrier import forget_accounts

		forget_accounts()
