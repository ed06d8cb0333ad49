"""The doors this round added, asked who may pass: a guest, a user with no role of the app's, and bad input
(the driver's own door is in doorstep/test_record.py; the feasible date's in test_feasible.py)."""

import frappe
from frappe.utils import add_days, nowdate

from order_coordination.compat import TestCase, declare_test_records
from order_coordination.doorstep import page, proof
from order_coordination.insight import flowmap, ocel
from order_coordination.tests.utils import COMPANY, STOCKED, add_stock, deliver, make_order, make_user

declare_test_records(__name__, ["Sales Order", "Delivery Note", "Stock Entry"])

NOBODY = "oc-doors-nobody@example.com"  # a signed-in user without any of the app's or ERPNext's roles


class TestNewDoors(TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(NOBODY)

	def tearDown(self):
		frappe.set_user("Administrator")

	def as_user(self, user, fn, *args, **kwargs):
		frappe.set_user(user)
		try:
			return fn(*args, **kwargs)
		finally:
			frappe.set_user("Administrator")

	def test_proof_of_delivery_is_shown_only_to_who_may_read_the_document(self):
		so = make_order(item_code=STOCKED, qty=1)
		add_stock(STOCKED, 1)
		note = deliver(so).name
		self.assertEqual(proof.note_proofs(note), [])  # a reader of the note: its attempts (none yet)
		for user in ("Guest", NOBODY):
			for fn, name in (
				(proof.note_proofs, note),
				(proof.trip_proofs, "MAT-DT-NONE"),
				(proof.note_proofs, ["not", "a", "name"]),
			):
				with self.subTest(user=user, fn=fn.__name__, name=name):
					self.assertRaises(frappe.PermissionError, self.as_user, user, fn, name)

	def test_the_service_worker_is_the_driver_pages_and_nothing_else(self):
		response = self.as_user("Guest", page.service_worker)
		self.assertEqual(response.mimetype, "application/javascript")
		self.assertEqual(response.headers["Service-Worker-Allowed"], "/driver")
		self.assertEqual(response.headers["Cache-Control"], "no-cache")

	def test_the_flow_map_and_its_export_are_refused_to_who_may_not_read_orders(self):
		period = (COMPANY, add_days(nowdate(), -30), nowdate())
		for user in ("Guest", NOBODY):
			for fn, args in (
				(flowmap.flow_map, period),
				(flowmap.edge_orders, (*period, "department:Sales", "department:Production")),
				(flowmap.companies, ()),
				(ocel.export_ocel, period),
			):
				with self.subTest(user=user, fn=fn.__name__):
					self.assertRaises(frappe.PermissionError, self.as_user, user, fn, *args)

	def test_bad_input_gets_a_clear_error(self):
		period = (COMPANY, add_days(nowdate(), -30), nowdate())
		for fn, args, kwargs in (
			(flowmap.flow_map, (COMPANY, nowdate(), add_days(nowdate(), -30)), {}),  # backwards
			(flowmap.flow_map, period, {"filters": {"<b>x</b>": 1}}),
			(flowmap.edge_orders, (*period, "no edge", "here"), {}),
			(ocel.export_ocel, period, {"format": "xml"}),
		):
			with self.subTest(fn=fn.__name__, args=args, kwargs=kwargs):
				self.assertRaises(frappe.ValidationError, fn, *args, **kwargs)
