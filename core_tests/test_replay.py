"""The what-if replay: an order's real history run again through the rules under another policy."""

from collections import Counter
from dataclasses import replace
from datetime import date, datetime, timedelta

from helpers import T0, dn, name_new, wo
from hypothesis import given, settings
from hypothesis import strategies as st

from order_coordination.core import actions, lifecycle, promise
from order_coordination.core import events as ev
from order_coordination.core import replay as rp
from order_coordination.core.constants import (
	CAPACITY,
	INFORMED,
	LOGISTICS,
	OTHER,
	PRODUCTION,
	PRODUCTION_PLANNING,
	READY_TO_SHIP,
	RESPONSIBLE,
	SALES,
	STAGES,
)
from order_coordination.core.model import AnswerHandoff, Notify, SendHandoff
from order_coordination.core.policy import default_policy

POLICY = default_policy()
FAR = datetime(2027, 6, 1)
START = ev.Event(
	ev.ORDER_SUBMITTED,
	T0,
	"sales@example.com",
	"Sales Order",
	"SO-1",
	needs_manufacturing=True,
	delivery_date=date(2026, 12, 4),
)


def at(hours: float) -> datetime:
	return T0 + timedelta(hours=hours)


def a_week():
	"""A made-to-order order's week: Production takes it on late, rejects a handoff once, proposes a
	later date that Sales accepts, and Logistics ships it."""
	return rp.History(
		START,
		(
			rp.Act(rp.REJECT, at(30), reason="Capacity full"),
			rp.Act(rp.SEND, at(31), department=PRODUCTION),
			rp.Act(rp.ACCEPT, at(50)),
			wo(ev.WORK_ORDER_SUBMITTED, at=at(51)),
			rp.Act(rp.PROPOSE, at(52), department=PRODUCTION, new_date=date(2026, 12, 9), reason=CAPACITY),
			rp.Act(rp.PROMISE_ACCEPT, at(53), new_date=date(2026, 12, 9)),
			ev.Event(
				ev.DELIVERY_DATE_CHANGED, at(53), None, "Sales Order", "SO-1", delivery_date=date(2026, 12, 9)
			),
			wo(ev.WORK_ORDER_STARTED, at=at(70)),
			wo(ev.WORK_ORDER_COMPLETED, per_produced=100, at=at(120)),
			rp.Act(rp.ACCEPT, at(140)),
			dn(ev.DELIVERY_NOTE_SUBMITTED, 100, at=at(150)),
		),
	)


def live(history: rp.History, policy=POLICY):
	"""The week as the live path lived it: each fact applied as it came, each person acting on the handoff
	or proposal that was in front of them; what it sent and told, counted plainly."""
	state = name_new(lifecycle.start_order(history.start, policy))
	sent, late, told, holders = Counter(), Counter(), Counter(), [state.responsible]
	decisions = []
	for step in sorted(history.steps, key=rp.step_time):
		if isinstance(step, rp.Act):
			if step.kind == rp.SEND:
				decision = actions.hand_off(state, step.department, policy, step.at)
			elif step.kind == rp.ACCEPT:
				decision = actions.accept_handoff(state, state.pending.name, policy, step.at)
			elif step.kind == rp.REJECT:
				decision = actions.reject_handoff(state, state.pending.name, step.reason, policy, step.at)
			elif step.kind == rp.PROPOSE:
				decision = promise.propose(
					state, step.department, step.new_date, step.reason, policy, step.at, step.at.date()
				)
			elif step.kind == rp.PROMISE_ACCEPT:
				decision = promise.accept(
					state, state.pending_promise.name, policy, step.at, new_promise=step.new_date
				)
		else:
			decision = lifecycle.apply(state, step, policy)
		decisions.append(decision)
		state = name_new(decision) if decision.changed else state
		if holders[-1] != state.responsible:
			holders.append(state.responsible)
	for decision in [lifecycle.start_order(history.start, policy), *decisions]:
		for effect in decision.effects:
			if isinstance(effect, SendHandoff):
				sent[effect.handoff.to_department] += 1
			elif isinstance(effect, AnswerHandoff) and effect.at > effect.handoff.due_by:
				late[effect.handoff.to_department] += 1
			elif isinstance(effect, Notify):
				told.update(effect.departments)
	return dict(sent), dict(late), dict(told), holders


