"""The busy day's client side: one HTTP client per simulated person, what every thread records (each request
with its answer and time, each action the site acknowledged), and the day the threads share.
"""

import json
import threading
import time
from collections import deque

import requests


class Recorder:
	"""The requests made and the actions acknowledged, from every thread."""

	def __init__(self):
		self.lock = threading.Lock()
		self.requests = []
		self.acks = []

	def request(self, **row):
		with self.lock:
			self.requests.append(row)

	def ack(self, kind: str, **row):
		with self.lock:
			self.acks.append({"kind": kind, "at": time.time(), **row})


class Client:
	def __init__(self, base: str, site: str, token: str | None, recorder: Recorder, role: str):
		self.base, self.role, self.recorder = base.rstrip("/"), role, recorder
		self.session = requests.Session()
		self.session.headers["X-Frappe-Site-Name"] = site  # gunicorn serves every site of the bench
		if token:
			self.session.headers["Authorization"] = token

	def call(self, label: str, verb: str, path: str, **kwargs):
		"""One request; returns (status, message or None). Connection errors are answers too (status 0)."""
		start = time.perf_counter()
		status, body, kind, said = 0, None, None, None
		try:
			response = self.session.request(verb, self.base + path, timeout=60, **kwargs)
			status = response.status_code
			if "json" in response.headers.get("Content-Type", ""):
				body = response.json()
			if status >= 400:
				kind = (body or {}).get("exc_type") or f"HTTP {status}"
				said = (
					" ".join(str((body or {}).get(key) or "") for key in ("_server_messages", "exc"))
					or response.text
				)
		except requests.RequestException as e:
			kind, said = type(e).__name__, str(e)
		row = dict(
			t=time.time(),
			role=self.role,
			endpoint=label,
			status=status,
			ms=round((time.perf_counter() - start) * 1000, 1),
			error=kind,
		)
		if kind:
			row["said"] = str(said)[:300] + " … " + str(said)[-700:]
		self.recorder.request(**row)
		message = body.get("message", body.get("data")) if isinstance(body, dict) else None
		return status, message

	def method(self, label, name, verb="POST", **data):
		if verb == "GET":
			return self.call(label, "GET", f"/api/method/{name}", params=data)
		return self.call(label, "POST", f"/api/method/{name}", json=data)

	def listing(self, label, doctype, filters, fields=("name",), limit=20, order_by="creation desc"):
		status, rows = self.call(
			label,
			"GET",
			f"/api/resource/{doctype}",
			params={
				"filters": json.dumps(filters),
				"fields": json.dumps(list(fields)),
				"limit_page_length": limit,
				"order_by": order_by,
			},
		)
		return rows if status == 200 and isinstance(rows, list) else []


class Day:
	"""Shared between the threads: what the others made, for the next department to pick up."""

	def __init__(self, plan: dict, until: float, erpnext_only: bool):
		self.plan, self.until, self.erpnext_only = plan, until, erpnext_only
		self.made_orders = deque(maxlen=200)  # (order, kind)
		self.delivery_notes = deque(maxlen=200)
		self.lock = threading.Lock()

	def running(self) -> bool:
		return time.time() < self.until


def pause(rng, low, high, day):
	time.sleep(min(rng.uniform(low, high), max(0.0, day.until - time.time())))
