"""What-if: an order's real history run again through the rules under another policy.

A history is the order's start and its steps in the order they happened: the facts of ERPNext's documents
(`events.Event`, exactly as the live path applies them) and what people did (`Act`: a handoff sent,
accepted, rejected or withdrawn, a new date proposed or answered, an exception raised or resolved). Facts
happen whatever the policy. People's acts are kept at the moment they happened: the department the order
was handed to under the other policy takes it on when the real receiver did; a handoff the real policy's
matrix wanted goes to the department the other policy's matrix wants; an act the other policy refuses (a
proposal from a department it does not let propose) does not happen. Time alone moves the status between
steps, as the sweep does. What a replay cannot know is how people would have behaved under other rules.

`replay_order` gives one order's `Run`; `figures` counts runs per department; `compare` sets the runs of
the real policies beside the runs of another one. Replaying under the policy an order ran under gives its
figures exactly, whatever the order of the orders."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from . import actions, lifecycle, promise
from . import events as ev
from .constants import HANDOFF_CANCELLED, PROMISE_CANCELLED, STATUS_AT_RISK
from .derive import status_and_next_check, wanted_holder
from .errors import CoordinationError
from .model import (
	AnswerHandoff,
	AnswerPromise,
	Decision,
	Notify,
	OrderState,
	SendHandoff,
	SendPromise,
)
from .policy import Policy
from .sla import working_hours_between
from .stats import median

SEND, ACCEPT, REJECT, WITHDRAW = "send", "accept", "reject", "withdraw"
PROPOSE, PROMISE_ACCEPT, PROMISE_DECLINE, PROMISE_WITHDRAW = "propose", "p_accept", "p_decline", "p_withdraw"
RAISE, RESOLVE = "raise", "resolve"
ACT_KINDS = (SEND, ACCEPT, REJECT, WITHDRAW, PROPOSE, PROMISE_ACCEPT, PROMISE_DECLINE, PROMISE_WITHDRAW)
ACT_KINDS += (RAISE, RESOLVE)
DAY_SECONDS = 86400.0
FIGURES = ("handoffs", "sla_misses", "escalations", "at_risk_order_days", "notices", "promise_answers")


@dataclass(frozen=True)
class Act:
	"""Something a person did to the order, at the moment it happened."""

	kind: str
	at: datetime
	department: str | None = None  # send: the receiver; propose, raise: who acted
	reason: str | None = None
	new_date: date | None = None  # propose, promise accepted: the date
	items: tuple[str, ...] = ()
	exception_type: str | None = None  # raise, resolve
	user: str | None = None


@dataclass(frozen=True)
class History:
	start: ev.Event  # the order's submission
	steps: tuple = ()  # events.Event and Act, in the order they happened


@dataclass
class Pending:
	"""A handoff or proposed date as the replay saw it: whom it went to, when it was due and answered."""

	to_department: str
	sent_on: datetime
	due_by: datetime
	answered_on: datetime | None = None
	status: str | None = None
	answered_by: str | None = None


@dataclass
class Run:
	"""One order's replay: its handoffs and proposals, who was told, how long it was At Risk and in each
	stage, and who held it from when."""

	order: str
	handoffs: list[Pending] = field(default_factory=list)
	promises: list[Pending] = field(default_factory=list)
	notices: Counter = field(default_factory=Counter)
	at_risk_seconds: dict = field(default_factory=lambda: defaultdict(float))
	stage_hours: dict = field(default_factory=lambda: defaultdict(list))
	holders: list[tuple[datetime, str]] = field(default_factory=list)
	refused: int = 0  # acts the policy's rules did not let happen
	until: datetime | None = None


def step_time(step) -> tuple:
	"""Sort key: steps by time, a fact before a person's act of the same moment."""
	return (step.at, isinstance(step, Act))


def replay_order(history: History, policy: Policy, until: datetime, real: Policy | None = None) -> Run:
	"""The order's history run under `policy` up to `until`. `real` is the policy it ran under (to tell
	which handoffs went where its matrix wanted); `policy` itself by default."""
	real = real or policy
	run = Run(history.start.ref_name)
	tracker = _Tracker(run, policy)
	state = tracker.take(lifecycle.start_order(history.start, policy), history.start.at)
	for step in sorted(history.steps, key=step_time):
		if step.at > until:
			break
		state = tracker.pass_time(state, step.at)
		try:
			if isinstance(step, Act):
				decision = _act(state, step, policy, real)
			else:
				decision = lifecycle.apply(state, step, policy)
		except CoordinationError:
			run.refused += 1
			continue
		if decision is None:  # nothing for it to act on here (already sent, nothing pending)
			continue
		state = tracker.take(decision, step.at)
	tracker.pass_time(state, until)
	tracker.close(state, until)
	return run


