"""Backfill speed: orders per second given their coordination record after install.

Creates `orders` real Sales Orders (a quarter made to order with a Work Order), forgets their records as
if they predated the app, and times the backfill over them. Everything is rolled back.

	bench --site test_site execute order_coordination.benchmarks.backfill_rate.run --kwargs "{'orders': 2000}"
"""

import time

import frappe

from order_coordination.core import constants
from order_coordination.setup.backfill import BATCH, backfill_batch, pending_orders
from order_coordination.tests.utils import MADE, STOCKED, make_order, make_work_orders_for


def run(orders: int = 1000):
	frappe.flags.mute_emails = True
	names = []
	for i in range(orders):
		so = make_order(item_code=MADE if i % 4 == 0 else STOCKED, qty=1)
		if i % 4 == 0:
			make_work_orders_for(so)
		names.append(so.name)
	for doctype in (constants.DT_TIMELINE, constants.DT_ORDER_HANDOFF, constants.DT_EXCEPTION):
		frappe.db.delete(doctype, {"sales_order": ["in", names]})
	frappe.db.delete(constants.DT_ORDER_COORDINATION, {"name": ["in", names]})
	todo = pending_orders(10**9)
	start = time.perf_counter()
	for i in range(0, len(todo), BATCH):  # the job's own batches, without its commits
		backfill_batch(todo[i : i + BATCH])
	elapsed = time.perf_counter() - start
	frappe.db.rollback()
	rate = len(todo) / elapsed
	print(f"backfill: {len(todo)} orders in {elapsed:.1f} s = {rate:.0f} orders/s")
	return {"orders": len(todo), "seconds": round(elapsed, 2), "orders_per_second": round(rate, 1)}


def existing():
	"""Time the backfill over the orders a site already has without a record (for example those made by
	`generate.real_orders`), in the job's own batches, and roll it back.

	bench --site scale_site execute order_coordination.benchmarks.backfill_rate.existing
	"""
	todo = pending_orders(10**9)
	start = time.perf_counter()
	for i in range(0, len(todo), BATCH):
		backfill_batch(todo[i : i + BATCH])
	elapsed = time.perf_counter() - start
	made = frappe.db.count(constants.DT_ORDER_COORDINATION, {"name": ["in", todo]}) if todo else 0
	frappe.db.rollback()
	rate = len(todo) / elapsed if elapsed else 0
	print(
		f"backfill: {len(todo)} existing orders ({made} records made) in {elapsed:.1f} s = {rate:.0f} orders/s"
	)
	return {
		"orders": len(todo),
		"records": made,
		"seconds": round(elapsed, 2),
		"orders_per_second": round(rate, 1),
	}
