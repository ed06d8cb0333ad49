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
from datetime import datetime

import frappe
from frappe.utils import now_datetime

from order_coordination.carriers import resume_queued
from order_coordination.core import constants
from order_coordination.core.derive import status_and_next_check
from order_coordination.core.model import TimelineEntry
from order_coordination.core.serialize import state_from
from order_coordination.outbox import deliver_outbox, queue_notifications
from order_coordination.policies import policy_of_order
from order_coordination.repair import repair_marked, resume_backfill
from order_coordination.storage import write_timeline, write_timeline_of_records

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
	return escalate_overdue(
		constants.DT_ORDER_HANDOFF,
		constants.HANDOFF_PENDING,
		"from_department",
		constants.TIMELINE_HANDOFF_ESCALATED,
		{"subject": "Handoff of order {0} to {1} is overdue"},
		now=now,
	)


def escalate_overdue_promises(now=None) -> list[str]:
	"""A proposed delivery date nobody answered in time: the department it went to is reminded too."""
	return escalate_overdue(
		constants.DT_PROMISE_CHANGE,
		constants.PROMISE_PENDING,
		"proposed_by_department",
		constants.TIMELINE_PROMISE_ESCALATED,
		{"subject": "The new delivery date proposed for order {0} awaits an answer from {1}"},
		remind_department=True,
		now=now,
	)


def escalate_overdue(
	doctype: str, pending: str, from_field: str, action: str, notice: dict, remind_department=False, now=None
) -> list[str]:
	"""Escalate every row of `doctype` (handoffs, proposed dates) still pending past its due time to the
	escalation chain of the department it went to, once per breach; returns their names."""
	now = now or now_datetime()
	run_id = frappe.generate_hash(length=20)
	# One statement claims every unclaimed breach; a concurrent sweep waits on the rows, then finds them claimed.
	frappe.db.sql(
		f"""update `tab{doctype}` set escalated_on = %(now)s, escalation_run = %(run)s
		where status = %(pending)s and due_by < %(now)s and escalated_on is null""",
		{"now": now, "run": run_id, "pending": pending},
	)
	claimed = frappe.db.sql(
		f"""select name, order_coordination, sales_order, company, customer,
			`{from_field}` as from_department, to_department
		from `tab{doctype}` where escalation_run = %s""",
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
			action,
			now,
			"Administrator",
			h.to_department,
			note=f"{h.from_department} → {h.to_department}",
			ref_doctype=doctype,
			ref_name=h.name,
		)
		entries.append((order, entry))
		notices.append(
			{
				**notice,
				"sales_order": h.sales_order,
				"users": chains[h.to_department],
				"departments": [h.to_department] if remind_department else [],
				"args": [h.sales_order, h.to_department],
			}
		)
	write_timeline(entries)
	queue_notifications(notices)
	return [h.name for h in claimed]


# The statuses that time alone changes; On Hold, Completed and Cancelled move only with events.
TIMED_STATUSES = (constants.STATUS_OPEN, constants.STATUS_AT_RISK, constants.STATUS_OVERDUE)
# The next check of an order only an event can change: it is never read by the sweep again until then.
NEVER = datetime(9999, 12, 31)


def refresh_open_orders(now=None, commit: bool = False, company: str | None = None, every=False) -> int:
	"""Recompute Open / At Risk / Overdue for the orders whose next status check has come (or that an
	event changed since the last sweep); with `every`, for every open order (of `company`). Returns how
	many changed.

	One read of the orders concerned; then, per chunk of them, one guarded update that writes each one's
	status and next check (only rows still as they were read: an event that wrote since then knows better),
	stamping the changed ones with the chunk's own `modified`; their timeline rows made by the database from
	the records it changed; a commit; their Sales Orders, from the records the chunk stamped. The chunk
	travels as one JSON document, so the number of statements does not grow with the orders in a chunk,
	and when nothing is due, nothing is read."""
	now = now or now_datetime()
	read_at = now_datetime()
	rows = frappe.db.sql(
		"""select name, sales_order, company, customer, stage, status, responsible_department,
			accountable_department, stage_since, delivery_date, needs_manufacturing, per_produced,
			per_delivered, last_outcome, facts, policy_snapshot
		from `tabOrder Coordination`
		where status in %(timed)s and (%(every)s or next_status_check is null or next_status_check <= %(now)s)
			and (%(company)s is null or company = %(company)s)""",
		{"timed": TIMED_STATUSES, "now": now, "every": bool(every), "company": company},
		as_dict=True,
	)
	checks = []
	for row in rows:
		# Each order's own policy: a version shared by several companies has each company's learned hours.
		state = state_from(row.name, row, json.loads(row.facts or "{}"))
		status, next_check = status_and_next_check(state, now, policy_of_order(row))
		checks.append((row.name, row.status, status, str(next_check or NEVER)))
	changed = 0
	for start in range(0, len(checks), CHUNK):
		part = checks[start : start + CHUNK]
		stamp = now_datetime()
		frappe.db.sql(
			f"""update {_checks_table(part)} straight_join `tabOrder Coordination` oc on oc.name = c.name
			set oc.status = c.new, oc.next_status_check = c.next_check,
				oc.modified = if(c.new = c.old, oc.modified, %s)
			where oc.status = c.old and oc.modified <= %s""",
			(stamp, read_at),
		)
		moved = [check for check in part if check[1] != check[2]]
		if not moved:
			continue
		# One timeline row per record this chunk changed, noting its move ("Open → At Risk").
		write_timeline_of_records(
			TimelineEntry(constants.TIMELINE_STATUS, now, "Administrator", None),
			f"{_checks_table(moved)} straight_join `tabOrder Coordination` oc on oc.name = c.name",
			"oc.status = c.new and oc.modified = %s",
			(stamp,),
			note="concat(c.old, ' → ', c.new)",
		)
		changed += frappe.db.sql("select row_count()")[0][0]
		if commit:
			frappe.db.commit()  # nosemgrep: release the records before touching their Sales Orders
		frappe.db.sql(
			f"""update `tabOrder Coordination` oc straight_join `tabSales Order` so on so.name = oc.sales_order
			set so.`{constants.FIELD_STATUS}` = oc.status
			where oc.modified = %s and oc.status in %s""",
			(stamp, TIMED_STATUSES),
		)
	return changed


# Text columns of the JSON table in the collation Frappe creates every table with: left to the database's
# default, a name could not be matched through the records' primary key.
TEXT = "varchar(140) character set utf8mb4 collate utf8mb4_unicode_ci"


def _checks_table(checks) -> str:
	"""The (name, old, new, next_check) rows as a table `c`, sent as one JSON document (MariaDB 10.6+)."""
	document = frappe.db.escape(json.dumps(checks))
	return f"""json_table({document}, '$[*]' columns(name {TEXT} path '$[0]', old {TEXT} path '$[1]',
		new {TEXT} path '$[2]', next_check datetime(6) path '$[3]')) c"""


def recheck_statuses(company: str | None = None, commit: bool = False) -> int:
	"""Recompute the status and next check of every open order (of one company) now: for a change that
	moves statuses without an event of the orders', such as the durations the expected finish is counted
	with. Their stored next checks were worked out before it, so the sweep could not be trusted to find
	them; this runs in the job that made the change, not in the sweep."""
	return refresh_open_orders(company=company, every=True, commit=commit)
