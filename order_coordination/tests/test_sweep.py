from datetime import timedelta

import frappe
from frappe.utils import add_days, get_datetime, now_datetime, nowdate

from order_coordination import sweep
from order_coordination.compat import TestCase, declare_test_records
from order_coordination.core import constants
from order_coordination.tests.utils import (
	make_order,
	make_user,
	pending_handoff,
	record,
	timeline,
	with_history,
)

declare_test_records(__name__, ["Sales Order"])


class TestSweep(TestCase):
	def test_an_overdue_handoff_is_escalated_once_up_the_department_tree(self):
		boss = make_user("oc-production-head@example.com", "Manufacturing Manager")
		director = make_user("oc-operations-director@example.com", "System Manager")
		operations = frappe.get_doc(
			{"doctype": constants.DT_DEPARTMENT, "department_name": "Operations", "escalation_user": director}
		).insert()
		frappe.db.set_value(
			constants.DT_DEPARTMENT,
			constants.PRODUCTION,
			{"escalation_user": boss, "parent_coordination_department": operations.name},
		)
		so = make_order()
		handoff = pending_handoff(so.name).name
		later = get_datetime(frappe.db.get_value(constants.DT_ORDER_HANDOFF, handoff, "due_by")) + timedelta(
			minutes=1
		)

		queued = []
		self.patch_queue(queued)
		self.assertIn(handoff, sweep.escalate_overdue_handoffs(later))
		self.assertEqual(sweep.escalate_overdue_handoffs(later + timedelta(hours=1)), [])
		(notice,) = [n for n in queued[0] if n["sales_order"] == so.name]
		self.assertEqual(notice["users"], [boss, director])
		self.assertTrue(frappe.db.get_value(constants.DT_ORDER_HANDOFF, handoff, "escalated_on"))
		escalations = [r for r in timeline(so.name) if r.action == constants.TIMELINE_HANDOFF_ESCALATED]
		self.assertEqual(len(escalations), 1)

	def test_a_handoff_not_yet_due_is_left_alone(self):
		so = make_order()
		handoff = pending_handoff(so.name).name
		due = get_datetime(frappe.db.get_value(constants.DT_ORDER_HANDOFF, handoff, "due_by"))
		self.assertNotIn(handoff, sweep.escalate_overdue_handoffs(due - timedelta(minutes=1)))

	def test_statuses_follow_the_clock(self):
		with_history(self)  # the stages ahead take days in this company: a week before the date is late
		so = make_order(delivery_date=add_days(nowdate(), 60))
		self.assertEqual(record(so.name).status, constants.STATUS_OPEN)
		sweep.refresh_open_orders(get_datetime(add_days(nowdate(), 59)))
		self.assertEqual(record(so.name).status, constants.STATUS_AT_RISK)
		sweep.refresh_open_orders(get_datetime(add_days(nowdate(), 61)))
		self.assertEqual(record(so.name).status, constants.STATUS_OVERDUE)
		self.assertEqual(
			frappe.db.get_value("Sales Order", so.name, constants.FIELD_STATUS), constants.STATUS_OVERDUE
		)
		changes = [r.note for r in timeline(so.name) if r.action == constants.TIMELINE_STATUS]
		self.assertEqual(changes, ["Open → At Risk", "At Risk → Overdue"])
		self.assertEqual(sweep.refresh_open_orders(get_datetime(add_days(nowdate(), 61))), 0)

	def test_an_order_is_read_again_at_its_next_check(self):
		so = make_order(delivery_date=add_days(nowdate(), 60))
		now = now_datetime()
		sweep.refresh_open_orders(now)
		check = record(so.name).next_status_check
		self.assertTrue(check and get_datetime(check) > now)
		# Before its check the sweep does not read the order (a status written behind its back stays)...
		frappe.db.set_value(
			constants.DT_ORDER_COORDINATION,
			so.name,
			"status",
			constants.STATUS_AT_RISK,
			update_modified=False,
		)
		sweep.refresh_open_orders(now)
		self.assertEqual(record(so.name).status, constants.STATUS_AT_RISK)
		# ... at its check it does, and when asked to look at every order again.
		sweep.refresh_open_orders(get_datetime(check))
		self.assertEqual(record(so.name).status, constants.STATUS_OPEN)
		frappe.db.set_value(
			constants.DT_ORDER_COORDINATION,
			so.name,
			"status",
			constants.STATUS_AT_RISK,
			update_modified=False,
		)
		# Asked to look at every open order again (new durations learned), it does so at once, not at the
		# next sweep: the stored next checks were worked out with the old durations.
		self.assertGreaterEqual(sweep.recheck_statuses(), 1)
		self.assertEqual(record(so.name).status, constants.STATUS_OPEN)
		self.assertTrue(record(so.name).next_status_check)

	def test_the_sweep_runs_a_constant_number_of_queries(self):
		ours = [make_order(delivery_date=add_days(nowdate(), 60)).name for _ in range(3)]
		counts = []
		for extra in (0, 4):
			ours += [make_order(delivery_date=add_days(nowdate(), 60)).name for _ in range(extra)]
			before = frappe.db.sql("show session status like 'Questions'")[0][1]
			sweep.refresh_open_orders(now_datetime() + timedelta(days=61))
			counts.append(int(frappe.db.sql("show session status like 'Questions'")[0][1]) - int(before))
			# Back to where the sweep found them (only our orders: others of this class stay as they are).
			frappe.db.sql("update `tabOrder Coordination` set status = 'Open' where name in %s", (ours,))
		self.assertEqual(counts[0], counts[1])

	def patch_queue(self, queued):
		from order_coordination import sweep as module

		original = module.queue_notifications
		module.queue_notifications = queued.append
		self.addCleanup(setattr, module, "queue_notifications", original)
