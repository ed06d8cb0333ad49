"""What is typical in a company, learned from its history: durations, At Risk on evidence, the tuning
view; and what the panel shows of it (stage after acceptance, the steps an order really took)."""

from datetime import datetime, timedelta

import frappe
from frappe.utils import add_days, getdate, nowdate

from order_coordination import api, learned
from order_coordination.compat import TestCase, declare_test_records
from order_coordination.core import constants
from order_coordination.core.model import TimelineEntry
from order_coordination.insight import tuning as expectations
from order_coordination.policies import policy_of_order, policy_snapshot, snapshot_name
from order_coordination.storage import write_timeline
from order_coordination.tests.utils import (
	COMPANY,
	HISTORY_HOURS,
	STOCKED,
	add_stock,
	deliver,
	make_order,
	make_user,
	make_work_orders_for,
	pending_handoff,
	produce,
	record,
	with_history,
)

declare_test_records(__name__, ["Sales Order", "Work Order", "Delivery Note", "Stock Entry"])

PLANNER = "oc-expect-planner@example.com"


def a_monday_weeks_ago(weeks=3) -> datetime:
	day = getdate(add_days(nowdate(), -7 * weeks))
	day -= timedelta(days=day.weekday())
	return datetime(day.year, day.month, day.day, 9, 0)


def history(orders=12, hours=(1, 2, 3)):
	"""Timeline rows of `orders` past orders: received at 9:00, planned after hours[0] working hours, in
	production after hours[1] more, ready to ship after hours[2] more, within one working day. The
	company's other stage rows go (this test's transaction only), so that the samples are these."""
	frappe.db.delete(constants.DT_TIMELINE, {"company": COMPANY})
	entries = []
	for n in range(orders):
		start = a_monday_weeks_ago() + timedelta(days=7 * (n % 3))
		order = {"name": f"OC-HIST-{n}", "sales_order": f"OC-HIST-{n}", "company": COMPANY, "customer": None}
		at = start
		for stage, after in (
			(constants.ORDER_RECEIVED, 0),
			(constants.PRODUCTION_PLANNING, hours[0]),
			(constants.IN_PRODUCTION, hours[1]),
			(constants.READY_TO_SHIP, hours[2]),
		):
			at = at + timedelta(hours=after)
			action = constants.TIMELINE_CREATED if after == 0 else constants.TIMELINE_STAGE
			entries.append((order, TimelineEntry(action, at, "Administrator", None, stage_to=stage)))
	write_timeline(entries)


