"""Carrier Accounts made before accounts were scoped and signed by default keep working as they did: each
reports on the Shipments of the carrier it is named after, for every company, and one without a shared
secret is marked as allowed to call unsigned (the administrator can now see that, and change it). Their
events get the company of their Shipment, or of the account where it serves one company."""

import frappe

from order_coordination.carriers.accounts import COMPANIES
from order_coordination.core.constants import DT_CARRIER_ACCOUNT, DT_CARRIER_EVENT


def execute():
	frappe.db.sql(
		f"""update `tab{DT_CARRIER_ACCOUNT}` set carrier = carrier_name where ifnull(carrier, '') = ''"""
	)
	frappe.db.sql(
		f"""update `tab{DT_CARRIER_ACCOUNT}` ca set ca.allow_unsigned = 1
		where not exists (select 1 from `__Auth` auth where auth.doctype = %s and auth.name = ca.name
			and auth.fieldname = 'shared_secret')""",
		DT_CARRIER_ACCOUNT,
	)
	frappe.db.sql(
		f"""update `tab{DT_CARRIER_EVENT}` ce
		join `tabShipment Delivery Note` sdn on sdn.parent = ce.shipment
		join `tabDelivery Note` dn on dn.name = sdn.delivery_note
		set ce.company = dn.company
		where ifnull(ce.company, '') = '' and ifnull(ce.shipment, '') != ''"""
	)
	frappe.db.sql(
		f"""update `tab{DT_CARRIER_EVENT}` ce
		join (select parent, min(company) as company from `tab{COMPANIES}`
			group by parent having count(*) = 1) only on only.parent = ce.carrier_account
		set ce.company = only.company
		where ifnull(ce.company, '') = ''"""
	)
