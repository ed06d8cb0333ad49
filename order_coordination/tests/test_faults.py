"""Faults: a queue that is down when documents are submitted; two sweeps at once."""

from datetime import timedelta
from unittest.mock import patch

import frappe
from frappe.utils import get_datetime

from order_coordination import outbox, sweep
from order_coordination.compat import TestCase, declare_test_records
from order_coordination.core import constants
from order_coordination.tests.utils import (
	STOCKED,
	add_stock,
	at_once,
	deliver,
	make_order,
	make_user,
	make_work_orders_for,
	pending_handoff,
	record,
	remove_committed_orders,
	timeline,
)

declare_test_records(__name__, ["Sales Order", "Work Order", "Delivery Note", "Stock Entry"])

PLANNER = "oc-fault-planner@example.com"
CLERK = "oc-fault-clerk@example.com"


ENQUEUE = frappe.enqueue


def queue_down(method, *args, now=False, **kwargs):
	"""Redis is down: only what Frappe runs in place (`now`, as v16 does when deleting files) still runs."""
	if now:
		return ENQUEUE(method, *args, now=True, **kwargs)
	raise ConnectionError("Redis is not running")


def notification_count(user):
	return frappe.db.count("Notification Log", {"for_user": user})


class TestQueueDown(TestCase):
	def test_submits_succeed_and_notifications_wait_in_the_outbox(self):
		make_user(PLANNER, "Manufacturing User")
		make_user(CLERK, "Stock User")
		planner_before, clerk_before = notification_count(PLANNER), notification_count(CLERK)
		with patch("frappe.enqueue", queue_down):
			so = make_order()  # Sales Order submitted: handoff to Production, Production notified
			(wo,) = make_work_orders_for(so)  # Work Order submitted
			stocked = make_order(item_code=STOCKED, qty=1)  # handoff to Logistics
			add_stock(STOCKED, 1)
			deliver(stocked)  # Delivery Note submitted
			frappe.db.after_commit.run()  # what a commit would now try: the queue refuses
		self.assertEqual(record(so.name).stage, constants.PRODUCTION_PLANNING)
		self.assertTrue(timeline(so.name))
		self.assertEqual(record(stocked.name).stage, constants.SHIPPED)
		ours = frappe.get_all(
			constants.DT_OUTBOX,
			filters={"sales_order": ["in", [so.name, stocked.name]], "status": constants.OUTBOX_PENDING},
			pluck="name",
		)
		self.assertGreaterEqual(len(ours), 2)
		self.assertEqual(notification_count(PLANNER), planner_before)

		# What the sweep does once the queue is back (here limited to this test's rows).
		self.assertEqual(outbox.deliver_outbox(ours), len(ours))
		self.assertFalse(
			frappe.db.exists(constants.DT_OUTBOX, {"name": ["in", ours], "status": constants.OUTBOX_PENDING})
		)
		# Production is asked to take the first order and Logistics the second (how many more each gets
		# depends on whom the policy's matrix keeps informed: tests of the matrix count those).
		sent = notification_count(PLANNER), notification_count(CLERK)
		self.assertGreater(sent[0], planner_before)
		self.assertGreater(sent[1], clerk_before)
		self.assertEqual(outbox.deliver_outbox(ours), 0)  # none is sent twice
		self.assertEqual((notification_count(PLANNER), notification_count(CLERK)), sent)
		self.assertTrue(wo.name)


