"""What happens to an order: its state, and the decisions events and department actions lead to.

The order's stage is derived from facts (what ERPNext's documents say: work orders, produced and delivered
percentages, the Sales Order's own state), never stored as a free value. Facts only fall back when a
document is undone, so an order only moves back when the document that moved it forward is cancelled, and
replaying an event that brings no new fact changes nothing. Who holds the order is different: it changes
only when a department accepts a handoff.

`start_order` and `apply` take values and return a `Decision`: the new state and the effects (timeline
entries, handoffs to send or answer, exceptions, notifications) that the Frappe layer writes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from . import events as ev
from .constants import (
	COMPLETED,
	DAMAGED_IN_TRANSIT,
	DELIVERED,
	DELIVERY_FAILED,
	DELIVERY_OUTCOMES,
	DT_ORDER_HANDOFF,
	EXCEPTION_TYPES,
	HANDOFF_ACCEPTED,
	HANDOFF_CANCELLED,
	HANDOFF_REJECTED,
	IN_PRODUCTION,
	LOG_CREATED,
	LOG_DATE_CHANGED,
	LOG_DELIVERY_CONFIRMED,
	LOG_DOCUMENT,
	LOG_EXCEPTION_RAISED,
	LOG_EXCEPTION_RESOLVED,
	LOG_HANDOFF_ACCEPTED,
	LOG_HANDOFF_CANCELLED,
	LOG_HANDOFF_REJECTED,
	LOG_HANDOFF_SENT,
	LOG_STAGE,
	LOG_STATUS,
	LOGISTICS,
	ORDER_RECEIVED,
	OUTCOME_DAMAGED,
	OUTCOME_DELIVERED,
	OUTCOME_REFUSED,
	PARTIALLY_SHIPPED,
	PRODUCTION,
	PRODUCTION_DELAY,
	PRODUCTION_PLANNING,
	READY_TO_SHIP,
	SALES,
	SHIPPED,
	SO_CANCELLED,
	SO_CLOSED,
	SO_COMPLETED,
	SO_ON_HOLD,
	SO_OPEN,
	STAGES,
	STATUS_CANCELLED,
	STATUS_COMPLETED,
	STATUS_ON_HOLD,
	WO_COMPLETED,
	WO_IN_PROCESS,
	WO_STOPPED,
	WO_SUBMITTED,
)
from .errors import CoordinationError
from .jeopardy import expected_finish, jeopardy
from .policy import Policy
from .responsibility import accountable_for, responsible_for

# --- values -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Handoff:
	from_department: str
	to_department: str
	stage: str
	sent_on: datetime
	due_by: datetime
	name: str | None = None  # given by the Frappe layer once written


@dataclass(frozen=True)
class OpenException:
	exception_type: str
	responsible_department: str
	name: str | None = None
	ref_doctype: str | None = None
	ref_name: str | None = None


@dataclass(frozen=True)
class WorkOrderFact:
	state: str = WO_SUBMITTED
	planned_end: datetime | None = None
	started: bool = False  # material went to production; only undoing a Stock Entry clears it


@dataclass(frozen=True)
class OrderState:
	sales_order: str
	stage: str = ORDER_RECEIVED
	status: str = "Open"
	responsible: str = SALES
	accountable: str = SALES
	stage_since: datetime | None = None
	delivery_date: date | None = None
	# facts
	so_state: str = SO_OPEN
	needs_manufacturing: bool = False
	per_produced: float = 0.0
	per_delivered: float = 0.0
	confirmed_delivered: float = 0.0  # delivered % the customer confirmed as received
	last_outcome: str | None = None
	released_to_shipping: bool = False  # Logistics took over an order shipped from stock
	work_orders: Mapping[str, WorkOrderFact] = field(default_factory=dict)
	pending: Handoff | None = None
	open_exceptions: tuple[OpenException, ...] = ()

	@property
	def is_active(self) -> bool:
		return self.so_state not in (SO_CANCELLED,) and self.stage != COMPLETED


# --- effects ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Log:
	action: str
	at: datetime
	user: str | None = None
	department: str | None = None
	stage_from: str | None = None
	stage_to: str | None = None
	note: str | None = None
	ref_doctype: str | None = None
	ref_name: str | None = None


@dataclass(frozen=True)
class SendHandoff:
	handoff: Handoff
	user: str | None = None
	note: str | None = None
	ref_doctype: str | None = None
	ref_name: str | None = None


@dataclass(frozen=True)
class AnswerHandoff:
	"""Mark a pending handoff Accepted, Rejected or Cancelled."""

	handoff: Handoff
	status: str
	at: datetime
	user: str | None = None
	reason: str | None = None


@dataclass(frozen=True)
class RaiseException:
	exception: OpenException
	raised_by_department: str
	description: str
	at: datetime
	user: str | None = None


@dataclass(frozen=True)
class ResolveException:
	exception: OpenException
	resolution: str
	at: datetime
	user: str | None = None


@dataclass(frozen=True)
class Notify:
	departments: tuple[str, ...]
	subject: str  # an English template with {0}-style slots, translated by the Frappe layer
	args: tuple = ()


@dataclass(frozen=True)
class Decision:
	state: OrderState
	effects: tuple = ()

	@property
	def changed(self) -> bool:
		return bool(self.effects)


# --- derived values ---------------------------------------------------------------------------------


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
		if state.work_orders:
			return PRODUCTION_PLANNING
		return ORDER_RECEIVED
	return READY_TO_SHIP if state.released_to_shipping else ORDER_RECEIVED


def derive_status(state: OrderState, now: datetime, policy: Policy) -> str:
	if state.so_state == SO_CANCELLED:
		return STATUS_CANCELLED
	if state.stage == COMPLETED:
		return STATUS_COMPLETED
	if state.so_state == SO_ON_HOLD or state.open_exceptions:
		return STATUS_ON_HOLD
	finish = expected_finish(
		state.stage,
		state.stage_since or now,
		now,
		policy,
		state.needs_manufacturing,
		[wo.planned_end for wo in state.work_orders.values() if wo.state != WO_COMPLETED and wo.planned_end],
	)
	return jeopardy(state.delivery_date, finish, now, is_shipped(state))


def is_shipped(state: OrderState) -> bool:
	"""Everything ordered has left: the promise is kept as far as the date goes, confirmed or not."""
	return STAGES.index(state.stage) >= STAGES.index(SHIPPED)


def wanted_holder(state: OrderState, policy: Policy) -> str | None:
	"""The department that should hold the order at its stage; None once it needs nobody."""
	if not state.is_active:
		return None
	if state.stage == ORDER_RECEIVED:
		upcoming = PRODUCTION_PLANNING if state.needs_manufacturing else READY_TO_SHIP
		return responsible_for(policy.matrix, upcoming)
	return responsible_for(policy.matrix, state.stage)


# --- building decisions -----------------------------------------------------------------------------


class _Draft:
	"""A decision being built: the state as it changes and the effects collected on the way."""

	def __init__(self, state: OrderState, event_at: datetime, user: str | None, ref=(None, None)):
		self.before = state
		self.state = state
		self.at = event_at
		self.user = user
		self.ref_doctype, self.ref_name = ref
		self.effects: list = []

	def log(self, action: str, **kw):
		kw.setdefault("ref_doctype", self.ref_doctype)
		kw.setdefault("ref_name", self.ref_name)
		kw.setdefault("user", self.user)
		self.effects.append(Log(action=action, at=self.at, **kw))

	def update(self, **changes):
		self.state = replace(self.state, **changes)

	def send(self, to_department: str, policy: Policy, note: str | None = None):
		stage = self.state.stage
		handoff = Handoff(
			from_department=self.state.responsible,
			to_department=to_department,
			stage=stage,
			sent_on=self.at,
			due_by=_due(self.at, policy.acceptance_for(stage), policy),
		)
		self.update(pending=handoff)
		self.effects.append(SendHandoff(handoff, self.user, note, self.ref_doctype, self.ref_name))
		self.log(
			LOG_HANDOFF_SENT,
			department=handoff.from_department,
			note=_join(f"{handoff.from_department} → {to_department}", note),
		)
		self.effects.append(
			Notify(
				(to_department,), "Order {0} was handed off to {1}", (self.state.sales_order, to_department)
			)
		)

	def answer(self, status: str, reason: str | None = None, note: str | None = None):
		handoff = self.state.pending
		self.effects.append(AnswerHandoff(handoff, status, self.at, self.user, reason))
		if not self.ref_doctype:  # a department's own action: the handoff itself is what it acted on
			self.ref_doctype, self.ref_name = DT_ORDER_HANDOFF, handoff.name
		changes = {"pending": None}
		if status == HANDOFF_ACCEPTED:
			changes["responsible"] = handoff.to_department
		self.update(**changes)
		action = {
			HANDOFF_ACCEPTED: LOG_HANDOFF_ACCEPTED,
			HANDOFF_REJECTED: LOG_HANDOFF_REJECTED,
			HANDOFF_CANCELLED: LOG_HANDOFF_CANCELLED,
		}[status]
		department = handoff.from_department if status == HANDOFF_CANCELLED else handoff.to_department
		self.log(action, department=department, note=_join(reason, note))
		if status == HANDOFF_REJECTED:
			self.effects.append(
				Notify(
					(handoff.from_department,),
					"{0} rejected the handoff of order {1}: {2}",
					(handoff.to_department, self.state.sales_order, reason),
				)
			)

	def raise_exception(self, exc: OpenException, raised_by: str, description: str):
		self.update(open_exceptions=(*self.state.open_exceptions, exc))
		self.effects.append(RaiseException(exc, raised_by, description, self.at, self.user))
		self.log(LOG_EXCEPTION_RAISED, department=raised_by, note=_join(exc.exception_type, description))
		self.effects.append(
			Notify(
				tuple(dict.fromkeys((exc.responsible_department, self.state.responsible))),
				"{0} raised on order {1}",
				(exc.exception_type, self.state.sales_order),
			)
		)

	def resolve_exception(self, exc: OpenException, resolution: str):
		self.update(open_exceptions=tuple(e for e in self.state.open_exceptions if e is not exc))
		self.effects.append(ResolveException(exc, resolution, self.at, self.user))
		self.log(
			LOG_EXCEPTION_RESOLVED,
			department=exc.responsible_department,
			note=_join(exc.exception_type, resolution),
		)

	def settle(self, policy: Policy, stage_moved_by_event: bool = True) -> Decision:
		"""Derive stage, holder and status from the new facts, and log what changed."""
		old = self.before
		stage = derive_stage(self.state)
		if stage != self.state.stage:
			self.log(
				LOG_STAGE, stage_from=self.state.stage, stage_to=stage, department=self.state.responsible
			)
			self.update(stage=stage, stage_since=self.at)
			if stage_moved_by_event:
				self._follow_stage(policy)
		if not self.state.is_active and self.state.pending:
			self.answer(HANDOFF_CANCELLED, note="Order no longer active")
		self.update(accountable=accountable_for(policy.matrix, self.state.stage))
		status = derive_status(self.state, self.at, policy)
		if status != self.state.status:
			if self.state.status:
				self.log(
					LOG_STATUS, note=f"{self.state.status} → {status}", department=self.state.responsible
				)
			self.update(status=status)
		if self.state == old:
			return Decision(old, ())
		return Decision(self.state, tuple(self.effects))

	def _follow_stage(self, policy: Policy):
		"""A new stage may need another department: hand the order on, replacing a stale handoff."""
		wanted = wanted_holder(self.state, policy)
		pending = self.state.pending
		if pending and pending.to_department != wanted:
			self.answer(HANDOFF_CANCELLED, note="Superseded by a stage change")
		if wanted and wanted != self.state.responsible and not self.state.pending:
			self.send(wanted, policy)


def _due(start: datetime, hours: float, policy: Policy) -> datetime:
	from .sla import add_working_hours

	return add_working_hours(start, hours, policy.calendar)


def _join(*parts: str | None) -> str | None:
	text = ": ".join(p for p in parts if p)
	return text or None


# --- the order's start and its ERPNext events --------------------------------------------------------


def start_order(event: ev.Event, policy: Policy) -> Decision:
	"""A Sales Order was submitted: the order is received, held by Sales, and handed on."""
	if event.kind != ev.ORDER_SUBMITTED:
		raise CoordinationError("An order starts with its submission, not with {0}", event.kind)
	holder = responsible_for(policy.matrix, ORDER_RECEIVED)
	state = OrderState(
		sales_order=event.ref_name,
		stage=ORDER_RECEIVED,
		status="",
		responsible=holder,
		accountable=accountable_for(policy.matrix, ORDER_RECEIVED),
		stage_since=event.at,
		delivery_date=event.delivery_date,
		needs_manufacturing=bool(event.needs_manufacturing),
	)
	draft = _Draft(state, event.at, event.user, (event.ref_doctype, event.ref_name))
	draft.log(LOG_CREATED, stage_to=ORDER_RECEIVED, department=holder)
	draft._follow_stage(policy)
	draft.before = None  # a new order always counts as changed
	return draft.settle(policy, stage_moved_by_event=False)


def apply(state: OrderState, event: ev.Event, policy: Policy) -> Decision:
	"""What an ERPNext event does to an order. Replaying an event already applied changes nothing."""
	handler = _HANDLERS.get(event.kind)
	if handler is None:
		raise CoordinationError("Unknown event {0}", event.kind)
	draft = _Draft(state, event.at, event.user, (event.ref_doctype, event.ref_name))
	handler(draft, event, policy)
	return draft.settle(policy)


def _on_order_state(target: str, allowed_from: tuple[str, ...]):
	def handler(draft: _Draft, event: ev.Event, policy: Policy):
		if draft.state.so_state in allowed_from:
			draft.update(so_state=target)
			draft.log(LOG_DOCUMENT, note=event.label, department=draft.state.responsible)

	return handler


def _on_date_changed(draft: _Draft, event: ev.Event, policy: Policy):
	if event.delivery_date and event.delivery_date != draft.state.delivery_date:
		old = draft.state.delivery_date
		draft.update(delivery_date=event.delivery_date)
		draft.log(LOG_DATE_CHANGED, note=f"{old} → {event.delivery_date}", department=SALES)


_WO_STATES = {
	ev.WORK_ORDER_SUBMITTED: WO_SUBMITTED,
	ev.WORK_ORDER_STARTED: WO_IN_PROCESS,
	ev.WORK_ORDER_PROGRESSED: WO_IN_PROCESS,
	ev.WORK_ORDER_STOPPED: WO_STOPPED,
	ev.WORK_ORDER_RESUMED: WO_IN_PROCESS,
	ev.WORK_ORDER_COMPLETED: WO_COMPLETED,
	ev.WORK_ORDER_REVERSED: WO_IN_PROCESS,
}


def _on_work_order(draft: _Draft, event: ev.Event, policy: Policy):
	state = draft.state
	name = event.work_order or event.ref_name
	work_orders = dict(state.work_orders)
	known = work_orders.get(name)
	if event.kind == ev.WORK_ORDER_CANCELLED:
		if known is None:
			return
		del work_orders[name]
	else:
		new_state = _WO_STATES[event.kind]
		if event.kind == ev.WORK_ORDER_RESUMED and not (known and known.started):
			new_state = WO_SUBMITTED  # resumed before any material went in
		if known and known.state == WO_COMPLETED and not event.is_reversal and new_state != WO_COMPLETED:
			new_state = WO_COMPLETED  # a late status event never reopens a finished work order
		started = new_state in (WO_IN_PROCESS, WO_COMPLETED)
		if known and not event.is_reversal:
			started = started or known.started
		fact = WorkOrderFact(new_state, event.planned_end or (known.planned_end if known else None), started)
		work_orders[name] = fact
	per_produced = state.per_produced
	if event.per_produced is not None:
		per_produced = event.per_produced if event.is_reversal else max(per_produced, event.per_produced)
	if work_orders == dict(state.work_orders) and per_produced == state.per_produced:
		return
	draft.update(work_orders=work_orders, per_produced=per_produced)
	draft.log(LOG_DOCUMENT, note=event.label, department=PRODUCTION)

	production = responsible_for(policy.matrix, PRODUCTION_PLANNING)
	if known is None and state.pending and state.pending.to_department == production:
		draft.answer(HANDOFF_ACCEPTED, note=f"Work Order {name} submitted")
	_follow_exceptions(draft, event, policy, name, known)


def _follow_exceptions(
	draft: _Draft, event: ev.Event, policy: Policy, name: str, known: WorkOrderFact | None
):
	"""A stopped Work Order holds the order with a Production Delay until it runs again or is cancelled."""
	state = draft.state
	ours = [e for e in state.open_exceptions if e.ref_doctype == "Work Order" and e.ref_name == name]
	stopped = name in state.work_orders and state.work_orders[name].state == WO_STOPPED
	if stopped and not ours and (known is None or known.state != WO_STOPPED):
		production = responsible_for(policy.matrix, IN_PRODUCTION)
		draft.raise_exception(
			OpenException(PRODUCTION_DELAY, production, ref_doctype="Work Order", ref_name=name),
			production,
			f"Work Order {name} stopped",
		)
	elif not stopped:
		for exc in ours:
			draft.resolve_exception(exc, event.label)


def _on_delivery_note(draft: _Draft, event: ev.Event, policy: Policy):
	state = draft.state
	if event.per_delivered is None:
		return
	if event.is_reversal:
		per_delivered = event.per_delivered
	else:
		per_delivered = max(state.per_delivered, event.per_delivered)
	if per_delivered == state.per_delivered:
		return
	changes = {"per_delivered": per_delivered}
	if event.is_reversal:
		changes["confirmed_delivered"] = min(state.confirmed_delivered, per_delivered)
	else:
		changes["released_to_shipping"] = True
	draft.update(**changes)
	draft.log(LOG_DOCUMENT, note=event.label, department=LOGISTICS)
	shipping = responsible_for(policy.matrix, READY_TO_SHIP)
	if not event.is_reversal and state.pending and state.pending.to_department == shipping:
		draft.answer(HANDOFF_ACCEPTED, note=f"Delivery Note {event.ref_name} submitted")


def _on_delivery_confirmed(draft: _Draft, event: ev.Event, policy: Policy):
	state = draft.state
	outcome = event.outcome
	if outcome not in DELIVERY_OUTCOMES:
		raise CoordinationError("{0} is not a delivery outcome", outcome)
	if state.per_delivered <= 0:
		raise CoordinationError("Nothing has been shipped on order {0} yet", state.sales_order)
	confirmed = state.per_delivered if outcome == OUTCOME_DELIVERED else state.confirmed_delivered
	if outcome == state.last_outcome and confirmed == state.confirmed_delivered:
		return
	draft.update(last_outcome=outcome, confirmed_delivered=confirmed)
	shipping = responsible_for(policy.matrix, SHIPPED)
	draft.log(LOG_DELIVERY_CONFIRMED, department=shipping, note=_join(outcome, event.note))
	informed = tuple(d for d in dict.fromkeys((SALES, PRODUCTION, state.responsible)) if d != shipping)
	draft.effects.append(Notify(informed, "Delivery of order {0}: {1}", (state.sales_order, outcome)))
	problem = {OUTCOME_REFUSED: DELIVERY_FAILED, OUTCOME_DAMAGED: DAMAGED_IN_TRANSIT}.get(outcome)
	if problem:
		draft.raise_exception(
			OpenException(problem, shipping, ref_doctype=event.ref_doctype, ref_name=event.ref_name),
			shipping,
			_join(outcome, event.note),
		)


_HANDLERS = {
	ev.ORDER_SUBMITTED: lambda draft, event, policy: None,  # already started: a replay
	ev.ORDER_CANCELLED: _on_order_state(SO_CANCELLED, (SO_OPEN, SO_ON_HOLD, SO_CLOSED, SO_COMPLETED)),
	ev.ORDER_HELD: _on_order_state(SO_ON_HOLD, (SO_OPEN,)),
	ev.ORDER_RESUMED: _on_order_state(SO_OPEN, (SO_ON_HOLD,)),
	ev.ORDER_CLOSED: _on_order_state(SO_CLOSED, (SO_OPEN, SO_ON_HOLD, SO_COMPLETED)),
	ev.ORDER_COMPLETED: _on_order_state(SO_COMPLETED, (SO_OPEN, SO_ON_HOLD)),
	ev.ORDER_REOPENED: _on_order_state(SO_OPEN, (SO_CLOSED, SO_COMPLETED)),
	ev.DELIVERY_DATE_CHANGED: _on_date_changed,
	ev.DELIVERY_NOTE_SUBMITTED: _on_delivery_note,
	ev.DELIVERY_NOTE_CANCELLED: _on_delivery_note,
	ev.DELIVERY_CONFIRMED: _on_delivery_confirmed,
	**{kind: _on_work_order for kind in ev.WORK_ORDER_EVENTS},
}


# --- department actions -----------------------------------------------------------------------------


def refresh(state: OrderState, now: datetime, policy: Policy) -> Decision:
	"""Recompute the status as time passes without events (the scheduled sweep)."""
	return _Draft(state, now, None).settle(policy)


def hand_off(
	state: OrderState,
	to_department: str,
	policy: Policy,
	at: datetime,
	user: str | None = None,
	note: str | None = None,
) -> Decision:
	if not state.is_active:
		raise CoordinationError("Order {0} is no longer active", state.sales_order)
	if state.pending:
		raise CoordinationError(
			"Order {0} already has a pending handoff to {1}", state.sales_order, state.pending.to_department
		)
	if to_department == state.responsible:
		raise CoordinationError("{0} already holds order {1}", to_department, state.sales_order)
	draft = _Draft(state, at, user)
	draft.send(to_department, policy, note)
	return draft.settle(policy)


def _pending(state: OrderState, handoff_name: str) -> Handoff:
	if not state.pending or state.pending.name != handoff_name:
		raise CoordinationError("Handoff {0} is no longer pending", handoff_name)
	return state.pending


def accept_handoff(state: OrderState, handoff_name: str, policy: Policy, at: datetime, user=None) -> Decision:
	handoff = _pending(state, handoff_name)
	draft = _Draft(state, at, user)
	draft.answer(HANDOFF_ACCEPTED)
	if (
		handoff.to_department == responsible_for(policy.matrix, READY_TO_SHIP)
		and not state.needs_manufacturing
	):
		draft.update(released_to_shipping=True)
	return draft.settle(policy)


def reject_handoff(
	state: OrderState, handoff_name: str, reason: str, policy: Policy, at: datetime, user=None
) -> Decision:
	_pending(state, handoff_name)
	if not (reason or "").strip():
		raise CoordinationError("A rejection needs a reason")
	draft = _Draft(state, at, user)
	draft.answer(HANDOFF_REJECTED, reason=reason.strip())
	return draft.settle(policy)


def cancel_handoff(state: OrderState, handoff_name: str, policy: Policy, at: datetime, user=None) -> Decision:
	_pending(state, handoff_name)
	draft = _Draft(state, at, user)
	draft.answer(HANDOFF_CANCELLED, note="Withdrawn by the sender")
	return draft.settle(policy)


def raise_exception(
	state: OrderState,
	exception_type: str,
	description: str,
	raised_by: str,
	policy: Policy,
	at: datetime,
	user: str | None = None,
	responsible_department: str | None = None,
) -> Decision:
	if exception_type not in EXCEPTION_TYPES:
		raise CoordinationError("{0} is not an exception type", exception_type)
	if not (description or "").strip():
		raise CoordinationError("Describe the exception")
	if state.so_state == SO_CANCELLED:
		raise CoordinationError("Order {0} is no longer active", state.sales_order)
	draft = _Draft(state, at, user)
	draft.raise_exception(
		OpenException(exception_type, responsible_department or state.responsible),
		raised_by,
		description.strip(),
	)
	return draft.settle(policy)


def resolve_exception(
	state: OrderState, exception_name: str, resolution: str, policy: Policy, at: datetime, user=None
) -> Decision:
	match = [e for e in state.open_exceptions if e.name == exception_name]
	if not match:
		raise CoordinationError("Exception {0} is not open", exception_name)
	if not (resolution or "").strip():
		raise CoordinationError("Say how the exception was resolved")
	draft = _Draft(state, at, user)
	draft.resolve_exception(match[0], resolution.strip())
	return draft.settle(policy)
