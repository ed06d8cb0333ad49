"""The earliest feasible delivery on real ERPNext documents: stock, reservations, other orders, Purchase
Orders, lead times, workstations with working hours, holidays and capacity, BOMs with and without
operations, sub-assemblies, Job Cards already booked; who may ask; and that asking changes nothing."""

from datetime import datetime, time, timedelta
from unittest.mock import patch

import frappe
from erpnext.buying.doctype.purchase_order.test_purchase_order import create_purchase_order
from erpnext.manufacturing.doctype.operation.test_operation import make_operation
from erpnext.manufacturing.doctype.work_order.test_work_order import make_wo_order_test_record
from erpnext.stock.doctype.item.test_item import make_item
from frappe.tests.utils import change_settings
from frappe.utils import formatdate, getdate, nowdate

from order_coordination import api
from order_coordination.compat import TestCase, declare_test_records
from order_coordination.core import constants
from order_coordination.core.sla import add_working_hours
from order_coordination.policies import policy_from, policy_snapshot, with_history
from order_coordination.promising import after_submit, feasible
from order_coordination.tests.utils import (
	COMPANY,
	MADE,
	WAREHOUSE,
	add_stock,
	make_order,
	make_user,
	make_work_orders_for,
	record,
)

declare_test_records(__name__, ["Sales Order", "Work Order", "Purchase Order", "Stock Entry"])

SALES = "oc-feasible-sales@example.com"
NOBODY = "oc-feasible-nobody@example.com"
HOLIDAYS = "OC Feasible Holidays"
SAW, OVEN = "OC Feasible Saw", "OC Feasible Oven"
RAW, SUB, TOP, PLAIN = "OC Feasible Raw", "OC Feasible Sub", "OC Feasible Top", "OC Feasible Plain"


def next_monday() -> datetime:
	today = getdate(nowdate())
	return datetime.combine(today + timedelta(days=14 - today.weekday()), time(9, 0))


NOW = next_monday()  # a Monday two weeks ahead: nothing real is booked there yet
DAY = NOW.date()


def workstation(name, capacity, holiday_list=None):
	if not frappe.db.exists("Workstation", name):
		frappe.get_doc(
			{
				"doctype": "Workstation",
				"workstation_name": name,
				"production_capacity": capacity,
				"holiday_list": holiday_list,
				"working_hours": [{"start_time": "09:00:00", "end_time": "17:00:00", "enabled": 1}],
			}
		).insert()


def bom(item, components, operations=()):
	if frappe.db.get_value("BOM", {"item": item, "is_default": 1, "is_active": 1, "docstatus": 1}):
		return
	doc = frappe.get_doc(
		{
			"doctype": "BOM",
			"item": item,
			"company": COMPANY,
			"quantity": 1,
			"currency": "INR",
			"is_default": 1,
			"with_operations": 1 if operations else 0,
			"items": [
				{"item_code": code, "qty": qty, "rate": 10, "source_warehouse": WAREHOUSE}
				for code, qty in components
			],
			"operations": [
				{"operation": op, "workstation": ws, "time_in_mins": minutes}
				for op, ws, minutes in operations
			],
		}
	)
	doc.insert()
	doc.submit()


def stock_item(name, lead_days=0):
	make_item(name, {"is_stock_item": 1, "valuation_rate": 10, "stock_uom": "Nos"})
	frappe.db.set_value("Item", name, "lead_time_days", lead_days)
	return name


def make_workshop():
	"""Two workstations (a saw of capacity one with a holiday list, an oven of two), their operations, and
	the BOMs: a sub-assembly cut on the saw, a top item baked from it, a plain item without operations."""
	if not frappe.db.exists("Holiday List", HOLIDAYS):
		frappe.get_doc(
			{
				"doctype": "Holiday List",
				"holiday_list_name": HOLIDAYS,
				"from_date": DAY - timedelta(days=7),
				"to_date": DAY + timedelta(days=60),
				"holidays": [{"holiday_date": DAY + timedelta(days=1), "description": "Tuesday off"}],
			}
		).insert()
	workstation(SAW, 1, HOLIDAYS)
	workstation(OVEN, 2)
	make_operation(operation="OC Feasible Cut", workstation=SAW)
	make_operation(operation="OC Feasible Bake", workstation=OVEN)
	stock_item(RAW, lead_days=7)
	for item in (SUB, TOP, PLAIN):
		stock_item(item)
	bom(SUB, [(RAW, 2)], [("OC Feasible Cut", SAW, 60)])
	bom(TOP, [(SUB, 1), (RAW, 1)], [("OC Feasible Bake", OVEN, 120)])
	bom(PLAIN, [(RAW, 1)])


