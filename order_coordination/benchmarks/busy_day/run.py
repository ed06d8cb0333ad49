"""The busy day's orchestrator: the site started as production runs it, the traffic, the faults, the catch-up,
the checker and the report. Plain Python (no Frappe): it drives the bench's own processes from outside.

	env/bin/python -m order_coordination.benchmarks.busy_day.run --bench /opt/bench16 --site test_site \
		--env "source /opt/bench16-cli/env.sh" --seconds 600 --out /tmp/busy-day

Phases: (1) on a site restored from its pre-test backup (sites/SITE/fresh-site-db.sql.gz) where there is
one, ERPNext's part of the traffic without the app; (2) the app installed, the same part with it, for the
ratio; (3) the whole day with every department, the carrier, customers, managers and the administrator,
and the faults; then the sweep, the wait for the queues to drain, and the checker.
"""

import argparse
import json
import os
import subprocess
import threading
import time
from collections import defaultdict
from datetime import datetime

from order_coordination.benchmarks.busy_day import traffic
from order_coordination.benchmarks.busy_day.faults import Faults, Replica
from order_coordination.benchmarks.busy_day.processes import STARTED, Bench, Supervisor

APP = "order_coordination"
REPLICAS = []  # a live replica made for the run, taken away at the end whatever happened


def percentiles(values: list[float]) -> dict:
	values = sorted(values)
	if not values:
		return {}
	pick = lambda q: values[min(len(values) - 1, int(q * len(values)))]  # noqa: E731
	return {"p50": pick(0.5), "p95": pick(0.95), "p99": pick(0.99), "n": len(values)}


def summary(requests: list[dict], seconds: float) -> dict:
	by_endpoint = defaultdict(list)
	errors = defaultdict(int)
	for row in requests:
		if row["status"] and row["status"] < 400:
			by_endpoint[row["endpoint"]].append(row["ms"])
		else:
			errors[f"{row['endpoint']}: {row['error']}"] += 1
	ok = sum(len(v) for v in by_endpoint.values())
	return {
		"requests": len(requests),
		"ok_per_s": round(ok / seconds, 1),
		"endpoints": {name: percentiles(ms) for name, ms in sorted(by_endpoint.items())},
		"errors": dict(sorted(errors.items())),
	}


def catch_up(faults: list[dict], requests: list[dict]) -> list[dict]:
	"""For each fault, the first acknowledged order submit and the first good answer of each role after it."""
	for fault in faults:
		after = [r for r in requests if r["t"] >= fault["at"] and r["status"] and r["status"] < 400]
		firsts = {}
		for row in sorted(after, key=lambda r: r["t"]):
			firsts.setdefault(row["role"], round(row["t"] - fault["at"], 1))
		fault["first_good_answer_s_by_role"] = firsts
		submits = [r["t"] for r in after if r["endpoint"] == "submit Sales Order"]
		fault["first_order_submitted_after_s"] = round(min(submits) - fault["at"], 1) if submits else None
	return faults


def drained(bench: Bench, seconds: float) -> tuple[float | None, dict]:
	"""Seconds until nothing waits (notifications, carrier events, repairs), the workers doing the work; the
	sweep runs each minute meanwhile, as the scheduler would every 15."""
	start = time.time()
	last_sweep = start
	while True:
		left = json.loads(
			bench.execute(f"{APP}.benchmarks.busy_day.invariants.backlog_json").strip().splitlines()[-1]
		)
		if not any(left.values()):
			return round(time.time() - start, 1), left
		if time.time() - start > seconds:
			return None, left
		if time.time() - last_sweep > 60:
			bench.execute(f"{APP}.sweep.run")
			last_sweep = time.time()
		time.sleep(5)