def test_the_same_policy_gives_what_really_happened():
	history = a_week()
	run = rp.replay_order(history, POLICY, FAR)
	counted = rp.figures([run])
	sent, late, told, holders = live(history)
	assert counted["handoffs"] == sent == {PRODUCTION: 2, LOGISTICS: 1}
	# Eight working hours to accept: the first handoff (Monday 9:00) was rejected on Tuesday at 15:00.
	assert counted["sla_misses"] == late == {PRODUCTION: 1}
	assert counted["notices"] == told
	assert [d for _at, d in run.holders] == holders == [SALES, PRODUCTION, LOGISTICS]
	assert counted["promise_answers"] == {SALES: 1}
	assert run.refused == 0
	compared = rp.compare([run], [rp.replay_order(history, POLICY, FAR)])
	assert compared["actual"] == compared["what_if"]
	assert compared["holder_changed_total"] == 0


def test_another_matrix_sends_the_order_elsewhere_and_people_act_when_they_did():
	matrix = {stage: dict(row) for stage, row in POLICY.matrix.items()}
	matrix[READY_TO_SHIP] = {**matrix[READY_TO_SHIP], LOGISTICS: INFORMED, SALES: RESPONSIBLE}
	other = replace(POLICY, matrix=matrix)
	history = a_week()
	actual, what_if = rp.replay_order(history, POLICY, FAR), rp.replay_order(history, other, FAR, real=POLICY)
	compared = rp.compare([actual], [what_if])
	# Sales readies it, taking it on when Logistics really did; once shipped it goes on to Logistics, whom
	# no real act answers for: that handoff stays pending, a miss.
	assert compared["what_if"]["handoffs"] == {PRODUCTION: 2, SALES: 1, LOGISTICS: 1}
	assert compared["what_if"]["sla_misses"] == {PRODUCTION: 1, LOGISTICS: 1}
	assert [d for _at, d in what_if.holders] == [SALES, PRODUCTION, SALES]
	assert compared["holder_changed_total"] == 1
	assert compared["what_if"]["holder_changed_orders"] == {LOGISTICS: 1}
	assert compared["actual"]["stage_hours"] == compared["what_if"]["stage_hours"]


def test_a_day_to_accept_makes_the_rejection_in_time():
	history = a_week()
	hours = {stage: 24.0 for stage in STAGES}
	generous = replace(POLICY, acceptance_hours=hours)
	figures = rp.figures([rp.replay_order(history, generous, FAR)])
	assert figures["sla_misses"] == {}  # 24 working hours from Monday 9:00 run to Wednesday 9:00
	assert figures["handoffs"] == {PRODUCTION: 2, LOGISTICS: 1}


def test_a_proposal_the_policy_forbids_does_not_happen_but_the_date_still_moves():
	only_logistics = replace(POLICY, promise_proposers=(LOGISTICS,))
	history = a_week()
	run = rp.replay_order(history, only_logistics, FAR, real=POLICY)
	assert run.promises == [] and run.refused == 1  # the proposal; its answer finds nothing to answer
	base = rp.replay_order(history, POLICY, FAR)
	assert rp.figures([run])["at_risk_order_days"] == rp.figures([base])["at_risk_order_days"]


def test_time_alone_makes_an_order_at_risk_between_its_steps():
	learned = replace(POLICY, learned_hours={PRODUCTION_PLANNING: 8.0, "In Production": 200.0})
	history = rp.History(START, (wo(ev.WORK_ORDER_SUBMITTED, at=at(2)),))
	run = rp.replay_order(history, learned, at(24 * 14))
	assert sum(run.at_risk_seconds.values()) > 0


# --- properties -----------------------------------------------------------------------------------------

DEPARTMENTS = st.sampled_from([SALES, PRODUCTION, LOGISTICS])


