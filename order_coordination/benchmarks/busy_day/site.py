"""What the busy day's traffic needs on a development site: one user per department role with an API key,
the items (made to order with a BOM, and stocked), stock, an address and a vehicle for Delivery Trips,
Shipments a carrier reports on, live tracking links for customers to poll. Everything through ERPNext's
own functions and this app's own doors; it commits, so only on a development site.

	bench --site test_site execute order_coordination.benchmarks.busy_day.site.prepare --kwargs "{'path': '/tmp/plan.json'}"
"""

import json

import frappe
from frappe.utils import add_days, nowdate

from order_coordination.core import constants

DOMAIN = "busy-day.example.com"
# Who the traffic acts as: the roles the README names for each department, and nothing more.
USERS = {
	"sales": ("Sales User",),
	"production": ("Manufacturing User",),
	"logistics": ("Stock User", "Delivery User"),
	"manager": ("Coordination Manager", "Sales User"),
	"admin": ("Coordination Manager",),
	"carrier": (constants.INTEGRATION_ROLE,),
}
CARRIER = "Busy Day Express"
VEHICLE = "BUSY-DAY-1"


def prepare(
	path: str, shipments: int = 30, tracked: int = 20, seed: int = 1, erpnext_only: bool = False
) -> dict:
	"""Write the plan the traffic reads (users' API keys, items, the carrier's secret, tracking tokens).
	`erpnext_only`: for a site without this app (ERPNext's roles only, no carrier, no tracking links)."""
	from erpnext.stock.doctype.shipment.test_shipment import create_test_shipment
	from frappe.installer import update_site_config

	from order_coordination.customers.links import make_tracking_link
	from order_coordination.tests.utils import (
		COMPANY,
		MADE,
		RAW,
		STOCKED,
		WAREHOUSE,
		WIP_WAREHOUSE,
		add_stock,
		deliver,
		make_items,
		make_order,
		make_user,
		only_on_a_development_site,
	)

	only_on_a_development_site()
	_test_records()
	make_items()
	add_stock(STOCKED, 100_000)
	add_stock(RAW, 100_000)
	keys = {}
	for role_name, roles in USERS.items():
		if erpnext_only:
			if role_name in ("admin", "carrier"):
				continue
			roles = [role for role in roles if frappe.db.exists("Role", role)] or ["Sales User"]
		email = make_user(f"{role_name}@{DOMAIN}", *roles)
		user = frappe.get_doc("User", email)
		user.api_key = user.api_key or frappe.generate_hash(length=15)
		secret = frappe.generate_hash(length=15)
		user.api_secret = secret
		user.save(ignore_permissions=True)
		keys[role_name] = f"token {user.api_key}:{secret}"
	customer = frappe.db.get_value("Sales Order", {"company": COMPANY}, "customer") or "_Test Customer"
	address = _address(customer)
	_vehicle()
	driver = _driver()
	plan = {
		"site": frappe.local.site,
		"keys": keys,
		"company": COMPANY,
		"customer": customer,
		"address": address,
		"vehicle": VEHICLE,
		"driver": driver,
		"warehouse": WAREHOUSE,
		"wip_warehouse": WIP_WAREHOUSE,
		"items": {"made": MADE, "stocked": STOCKED},
	}
	if erpnext_only:
		frappe.db.commit()
		return _write(path, plan)
	# Shipped orders with Shipments of our carrier: what the carrier's events are about.
	prefix = f"BUSY-{seed}-" + frappe.generate_hash(length=4).upper()
	for i in range(shipments):
		so = make_order(item_code=STOCKED, qty=1)
		shipment = create_test_shipment([deliver(so)])
		shipment.update({"awb_number": f"{prefix}-{i}", "carrier": CARRIER})
		shipment.submit()
	shared_secret = _carrier_account()
	# Orders whose customers follow them by their tracking links.
	links = []
	frappe.set_user("Administrator")
	for _i in range(tracked):
		so = make_order(item_code=STOCKED, qty=1, delivery_date=add_days(nowdate(), 14))
		links.append(make_tracking_link(so.name)["url"].split("token=")[1])
	frappe.db.commit()
	update_site_config("order_coordination_carrier_requests_per_minute", 1_000_000)
	update_site_config("order_coordination_page_requests_per_minute", 1_000_000)
	plan["carrier"] = {"secret": shared_secret, "prefix": prefix, "shipments": shipments}
	plan["tracking_tokens"] = links
	plan["policy"] = _policy(COMPANY)
	frappe.db.commit()
	return _write(path, plan)


