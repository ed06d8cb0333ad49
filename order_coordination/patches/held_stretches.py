"""Who held each order when, for records and handoffs written before the app kept it (the Department
Dwell Time report sums these stretches instead of replaying every order's handoffs).

The replay is the one the report used to run: an order is first held by the sender of its first handoff
(or its holder, without one) from its creation, and passes to a handoff's receiver when the receiver
accepts it. Each accepted handoff gets the stretch its acceptance ended (`held_by`, `held_since`,
`held_hours` in the working hours of the order's policy); each record, the stretch still running. Each
accepted handoff also gets when its receiver next handed the order on, and the working hours until then
(`handed_on`, `complete_hours`: what Handoff Lead Time used to find for itself). The bulk generator of the
benchmarks calls `fill` too."""

import json
from collections import defaultdict
from dataclasses import astuple

import frappe

from order_coordination.core.constants import (
	DT_ORDER_COORDINATION,
	DT_ORDER_HANDOFF,
	HANDOFF_ACCEPTED,
	HANDOFF_CANCELLED,
)
from order_coordination.core.holding import Stretch, pass_on
from order_coordination.core.sla import working_hours_between
from order_coordination.policies import policy_of_order

BATCH = 2000  # orders per read and per update statement


def execute():
	fill()


def fill(only_missing: bool = True) -> int:
	"""Fill the stretches of the records that have none (all of them with `only_missing=False`); returns
	how many records were filled. Commits after each batch: a patch and a generator, never a request."""
	condition = "where held_until is null" if only_missing else ""
	names = frappe.db.sql_list(f"select name from `tab{DT_ORDER_COORDINATION}` {condition} order by name")
	for start in range(0, len(names), BATCH):
		fill_orders(names[start : start + BATCH])
		frappe.db.commit()  # nosemgrep: a patch over every record, in batches
	return len(names)


def replay(order, handoffs):
	"""(the stretch running now with the departments' last ends, {handoff name: (the stretch its
	acceptance ended, when)}) from an order's non-cancelled handoffs in the order they were sent."""
	holder = handoffs[0].from_department if handoffs else order.responsible_department
	running, held_until, ended = Stretch(holder, order.creation), {}, {}
	for h in handoffs:
		if h.status == HANDOFF_ACCEPTED and h.responded_on:
			ended[h.name] = (running, h.responded_on)
			running, held_until = pass_on(running, held_until, h.to_department, h.responded_on)
	return running, held_until, ended


def fill_orders(names) -> None:
	if not names:
		return
	orders = frappe.db.sql(
		f"""select name, company, creation, responsible_department, policy_snapshot
		from `tab{DT_ORDER_COORDINATION}` where name in %(names)s""",
		{"names": tuple(names)},
		as_dict=True,
	)
	handoffs = defaultdict(list)
	for h in frappe.db.sql(
		f"""select name, order_coordination, from_department, to_department, status, sent_on, responded_on
		from `tab{DT_ORDER_HANDOFF}` where order_coordination in %(names)s and status != %(cancelled)s
		order by sent_on, creation""",
		{"names": tuple(names), "cancelled": HANDOFF_CANCELLED},
		as_dict=True,
	):
		handoffs[h.order_coordination].append(h)
	calendars, records, closed = {}, [], []
	for order in orders:
		if order.policy_snapshot not in calendars:
			calendars[order.policy_snapshot] = policy_of_order(order).calendar
		cal = calendars[order.policy_snapshot]
		running, held_until, ended = replay(order, handoffs[order.name])
		until = json.dumps({d: str(t) for d, t in held_until.items()}, sort_keys=True)
		records.append((order.name, *astuple(running), until))
		handed = handed_on(handoffs[order.name])
		for name, (stretch, at) in ended.items():
			hours = round(working_hours_between(stretch.since, at, cal), 3)
			onward = handed.get(name)
			complete = round(working_hours_between(at, onward, cal), 3) if onward else 0
			closed.append(
				(
					name,
					stretch.department,
					stretch.since,
					hours,
					stretch.previously_held_until,
					onward,
					complete,
				)
			)
	update_by_name(DT_ORDER_COORDINATION, (*RUNNING, "held_until"), records)
	update_by_name(DT_ORDER_HANDOFF, (*ENDED, "handed_on", "complete_hours"), closed)


RUNNING = ("held_by", "held_since", "previously_held_until")  # the columns of a Stretch, in its order
ENDED = ("held_by", "held_since", "held_hours", "previously_held_until")


def handed_on(handoffs) -> dict:
	"""{accepted handoff: when its receiver next sent a handoff (not withdrawn)} of one order's handoffs in
	the order they were sent."""
	out = {}
	for h in handoffs:
		if h.status == HANDOFF_ACCEPTED and h.responded_on:
			onward = [
				n.sent_on
				for n in handoffs
				if n.from_department == h.to_department and n.sent_on >= h.responded_on
			]
			if onward:
				out[h.name] = min(onward)
	return out


def update_by_name(doctype: str, columns, rows) -> None:
	"""Set `columns` of many rows, each (name, *values), in one statement per batch."""
	for start in range(0, len(rows), BATCH):
		part = rows[start : start + BATCH]
		assignments, values = [], []
		for i, column in enumerate(columns, 1):
			assignments.append(f"`{column}` = case name {' '.join(['when %s then %s'] * len(part))} end")
			values += [v for row in part for v in (row[0], row[i])]
		frappe.db.sql(
			f"update `tab{doctype}` set {', '.join(assignments)} where name in %s",
			(*values, tuple(row[0] for row in part)),
		)
