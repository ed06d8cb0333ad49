"""Invariants of the lifecycle over arbitrary sequences of ERPNext events and department actions."""

import json
from dataclasses import replace
from datetime import date, datetime, timedelta

from helpers import T0, name_new, submitted
from hypothesis import given, settings
from hypothesis import strategies as st

from order_coordination.core import actions
from order_coordination.core import events as ev
from order_coordination.core import lifecycle as lc
from order_coordination.core.constants import (
	DEFAULT_DEPARTMENTS,
	DELIVERY_OUTCOMES,
	HANDOFF_PENDING,
	OWNERSHIP_MODELS,
	STAGES,
)
from order_coordination.core.derive import derive_status, status_and_next_check
from order_coordination.core.errors import CoordinationError
from order_coordination.core.model import AnswerHandoff, TimelineEntry
from order_coordination.core.policy import default_policy

WORK_ORDERS = ("WO-1", "WO-2")
percent = st.sampled_from([0, 25, 50, 100])

erpnext_events = st.one_of(
	st.builds(
		lambda kind, name, pct: ev.Event(
			kind, T0, "u", "Work Order", name, work_order=name, per_produced=pct
		),
		st.sampled_from(sorted(ev.WORK_ORDER_EVENTS)),
		st.sampled_from(WORK_ORDERS),
		percent,
	),
	st.builds(
		lambda kind, name, pct: ev.Event(kind, T0, "u", "Delivery Note", name, per_delivered=pct),
		st.sampled_from([ev.DELIVERY_NOTE_SUBMITTED, ev.DELIVERY_NOTE_CANCELLED]),
		st.sampled_from(("DN-1", "DN-2")),
		percent,
	),
	st.builds(
		lambda kind: ev.Event(kind, T0, "u", "Sales Order", "SO-1"),
		st.sampled_from(
			[
				ev.ORDER_HELD,
				ev.ORDER_RESUMED,
				ev.ORDER_CLOSED,
				ev.ORDER_REOPENED,
				ev.ORDER_COMPLETED,
				ev.ORDER_CANCELLED,
			]
		),
	),
	st.builds(
		lambda outcome: ev.Event(ev.DELIVERY_CONFIRMED, T0, "u", outcome=outcome),
		st.sampled_from(DELIVERY_OUTCOMES),
	),
	st.builds(
		lambda days: ev.Event(
			ev.DELIVERY_DATE_CHANGED, T0, "u", delivery_date=date(2026, 11, 23) + timedelta(days)
		),
		st.integers(-5, 60),
	),
)
department_actions = st.one_of(
	st.tuples(st.just("hand_off"), st.sampled_from(DEFAULT_DEPARTMENTS)),
	st.tuples(st.just("accept"), st.none()),
	st.tuples(st.just("reject"), st.sampled_from(["", "no capacity"])),
	st.tuples(st.just("cancel"), st.none()),
	st.tuples(st.just("raise"), st.none()),
	st.tuples(st.just("resolve"), st.none()),
)
work_order_events = st.builds(
	lambda kind, name, pct: ev.Event(kind, T0, "u", "Work Order", name, work_order=name, per_produced=pct),
	st.sampled_from(sorted(ev.WORK_ORDER_EVENTS)),
	st.sampled_from(WORK_ORDERS),
	st.sampled_from([None, 0, 0, 50, 100]),
)
steps = st.lists(st.one_of(work_order_events, erpnext_events, department_actions), max_size=25)


def act(state, action, policy):
	verb, arg = action
	name = state.pending.name if state.pending else "HO-none"
	if verb == "hand_off":
		return actions.hand_off(state, arg, policy, T0, "u")
	if verb == "accept":
		return actions.accept_handoff(state, name, policy, T0, "u")
	if verb == "reject":
		return actions.reject_handoff(state, name, arg, policy, T0, "u")
	if verb == "cancel":
		return actions.cancel_handoff(state, name, policy, T0, "u")
	if verb == "raise":
		return actions.raise_exception(state, "Quality Issue", "scratches", "Production", policy, T0, "u")
	exc = state.open_exceptions[0].name if state.open_exceptions else "EX-none"
	return actions.resolve_exception(state, exc, "fixed", policy, T0, "u")


class Ledger:
	"""The handoff rows the Frappe layer would hold, built from the effects alone."""

	def __init__(self, state):
		self.rows = {state.pending.name: HANDOFF_PENDING} if state.pending else {}

	def record(self, decision, named_state):
		for effect in decision.effects:
			if isinstance(effect, AnswerHandoff):
				assert self.rows.get(effect.handoff.name) == HANDOFF_PENDING
				self.rows[effect.handoff.name] = effect.status
		if named_state.pending and named_state.pending.name not in self.rows:
			self.rows[named_state.pending.name] = HANDOFF_PENDING

	@property
	def pending(self):
		return [n for n, status in self.rows.items() if status == HANDOFF_PENDING]


