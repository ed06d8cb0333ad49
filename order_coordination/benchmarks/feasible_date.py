"""The earliest feasible delivery at scale: how long an answer takes, and how it grows with the order's
lines, the depth of its BOMs and the load booked on the workstations.

On a development site of its own with ERPNext's test records (run any of this app's tests on it once);
`load` commits what it bulk-inserts (items, Bins, Purchase Orders, BOMs, workstations, Job Cards), all
named with the CTP- prefix:

	bench --site ctp_site execute order_coordination.benchmarks.feasible_date.load
	bench --site ctp_site execute order_coordination.benchmarks.feasible_date.run

`run` prints medians over repeated answers for: a 20-line order whose items have 3-level BOMs with 4
operations each (the measure), a one-line order, orders of 1 to 40 lines, BOMs 1 to 4 levels deep, and the
same order with 0, 10,000 and 20,000 open Job Card operations booked.
"""

import json
import random
import statistics
import time
from datetime import datetime, timedelta
from types import SimpleNamespace

import frappe
from frappe.utils import add_days, now_datetime, nowdate

from order_coordination.benchmarks.read_paths import database_clock
from order_coordination.promising.feasible import answer_for

PREFIX = "CTP-"
COMPANY = "_Test Company"
STATIONS = 40  # the shop's workstations; the BOMs use the first eight
USED_STATIONS = 8
RAW_ITEMS = 10_000
WAREHOUSES = 5  # 10,000 items x 5 warehouses: 50,000 Bins
PO_LINES = 5_000
JOB_CARD_OPERATIONS = 10_000
TOPS = 40  # finished items per BOM depth
BRANCHING = 2


def _insert(doctype, fields, rows):
	now = now_datetime()
	base = ["creation", "modified", "owner", "modified_by"]
	frappe.db.bulk_insert(
		doctype, [*fields, *base], [(*row, now, now, "Administrator", "Administrator") for row in rows]
	)


def _warehouses():
	names = []
	for i in range(WAREHOUSES):
		name = f"{PREFIX}Store {i} - _TC"
		if not frappe.db.exists("Warehouse", name):
			frappe.get_doc(
				{"doctype": "Warehouse", "warehouse_name": f"{PREFIX}Store {i}", "company": COMPANY}
			).insert()
		names.append(name)
	return names


def _stations():
	holidays = f"{PREFIX}Holidays"
	if not frappe.db.exists("Holiday List", holidays):
		start = frappe.utils.getdate(nowdate())
		doc = frappe.get_doc(
			{
				"doctype": "Holiday List",
				"holiday_list_name": holidays,
				"from_date": start,
				"to_date": add_days(start, 400),
				"weekly_off": "Sunday",
			}
		)
		doc.get_weekly_off_dates()
		doc.insert()
	names = []
	for i in range(STATIONS):
		name = f"{PREFIX}Station {i}"
		if not frappe.db.exists("Workstation", name):
			frappe.get_doc(
				{
					"doctype": "Workstation",
					"workstation_name": name,
					"production_capacity": 1 + i % 2,
					"holiday_list": holidays,
					"working_hours": [
						{"start_time": "08:00:00", "end_time": "12:00:00", "enabled": 1},
						{"start_time": "13:00:00", "end_time": "18:00:00", "enabled": 1},
					],
				}
			).insert()
		names.append(name)
	return names


def _boms(depth: int, stations: list[str], rng: random.Random):
	"""TOPS finished items, each with a BOM tree `depth` levels deep (BRANCHING sub-assemblies per level,
	the last level's components bought in), every BOM with 4 operations."""
	items, boms, bom_items, operations = [], [], [], []
	tops = []

	def make(code: str, level: int):
		items.append(code)
		bom = f"BOM-{code}"
		boms.append((bom, code, 1, 1, 1, 1, 1, COMPANY, "INR"))
		for n in range(BRANCHING):
			child = f"{code}.{n}" if level < depth else f"{PREFIX}RAW-{rng.randrange(RAW_ITEMS):05d}"
			bom_items.append(
				(f"{bom}-i{n}", bom, "BOM", "items", n + 1, child, 1 + n, 1 + n, 1, "Nos", "Nos")
			)
			if level < depth:
				make(child, level + 1)
		for n in range(4):
			operations.append(
				(
					f"{bom}-o{n}",
					bom,
					"BOM",
					"operations",
					n + 1,
					f"{PREFIX}Op {n}",
					rng.choice(stations),
					15 + 15 * n,
				)
			)

	for t in range(TOPS):
		top = f"{PREFIX}D{depth}-TOP-{t:02d}"
		tops.append(top)
		make(top, 1)
	_insert(
		"Item",
		["name", "item_code", "item_name", "item_group", "stock_uom", "is_stock_item", "lead_time_days"],
		[(code, code, code, "All Item Groups", "Nos", 1, 0) for code in items],
	)
	_insert(
		"BOM",
		[
			"name",
			"item",
			"is_active",
			"is_default",
			"docstatus",
			"quantity",
			"with_operations",
			"company",
			"currency",
		],
		boms,
	)
	_insert(
		"BOM Item",
		[
			"name",
			"parent",
			"parenttype",
			"parentfield",
			"idx",
			"item_code",
			"qty",
			"stock_qty",
			"conversion_factor",
			"uom",
			"stock_uom",
		],
		bom_items,
	)
	_insert(
		"BOM Operation",
		["name", "parent", "parenttype", "parentfield", "idx", "operation", "workstation", "time_in_mins"],
		operations,
	)
	return tops


