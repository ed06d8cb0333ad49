"""How fast the managers' insight answers at scale: the flow map, the reports for a year, the what-if replay
and the OCEL export, on a site of its own filled by `generate.bulk_records` (docs/operations.md, Scale).

	bench --site scale_site execute order_coordination.benchmarks.generate.bulk_records --kwargs "{'count': 100000}"
	bench --site scale_site execute order_coordination.benchmarks.insight.add_moves
	bench --site scale_site execute order_coordination.benchmarks.insight.run
	bench --site scale_site execute order_coordination.benchmarks.insight.replay_growth
	bench --site scale_site execute order_coordination.benchmarks.insight.export --kwargs "{'fmt': 'sqlite'}"

Each prints JSON: medians of repeated runs (seconds), the orders counted, and for the export its peak
memory (the process's maximum resident set, before and after) and rate."""

import json
import random
import resource
import statistics
import tempfile
import time
from datetime import timedelta

import frappe
from frappe.utils import add_days, getdate, nowdate

from order_coordination.benchmarks.generate import BULK_PREFIX
from order_coordination.core import constants
from order_coordination.core.model import TimelineEntry
from order_coordination.storage import write_timeline

REPORTS = (
	"Order Pipeline",
	"Handoff Lead Time",
	"Department Dwell Time",
	"On-Time In-Full",
	"Promise Reliability",
	"Department Queue",
)


def add_moves(seed: int = 13, chunk: int = 5000):
	"""Give the bulk orders the stage moves their stage implies (the bulk timeline has none), hours apart, so
	that the flow map reads what a company's history would hold. Run once, after bulk_records."""
	rng = random.Random(seed)
	done = frappe.db.sql(
		"select count(*) from `tabOrder Timeline Entry` where action = %s and stage_from is not null and sales_order like %s",
		(constants.TIMELINE_STAGE, BULK_PREFIX + "%"),
	)[0][0]
	if done:
		print(json.dumps({"already": done}))
		return
	orders = frappe.db.sql(
		"""select name, sales_order, company, customer, stage, needs_manufacturing, creation
		from `tabOrder Coordination` where name like %s""",
		BULK_PREFIX + "%",
		as_dict=True,
	)
	for start in range(0, len(orders), chunk):
		entries = []
		for order in orders[start : start + chunk]:
			path = [
				s
				for s in constants.STAGES
				if (order.needs_manufacturing or s not in constants.PRODUCTION_STAGES)
				and s != constants.PARTIALLY_SHIPPED
			]
			if rng.random() < 0.1:  # shipped in parts
				path.insert(path.index(constants.SHIPPED), constants.PARTIALLY_SHIPPED)
			path = path[: path.index(order.stage) + 1] if order.stage in path else path[:1]
			moment = order.creation
			for stage_from, stage_to in zip(path, path[1:], strict=False):
				moment += timedelta(hours=rng.uniform(1, 60))
				entries.append(
					(
						order,
						TimelineEntry(
							constants.TIMELINE_STAGE, moment, stage_from=stage_from, stage_to=stage_to
						),
					)
				)
			if rng.random() < 0.03 and len(path) > 3:  # goods came back
				moment += timedelta(hours=rng.uniform(1, 30))
				entries.append(
					(
						order,
						TimelineEntry(
							constants.TIMELINE_STAGE, moment, stage_from=path[-1], stage_to=path[-2]
						),
					)
				)
		write_timeline(entries)
		frappe.db.commit()
	print(json.dumps({"orders": len(orders)}))


def timed(fn, repeat: int) -> dict:
	runs = []
	for _ in range(repeat):
		started = time.perf_counter()
		result = fn()
		runs.append(time.perf_counter() - started)
	return {"median_s": round(statistics.median(runs), 3), "min_s": round(min(runs), 3), "result": result}


def company() -> str:
	return frappe.db.get_value(
		constants.DT_ORDER_COORDINATION, {"name": ["like", BULK_PREFIX + "%"]}, "company"
	)


def run(repeat: int = 5):
	"""The flow map for a quarter and a year, and every report for a year, as Administrator."""
	from frappe.desk.query_report import run as run_report

	from order_coordination.insight.flowmap import flow_map

	name, today = company(), nowdate()
	out = {}
	for label, days in (("quarter", 91), ("year", 365)):
		since = str(add_days(today, -days))
		out[f"flow_map_{label}"] = timed(lambda s=since: flow_map(name, s, today)["orders"], repeat)
	year = {"company": name, "from_date": str(add_days(today, -365)), "to_date": today}
	for report in REPORTS:
		filters = dict(year, department=constants.LOGISTICS) if report == "Department Queue" else dict(year)
		out[report] = timed(lambda r=report, f=filters: len(run_report(r, filters=f)["result"]), repeat)
		frappe.local.oc_company_calendars = {}
	print(json.dumps(out, indent=1, default=str))
	return out


def replay_growth(sizes=(1000, 2500, 5000, 10000)):
	"""The what-if replay of the first `size` orders of the period (actual and what-if: two runs each), as
	its job does it; the draft halves every stage's hours to accept."""
	from order_coordination.insight import whatif
	from order_coordination.insight.period import clean_period

	name = company()
	records = frappe.db.sql(
		"""select date(t.at) from `tabOrder Timeline Entry` t where t.company = %s and t.action = %s
		order by t.at""",
		(name, constants.TIMELINE_CREATED),
	)
	out = {}
	for size in sizes:
		if size > len(records):
			break
		last = getdate(records[size - 1][0])
		period = clean_period(name, str(getdate(records[0][0])), str(last))
		snapshot = whatif.draft_snapshot(name, None, {"acceptance_hours": {s: 4 for s in constants.STAGES}})
		started = time.perf_counter()
		result = whatif.run_replay(period, snapshot)
		seconds = time.perf_counter() - started
		out[size] = {
			"orders": result["orders"],
			"seconds": round(seconds, 2),
			"per_1000": round(1000 * seconds / result["orders"], 2),
		}
		print(json.dumps({size: out[size]}))
	return out


def export(fmt: str = "json", days: int = 365):
	"""The OCEL export of every order of the last `days` days to a temporary file: time, rate, peak memory."""
	from order_coordination.insight import ocel
	from order_coordination.insight.period import clean_period

	before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
	period = clean_period(company(), str(add_days(nowdate(), -days)), nowdate())
	path = tempfile.mktemp(suffix=f".{fmt}")
	started = time.perf_counter()
	counts = ocel.write_log(period, path, fmt)
	seconds = time.perf_counter() - started
	after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
	import os

	out = {
		"format": fmt,
		**counts,
		"seconds": round(seconds, 1),
		"orders_per_s": round(counts["orders"] / seconds),
		"events_per_s": round(counts["events"] / seconds),
		"file_mb": round(os.path.getsize(path) / 2**20, 1),
		"max_rss_mb_before": round(before / 1024),
		"max_rss_mb_after": round(after / 1024),
	}
	os.remove(path)
	print(json.dumps(out))
	return out