def run(policy, needs_manufacturing, sequence):
	state = submitted(policy, needs_manufacturing)
	ledger = Ledger(state)
	for item in sequence:
		before = state
		try:
			decision = (
				lc.apply(state, item, policy) if isinstance(item, ev.Event) else act(state, item, policy)
			)
		except CoordinationError:
			continue
		state = name_new(decision)
		ledger.record(decision, state)
		yield before, item, decision, state, ledger


@settings(max_examples=1000, deadline=None)
@given(st.sampled_from(OWNERSHIP_MODELS), st.booleans(), steps)
def test_a_stage_moves_back_only_when_a_document_is_undone(model, needs_manufacturing, sequence):
	for before, item, _, after, _ in run(default_policy(model), needs_manufacturing, sequence):
		if STAGES.index(after.stage) < STAGES.index(before.stage):
			assert isinstance(item, ev.Event) and item.is_reversal, (before.stage, after.stage, item)


@settings(max_examples=1000, deadline=None)
@given(st.sampled_from(OWNERSHIP_MODELS), st.booleans(), steps)
def test_replaying_an_event_changes_nothing(model, needs_manufacturing, sequence):
	policy = default_policy(model)
	for _, item, _, after, _ in run(policy, needs_manufacturing, sequence):
		if isinstance(item, ev.Event):
			again = lc.apply(after, item, policy)
			assert not again.changed and again.state == after


@settings(max_examples=1000, deadline=None)
@given(st.sampled_from(OWNERSHIP_MODELS), st.booleans(), steps)
def test_at_most_one_pending_handoff_and_it_matches_the_state(model, needs_manufacturing, sequence):
	for _, _, _, after, ledger in run(default_policy(model), needs_manufacturing, sequence):
		assert len(ledger.pending) <= 1
		assert ledger.pending == ([after.pending.name] if after.pending else [])


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(OWNERSHIP_MODELS), st.booleans(), steps)
def test_the_holder_changes_only_by_an_accepted_handoff(model, needs_manufacturing, sequence):
	for before, _, decision, after, _ in run(default_policy(model), needs_manufacturing, sequence):
		if after.responsible != before.responsible:
			accepted = [
				e for e in decision.effects if isinstance(e, AnswerHandoff) and e.status == "Accepted"
			]
			assert accepted and accepted[-1].handoff.to_department == after.responsible


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(OWNERSHIP_MODELS), st.booleans(), steps)
def test_every_change_is_logged(model, needs_manufacturing, sequence):
	for before, _, decision, after, _ in run(default_policy(model), needs_manufacturing, sequence):
		logged = {e.action for e in decision.effects if isinstance(e, TimelineEntry)}
		if after.stage != before.stage:
			assert "Stage Changed" in logged
		if after.status != before.status:
			assert "Status Changed" in logged
		if decision.changed:
			assert logged


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(OWNERSHIP_MODELS), st.booleans(), steps)
def test_the_stored_form_round_trips(model, needs_manufacturing, sequence):
	from order_coordination.core.serialize import facts_of, fields_of, state_from

	for _, _, _, after, _ in run(default_policy(model), needs_manufacturing, sequence):
		# dates come back from the database as strings or values; numbers as numbers
		fields = {k: (str(v) if isinstance(v, date | datetime) else v) for k, v in fields_of(after).items()}
		back = state_from(after.sales_order, fields, json.loads(json.dumps(facts_of(after))))
		assert back == after


@settings(max_examples=300, deadline=None)
@given(
	st.sampled_from(OWNERSHIP_MODELS),
	st.booleans(),
	steps,
	st.lists(st.floats(min_value=0, max_value=1), min_size=1, max_size=5),
	st.integers(min_value=-20, max_value=40),
)
def test_time_alone_changes_no_status_before_its_next_check(model, needs_manufacturing, sequence, at, days):
	"""The sweep reads an order again only at its next check: until then, its status holds."""
	policy = default_policy(model)
	for _, _, _, after, _ in run(policy, needs_manufacturing, sequence):
		state = replace(after, delivery_date=(T0 + timedelta(days=days)).date())
		now = T0 + timedelta(hours=3)
		status, next_check = status_and_next_check(state, now, policy)
		assert status == derive_status(state, now, policy)
		end = next_check or now + timedelta(days=120)
		for fraction in at:
			later = now + (end - now) * fraction
			if later < end:
				assert derive_status(state, later, policy) == status, (state, later, next_check)
