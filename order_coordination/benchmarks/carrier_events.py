"""Carrier events over HTTP, as a simulated carrier sends them: throughput in batches, and what the endpoint
adds to one event's latency beyond Frappe's own request overhead (the same request to `frappe.ping`).

1. Shipped orders with Shipments, and an integration user with its Carrier Account (prints its token and
   the account's shared secret; raises the rate limit):
	bench --site test_site execute order_coordination.benchmarks.carrier_events.prepare --kwargs "{'shipments': 50}"
2. The carrier, against a running site (gunicorn or bench serve), signing every request as carriers must:
	OC_CARRIER_SECRET=SECRET env/bin/python -m order_coordination.benchmarks.carrier_events \
		http://127.0.0.1:8002 "token KEY:SECRET" AWB-PREFIX
3. How fast the background job applies what was stored (events per second to Shipments and orders):
	bench --site test_site execute order_coordination.benchmarks.carrier_events.apply
"""

import json
import os
import statistics
import sys
import time
import uuid

STATUSES = ("In Transit", "Out for Delivery", "In Transit", "Failed Attempt")
USER = "oc-bench-carrier@example.com"
CARRIER = "Bench Express"


def prepare(shipments: int = 50) -> None:
	import frappe
	from erpnext.stock.doctype.shipment.test_shipment import create_test_shipment
	from frappe.installer import update_site_config

	from order_coordination.core.constants import DT_CARRIER_ACCOUNT, INTEGRATION_ROLE
	from order_coordination.tests.utils import STOCKED, add_stock, deliver, make_order, make_user

	prefix = "BENCH-" + frappe.generate_hash(length=6).upper()
	for i in range(shipments):
		so = make_order(item_code=STOCKED, qty=1)
		add_stock(STOCKED, 1)
		shipment = create_test_shipment([deliver(so)])
		shipment.update({"awb_number": f"{prefix}-{i}", "carrier": CARRIER})
		shipment.submit()
	make_user(USER, INTEGRATION_ROLE)
	user = frappe.get_doc("User", USER)
	user.api_key = user.api_key or frappe.generate_hash(length=15)
	secret = frappe.generate_hash(length=15)
	user.api_secret = secret
	user.save(ignore_permissions=True)
	shared_secret = frappe.generate_hash(length=32)
	account = frappe.db.get_value(DT_CARRIER_ACCOUNT, {"integration_user": USER}) or frappe.get_doc(
		{"doctype": DT_CARRIER_ACCOUNT, "carrier_name": CARRIER, "integration_user": USER}
	)
	account = frappe.get_doc(DT_CARRIER_ACCOUNT, account) if isinstance(account, str) else account
	account.update({"carrier": CARRIER, "shared_secret": shared_secret, "enabled": 1})
	account.save(ignore_permissions=True)
	frappe.db.commit()
	update_site_config("order_coordination_carrier_requests_per_minute", 1_000_000)
	print(
		json.dumps(
			{
				"token": f"token {user.api_key}:{secret}",
				"shared_secret": shared_secret,
				"prefix": prefix,
				"shipments": shipments,
			}
		)
	)


def apply() -> None:
	import frappe

	from order_coordination.carriers import feed as carrier_feed
	from order_coordination.core.constants import CARRIER_EVENT_QUEUED, DT_CARRIER_EVENT

	queued = frappe.db.count(DT_CARRIER_EVENT, {"state": CARRIER_EVENT_QUEUED})
	start = time.perf_counter()
	applied = 0
	while True:
		done = carrier_feed.apply_queued()
		applied += done
		if not done:
			break
	seconds = time.perf_counter() - start
	print(
		json.dumps(
			{
				"queued": queued,
				"applied": applied,
				"seconds": round(seconds, 2),
				"events_per_s": round(applied / seconds, 1) if seconds else None,
			}
		)
	)


def events(prefix: str, shipments: int, count: int) -> list[dict]:
	now = time.time()
	return [
		{
			"event_id": uuid.uuid4().hex,
			"tracking_number": f"{prefix}-{i % shipments}",
			"status": STATUSES[i % len(STATUSES)],
			"occurred_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now - 3600 + i % 3600)),
			"location": "Hub 7",
			"description": "Scanned at hub",
		}
		for i in range(count)
	]


def post(session, url: str, method: str, body: dict) -> tuple[float, int]:
	"""One request, signed with the account's secret as a carrier signs it (the signing is timed too)."""
	from order_coordination.core.carrier import sign

	start = time.perf_counter()
	data = json.dumps(body).encode()
	headers = {}
	if os.environ.get("OC_CARRIER_SECRET"):
		headers["X-Carrier-Signature"] = sign(os.environ["OC_CARRIER_SECRET"], data, int(time.time()))
	response = session.post(f"{url}/api/method/{method}", data=data, headers=headers)
	seconds = time.perf_counter() - start
	if response.status_code != 200:
		raise SystemExit(f"{method}: {response.status_code} {response.text[:300]}")
	return seconds, response.status_code


def run(url: str, token: str, prefix: str, shipments: int = 50) -> dict:
	import requests

	session = requests.Session()
	session.headers.update({"Authorization": token, "Content-Type": "application/json"})
	if os.environ.get("OC_SITE_HOST"):  # gunicorn finds the site by the Host header
		session.headers["Host"] = os.environ["OC_SITE_HOST"]
	receive = "order_coordination.carrier.receive_events"
	for _ in range(20):  # warm both paths (workers, caches)
		post(session, url, "frappe.ping", {"events": events(prefix, shipments, 1)})
		post(session, url, receive, {"events": events(prefix, shipments, 1)})

	# Throughput: batches of 500, one carrier sending one after the other.
	batches, size, statuses = 20, 500, set()
	start = time.perf_counter()
	for _ in range(batches):
		_seconds, status = post(session, url, receive, {"events": events(prefix, shipments, size)})
		statuses.add(status)
	wall = time.perf_counter() - start
	throughput = batches * size / wall

	# One event at a time, interleaved with the same request to frappe.ping.
	single, ping = [], []
	for _ in range(200):
		body = {"events": events(prefix, shipments, 1)}
		single.append(post(session, url, receive, body)[0])
		ping.append(post(session, url, "frappe.ping", body)[0])

	def ms(values, q=None):
		values = sorted(values)
		return round(1000 * (statistics.median(values) if q is None else values[int(q * len(values)) - 1]), 2)

	return {
		"batch_statuses": sorted(statuses),
		"events_per_second_in_batches_of_500": round(throughput),
		"batch_median_ms": round(1000 * wall / batches, 1),
		"single_event_median_ms": ms(single),
		"single_event_p95_ms": ms(single, 0.95),
		"ping_median_ms": ms(ping),
		"ping_p95_ms": ms(ping, 0.95),
		"endpoint_share_median_ms": round(ms(single) - ms(ping), 2),
	}


if __name__ == "__main__":
	url, token, prefix = sys.argv[1:4]
	print(json.dumps(run(url, token, prefix, int(sys.argv[4]) if len(sys.argv) > 4 else 50), indent=1))
