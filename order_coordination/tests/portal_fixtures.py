"""Data for the portal walk (browser/portal.mjs) on a development site with test records: a customer's
portal user, a made-to-order order produced, shipped with a Shipment and followed by its carrier, and a
tracking link. Same guard as the desk walk's fixtures: a development site, a System Manager, a new random
password on every preparation."""

from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlparse

import frappe
from erpnext.stock.doctype.shipment.test_shipment import create_test_shipment
from frappe.utils import add_days, nowdate
from frappe.utils.password import update_password

from order_coordination.carriers import feed as carrier_feed
from order_coordination.carriers.accounts import account_of
from order_coordination.core import constants
from order_coordination.core.carrier import check_event
from order_coordination.customers import links as portal
from order_coordination.tests.utils import (
	MADE,
	RAW,
	add_stock,
	deliver,
	make_order,
	make_work_orders_for,
	only_on_a_development_site,
	produce,
)

CUSTOMER = "_Test Customer"
PORTAL_USER = ("oc.customer@example.com", "Camille")
CARRIER = "oc.carrier@example.com"
CARRIER_NAME = "Swift Parcel"


def _carrier_account():
	"""The walk's carrier, reporting as carriers do: through its Carrier Account (events stored here
	directly, so unsigned)."""
	if not frappe.db.exists("User", CARRIER):
		frappe.get_doc(
			{"doctype": "User", "email": CARRIER, "first_name": "Swift", "send_welcome_email": 0}
		).insert(ignore_permissions=True)
		frappe.get_doc("User", CARRIER).add_roles(constants.INTEGRATION_ROLE)
	if not frappe.db.exists(constants.DT_CARRIER_ACCOUNT, {"integration_user": CARRIER}):
		frappe.get_doc(
			{
				"doctype": constants.DT_CARRIER_ACCOUNT,
				"carrier_name": CARRIER_NAME,
				"carrier": CARRIER_NAME,
				"integration_user": CARRIER,
				"allow_unsigned": 1,
			}
		).insert(ignore_permissions=True)
	return account_of(CARRIER)


def _report(awb, status, hours_ago, location, description=None):
	at = datetime.now(timezone.utc) - timedelta(hours=hours_ago)
	event = check_event(
		{
			"event_id": frappe.generate_hash(length=12),
			"tracking_number": awb,
			"status": status,
			"occurred_at": at.isoformat(),
			"location": location,
			"description": description,
		}
	)
	carrier_feed.store([(event, status)], _carrier_account(), CARRIER)
	carrier_feed.apply_queued()


@frappe.whitelist(methods=["POST"])
def prepare():
	only_on_a_development_site()
	email, first_name = PORTAL_USER
	password = frappe.generate_hash(length=24)
	if not frappe.db.exists("User", email):
		frappe.get_doc(
			{"doctype": "User", "email": email, "first_name": first_name, "send_welcome_email": 0}
		).insert(ignore_permissions=True)
	user = frappe.get_doc("User", email)
	user.set("roles", [])
	user.add_roles("Customer")
	user.save(ignore_permissions=True)
	update_password(email, password)
	customer = frappe.get_doc("Customer", CUSTOMER)
	if not any(row.user == email for row in customer.get("portal_users") or []):
		customer.append("portal_users", {"user": email})
		customer.save(ignore_permissions=True)

	add_stock(RAW, 10)
	so = make_order(item_code=MADE, qty=2, delivery_date=add_days(nowdate(), 14), customer=CUSTOMER)
	for wo in make_work_orders_for(so):
		produce(wo, 2)
	dn = deliver(so)
	awb = "1Z" + frappe.generate_hash(length=10).upper()
	shipment = create_test_shipment([dn])
	shipment.update(
		{"awb_number": awb, "carrier": CARRIER_NAME, "tracking_url": f"https://track.example/{awb}"}
	)
	shipment.submit()
	# The promise moved once (Production asked for more time): the customer sees that it moved, not why.
	frappe.db.set_value(
		constants.DT_ORDER_COORDINATION, so.name, "original_delivery_date", add_days(nowdate(), 10)
	)
	frappe.db.commit()
	_report(awb, constants.CARRIER_IN_TRANSIT, 20, "Shenzhen Hub", "Departed facility")
	_report(awb, constants.CARRIER_OUT_FOR_DELIVERY, 2, "Lyon", "On the van")
	frappe.set_user("Administrator")
	link = portal.make_tracking_link(so.name)
	frappe.db.commit()
	return {
		"user": email,
		"password": password,
		"sales_order": so.name,
		"awb": awb,
		"token": parse_qs(urlparse(link["url"]).query)["token"][0],
	}


@frappe.whitelist(methods=["POST"])
def deliver_order(awb):
	"""The carrier reports the parcel delivered, as its integration would."""
	only_on_a_development_site()
	_report(awb, constants.CARRIER_DELIVERED, 0, "Lyon", "Left with the customer")
	frappe.db.commit()
