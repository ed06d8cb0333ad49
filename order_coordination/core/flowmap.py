"""The flow map: how a period's orders really moved, from their timeline.

Nodes are departments and stages. Edges are handoffs between departments (how long each lay pending
before its answer, in working hours) and moves between stages (how long the order stayed in the stage it
left). Rework is counted as such: handoffs rejected, stages moved back (goods returned, a delivery or
production undone) and promises moved to a later date (counted on the stage the order was in). Variants
are the paths of stages orders took, with their share and median lead time (working hours from the order's
start to its last move). The slowest edge (highest median wait, of those at least two orders took) is
marked. Waits are counted to the tenth of an hour, so that the database may group them by length.

An order's stage moves counted on the clock (`timed_moves`) are kept packed on its Created entry as they
happen (`pack` / `unpack`), so that the map of a year reads one row per order and runs no clock."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from .constants import HANDOFF_REJECTED, ORDER_RECEIVED, STAGES
from .sla import Calendar, working_hours_between
from .stats import weighted_percentile

STAGE, DEPARTMENT = "stage", "department"
HANDOFF, MOVE = "handoff", "move"
MAX_VARIANTS = 10
SLOWEST_MIN_ORDERS = 2


@dataclass(frozen=True)
class HandoffTrail:
	from_department: str
	to_department: str
	hours: float | None  # working hours it lay pending before its answer; None while pending
	status: str


@dataclass(frozen=True)
class Trail:
	"""One order's path: when it started, its stage moves (at, from, to) in time order, its handoffs and the
	moments its promise moved to a later date."""

	order: str
	started: datetime
	calendar: Calendar
	moves: tuple[tuple[datetime, str, str], ...] = ()
	handoffs: tuple[HandoffTrail, ...] = ()
	later_dates: tuple[datetime, ...] = ()


def node_id(kind: str, name: str) -> str:
	return f"{kind}:{name}"


def is_backward(stage_from: str, stage_to: str) -> bool:
	if stage_from not in STAGES or stage_to not in STAGES:
		return False
	return STAGES.index(stage_to) < STAGES.index(stage_from)


def stage_at(trail: Trail, moment: datetime) -> str:
	stage = ORDER_RECEIVED
	for at, _frm, to in trail.moves:
		if at > moment:
			break
		stage = to
	return stage


def _rounded(value):
	return round(value, 2) if value is not None else None


def assemble(
	total: int,
	moves,
	handoffs,
	move_orders: dict,
	handoff_orders: dict,
	node_orders: dict,
	later: dict,
	variants,
	max_variants: int = MAX_VARIANTS,
) -> dict:
	"""The map from counts: `moves` (stage from, stage to, hours or None, how many), `handoffs` (department
	from, to, status, hours or None, how many), the orders behind each edge and node, the promises moved later
	per stage, and `variants` (path, lead hours, how many)."""
	edges = {}
	for kind, rows in ((MOVE, moves), (HANDOFF, handoffs)):
		prefix = STAGE if kind == MOVE else DEPARTMENT
		for row in rows:
			source, target, *rest = row
			hours, n = rest[-2], rest[-1]
			key = (node_id(prefix, source), node_id(prefix, target), kind)
			e = edges.setdefault(key, {"hours": [], "count": 0, "rework": 0})
			e["count"] += n
			e["hours"].append((hours, n))
			if kind == MOVE and is_backward(source, target):
				e["rework"] += n
			if kind == HANDOFF and rest[0] == HANDOFF_REJECTED:
				e["rework"] += n
	edge_rows = []
	for (source, target, kind), e in edges.items():
		orders = (move_orders if kind == MOVE else handoff_orders).get(
			(source.split(":", 1)[1], target.split(":", 1)[1]), 0
		)
		edge_rows.append(
			{
				"source": source,
				"target": target,
				"kind": kind,
				"orders": orders,
				"count": e["count"],
				"median_hours": _rounded(weighted_percentile(e["hours"], 50)),
				"p80_hours": _rounded(weighted_percentile(e["hours"], 80)),
				"rework": e["rework"],
				"slowest": False,
			}
		)
	timed = [e for e in edge_rows if e["median_hours"] is not None and e["orders"] >= SLOWEST_MIN_ORDERS]
	if timed:
		max(timed, key=lambda e: (e["median_hours"], e["orders"]))["slowest"] = True
	edge_rows.sort(key=lambda e: (e["kind"], _rank(e["source"]), _rank(e["target"])))
	nodes = []
	for nid in sorted(set(node_orders) | set(later), key=_rank):
		kind, name = nid.split(":", 1)
		nodes.append(
			{
				"id": nid,
				"name": name,
				"kind": kind,
				"orders": node_orders.get(nid, 0),
				"rework": later.get(nid, 0),
			}
		)
	by_path = defaultdict(list)
	for path, hours, n in variants:
		by_path[tuple(path)].append((hours, n))
	ranked = sorted(by_path.items(), key=lambda item: (-sum(n for _h, n in item[1]), item[0]))
	variant_rows = []
	for path, hours in ranked[:max_variants]:
		count = sum(n for _h, n in hours)
		variant_rows.append(
			{
				"path": list(path),
				"orders": count,
				"share": round(count / total, 4) if total else 0.0,
				"median_lead_hours": _rounded(weighted_percentile(hours, 50)),
			}
		)
	return {"orders": total, "nodes": nodes, "edges": edge_rows, "variants": variant_rows}


def timed_moves(started: datetime, moves, calendar: Calendar) -> tuple[float, tuple]:
	"""An order's stage moves on the clock: the working hours from its start to its last move, and each move
	(from, to, the working hours it stayed in the stage it left), in time order; to the tenth of an hour."""
	since = last = started
	timed = []
	for at, stage_from, stage_to in sorted(moves):
		timed.append((stage_from, stage_to, round(max(0.0, working_hours_between(since, at, calendar)), 1)))
		since = last = at
	return round(working_hours_between(started, last, calendar), 1), tuple(timed)


MOVE_SEP, PART_SEP = "\x1e", "\x1f"
MAX_PACKED = 340  # characters: the column sits in an index beside the company, action, time and order


def pack(lead: float, moves) -> str | None:
	"""`timed_moves` as text kept on the order's Created entry (hours written so that they read back equal);
	None when longer than the column holds (an order moved back and forth many times is counted on the
	clock instead)."""
	text = MOVE_SEP.join([repr(float(lead)), *(PART_SEP.join((f, t, repr(float(h)))) for f, t, h in moves)])
	return text if len(text) <= MAX_PACKED else None


def unpack(text: str) -> tuple[float, tuple]:
	lead, *moves = text.split(MOVE_SEP)
	return float(lead), tuple((f, t, float(h)) for f, t, h in (move.split(PART_SEP) for move in moves))


def flow_map(trails: Iterable[Trail], max_variants: int = MAX_VARIANTS) -> dict:
	"""The map of orders given one by one, each counted on the clock."""
	return count_map(
		(
			(
				trail.order,
				*timed_moves(trail.started, trail.moves, trail.calendar),
				trail.handoffs,
				[stage_at(trail, moment) for moment in trail.later_dates],
			)
			for trail in trails
		),
		max_variants,
	)


@dataclass(frozen=True)
class CountedHandoffs:
	"""Handoffs counted already: rows (from, to, status, hours or None, how many), where hours that
	`handoff_hours` gives the same may come in several rows; the orders behind each (from, to); the orders
	each department took part in."""

	rows: tuple = ()
	orders: dict = field(default_factory=dict)
	departments: dict = field(default_factory=dict)


def handoff_hours(hours) -> float | None:
	"""A handoff's wait as the map counts it: to the tenth of an hour, never below zero; None while pending."""
	return None if hours is None else round(max(0.0, float(hours)), 1)


