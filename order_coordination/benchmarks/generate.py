"""Bring a development site to a realistic size, for the benchmarks. Use a site of its own, with ERPNext's
test records (run any of this app's tests on it once): it commits what it makes.

	# real ERPNext orders made as if before install (the app's handlers off): for the backfill
	bench --site scale_site execute order_coordination.benchmarks.generate.real_orders --kwargs "{'count': 10000}"
	# coordination records with handoffs and timelines, bulk-inserted (no Sales Orders behind them):
	# for the read paths, the sweep and the reports
	bench --site scale_site execute order_coordination.benchmarks.generate.bulk_records --kwargs "{'count': 100000}"
"""

import json
import random
import time
from datetime import timedelta

import frappe
from frappe.utils import add_days, getdate, now_datetime

from order_coordination.benchmarks.submit_overhead import forget_hooks, hooks_with
from order_coordination.core import constants
from order_coordination.core.model import TimelineEntry
from order_coordination.core.sla import working_hours_between
from order_coordination.patches import held_stretches
from order_coordination.policies import calendar_of, policy_snapshot, snapshot_name
from order_coordination.storage import write_timeline

BULK_PREFIX = "BULK-SO-"


def real_orders(count: int = 10000, seed: int = 7):
	"""Real Sales Orders with Work Orders and Delivery Notes, made through ERPNext's own functions with
	this app's handlers off, so that they look like orders from before install."""
	from order_coordination.tests.utils import (
		MADE,
		RAW,
		STOCKED,
		add_stock,
		deliver,
		make_items,
		make_order,
		make_work_orders_for,
		produce,
	)

	rng = random.Random(seed)
	frappe.flags.mute_emails = True
	make_items()
	frappe.local.doc_events_hooks = hooks_with(with_app=False)
	started = time.perf_counter()
	try:
		for i in range(count):
			made = rng.random() < 0.25
			so = make_order(item_code=MADE if made else STOCKED, qty=rng.randint(1, 5))
			if made:
				(wo,) = make_work_orders_for(so)
				if rng.random() < 0.5:
					add_stock(RAW, wo.qty)
					produce(wo, wo.qty)
			elif rng.random() < 0.4:
				add_stock(STOCKED, so.items[0].qty)
				deliver(so, qty=max(1, so.items[0].qty // 2))
			if i % 100 == 99:
				frappe.db.commit()
				print(f"{i + 1} orders, {time.perf_counter() - started:.0f} s")
	finally:
		forget_hooks()
	frappe.db.commit()


def bulk_records(count: int = 100000, seed: int = 11, chunk: int = 5000):
	"""Coordination records, handoffs and timeline rows in realistic proportions, inserted in bulk. They
	name Sales Orders that do not exist (BULK-SO-…): enough for every read path of this app."""
	rng = random.Random(seed)
	company = frappe.db.get_value("Company", {}, "name")
	snapshot = policy_snapshot(company)
	cal = calendar_of(snapshot)
	snapshot_id = snapshot_name(snapshot, company)
	customers = frappe.get_all("Customer", pluck="name", limit=50) or ["_Test Customer"]
	departments = list(constants.DEFAULT_DEPARTMENTS)
	now = now_datetime()
	first = (frappe.db.count(constants.DT_ORDER_COORDINATION, {"name": ["like", BULK_PREFIX + "%"]}) or 0) + 1
	series = frappe.db.sql("select ifnull(max(current), 0) from `tabSeries` where name = 'OH-'")[0][0]
	handoff_no = int(series)
	for base in range(first, first + count, chunk):
		orders, handoffs, entries = [], [], []
		for n in range(base, min(base + chunk, first + count)):
			name = f"{BULK_PREFIX}{n:07d}"
			customer = rng.choice(customers)
			created = now - timedelta(days=rng.randint(0, 180), hours=rng.randint(0, 23))
			stage = rng.choices(constants.STAGES, weights=(8, 5, 10, 6, 3, 8, 20, 40))[0]
			active = stage not in (constants.COMPLETED,)
			status = (
				constants.STATUS_COMPLETED
				if not active
				else rng.choices(
					(
						constants.STATUS_OPEN,
						constants.STATUS_AT_RISK,
						constants.STATUS_OVERDUE,
						constants.STATUS_ON_HOLD,
					),
					weights=(70, 12, 10, 8),
				)[0]
			)
			holder = {0: constants.SALES, 1: constants.PRODUCTION, 2: constants.PRODUCTION}.get(
				constants.STAGES.index(stage), constants.LOGISTICS
			)
			delivery = getdate(add_days(created, rng.randint(5, 40)))
			pending = None
			sent = last = created
			for step, (src, dst) in enumerate(
				((constants.SALES, constants.PRODUCTION), (constants.PRODUCTION, constants.LOGISTICS))
			):
				if constants.STAGES.index(stage) < (0, 3)[step]:
					break
				handoff_no += 1
				sent = max(sent, last) + timedelta(hours=rng.randint(1, 48))
				answered = step < 1 or constants.STAGES.index(stage) > 3
				responded = sent + timedelta(hours=rng.uniform(0.2, 30)) if answered else None
				row = {
					"name": f"OH-{handoff_no:07d}",
					"order_coordination": name,
					"sales_order": name,
					"company": company,
					"customer": customer,
					"from_department": src,
					"to_department": dst,
					"stage": stage,
					"status": constants.HANDOFF_ACCEPTED if answered else constants.HANDOFF_PENDING,
					"sent_on": sent,
					"due_by": sent + timedelta(hours=8),
					"responded_on": responded,
					# in working hours, as the live path stores it
					"response_hours": round(working_hours_between(sent, responded, cal), 3)
					if responded
					else 0,
					"on_time": int(bool(responded) and responded <= sent + timedelta(hours=8)),
				}
				handoffs.append(row)
				last = max(sent, responded or sent)
				if not answered:
					pending = {
						"name": row["name"],
						"from_department": src,
						"to_department": dst,
						"stage": stage,
						"sent_on": sent.isoformat(),
						"due_by": row["due_by"].isoformat(),
					}
			facts = {
				"so_state": "completed" if not active else "open",
				"pending": pending,
				"open_exceptions": [],
			}
			orders.append(
				{
					"name": name,
					"sales_order": name,
					"company": company,
					"customer": customer,
					"delivery_date": delivery,
					"stage": stage,
					"status": status,
					"stage_since": last,  # the last thing that happened to the order
					"responsible_department": holder,
					"accountable_department": constants.SALES,
					"ownership_model": snapshot["model"],
					"policy_snapshot": snapshot_id,
					"needs_manufacturing": int(constants.STAGES.index(stage) in (1, 2) or rng.random() < 0.3),
					"per_produced": 100 if constants.STAGES.index(stage) >= 3 else 0,
					"per_delivered": 100 if constants.STAGES.index(stage) >= 5 else 0,
					"facts": json.dumps(facts),
					"creation": created,
					"modified": min(last, now),  # a row is never written in the future (the sweep skips it)
				}
			)
			order = orders[-1]
			for action in (
				constants.TIMELINE_CREATED,
				constants.TIMELINE_HANDOFF_SENT,
				constants.TIMELINE_STAGE,
				constants.TIMELINE_HANDOFF_ACCEPTED,
			):
				entries.append(
					(order, TimelineEntry(action, created, "Administrator", rng.choice(departments)))
				)
		_bulk(constants.DT_ORDER_COORDINATION, orders)
		_bulk(constants.DT_ORDER_HANDOFF, handoffs)
		write_timeline(entries)
		frappe.db.commit()
		print(f"{base + len(orders) - 1} records")
	frappe.db.sql(
		"insert into `tabSeries` (name, current) values ('OH-', %(n)s) on duplicate key update current = %(n)s",
		{"n": handoff_no},
	)
	frappe.db.commit()
	held_stretches.fill()  # who held each order when, as the live path keeps it


def _bulk(doctype, rows):
	if not rows:
		return
	now, fields = now_datetime(), sorted(rows[0])
	standard = [f for f in ("creation", "modified") if f not in fields]
	frappe.db.bulk_insert(
		doctype,
		[*fields, *standard, "owner", "modified_by", "docstatus", "idx"],
		[
			(*(row[f] for f in fields), *(now for _ in standard), "Administrator", "Administrator", 0, 0)
			for row in rows
		],
	)
