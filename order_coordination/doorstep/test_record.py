"""The driver's door on real ERPNext documents: a Sales Order delivered on a Delivery Note, put on a
Delivery Trip with ERPNext's own mapper, driven by a Driver whose Employee is the driver's user."""

import base64
import json
import uuid

import frappe
from erpnext.setup.doctype.employee.test_employee import make_employee
from erpnext.stock.doctype.delivery_note.delivery_note import make_delivery_trip
from erpnext.stock.doctype.delivery_trip.test_delivery_trip import create_vehicle
from frappe.utils import add_to_date, now_datetime

from order_coordination import api
from order_coordination.compat import TestCase, declare_test_records
from order_coordination.core import constants
from order_coordination.core.doorstep import PNG_DATA_URL, PNG_MAGIC
from order_coordination.customers.page import order_view
from order_coordination.doorstep import trips
from order_coordination.tests.utils import (
	COMPANY,
	STOCKED,
	add_stock,
	deliver,
	make_items,
	make_order,
	make_user,
	record,
	timeline,
)

declare_test_records(__name__, ["Sales Order", "Delivery Note", "Stock Entry", "Employee"])

DRIVER_USER = "oc-driver@example.com"
OTHER_DRIVER_USER = "oc-other-driver@example.com"
CLERK = "oc-doorstep-clerk@example.com"
SIGNATURE = PNG_DATA_URL + base64.b64encode(PNG_MAGIC + b"\x00" * 200).decode()
# A stop in central London, and a phone 30 m and 3 km from it.
STOP = (51.50809, -0.12806)
NEAR = (51.50836, -0.12806)
FAR = (51.53, -0.10)


def make_driver(user: str) -> str:
	make_user(user, constants.DRIVER_ROLE)
	employee = make_employee(user, company=COMPANY)
	name = frappe.db.get_value("Driver", {"employee": employee})
	if not name:
		name = (
			frappe.get_doc({"doctype": "Driver", "full_name": user.split("@")[0], "employee": employee})
			.insert(ignore_permissions=True)
			.name
		)
	return name


def make_address(customer: str) -> str:
	name = frappe.db.get_value(
		"Dynamic Link", {"link_doctype": "Customer", "link_name": customer, "parenttype": "Address"}, "parent"
	)
	if name:
		return name
	return (
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
		.insert(ignore_permissions=True)
		.name
	)


def queued(so_name):
	"""The notices queued for an order, as the outbox keeps them."""
	rows = frappe.get_all("Coordination Outbox", {"payload": ["like", f"%{so_name}%"]}, pluck="payload")
	return [item for row in rows for item in json.loads(row) if item["sales_order"] == so_name]


