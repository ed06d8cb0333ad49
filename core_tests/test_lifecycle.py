from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from helpers import T0, dn, name_new, step, submitted, wo
from hypothesis import given
from hypothesis import strategies as st

from order_coordination.core import actions
from order_coordination.core import events as ev
from order_coordination.core import lifecycle as lc
from order_coordination.core.constants import (
	COMPLETED,
	DELIVERED,
	IN_PRODUCTION,
	LOGISTICS,
	ORDER_RECEIVED,
	PARTIALLY_SHIPPED,
	PRODUCTION,
	PRODUCTION_DELAY,
	PRODUCTION_LED,
	PRODUCTION_PLANNING,
	READY_TO_SHIP,
	SALES,
	SHIPPED,
	STATUS_AT_RISK,
	STATUS_CANCELLED,
	STATUS_COMPLETED,
	STATUS_ON_HOLD,
	STATUS_OPEN,
	STATUS_OVERDUE,
)
from order_coordination.core.errors import CoordinationError
from order_coordination.core.model import (
	AnswerHandoff,
	Notify,
	RaiseException,
	ResolveException,
	TimelineEntry,
)
from order_coordination.core.policy import default_policy

P = default_policy()


def effects_of(decision, kind):
	return [e for e in decision.effects if isinstance(e, kind)]


def test_a_manufactured_order_is_received_by_sales_and_handed_to_production():
	state = submitted(P)
	assert (state.stage, state.status, state.responsible) == (ORDER_RECEIVED, STATUS_OPEN, SALES)
	assert state.pending.from_department == SALES and state.pending.to_department == PRODUCTION
	assert state.pending.due_by == datetime(2026, 11, 23, 17)  # eight working hours


def test_a_stock_order_is_handed_to_logistics():
	state = submitted(P, needs_manufacturing=False)
	assert state.pending.to_department == LOGISTICS


def test_make_to_order_from_receipt_to_completion():
	state = submitted(P)
	state, d = step(state, wo(ev.WORK_ORDER_SUBMITTED, planned_end=T0 + timedelta(days=3)), P)
	assert state.stage == PRODUCTION_PLANNING and state.responsible == PRODUCTION and state.pending is None
	accepted = effects_of(d, AnswerHandoff)
	assert accepted and accepted[0].status == "Accepted"
	state, _ = step(state, wo(ev.WORK_ORDER_STARTED, per_produced=0), P)
	assert state.stage == IN_PRODUCTION
	state, d = step(state, wo(ev.WORK_ORDER_COMPLETED, per_produced=100), P)
	assert state.stage == READY_TO_SHIP
	assert state.pending.from_department == PRODUCTION and state.pending.to_department == LOGISTICS
	state, _ = step(state, dn(ev.DELIVERY_NOTE_SUBMITTED, 100), P)
	assert state.stage == SHIPPED and state.responsible == LOGISTICS and state.pending is None
	state, d = step(state, ev.Event(ev.DELIVERY_CONFIRMED, T0, "clerk", outcome="Delivered"), P)
	assert state.stage == DELIVERED
	notified = effects_of(d, Notify)
	assert notified and set(notified[0].departments) == {SALES, PRODUCTION}
	state, _ = step(state, ev.Event(ev.ORDER_COMPLETED, T0, ref_doctype="Sales Order", ref_name="SO-1"), P)
	assert (state.stage, state.status) == (COMPLETED, STATUS_COMPLETED)


def test_two_partial_deliveries_from_stock():
	state = submitted(P, needs_manufacturing=False)
	state, _ = step(state, dn(ev.DELIVERY_NOTE_SUBMITTED, 40, "DN-1"), P)
	assert state.stage == PARTIALLY_SHIPPED and state.responsible == LOGISTICS
	state, _ = step(state, dn(ev.DELIVERY_NOTE_SUBMITTED, 100, "DN-2"), P)
	assert state.stage == SHIPPED
	state, _ = step(state, dn(ev.DELIVERY_NOTE_CANCELLED, 40, "DN-2"), P)
	assert state.stage == PARTIALLY_SHIPPED


def test_accepting_a_stock_order_makes_it_ready_to_ship():
	state = submitted(P, needs_manufacturing=False)
	state = name_new(actions.accept_handoff(state, state.pending.name, P, T0, "clerk"))
	assert state.stage == READY_TO_SHIP and state.responsible == LOGISTICS


