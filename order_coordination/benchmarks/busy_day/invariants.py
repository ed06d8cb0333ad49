"""The busy day's checker: after the traffic and the faults, what the app promises must hold, read from the
database alone (and the client's history of what the site acknowledged). Each check returns the
violations it found, named so that a person can look them up; none found is the only pass.

	bench --site test_site execute order_coordination.benchmarks.busy_day.invariants.check --kwargs "{'history': '/tmp/out.json', 'since': '2026-12-07 14:00:00'}"
"""

import json
from collections import Counter

import frappe

from order_coordination.coordination import RECORD_FIELDS
from order_coordination.core import constants as c
from order_coordination.repair import bring_in_line

OPEN = (c.STATUS_COMPLETED, c.STATUS_CANCELLED)
# Timeline actions that exist once per row of another table, by the order they belong to.
ONE_ROW_EACH = (
	(c.TIMELINE_HANDOFF_SENT, c.DT_ORDER_HANDOFF, None),
	(c.TIMELINE_HANDOFF_ACCEPTED, c.DT_ORDER_HANDOFF, c.HANDOFF_ACCEPTED),
	(c.TIMELINE_HANDOFF_REJECTED, c.DT_ORDER_HANDOFF, c.HANDOFF_REJECTED),
	(c.TIMELINE_HANDOFF_CANCELLED, c.DT_ORDER_HANDOFF, c.HANDOFF_CANCELLED),
	(c.TIMELINE_PROMISE_PROPOSED, c.DT_PROMISE_CHANGE, None),
	(c.TIMELINE_PROMISE_ACCEPTED, c.DT_PROMISE_CHANGE, c.PROMISE_ACCEPTED),
	(c.TIMELINE_PROMISE_DECLINED, c.DT_PROMISE_CHANGE, c.PROMISE_DECLINED),
)
# What the database says when a fault of the run (a restarted MariaDB or Redis, a killed worker) caused an
# error: these are explained by the fault; anything else of ours is not.
FAULT_WORDS = (
	"OperationalError",
	"InterfaceError",
	"ConnectionError",
	"Connection refused",
	"Lost connection",
	"gone away",
	"Can't connect",
	"Connection reset",
	"TimeoutError",
	"JobTimeoutException",
	"BrokenPipe",
)


def check(history: str | None = None, since: str | None = None, path: str | None = None) -> dict:
	results = {
		"one holder per open order": one_holder(),
		"at most one pending handoff per receiver": one_pending_per_receiver(),
		"no drift from ERPNext's documents": no_drift(),
		"no timeline row doubled": no_doubled_rows(),
		"no handoff or promise change without its timeline row, or with two": rows_match_timeline(),
		"every notification sent once or still queued": outbox_once(),
		"every carrier event stored once, applied once or queued": carrier_events_once(),
		"every order under a policy version that existed when it started": policy_versions(),
		"every acknowledged action is in the database": acknowledged(history) if history else [],
		"no error of ours left unexplained": errors_of_ours(since) if since else [],
	}
	summary = {
		"checks": {
			name: {"violations": len(found), "examples": found[:10]} for name, found in results.items()
		},
		"open orders": frappe.db.count(c.DT_ORDER_COORDINATION, {"status": ["not in", OPEN]}),
		"orders": frappe.db.count(c.DT_ORDER_COORDINATION),
		"outbox still queued": frappe.db.count(c.DT_OUTBOX, {"status": c.OUTBOX_PENDING}),
		"carrier events queued": frappe.db.count(c.DT_CARRIER_EVENT, {"state": c.CARRIER_EVENT_QUEUED}),
		"passed": not any(results.values()),
	}
	if path:
		with open(path, "w") as f:
			json.dump(summary, f, indent=1, default=str)
	return summary


