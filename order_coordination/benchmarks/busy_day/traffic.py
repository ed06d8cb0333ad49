"""The busy day's load generator: every department's users, a carrier, customers and managers over HTTP at
once, each a thread with its own seeded random choices, bounded in time. No Frappe here: it is a client.

Every request is recorded (role, endpoint, status, milliseconds, the error's kind); every action the site
acknowledged (an order submitted, a handoff accepted, a carrier batch accepted…) is kept as history, which
the checker holds against the database afterwards: an acknowledged action must be there, once.

	env/bin/python -m order_coordination.benchmarks.busy_day.traffic http://127.0.0.1:8010 plan.json 600 out.json [--erpnext-only] [--seed 7]
"""

import json
import random
import sys
import threading
import time
from collections import deque
from datetime import date, datetime, timedelta, timezone

import requests

from order_coordination.core.carrier import sign

REPORTS = (
	"Order Pipeline",
	"Handoff Lead Time",
	"Department Dwell Time",
	"Promise Reliability",
	"On-Time In-Full",
	"Department Queue",
)
CARRIER_STATUSES = ("In Transit", "Out for Delivery", "In Transit", "Failed Attempt", "Delivered")
REJECT_REASONS = ("No capacity this week", "Material not confirmed", "<b>Drawing</b> missing")


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


def sales(client: Client, rng: random.Random, day: Day):
	plan = day.plan
	while day.running():
		kind = "made" if rng.random() < 0.6 else "stocked"
		due = (date.today() + timedelta(days=rng.randint(7, 21))).isoformat()
		status, doc = client.call(
			"submit Sales Order",
			"POST",
			"/api/resource/Sales Order",
			json={
				"company": plan["company"],
				"customer": plan["customer"],
				"transaction_date": date.today().isoformat(),
				"delivery_date": due,
				"items": [
					{
						"item_code": plan["items"][kind],
						"qty": rng.randint(1, 5),
						"rate": 100,
						"warehouse": plan["warehouse"],
						"delivery_date": due,
					}
				],
				"docstatus": 1,
			},
		)
		if status == 200 and doc:
			client.recorder.ack("order submitted", order=doc["name"], item=kind)
			with day.lock:
				day.made_orders.append((doc["name"], kind))
		if not day.erpnext_only and rng.random() < 0.3:
			answer_proposals(client, rng)
		pause(rng, 1, 3, day)


def answer_proposals(client: Client, rng: random.Random):
	rows = client.listing(
		"list date proposals",
		"Order Promise Change",
		[["status", "=", "Pending"], ["to_department", "=", "Sales"]],
	)
	if not rows:
		return
	proposal = rng.choice(rows)["name"]
	if rng.random() < 0.7:
		status, _ = client.method(
			"accept date", "order_coordination.api.accept_delivery_date", proposal=proposal
		)
		if status == 200:
			client.recorder.ack("date accepted", proposal=proposal)
	else:
		status, _ = client.method(
			"decline date",
			"order_coordination.api.decline_delivery_date",
			proposal=proposal,
			reason="The customer needs it on the date promised",
		)
		if status == 200:
			client.recorder.ack("date declined", proposal=proposal)


def pending_handoffs(client: Client, department: str):
	return client.listing(
		f"list {department} handoffs",
		"Order Handoff",
		[["status", "=", "Pending"], ["to_department", "=", department]],
		fields=("name", "sales_order"),
	)


def production(client: Client, rng: random.Random, day: Day):
	while day.running():
		if not day.erpnext_only:
			rows = pending_handoffs(client, "Production")
			if rows:
				row = rng.choice(rows)
				roll = rng.random()
				if roll < 0.12:
					status, _ = client.method(
						"reject handoff",
						"order_coordination.api.reject_handoff",
						handoff=row["name"],
						reason=rng.choice(REJECT_REASONS),
					)
					if status == 200:
						client.recorder.ack("handoff rejected", handoff=row["name"], order=row["sales_order"])
				else:
					status, _ = client.method(
						"accept handoff", "order_coordination.api.accept_handoff", handoff=row["name"]
					)
					if status == 200:
						client.recorder.ack("handoff accepted", handoff=row["name"], order=row["sales_order"])
						if roll > 0.85:
							propose(client, rng, row["sales_order"])
						elif roll < 0.5:
							work_orders(client, day, row["sales_order"])
		else:
			with day.lock:
				made = [name for name, kind in day.made_orders if kind == "made"]
			if made:
				order = rng.choice(made)
				with day.lock:
					if (order, "made") in day.made_orders:
						day.made_orders.remove((order, "made"))
				work_orders(client, day, order)
		pause(rng, 1, 3, day)


def propose(client: Client, rng: random.Random, order: str):
	new_date = (date.today() + timedelta(days=rng.randint(25, 40))).isoformat()
	status, _ = client.method(
		"propose date",
		"order_coordination.api.propose_delivery_date",
		sales_order=order,
		new_date=new_date,
		reason=rng.choice(("Capacity", "Material Shortage")),
		note="Line 2 is full",
	)
	if status == 200:
		client.recorder.ack("date proposed", order=order, new_date=new_date)