def markdown(report: dict) -> str:
	"""The report as the docs show it."""
	phases = report["phases"]
	day = phases["the busy day"]
	lines = [f"Seed {report['seed']}, started {report['started']}.", ""]
	lines += ["| phase | requests | good answers a second |", "| --- | --- | --- |"]
	for name, phase in phases.items():
		if isinstance(phase, dict):
			lines.append(f"| {name} | {phase['requests']} | {phase['ok_per_s']} |")
	lines += [
		"",
		"| endpoint (the busy day) | n | p50 ms | p95 ms | p99 ms |",
		"| --- | --- | --- | --- | --- |",
	]
	for name, p in day["endpoints"].items():
		lines.append(f"| {name} | {p['n']} | {p['p50']:.0f} | {p['p95']:.0f} | {p['p99']:.0f} |")
	without, with_app = phases.get("without the app"), phases.get("with the app, ERPNext's part")
	if isinstance(without, dict) and isinstance(with_app, dict):
		lines += [
			"",
			"| ERPNext's part, p50 ms | without the app | with it | ratio |",
			"| --- | --- | --- | --- |",
		]
		for name, p in with_app["endpoints"].items():
			if name in without["endpoints"]:
				w = without["endpoints"][name]["p50"]
				lines.append(f"| {name} | {w:.0f} | {p['p50']:.0f} | {p['p50'] / w:.2f} |")
	lines += ["", "| error during the busy day | count |", "| --- | --- |"]
	lines += [f"| {name} | {n} |" for name, n in day["errors"].items()] or ["| none | 0 |"]
	lines += [
		"",
		"| fault | what | answering again after | first order submitted after |",
		"| --- | --- | --- | --- |",
	]
	for f in report["faults"]:
		lines.append(
			f"| {f['fault']} | {f['detail']} | {f['answering_again_after_s']} s | {f['first_order_submitted_after_s']} s |"
		)
	lines += [
		"",
		f"Caught up (nothing waiting) {report['caught_up_after_s']} s after the traffic stopped; processes restarted: {report['restarts']}.",
		"",
	]
	lines += ["| invariant | violations |", "| --- | --- |"]
	lines += [f"| {name} | {c['violations']} |" for name, c in report["invariants"]["checks"].items()]
	return "\n".join(lines) + "\n"


