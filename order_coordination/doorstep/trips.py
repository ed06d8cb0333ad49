"""The driver's day, as the driver's page keeps it on the phone: today's and upcoming submitted trips of
the Drivers the user drives as (and earlier ones not finished), their stops in order with the customer,
address, contact's phone, the Delivery Note's lines and each stop's latest attempt; and what the
company requires. Only the trip's driver reads them here: the desk's permissions are not asked, the
driver's link to the trip is."""

from __future__ import annotations

from collections import defaultdict

import frappe
from frappe import _
from frappe.sessions import get_csrf_token
from frappe.utils import get_datetime, getdate

from order_coordination.core import doorstep as rules
from order_coordination.core.constants import DT_DELIVERY_ATTEMPT
from order_coordination.doorstep import requirements
from order_coordination.doorstep.drivers import drivers_of

TRIPS_SHOWN = 50
STOP_FIELDS = [
	"name",
	"parent",
	"idx",
	"customer",
	"customer_address",
	"contact",
	"customer_contact",
	"delivery_note",
	"visited",
	"lat",
	"lng",
	"details",
]


def trips_of(user: str) -> list:
	drivers = drivers_of(user)
	if not drivers:
		return []
	today = get_datetime(getdate())
	# The latest TRIPS_SHOWN (a driver with more unfinished trips than that has older ones left in the
	# desk), shown in the order they leave.
	trips = frappe.db.sql(
		"""select name, departure_time, status, vehicle, company, driver, driver_name
		from `tabDelivery Trip` where docstatus = 1 and driver in %(drivers)s
		and (departure_time >= %(today)s or status in ('Scheduled', 'In Transit'))
		order by departure_time desc, name desc limit %(shown)s""",
		{"drivers": tuple(drivers), "today": today, "shown": TRIPS_SHOWN},
		as_dict=True,
	)
	return trips[::-1]


def phones(contacts) -> dict:
	contacts = [c for c in contacts if c]
	if not contacts:
		return {}
	rows = frappe.get_all(
		"Contact", filters={"name": ["in", contacts]}, fields=["name", "mobile_no", "phone"]
	)
	return {r.name: r.mobile_no or r.phone for r in rows}


def lines_of(notes) -> dict:
	lines = defaultdict(list)
	if notes:
		for row in frappe.get_all(
			"Delivery Note Item",
			filters={"parent": ["in", list(notes)]},
			fields=["parent", "item_code", "item_name", "qty", "uom"],
			order_by="idx asc",
		):
			lines[row.parent].append(
				{"item_code": row.item_code, "item_name": row.item_name, "qty": row.qty, "uom": row.uom}
			)
	return lines


def latest_attempts(stops) -> dict:
	if not stops:
		return {}
	rows = frappe.get_all(
		DT_DELIVERY_ATTEMPT,
		filters={"delivery_stop": ["in", list(stops)]},
		fields=["name", "delivery_stop", "received_at", "outcome", "reason"],
	)
	return rules.latest_by_stop(rows)


@frappe.whitelist(methods=["GET"])
def my_trips():
	"""The signed-in driver's trips and stops, for the page to keep on the phone."""
	user = frappe.session.user
	if user == "Guest":
		frappe.throw(_("Sign in as the trip's driver to record a delivery"), frappe.PermissionError)
	trips = trips_of(user)
	stops = frappe.get_all(
		"Delivery Stop",
		filters={"parent": ["in", [t.name for t in trips] or [""]], "parenttype": "Delivery Trip"},
		fields=STOP_FIELDS,
		order_by="parent asc, idx asc",
	)
	phone = phones({s.contact for s in stops})
	lines = lines_of({s.delivery_note for s in stops if s.delivery_note})
	latest = latest_attempts([s.name for s in stops])
	by_trip = defaultdict(list)
	for s in stops:
		attempt = latest.get(s.name)
		by_trip[s.parent].append(
			{
				**{k: s[k] for k in STOP_FIELDS if k not in ("parent",)},
				"phone": phone.get(s.contact),
				"lines": lines.get(s.delivery_note, []),
				"outcome": attempt.outcome if attempt else None,
				"reason": attempt.reason if attempt else None,
			}
		)
	companies = {t.company for t in trips}
	return {
		"user": user,
		"csrf_token": get_csrf_token(),
		"trips": [{**t, "stops": by_trip.get(t.name, [])} for t in trips],
		"rules": {c: requirements.rules_for_page(c) for c in companies},
	}


@frappe.whitelist(methods=["GET"])
def my_photos(attempt):
	"""The names of the photos already attached to one of the user's attempts: the page's photo queue
	resumes after a lost answer without attaching a photo twice."""
	user = frappe.session.user
	if (
		not isinstance(attempt, str)
		or frappe.db.get_value(DT_DELIVERY_ATTEMPT, attempt, "recorded_by") != user
	):
		frappe.throw(_("Delivery Attempt {0} is not yours").format(attempt), frappe.PermissionError)
	return frappe.get_all(
		"File",
		filters={"attached_to_doctype": DT_DELIVERY_ATTEMPT, "attached_to_name": attempt},
		pluck="file_name",
	)
