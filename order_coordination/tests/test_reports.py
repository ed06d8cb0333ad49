"""The reports' numbers, checked against orders, handoffs and deliveries made here."""

from datetime import datetime

import frappe
from frappe.tests.utils import FrappeTestCase

from order_coordination import api
from order_coordination.core import constants as C
from order_coordination.order_coordination.report.department_dwell_time import department_dwell_time
from order_coordination.order_coordination.report.department_queue import department_queue
from order_coordination.order_coordination.report.handoff_lead_time import handoff_lead_time
from order_coordination.order_coordination.report.on_time_in_full import on_time_in_full
from order_coordination.order_coordination.report.order_pipeline import order_pipeline
from order_coordination.tests.utils import (
	COMPANY,
	STOCKED,
	WAREHOUSE,
	deliver,
	make_order,
	make_user,
	pending_handoff,
)

test_dependencies = ["Sales Order", "Delivery Note", "Stock Entry"]

MONDAY = datetime(2026, 11, 16)
WEEK = {"company": COMPANY, "from_date": "2026-11-16", "to_date": "2026-11-20"}


def at(day, hour):
	return MONDAY.replace(day=MONDAY.day + day, hour=hour)


def retime(handoff, sent_on, responded_on=None, response_hours=None):
	values = {"sent_on": sent_on, "due_by": sent_on}
	if responded_on:
		values.update(responded_on=responded_on, response_hours=response_hours)
	frappe.db.set_value(C.DT_ORDER_HANDOFF, handoff, values)


def only(rows, **match):
	found = [r for r in rows if all(r.get(k) == v for k, v in match.items())]
	assert len(found) == 1, (match, rows)
	return found[0]


