"""Data for the driver's browser walk and its measures (browser/driver.mjs) on a development site with
ERPNext's test records: a driver's user (the Delivery Driver role only) linked through an Employee to a
Driver, and submitted Delivery Trips of orders delivered on Delivery Notes, made by ERPNext's mapper.
Only on a development site, only for a System Manager: it commits. The password is new on every call and
returned to the caller only."""

import frappe
from erpnext.setup.doctype.employee.test_employee import make_employee
from erpnext.stock.doctype.delivery_note.delivery_note import make_delivery_trip
from erpnext.stock.doctype.delivery_trip.test_delivery_trip import create_vehicle
from frappe.utils import cint, now_datetime
from frappe.utils.password import update_password

from order_coordination.core.constants import DRIVER_ROLE, DT_DELIVERY_ATTEMPT
from order_coordination.tests.utils import (
	COMPANY,
	STOCKED,
	add_stock,
	deliver,
	make_items,
	make_order,
	only_on_a_development_site,
)

DRIVER = "oc.driver@example.com"
# The stops' coordinates: around Trafalgar Square, a few metres apart.
LAT, LNG = 51.50809, -0.12806


def driver_of(user: str, language: str) -> str:
	if not frappe.db.exists("User", user):
		frappe.get_doc(
			{"doctype": "User", "email": user, "first_name": "Dana", "send_welcome_email": 0}
		).insert(ignore_permissions=True)
	doc = frappe.get_doc("User", user)
	doc.language = language
	doc.set("roles", [])
	doc.add_roles(DRIVER_ROLE)
	doc.save(ignore_permissions=True)
	employee = make_employee(user, company=COMPANY)
	return frappe.db.get_value("Driver", {"employee": employee}) or (
		frappe.get_doc({"doctype": "Driver", "full_name": "Dana Driver", "employee": employee}).insert().name
	)


def address_of(customer: str) -> str:
	name = frappe.db.get_value(
		"Dynamic Link", {"link_doctype": "Customer", "link_name": customer, "parenttype": "Address"}, "parent"
	)
	return name or (
		frappe.get_doc(
			{
				"doctype": "Address",
				"address_title": customer,
				"address_type": "Shipping",
				"address_line1": "1 Doorstep Lane",
				"city": "London",
				"country": frappe.db.get_value("Company", COMPANY, "country"),
				"links": [{"link_doctype": "Customer", "link_name": customer}],
			}
		)
		.insert()
		.name
	)


def make_trip(driver: str, stops: int) -> dict:
	make_items()
	add_stock(STOCKED, stops)
	trip = None
	for _i in range(stops):
		dn = deliver(make_order(STOCKED, qty=1))
		trip = make_delivery_trip(dn.name, target_doc=trip)
	address = address_of(trip.delivery_stops[0].customer)
	trip.update({"company": COMPANY, "driver": driver, "vehicle": "JB 007", "departure_time": now_datetime()})
	for i, stop in enumerate(trip.delivery_stops):
		stop.address = stop.address or address
		stop.lat, stop.lng = LAT + i * 0.0003, LNG
	trip.insert()
	trip.submit()
	return {"trip": trip.name, "stops": [s.name for s in trip.delivery_stops]}


@frappe.whitelist(methods=["POST"])
def prepare(trips=1, stops=3, language="en"):
	"""`trips` trips of `stops` stops each for the walk's driver; returns the driver's sign-in and them."""
	only_on_a_development_site()
	password = frappe.generate_hash(length=24)
	driver = driver_of(DRIVER, language)
	update_password(DRIVER, password)
	create_vehicle()
	made = [make_trip(driver, cint(stops)) for _i in range(cint(trips))]
	frappe.db.commit()
	return {"user": DRIVER, "password": password, "trips": made}


@frappe.whitelist(methods=["POST"])
def set_language(language):
	only_on_a_development_site()
	frappe.db.set_value("User", DRIVER, "language", language)
	frappe.db.commit()


@frappe.whitelist()
def applied(trips):
	"""What reached the server for the trips: attempts per stop, photos per attempt, visited stops."""
	only_on_a_development_site()
	trips = frappe.parse_json(trips)
	attempts = frappe.get_all(
		DT_DELIVERY_ATTEMPT,
		filters={"delivery_trip": ["in", trips]},
		fields=["name", "delivery_stop", "signature", "delivery_note", "outcome"],
	)
	files = frappe.get_all(
		"File",
		filters={
			"attached_to_doctype": DT_DELIVERY_ATTEMPT,
			"attached_to_name": ["in", [a.name for a in attempts] or [""]],
		},
		fields=["attached_to_name", "attached_to_field", "file_name"],
	)
	return {
		"attempts": attempts,
		"photos": [f for f in files if f.attached_to_field != "signature"],
		"visited": frappe.get_all(
			"Delivery Stop", filters={"parent": ["in", trips], "visited": 1}, pluck="name"
		),
		"statuses": frappe.get_all("Delivery Trip", filters={"name": ["in", trips]}, pluck="status"),
	}
