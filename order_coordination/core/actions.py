"""What departments do to an order: hand it on, answer a handoff, raise and resolve exceptions; and the
status refresh that time alone brings (the sweep). Each takes the order's state and returns a `Decision`,
or refuses with a `CoordinationError`."""

from __future__ import annotations

from datetime import datetime

from .constants import (
	EXCEPTION_TYPES,
	HANDOFF_ACCEPTED,
	HANDOFF_CANCELLED,
	HANDOFF_REJECTED,
	ORDER_RECEIVED,
)
from .derive import wanted_holder
from .draft import Draft
from .errors import CoordinationError
from .model import Decision, Handoff, OpenException, OrderState
from .policy import Policy


def refresh(state: OrderState, now: datetime, policy: Policy) -> Decision:
	"""Recompute the status as time passes without events (the scheduled sweep)."""
	return Draft(state, now, None, policy=policy).settle()


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
	draft = Draft(state, at, user, policy=policy)
	draft.send(to_department, note)
	return draft.settle()


def _pending(state: OrderState, handoff_name: str) -> Handoff:
	if not state.pending or state.pending.name != handoff_name:
		raise CoordinationError("Handoff {0} is no longer pending", handoff_name)
	return state.pending


def accept_handoff(state: OrderState, handoff_name: str, policy: Policy, at: datetime, user=None) -> Decision:
	handoff = _pending(state, handoff_name)
	draft = Draft(state, at, user, policy=policy)
	draft.answer(HANDOFF_ACCEPTED)
	# The stage follows who took the order on from Order Received, when it was the department wanted then
	# (not while the order waits for its advance): Production plans it, Logistics readies a stock order.
	if state.stage == ORDER_RECEIVED and handoff.to_department == wanted_holder(state, policy):
		if state.needs_manufacturing:
			draft.update(planning_accepted=True)
		else:
			draft.update(released_to_shipping=True)
	return draft.settle()


def reject_handoff(
	state: OrderState, handoff_name: str, reason: str, policy: Policy, at: datetime, user=None
) -> Decision:
	_pending(state, handoff_name)
	if not (reason or "").strip():
		raise CoordinationError("A rejection needs a reason")
	draft = Draft(state, at, user, policy=policy)
	draft.answer(HANDOFF_REJECTED, reason=reason.strip())
	return draft.settle()


def cancel_handoff(state: OrderState, handoff_name: str, policy: Policy, at: datetime, user=None) -> Decision:
	_pending(state, handoff_name)
	draft = Draft(state, at, user, policy=policy)
	draft.answer(HANDOFF_CANCELLED, note="Withdrawn by the sender")
	return draft.settle()


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
	if not state.is_active:
		raise CoordinationError("Order {0} is no longer active", state.sales_order)
	draft = Draft(state, at, user, policy=policy)
	draft.raise_exception(
		OpenException(exception_type, responsible_department or state.responsible),
		raised_by,
		description.strip(),
	)
	return draft.settle()


def resolve_exception(
	state: OrderState, exception_name: str, resolution: str, policy: Policy, at: datetime, user=None
) -> Decision:
	match = [e for e in state.open_exceptions if e.name == exception_name]
	if not match:
		raise CoordinationError("Exception {0} is not open", exception_name)
	if not (resolution or "").strip():
		raise CoordinationError("Say how the exception was resolved")
	draft = Draft(state, at, user, policy=policy)
	draft.resolve_exception(match[0], resolution.strip())
	return draft.settle()
