"""The scheduled sweep: escalate handoffs that passed their due time, once per breach; recompute the
status of open orders as time passes without events (At Risk, Overdue); send what a queue outage held back;
repair orders an error left behind and resume the backfill until every open order has a record.

Built for many thousands of open orders: a handful of set-based queries, no document loads. Each step is
its own short transaction, and the one lock order of the app is kept (a record before its Sales Order
and its handoffs, as submits and department actions take them): the status step updates records, commits,
and only then mirrors the change on the Sales Orders. Two sweeps running at once (two workers, two machines)
claim overdue handoffs with one UPDATE each, so every breach is escalated by exactly one of them.
"""

import json
from collections import defaultdict

import frappe
from frappe.utils import now_datetime

from order_coordination.carrier_feed import resume_queued
from order_coordination.core import constants
from order_coordination.core.derive import derive_status
from order_coordination.core.model import TimelineEntry
from order_coordination.core.serialize import state_from
from order_coordination.outbox import deliver_outbox, queue_notifications
from order_coordination.policies import policy_of_order
from order_coordination.promises import escalate_overdue_promises
from order_coordination.repair import repair_marked, resume_backfill
from order_coordination.storage import write_timeline

CHUNK = 2000  # orders per status transaction


def run():
	"""Scheduler entry point (every 15 minutes). A background job: each step commits on its own."""
	steps = (
		escalate_overdue_handoffs,
		escalate_overdue_promises,
		refresh_open_orders,
		deliver_outbox,
		repair_marked,
		resume_backfill,
		resume_queued,
	)
	for step in steps:
		try:
			step(commit=True) if step is refresh_open_orders else step()
			frappe.db.commit()  # nosemgrep: a scheduled job; short transactions keep order locks short
		except Exception:
			frappe.db.rollback()
			frappe.log_error(title=f"Order Coordination: sweep step {step.__name__} failed")


def escalation_chain(department: str) -> list[str]:
	"""The escalation users of a department and of the departments above it, nearest first."""
	users, seen = [], set()
	while department and department not in seen:
		seen.add(department)
		user, parent = frappe.db.get_value(
			constants.DT_DEPARTMENT, department, ["escalation_user", "parent_coordination_department"]
		) or (None, None)
		if user and user not in users:
			users.append(user)
		department = parent
	return users


def escalate_overdue_handoffs(now=None) -> list[str]:
	now = now or now_datetime()
	run_id = frappe.generate_hash(length=20)
	# One statement claims every unclaimed breach; a concurrent sweep waits on the rows, then finds them claimed.
	frappe.db.sql(
		"""update `tabOrder Handoff` set escalated_on = %(now)s, escalation_run = %(run)s
		where status = %(pending)s and due_by < %(now)s and escalated_on is null""",
		{"now": now, "run": run_id, "pending": constants.HANDOFF_PENDING},
	)
	claimed = frappe.db.sql(
		"""select name, order_coordination, sales_order, company, customer, from_department, to_department,
			due_by
		from `tabOrder Handoff` where escalation_run = %s""",
		run_id,
		as_dict=True,
	)
	if not claimed:
		return []
	chains = {}
	entries, notices = [], []
	for h in claimed:
		if h.to_department not in chains:
			chains[h.to_department] = escalation_chain(h.to_department)
		order = {"name": h.order_coordination, "sales_order": h.sales_order, "company": h.company}
		order["customer"] = h.customer
		entry = TimelineEntry(
			constants.TIMELINE_HANDOFF_ESCALATED,
			now,
			"Administrator",
			h.to_department,
			note=f"{h.from_department} → {h.to_department}",
			ref_doctype=constants.DT_ORDER_HANDOFF,
			ref_name=h.name,
		)
		entries.append((order, entry))
		notices.append(
			{
				"sales_order": h.sales_order,
				"users": chains[h.to_department],
				"departments": [],
				"subject": "Handoff of order {0} to {1} is overdue",
				"args": [h.sales_order, h.to_department],
			}
		)
	write_timeline(entries)
	queue_notifications(notices)
	return [h.name for h in claimed]


# The statuses that time alone changes; On Hold, Completed and Cancelled move only with events.
TIMED_STATUSES = (constants.STATUS_OPEN, constants.STATUS_AT_RISK, constants.STATUS_OVERDUE)


def refresh_open_orders(now=None, commit: bool = False) -> int:
	"""Recompute Open / At Risk / Overdue for the orders time can move; returns how many changed.

	One read of the orders concerned; per (old, new) status pair, one guarded update of the records that
	are still as read, stamped with this run's own `modified`, so that exactly the rows it changed are
	known; then, after commit, their Sales Orders and timeline rows. The number of statements does not grow
	with the orders."""
	now = now or now_datetime()
	read_at = now_datetime()
	rows = frappe.db.sql(
		"""select name, sales_order, company, customer, stage, status, responsible_department,
			accountable_department, stage_since, delivery_date, needs_manufacturing, per_produced,
			per_delivered, last_outcome, facts, policy_snapshot
		from `tabOrder Coordination` where status in %(timed)s""",
		{"timed": TIMED_STATUSES},
		as_dict=True,
	)
	policies, moves, by_name = {}, defaultdict(list), {}
	for row in rows:
		if row.policy_snapshot not in policies:
			policies[row.policy_snapshot] = policy_of_order(row)
		state = state_from(row.name, row, json.loads(row.facts or "{}"))
		status = derive_status(state, now, policies[row.policy_snapshot])
		if status != row.status:
			moves[(row.status, status)].append(row.name)
			by_name[row.name] = row
	changed = defaultdict(list)
	for (old, new), names in moves.items():
		for start in range(0, len(names), CHUNK):
			part = tuple(names[start : start + CHUNK])
			stamp = now_datetime()
			# Only rows still as they were read: an event that wrote since then knows better.
			frappe.db.sql(
				"""update `tabOrder Coordination` set status = %(new)s, modified = %(stamp)s
				where name in %(names)s and status = %(old)s and modified <= %(read_at)s""",
				{"new": new, "old": old, "names": part, "stamp": stamp, "read_at": read_at},
			)
			changed[(old, new)] += frappe.db.sql_list(
				"""select name from `tabOrder Coordination`
				where name in %(names)s and status = %(new)s and modified = %(stamp)s""",
				{"names": part, "new": new, "stamp": stamp},
			)
			if commit:
				frappe.db.commit()  # nosemgrep: release the records before touching their Sales Orders
	entries = []
	for (old, new), names in changed.items():
		for start in range(0, len(names), CHUNK):
			frappe.db.sql(
				f"""update `tabSales Order` set `{constants.FIELD_STATUS}` = %(new)s where name in %(names)s""",
				{"new": new, "names": tuple(names[start : start + CHUNK])},
			)
		for name in names:
			row = by_name[name]
			entry = TimelineEntry(
				constants.TIMELINE_STATUS,
				now,
				"Administrator",
				row.responsible_department,
				note=f"{old} → {new}",
			)
			entries.append((row, entry))
	write_timeline(entries)
	return sum(len(names) for names in changed.values())
