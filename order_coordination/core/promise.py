"""The customer's promise, negotiated: a department proposes a new delivery date, the other side answers.

A department working on the order (the policy's `promise_proposers`, Production and Logistics by default)
proposes to the department that owns the customer's promise (`promise_owner`, Sales by default). The owner
may record a customer's request the other way round: the department working on the order confirms that it
can meet the new date, or declines. Either answer runs against the same working-hours SLA as a handoff.
An accepted change moves the order's promise (the Frappe layer writes it into the Sales Order and its Work
Orders first and passes the promise ERPNext's lines then give); the first promise is kept on the order.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from .constants import (
	PROMISE_ACCEPTED,
	PROMISE_CANCELLED,
	PROMISE_DECLINED,
	PROMISE_REASONS,
)
from .derive import is_shipped, upcoming_holder, wanted_holder
from .draft import Draft, due_by
from .errors import CoordinationError
from .model import Decision, OrderState, PromiseProposal
from .policy import Policy


def counterpart(state: OrderState, proposer: str, policy: Policy) -> str:
	"""Who answers a proposal from `proposer`: the promise's owner, or for the owner's own proposal (a
	customer's request) the department working on the order, or the one it goes to next."""
	if proposer != policy.promise_owner:
		return policy.promise_owner
	if state.responsible != policy.promise_owner:
		return state.responsible
	wanted = wanted_holder(state, policy)
	if wanted and wanted != policy.promise_owner:
		return wanted
	return upcoming_holder(state, policy)


def may_propose(department: str, policy: Policy) -> bool:
	return department == policy.promise_owner or department in policy.promise_proposers


def propose(
	state: OrderState,
	proposer: str,
	new_date: date,
	reason: str,
	policy: Policy,
	at: datetime,
	today: date,
	user: str | None = None,
	note: str | None = None,
	items: Iterable[str] = (),
	old_date: date | None = None,
) -> Decision:
	"""`proposer` asks to deliver on `new_date` (the whole order, or the lines `items`). `old_date` is the
	date being moved (for lines, the earliest of theirs); the order's promise by default."""
	if not state.is_active:
		raise CoordinationError("Order {0} is no longer active", state.sales_order)
	if is_shipped(state):
		raise CoordinationError(
			"Order {0} has left in full: no delivery date is left to move", state.sales_order
		)
	if reason not in PROMISE_REASONS:
		raise CoordinationError("{0} is not a reason to move a delivery date", reason)
	if not isinstance(new_date, date) or new_date < today:
		raise CoordinationError("The new delivery date must be today or later, not {0}", new_date)
	if not may_propose(proposer, policy):
		raise CoordinationError("{0} may not propose delivery dates under this order's policy", proposer)
	items = tuple(dict.fromkeys(items))
	old = old_date if old_date is not None else state.delivery_date
	if not items and old == new_date:
		raise CoordinationError("Order {0} is already promised for {1}", state.sales_order, new_date)
	to_department = counterpart(state, proposer, policy)
	if to_department == proposer:
		raise CoordinationError(
			"{0} would answer its own proposal: no other department works on it", proposer
		)
	proposal = PromiseProposal(
		from_department=proposer,
		to_department=to_department,
		old_date=old,
		new_date=new_date,
		reason=reason,
		sent_on=at,
		due_by=due_by(at, policy.acceptance_for(state.stage), policy),
		items=items,
	)
	draft = Draft(state, at, user, policy=policy)
	draft.propose_promise(proposal, note)
	return draft.settle()


def _pending(state: OrderState, name: str) -> PromiseProposal:
	if not state.pending_promise or state.pending_promise.name != name:
		raise CoordinationError("Promise change {0} is no longer pending", name)
	return state.pending_promise


def accept(
	state: OrderState, name: str, policy: Policy, at: datetime, user=None, new_promise: date | None = None
) -> Decision:
	"""Accept the pending change: the promise becomes `new_promise` (what the order's lines say once the
	new dates are written), or the proposed date; the status follows at once."""
	_pending(state, name)
	draft = Draft(state, at, user, policy=policy)
	draft.answer_promise(PROMISE_ACCEPTED, new_promise=new_promise)
	return draft.settle()


def decline(state: OrderState, name: str, reason: str, policy: Policy, at: datetime, user=None) -> Decision:
	_pending(state, name)
	if not (reason or "").strip():
		raise CoordinationError("Declining a new delivery date needs a reason")
	draft = Draft(state, at, user, policy=policy)
	draft.answer_promise(PROMISE_DECLINED, reason=reason.strip())
	return draft.settle()


def withdraw(state: OrderState, name: str, policy: Policy, at: datetime, user=None) -> Decision:
	_pending(state, name)
	draft = Draft(state, at, user, policy=policy)
	draft.answer_promise(PROMISE_CANCELLED, note="Withdrawn by the proposer")
	return draft.settle()
