"""Promise changes: proposed by one department, answered by the other, the first promise kept."""

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from helpers import T0, dn, name_new, step, submitted, wo
from hypothesis import given
from hypothesis import strategies as st

from order_coordination.core import events as ev
from order_coordination.core import promise
from order_coordination.core.constants import (
	CAPACITY,
	CUSTOMER_REQUEST,
	LOGISTICS,
	NOTICE_KINDS,
	NOTICE_PROMISE,
	PRODUCTION,
	PROMISE_ACCEPTED,
	PROMISE_CANCELLED,
	PROMISE_DECLINED,
	SALES,
	STATUS_AT_RISK,
	STATUS_OPEN,
	STATUS_OVERDUE,
	TIMELINE_PROMISE_ACCEPTED,
	TIMELINE_PROMISE_PROPOSED,
	TIMELINE_PROMISE_WITHDRAWN,
)
from order_coordination.core.errors import CoordinationError
from order_coordination.core.model import AnswerPromise, Notify, SendPromise, TimelineEntry
from order_coordination.core.policy import default_policy
from order_coordination.core.responsibility import audience, duties

P = default_policy()
TODAY = T0.date()
LATER = T0 + timedelta(hours=1)


def effects(decision, kind):
	return [e for e in decision.effects if isinstance(e, kind)]


def in_production(delivery_date=date(2026, 12, 31)):
	state = submitted(P, delivery_date=delivery_date)
	state, _ = step(state, wo(ev.WORK_ORDER_SUBMITTED), P)
	return state


def test_production_proposes_to_sales_and_acceptance_moves_the_promise_and_keeps_the_first():
	state = in_production()
	assert state.original_delivery_date == date(2026, 12, 31)
	d = promise.propose(
		state, PRODUCTION, date(2027, 1, 8), CAPACITY, P, T0, TODAY, "planner", "one press down"
	)
	state = name_new(d)
	sent = effects(d, SendPromise)[0].proposal
	assert (sent.from_department, sent.to_department, sent.old_date) == (
		PRODUCTION,
		SALES,
		date(2026, 12, 31),
	)
	assert sent.due_by == datetime(2026, 11, 23, 17)  # the acceptance SLA of the stage, working hours
	assert state.delivery_date == date(2026, 12, 31)  # nothing moves before Sales agrees
	assert [e.action for e in effects(d, TimelineEntry)] == [TIMELINE_PROMISE_PROPOSED]
	assert effects(d, Notify)[0].departments[0] == SALES
	d = promise.accept(state, state.pending_promise.name, P, LATER, "seller")
	assert (d.state.delivery_date, d.state.original_delivery_date) == (date(2027, 1, 8), date(2026, 12, 31))
	assert d.state.pending_promise is None
	assert effects(d, AnswerPromise)[0].status == PROMISE_ACCEPTED
	assert TIMELINE_PROMISE_ACCEPTED in [e.action for e in effects(d, TimelineEntry)]


def test_an_accepted_change_recomputes_the_status_at_once():
	state = in_production(delivery_date=date(2026, 11, 20))  # already past
	assert state.status == STATUS_OVERDUE
	state = name_new(promise.propose(state, PRODUCTION, date(2027, 3, 1), CAPACITY, P, T0, TODAY))
	d = promise.accept(state, state.pending_promise.name, P, LATER)
	assert d.state.status == STATUS_OPEN


def test_the_promise_written_into_erpnext_wins_over_the_proposed_date():
	state = name_new(promise.propose(in_production(), PRODUCTION, date(2027, 1, 8), CAPACITY, P, T0, TODAY))
	d = promise.accept(state, state.pending_promise.name, P, LATER, new_promise=date(2027, 1, 2))
	assert d.state.delivery_date == date(2027, 1, 2)  # an untouched line is due earlier


def test_decline_needs_a_reason_and_keeps_the_promise():
	state = name_new(promise.propose(in_production(), LOGISTICS, date(2027, 1, 8), "Carrier", P, T0, TODAY))
	with pytest.raises(CoordinationError, match="reason"):
		promise.decline(state, state.pending_promise.name, " ", P, LATER)
	d = promise.decline(state, state.pending_promise.name, "Customer will not wait", P, LATER, "seller")
	assert d.state.delivery_date == date(2026, 12, 31) and d.state.pending_promise is None
	answer = effects(d, AnswerPromise)[0]
	assert (answer.status, answer.reason) == (PROMISE_DECLINED, "Customer will not wait")
	assert effects(d, Notify)[0].departments == (LOGISTICS,)  # the proposer, and no one else


def test_a_customer_request_goes_from_sales_to_the_working_department():
	state = in_production()
	d = promise.propose(state, SALES, date(2027, 2, 1), CUSTOMER_REQUEST, P, T0, TODAY)
	assert effects(d, SendPromise)[0].proposal.to_department == PRODUCTION
	fresh = submitted(P, needs_manufacturing=False)
	d = promise.propose(fresh, SALES, date(2027, 2, 1), CUSTOMER_REQUEST, P, T0, TODAY)
	assert effects(d, SendPromise)[0].proposal.to_department == LOGISTICS


