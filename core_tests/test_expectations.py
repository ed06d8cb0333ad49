"""Expectations learned from a company's own history, and the At Risk they allow."""

from dataclasses import replace
from datetime import date, datetime, timedelta

from helpers import T0, step, submitted, wo
from hypothesis import given
from hypothesis import strategies as st

from order_coordination.core import actions
from order_coordination.core import events as ev
from order_coordination.core.constants import (
	IN_PRODUCTION,
	ORDER_RECEIVED,
	PRODUCTION,
	PRODUCTION_PLANNING,
	READY_TO_SHIP,
	STATUS_AT_RISK,
	STATUS_OPEN,
	STATUS_OVERDUE,
)
from order_coordination.core.derive import status_reason
from order_coordination.core.expectations import learned_hours, stage_durations, tuning
from order_coordination.core.policy import default_policy

P = default_policy()


def hours(a, b):
	return (b - a).total_seconds() / 3600


def test_durations_are_the_time_to_the_next_stage_and_only_forward_moves_count():
	t = T0
	entries = [
		("SO-1", t, ORDER_RECEIVED),
		("SO-1", t + timedelta(hours=2), PRODUCTION_PLANNING),
		("SO-1", t + timedelta(hours=5), IN_PRODUCTION),
		("SO-1", t + timedelta(hours=6), PRODUCTION_PLANNING),  # fell back: In Production did not finish
		("SO-2", t, ORDER_RECEIVED),
		("SO-2", t + timedelta(hours=4), READY_TO_SHIP),
	]
	assert stage_durations(entries, hours) == {ORDER_RECEIVED: [2.0, 4.0], PRODUCTION_PLANNING: [3.0]}


def test_a_stage_is_learned_only_with_enough_history():
	assert learned_hours({ORDER_RECEIVED: [1.0] * 9}) == {}
	assert learned_hours({ORDER_RECEIVED: [1.0] * 5 + [3.0] * 6}) == {ORDER_RECEIVED: 3.0}


def test_a_new_order_is_open_unless_evidence_says_otherwise():
	# Due in a week; the policy's starting hours (128 h ahead) would say late: they are no evidence.
	state = submitted(P, delivery_date=date(2026, 11, 30))
	assert state.status == STATUS_OPEN and status_reason(state, T0, P) is None
	# A Work Order planned to end after the promise is.
	late_plan = datetime(2026, 12, 2, 17)
	state, _ = step(state, wo(ev.WORK_ORDER_SUBMITTED, planned_end=late_plan), P)
	assert state.status == STATUS_AT_RISK
	template, args = status_reason(state, T0, P)
	assert template.startswith("Work Order ends") and args == (late_plan.date(), date(2026, 11, 30))


def test_history_that_says_the_date_cannot_be_made_is_evidence_and_says_so():
	slow = replace(P, learned_hours={PRODUCTION_PLANNING: 24.0, IN_PRODUCTION: 60.0, READY_TO_SHIP: 8.0})
	state = submitted(slow, delivery_date=date(2026, 11, 30))
	assert state.status == STATUS_AT_RISK
	template, (finish, promised) = status_reason(state, T0, slow)
	assert "usually take" in template and finish > promised
	quick = replace(P, learned_hours={PRODUCTION_PLANNING: 2.0, IN_PRODUCTION: 6.0, READY_TO_SHIP: 2.0})
	assert submitted(quick, delivery_date=date(2026, 11, 30)).status == STATUS_OPEN


def test_overdue_says_why():
	state = submitted(P, delivery_date=date(2026, 11, 24))
	late = actions.refresh(state, datetime(2026, 11, 26, 10), P).state
	assert late.status == STATUS_OVERDUE
	assert status_reason(late, datetime(2026, 11, 26, 10), P)[0].startswith("The promised")


def test_once_production_accepts_the_order_is_in_production_planning():
	state = submitted(P)
	assert state.stage == ORDER_RECEIVED
	d = actions.accept_handoff(state, state.pending.name, P, T0 + timedelta(hours=1))
	assert (d.state.stage, d.state.responsible) == (PRODUCTION_PLANNING, PRODUCTION)
	assert d.state.pending is None  # the stage it moved to is Production's: nobody else is asked


def test_tuning_suggests_from_history_and_leaves_thin_stages_alone():
	answers = {ORDER_RECEIVED: [(h, h <= 8) for h in range(1, 13)]}
	durations = {PRODUCTION_PLANNING: [10.0] * 12, IN_PRODUCTION: [30.0] * 3}
	rows = {
		r["stage"]: r for r in tuning(answers, durations, {ORDER_RECEIVED: 8.0}, {PRODUCTION_PLANNING: 16.0})
	}
	received = rows[ORDER_RECEIVED]
	assert received["handoffs"] == 12 and round(received["missed_percent"], 1) == 33.3
	assert received["suggested_acceptance"] == 10.0  # p80 of 1..12 is 9.8, rounded up to the half hour
	assert rows[PRODUCTION_PLANNING]["suggested_completion"] == 10.0
	assert rows[IN_PRODUCTION]["suggested_completion"] is None  # three samples say too little


@given(st.lists(st.floats(min_value=0, max_value=400), min_size=0, max_size=40))
def test_learned_hours_lie_within_the_samples(values):
	learned = learned_hours({IN_PRODUCTION: values})
	if len(values) < 10:
		assert learned == {}
	else:
		assert min(values) - 0.01 <= learned[IN_PRODUCTION] <= max(values) + 0.01