def count_handoffs(rows: Iterable[tuple]) -> CountedHandoffs:
	"""Handoffs given one by one as (order, from, to, hours or None, status), counted."""
	counts, pairs, departments = Counter(), defaultdict(set), defaultdict(set)
	for order, frm, to, hours, status in rows:
		counts[(frm, to, status, hours)] += 1
		pairs[(frm, to)].add(order)
		departments[frm].add(order)
		departments[to].add(order)
	return CountedHandoffs(
		tuple((*key, n) for key, n in counts.items()),
		{k: len(v) for k, v in pairs.items()},
		{k: len(v) for k, v in departments.items()},
	)


def count_map(
	orders: Iterable[tuple], max_variants: int = MAX_VARIANTS, counted: CountedHandoffs | None = None
) -> dict:
	"""The map of orders given as (order, lead hours, timed moves, handoffs, the stage it was in each time
	its promise moved later): what `flow_map` counts, from moves already on the clock. With `counted`, the
	handoffs are those counted already, and each order's own are not read."""
	moves, handoffs, variants = Counter(), Counter(), Counter()
	move_orders, handoff_orders, node_orders = defaultdict(set), defaultdict(set), defaultdict(set)
	later = Counter()
	total = 0
	for order, lead, timed, order_handoffs, later_stages in orders:
		total += 1
		node_orders[node_id(STAGE, ORDER_RECEIVED)].add(order)
		path = [ORDER_RECEIVED]
		for stage_from, stage_to, hours in timed:
			moves[(stage_from, stage_to, hours)] += 1
			move_orders[(stage_from, stage_to)].add(order)
			node_orders[node_id(STAGE, stage_to)].add(order)
			path.append(stage_to)
		for h in () if counted else order_handoffs:
			handoffs[(h.from_department, h.to_department, h.status, handoff_hours(h.hours))] += 1
			handoff_orders[(h.from_department, h.to_department)].add(order)
			node_orders[node_id(DEPARTMENT, h.from_department)].add(order)
			node_orders[node_id(DEPARTMENT, h.to_department)].add(order)
		for stage in later_stages:
			later[node_id(STAGE, stage)] += 1
		variants[(tuple(path), lead)] += 1
	pairs = {k: len(v) for k, v in handoff_orders.items()}
	nodes = {k: len(v) for k, v in node_orders.items()}
	if counted:
		for frm, to, status, hours, n in counted.rows:
			handoffs[(frm, to, status, handoff_hours(hours))] += n
		pairs = dict(counted.orders)
		nodes.update({node_id(DEPARTMENT, name): n for name, n in counted.departments.items()})
	return assemble(
		total,
		[(*key, n) for key, n in moves.items()],
		[(*key, n) for key, n in handoffs.items()],
		{k: len(v) for k, v in move_orders.items()},
		pairs,
		nodes,
		dict(later),
		[(path, hours, n) for (path, hours), n in variants.items()],
		max_variants,
	)


def _rank(nid: str) -> tuple:
	"""Stages in their order, then departments by name."""
	kind, name = nid.split(":", 1)
	if kind == STAGE and name in STAGES:
		return (0, STAGES.index(name), name)
	return (1 if kind == STAGE else 2, 0, name)
