"""What follows from an order's facts: its stage, its status, its expected finish, and who should hold it.

The stage is derived from facts (what ERPNext's documents say: work orders, produced and delivered
percentages, the Sales Order's own state), never stored as a free value. Facts only fall back when a
document is undone, so an order only moves back when the document that moved it forward is cancelled.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from .constants import (
	COMPLETED,
	DELIVERED,
	IN_PRODUCTION,
	ORDER_RECEIVED,
	PARTIALLY_SHIPPED,
	PRODUCTION_PLANNING,
	PRODUCTION_STAGES,
	READY_TO_SHIP,
	SHIPPED,
	SO_AWAITING_PAYMENT,
	SO_CANCELLED,
	SO_CLOSED,
	SO_COMPLETED,
	SO_ON_HOLD,
	STAGES,
	STATUS_AT_RISK,
	STATUS_CANCELLED,
	STATUS_COMPLETED,
	STATUS_ON_HOLD,
	STATUS_OVERDUE,
	WO_COMPLETED,
)
from .jeopardy import expected_finish, jeopardy, production_ahead, stages_ahead
from .model import OrderState
from .policy import Policy
from .responsibility import responsible_for
from .sla import working_hours_between


def derive_stage(state: OrderState) -> str:
	if state.so_state == SO_CANCELLED:
		return state.stage  # a cancelled order keeps the stage it reached
	if state.so_state in (SO_CLOSED, SO_COMPLETED):
		return COMPLETED
	if state.per_delivered >= 100:
		return DELIVERED if state.confirmed_delivered >= 100 else SHIPPED
	if state.per_delivered > 0:
		return PARTIALLY_SHIPPED
	if state.needs_manufacturing:
		if state.per_produced >= 100:
			return READY_TO_SHIP
		if state.per_produced > 0 or any(wo.started for wo in state.work_orders.values()):
			return IN_PRODUCTION
		if state.work_orders or state.planning_accepted:
			return PRODUCTION_PLANNING
		return ORDER_RECEIVED
	return READY_TO_SHIP if state.released_to_shipping else ORDER_RECEIVED


def derive_status(state: OrderState, now: datetime, policy: Policy) -> str:
	return _status_without_time(state) or jeopardy(
		state.delivery_date, evidence_finish(state, now, policy), now, is_shipped(state)
	)


def evidence_finish(state: OrderState, now: datetime, policy: Policy) -> datetime:
	"""The finish that decides At Risk: Work Order plans, durations learned from history, and the earliest
	feasible delivery found after submit while no plan tells more."""
	finish = expected_finish_of(state, now, policy, evidence_only=True) or now
	feasible = feasible_evidence(state)
	return max(finish, feasible) if feasible else finish


def feasible_evidence(state: OrderState) -> datetime | None:
	"""The earliest feasible delivery found when the order was submitted (stock, supply, booked
	workstations), as evidence: only before anything newer tells, so while the order has no Work Order
	plan yet and nothing is ready to ship."""
	if not state.feasible_date or not state.is_active or open_planned_ends(state):
		return None
	if state.stage not in (ORDER_RECEIVED, PRODUCTION_PLANNING):
		return None
	return datetime.combine(state.feasible_date, time.min)


def work_order_end(planned_start, planned_end, operation_ends=()) -> datetime | None:
	"""When a Work Order's plan says it ends: the latest of its planned end and its open operations' planned
	ends, and never before its planned start (a Work Order without operations has no planned end, yet one
	that starts after the promise cannot keep it)."""
	known = [moment for moment in (planned_start, planned_end, *operation_ends) if moment]
	return max(known) if known else None


def _status_without_time(state: OrderState) -> str | None:
	"""The status events alone decide (cancelled, completed, on hold); None when time decides it."""
	if state.so_state == SO_CANCELLED:
		return STATUS_CANCELLED
	if state.stage == COMPLETED:
		return STATUS_COMPLETED
	if state.so_state == SO_ON_HOLD or state.open_exceptions:
		return STATUS_ON_HOLD
	return None


def status_and_next_check(state: OrderState, now: datetime, policy: Policy) -> tuple[str, datetime | None]:
	"""The order's status now (as `derive_status`), and the earliest moment time alone could change it
	(None: only an event can). So the sweep reads only the orders whose moment has come.

	Time only ever moves an order from Open to At Risk to Overdue: the expected finish never moves back
	(it stands still while the stage has time left, then moves with the clock), and Overdue begins when the
	delivery date is over. The expected finish moves at most one working hour per working hour, so it
	cannot pass the end of the delivery date before as many hours have gone by as lie between them."""
	status = _status_without_time(state)
	if status:
		return status, None
	finish, shipped = evidence_finish(state, now, policy), is_shipped(state)
	status = jeopardy(state.delivery_date, finish, now, shipped)
	if shipped or not state.delivery_date or status == STATUS_OVERDUE:
		return status, None
	overdue_at = datetime.combine(state.delivery_date + timedelta(days=1), time.min)
	if status == STATUS_AT_RISK:
		return status, overdue_at
	margin = working_hours_between(finish, overdue_at, policy.calendar)
	return status, min(overdue_at, now + timedelta(hours=max(0.0, margin)))


def expected_finish_of(
	state: OrderState, now: datetime, policy: Policy, evidence_only: bool = False
) -> datetime | None:
	"""When the order should be ready to reach the customer (with `evidence_only`, by Work Order plans and
	learned durations alone); None once it needs nothing more (inactive, or shipped in full)."""
	if not state.is_active or is_shipped(state):
		return None
	return expected_finish(
		state.stage,
		state.stage_since or now,
		now,
		policy,
		state.needs_manufacturing,
		open_planned_ends(state),
		evidence_only,
	)


@dataclass(frozen=True)
class FinishEvidence:
	"""What an expected finish rests on: the Work Orders' plans, the company's learned history, and the
	stages ahead that take time but that neither tells about (their typical duration here is unknown yet)."""

	plans: bool = False
	history: bool = False
	unknown: tuple[str, ...] = ()


def finish_evidence(state: OrderState, policy: Policy) -> FinishEvidence:
	if not state.is_active or is_shipped(state):
		return FinishEvidence()
	ahead = stages_ahead(state.stage, state.needs_manufacturing)
	plans = bool(open_planned_ends(state)) and production_ahead(ahead)
	timed = [
		s
		for s in ahead
		if not (plans and s in PRODUCTION_STAGES)
		and (s in policy.learned_hours or policy.completion_for(s) > 0)
	]
	return FinishEvidence(
		plans=plans,
		history=any(s in policy.learned_hours for s in timed),
		unknown=tuple(s for s in timed if s not in policy.learned_hours),
	)


def honest_finish(state: OrderState, now: datetime, policy: Policy) -> datetime | None:
	"""The expected finish a person is shown: the one that decides At Risk (plans and history), and only
	when it rests on evidence for every stage ahead; None while a stage's typical duration here is unknown
	(a date made of default hours would contradict the status for no stated reason)."""
	if finish_evidence(state, policy).unknown:
		return None
	return expected_finish_of(state, now, policy, evidence_only=True)


def open_planned_ends(state: OrderState) -> list[datetime]:
	return [
		wo.planned_end for wo in state.work_orders.values() if wo.state != WO_COMPLETED and wo.planned_end
	]


# Why an order is late or at risk (English templates, translated by the Frappe layer).
REASON_OVERDUE = "The promised {0} has passed with goods still to ship"
REASON_WORK_ORDER = "Work Order ends {0}, after the promised {1}"
REASON_HISTORY = "The stages ahead usually take until {0} here, after the promised {1}"
REASON_FEASIBLE = "The earliest feasible delivery is {0}, after the promised {1}"


def status_reason(state: OrderState, now: datetime, policy: Policy) -> tuple[str, tuple] | None:
	"""Why an order is At Risk or Overdue, as an English template and its arguments; None otherwise."""
	status = derive_status(state, now, policy)
	promised = state.delivery_date
	if status == STATUS_OVERDUE:
		return REASON_OVERDUE, (promised,)
	if status != STATUS_AT_RISK:
		return None
	ahead = stages_ahead(state.stage, state.needs_manufacturing)
	planned_end = max(open_planned_ends(state), default=None) if production_ahead(ahead) else None
	if planned_end and planned_end.date() > promised:
		return REASON_WORK_ORDER, (planned_end.date(), promised)
	feasible = feasible_evidence(state)
	if feasible and feasible.date() > promised:
		return REASON_FEASIBLE, (feasible.date(), promised)
	finish = evidence_finish(state, now, policy)
	return REASON_HISTORY, (finish.date(), promised)


def is_shipped(state: OrderState) -> bool:
	"""Everything ordered has left: the promise is kept as far as the date goes, confirmed or not."""
	return STAGES.index(state.stage) >= STAGES.index(SHIPPED)


def wanted_holder(state: OrderState, policy: Policy) -> str | None:
	"""The department that should hold the order at its stage; None once it needs nobody."""
	if not state.is_active:
		return None
	if state.so_state == SO_AWAITING_PAYMENT:
		return responsible_for(policy.matrix, ORDER_RECEIVED)  # nothing goes on before the advance is in
	if state.stage == ORDER_RECEIVED:
		return upcoming_holder(state, policy)
	return responsible_for(policy.matrix, state.stage)


def upcoming_holder(state: OrderState, policy: Policy) -> str | None:
	"""The department that takes an order on from Order Received, as the policy's matrix says: the one that
	plans a made-to-order order, the one that readies a stock order."""
	return responsible_for(policy.matrix, PRODUCTION_PLANNING if state.needs_manufacturing else READY_TO_SHIP)


def produced_percentage(lines: Iterable[tuple[float, float]]) -> float:
	"""How much of an order's manufactured quantity is produced, from (ordered, produced) per line: a
	line produced beyond its quantity does not make up for another."""
	lines = list(lines)
	required = sum(ordered for ordered, _produced in lines)
	if not required:
		return 0.0
	done = sum(min(ordered, produced) for ordered, produced in lines)
	return round(100.0 * done / required, 3)


def next_promised_date(lines, tranches=None) -> date | None:
	"""The date the order must next deliver by: the earliest commitment not yet delivered in full.

	`lines` are (line, delivery date, ordered, delivered) in stock units; `tranches` maps a line to its
	delivery schedule, (date, quantity) in date order (ERPNext v16's Delivery Schedule Items). A line with
	a schedule is late by its earliest tranche its deliveries have not covered; one without, by its own
	date. None once everything is delivered."""
	tranches = tranches or {}
	due = []
	for line, line_date, ordered, delivered in lines:
		schedule = tranches.get(line)
		if schedule:
			covered = 0.0
			for tranche_date, qty in schedule:
				covered += qty
				if covered > delivered + 1e-9:
					due.append(tranche_date)
					break
		elif line_date and delivered < ordered - 1e-9:
			due.append(line_date)
	return min(due) if due else None
