"""The flow map of a company's period, read from the timeline and the handoffs (the core's `flowmap`
counts it), and the orders behind one of its edges. Both read only the orders the user may read, from the
replica where the site has one."""

import re
from collections import defaultdict
from datetime import date, datetime

import frappe
from frappe import _
from frappe.utils import get_datetime

from order_coordination.core import constants
from order_coordination.core.flowmap import (
	DEPARTMENT,
	HANDOFF,
	MOVE,
	STAGE,
	CountedHandoffs,
	Trail,
	count_handoffs,
	count_map,
	is_backward,
	stage_at,
	timed_moves,
	unpack,
)
from order_coordination.core.sla import working_hours_between
from order_coordination.insight.period import clean_period, orders_sql
from order_coordination.reporting import calendar_for, check_filter_permitted

DATE_MOVE = re.compile(r"(\d{4}-\d{2}-\d{2})\s*→\s*(\d{4}-\d{2}-\d{2})")
MAX_EDGE_ORDERS = 500
MAX_NAMED_ORDERS = 5000  # beyond, the stage moves of the whole period are read


def counted_orders(period) -> list[tuple]:
	"""Each order of the period as `core.flowmap.count_map` reads it: its stage moves as its Created entry
	keeps them (counted on the clock for an order whose entry holds none) and the stages it was in when its
	promise moved later (its handoffs are counted apart). The stage moves themselves are read only for those
	few orders."""
	values = {}
	orders = orders_sql(period, values, moves=True)
	calendar = calendar_for(period.company)
	# When an order started matters only where its moves are counted on the clock.
	read = frappe.db.sql(
		f"select c.name, c.stage_moves, if(c.stage_moves is null, c.started, null) from {orders}", values
	)
	if not read:
		return []
	later = _later_dates(orders, values)
	moves = _moves(orders, values, {name for name, packed, _at in read if packed is None} | set(later))
	rows = []
	for name, packed, at in read:
		if packed is None:
			own = tuple(sorted(moves.get(name, ())))
			timed = timed_moves(at if isinstance(at, datetime) else get_datetime(at), own, calendar)
		else:
			timed = unpack(packed)
		stages = ()
		if name in later:
			trail = Trail(name, None, calendar, tuple(sorted(moves.get(name, ()))))
			stages = [stage_at(trail, moment) for moment in later[name]]
		rows.append((name, *timed, (), stages))
	return rows


def counted_handoffs(orders: str, values: dict) -> CountedHandoffs:
	"""The period's handoffs (all but cancelled ones), counted as they are read."""
	return count_handoffs(
		frappe.db.sql(
			f"""select h.order_coordination, h.from_department, h.to_department,
				if(h.responded_on is null, null, h.response_hours), h.status
			from {orders} join `tabOrder Handoff` h on h.order_coordination = c.name
			where h.status != 'Cancelled'""",
			values,
		)
	)


def _later_dates(orders: str, values: dict) -> dict:
	"""The moments each order's promise moved to a later date: dates changed on the timeline, promises
	accepted."""
	later = defaultdict(list)
	values.update(changed=constants.TIMELINE_DATE_CHANGED, accepted=constants.PROMISE_ACCEPTED)
	for name, at, note in frappe.db.sql(
		f"""select t.order_coordination, t.at, t.note
		from {orders} join `tabOrder Timeline Entry` t on t.order_coordination = c.name
		where t.action = %(changed)s""",
		values,
	):
		if moved_later(note):
			later[name].append(get_datetime(at))
	for name, at in frappe.db.sql(
		f"""select p.order_coordination, p.responded_on from {orders}
		join `tabOrder Promise Change` p on p.order_coordination = c.name
		where p.status = %(accepted)s and p.new_date > p.old_date""",
		values,
	):
		later[name].append(get_datetime(at))
	return later


def _moves(orders: str, values: dict, names: set) -> dict:
	"""The stage moves of these orders (through an index that holds every column read); of every order of
	the period when they are many."""
	moves = defaultdict(list)
	if not names:
		return moves
	values["stage"] = constants.TIMELINE_STAGE
	only = ""
	if len(names) <= MAX_NAMED_ORDERS:
		values["named"] = tuple(names)
		only = "and t.order_coordination in %(named)s"
	for name, at, stage_from, stage_to in frappe.db.sql(
		f"""select t.order_coordination, t.at, t.stage_from, t.stage_to
		from {orders} join `tabOrder Timeline Entry` t on t.order_coordination = c.name
		where t.action = %(stage)s and t.stage_from is not null and t.stage_to is not null {only}""",
		values,
	):
		if name in names:
			moves[name].append((at if isinstance(at, datetime) else get_datetime(at), stage_from, stage_to))
	return moves