@st.composite
def histories(draw):
	"""A made-to-order order's steps, facts and acts mixed, hours apart."""
	hours, steps, produced, delivered = 0.0, [], 0, 0
	for _ in range(draw(st.integers(0, 14))):
		hours += draw(st.floats(0.5, 30))
		moment = at(hours)
		kind = draw(
			st.sampled_from(
				["wo", "start", "produce", "deliver", "return", "date", "hold", "resume", "send", "accept"]
				+ ["reject", "withdraw", "propose", "p_accept", "p_decline", "raise", "resolve"]
			)
		)
		if kind == "wo":
			steps.append(wo(ev.WORK_ORDER_SUBMITTED, at=moment))
		elif kind == "start":
			steps.append(wo(ev.WORK_ORDER_STARTED, at=moment))
		elif kind == "produce":
			produced = min(100, produced + 50)
			steps.append(wo(ev.WORK_ORDER_PROGRESSED, per_produced=produced, at=moment))
		elif kind == "deliver":
			delivered = min(100, delivered + 50)
			steps.append(dn(ev.DELIVERY_NOTE_SUBMITTED, delivered, at=moment))
		elif kind == "return" and delivered:
			delivered = 0
			steps.append(dn(ev.DELIVERY_RETURNED, 0, name="DN-R", at=moment))
		elif kind == "date":
			new = date(2026, 12, draw(st.integers(1, 28)))
			steps.append(
				ev.Event(ev.DELIVERY_DATE_CHANGED, moment, None, "Sales Order", "SO-1", delivery_date=new)
			)
		elif kind in ("hold", "resume"):
			steps.append(ev.Event(ev.ORDER_HELD if kind == "hold" else ev.ORDER_RESUMED, moment))
		elif kind == "send":
			steps.append(rp.Act(rp.SEND, moment, department=draw(DEPARTMENTS)))
		elif kind in ("accept", "reject", "withdraw"):
			steps.append(
				rp.Act(
					{"accept": rp.ACCEPT, "reject": rp.REJECT, "withdraw": rp.WITHDRAW}[kind],
					moment,
					reason="r",
				)
			)
		elif kind == "propose":
			new = moment.date() + timedelta(days=draw(st.integers(1, 20)))
			steps.append(
				rp.Act(rp.PROPOSE, moment, department=draw(DEPARTMENTS), new_date=new, reason=CAPACITY)
			)
		elif kind == "p_accept":
			new = moment.date() + timedelta(days=draw(st.integers(1, 20)))
			steps.append(rp.Act(rp.PROMISE_ACCEPT, moment, new_date=new))
			steps.append(
				ev.Event(ev.DELIVERY_DATE_CHANGED, moment, None, "Sales Order", "SO-1", delivery_date=new)
			)
		elif kind == "p_decline":
			steps.append(rp.Act(rp.PROMISE_DECLINE, moment, reason="no"))
		elif kind in ("raise", "resolve"):
			steps.append(
				rp.Act(
					rp.RAISE if kind == "raise" else rp.RESOLVE,
					moment,
					department=draw(DEPARTMENTS),
					exception_type=OTHER,
					reason="x",
				)
			)
	return rp.History(START, tuple(steps)), at(hours + 40)


@settings(max_examples=150, deadline=None)
@given(histories())
def test_the_same_policy_replayed_gives_the_same_figures(case):
	history, until = case
	first = rp.compare(
		[rp.replay_order(history, POLICY, until)], [rp.replay_order(history, POLICY, until, real=POLICY)]
	)
	assert first["actual"] == first["what_if"]
	assert first["holder_changed_total"] == 0


@settings(max_examples=150, deadline=None)
@given(histories(), st.floats(0.5, 40))
def test_halving_sla_hours_never_lowers_misses(case, hours):
	history, until = case
	policy = replace(POLICY, acceptance_hours={stage: hours for stage in STAGES})
	halved = replace(POLICY, acceptance_hours={stage: hours / 2 for stage in STAGES})
	before = rp.figures([rp.replay_order(history, policy, until)])
	after = rp.figures([rp.replay_order(history, halved, until, real=policy)])
	for department in (SALES, PRODUCTION, LOGISTICS):
		assert after["sla_misses"].get(department, 0) >= before["sla_misses"].get(department, 0)
		assert after["escalations"].get(department, 0) >= before["escalations"].get(department, 0)
	assert after["handoffs"] == before["handoffs"]


@settings(max_examples=150, deadline=None)
@given(histories(), DEPARTMENTS)
def test_changing_the_promise_owner_changes_only_promise_answers(case, owner):
	history, until = case
	proposers = tuple(d for d in (SALES, PRODUCTION, LOGISTICS) if d != owner)
	other = replace(POLICY, promise_owner=owner, promise_proposers=proposers)
	compared = rp.compare(
		[rp.replay_order(history, POLICY, until)], [rp.replay_order(history, other, until, real=POLICY)]
	)
	actual, what_if = compared["actual"], compared["what_if"]
	# Who answers proposed dates, who is told of them (and of returns), and their escalations follow the
	# owner; nothing else of the order moves.
	for key in ("handoffs", "sla_misses", "at_risk_order_days", "stage_hours", "orders"):
		assert actual[key] == what_if[key], key
	assert compared["holder_changed_total"] == 0