class TestEarliestDelivery(TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(SALES, "Sales User")
		make_user(NOBODY)
		make_workshop()

	def setUp(self):
		frappe.set_user("Administrator")
		for target, value in (("now_datetime", lambda: NOW), ("delivery_hours", lambda doc, policy: 0.0)):
			patcher = patch.object(feasible, target, value)
			patcher.start()
			self.addCleanup(patcher.stop)

	def ask(self, item, qty, **kwargs):
		so = make_order(item_code=item, qty=qty, delivery_date=DAY, do_not_submit=True, **kwargs)
		answer = api.earliest_delivery(so.name)
		return answer, answer["lines"][0]

	def test_stock_then_a_purchase_order_then_the_lead_time(self):
		item = stock_item("OC Feasible Bought", lead_days=5)
		add_stock(item, 5)
		po = create_purchase_order(item_code=item, qty=10, warehouse=WAREHOUSE, do_not_submit=True)
		for row in po.items:
			row.schedule_date = DAY + timedelta(days=3)
		po.schedule_date = DAY + timedelta(days=3)
		po.submit()
		answer, line = self.ask(item, 5)
		self.assertEqual((line["limited_by"]["kind"], answer["earliest_date"]), ("Stock", DAY))
		self.assertEqual(set(answer), {"earliest_date", "requested_date", "lines", "computed_at"})
		self.assertEqual(set(line), {"so_detail", "item_code", "qty", "earliest_date", "limited_by", "trace"})
		_answer, line = self.ask(item, 12)
		self.assertEqual(
			line["limited_by"], {"kind": "Purchase Order", "name": po.name, "until": DAY + timedelta(days=3)}
		)
		_answer, line = self.ask(item, 20)
		self.assertEqual(line["limited_by"]["kind"], "Purchase Lead Time")
		self.assertEqual(line["earliest_date"], DAY + timedelta(days=5))
		self.assertTrue(line["trace"])

	def test_reservations_and_other_orders_hold_their_stock(self):
		item = stock_item("OC Feasible Reserved", lead_days=9)
		add_stock(item, 10)
		with change_settings("Stock Settings", {"enable_stock_reservation": 1}):
			other = make_order(item_code=item, qty=8, delivery_date=DAY + timedelta(days=40))
			other.create_stock_reservation_entries()
		self.assertTrue(
			frappe.db.exists("Stock Reservation Entry", {"voucher_no": other.name, "docstatus": 1})
		)
		self.assertEqual(self.ask(item, 2)[1]["limited_by"]["kind"], "Stock")
		_answer, line = self.ask(item, 3)  # only 2 are free: the rest comes after the lead time
		self.assertEqual(
			(line["limited_by"]["kind"], line["earliest_date"]),
			("Purchase Lead Time", DAY + timedelta(days=9)),
		)
		# Another open order, not reserved, wants 2 in forty days: promising them today would leave it short.
		make_order(item_code=item, qty=2, delivery_date=DAY + timedelta(days=40))
		self.assertEqual(self.ask(item, 2)[1]["limited_by"]["kind"], "Purchase Lead Time")

	def test_booked_job_cards_hold_a_workstation_of_capacity_one_not_one_of_two(self):
		add_stock(RAW, 100)
		_answer, free = self.ask(SUB, 3)
		self.assertEqual((free["limited_by"]["kind"], free["limited_by"]["name"]), ("Workstation", SAW))
		self.assertEqual(free["earliest_date"], DAY)  # three hours of cutting from Monday 9:00
		make_wo_order_test_record(
			item=SUB,
			qty=10,
			planned_start_date=NOW,
			wip_warehouse=WAREHOUSE,
			fg_warehouse=WAREHOUSE,
			stock_uom="Nos",
		)
		booked_until = max(
			frappe.db.sql(
				"""select st.to_time from `tabJob Card Scheduled Time` st join `tabJob Card` jc on jc.name = st.parent
				where jc.workstation = %s and jc.docstatus < 2""",
				SAW,
			)
		)[0]
		self.assertGreater(booked_until, NOW)
		counts = (frappe.db.count("Work Order"), frappe.db.count("Job Card"))
		_answer, line = self.ask(SUB, 3)
		self.assertEqual(
			line["limited_by"], {"kind": "Workstation", "name": SAW, "until": line["limited_by"]["until"]}
		)
		self.assertGreaterEqual(line["limited_by"]["until"], booked_until)
		self.assertGreater(line["earliest_date"], DAY)
		self.assertNotEqual(line["earliest_date"], DAY + timedelta(days=1))  # the saw's holiday
		self.assertEqual((frappe.db.count("Work Order"), frappe.db.count("Job Card")), counts)  # nothing made
		# One job on the oven leaves its second place free: the top's baking waits only for its sub-assembly.
		make_wo_order_test_record(
			item=TOP,
			qty=1,
			planned_start_date=NOW,
			wip_warehouse=WAREHOUSE,
			fg_warehouse=WAREHOUSE,
			stock_uom="Nos",
		)
		_answer, top = self.ask(TOP, 1)
		self.assertNotEqual(top["limited_by"].get("name"), OVEN)
		self.assertEqual(top["limited_by"]["name"], SAW)

	def test_a_sub_assembly_is_made_first_and_a_bom_without_operations_takes_the_learned_hours(self):
		add_stock(RAW, 100)
		_answer, top = self.ask(TOP, 1)
		cut = next(i for i, step in enumerate(top["trace"]) if SAW in step)
		bake = next(i for i, step in enumerate(top["trace"]) if OVEN in step)
		self.assertLess(cut, bake)
		_answer, plain = self.ask(PLAIN, 1)
		policy = with_history(policy_from(policy_snapshot(COMPANY)), COMPANY)
		hours = policy.completion_for(constants.IN_PRODUCTION)
		self.assertEqual(plain["earliest_date"], add_working_hours(NOW, hours, policy.calendar).date())
		self.assertEqual(plain["limited_by"]["kind"], "Workstation")

	def test_item_lead_time_of_v16(self):
		if not frappe.db.table_exists("Item Lead Time"):
			self.skipTest("ERPNext v15 has no Item Lead Time")
		item = stock_item("OC Feasible Lead Timed", lead_days=5)
		frappe.get_doc(
			{"doctype": "Item Lead Time", "item_code": item, "purchase_time": 20, "buffer_time": 2}
		).insert()
		_answer, line = self.ask(item, 1)
		self.assertEqual(
			(line["limited_by"]["kind"], line["earliest_date"]),
			("Purchase Lead Time", DAY + timedelta(days=22)),
		)

	def test_who_may_ask(self):
		so = make_order(item_code=PLAIN, qty=1, delivery_date=DAY, do_not_submit=True)
		frappe.set_user(SALES)
		self.assertTrue(api.earliest_delivery(so.name)["lines"])
		refusals = []
		for user, name in ((NOBODY, so.name), (SALES, "SAL-ORD-NO-SUCH"), (SALES, None)):
			frappe.set_user(user)
			with self.assertRaises(frappe.PermissionError) as caught:
				api.earliest_delivery(name)
			refusals.append(str(caught.exception).replace(name or "", "{0}"))
		frappe.set_user("Administrator")
		permission = frappe.get_doc(
			{"doctype": "User Permission", "user": SALES, "allow": "Company", "for_value": "_Test Company 1"}
		).insert(ignore_permissions=True)
		self.addCleanup(frappe.delete_doc, "User Permission", permission.name, force=True)
		self.addCleanup(frappe.set_user, "Administrator")  # runs first: only an administrator deletes it
		frappe.set_user(SALES)
		with self.assertRaises(frappe.PermissionError) as caught:
			api.earliest_delivery(so.name)
		refusals.append(str(caught.exception).replace(so.name, "{0}"))
		self.assertEqual(len(set(refusals[:2] + refusals[3:])), 1, refusals)

	def test_a_submitted_open_order_shows_its_feasible_date_and_asking_twice_gives_the_same(self):
		add_stock(RAW, 100)
		so = make_order(item_code=SUB, qty=2, delivery_date=DAY)
		first = api.earliest_delivery(so.name)
		self.assertEqual(first, api.earliest_delivery(so.name))
		status = api.get_order_status(so.name)
		self.assertEqual(status["feasible_date"], first["earliest_date"])
		self.assertEqual(status["feasible_reason"], "Capacity")  # the saw binds: what a new date would say

	def test_submit_only_queues_the_check_and_a_promise_before_the_feasible_date_starts_at_risk(self):
		item = stock_item("OC Feasible Late", lead_days=9)
		with patch("frappe.enqueue") as enqueue:
			so = make_order(item_code=item, qty=1, delivery_date=DAY)
		queued = [
			c
			for c in enqueue.call_args_list
			if c.args[:1] == ("order_coordination.promising.after_submit.check_after_submit",)
		]
		self.assertEqual(len(queued), 1)
		self.assertTrue(queued[0].kwargs["enqueue_after_commit"])
		self.assertEqual(record(so.name).status, "Open")  # nothing was worked out inside the submit
		after_submit.check_after_submit(so.name)
		self.assertEqual(record(so.name).status, "At Risk")
		reason = api.get_order_status(so.name)["status_reason"]
		self.assertIn(formatdate(DAY + timedelta(days=9)), reason)

	def test_a_work_order_without_operations_starting_after_the_promise_is_evidence(self):
		so = make_order(item_code=MADE, qty=1, delivery_date=DAY)
		(wo,) = make_work_orders_for(so, submit=False)
		wo.planned_start_date = datetime.combine(DAY + timedelta(days=20), time(9, 0))
		wo.save()
		wo.submit()
		self.assertFalse(wo.operations)
		self.assertEqual(record(so.name).status, "At Risk")
		self.assertIn(formatdate(DAY + timedelta(days=20)), api.get_order_status(so.name)["status_reason"])
