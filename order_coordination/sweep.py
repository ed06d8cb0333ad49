"""The scheduled sweep: escalate handoffs that passed their due time, once per breach, and recompute
the status of open orders as time passes without events (At Risk, Overdue).

Built for many thousands of open orders: a handful of set-based queries, no document loads. Two sweeps
running at once (two workers, two machines) claim overdue handoffs with one UPDATE each, so every breach
is escalated by exactly one of them.
"""

import json
from collections import defaultdict

import frappe
from frappe.utils import now_datetime

from order_coordination.coordination import (
	_write_logs_rows,
	deliver_outbox,
	policy_of_order,
	queue_notifications,
)
from order_coordination.core import constants as C
from order_coordination.core import lifecycle
from order_coordination.core.serialize import state_from


def run():
	"""Scheduler entry point (every 15 minutes)."""
	escalate_overdue_handoffs()
	refresh_open_orders()
	deliver_outbox()  # what a queue outage held back


def escalation_chain(department: str) -> list[str]:
	"""The escalation users of a department and of the departments above it, nearest first."""
	users, seen = [], set()
	while department and department not in seen:
		seen.add(department)
		user, parent = frappe.db.get_value(
			C.DT_DEPARTMENT, department, ["escalation_user", "parent_coordination_department"]
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
		{"now": now, "run": run_id, "pending": C.HANDOFF_PENDING},
	)
	claimed = frappe.db.sql(
		"""select name, order_coordination, sales_order, from_department, to_department, due_by
		from `tabOrder Handoff` where escalation_run = %s""",
		run_id,
		as_dict=True,
	)
	if not claimed:
		return []
	chains = {}
	logs, notices = [], []
	for h in claimed:
		if h.to_department not in chains:
			chains[h.to_department] = escalation_chain(h.to_department)
		logs.append(
			(
				h.order_coordination,
				h.sales_order,
				lifecycle.Log(
					C.LOG_HANDOFF_ESCALATED,
					now,
					"Administrator",
					h.to_department,
					note=f"{h.from_department} → {h.to_department}",
					ref_doctype=C.DT_ORDER_HANDOFF,
					ref_name=h.name,
				),
			)
		)
		notices.append(
			{
				"sales_order": h.sales_order,
				"users": chains[h.to_department],
				"departments": [],
				"subject": "Handoff of order {0} to {1} is overdue",
				"args": [h.sales_order, h.to_department],
			}
		)
	_write_logs_rows(logs)
	queue_notifications(notices)
	return [h.name for h in claimed]


# The statuses that time alone changes; On Hold, Completed and Cancelled move only with events.
TIMED_STATUSES = (C.STATUS_OPEN, C.STATUS_AT_RISK, C.STATUS_OVERDUE)


def refresh_open_orders(now=None) -> int:
	"""Recompute Open / At Risk / Overdue for the orders time can move; returns how many changed.

	One read of the orders concerned, one update per (old, new) status pair, one per new status on the
	Sales Orders and the timeline rows in bulk: the number of statements does not grow with the orders."""
	now = now or now_datetime()
	read_at = now_datetime()
	rows = frappe.db.sql(
		"""select name, company, stage, status, responsible_department, accountable_department, stage_since,
			delivery_date, needs_manufacturing, per_produced, per_delivered, last_outcome, facts, policy_snapshot
		from `tabOrder Coordination` where status in %(timed)s""",
		{"timed": TIMED_STATUSES},
		as_dict=True,
	)
	policies, moves, logs = {}, defaultdict(list), []
	for row in rows:
		if row.policy_snapshot not in policies:
			policies[row.policy_snapshot] = policy_of_order(row)
		state = state_from(row.name, row, json.loads(row.facts or "{}"))
		status = lifecycle.derive_status(state, now, policies[row.policy_snapshot])
		if status != row.status:
			moves[(row.status, status)].append(row.name)
			note = f"{row.status} → {status}"
			log = lifecycle.Log(C.LOG_STATUS, now, "Administrator", row.responsible_department, note=note)
			logs.append((row.name, row.name, log))
	by_new = defaultdict(list)
	for (old, new), names in moves.items():
		# Only rows still as they were read: an event that wrote since then knows better.
		frappe.db.sql(
			"""update `tabOrder Coordination` set status = %(new)s, modified = %(at)s
			where name in %(names)s and status = %(old)s and modified <= %(read_at)s""",
			{"new": new, "old": old, "names": tuple(names), "at": now_datetime(), "read_at": read_at},
		)
		by_new[new] += names
	for new, names in by_new.items():
		frappe.db.sql(
			f"""update `tabSales Order` set `{C.FIELD_STATUS}` = %(new)s where name in %(names)s""",
			{"new": new, "names": tuple(names)},
		)
	_write_logs_rows(logs)
	return sum(len(names) for names in moves.values())
