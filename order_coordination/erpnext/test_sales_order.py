import frappe
from frappe.utils import add_days, getdate, nowdate

from order_coordination.compat import TestCase, declare_test_records
from order_coordination.core import constants
from order_coordination.tests.utils import (
	STOCKED,
	make_order,
	pending_handoff,
	record,
	timeline,
	with_history,
)

declare_test_records(__name__, ["Sales Order", "Work Order", "Delivery Note", "Stock Entry"])


class TestSalesOrderEvents(TestCase):
	def test_app_is_installed_and_submit_reaches_the_handler(self):
		self.assertIn("order_coordination", frappe.get_installed_apps())
		so = make_order()
		doc = record(so.name)
		self.assertEqual((doc.stage, doc.responsible_department), (constants.ORDER_RECEIVED, constants.SALES))
		self.assertEqual((doc.customer, doc.company), (so.customer, so.company))
		self.assertEqual(
			frappe.db.get_value("Sales Order", so.name, constants.FIELD_STAGE), constants.ORDER_RECEIVED
		)
		self.assertEqual(timeline(so.name)[0].action, constants.TIMELINE_CREATED)

	def test_manufactured_order_is_handed_to_production_and_stock_order_to_logistics(self):
		made = make_order()
		self.assertTrue(record(made.name).needs_manufacturing)
		self.assertEqual(pending_handoff(made.name).to_department, constants.PRODUCTION)
		stocked = make_order(item_code=STOCKED)
		self.assertFalse(record(stocked.name).needs_manufacturing)
		self.assertEqual(pending_handoff(stocked.name).to_department, constants.LOGISTICS)

	def test_cancel_cancels_the_order_and_its_pending_handoff(self):
		so = make_order()
		handoff = pending_handoff(so.name)
		so.reload()
		so.cancel()
		self.assertEqual(record(so.name).status, constants.STATUS_CANCELLED)
		self.assertEqual(
			frappe.db.get_value(constants.DT_ORDER_HANDOFF, handoff.name, "status"),
			constants.HANDOFF_CANCELLED,
		)
		self.assertIsNone(pending_handoff(so.name))

	def test_hold_resume_and_close_mirror_the_sales_order(self):
		from erpnext.selling.doctype.sales_order.sales_order import update_status

		so = make_order(delivery_date=add_days(nowdate(), 60))
		update_status("On Hold", so.name)
		self.assertEqual(record(so.name).status, constants.STATUS_ON_HOLD)
		update_status("Draft", so.name)  # ERPNext's "Resume"
		self.assertNotEqual(record(so.name).status, constants.STATUS_ON_HOLD)
		update_status("Closed", so.name)
		doc = record(so.name)
		self.assertEqual((doc.stage, doc.status), (constants.COMPLETED, constants.STATUS_COMPLETED))
		self.assertIsNone(pending_handoff(so.name))
		update_status("Draft", so.name)  # re-open
		self.assertEqual(record(so.name).stage, constants.ORDER_RECEIVED)

	def test_delivery_date_change_after_submit_is_logged_and_recomputes_jeopardy(self):
		with_history(self)  # production takes days in this company: tomorrow cannot be made
		so = make_order(delivery_date=add_days(nowdate(), 1))
		self.assertEqual(record(so.name).status, constants.STATUS_AT_RISK)
		so.reload()
		so.delivery_date = add_days(nowdate(), 90)
		for row in so.items:
			row.delivery_date = so.delivery_date
		so.save()
		doc = record(so.name)
		self.assertEqual(getdate(doc.delivery_date), getdate(so.delivery_date))
		self.assertEqual(doc.status, constants.STATUS_OPEN)
		self.assertIn(constants.TIMELINE_DATE_CHANGED, [row.action for row in timeline(so.name)])

	def test_replaying_the_submit_event_changes_nothing(self):
		so = make_order()
		before = len(timeline(so.name))
		so.reload()
		so.run_method("on_change")
		so.run_method("on_change")
		self.assertEqual(len(timeline(so.name)), before)
		self.assertEqual(frappe.db.count(constants.DT_ORDER_HANDOFF, {"sales_order": so.name}), 1)

	def test_an_order_waiting_for_the_customers_advance_is_held_by_sales(self):
		# ERPNext v16 writes "To Pay" while an advance payment is requested, and the next status when paid.
		so = make_order(delivery_date=add_days(nowdate(), 60))
		self.assertEqual(pending_handoff(so.name).to_department, constants.PRODUCTION)
		so.reload()
		so.db_set("status", "To Pay")
		doc = record(so.name)
		self.assertEqual(doc.responsible_department, constants.SALES)
		self.assertIsNone(pending_handoff(so.name))
		so.db_set("status", "To Deliver and Bill")
		self.assertEqual(pending_handoff(so.name).to_department, constants.PRODUCTION)