class TestTwoSweeps(TestCase):
	"""Two sweeps at once, each in a connection of its own: every breach is escalated exactly once."""

	def test_each_breach_is_escalated_once(self):
		orders = [make_order(item_code=STOCKED) for _ in range(6)]
		handoffs = [pending_handoff(so.name).name for so in orders]
		latest_due = max(
			get_datetime(frappe.db.get_value(constants.DT_ORDER_HANDOFF, h, "due_by")) for h in handoffs
		)
		frappe.db.commit()
		self.addCleanup(remove_committed_orders, [so.name for so in orders])

		def escalate():
			with patch.object(sweep, "queue_notifications", lambda items: None):
				return sweep.escalate_overdue_handoffs(latest_due + timedelta(minutes=1))

		claimed = at_once(escalate)
		both = [h for run in claimed for h in run if h in handoffs]
		self.assertEqual(sorted(both), sorted(handoffs))  # all escalated, none twice
		for so in orders:
			self.assertEqual(
				frappe.db.count(
					constants.DT_TIMELINE,
					{"sales_order": so.name, "action": constants.TIMELINE_HANDOFF_ESCALATED},
				),
				1,
			)


class TestLockContention(TestCase):
	"""A department action that meets another holding the order's lock gets a clear, retryable error."""

	def test_lock_wait_timeout_is_a_clear_retryable_error_with_no_half_write(self):
		from order_coordination import api
		from order_coordination.errors import OrderBusyError

		so = make_order(item_code=STOCKED)
		handoff = pending_handoff(so.name).name
		frappe.db.commit()
		self.addCleanup(remove_committed_orders, [so.name])
		before = len(timeline(so.name))

		with self.secondary_connection():
			frappe.db.sql("select name from `tabOrder Coordination` where name = %s for update", so.name)
		with self.primary_connection():
			frappe.db.sql("set session innodb_lock_wait_timeout = 1")
			self.assertRaises(OrderBusyError, api.accept_handoff, handoff)
			self.assertTrue(issubclass(OrderBusyError, frappe.ValidationError))
			frappe.db.rollback()
		with self.secondary_connection():
			frappe.db.rollback()  # the other change finishes
		frappe.db.sql("set session innodb_lock_wait_timeout = 50")
		self.assertEqual(len(timeline(so.name)), before)
		self.assertEqual(
			frappe.db.get_value(constants.DT_ORDER_HANDOFF, handoff, "status"), constants.HANDOFF_PENDING
		)
		api.accept_handoff(handoff)  # trying again works
		self.assertEqual(
			frappe.db.get_value(constants.DT_ORDER_HANDOFF, handoff, "status"), constants.HANDOFF_ACCEPTED
		)

	def test_a_department_action_and_a_submit_on_one_order_never_deadlock(self):
		"""Found by the busy day's run: a handoff accepted while a Delivery Note of the same order was being
		submitted deadlocked (the action held the record and wanted the Sales Order; the submit the reverse),
		and one of them got a server error. Both now take the Sales Order first: one waits, both succeed."""
		import threading
		import time

		from order_coordination import api, coordination

		so = make_order(item_code=STOCKED)
		handoff = pending_handoff(so.name).name
		frappe.db.commit()
		self.addCleanup(remove_committed_orders, [so.name])
		site, sites_path = frappe.local.site, frappe.local.sites_path
		holding, outcome = threading.Event(), {}

		def submit_like():
			"""What a Delivery Note's submit does: ERPNext writes the Sales Order, then the app loads the record."""
			frappe.init(site=site, sites_path=sites_path)
			frappe.connect()
			try:
				frappe.db.sql("select name from `tabSales Order` where name = %s for update", so.name)
				holding.set()
				time.sleep(1.5)  # the action starts meanwhile
				coordination.load(so.name)
				frappe.db.commit()
				outcome["submit"] = "ok"
			except Exception as error:
				frappe.db.rollback()
				outcome["submit"] = type(error).__name__
			finally:
				frappe.destroy()

		thread = threading.Thread(target=submit_like)
		thread.start()
		holding.wait(30)
		try:
			api.accept_handoff(handoff)
			frappe.db.commit()
			outcome["action"] = "ok"
		except Exception as error:
			frappe.db.rollback()
			outcome["action"] = type(error).__name__
		thread.join(60)
		self.assertEqual(outcome, {"submit": "ok", "action": "ok"})
		self.assertEqual(
			frappe.db.get_value(constants.DT_ORDER_HANDOFF, handoff, "status"), constants.HANDOFF_ACCEPTED
		)