def _act(state: OrderState, act: Act, policy: Policy, real: Policy) -> Decision | None:
	"""What a person's act does under `policy`; None when it cannot happen there."""
	at, user = act.at, act.user
	if act.kind == SEND:
		if not state.is_active or state.pending:
			return None
		target = act.department
		if target == wanted_holder(state, real):
			target = wanted_holder(state, policy)
		if not target or target == state.responsible:
			return None
		return actions.hand_off(state, target, policy, at, user)
	if act.kind in (ACCEPT, REJECT, WITHDRAW):
		if not state.pending:
			return None
		name = state.pending.name
		if act.kind == ACCEPT:
			return actions.accept_handoff(state, name, policy, at, user)
		if act.kind == REJECT:
			return actions.reject_handoff(state, name, act.reason or "-", policy, at, user)
		return actions.cancel_handoff(state, name, policy, at, user)
	if act.kind == PROPOSE:
		if not promise.may_propose(act.department, policy):
			raise CoordinationError(
				"{0} may not propose delivery dates under this order's policy", act.department
			)
		return promise.propose(
			state, act.department, act.new_date, act.reason, policy, at, at.date(), user, items=act.items
		)
	if act.kind in (PROMISE_ACCEPT, PROMISE_DECLINE, PROMISE_WITHDRAW):
		if not state.pending_promise:
			return None
		name = state.pending_promise.name
		if act.kind == PROMISE_ACCEPT:
			return promise.accept(state, name, policy, at, user, new_promise=act.new_date)
		if act.kind == PROMISE_DECLINE:
			return promise.decline(state, name, act.reason or "-", policy, at, user)
		return promise.withdraw(state, name, policy, at, user)
	if act.kind == RAISE:
		return actions.raise_exception(
			state, act.exception_type, act.reason or "-", act.department, policy, at, user
		)
	if act.kind == RESOLVE:
		match = [
			e for e in state.open_exceptions if e.exception_type == act.exception_type and not e.ref_name
		]
		if not match:
			return None
		return actions.resolve_exception(state, match[0].name, act.reason or "-", policy, at, user)
	raise CoordinationError("Unknown act {0}", act.kind)


class _Tracker:
	"""Follows a replayed order: names what the core sends (as the Frappe layer would), notes each handoff,
	proposal and notice, the holder, the stage and the time spent At Risk."""

	def __init__(self, run: Run, policy: Policy):
		self.run, self.policy = run, policy
		self.open: dict = {}  # name or id of the core's object -> Pending
		self.count = 0
		self.status_since: tuple | None = None  # (status, since, holder)
		self.stage_since: tuple | None = None  # (stage, since)
		self.now: datetime | None = None

	def _name(self) -> str:
		self.count += 1
		return f"R{self.count}"

	def take(self, decision: Decision, at: datetime) -> OrderState:
		for effect in decision.effects:
			if isinstance(effect, (SendHandoff, SendPromise)):
				sent = effect.handoff if isinstance(effect, SendHandoff) else effect.proposal
				row = Pending(sent.to_department, sent.sent_on, sent.due_by)
				(self.run.handoffs if isinstance(effect, SendHandoff) else self.run.promises).append(row)
				self.open[id(sent)] = row
			elif isinstance(effect, (AnswerHandoff, AnswerPromise)):
				sent = effect.handoff if isinstance(effect, AnswerHandoff) else effect.proposal
				row = self.open.pop(sent.name or id(sent), None)
				if row is not None:
					row.answered_on, row.status = effect.at, effect.status
					if effect.status not in (HANDOFF_CANCELLED, PROMISE_CANCELLED):
						row.answered_by = sent.to_department
			elif isinstance(effect, Notify):
				self.run.notices.update(effect.departments)
		state = self._named(decision.state)
		self.now = at
		self._follow(state, at)
		return state

	def _named(self, state: OrderState) -> OrderState:
		"""Give the pending handoff, proposal and new exceptions names, keeping their rows findable."""
		if state.pending and state.pending.name is None:
			name = self._name()
			self.open[name] = self.open.pop(id(state.pending), None)
			state = replace(state, pending=replace(state.pending, name=name))
		if state.pending_promise and state.pending_promise.name is None:
			name = self._name()
			self.open[name] = self.open.pop(id(state.pending_promise), None)
			state = replace(state, pending_promise=replace(state.pending_promise, name=name))
		if any(e.name is None for e in state.open_exceptions):
			named = tuple(e if e.name else replace(e, name=self._name()) for e in state.open_exceptions)
			state = replace(state, open_exceptions=named)
		for key in [k for k, row in self.open.items() if row is None]:
			del self.open[key]
		return state

	def _follow(self, state: OrderState, at: datetime):
		run = self.run
		if not run.holders or run.holders[-1][1] != state.responsible:
			run.holders.append((at, state.responsible))
		if self.stage_since is None or self.stage_since[0] != state.stage:
			if self.stage_since is not None:
				stage, since = self.stage_since
				run.stage_hours[stage].append(working_hours_between(since, at, self.policy.calendar))
			self.stage_since = (state.stage, at)
		self._status(state.status, state.responsible, at)

	def _status(self, status: str, holder: str, at: datetime):
		if self.status_since is not None:
			old, since, old_holder = self.status_since
			if old == STATUS_AT_RISK and at > since:
				self.run.at_risk_seconds[old_holder] += (at - since).total_seconds()
			if old == status and old_holder == holder:
				return
		self.status_since = (status, at, holder)

	def pass_time(self, state: OrderState, to: datetime) -> OrderState:
		"""Let time alone move the status until `to`, as the sweep would at each moment it is due."""
		for _ in range(8):  # Open -> At Risk -> Overdue: a few moments at most
			_status, moment = status_and_next_check(state, self.now, self.policy)
			if moment is None or moment > to or moment <= self.now:
				break
			state = self.take(actions.refresh(state, moment, self.policy), moment)
		return state

	def close(self, state: OrderState, until: datetime):
		self._status(state.status, state.responsible, until)
		self.run.until = until