def test_rejection_needs_a_reason_keeps_the_holder_and_allows_a_new_handoff():
	state = submitted(P)
	with pytest.raises(CoordinationError, match="reason"):
		actions.reject_handoff(state, state.pending.name, "  ", P, T0)
	d = actions.reject_handoff(state, state.pending.name, "No capacity this week", P, T0, "planner")
	state = name_new(d)
	assert state.responsible == SALES and state.pending is None
	assert effects_of(d, AnswerHandoff)[0].reason == "No capacity this week"
	# The sender is told first; the matrix informs Logistics of the stage too (Production rejected it).
	assert effects_of(d, Notify)[0].departments == (SALES, LOGISTICS)
	state = name_new(actions.hand_off(state, PRODUCTION, P, T0, "sales", note="Capacity freed"))
	assert state.pending.to_department == PRODUCTION


def test_illegal_moves_are_refused():
	state = submitted(P)
	with pytest.raises(CoordinationError, match="already has a pending handoff"):
		actions.hand_off(state, LOGISTICS, P, T0)
	accepted = name_new(actions.accept_handoff(state, state.pending.name, P, T0))
	with pytest.raises(CoordinationError, match="no longer pending"):
		actions.accept_handoff(accepted, state.pending.name, P, T0)
	with pytest.raises(CoordinationError, match="already holds"):
		actions.hand_off(accepted, PRODUCTION, P, T0)
	with pytest.raises(CoordinationError):
		lc.apply(state, ev.Event("order_teleported", T0), P)


def test_the_holder_changes_on_acceptance_not_on_sending():
	state = submitted(P)
	assert state.responsible == SALES
	state = name_new(actions.accept_handoff(state, state.pending.name, P, T0))
	assert state.responsible == PRODUCTION


def test_cancelling_a_work_order_moves_the_order_back_and_withdraws_its_handoff():
	state = submitted(P)
	state, _ = step(state, wo(ev.WORK_ORDER_SUBMITTED), P)
	state, _ = step(state, wo(ev.WORK_ORDER_COMPLETED, per_produced=100), P)
	assert state.stage == READY_TO_SHIP and state.pending.to_department == LOGISTICS
	state, d = step(state, wo(ev.WORK_ORDER_CANCELLED, per_produced=0), P)
	assert state.stage == ORDER_RECEIVED and state.pending is None
	assert effects_of(d, AnswerHandoff)[0].status == "Cancelled"


def test_a_stopped_work_order_holds_the_order_until_it_runs_again():
	state = submitted(P, delivery_date=date(2027, 3, 1))
	state, _ = step(state, wo(ev.WORK_ORDER_SUBMITTED), P)
	state, d = step(state, wo(ev.WORK_ORDER_STOPPED), P)
	assert state.status == STATUS_ON_HOLD
	raised = effects_of(d, RaiseException)
	assert raised[0].exception.exception_type == PRODUCTION_DELAY
	state, d = step(state, wo(ev.WORK_ORDER_RESUMED), P)
	assert effects_of(d, ResolveException) and state.status == STATUS_OPEN


def test_order_cancel_cancels_pending_handoffs():
	state = submitted(P)
	state, d = step(state, ev.Event(ev.ORDER_CANCELLED, T0, ref_doctype="Sales Order", ref_name="SO-1"), P)
	assert state.status == STATUS_CANCELLED and state.pending is None
	assert effects_of(d, AnswerHandoff)[0].status == "Cancelled"
	with pytest.raises(CoordinationError):
		actions.hand_off(state, LOGISTICS, P, T0)


def test_hold_resume_and_close_mirror_the_sales_order():
	state = submitted(P, delivery_date=date(2027, 3, 1))
	state, _ = step(state, ev.Event(ev.ORDER_HELD, T0), P)
	assert state.status == STATUS_ON_HOLD
	state, _ = step(state, ev.Event(ev.ORDER_RESUMED, T0), P)
	assert state.status == STATUS_OPEN
	state, _ = step(state, ev.Event(ev.ORDER_CLOSED, T0), P)
	assert state.stage == COMPLETED and state.pending is None
	state, _ = step(state, ev.Event(ev.ORDER_REOPENED, T0), P)
	assert state.stage == ORDER_RECEIVED


