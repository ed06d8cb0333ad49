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
import shlex
import signal
import subprocess
import threading
import time
import urllib.request
from collections import defaultdict
from datetime import datetime

from order_coordination.benchmarks.busy_day import traffic

APP = "order_coordination"


class Bench:
	def __init__(self, path: str, site: str, env: str, owner: str):
		self.path, self.site, self.env, self.owner = path, site, env, owner

	def shell(self, command: str, cwd: str | None = None) -> list[str]:
		prefix = f"{self.env}; " if self.env else ""
		inner = f"{prefix}cd {shlex.quote(cwd or self.path)} && {command}"
		return ["runuser", "-u", self.owner, "--", "bash", "-lc", inner]

	def run(self, command: str, check: bool = True, cwd: str | None = None) -> str:
		done = subprocess.run(self.shell(command, cwd), capture_output=True, text=True)
		if check and done.returncode:
			raise SystemExit(f"{command}: {done.returncode}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
		return done.stdout

	def bench(self, args: str, check: bool = True) -> str:
		return self.run(f"bench --site {self.site} {args}", check=check)

	def execute(self, method: str, **kwargs) -> str:
		return self.bench(f"execute {method} --kwargs {shlex.quote(repr(kwargs))}")

	def call(self, module: str, function: str, **kwargs) -> str:
		"""A function of ours on a site without the app (where `bench execute` refuses it)."""
		code = (
			f"import frappe, importlib; frappe.init(site={self.site!r}, sites_path='.'); frappe.connect(); "
			f"frappe.set_user('Administrator'); print(getattr(importlib.import_module({module!r}), {function!r})"
			f"(**{kwargs!r})); frappe.db.commit(); frappe.destroy()"
		)
		return self.run(f"../env/bin/python -c {shlex.quote(code)}", cwd=os.path.join(self.path, "sites"))

	def conf(self, name: str) -> str:
		with open(os.path.join(self.path, "config", name)) as f:
			return f.read()


STARTED = []  # every supervisor started, stopped at the end whatever happened


class Supervisor:
	"""Starts the site's processes and, like supervisor in production, starts again any that died."""

	def __init__(self, bench: Bench, port: int, logs: str):
		self.bench, self.port, self.logs = bench, port, logs
		self.procs: dict[str, subprocess.Popen] = {}
		self.restarts = defaultdict(int)
		self.stopping = threading.Event()
		python = os.path.join(bench.path, "env", "bin", "python")
		helper = f"{python} -m frappe.utils.bench_helper frappe"
		sites = os.path.join(bench.path, "sites")
		gunicorn = os.path.join(bench.path, "env", "bin", "gunicorn")
		self.commands = {
			"web": (f"{gunicorn} -b 127.0.0.1:{port} -w 4 -t 120 --preload frappe.app:application", sites),
			"worker-short-1": (f"{helper} worker --queue short,default", sites),
			"worker-short-2": (f"{helper} worker --queue short,default", sites),
			"worker-long": (f"{helper} worker --queue long", sites),
			"scheduler": (f"{helper} schedule", sites),
			"socketio": ("node apps/frappe/socketio.js", bench.path),
		}

	def start(self, name: str):
		command, cwd = self.commands[name]
		log = open(os.path.join(self.logs, f"{name}.log"), "a")
		self.procs[name] = subprocess.Popen(
			self.bench.shell(f"exec {command}", cwd),
			stdout=log,
			stderr=subprocess.STDOUT,
			start_new_session=True,
		)

	def start_all(self):
		STARTED.append(self)
		for name in self.commands:
			self.start(name)
		threading.Thread(target=self.watch, daemon=True).start()
		wait_for(lambda: ping(self.port, self.bench.site), 120, "the web server")

	def watch(self):
		while not self.stopping.is_set():
			for name, proc in list(self.procs.items()):
				if proc.poll() is not None and not self.stopping.is_set():
					self.restarts[name] += 1
					self.start(name)
			time.sleep(1)

	def pid_of(self, name: str) -> int:
		"""The process itself (runuser's child: bash execs into it)."""
		return int(children(self.procs[name].pid)[0])

	def stop_all(self):
		if self.stopping.is_set():
			return
		self.stopping.set()
		for proc in self.procs.values():
			try:
				os.killpg(proc.pid, signal.SIGTERM)
			except ProcessLookupError:
				pass
		time.sleep(3)
		for proc in self.procs.values():
			try:
				os.killpg(proc.pid, signal.SIGKILL)
			except ProcessLookupError:
				pass


def children(pid: int) -> list[str]:
	return subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()


def ping(port: int, site: str) -> bool:
	request = urllib.request.Request(
		f"http://127.0.0.1:{port}/api/method/ping", headers={"X-Frappe-Site-Name": site}
	)
	try:
		with urllib.request.urlopen(request, timeout=5) as response:
			return response.status == 200
	except Exception:
		return False


def wait_for(condition, seconds: float, what: str) -> float:
	start = time.time()
	while time.time() - start < seconds:
		if condition():
			return round(time.time() - start, 1)
		time.sleep(0.5)
	raise SystemExit(f"gave up waiting for {what}")


class Faults:
	"""The faults of the day, each recorded with when it struck and how long the site took to answer again."""

	def __init__(self, bench: Bench, supervisor: Supervisor, port: int, mariadb: bool):
		self.bench, self.supervisor, self.port, self.mariadb = bench, supervisor, port, mariadb
		self.log = []

	def strike(self, name: str, action):
		at = time.time()
		detail = action()
		back = wait_for(lambda: ping(self.port, self.bench.site), 300, "the site after " + name)
		self.log.append({"fault": name, "at": at, "detail": detail, "answering_again_after_s": back})

	def kill_web_worker(self):
		master = self.supervisor.pid_of("web")
		worker = children(master)[0]
		os.kill(int(worker), signal.SIGKILL)
		return f"gunicorn worker {worker} of {master}"

	def kill_job(self):
		"""kill -9 of a background worker's work horse in the middle of a job (the worker itself if no job
		runs within 30 s)."""
		deadline = time.time() + 30
		while time.time() < deadline:
			for name in ("worker-short-1", "worker-short-2", "worker-long"):
				horses = children(self.supervisor.pid_of(name))
				if horses:
					os.kill(int(horses[0]), signal.SIGKILL)
					return f"work horse {horses[0]} of {name}, mid-job"
			time.sleep(0.05)
		pid = self.supervisor.pid_of("worker-short-1")
		os.kill(pid, signal.SIGKILL)
		return f"worker {pid} (no job was running)"

	def restart_redis(self):
		done = []
		for conf in ("redis_queue.conf", "redis_cache.conf"):
			port = next(
				line.split()[1] for line in self.bench.conf(conf).splitlines() if line.startswith("port")
			)
			subprocess.run(["redis-cli", "-p", port, "shutdown", "nosave"], capture_output=True)
			self.bench.run(f"redis-server config/{conf} --daemonize yes")
			wait_for(
				lambda p=port: (
					subprocess.run(["redis-cli", "-p", p, "ping"], capture_output=True).returncode == 0
				),
				60,
				"redis",
			)
			done.append(port)
		return f"redis on {', '.join(done)} restarted empty"

	def restart_mariadb(self):
		if not self.mariadb:
			return "skipped (--no-mariadb-fault)"
		subprocess.run(["service", "mariadb", "restart"], capture_output=True)
		return "mariadb restarted"


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
	for share, name, action in schedule:
		time.sleep(max(0, start + share * T - time.time()))
		faults.strike(name, action)
	day.join()
	recorder = result["recorder"]
	history = keep(args.out, "day", recorder, owner)
	report["phases"]["the busy day"] = summary(recorder.requests, T)
	report["faults"] = catch_up(faults.log, recorder.requests)

	# Catch up: the sweep sends what the outages held back and repairs what an error left; then check.
	end = time.time()
	bench.execute(f"{APP}.sweep.run")
	report["caught_up_after_s"] = round(time.time() - end, 1)
	report["restarts"] = dict(supervisor.restarts)
	supervisor.stop_all()
	checked = os.path.join(args.out, "invariants.json")
	bench.execute(f"{APP}.benchmarks.busy_day.invariants.check", history=history, since=since, path=checked)
	with open(checked) as f:
		report["invariants"] = json.load(f)
	with open(os.path.join(args.out, "report.json"), "w") as f:
		json.dump(report, f, indent=1, default=str)
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
