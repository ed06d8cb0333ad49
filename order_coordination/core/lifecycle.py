"""What ERPNext's documents do to an order: its start, and the decision each later event leads to.

`start_order` and `apply` take values and return a `Decision`: the new state and the effects the Frappe
layer writes. Replaying an event that brings no new fact changes nothing. Who holds the order is
different from where it is: it changes only when a department accepts a handoff (`actions`).
"""

from __future__ import annotations

from dataclasses import replace

from . import events as ev
from .constants import (
	CARRIER_DAMAGED,
	CARRIER_DELIVERED,
	CARRIER_FAILED_ATTEMPT,
	CARRIER_LOST,
	CARRIER_RETURNED,
	DAMAGED_IN_TRANSIT,
	DELIVERY_FAILED,
	DELIVERY_OUTCOMES,
	HANDOFF_ACCEPTED,
	HANDOFF_CANCELLED,
	IN_PRODUCTION,
	LOGISTICS,
	LOST_IN_TRANSIT,
	NOTICE_DELIVERY,
	ORDER_RECEIVED,
	OUTCOME_DAMAGED,
	OUTCOME_DELIVERED,
	OUTCOME_REFUSED,
	PRODUCTION,
	PRODUCTION_DELAY,
	PRODUCTION_PLANNING,
	READY_TO_SHIP,
	SALES,
	SHIPPED,
	SO_AWAITING_PAYMENT,
	SO_CANCELLED,
	SO_CLOSED,
	SO_COMPLETED,
	SO_ON_HOLD,
	SO_OPEN,
	TIMELINE_CARRIER,
	TIMELINE_CREATED,
	TIMELINE_DATE_CHANGED,
	TIMELINE_DELIVERY_CONFIRMED,
	TIMELINE_DOCUMENT,
	WO_COMPLETED,
	WO_IN_PROCESS,
	WO_STOPPED,
	WO_SUBMITTED,
)
from .derive import wanted_holder
from .draft import Draft, join_notes
from .errors import CoordinationError
from .model import Decision, OpenException, OrderState, WorkOrderFact
from .policy import Policy
from .responsibility import accountable_for, responsible_for


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
		original_delivery_date=event.delivery_date,
		needs_manufacturing=bool(event.needs_manufacturing),
	)
	draft = Draft(state, event.at, event.user, (event.ref_doctype, event.ref_name), policy=policy)
	draft.add_entry(TIMELINE_CREATED, stage_to=ORDER_RECEIVED, department=holder)
	draft.follow_stage()
	draft.before = None  # a new order always counts as changed
	return draft.settle(stage_moved_by_event=False)


def apply(state: OrderState, event: ev.Event, policy: Policy) -> Decision:
	"""What an ERPNext event does to an order. Replaying an event already applied changes nothing."""
	handler = _HANDLERS.get(event.kind)
	if handler is None:
		raise CoordinationError("Unknown event {0}", event.kind)
	draft = Draft(state, event.at, event.user, (event.ref_doctype, event.ref_name), policy=policy)
	handler(draft, event, policy)
	return draft.settle()


def _on_order_state(target: str, allowed_from: tuple[str, ...]):
	def handler(draft: Draft, event: ev.Event, policy: Policy):
		if draft.state.so_state in allowed_from:
			draft.update(so_state=target)
			draft.add_entry(TIMELINE_DOCUMENT, note=event.label, department=draft.state.responsible)

	return handler


def _on_awaiting_payment(draft: Draft, event: ev.Event, policy: Policy):
	"""v16 "To Pay": the customer's advance is awaited. Sales keeps the order; a handoff on its way to
	another department is withdrawn until the advance is in."""
	if draft.state.so_state != SO_OPEN:
		return
	draft.update(so_state=SO_AWAITING_PAYMENT)
	draft.add_entry(TIMELINE_DOCUMENT, note=event.label, department=draft.state.responsible)
	pending = draft.state.pending
	if pending and pending.to_department != wanted_holder(draft.state, policy):
		draft.answer(HANDOFF_CANCELLED, note="Waiting for the customer's advance")


def _on_paid(draft: Draft, event: ev.Event, policy: Policy):
	"""The advance is in: the order goes on to whoever its stage needs."""
	if draft.state.so_state != SO_AWAITING_PAYMENT:
		return
	draft.update(so_state=SO_OPEN)
	draft.add_entry(TIMELINE_DOCUMENT, note=event.label, department=draft.state.responsible)
	draft.follow_stage()


