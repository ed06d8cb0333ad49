"""A tiny stand-in for the Frappe layer: it names what the core sends, as the database would."""

from dataclasses import replace
from datetime import date, datetime
from itertools import count

from order_coordination.core import events as ev
from order_coordination.core import lifecycle as lc
from order_coordination.core.model import Decision, OrderState

T0 = datetime(2026, 11, 23, 9, 0)  # a Monday morning
_names = count(1)


def name_new(decision: Decision) -> OrderState:
	"""Give the pending handoff and open exceptions the names the Frappe layer would."""
	state = decision.state
	if state.pending and state.pending.name is None:
		state = replace(state, pending=replace(state.pending, name=f"HO-{next(_names)}"))
	if state.pending_promise and state.pending_promise.name is None:
		state = replace(state, pending_promise=replace(state.pending_promise, name=f"PC-{next(_names)}"))
	if any(e.name is None for e in state.open_exceptions):
		state = replace(
			state,
			open_exceptions=tuple(
				e if e.name else replace(e, name=f"EX-{next(_names)}") for e in state.open_exceptions
			),
		)
	return state


def submitted(policy, needs_manufacturing=True, delivery_date=date(2026, 12, 31), at=T0, name="SO-1"):
	event = ev.Event(
		ev.ORDER_SUBMITTED,
		at,
		"sales@example.com",
		"Sales Order",
		name,
		needs_manufacturing=needs_manufacturing,
		delivery_date=delivery_date,
	)
	return name_new(lc.start_order(event, policy))


def wo(kind, name="WO-1", per_produced=None, at=T0, planned_end=None):
	return ev.Event(
		kind,
		at,
		"planner@example.com",
		"Work Order",
		name,
		work_order=name,
		per_produced=per_produced,
		planned_end=planned_end,
	)


def dn(kind, per_delivered, name="DN-1", at=T0):
	return ev.Event(kind, at, "clerk@example.com", "Delivery Note", name, per_delivered=per_delivered)


def step(state, event, policy):
	decision = lc.apply(state, event, policy)
	return name_new(decision), decision