def keep(out: str, name: str, recorder, owner: str) -> str:
	path = os.path.join(out, f"history-{name}.json")
	with open(path, "w") as f:
		json.dump({"requests": recorder.requests, "acks": recorder.acks}, f)
	subprocess.run(["chown", owner, path])
	return path


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--bench", required=True)
	parser.add_argument("--site", default="test_site")
	parser.add_argument("--env", default="")
	parser.add_argument("--port", type=int, default=8010)
	parser.add_argument("--seconds", type=float, default=600)
	parser.add_argument("--baseline-seconds", type=float, default=120)
	parser.add_argument("--seed", type=int, default=7)
	parser.add_argument("--out", default="/tmp/busy-day")
	parser.add_argument("--no-mariadb-fault", action="store_true")
	parser.add_argument(
		"--replica", action="store_true", help="a live read replica on loopback, made to lag and then stopped"
	)
	args = parser.parse_args()
	os.makedirs(args.out, exist_ok=True)
	owner = subprocess.run(["stat", "-c", "%U", args.bench], capture_output=True, text=True).stdout.strip()
	subprocess.run(["chown", owner, args.out])
	bench = Bench(args.bench, args.site, args.env, owner)
	base = f"http://127.0.0.1:{args.port}"
	report = {"started": datetime.now().isoformat(timespec="seconds"), "seed": args.seed, "phases": {}}
	plan_path = os.path.join(args.out, "plan.json")

	fresh = os.path.join(args.bench, "sites", args.site, "fresh-site-db.sql.gz")
	bench.bench("set-config allow_tests 1")
	supervisor = Supervisor(bench, args.port, args.out)
	if os.path.exists(fresh):
		bench.bench(
			f"restore {fresh} --db-root-username root --db-root-password {os.environ.get('OC_DB_ROOT_PASSWORD', 'root')}"
		)
		for leftover in (".test_log", ".test_records.jsonl"):
			path = os.path.join(args.bench, "sites", args.site, leftover)
			if os.path.exists(path):
				os.remove(path)
		bench.bench("set-config allow_tests 1")
		bench.bench("set-config developer_mode 1")
		bench.bench("purge-jobs")  # what earlier runs queued on a bench without workers
		bench.bench("enable-scheduler")
		bench.call(f"{APP}.benchmarks.busy_day.site", "prepare", path=plan_path, erpnext_only=True)
		supervisor.start_all()
		with open(plan_path) as f:
			plan = json.load(f)
		recorder = traffic.run(base, plan, args.baseline_seconds, seed=args.seed, erpnext_only=True)
		report["phases"]["without the app"] = summary(recorder.requests, args.baseline_seconds)
		keep(args.out, "without-app", recorder, owner)
		supervisor.stop_all()
		bench.bench(f"install-app {APP}")
		supervisor = Supervisor(bench, args.port, args.out)
	else:
		report["phases"]["without the app"] = (
			"skipped: no fresh-site-db.sql.gz to start the site without the app"
		)
	bench.bench("set-config developer_mode 1")
	bench.bench("enable-scheduler")
	bench.execute(f"{APP}.benchmarks.busy_day.site.prepare", path=plan_path)
	with open(plan_path) as f:
		plan = json.load(f)
	supervisor.start_all()
	recorder = traffic.run(base, plan, args.baseline_seconds, seed=args.seed, erpnext_only=True)
	report["phases"]["with the app, ERPNext's part"] = summary(recorder.requests, args.baseline_seconds)
	keep(args.out, "with-app", recorder, owner)

	# The day.
	replica = None
	if args.replica:
		replica = Replica(bench, args.out, os.environ.get("OC_DB_ROOT_PASSWORD", "root"))
		REPLICAS.append(replica)
		replica.start()
	faults = Faults(bench, supervisor, args.port, not args.no_mariadb_fault)
	T = args.seconds
	since = datetime.now().strftime("%Y-%m-%d %H:%M:%S")
	start = time.time()
	result = {}
	day = threading.Thread(
		target=lambda: result.update(
			recorder=traffic.run(
				base,
				plan,
				T,
				seed=args.seed,
				events={"long_report": 0.5 * T, "policy_saves": (0.3 * T, 0.6 * T)},
			)
		)
	)
	day.start()
	schedule = [
		(0.2, "kill -9 of a web worker", faults.kill_web_worker),
		(0.3, "kill -9 of a background job", faults.kill_job),
		(0.45, "Redis restarted", faults.restart_redis),
		(0.5, "the sweep during a long report", lambda: (bench.execute(f"{APP}.sweep.run"), "sweep ran")[1]),
		(0.65, "MariaDB restarted", faults.restart_mariadb),
	]
	if replica:
		schedule += [(0.75, "replica lagging", replica.lag), (0.85, "replica stopped", replica.stop)]
	for share, name, action in schedule:
		time.sleep(max(0, start + share * T - time.time()))
		faults.strike(name, action)
	day.join()
	recorder = result["recorder"]
	history = keep(args.out, "day", recorder, owner)
	report["phases"]["the busy day"] = summary(recorder.requests, T)
	report["faults"] = catch_up(faults.log, recorder.requests)

	# Catch up: the sweep sends what the outages held back and repairs what an error left; then check.
	bench.execute(f"{APP}.sweep.run")
	report["caught_up_after_s"], report["backlog_left"] = drained(bench, 600)
	report["restarts"] = dict(supervisor.restarts)
	supervisor.stop_all()
	checked = os.path.join(args.out, "invariants.json")
	bench.execute(f"{APP}.benchmarks.busy_day.invariants.check", history=history, since=since, path=checked)
	with open(checked) as f:
		report["invariants"] = json.load(f)
	with open(os.path.join(args.out, "report.json"), "w") as f:
		json.dump(report, f, indent=1, default=str)
	with open(os.path.join(args.out, "report.md"), "w") as f:
		f.write(markdown(report))
	print(
		json.dumps(
			{"passed": report["invariants"]["passed"], "report": os.path.join(args.out, "report.json")}
		)
	)


if __name__ == "__main__":
	try:
		main()
	finally:
		for supervisor in STARTED:
			supervisor.stop_all()
		for replica in REPLICAS:
			replica.remove()