def _on_date_changed(draft: Draft, event: ev.Event, policy: Policy):
	_follow_promise(draft, event, SALES)


def _follow_promise(draft: Draft, event: ev.Event, department: str):
	"""The date the order must next deliver by moved: its header or lines were changed (Sales), or a
	delivery completed a line or a schedule tranche, so the next one is due (Logistics)."""
	if event.delivery_date and event.delivery_date != draft.state.delivery_date:
		old = draft.state.delivery_date
		draft.update(delivery_date=event.delivery_date)
		draft.add_entry(TIMELINE_DATE_CHANGED, note=f"{old} → {event.delivery_date}", department=department)


_WO_STATES = {
	ev.WORK_ORDER_SUBMITTED: WO_SUBMITTED,
	ev.WORK_ORDER_STARTED: WO_IN_PROCESS,
	ev.WORK_ORDER_PROGRESSED: WO_IN_PROCESS,
	ev.WORK_ORDER_STOPPED: WO_STOPPED,
	ev.WORK_ORDER_RESUMED: WO_IN_PROCESS,
	ev.WORK_ORDER_COMPLETED: WO_COMPLETED,
	ev.WORK_ORDER_REVERSED: WO_IN_PROCESS,
}


def _on_work_order(draft: Draft, event: ev.Event, policy: Policy):
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
	draft.add_entry(TIMELINE_DOCUMENT, note=event.label, department=PRODUCTION)

	production = responsible_for(policy.matrix, PRODUCTION_PLANNING)
	if known is None and state.pending and state.pending.to_department == production:
		draft.answer(HANDOFF_ACCEPTED, note=f"Work Order {name} submitted")
	_follow_exceptions(draft, event, policy, name, known)


def _follow_exceptions(draft: Draft, event: ev.Event, policy: Policy, name: str, known: WorkOrderFact | None):
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


def _on_delivery_note(draft: Draft, event: ev.Event, policy: Policy):
	_follow_promise(draft, event, LOGISTICS)
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
	draft.add_entry(TIMELINE_DOCUMENT, note=event.label, department=LOGISTICS)
	if event.kind == ev.DELIVERY_RETURNED:
		# Goods came back: whoever promised them and whoever holds the order must know.
		draft.notify(
			NOTICE_DELIVERY,
			"Goods of order {0} were returned ({1})",
			(state.sales_order, event.ref_name),
			addressees=(policy.promise_owner, state.responsible),
		)
	shipping = responsible_for(policy.matrix, READY_TO_SHIP)
	if not event.is_reversal and state.pending and state.pending.to_department == shipping:
		draft.answer(HANDOFF_ACCEPTED, note=f"Delivery Note {event.ref_name} submitted")


def _on_delivery_confirmed(draft: Draft, event: ev.Event, policy: Policy):
	state = draft.state
	outcome = event.outcome
	if outcome not in DELIVERY_OUTCOMES:
		raise CoordinationError("{0} is not a delivery outcome", outcome)
	if not state.is_active:
		return  # a trip or carrier reporting on an order already closed or cancelled: nothing to follow
	if state.per_delivered <= 0:
		raise CoordinationError("Nothing has been shipped on order {0} yet", state.sales_order)
	confirmed = state.per_delivered if outcome == OUTCOME_DELIVERED else state.confirmed_delivered
	if outcome == state.last_outcome and confirmed == state.confirmed_delivered:
		return
	draft.update(last_outcome=outcome, confirmed_delivered=confirmed)
	shipping = responsible_for(policy.matrix, SHIPPED)
	draft.add_entry(TIMELINE_DELIVERY_CONFIRMED, department=shipping, note=join_notes(outcome, event.note))
	draft.notify(
		NOTICE_DELIVERY,
		"Delivery of order {0}: {1}",
		(state.sales_order, outcome),
		actor=shipping,
		stage=SHIPPED,
	)
	problem = {OUTCOME_REFUSED: DELIVERY_FAILED, OUTCOME_DAMAGED: DAMAGED_IN_TRANSIT}.get(outcome)
	if problem:
		_raise_for(draft, problem, shipping, event, outcome)