class TestExpectations(TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(PLANNER, "Manufacturing User")

	def forget_learned(self):
		frappe.cache.hdel(learned.CACHE, COMPANY)
		learned.forget_read()

	def test_durations_are_learned_per_stage_from_the_companys_history(self):
		self.addCleanup(self.forget_learned)
		frappe.db.delete(constants.DT_TIMELINE, {"company": COMPANY})  # this transaction only
		self.assertEqual(expectations.learn(COMPANY), {})  # no history yet: the policy's hours stay
		history(orders=12, hours=(1, 2, 3))
		hours = expectations.learn(COMPANY)
		self.assertEqual(
			{stage: round(h, 1) for stage, h in hours.items()},
			{
				constants.ORDER_RECEIVED: 1.0,
				constants.PRODUCTION_PLANNING: 2.0,
				constants.IN_PRODUCTION: 3.0,
			},
		)
		self.assertEqual(learned.learned_for(COMPANY), hours)
		self.assertEqual(learned.learned_for("_Test Company 1"), {})

	def test_an_orders_policy_version_is_kept_with_the_calendar_and_durations_of_now(self):
		first, second = getdate(add_days(nowdate(), 20)), getdate(add_days(nowdate(), 21))
		holidays = frappe.get_doc(
			{
				"doctype": "Holiday List",
				"holiday_list_name": f"OC Kept Policy {frappe.generate_hash(length=6)}",
				"from_date": add_days(nowdate(), -30),
				"to_date": add_days(nowdate(), 60),
				"holidays": [{"holiday_date": first, "description": "Closed"}],
			}
		).insert()
		snapshot = {**policy_snapshot(COMPANY), "holiday_list": holidays.name}
		row = frappe._dict(policy_snapshot=snapshot_name(snapshot, COMPANY), company=COMPANY)
		policy = policy_of_order(row)
		self.assertEqual(policy.calendar.holidays, {first})
		self.assertIs(policy_of_order(row), policy)  # built once, not again for every event
		holidays.append("holidays", {"holiday_date": second, "description": "Closed"})
		holidays.save()
		frappe.local.oc_calendars = {}  # as a new request starts
		self.assertEqual(policy_of_order(row).calendar.holidays, {first, second})
		with_history(self)
		self.assertEqual(dict(policy_of_order(row).learned_hours), HISTORY_HOURS)

	def test_a_new_order_is_open_without_evidence_and_at_risk_with_it(self):
		so = make_order(delivery_date=add_days(nowdate(), 2))
		self.assertEqual(record(so.name).status, constants.STATUS_OPEN)
		self.assertIsNone(api.get_order_status(so.name)["status_reason"])
		with_history(self)  # production takes a week of working hours here
		late = make_order(delivery_date=add_days(nowdate(), 2))
		self.assertEqual(record(late.name).status, constants.STATUS_AT_RISK)
		self.assertIn(
			frappe.utils.formatdate(add_days(nowdate(), 2)), api.get_order_status(late.name)["status_reason"]
		)

	def test_a_work_order_ending_after_the_promise_is_evidence_and_the_panel_says_so(self):
		so = make_order(delivery_date=add_days(nowdate(), 3))
		(wo,) = make_work_orders_for(so, submit=False)
		wo.planned_end_date = add_days(nowdate(), 10)  # a BOM without operations: the plan is typed in
		wo.save()
		wo.submit()
		self.assertEqual(record(so.name).status, constants.STATUS_AT_RISK)
		reason = api.get_order_status(so.name)["status_reason"]
		self.assertIn(frappe.utils.formatdate(add_days(nowdate(), 3)), reason)
		self.assertTrue(reason.startswith(frappe._("Work Order ends {0}, after the promised {1}")[:10]))

	def test_once_production_accepts_the_order_is_in_production_planning(self):
		so = make_order()
		with self.set_user(PLANNER):
			api.accept_handoff(pending_handoff(so.name).name)
		oc = record(so.name)
		self.assertEqual(
			(oc.stage, oc.responsible_department), (constants.PRODUCTION_PLANNING, constants.PRODUCTION)
		)
		self.assertFalse(pending_handoff(so.name))

	def test_the_pipeline_counts_only_the_steps_an_order_took(self):
		stocked = make_order(item_code=STOCKED, qty=2)
		add_stock(STOCKED, 2)
		deliver(stocked)  # all of it in one delivery: Partially Shipped never happened
		status = api.get_order_status(stocked.name)
		self.assertEqual(status["stage"], constants.SHIPPED)
		self.assertEqual(status["stages_done"], [constants.ORDER_RECEIVED])
		made = make_order(qty=2)
		(wo,) = make_work_orders_for(made)
		produce(wo, 2)
		self.assertEqual(
			api.get_order_status(made.name)["stages_done"],
			[constants.ORDER_RECEIVED, constants.PRODUCTION_PLANNING, constants.IN_PRODUCTION],
		)

	def test_the_tuning_view_measures_and_applying_it_makes_a_new_policy_version(self):
		self.addCleanup(self.forget_learned)
		history(orders=12, hours=(1, 2, 3))
		rows = {row["stage"]: row for row in expectations.policy_tuning(COMPANY)}
		planning = rows[constants.PRODUCTION_PLANNING]
		self.assertEqual((planning["completed"], round(planning["completion_median"], 1)), (12, 2.0))
		self.assertEqual(planning["suggested_completion"], 2.0)
		self.assertIsNone(rows[constants.SHIPPED]["suggested_completion"])  # no history of it
		policy = frappe.get_doc(
			{"doctype": constants.DT_POLICY, "company": COMPANY, "ownership_model": "Sales-led"}
		)
		policy.insert()
		self.addCleanup(frappe.delete_doc, constants.DT_POLICY, COMPANY, force=True)
		before = record(make_order().name).policy_snapshot
		self.assertGreaterEqual(expectations.apply_tuning(COMPANY), 3)
		policy.reload()
		hours = {row.stage: row.completion_hours for row in policy.stage_slas}
		self.assertEqual(hours[constants.PRODUCTION_PLANNING], 2.0)
		self.assertNotEqual(record(make_order().name).policy_snapshot, before)  # new orders, new version
		with self.set_user(PLANNER):
			self.assertRaises(frappe.PermissionError, expectations.policy_tuning, COMPANY)
		self.assertRaises(frappe.ValidationError, expectations.policy_tuning, "No Such Company")