def _write(path: str, plan: dict) -> dict:
	with open(path, "w") as f:
		json.dump(plan, f, indent=1)
	return {"plan": path, "users": list(plan["keys"])}


def _test_records() -> None:
	"""ERPNext's test records (_Test Company, its warehouses, customers, items), as its tests make them."""
	try:
		from frappe.tests.utils.generators import make_test_records  # Frappe 16
	except ImportError:
		from frappe.test_runner import make_test_records  # Frappe 15

	was = getattr(frappe, "in_test", False)
	frappe.flags.in_test = frappe.in_test = True  # Frappe 15 reads the flag, 16 the attribute
	try:
		for doctype in ("Sales Order", "Work Order", "Delivery Note", "Shipment", "Delivery Trip"):
			make_test_records(doctype, commit=True)
	finally:
		frappe.flags.in_test = frappe.in_test = was


def _address(customer: str) -> str:
	name = frappe.db.get_value(
		"Dynamic Link", {"link_doctype": "Customer", "link_name": customer, "parenttype": "Address"}, "parent"
	)
	if name:
		return name
	address = frappe.get_doc(
		{
			"doctype": "Address",
			"address_title": customer,
			"address_line1": "1 Dock Road",
			"city": "Lyon",
			"country": frappe.db.get_value("Company", {}, "country") or "India",
			"links": [{"link_doctype": "Customer", "link_name": customer}],
		}
	).insert(ignore_permissions=True)
	return address.name


def _vehicle() -> None:
	if not frappe.db.exists("Vehicle", VEHICLE):
		frappe.get_doc(
			{
				"doctype": "Vehicle",
				"license_plate": VEHICLE,
				"make": "Busy",
				"model": "Day",
				"last_odometer": 1,
				"fuel_type": "Diesel",
				"uom": "Litre",
			}
		).insert(ignore_permissions=True)


def _driver() -> str:
	"""A Driver for the trips (ERPNext 16 refuses to submit a trip without one)."""
	name = frappe.db.get_value("Driver", {"full_name": "Busy Day Driver"})
	if name:
		return name
	return (
		frappe.get_doc({"doctype": "Driver", "full_name": "Busy Day Driver", "status": "Active"})
		.insert(ignore_permissions=True)
		.name
	)


def _carrier_account() -> str:
	user = f"carrier@{DOMAIN}"
	secret = frappe.generate_hash(length=32)
	name = frappe.db.get_value(constants.DT_CARRIER_ACCOUNT, {"integration_user": user})
	account = (
		frappe.get_doc(constants.DT_CARRIER_ACCOUNT, name)
		if name
		else frappe.get_doc(
			{"doctype": constants.DT_CARRIER_ACCOUNT, "carrier_name": CARRIER, "integration_user": user}
		)
	)
	account.update({"carrier": CARRIER, "shared_secret": secret, "enabled": 1})
	account.save(ignore_permissions=True)
	return secret


def _policy(company: str) -> str:
	"""The company's Coordination Policy, made with the default hours if it has none: the administrator
	saves a new version of it during the run."""
	if not frappe.db.exists(constants.DT_POLICY, company):
		frappe.get_doc({"doctype": constants.DT_POLICY, "company": company}).insert(ignore_permissions=True)
	return company