def test_jeopardy_follows_the_delivery_date():
	# The policy's starting hours are a guess: a new order due tomorrow is Open until evidence says more.
	assert submitted(P, delivery_date=date(2026, 11, 24)).status == STATUS_OPEN
	# This company's history shows production takes days: then tomorrow cannot be made.
	learned = replace(P, learned_hours={"Production Planning": 16.0, "In Production": 40.0})
	state = submitted(learned, delivery_date=date(2026, 11, 24))
	assert state.status == STATUS_AT_RISK
	state, d = step(state, ev.Event(ev.DELIVERY_DATE_CHANGED, T0, delivery_date=date(2027, 1, 29)), learned)
	assert state.status == STATUS_OPEN
	assert any(isinstance(e, TimelineEntry) and e.action == "Delivery Date Changed" for e in d.effects)
	late = actions.refresh(state, datetime(2027, 2, 1, 10), learned)
	assert late.state.status == STATUS_OVERDUE


def test_planned_end_of_work_orders_drives_the_expected_finish():
	state = submitted(P, delivery_date=date(2026, 12, 4))
	state, _ = step(state, wo(ev.WORK_ORDER_SUBMITTED, planned_end=datetime(2026, 11, 25, 17)), P)
	assert state.status == STATUS_OPEN
	state, _ = step(state, wo(ev.WORK_ORDER_SUBMITTED, "WO-2", planned_end=datetime(2026, 12, 10, 17)), P)
	assert state.status == STATUS_AT_RISK


def test_delivery_outcomes():
	state = submitted(P, needs_manufacturing=False)
	with pytest.raises(CoordinationError, match="shipped"):
		lc.apply(state, ev.Event(ev.DELIVERY_CONFIRMED, T0, outcome="Delivered"), P)
	state, _ = step(state, dn(ev.DELIVERY_NOTE_SUBMITTED, 100), P)
	with pytest.raises(CoordinationError, match="not a delivery outcome"):
		lc.apply(state, ev.Event(ev.DELIVERY_CONFIRMED, T0, outcome="Lost"), P)
	state, d = step(state, ev.Event(ev.DELIVERY_CONFIRMED, T0, outcome="Damaged", note="Crushed box"), P)
	assert state.status == STATUS_ON_HOLD and state.stage == SHIPPED
	assert effects_of(d, RaiseException)[0].exception.exception_type == "Damaged in Transit"


def test_exceptions_hold_the_order_until_resolved():
	state = submitted(P, delivery_date=date(2027, 3, 1))
	with pytest.raises(CoordinationError):
		actions.raise_exception(state, "Alien Invasion", "x", SALES, P, T0)
	with pytest.raises(CoordinationError):
		actions.raise_exception(state, "Material Shortage", "", SALES, P, T0)
	state = name_new(actions.raise_exception(state, "Material Shortage", "No steel", PRODUCTION, P, T0))
	assert state.status == STATUS_ON_HOLD
	name = state.open_exceptions[0].name
	with pytest.raises(CoordinationError):
		actions.resolve_exception(state, name, "", P, T0)
	state = name_new(actions.resolve_exception(state, name, "Steel arrived", P, T0))
	assert state.status == STATUS_OPEN and not state.open_exceptions


def test_a_production_led_policy_changes_accountability_only():
	policy = default_policy(PRODUCTION_LED)
	state = submitted(policy)
	assert state.accountable == PRODUCTION and state.responsible == SALES


def test_a_late_status_event_does_not_reopen_a_finished_work_order():
	state = submitted(P)
	state, _ = step(state, wo(ev.WORK_ORDER_COMPLETED, per_produced=100), P)
	state2, d = step(state, wo(ev.WORK_ORDER_STARTED, per_produced=50), P)
	assert not d.changed and state2 == state


def test_start_requires_a_submission():
	with pytest.raises(CoordinationError):
		lc.start_order(ev.Event(ev.ORDER_CANCELLED, T0), P)


def test_handoff_withdrawn_by_sender():
	state = submitted(P)
	state = name_new(actions.cancel_handoff(state, state.pending.name, P, T0))
	assert state.pending is None and state.responsible == SALES
	assert replace(state, pending=None) == state