def work_orders(client: Client, day: Day, order: str):
	base = "erpnext.selling.doctype.sales_order.sales_order"
	status, items = client.method(
		"work order items", f"{base}.get_work_order_items", verb="GET", sales_order=order
	)
	if status != 200 or not items:
		return
	rows = [
		{
			key: item.get(key)
			for key in ("warehouse", "item_code", "pending_qty", "sales_order_item", "bom", "description")
		}
		for item in items
	]
	status, names = client.method(
		"make Work Orders",
		f"{base}.make_work_orders",
		items=json.dumps({"items": rows}),
		sales_order=order,
		company=day.plan["company"],
	)
	for name in names or []:
		status, _ = client.call(
			"submit Work Order",
			"PUT",
			f"/api/resource/Work Order/{name}",
			json={"wip_warehouse": day.plan["wip_warehouse"], "docstatus": 1},
		)
		if status == 200:
			client.recorder.ack("work order submitted", order=order, work_order=name)


def logistics(client: Client, rng: random.Random, day: Day):
	while day.running():
		if not day.erpnext_only:
			rows = pending_handoffs(client, "Logistics")
			if rows:
				row = rng.choice(rows)
				status, _ = client.method(
					"accept handoff", "order_coordination.api.accept_handoff", handoff=row["name"]
				)
				if status == 200:
					client.recorder.ack("handoff accepted", handoff=row["name"], order=row["sales_order"])
		with day.lock:
			stocked = [name for name, kind in day.made_orders if kind == "stocked"]
		if stocked:
			order = rng.choice(stocked)
			with day.lock:
				if (order, "stocked") in day.made_orders:
					day.made_orders.remove((order, "stocked"))
			deliver(client, rng, day, order)
		pause(rng, 1, 3, day)


def deliver(client: Client, rng: random.Random, day: Day, order: str):
	status, note = client.method(
		"map Delivery Note",
		"erpnext.selling.doctype.sales_order.sales_order.make_delivery_note",
		source_name=order,
	)
	if status != 200 or not note:
		return
	note["docstatus"] = 1
	status, doc = client.call("submit Delivery Note", "POST", "/api/resource/Delivery Note", json=note)
	if status != 200 or not doc:
		return
	client.recorder.ack("delivery note submitted", order=order, delivery_note=doc["name"])
	if rng.random() < 0.4:
		status, trip = client.method(
			"map Delivery Trip",
			"erpnext.stock.doctype.delivery_note.delivery_note.make_delivery_trip",
			source_name=doc["name"],
		)
		if status == 200 and trip:
			trip.update(
				{
					"company": day.plan["company"],
					"vehicle": day.plan["vehicle"],
					"departure_time": datetime.now().strftime("%Y-%m-%d %H:%M:%S"),
					"docstatus": 1,
				}
			)
			for stop in trip.get("delivery_stops") or []:
				stop["address"] = stop.get("address") or day.plan["address"]
			status, made = client.call(
				"submit Delivery Trip", "POST", "/api/resource/Delivery Trip", json=trip
			)
			if status == 200 and made:
				client.recorder.ack("delivery trip submitted", order=order, trip=made["name"])
	if not day.erpnext_only and rng.random() < 0.6:
		status, _ = client.method(
			"confirm delivery",
			"order_coordination.api.confirm_delivery",
			sales_order=order,
			outcome="Delivered",
		)
		if status == 200:
			client.recorder.ack("delivery confirmed", order=order)


def carrier(client: Client, rng: random.Random, day: Day):
	"""Batches for the prepared Shipments: some sent again whole (a carrier's retry), stamps out of order."""
	spec = day.plan["carrier"]
	sent = []
	while day.running():
		if sent and rng.random() < 0.2:
			body = rng.choice(sent)  # a retry: every event comes back as a duplicate
		else:
			now = datetime.now(timezone.utc)
			events = []
			for _ in range(rng.randint(20, 100)):
				stamp = now - timedelta(minutes=rng.randint(1, 600))  # any order
				events.append(
					{
						"event_id": f"{spec['prefix']}-{rng.getrandbits(48):x}",
						"tracking_number": f"{spec['prefix']}-{rng.randrange(spec['shipments'])}",
						"status": rng.choice(CARRIER_STATUSES),
						"occurred_at": stamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
						"location": "Hub 7",
						"description": "Scanned at hub",
					}
				)
			body = json.dumps({"events": events}).encode()
			sent.append(body)
		headers = {
			"Content-Type": "application/json",
			"X-Carrier-Signature": sign(spec["secret"], body, int(time.time())),
		}
		status, answer = client.call(
			"carrier events",
			"POST",
			"/api/method/order_coordination.carrier.receive_events",
			data=body,
			headers=headers,
		)
		if status in (200, 422) and answer:
			client.recorder.ack(
				"carrier batch", events=[e["event_id"] for e in json.loads(body)["events"]], answer=answer
			)
		pause(rng, 1, 4, day)