def backlog() -> dict:
	"""What the site still has to catch up on: notifications and carrier events waiting."""
	return {
		"outbox": frappe.db.count(c.DT_OUTBOX, {"status": c.OUTBOX_PENDING}),
		"carrier_events": frappe.db.count(c.DT_CARRIER_EVENT, {"state": c.CARRIER_EVENT_QUEUED}),
		"repairs": frappe.db.count(c.DT_ORDER_COORDINATION, {"needs_repair": 1}),
	}


def backlog_json() -> None:
	print(json.dumps(backlog()))


def one_holder() -> list:
	departments = set(frappe.get_all(c.DT_DEPARTMENT, pluck="name"))
	rows = frappe.get_all(
		c.DT_ORDER_COORDINATION,
		filters={"status": ["not in", OPEN]},
		fields=["name", "responsible_department"],
		limit_page_length=0,
	)
	return [row.name for row in rows if row.responsible_department not in departments]


def one_pending_per_receiver() -> list:
	return frappe.db.sql(
		"""select sales_order, to_department, count(*) n from `tabOrder Handoff` where status = %s
		group by sales_order, to_department having n > 1""",
		c.HANDOFF_PENDING,
		as_dict=True,
	)


def no_drift() -> list:
	"""Each order's record against what the repair path rebuilds from ERPNext's documents, in a transaction
	rolled back: a field the rebuild changes is a fact the live path missed."""
	drifted = []
	names = frappe.get_all(
		c.DT_ORDER_COORDINATION, filters={"status": ["not in", OPEN]}, pluck="name", limit_page_length=0
	)
	for name in names:
		frappe.db.rollback()
		before = frappe.db.get_value(c.DT_ORDER_COORDINATION, name, list(RECORD_FIELDS), as_dict=True)
		try:
			bring_in_line(name)
			after = frappe.db.get_value(c.DT_ORDER_COORDINATION, name, list(RECORD_FIELDS), as_dict=True)
		finally:
			frappe.db.rollback()
		changed = {k: (before[k], after[k]) for k in RECORD_FIELDS if str(before[k]) != str(after[k])}
		if changed:
			drifted.append({"order": name, "changed": changed})
	return drifted


def no_doubled_rows() -> list:
	"""Rows alike in every column. Carrier updates are left to their own count (two reports of one status
	at one stamp are two rows)."""
	return frappe.db.sql(
		"""select sales_order, action, reference_doctype, reference_name, at, count(*) n
		from `tabOrder Timeline Entry` where action != %s
		group by sales_order, action, reference_doctype, reference_name, at, stage_from, stage_to, note
		having n > 1""",
		c.TIMELINE_CARRIER,
		as_dict=True,
	)


def rows_match_timeline() -> list:
	found = []
	for action, doctype, status in ONE_ROW_EACH:
		condition = "and status = %(status)s" if status else ""
		rows = frappe.db.sql(
			f"""select o.sales_order, o.n, coalesce(t.n, 0) t from
			(select sales_order, count(*) n from `tab{doctype}` where 1=1 {condition} group by sales_order) o
			left join (select sales_order, count(*) n from `tabOrder Timeline Entry` where action = %(action)s
				group by sales_order) t on t.sales_order = o.sales_order
			where coalesce(t.n, 0) != o.n""",
			{"status": status, "action": action},
			as_dict=True,
		)
		found += [{"action": action, "order": r.sales_order, "rows": r.n, "timeline": r.t} for r in rows]
	return found


def outbox_once() -> list:
	return frappe.get_all(
		c.DT_OUTBOX,
		filters={"status": c.OUTBOX_SENT, "attempts": [">", 1]},
		fields=["name", "sales_order", "attempts"],
	)