def test_an_order_shipped_in_full_is_not_overdue_while_delivery_awaits_confirmation():
	state = submitted(P, needs_manufacturing=False, delivery_date=date(2026, 11, 25))
	state, _ = step(state, dn(ev.DELIVERY_NOTE_SUBMITTED, 100), P)
	assert actions.refresh(state, datetime(2026, 12, 10, 10), P).state.status == STATUS_OPEN
	partial = submitted(P, needs_manufacturing=False, delivery_date=date(2026, 11, 25), name="SO-2")
	partial, _ = step(partial, dn(ev.DELIVERY_NOTE_SUBMITTED, 50), P)
	assert actions.refresh(partial, datetime(2026, 12, 10, 10), P).state.status == STATUS_OVERDUE


def test_a_return_moves_the_order_back_and_tells_the_promise_owner_the_holder_and_the_matrix():
	state = submitted(P, needs_manufacturing=False)
	state, _ = step(state, dn(ev.DELIVERY_NOTE_SUBMITTED, 100, "DN-1"), P)
	state, _ = step(state, ev.Event(ev.DELIVERY_CONFIRMED, T0, outcome="Delivered"), P)
	assert state.stage == DELIVERED
	state, d = step(state, dn(ev.DELIVERY_RETURNED, 60, "DN-RET-1"), P)
	assert (state.stage, state.per_delivered, state.confirmed_delivered) == (PARTIALLY_SHIPPED, 60, 60)
	notices = effects_of(d, Notify)
	assert notices and notices[0].departments[:2] == (SALES, LOGISTICS)
	# Production is Informed of returns, but has no part in an order served from stock: it is not told.
	assert set(notices[0].departments) == {SALES, LOGISTICS}
	state, _ = step(state, dn(ev.DELIVERY_RETURNED, 0, "DN-RET-2"), P)
	assert (state.stage, state.per_delivered) == (READY_TO_SHIP, 0)


def test_nothing_is_confirmed_or_raised_on_an_order_no_longer_active():
	state = submitted(P, needs_manufacturing=False)
	state, _ = step(state, dn(ev.DELIVERY_NOTE_SUBMITTED, 100), P)
	state, _ = step(state, ev.Event(ev.ORDER_CLOSED, T0), P)
	assert state.stage == COMPLETED
	decision = lc.apply(state, ev.Event(ev.DELIVERY_CONFIRMED, T0, outcome="Refused"), P)
	assert not decision.changed
	with pytest.raises(CoordinationError, match="no longer active"):
		actions.raise_exception(state, "Quality Issue", "late complaint", SALES, P, T0)


def test_an_order_waiting_for_the_customers_advance_stays_with_sales():
	state = submitted(P)
	assert state.pending.to_department == PRODUCTION
	state, d = step(state, ev.Event(ev.ORDER_AWAITING_PAYMENT, T0), P)
	assert state.pending is None and state.responsible == SALES
	assert effects_of(d, AnswerHandoff)[0].status == "Cancelled"
	assert ev.order_state_event(state.so_state, ev.order_state_of("To Deliver and Bill")) == ev.ORDER_PAID
	state, _ = step(state, ev.Event(ev.ORDER_PAID, T0), P)
	assert state.pending.to_department == PRODUCTION and state.responsible == SALES


def test_production_accepting_an_order_that_waits_for_its_advance_does_not_start_planning():
	state = submitted(P)
	state, _ = step(state, ev.Event(ev.ORDER_AWAITING_PAYMENT, T0), P)
	state = name_new(actions.hand_off(state, PRODUCTION, P, T0))
	state = name_new(actions.accept_handoff(state, state.pending.name, P, T0))
	assert state.stage == ORDER_RECEIVED and not state.planning_accepted