class TestReports(FrappeTestCase):
	def setUp(self):
		frappe.db.delete(C.DT_ORDER_HANDOFF)
		frappe.db.delete(C.DT_ORDER_COORDINATION)

	def test_order_pipeline(self):
		made = make_order()
		stocked = make_order(item_code=STOCKED)
		columns, rows, _message, chart = order_pipeline.execute({"company": COMPANY})
		row = only(rows, sales_order=made.name)
		self.assertEqual(
			(row["stage"], row["responsible_department"], row["pending_to"]),
			(C.ORDER_RECEIVED, C.SALES, C.PRODUCTION),
		)
		self.assertEqual(only(rows, sales_order=stocked.name)["pending_to"], C.LOGISTICS)
		self.assertEqual(chart["data"]["datasets"][0]["values"], [2])
		_c, rows, *_ = order_pipeline.execute({"company": COMPANY, "customer": "_Test Customer 1"})
		self.assertEqual(rows, [])

	def test_handoff_lead_time(self):
		a, b = make_order(), make_order()
		first_a = pending_handoff(a.name).name
		api.accept_handoff(first_a)
		retime(first_a, at(0, 9), at(0, 11), 2)
		second_a = api.hand_off(a.name, C.LOGISTICS)
		api.accept_handoff(second_a)
		retime(second_a, at(1, 9), at(1, 10), 1)

		first_b = pending_handoff(b.name).name
		api.reject_handoff(first_b, "Not this week")
		retime(first_b, at(0, 9), at(0, 10), 1)
		again_b = api.hand_off(b.name, C.PRODUCTION)
		api.accept_handoff(again_b)
		retime(again_b, at(0, 12), at(0, 16), 4)

		_c, rows = handoff_lead_time.execute(WEEK)
		sp = only(rows, from_department=C.SALES, to_department=C.PRODUCTION)
		self.assertEqual((sp["handoffs"], sp["accepted"], sp["rejected"]), (3, 2, 1))
		self.assertAlmostEqual(sp["median_accept_hours"], 3)
		self.assertAlmostEqual(sp["p90_accept_hours"], 3.8)
		# Production held order A from Monday 11:00 until it handed it on Tuesday 09:00: six working hours.
		self.assertAlmostEqual(sp["median_complete_hours"], 6)
		pl = only(rows, from_department=C.PRODUCTION, to_department=C.LOGISTICS)
		self.assertEqual((pl["handoffs"], pl["median_accept_hours"]), (1, 1))
		_c, rows = handoff_lead_time.execute({**WEEK, "department": C.LOGISTICS})
		self.assertEqual(
			[(r["from_department"], r["to_department"]) for r in rows], [(C.PRODUCTION, C.LOGISTICS)]
		)

	def test_department_dwell_time(self):
		so = make_order()
		frappe.db.set_value(C.DT_ORDER_COORDINATION, so.name, "creation", at(0, 9))
		handoff = pending_handoff(so.name).name
		api.accept_handoff(handoff)
		retime(handoff, at(0, 9), at(0, 11), 2)
		_c, rows = department_dwell_time.execute(WEEK)
		sales = only(rows, department=C.SALES)
		production = only(rows, department=C.PRODUCTION)
		self.assertAlmostEqual(sales["hours_held"], 2)
		self.assertAlmostEqual(sales["waited_on_others"], 2)
		self.assertEqual(sales["waited_most_on"], C.PRODUCTION)
		self.assertAlmostEqual(production["others_waited"], 2)
		self.assertAlmostEqual(
			production["hours_held"], 6 + 4 * 8
		)  # Monday from 11:00, then Tuesday to Friday

	def test_on_time_in_full(self):

		kwargs = {
			"item_code": STOCKED,
			"qty": 4,
			"transaction_date": "2026-10-01",
			"delivery_date": "2026-10-10",
		}
		on_time = make_order(**kwargs)
		partial = make_order(**kwargs)
		late = make_order(**kwargs)
		make_order(
			**{**kwargs, "transaction_date": "2026-10-31", "delivery_date": "2026-11-10"}
		)  # never shipped
		frappe.get_doc(
			{
				"doctype": "Stock Entry",
				"stock_entry_type": "Material Receipt",
				"company": COMPANY,
				"set_posting_time": 1,
				"posting_date": "2026-09-30",
				"items": [{"item_code": STOCKED, "qty": 20, "t_warehouse": WAREHOUSE, "basic_rate": 10}],
			}
		).submit()
		for so, qty, day in (
			(on_time, None, "2026-10-09"),
			(partial, 2, "2026-10-09"),
			(late, None, "2026-10-12"),
		):
			dn = deliver(so, qty=qty, submit=False)
			dn.set_posting_time = 1
			dn.posting_date = day
			dn.save()
			dn.submit()
		_c, rows, _m, chart = on_time_in_full.execute(
			{"company": COMPANY, "from_date": "2026-10-01", "to_date": "2026-11-30"}
		)
		october = only(rows, customer="_Test Customer", month="2026-10")
		self.assertEqual(
			{k: october[k] for k in ("orders", "on_time", "in_full", "otif")},
			{"orders": 3, "on_time": 2, "in_full": 2, "otif": 1},
		)
		self.assertAlmostEqual(october["otif_percent"], 100 / 3)
		november = only(rows, customer="_Test Customer", month="2026-11")
		self.assertEqual((november["orders"], november["otif"]), (1, 0))
		self.assertEqual(chart["data"]["labels"], ["2026-10", "2026-11"])

	def test_department_queue(self):
		planner = make_user("oc-queue-planner@example.com", "Manufacturing User")
		so = make_order()
		with self.set_user(planner):
			_c, rows = department_queue.execute({})
			row = only(rows, sales_order=so.name)
			self.assertEqual((row["department"], row["from_department"]), (C.PRODUCTION, C.SALES))
			self.assertIn(row["sla"], ("On Time", "Due Soon", "Overdue"))
			api.accept_handoff(row["handoff"])
			_c, rows = department_queue.execute({})
			row = only(rows, sales_order=so.name)
			self.assertEqual((row["department"], row["stage"]), (C.PRODUCTION, C.ORDER_RECEIVED))
		with self.set_user(make_user("oc-queue-sales@example.com", "Sales User")):
			_c, rows = department_queue.execute({})
			self.assertFalse([r for r in rows if r["sales_order"] == so.name])
