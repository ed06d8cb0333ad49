"""Read paths at scale: medians over repeated runs on a site brought to size by `generate.py`.

	bench --site scale_site execute order_coordination.benchmarks.read_paths.run

Reports, for each path, the median wall time and the database time inside it (every statement timed),
and for the sweep the number of statements, which must not grow with the number of orders.
"""

import random
import statistics
import time
from contextlib import contextmanager
from datetime import timedelta

import frappe
from frappe.utils import now_datetime

from order_coordination import api, sweep
from order_coordination.core import constants
from order_coordination.order_coordination.report.department_dwell_time import department_dwell_time
from order_coordination.order_coordination.report.department_queue import department_queue
from order_coordination.order_coordination.report.handoff_lead_time import handoff_lead_time
from order_coordination.order_coordination.report.on_time_in_full import on_time_in_full
from order_coordination.order_coordination.report.order_pipeline import order_pipeline


@contextmanager
def database_clock(totals: dict):
	"""Time every statement run inside the block."""
	original = frappe.db.sql

	def timed(*args, **kwargs):
		start = time.perf_counter()
		try:
			return original(*args, **kwargs)
		finally:
			totals["db"] += time.perf_counter() - start
			totals["queries"] += 1

	frappe.db.sql = timed
	try:
		yield totals
	finally:
		frappe.db.sql = original


def measure(fn, repeat: int) -> dict:
	walls, dbs, queries = [], [], []
	for _ in range(repeat):
		totals = {"db": 0.0, "queries": 0}
		with database_clock(totals):
			start = time.perf_counter()
			fn()
			walls.append(time.perf_counter() - start)
		dbs.append(totals["db"])
		queries.append(totals["queries"])
		frappe.db.rollback()
	return {
		"median_ms": round(statistics.median(walls) * 1000, 1),
		"db_ms": round(statistics.median(dbs) * 1000, 1),
		"queries": statistics.median(queries),
	}


def steady_sweep(repeat: int) -> dict:
	"""The sweep as it runs every quarter hour: after the previous run has brought statuses up to date."""
	sweep.refresh_open_orders()
	frappe.db.commit()
	return measure(sweep.refresh_open_orders, repeat)


def counted(run) -> dict:
	"""One measured run of a status step, with how many statuses it changed."""
	changed = []
	result = measure(lambda: changed.append(run()), 1)
	return {**result, "changed": changed[0]}


def every_open_order() -> dict:
	"""Every open order worked out again at once: the upgrade's patch, or new durations learned."""
	return counted(lambda: sweep.refresh_open_orders(every=True))


def paused_sweep(days: int) -> dict:
	"""The first sweep after `days` without one: the statuses and next checks are as a sweep left them
	then (written and committed first), and the measured run catches up with what time changed since."""
	sweep.refresh_open_orders(now_datetime() - timedelta(days=days), commit=True, every=True)
	frappe.db.commit()
	return counted(sweep.refresh_open_orders)


def board():
	"""What the Kanban board loads: the first page of each stage's column."""
	for stage in constants.STAGES:
		frappe.get_list(
			constants.DT_ORDER_COORDINATION,
			filters={"stage": stage},
			fields=["name", "customer", "status", "responsible_department", "delivery_date"],
			order_by="modified desc",
			limit_page_length=20,
		)


def run(repeat: int = 15, user: str = "Administrator"):
	frappe.set_user(user)
	orders = frappe.get_all(
		constants.DT_ORDER_COORDINATION, pluck="name", limit=2000, order_by="modified desc"
	)
	company = frappe.db.get_value(constants.DT_ORDER_COORDINATION, orders[0], "company")
	rng = random.Random(3)
	count = frappe.db.count(constants.DT_ORDER_COORDINATION)
	open_count = frappe.db.count(
		constants.DT_ORDER_COORDINATION, {"status": ["not in", ["Completed", "Cancelled"]]}
	)
	results = {
		"get_order_status": measure(lambda: api.get_order_status(rng.choice(orders)), repeat * 10),
		"department queue (Logistics)": measure(
			lambda: department_queue.execute({"department": constants.LOGISTICS}), repeat
		),
		"board (8 columns)": measure(board, repeat),
		"Order Pipeline": measure(lambda: order_pipeline.execute({"company": company}), repeat),
		"Handoff Lead Time": measure(lambda: handoff_lead_time.execute({"company": company}), repeat),
		"Department Dwell Time": measure(lambda: department_dwell_time.execute({"company": company}), repeat),
		"On-Time In-Full": measure(lambda: on_time_in_full.execute({"company": company}), repeat),
		"sweep: every open order (upgrade, new durations)": every_open_order(),
		"sweep: after a day without one": paused_sweep(1),
		"sweep: after a week without one": paused_sweep(7),
		"sweep: after 30 days without one": paused_sweep(30),
		"sweep: after 90 days without one": paused_sweep(90),
		"sweep: status of open orders": steady_sweep(repeat),
		"sweep: overdue handoffs": measure(lambda: sweep.escalate_overdue_handoffs(), 3),
	}
	print(
		f"{count} coordination records, {open_count} open; medians of {repeat} runs ({repeat * 10} for get_order_status)"
	)
	for path, row in results.items():
		print(
			f"  {path:48} {row['median_ms']:9.1f} ms   of which database {row['db_ms']:8.1f} ms   {row['queries']:6} queries"
			+ (f"   {row['changed']} statuses changed" if "changed" in row else "")
		)
	return results