def moved_later(note: str | None) -> bool:
	"""Whether a timeline note of a date change ("2026-12-01 → 2026-12-09") moves it later."""
	match = DATE_MOVE.search(note or "")
	return bool(match) and date.fromisoformat(match.group(2)) > date.fromisoformat(match.group(1))


@frappe.whitelist()
def companies():
	"""The companies the page offers: those the user's User Permissions let them see (a manager may read
	the orders of a company without reading the Company record itself)."""
	frappe.has_permission(constants.DT_ORDER_COORDINATION, "read", throw=True)
	names = []
	for name in frappe.get_all("Company", pluck="name", order_by="name"):
		try:
			check_filter_permitted("company", name)
		except frappe.PermissionError:
			continue
		names.append(name)
	return names


@frappe.whitelist()
@frappe.read_only()
def flow_map(company, from_date, to_date, filters=None):
	"""The flow map of the company's orders that started in the period: nodes, edges, variants."""
	period = clean_period(company, from_date, to_date, filters)
	values = {}
	orders = orders_sql(period, values)
	result = count_map(counted_orders(period), counted=counted_handoffs(orders, values))
	for node in result["nodes"]:
		node["label"] = _(node["name"])
	result["period"] = {"company": period.company, "from_date": period.from_date, "to_date": period.to_date}
	return result


@frappe.whitelist()
@frappe.read_only()
def edge_orders(company, from_date, to_date, source, target, filters=None):
	"""The orders that took one edge of the flow map, slowest first: the order, its customer, how many times
	and the longest wait in working hours."""
	period = clean_period(company, from_date, to_date, filters)
	if not isinstance(source, str) or not isinstance(target, str) or ":" not in source + target:
		frappe.throw(_("Choose an edge of the flow map"), frappe.ValidationError)
	(kind_from, name_from), (kind_to, name_to) = source.split(":", 1), target.split(":", 1)
	values = {"source": name_from, "target": name_to}
	orders = orders_sql(period, values)
	if kind_from == kind_to == DEPARTMENT:
		rows = frappe.db.sql(
			f"""select h.order_coordination, h.customer, count(*), max(h.response_hours),
				sum(h.status = 'Rejected') from {orders}
			join `tabOrder Handoff` h on h.order_coordination = c.name
			where h.from_department = %(source)s and h.to_department = %(target)s and h.status != 'Cancelled'
			group by h.order_coordination, h.customer order by max(h.response_hours) desc limit {MAX_EDGE_ORDERS}""",
			values,
		)
		kind = HANDOFF
	elif kind_from == kind_to == STAGE:
		rows = _stage_edge(period, orders, values)
		kind = MOVE
	else:
		frappe.throw(_("Choose an edge of the flow map"), frappe.ValidationError)
	return {
		"kind": kind,
		"orders": [
			{
				"order": name,
				"customer": customer,
				"times": int(times),
				"hours": round(float(hours or 0), 2),
				"rework": int(rework or 0),
			}
			for name, customer, times, hours, rework in rows
		],
	}


def _stage_edge(period, orders: str, values: dict) -> list[tuple]:
	"""Orders that moved from the stage `source` to `target`, with the working hours spent before."""
	calendar = calendar_for(period.company)
	values["moves"] = (constants.TIMELINE_CREATED, constants.TIMELINE_STAGE)
	found = {}
	last = {}
	for name, customer, at, action, stage_from, stage_to in frappe.db.sql(
		f"""select t.order_coordination, t.customer, t.at, t.action, t.stage_from, t.stage_to
		from {orders} join `tabOrder Timeline Entry` t on t.order_coordination = c.name
		where t.action in %(moves)s order by t.order_coordination, t.at, t.idx""",
		values,
	):
		at = get_datetime(at)
		if action == constants.TIMELINE_STAGE and (stage_from, stage_to) == (
			values["source"],
			values["target"],
		):
			hours = working_hours_between(last.get(name, at), at, calendar)
			times, most, _back = found.get(name, (customer, 0, 0.0, 0))[1:]
			rework = int(is_backward(stage_from, stage_to))
			found[name] = (customer, times + 1, max(most, hours), rework)
		last[name] = at
	rows = [(name, *row) for name, row in found.items()]
	rows.sort(key=lambda row: -row[3])
	return rows[:MAX_EDGE_ORDERS]