def _job_cards(stations: list[str], count: int, batch: str, rng: random.Random):
	"""`count` open Job Cards, one scheduled operation each, spread over the shop's next 90 days."""
	start = datetime.combine(frappe.utils.getdate(nowdate()), datetime.min.time())
	cards, times = [], []
	for i in range(count):
		name = f"{PREFIX}JC-{batch}-{i:06d}"
		station = rng.choice(stations)
		begin = start + timedelta(
			days=rng.randrange(90), hours=8 + rng.randrange(9), minutes=rng.choice((0, 30))
		)
		end = begin + timedelta(minutes=rng.choice((30, 60, 90, 120, 180)))
		cards.append((name, station, "Open", 0, COMPANY, f"{PREFIX}Op 0", 1))
		times.append(
			(f"{name}-t", name, "Job Card", "scheduled_time_logs", 1, begin, end, (end - begin).seconds / 60)
		)
	_insert(
		"Job Card",
		["name", "workstation", "status", "docstatus", "company", "operation", "for_quantity"],
		cards,
	)
	_insert(
		"Job Card Scheduled Time",
		["name", "parent", "parenttype", "parentfield", "idx", "from_time", "to_time", "time_in_mins"],
		times,
	)


def load(seed: int = 22):
	"""Bulk-insert the shop (committed): 10,000 bought items with Bins in five warehouses, 5,000 open
	Purchase Order lines, 40 workstations, BOM families 1 to 4 levels deep and 10,000 Job Card operations."""
	rng = random.Random(seed)
	if frappe.db.exists("Item", f"{PREFIX}RAW-00000"):
		print("already loaded")
		return
	warehouses, stations = _warehouses(), _stations()
	for n in range(4):
		if not frappe.db.exists("Operation", f"{PREFIX}Op {n}"):
			frappe.get_doc({"doctype": "Operation", "name": f"{PREFIX}Op {n}"}).insert()
	raws = [f"{PREFIX}RAW-{i:05d}" for i in range(RAW_ITEMS)]
	_insert(
		"Item",
		["name", "item_code", "item_name", "item_group", "stock_uom", "is_stock_item", "lead_time_days"],
		[(code, code, code, "All Item Groups", "Nos", 1, rng.choice((3, 7, 14, 21))) for code in raws],
	)
	_insert(
		"Bin",
		["name", "item_code", "warehouse", "actual_qty", "reserved_stock", "stock_uom"],
		[
			(f"{PREFIX}BIN-{i:05d}-{w}", code, wh, rng.choice((0, 0, 5, 20, 100)), 0, "Nos")
			for i, code in enumerate(raws)
			for w, wh in enumerate(warehouses)
		],
	)
	orders, lines = [], []
	for p in range(PO_LINES // 10):
		po = f"{PREFIX}PO-{p:04d}"
		orders.append(
			(
				po,
				"_Test Supplier",
				COMPANY,
				1,
				"To Receive and Bill",
				nowdate(),
				add_days(nowdate(), 30),
				"INR",
			)
		)
		for n in range(10):
			lines.append(
				(
					f"{po}-{n}",
					po,
					"Purchase Order",
					"items",
					n + 1,
					rng.choice(raws),
					50,
					0,
					1,
					50,
					add_days(nowdate(), rng.randrange(1, 60)),
					warehouses[0],
					"Nos",
					"Nos",
				)
			)
	_insert(
		"Purchase Order",
		[
			"name",
			"supplier",
			"company",
			"docstatus",
			"status",
			"transaction_date",
			"schedule_date",
			"currency",
		],
		orders,
	)
	_insert(
		"Purchase Order Item",
		[
			"name",
			"parent",
			"parenttype",
			"parentfield",
			"idx",
			"item_code",
			"qty",
			"received_qty",
			"conversion_factor",
			"stock_qty",
			"schedule_date",
			"warehouse",
			"uom",
			"stock_uom",
		],
		lines,
	)
	for depth in (1, 2, 3, 4):
		_boms(depth, stations[:USED_STATIONS], rng)
	_job_cards(stations, JOB_CARD_OPERATIONS, "a", rng)
	frappe.db.commit()
	print("loaded")


def order(lines: int, depth: int = 3) -> SimpleNamespace:
	"""A draft order of `lines` lines of depth-`depth` finished items, as `answer_for` reads it."""
	return SimpleNamespace(
		name=f"{PREFIX}SO-DRAFT",
		company=COMPANY,
		customer="_Test Customer",
		territory="_Test Territory",
		delivery_date=add_days(nowdate(), 14),
		items=[
			frappe._dict(
				name=f"{PREFIX}SOI-{i}",
				item_code=f"{PREFIX}D{depth}-TOP-{i % TOPS:02d}",
				qty=5,
				stock_qty=5,
				delivered_qty=0,
				conversion_factor=1,
			)
			for i in range(lines)
		],
	)


def measure(doc, repeat: int = 15) -> dict:
	answer_for(doc)  # warm: the policy, the delivery history (cached a quarter-hour), Python's imports
	walls, dbs, queries = [], [], []
	for _ in range(repeat):
		totals = {"db": 0.0, "queries": 0}
		with database_clock(totals):
			start = time.perf_counter()
			answer_for(doc)
			walls.append(time.perf_counter() - start)
		dbs.append(totals["db"])
		queries.append(totals["queries"])
	return {
		"median_ms": round(statistics.median(walls) * 1000, 1),
		"p90_ms": round(sorted(walls)[int(0.9 * (len(walls) - 1))] * 1000, 1),
		"db_ms": round(statistics.median(dbs) * 1000, 1),
		"queries": int(statistics.median(queries)),
	}


def run(repeat: int = 15):
	booked = frappe.db.count("Job Card", {"name": ["like", f"{PREFIX}JC-%"]})
	results = {
		"site": {
			"job_card_operations": booked,
			"bins": frappe.db.count("Bin"),
			"open_po_lines": frappe.db.count("Purchase Order Item", {"received_qty": 0}),
		},
		"twenty_lines_3_levels": measure(order(20), repeat),
		"one_line_3_levels": measure(order(1), repeat),
		"by_lines": {n: measure(order(n), repeat) for n in (1, 5, 10, 20, 40)},
		"by_depth": {d: measure(order(20, d), repeat) for d in (1, 2, 3, 4)},
	}
	print(json.dumps(results, indent=1))
	return results


def run_by_load(repeat: int = 15):
	"""The 20-line order with 0, 10,000 and 20,000 booked Job Card operations (adds and removes the rest)."""
	rng = random.Random(23)
	stations = [f"{PREFIX}Station {i}" for i in range(STATIONS)]
	by_load = {}
	frappe.db.sql("update `tabJob Card` set status = 'Completed' where name like %s", f"{PREFIX}JC-%")
	by_load[0] = measure(order(20), repeat)
	frappe.db.sql("update `tabJob Card` set status = 'Open' where name like %s", f"{PREFIX}JC-a-%")
	by_load[JOB_CARD_OPERATIONS] = measure(order(20), repeat)
	if not frappe.db.exists("Job Card", f"{PREFIX}JC-b-000000"):
		_job_cards(stations, JOB_CARD_OPERATIONS, "b", rng)
	by_load[2 * JOB_CARD_OPERATIONS] = measure(order(20), repeat)
	# Back to the site as `load` left it: the second ten thousand go again.
	frappe.db.sql("delete from `tabJob Card Scheduled Time` where parent like %s", f"{PREFIX}JC-b-%")
	frappe.db.sql("delete from `tabJob Card` where name like %s", f"{PREFIX}JC-b-%")
	frappe.db.commit()
	print(json.dumps(by_load, indent=1))
	return by_load


def profile(lines: int = 1, repeat: int = 5):
	"""Each statement of one answer with its median time: where the time goes."""
	import re

	original, times = frappe.db.sql, {}

	def timed(query, *args, **kwargs):
		start = time.perf_counter()
		try:
			return original(query, *args, **kwargs)
		finally:
			key = re.sub(r"\s+", " ", str(query))[:110]
			times.setdefault(key, []).append((time.perf_counter() - start) * 1000)

	doc = order(lines)
	answer_for(doc)
	frappe.db.sql = timed
	try:
		for _ in range(repeat):
			start = time.perf_counter()
			answer_for(doc)
			times.setdefault("TOTAL", []).append((time.perf_counter() - start) * 1000)
	finally:
		frappe.db.sql = original
	for key, values in sorted(times.items(), key=lambda kv: -statistics.median(kv[1])):
		print(f"{statistics.median(values):8.2f} ms x{len(values) // repeat}  {key}")
