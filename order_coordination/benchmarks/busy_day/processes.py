"""The busy day's site, run from outside as production runs it: the bench's own processes (gunicorn, RQ
workers, the scheduler, socket.io) started and, like supervisor, started again when they die; commands on
the bench as its owner.
"""

import os
import shlex
import signal
import subprocess
import threading
import time
import urllib.request
from collections import defaultdict


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