# --- counting -------------------------------------------------------------------------------------------


def late(row: Pending, until: datetime) -> bool:
	"""Past its due time before it was answered (or, still pending, before `until`)."""
	return (row.answered_on or until) > row.due_by


def figures(runs) -> dict:
	"""Per department: handoffs it was sent, those it answered late (SLA misses), escalations (handoffs and
	proposed dates left pending past their due time, which the sweep escalates once each), the order-days
	orders it held were At Risk, notices it got, proposed dates it answered; and the median working hours
	orders spent in each stage."""
	out = {name: Counter() for name in FIGURES}
	stage_hours = defaultdict(list)
	orders = refused = 0
	for run in runs:
		orders += 1
		refused += run.refused
		for row in run.handoffs:
			out["handoffs"][row.to_department] += 1
			if late(row, run.until):
				out["sla_misses"][row.to_department] += 1
				out["escalations"][row.to_department] += 1
		for row in run.promises:
			if late(row, run.until):
				out["escalations"][row.to_department] += 1
			if row.answered_by:
				out["promise_answers"][row.answered_by] += 1
		out["notices"].update(run.notices)
		for department, seconds in run.at_risk_seconds.items():
			out["at_risk_order_days"][department] += seconds / DAY_SECONDS
		for stage, hours in run.stage_hours.items():
			stage_hours[stage].extend(hours)
	result = {name: {k: round(v, 3) for k, v in sorted(c.items()) if v} for name, c in out.items()}
	result["stage_hours"] = {stage: round(median(hours), 2) for stage, hours in stage_hours.items() if hours}
	result["orders"] = orders
	result["refused_acts"] = refused
	return result


def holder_at(holders: list[tuple[datetime, str]], at: datetime) -> str | None:
	current = None
	for since, department in holders:
		if since > at:
			break
		current = department
	return current


def compare(actual: list[Run], what_if: list[Run]) -> dict:
	"""The runs of the real policies beside those of another, order by order, with the same keys; the orders
	whose holder differed at some moment are counted by the department that held them for real then."""
	changed = Counter()
	for a, b in zip(actual, what_if, strict=True):
		moments = sorted({at for at, _d in a.holders} | {at for at, _d in b.holders})
		for at in moments:
			if holder_at(a.holders, at) != holder_at(b.holders, at):
				changed[holder_at(a.holders, at)] += 1
				break
	result = {"actual": figures(actual), "what_if": figures(what_if)}
	for side in result.values():
		side["holder_changed_orders"] = {}
	result["what_if"]["holder_changed_orders"] = dict(sorted(changed.items()))
	result["holder_changed_total"] = sum(changed.values())
	return result
