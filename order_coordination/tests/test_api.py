import frappe

from order_coordination import api
from order_coordination.compat import TestCase, declare_test_records
from order_coordination.core import constants
from order_coordination.tests.utils import (
	STOCKED,
	at_once,
	make_order,
	make_user,
	pending_handoff,
	record,
	remove_committed_orders,
	timeline,
)

declare_test_records(__name__, ["Sales Order", "Delivery Note", "Stock Entry"])

SALES_USER = "oc-sales@example.com"
PLANNER = "oc-planner@example.com"
CLERK = "oc-clerk@example.com"
OUTSIDER = "oc-outsider@example.com"


class TestCoordinationApi(TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(SALES_USER, "Sales User")
		make_user(PLANNER, "Manufacturing User")
		make_user(CLERK, "Stock User")
		make_user(OUTSIDER, "Accounts User")

	def snapshot(self, so_name):
		return (
			len(timeline(so_name)),
			frappe.db.count(constants.DT_ORDER_HANDOFF, {"sales_order": so_name}),
			frappe.db.count(
				constants.DT_ORDER_HANDOFF, {"sales_order": so_name, "status": constants.HANDOFF_PENDING}
			),
			record(so_name).responsible_department,
		)

	def test_get_order_status(self):
		so = make_order()
		status = api.get_order_status(so.name)
		self.assertEqual(
			(status["stage"], status["status"]), (constants.ORDER_RECEIVED, record(so.name).status)
		)
		self.assertEqual(status["responsible_department"], constants.SALES)
		(handoff,) = status["handoffs"]
		self.assertEqual(
			{k: handoff[k] for k in ("from_department", "to_department", "stage", "status")},
			{
				"from_department": constants.SALES,
				"to_department": constants.PRODUCTION,
				"stage": constants.ORDER_RECEIVED,
				"status": constants.HANDOFF_PENDING,
			},
		)
		self.assertTrue(handoff["name"] and handoff["due_by"])
		self.assertEqual(status["exceptions"], [])
		self.assertTrue(status["timeline"])

	def test_rejection_with_reason_and_a_new_handoff(self):
		so = make_order()
		handoff = pending_handoff(so.name)
		with self.set_user(PLANNER):
			api.reject_handoff(handoff.name, "No capacity before the 20th")
		row = frappe.db.get_value(
			constants.DT_ORDER_HANDOFF, handoff.name, ["status", "reason", "responded_by"], as_dict=True
		)
		self.assertEqual(
			(row.status, row.reason, row.responded_by),
			(constants.HANDOFF_REJECTED, "No capacity before the 20th", PLANNER),
		)
		self.assertEqual(record(so.name).responsible_department, constants.SALES)
		with self.set_user(SALES_USER):
			again = api.hand_off(so.name, constants.PRODUCTION, "Customer agreed to the 25th")
		with self.set_user(PLANNER):
			api.accept_handoff(again)
		self.assertEqual(record(so.name).responsible_department, constants.PRODUCTION)
		actions = [r.action for r in timeline(so.name)]
		self.assertEqual(actions.count(constants.TIMELINE_HANDOFF_SENT), 2)
		self.assertIn(constants.TIMELINE_HANDOFF_REJECTED, actions)

	def test_a_user_outside_the_department_is_refused(self):
		so = make_order()
		handoff = pending_handoff(so.name)
		before = self.snapshot(so.name)
		with self.set_user(SALES_USER):
			self.assertRaises(frappe.PermissionError, api.accept_handoff, handoff.name)
		with self.set_user(OUTSIDER):
			self.assertRaises(frappe.PermissionError, api.hand_off, so.name, constants.LOGISTICS)
		with self.set_user(PLANNER):
			self.assertRaises(
				frappe.PermissionError, api.confirm_delivery, so.name, constants.OUTCOME_DELIVERED
			)
		self.assertEqual(self.snapshot(so.name), before)

	def test_bad_arguments_get_a_clear_error_and_change_nothing(self):
		so = make_order()
		handoff = pending_handoff(so.name)
		before = self.snapshot(so.name)
		# An order or row that does not exist answers as one the user may not see: no existence oracle.
		unknown = [
			(api.get_order_status, ("SAL-ORD-NOPE",)),
			(api.accept_handoff, ("OH-NOPE",)),
			(api.resolve_exception, ("OE-NOPE", "fixed")),
		]
		for method, args in unknown:
			with self.subTest(method=method.__name__, args=args):
				self.assertRaises(frappe.PermissionError, method, *args)
		bad_calls = [
			(api.get_order_status, ({"name": so.name},)),
			(api.hand_off, (so.name, "Marketing")),
			(api.hand_off, (so.name, constants.LOGISTICS)),  # one handoff is already pending
			(api.reject_handoff, (handoff.name, "   ")),
			(api.reject_handoff, (handoff.name, None)),
			(api.confirm_delivery, (so.name, "Teleported")),
			(api.confirm_delivery, (so.name, constants.OUTCOME_DELIVERED)),  # nothing shipped yet
			(api.raise_exception, (so.name, "Alien Invasion", "x")),
			(api.raise_exception, (so.name, constants.QUALITY_ISSUE, "")),
			(api.hand_off, (so.name, constants.PRODUCTION, "x" * 5000)),
		]
		for method, args in bad_calls:
			with self.subTest(method=method.__name__, args=args):
				self.assertRaises(frappe.ValidationError, method, *args)
		self.assertEqual(self.snapshot(so.name), before)

	def test_accepting_twice_is_refused(self):
		so = make_order(item_code=STOCKED)
		handoff = pending_handoff(so.name)
		with self.set_user(CLERK):
			api.accept_handoff(handoff.name)
			before = self.snapshot(so.name)
			self.assertRaises(frappe.ValidationError, api.accept_handoff, handoff.name)
		self.assertEqual(self.snapshot(so.name), before)
		self.assertEqual(record(so.name).stage, constants.READY_TO_SHIP)

	def test_exceptions_hold_the_order_until_resolved(self):
		so = make_order()
		with self.set_user(PLANNER):
			name = api.raise_exception(
				so.name, constants.MATERIAL_SHORTAGE, "Steel late", constants.PRODUCTION
			)
		self.assertEqual(record(so.name).status, constants.STATUS_ON_HOLD)
		row = frappe.db.get_value(
			constants.DT_EXCEPTION, name, ["raised_by_department", "responsible_department"], as_dict=True
		)
		self.assertEqual(
			(row.raised_by_department, row.responsible_department),
			(constants.PRODUCTION, constants.PRODUCTION),
		)
		self.assertEqual(len(api.get_order_status(so.name)["exceptions"]), 1)
		with self.set_user(CLERK):
			self.assertRaises(frappe.PermissionError, api.resolve_exception, name, "done")
		with self.set_user(PLANNER):
			api.resolve_exception(name, "Steel arrived")
		self.assertNotEqual(record(so.name).status, constants.STATUS_ON_HOLD)

	def test_delivery_outcomes_from_logistics(self):
		from order_coordination.tests.utils import add_stock, deliver

		so = make_order(item_code=STOCKED, qty=2)
		add_stock(STOCKED, 2)
		deliver(so)
		with self.set_user(CLERK):
			api.confirm_delivery(so.name, constants.OUTCOME_DAMAGED, "Crate crushed")
		doc = record(so.name)
		self.assertEqual((doc.stage, doc.status), (constants.SHIPPED, constants.STATUS_ON_HOLD))
		self.assertEqual(
			frappe.db.get_value(constants.DT_EXCEPTION, {"sales_order": so.name}, "exception_type"),
			constants.DAMAGED_IN_TRANSIT,
		)


class TestConcurrentAcceptance(TestCase):
	"""Two users accept the same handoff at the same moment, each in a connection of its own."""

	def test_exactly_one_acceptance_wins(self):
		so = make_order(item_code=STOCKED)
		handoff = pending_handoff(so.name).name
		frappe.db.commit()  # the two users' connections must see the order
		self.addCleanup(remove_committed_orders, [so.name])

		results = at_once(lambda: api.accept_handoff(handoff))
		outcomes = ["refused" if isinstance(r, frappe.ValidationError) else "accepted" for r in results]
		self.assertEqual(sorted(outcomes), ["accepted", "refused"])
		self.assertEqual(
			frappe.db.count(
				constants.DT_TIMELINE, {"sales_order": so.name, "action": constants.TIMELINE_HANDOFF_ACCEPTED}
			),
			1,
		)


class TestButtons(TestCase):
	"""Which actions each role is offered; a user outside every department sees the panel, no buttons."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		for user, role in (
			(SALES_USER, "Sales User"),
			(PLANNER, "Manufacturing User"),
			(CLERK, "Stock User"),
			(OUTSIDER, "Accounts User"),
		):
			make_user(user, role)

	def actions(self, user, so_name):
		with self.set_user(user):
			return sorted(a["action"] for a in api.get_order_status(so_name)["actions"])

	def test_buttons_per_role(self):
		from order_coordination.tests.utils import add_stock, deliver

		so = make_order(item_code=STOCKED, qty=2)
		# Sales records the customer's date changes; Production and Logistics may propose new dates.
		self.assertEqual(
			self.actions(SALES_USER, so.name), ["cancel_handoff", "propose_date", "raise_exception"]
		)
		self.assertEqual(
			self.actions(CLERK, so.name), ["accept", "propose_date", "raise_exception", "reject"]
		)
		self.assertEqual(self.actions(PLANNER, so.name), ["propose_date", "raise_exception"])
		self.assertEqual(self.actions(OUTSIDER, so.name), [])
		with self.set_user(OUTSIDER):
			self.assertEqual(
				api.get_order_status(so.name)["stage"], constants.ORDER_RECEIVED
			)  # sees the panel

		with self.set_user(CLERK):
			api.accept_handoff(pending_handoff(so.name).name)
		self.assertEqual(self.actions(CLERK, so.name), ["hand_off", "propose_date", "raise_exception"])
		self.assertEqual(
			self.actions(SALES_USER, so.name), ["hand_off", "propose_date", "raise_exception"]
		)  # Sales is accountable
		self.assertEqual(self.actions(PLANNER, so.name), ["propose_date", "raise_exception"])

		add_stock(STOCKED, 2)
		deliver(so)
		self.assertIn("confirm_delivery", self.actions(CLERK, so.name))
		self.assertNotIn("confirm_delivery", self.actions(SALES_USER, so.name))
		self.assertNotIn("propose_date", self.actions(SALES_USER, so.name))  # it has all left
		with self.set_user(CLERK):
			exception = api.raise_exception(so.name, constants.QUALITY_ISSUE, "Scratched")
		self.assertIn("resolve_exception", self.actions(CLERK, so.name))
		self.assertNotIn("resolve_exception", self.actions(PLANNER, so.name))
		self.assertTrue(exception)

	def test_pending_handoffs_carry_their_sla_state(self):
		so = make_order()
		(handoff,) = api.get_order_status(so.name)["handoffs"]
		self.assertIn(handoff["sla"], ("On Time", "Due Soon", "Overdue"))