def test_the_next_promised_date_is_the_earliest_commitment_not_yet_delivered():
	from order_coordination.core.derive import next_promised_date

	d1, d2, d3 = date(2026, 12, 1), date(2026, 12, 8), date(2026, 12, 15)
	# v15: line dates.
	assert next_promised_date([("a", d2, 5, 0), ("b", d1, 5, 0)]) == d1
	assert next_promised_date([("a", d2, 5, 0), ("b", d1, 5, 5)]) == d2
	assert next_promised_date([("a", d2, 5, 5), ("b", d1, 5, 5)]) is None
	# v16: a line delivered in tranches is due by its first tranche not yet covered.
	schedule = {"a": [(d1, 2), (d2, 2), (d3, 6)]}
	assert next_promised_date([("a", d1, 10, 0)], schedule) == d1
	assert next_promised_date([("a", d1, 10, 3)], schedule) == d2
	assert next_promised_date([("a", d1, 10, 4)], schedule) == d3
	assert next_promised_date([("a", d1, 10, 10)], schedule) is None


def test_an_expected_date_is_shown_only_on_evidence_and_never_contradicts_the_status():
	from order_coordination.core.derive import finish_evidence, honest_finish

	# Day one: no history, no plan. No date made of default hours: the stages ahead are named unknown.
	state = submitted(P, delivery_date=date(2026, 11, 25))
	assert state.status == STATUS_OPEN
	assert honest_finish(state, T0, P) is None
	assert "In Production" in finish_evidence(state, P).unknown
	# A stock order whose stages ahead have history: the date is the one that decides At Risk.
	learned = replace(
		P, learned_hours={s: 8.0 for s in ("Order Received", "Ready to Ship", "Shipped", "Partially Shipped")}
	)
	stock = submitted(learned, needs_manufacturing=False, delivery_date=date(2026, 11, 23))
	evidence = finish_evidence(stock, learned)
	assert (evidence.history, evidence.unknown) == (True, ())
	finish = honest_finish(stock, T0, learned)
	assert finish is not None and finish.date() > stock.delivery_date
	assert stock.status == STATUS_AT_RISK  # the date shown and the status say the same
	# A Work Order's plan covers production; the stages after it still have no history here.
	made = submitted(P, delivery_date=date(2026, 12, 4))
	made, _ = step(made, wo(ev.WORK_ORDER_SUBMITTED, planned_end=datetime(2026, 12, 10, 17)), P)
	evidence = finish_evidence(made, P)
	assert evidence.plans and "In Production" not in evidence.unknown and evidence.unknown
	assert honest_finish(made, T0, P) is None


@given(
	st.dictionaries(
		st.sampled_from(
			["Order Received", "Production Planning", "In Production", "Ready to Ship", "Shipped"]
		),
		st.floats(min_value=0, max_value=200),
	),
	st.booleans(),
	st.integers(min_value=0, max_value=40),
)
def test_a_shown_expected_date_after_the_promise_always_comes_with_at_risk(learned_hours, made, days):
	from order_coordination.core.derive import honest_finish

	policy = replace(P, learned_hours=learned_hours)
	state = submitted(
		policy, needs_manufacturing=made, delivery_date=date(2026, 11, 23) + timedelta(days=days)
	)
	finish = honest_finish(state, T0, policy)
	if finish is not None:
		assert (finish.date() > state.delivery_date) == (state.status == STATUS_AT_RISK)


def test_a_department_with_no_part_in_the_order_is_not_told_and_a_resolution_is():
	from order_coordination.core.responsibility import audience, off_path

	assert off_path(P.matrix, ["Order Received", "Ready to Ship", "Shipped", "Delivered"]) == {PRODUCTION}
	made = audience(P.matrix, "Order Received", path=list(P.matrix))
	stock = audience(P.matrix, "Order Received", path=["Order Received", "Ready to Ship", "Shipped"])
	assert PRODUCTION in made and PRODUCTION not in stock
	# A department only ever kept informed is told whatever the order's path.
	observer = {**P.matrix, "Order Received": {**P.matrix["Order Received"], "Finance": "Informed"}}
	assert "Finance" in audience(observer, "Order Received", path=["Order Received"])
	# Resolving an exception tells the holder (and the matrix), not only the timeline.
	state = submitted(P, delivery_date=date(2027, 3, 1))
	state = name_new(actions.raise_exception(state, "Material Shortage", "No steel", PRODUCTION, P, T0))
	decision = actions.resolve_exception(state, state.open_exceptions[0].name, "Steel arrived", P, T0)
	notices = effects_of(decision, Notify)
	assert notices and "resolved" in notices[0].subject and SALES in notices[0].departments
