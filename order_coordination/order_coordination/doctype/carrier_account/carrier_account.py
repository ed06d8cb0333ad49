# Copyright (c) 2026, order_coordination contributors
# For license information, please see license.txt

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import frappe
from frappe import _
from frappe.model.document import Document

from order_coordination.core.constants import INTEGRATION_ROLE
from order_coordination.typed_text import refuse_markup


class CarrierAccount(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from order_coordination.order_coordination.doctype.carrier_account_company.carrier_account_company import (
			CarrierAccountCompany,
		)
		from order_coordination.order_coordination.doctype.carrier_status_mapping.carrier_status_mapping import (
			CarrierStatusMapping,
		)

		allow_unsigned: DF.Check
		carrier: DF.Data
		carrier_name: DF.Data
		companies: DF.TableMultiSelect[CarrierAccountCompany]
		enabled: DF.Check
		integration_user: DF.Link
		shared_secret: DF.Password | None
		status_mappings: DF.Table[CarrierStatusMapping]
		time_zone: DF.Data | None
	# end: auto-generated types

	def validate(self):
		refuse_markup(self, "carrier_name", "carrier", "time_zone")
		seen = set()
		for row in self.status_mappings:
			refuse_markup(row, "carrier_status")
			word = (row.carrier_status or "").strip().casefold()
			if word in seen:
				frappe.throw(_("The carrier's status {0} is mapped twice").format(row.carrier_status))
			seen.add(word)
		companies = [row.company for row in self.companies]
		if len(set(companies)) != len(companies):
			frappe.throw(_("A company is named twice"))
		if self.time_zone:
			self.time_zone = self.time_zone.strip()
			try:
				ZoneInfo(self.time_zone)
			except (ZoneInfoNotFoundError, ValueError):
				frappe.throw(_("{0} is not a time zone, such as Europe/Berlin").format(self.time_zone))
		if not (self.shared_secret or self.allow_unsigned):
			frappe.throw(
				_("Set a shared secret, or allow unsigned requests if this carrier cannot sign them"),
				frappe.MandatoryError,
			)
		if INTEGRATION_ROLE not in frappe.get_roles(self.integration_user):
			frappe.msgprint(
				_("Give {0} the role {1}: only that role may report carrier events").format(
					self.integration_user, _(INTEGRATION_ROLE)
				),
				alert=True,
			)