def test_bad_proposals_are_refused():
	state = in_production()
	with pytest.raises(CoordinationError, match="today or later"):
		promise.propose(state, PRODUCTION, TODAY - timedelta(days=1), CAPACITY, P, T0, TODAY)
	with pytest.raises(CoordinationError, match="not a reason"):
		promise.propose(state, PRODUCTION, date(2027, 1, 8), "Because", P, T0, TODAY)
	with pytest.raises(CoordinationError, match="already promised"):
		promise.propose(state, PRODUCTION, date(2026, 12, 31), CAPACITY, P, T0, TODAY)
	narrow = replace(P, promise_proposers=(PRODUCTION,))
	with pytest.raises(CoordinationError, match="may not propose"):
		promise.propose(state, LOGISTICS, date(2027, 1, 8), CAPACITY, narrow, T0, TODAY)
	with pytest.raises(CoordinationError, match="no longer pending"):
		promise.accept(state, "PC-nope", P, LATER)


def test_a_newer_proposal_replaces_the_pending_one_and_cancelling_the_order_withdraws_it():
	state = name_new(promise.propose(in_production(), PRODUCTION, date(2027, 1, 8), CAPACITY, P, T0, TODAY))
	first = state.pending_promise
	d = promise.propose(state, LOGISTICS, date(2027, 1, 15), "Carrier", P, LATER, TODAY)
	withdrawn = effects(d, AnswerPromise)[0]
	assert (withdrawn.proposal.name, withdrawn.status) == (first.name, PROMISE_CANCELLED)
	state = name_new(d)
	cancel = ev.Event(ev.ORDER_CANCELLED, LATER, "seller", "Sales Order", "SO-1")
	state2, d = step(state, cancel, P)
	assert state2.pending_promise is None
	assert effects(d, AnswerPromise)[0].status == PROMISE_CANCELLED
	assert TIMELINE_PROMISE_WITHDRAWN in [e.action for e in effects(d, TimelineEntry)]


def test_lines_only_proposals_may_keep_the_order_date():
	state = in_production()
	d = promise.propose(
		state,
		PRODUCTION,
		date(2026, 12, 31),
		CAPACITY,
		P,
		T0,
		TODAY,
		items=["L2", "L2"],
		old_date=date(2026, 12, 20),
	)
	proposal = effects(d, SendPromise)[0].proposal
	assert proposal.items == ("L2",) and proposal.old_date == date(2026, 12, 20)


def test_the_matrix_decides_who_is_told():
	matrix = {stage: dict(row) for stage, row in P.matrix.items()}
	for row in matrix.values():
		row.pop(LOGISTICS if row.get(LOGISTICS) == "Informed" else "", None)
	quiet = replace(P, matrix=matrix)
	state = in_production()
	d = promise.propose(state, PRODUCTION, date(2027, 1, 8), CAPACITY, quiet, T0, TODAY)
	assert set(effects(d, Notify)[0].departments) == {SALES}
	loud = promise.propose(state, PRODUCTION, date(2027, 1, 8), CAPACITY, P, T0, TODAY)
	assert set(effects(loud, Notify)[0].departments) == {SALES, LOGISTICS}
	off = replace(P, notices={**P.notices, NOTICE_PROMISE: False})
	d = promise.propose(state, PRODUCTION, date(2027, 1, 8), CAPACITY, off, T0, TODAY)
	assert effects(d, Notify)[0].departments == (SALES,)  # whoever must answer is always told


def test_delivery_outcomes_go_to_whom_the_matrix_names_not_to_fixed_departments():
	matrix = {stage: dict(row) for stage, row in P.matrix.items()}
	matrix["Shipped"].pop(PRODUCTION)
	policy = replace(P, matrix=matrix)
	state = submitted(policy, needs_manufacturing=False)
	state, _ = step(state, dn(ev.DELIVERY_NOTE_SUBMITTED, 100), policy)
	_, d = step(state, ev.Event(ev.DELIVERY_CONFIRMED, T0, outcome="Delivered"), policy)
	assert effects(d, Notify)[0].departments == (SALES,)
	off = replace(policy, notices={kind: False for kind in NOTICE_KINDS})
	_, d = step(state, ev.Event(ev.DELIVERY_CONFIRMED, T0, outcome="Delivered"), off)
	assert not effects(d, Notify)


def test_duties_of_a_stage():
	assert duties(P.matrix, "In Production") == {
		"responsible": PRODUCTION,
		"accountable": SALES,
		"informed": [LOGISTICS],
	}
	assert audience(P.matrix, "In Production", (), actor=PRODUCTION) == (SALES, LOGISTICS)


@given(st.lists(st.sampled_from([PRODUCTION, LOGISTICS, SALES]), min_size=1, max_size=6), st.data())
def test_the_first_promise_never_moves_and_at_most_one_proposal_is_pending(proposers, data):
	state = in_production()
	first = state.original_delivery_date
	for i, who in enumerate(proposers):
		new = date(2027, 1, 1) + timedelta(days=i + 1)
		state = name_new(promise.propose(state, who, new, CUSTOMER_REQUEST, P, T0, TODAY))
		if data.draw(st.booleans()):
			state = promise.accept(state, state.pending_promise.name, P, LATER).state
			assert state.delivery_date == new and state.pending_promise is None
		assert state.original_delivery_date == first
	assert state.status in (STATUS_OPEN, STATUS_AT_RISK)