def carrier_events_once() -> list:
	doubled = frappe.db.sql(
		"""select carrier_account, event_id, count(*) n from `tabCarrier Event`
		group by carrier_account, event_id having n > 1""",
		as_dict=True,
	)
	# Every applied (or superseded) event is in the timeline of each order it is about, once: per order,
	# as many Carrier Update rows as such events.
	events = Counter(
		order
		for row in frappe.get_all(
			c.DT_CARRIER_EVENT,
			filters={"state": ["in", (c.CARRIER_EVENT_APPLIED, c.CARRIER_EVENT_SUPERSEDED)]},
			pluck="sales_orders",
			limit_page_length=0,
		)
		for order in (row or "").replace(",", " ").split()
	)
	rows = Counter(
		frappe.get_all(
			c.DT_TIMELINE, filters={"action": c.TIMELINE_CARRIER}, pluck="sales_order", limit_page_length=0
		)
	)
	wrong = [
		{"order": order, "events": events[order], "timeline": rows[order]}
		for order in set(events) | set(rows)
		if events[order] != rows[order]
	]
	return [{"doubled": d} for d in doubled] + wrong


def policy_versions() -> list:
	return frappe.db.sql(
		"""select r.name, r.policy_snapshot, r.creation, s.creation snapshot_made
		from `tabOrder Coordination` r left join `tabCoordination Policy Snapshot` s on s.name = r.policy_snapshot
		where s.name is null or s.creation > r.creation""",
		as_dict=True,
	)


def acknowledged(history: str) -> list:
	"""What the site said it did must be there: each order with its record, each answered handoff in the
	answered state, each proposal, each delivery, each carrier event."""
	with open(history) as f:
		acks = json.load(f)["acks"]
	missing = []
	for ack in acks:
		kind = ack["kind"]
		if kind == "order submitted":
			ok = frappe.db.get_value("Sales Order", ack["order"], "docstatus") == 1 and frappe.db.exists(
				c.DT_ORDER_COORDINATION, ack["order"]
			)
		elif kind in ("handoff accepted", "handoff rejected"):
			ok = frappe.db.get_value(c.DT_ORDER_HANDOFF, ack["handoff"], "status") == (
				c.HANDOFF_ACCEPTED if kind == "handoff accepted" else c.HANDOFF_REJECTED
			)
		elif kind == "date proposed":
			ok = frappe.db.exists(
				c.DT_PROMISE_CHANGE, {"sales_order": ack["order"], "new_date": ack["new_date"]}
			)
		elif kind in ("date accepted", "date declined"):
			ok = frappe.db.get_value(c.DT_PROMISE_CHANGE, ack["proposal"], "status") == (
				c.PROMISE_ACCEPTED if kind == "date accepted" else c.PROMISE_DECLINED
			)
		elif kind == "delivery note submitted":
			ok = frappe.db.get_value(
				"Delivery Note", ack["delivery_note"], "docstatus"
			) == 1 and frappe.db.exists(
				c.DT_TIMELINE, {"sales_order": ack["order"], "reference_name": ack["delivery_note"]}
			)
		elif kind == "delivery confirmed":
			ok = frappe.db.exists(
				c.DT_TIMELINE, {"sales_order": ack["order"], "action": c.TIMELINE_DELIVERY_CONFIRMED}
			)
		elif kind == "carrier batch":
			stored = set(
				frappe.get_all(
					c.DT_CARRIER_EVENT, filters={"event_id": ["in", ack["events"]]}, pluck="event_id"
				)
			)
			ok = stored >= set(ack["events"]) - {
				r.get("event_id") for r in ack["answer"].get("rejected") or []
			}
		else:  # work orders, trips, policy saves: ERPNext's and Frappe's own writes
			continue
		if not ok:
			missing.append({k: v for k, v in ack.items() if k != "events"})
	return missing


def errors_of_ours(since: str) -> list:
	"""Error Log rows of this app since the run began that no fault of the run explains."""
	rows = frappe.get_all(
		"Error Log",
		filters={"creation": [">=", since]},
		fields=["name", "method", "error", "creation"],
		limit_page_length=0,
	)
	ours = [
		r for r in rows if "order_coordination" in (r.error or "") or "Order Coordination" in (r.method or "")
	]
	return [
		{"name": r.name, "title": r.method, "last": (r.error or "").strip().splitlines()[-1:]}
		for r in ours
		if not any(word in (r.error or "") for word in FAULT_WORDS)
	]
