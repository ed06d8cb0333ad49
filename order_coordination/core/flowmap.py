"""The flow map: how a period's orders really moved, from their timeline.

Nodes are departments and stages. Edges are handoffs between departments (how long each lay pending
before its answer, in working hours) and moves between stages (how long the order stayed in the stage it
left). Rework is counted as such: handoffs rejected, stages moved back (goods returned, a delivery or
production undone) and promises moved to a later date (counted on the stage the order was in). Variants
are the paths of stages orders took, with their share and median lead time (working hours from the order's
start to its last move). The slowest edge (highest median wait, of those at least two orders took) is
marked."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from .constants import HANDOFF_REJECTED, ORDER_RECEIVED, STAGES
from .sla import Calendar, working_hours_between
from .stats import median, percentile

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


class _Edge:
	def __init__(self, source: str, target: str, kind: str):
		self.source, self.target, self.kind = source, target, kind
		self.orders: set[str] = set()
		self.hours: list[float] = []
		self.count = self.rework = 0

	def as_dict(self) -> dict:
		hours = [h for h in self.hours if h is not None]
		p50, p80 = median(hours), percentile(hours, 80)
		return {
			"source": self.source,
			"target": self.target,
			"kind": self.kind,
			"orders": len(self.orders),
			"count": self.count,
			"median_hours": round(p50, 2) if p50 is not None else None,
			"p80_hours": round(p80, 2) if p80 is not None else None,
			"rework": self.rework,
			"slowest": False,
		}


def flow_map(trails: Iterable[Trail], max_variants: int = MAX_VARIANTS) -> dict:
	edges: dict[tuple, _Edge] = {}
	node_orders: dict[str, set] = defaultdict(set)
	node_rework: Counter = Counter()
	variants: dict[tuple, list] = defaultdict(list)
	total = 0

	def edge(source, target, kind) -> _Edge:
		key = (source, target, kind)
		if key not in edges:
			edges[key] = _Edge(source, target, kind)
		return edges[key]

	for trail in trails:
		total += 1
		node_orders[node_id(STAGE, ORDER_RECEIVED)].add(trail.order)
		since, path, last = trail.started, [ORDER_RECEIVED], trail.started
		for at, stage_from, stage_to in trail.moves:
			e = edge(node_id(STAGE, stage_from), node_id(STAGE, stage_to), MOVE)
			e.orders.add(trail.order)
			e.count += 1
			e.hours.append(max(0.0, working_hours_between(since, at, trail.calendar)))
			if is_backward(stage_from, stage_to):
				e.rework += 1
			node_orders[node_id(STAGE, stage_to)].add(trail.order)
			path.append(stage_to)
			since = last = at
		for h in trail.handoffs:
			e = edge(node_id(DEPARTMENT, h.from_department), node_id(DEPARTMENT, h.to_department), HANDOFF)
			e.orders.add(trail.order)
			e.count += 1
			if h.hours is not None:
				e.hours.append(max(0.0, float(h.hours)))
			if h.status == HANDOFF_REJECTED:
				e.rework += 1
			node_orders[node_id(DEPARTMENT, h.from_department)].add(trail.order)
			node_orders[node_id(DEPARTMENT, h.to_department)].add(trail.order)
		for moment in trail.later_dates:
			node_rework[node_id(STAGE, stage_at(trail, moment))] += 1
		variants[tuple(path)].append(working_hours_between(trail.started, last, trail.calendar))

	edge_rows = [e.as_dict() for e in edges.values()]
	timed = [e for e in edge_rows if e["median_hours"] is not None and e["orders"] >= SLOWEST_MIN_ORDERS]
	if timed:
		max(timed, key=lambda e: (e["median_hours"], e["orders"]))["slowest"] = True
	edge_rows.sort(key=lambda e: (e["kind"], _rank(e["source"]), _rank(e["target"])))
	nodes = []
	for nid in sorted(set(node_orders) | set(node_rework), key=_rank):
		kind, name = nid.split(":", 1)
		nodes.append(
			{
				"id": nid,
				"name": name,
				"kind": kind,
				"orders": len(node_orders[nid]),
				"rework": node_rework[nid],
			}
		)
	ranked = sorted(variants.items(), key=lambda item: (-len(item[1]), item[0]))
	variant_rows = [
		{
			"path": list(path),
			"orders": len(hours),
			"share": round(len(hours) / total, 4) if total else 0.0,
			"median_lead_hours": round(median(hours), 2),
		}
		for path, hours in ranked[:max_variants]
	]
	return {"orders": total, "nodes": nodes, "edges": edge_rows, "variants": variant_rows}


def _rank(nid: str) -> tuple:
	"""Stages in their order, then departments by name."""
	kind, name = nid.split(":", 1)
	if kind == STAGE and name in STAGES:
		return (0, STAGES.index(name), name)
	return (1 if kind == STAGE else 2, 0, name)
