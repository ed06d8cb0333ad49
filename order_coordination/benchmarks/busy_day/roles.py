"""What each simulated person does all day, over HTTP, with their own seeded choices: Sales submits orders
and answers date proposals, Production accepts, rejects, proposes dates and makes Work Orders, Logistics
accepts and delivers (Delivery Notes, Delivery Trips, confirmations), a carrier posts event batches (some sent
again, stamps out of order), customers poll their tracking pages, managers open reports, status and the
board, the administrator saves the policy.
"""

import json
import random
import time
from datetime import date, datetime, timedelta, timezone

from order_coordination.benchmarks.busy_day.client import Client, Day, pause
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
					"driver": day.plan["driver"],
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
			desk_list(client, "board", "Order Coordination", ["name", "stage", "status"])
		# ERPNext's own list as the desk reads it (from the replica where the site has one).
		desk_list(client, "Sales Order list", "Sales Order", ["name", "status"])
		pause(rng, 3, 8, day)


def desk_list(client: Client, label: str, doctype: str, fields: list[str]):
	"""A list or board as the desk asks for it: Frappe's report view, which reads the replica if any."""
	client.method(
		label,
		"frappe.desk.reportview.get",
		doctype=doctype,
		fields=json.dumps([f"`tab{doctype}`.`{field}`" for field in fields]),
		order_by=f"`tab{doctype}`.`modified` desc",
		page_length=20,
	)


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