def _raise_for(draft: Draft, problem: str, shipping: str, event: ev.Event, word: str):
	"""Raise a problem of the document that reported it for the department shipping the order, unless one
	is open for that document already."""
	ref = (event.ref_doctype, event.ref_name)
	if any(
		e.exception_type == problem and (e.ref_doctype, e.ref_name) == ref
		for e in draft.state.open_exceptions
	):
		return
	draft.raise_exception(
		OpenException(problem, shipping, ref_doctype=event.ref_doctype, ref_name=event.ref_name),
		shipping,
		join_notes(word, event.note),
	)


# A carrier's word that settles the delivery, as Logistics would confirm it.
CARRIER_OUTCOMES = {
	CARRIER_DELIVERED: OUTCOME_DELIVERED,
	CARRIER_DAMAGED: OUTCOME_DAMAGED,
	CARRIER_RETURNED: OUTCOME_REFUSED,
}
# A carrier's word that is a problem for Logistics without settling the delivery.
CARRIER_PROBLEMS = {CARRIER_FAILED_ATTEMPT: DELIVERY_FAILED, CARRIER_LOST: LOST_IN_TRANSIT}


def _on_carrier_reported(draft: Draft, event: ev.Event, policy: Policy):
	"""A carrier reported on a Shipment of the order. Every report is in the timeline; only the shipment's
	latest (not a late or replayed one) moves the order, exactly as Logistics confirming it would."""
	state = draft.state
	status = event.carrier_status
	shipping = responsible_for(policy.matrix, SHIPPED)
	draft.always_record = True
	draft.add_entry(TIMELINE_CARRIER, department=shipping, note=join_notes(status, event.note))
	if event.superseded or not state.is_active:
		return
	outcome = CARRIER_OUTCOMES.get(status)
	if outcome and state.per_delivered > 0:
		_on_delivery_confirmed(draft, replace(event, outcome=outcome), policy)
		return
	problem = CARRIER_PROBLEMS.get(status)
	if problem:
		_raise_for(draft, problem, shipping, event, status)


def _on_feasibility_checked(draft: Draft, event: ev.Event, policy: Policy):
	"""The earliest delivery the company can keep, found after submit: evidence while no Work Order plan
	tells more (see `derive.feasible_evidence`); the timeline says so when it falls after the promise."""
	if event.feasible_date == draft.state.feasible_date:
		return
	draft.update(feasible_date=event.feasible_date)
	promised = draft.state.delivery_date
	if event.feasible_date and promised and event.feasible_date > promised:
		draft.add_entry(TIMELINE_DOCUMENT, note=event.label, department=draft.state.responsible)


_HANDLERS = {
	ev.ORDER_SUBMITTED: lambda draft, event, policy: None,  # already started: a replay
	ev.ORDER_CANCELLED: _on_order_state(
		SO_CANCELLED, (SO_OPEN, SO_ON_HOLD, SO_CLOSED, SO_COMPLETED, SO_AWAITING_PAYMENT)
	),
	ev.ORDER_HELD: _on_order_state(SO_ON_HOLD, (SO_OPEN, SO_AWAITING_PAYMENT)),
	ev.ORDER_RESUMED: _on_order_state(SO_OPEN, (SO_ON_HOLD,)),
	ev.ORDER_AWAITING_PAYMENT: _on_awaiting_payment,
	ev.ORDER_PAID: _on_paid,
	ev.ORDER_CLOSED: _on_order_state(SO_CLOSED, (SO_OPEN, SO_ON_HOLD, SO_COMPLETED, SO_AWAITING_PAYMENT)),
	ev.ORDER_COMPLETED: _on_order_state(SO_COMPLETED, (SO_OPEN, SO_ON_HOLD, SO_AWAITING_PAYMENT)),
	ev.ORDER_REOPENED: _on_order_state(SO_OPEN, (SO_CLOSED, SO_COMPLETED)),
	ev.DELIVERY_DATE_CHANGED: _on_date_changed,
	ev.DELIVERY_NOTE_SUBMITTED: _on_delivery_note,
	ev.DELIVERY_NOTE_CANCELLED: _on_delivery_note,
	ev.DELIVERY_RETURNED: _on_delivery_note,
	ev.DELIVERY_CONFIRMED: _on_delivery_confirmed,
	ev.CARRIER_REPORTED: _on_carrier_reported,
	ev.FEASIBILITY_CHECKED: _on_feasibility_checked,
	**{kind: _on_work_order for kind in ev.WORK_ORDER_EVENTS},
}