class TestDoorstep(TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.driver = make_driver(DRIVER_USER)
		cls.other_driver = make_driver(OTHER_DRIVER_USER)
		make_user(CLERK, "Stock Manager", "System Manager", "Delivery User")
		create_vehicle()

	def make_trip(self, stops: int = 1, driver=None, submit=True):
		"""`stops` orders, each delivered on its own Delivery Note, on one trip made by ERPNext's mapper."""
		make_items()
		add_stock(STOCKED, 10 * stops)
		orders, notes, trip = [], [], None
		for _i in range(stops):
			so = make_order(STOCKED, qty=1)
			dn = deliver(so)
			orders.append(so)
			notes.append(dn)
			trip = make_delivery_trip(dn.name, target_doc=trip)
		address = make_address(orders[0].customer)
		trip.company = COMPANY
		trip.driver = driver or self.driver
		trip.vehicle = "JB 007"
		trip.departure_time = now_datetime()
		for stop in trip.delivery_stops:
			stop.address = stop.address or address
			stop.lat, stop.lng = STOP
		trip.insert()
		if submit:
			trip.submit()
		return trip, orders, notes

	def record(self, stop, outcome="Delivered", user=DRIVER_USER, **kwargs):
		args = {"recipient": "J. Chen", "signature": SIGNATURE} if outcome == "Delivered" else {}
		args.update(kwargs)
		args.setdefault("attempt_id", str(uuid.uuid4()))
		with self.set_user(user):
			return api.record_delivery_attempt(delivery_stop=stop.name, outcome=outcome, **args)

	def attempts(self, trip):
		return frappe.get_all(constants.DT_DELIVERY_ATTEMPT, {"delivery_trip": trip.name}, pluck="name")

	def test_a_delivery_signed_at_the_door_confirms_the_order(self):
		trip, (so,), (dn,) = self.make_trip()
		answer = self.record(trip.delivery_stops[0], latitude=NEAR[0], longitude=NEAR[1], accuracy=8)
		self.assertEqual(answer["duplicate"], False)
		doc = frappe.get_doc(constants.DT_DELIVERY_ATTEMPT, answer["name"])
		self.assertEqual(
			(doc.delivery_note, doc.sales_order, doc.recorded_by), (dn.name, so.name, DRIVER_USER)
		)
		self.assertTrue(20 < doc.distance < 40 and not doc.far_from_stop)
		signature = frappe.get_doc("File", {"file_url": doc.signature})
		self.assertEqual((signature.is_private, signature.attached_to_name), (1, doc.name))
		# The stop is visited as ERPNext ticks it, and its trip follows.
		trip.reload()
		self.assertEqual((trip.delivery_stops[0].visited, trip.status), (1, "Completed"))
		self.assertEqual(record(so.name).last_outcome, constants.OUTCOME_DELIVERED)
		(row,) = [t for t in timeline(so.name) if t.action == constants.TIMELINE_DELIVERY_CONFIRMED]
		self.assertIn("signed by J. Chen", row.note)
		self.assertIn(f"stop 1 of {trip.name}", row.note)
		self.assertEqual(
			(row.reference_doctype, row.reference_name), (constants.DT_DELIVERY_ATTEMPT, doc.name)
		)
		(line,) = order_view(so.name)["doorstep"]
		self.assertRegex(line, r"^Delivered at \d\d:\d\d, signed by J\. Chen$")

	def test_a_failed_attempt_raises_logistics_exception_and_confirms_nothing(self):
		trip, (so,), _notes = self.make_trip()
		self.record(
			trip.delivery_stops[0], "Failed Attempt", reason="Nobody home", latitude=FAR[0], longitude=FAR[1]
		)
		doc = frappe.get_doc(constants.DT_DELIVERY_ATTEMPT, self.attempts(trip)[0])
		self.assertTrue(doc.far_from_stop)
		trip.reload()
		self.assertEqual(trip.status, "Completed")  # visited, as ERPNext counts it
		# The completed trip confirms nothing for a stop the driver could not deliver.
		self.assertNotEqual(record(so.name).last_outcome, constants.OUTCOME_DELIVERED)
		exception = frappe.get_all(
			constants.DT_EXCEPTION,
			{"sales_order": so.name, "status": constants.EXCEPTION_OPEN},
			["exception_type", "responsible_department", "description"],
		)
		self.assertEqual(
			[(e.exception_type, e.responsible_department) for e in exception],
			[(constants.DELIVERY_FAILED, constants.LOGISTICS)],
		)
		self.assertIn("Nobody home", exception[0].description)
		self.assertIn("(far)", exception[0].description)
		# Whom the matrix says hear of it: the exception's notice is queued, with its departments.
		raised = [
			n for n in queued(so.name) if "raised" in n["subject"] and constants.DELIVERY_FAILED in n["args"]
		]
		self.assertTrue(raised and raised[0]["departments"], queued(so.name))
		self.assertEqual(order_view(so.name)["doorstep"], ["We could not deliver today: Nobody home"])
		self.assertNotIn(str(FAR[0])[:6], frappe.as_json(order_view(so.name)))

	def test_a_refusal_settles_the_delivery_as_refused(self):
		trip, (so,), _notes = self.make_trip()
		self.record(trip.delivery_stops[0], "Refused", reason="Damaged")
		self.assertEqual(record(so.name).last_outcome, constants.OUTCOME_REFUSED)
		self.assertTrue(
			frappe.db.exists(
				constants.DT_EXCEPTION,
				{"sales_order": so.name, "exception_type": constants.DELIVERY_FAILED, "status": "Open"},
			)
		)
		self.assertEqual(order_view(so.name)["doorstep"], ["The delivery was refused today"])

	def test_a_repeat_answers_the_kept_attempt_and_changes_nothing(self):
		trip, (so, _second), _notes = self.make_trip(stops=2)
		attempt_id = str(uuid.uuid4())
		first = self.record(trip.delivery_stops[0], attempt_id=attempt_id)
		before = len(timeline(so.name))
		again = self.record(trip.delivery_stops[0], attempt_id=attempt_id.upper())
		self.assertEqual(again, {"name": first["name"], "duplicate": True})
		self.assertEqual((len(self.attempts(trip)), len(timeline(so.name))), (1, before))
		trip.reload()
		self.assertEqual(trip.status, "In Transit")
		# Someone else cannot learn of or reuse another driver's id.
		with self.assertRaises(frappe.PermissionError):
			self.record(trip.delivery_stops[1], attempt_id=attempt_id, user=OTHER_DRIVER_USER)

	def test_only_the_trips_driver_may_record(self):
		trip, (so,), _notes = self.make_trip()
		stop = trip.delivery_stops[0]
		for user in (OTHER_DRIVER_USER, CLERK, "Administrator", "Guest"):
			with self.subTest(user=user), self.assertRaises(frappe.PermissionError):
				self.record(stop, user=user)
		with self.assertRaises(frappe.PermissionError):
			self.record(frappe._dict(name="no-such-stop"))
		self.assertEqual(self.attempts(trip), [])
		self.assertEqual(frappe.db.get_value("Delivery Stop", stop.name, "visited"), 0)

	def test_bad_input_is_refused_and_stores_nothing(self):
		trip, (so,), _notes = self.make_trip()
		stop = trip.delivery_stops[0]
		jpeg = "data:image/jpeg;base64," + base64.b64encode(b"\xff\xd8\xff" + b"\x00" * 10).decode()
		huge = PNG_DATA_URL + base64.b64encode(PNG_MAGIC + b"\x00" * 400_000).decode()
		cases = {
			"unknown outcome": {"outcome": "Lost"},
			"failed without a reason": {"outcome": "Failed Attempt"},
			"a reason not on the list": {"outcome": "Failed Attempt", "reason": "Dragons"},
			"a JPEG signature": {"signature": jpeg},
			"an oversized signature": {"signature": huge},
			"no signature": {"signature": None},
			"latitude 91": {"latitude": 91, "longitude": 0},
			"half a position": {"latitude": 10},
			"not a UUID": {"attempt_id": "1; drop table"},
			"tomorrow's device time": {"recorded_at": add_to_date(now_datetime(), days=2).isoformat()},
		}
		timeline_before = len(timeline(so.name))
		for label, args in cases.items():
			with self.subTest(label), self.assertRaises(frappe.ValidationError):
				self.record(stop, **args)
		self.assertEqual(self.attempts(trip), [])
		self.assertEqual(frappe.db.get_value("Delivery Stop", stop.name, "visited"), 0)
		self.assertEqual(len(timeline(so.name)), timeline_before)

	def test_a_cancelled_trip_is_refused(self):
		trip, _orders, _notes = self.make_trip()
		trip.cancel()
		with self.assertRaises(frappe.ValidationError) as caught:
			self.record(trip.delivery_stops[0])
		self.assertIn("cancelled", str(caught.exception))
		self.assertEqual(self.attempts(trip), [])

	def test_requirements_follow_the_companys_policy(self):
		policy = frappe.get_doc(
			{"doctype": constants.DT_POLICY, "company": COMPANY, "ownership_model": "Sales-led"}
		)
		policy.doorstep_far_metres = 10
		policy.append("doorstep_requirements", {"outcome": "Delivered", "position_required": 1})
		policy.append("doorstep_reasons", {"reason": "Gate locked"})
		policy.insert()
		self.addCleanup(frappe.clear_document_cache, constants.DT_POLICY, COMPANY)
		self.addCleanup(frappe.delete_doc, constants.DT_POLICY, COMPANY, force=True)
		trip, _orders, _notes = self.make_trip(stops=2)
		first, second = trip.delivery_stops
		with self.assertRaises(frappe.ValidationError):
			self.record(first, recipient=None, signature=None)  # no position
		with self.assertRaises(frappe.ValidationError):
			self.record(first, "Failed Attempt", reason="Nobody home")  # not on this company's list
		# No signature needed any more; 30 m is far for this company.
		answer = self.record(first, recipient=None, signature=None, latitude=NEAR[0], longitude=NEAR[1])
		self.assertEqual(
			frappe.db.get_value(constants.DT_DELIVERY_ATTEMPT, answer["name"], "far_from_stop"), 1
		)
		self.record(second, "Failed Attempt", reason="Gate locked")
		with self.set_user(DRIVER_USER):
			rules = trips.my_trips()["rules"][COMPANY]
		self.assertEqual(rules["reasons"], ["Gate locked"])
		self.assertTrue(rules["requirements"]["Delivered"]["position"])
		policy.append("doorstep_requirements", {"outcome": "Delivered"})
		with self.assertRaises(frappe.ValidationError):
			policy.save()

	def test_the_driver_attaches_photos_to_their_own_attempts_only(self):
		from frappe.handler import check_write_permission

		trip, _orders, _notes = self.make_trip()
		name = self.record(trip.delivery_stops[0])["name"]
		with self.set_user(DRIVER_USER):
			check_write_permission(constants.DT_DELIVERY_ATTEMPT, name)  # what upload_file asks
			self.assertEqual(trips.my_photos(name), [f"signature-{name}.png"])
			mine = frappe.get_list(constants.DT_DELIVERY_ATTEMPT, fields=["name", "recorded_by"])
			self.assertIn(name, [a.name for a in mine])
			self.assertEqual({a.recorded_by for a in mine}, {DRIVER_USER})
		with self.set_user(OTHER_DRIVER_USER):
			with self.assertRaises(frappe.PermissionError):
				check_write_permission(constants.DT_DELIVERY_ATTEMPT, name)
			with self.assertRaises(frappe.PermissionError):
				trips.my_photos(name)
			self.assertNotIn(name, frappe.get_list(constants.DT_DELIVERY_ATTEMPT, pluck="name"))
		with self.set_user(CLERK):
			with self.assertRaises(frappe.PermissionError):
				check_write_permission(constants.DT_DELIVERY_ATTEMPT, name)
			self.assertIn(name, frappe.get_list(constants.DT_DELIVERY_ATTEMPT, pluck="name"))

	def test_the_drivers_day_lists_their_trips_only(self):
		mine, _orders, (dn,) = self.make_trip()
		theirs, _o, _n = self.make_trip(driver=self.other_driver)
		with self.set_user(DRIVER_USER):
			day = trips.my_trips()
		names = [t["name"] for t in day["trips"]]
		self.assertIn(mine.name, names)
		self.assertNotIn(theirs.name, names)
		(trip,) = [t for t in day["trips"] if t["name"] == mine.name]
		(stop,) = trip["stops"]
		self.assertEqual((stop["delivery_note"], stop["lines"][0]["item_code"]), (dn.name, STOCKED))
		self.assertTrue(day["csrf_token"])
		with self.set_user("Guest"), self.assertRaises(frappe.PermissionError):
			trips.my_trips()