def customer(client: Client, rng: random.Random, day: Day):
	tokens = day.plan["tracking_tokens"]
	while day.running():
		token = rng.choice(tokens)
		if rng.random() < 0.5:
			client.call("track page", "GET", "/track", params={"token": token})
		else:
			client.method(
				"track refresh", "order_coordination.customers.page.order_status", verb="GET", token=token
			)
		pause(rng, 0.5, 1.5, day)


def manager(client: Client, rng: random.Random, day: Day, long_report_at: float | None = None):
	while day.running():
		if long_report_at and time.time() >= long_report_at:
			long_report_at = None
			year = (date.today() - timedelta(days=365)).isoformat()
			filters = {"company": day.plan["company"], "from_date": year, "to_date": date.today().isoformat()}
			client.method(
				"report for a year",
				"frappe.desk.query_report.run",
				verb="GET",
				report_name="Department Dwell Time",
				filters=json.dumps(filters),
			)
		elif not day.erpnext_only:
			report = rng.choice(REPORTS)
			client.method(
				"report",
				"frappe.desk.query_report.run",
				verb="GET",
				report_name=report,
				filters=json.dumps({"company": day.plan["company"]}),
			)
			with day.lock:
				orders = [name for name, _ in day.made_orders]
			if orders:
				client.method(
					"order status",
					"order_coordination.api.get_order_status",
					verb="GET",
					sales_order=rng.choice(orders),
				)
			client.listing(
				"board", "Order Coordination", [["status", "!=", "Completed"]], fields=("name", "stage")
			)
		else:
			client.listing(
				"Sales Order list", "Sales Order", [["docstatus", "=", 1]], fields=("name", "status")
			)
		pause(rng, 3, 8, day)


def administrator(client: Client, rng: random.Random, day: Day, saves_at: list[float]):
	"""Saves a new version of the company's policy at the given times (acceptance hours changed)."""
	for at in saves_at:
		while time.time() < at and day.running():
			time.sleep(0.5)
		if not day.running():
			return
		name = day.plan["policy"]
		status, doc = client.call("open policy", "GET", f"/api/resource/Coordination Policy/{name}")
		if status != 200 or not doc:
			continue
		rows = doc.get("stage_slas") or []
		for row in rows:
			row["acceptance_hours"] = rng.choice((4, 8, 16, 24))
		status, saved = client.call(
			"save policy", "PUT", f"/api/resource/Coordination Policy/{name}", json={"stage_slas": rows}
		)
		if status == 200:
			client.recorder.ack("policy saved", policy=name, modified=saved.get("modified"))


def run(
	base: str,
	plan: dict,
	seconds: float,
	seed: int = 7,
	erpnext_only: bool = False,
	events: dict | None = None,
):
	"""Send the day's traffic for `seconds`. `events` may name times (seconds from the start) for the
	long report and the administrator's saves. Returns the recorder."""
	recorder = Recorder()
	start = time.time()
	day = Day(plan, start + seconds, erpnext_only)
	events = events or {}
	keys = plan["keys"]
	crew = [("sales", sales)] * 3 + [("production", production)] * 2 + [("logistics", logistics)] * 2
	crew += [("manager", manager)]
	if not erpnext_only:
		crew += [("carrier", carrier), ("customer", customer), ("customer", customer)]
	threads = []
	for i, (role, work) in enumerate(crew):
		token = None if role == "customer" else keys[role]
		args = [Client(base, plan["site"], token, recorder, role), random.Random(seed * 1000 + i), day]
		if work is manager and "long_report" in events:
			args.append(start + events["long_report"])
		threads.append(threading.Thread(target=work, args=args, name=f"{role}-{i}", daemon=True))
	if not erpnext_only:
		saves = [start + t for t in events.get("policy_saves", (seconds * 0.3, seconds * 0.6))]
		client = Client(base, plan["site"], keys["admin"], recorder, "admin")
		threads.append(threading.Thread(target=administrator, args=(client, random.Random(seed), day, saves)))
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join(timeout=seconds + 120)
	return recorder


def main(argv):
	base, plan_path, seconds, out = argv[:4]
	erpnext_only = "--erpnext-only" in argv
	seed = int(argv[argv.index("--seed") + 1]) if "--seed" in argv else 7
	with open(plan_path) as f:
		plan = json.load(f)
	recorder = run(base, plan, float(seconds), seed=seed, erpnext_only=erpnext_only)
	with open(out, "w") as f:
		json.dump({"requests": recorder.requests, "acks": recorder.acks}, f)
	print(json.dumps({"requests": len(recorder.requests), "acks": len(recorder.acks)}))


if __name__ == "__main__":
	main(sys.argv[1:])
