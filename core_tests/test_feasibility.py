"""The earliest feasible delivery: finite placement on workstations and time-phased netting of material."""

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from order_coordination.core.capacity import Load, Rules, Station, place, working_windows
from order_coordination.core.errors import CoordinationError
from order_coordination.core.feasibility import (
	Operation,
	Receipt,
	Recipe,
	Stockpile,
	World,
	earliest_delivery,
)

NOW = datetime(2026, 11, 23, 9, 0)  # a Monday morning
TODAY = NOW.date()
WINDOWS = st.sampled_from(
	[
		((time(9), time(17)),),
		((time(8), time(12)), (time(13), time(17))),
		((time(22), None),),
		((time(0), None),),
	]
)
stations = st.builds(
	lambda windows, holidays, capacity: Station(
		"WS", windows, frozenset(TODAY + timedelta(days=d) for d in holidays), capacity
	),
	WINDOWS,
	st.sets(st.integers(0, 20), max_size=6),
	st.integers(1, 3),
)
jobs = st.lists(st.tuples(st.integers(0, 5 * 24 * 60), st.integers(0, 600)), max_size=8)


def _within_windows(station, rules, start, end) -> bool:
	return any(b <= start and end <= c for b, c in working_windows(station, rules, start.date()))


def _most_at_once(intervals) -> int:
	marks = sorted([(s, 1) for s, e in intervals if e > s] + [(e, -1) for s, e in intervals if e > s])
	running = most = 0
	for _at, delta in marks:
		running += delta
		most = max(most, running)
	return most


@settings(max_examples=150, deadline=None)
@given(stations, jobs, st.integers(0, 120))
def test_no_operation_outside_working_hours_or_over_capacity(station, booked, gap):
	rules, load, pieces = Rules(mins_between_operations=gap), Load(), []
	for offset, minutes in booked:
		placed = place(load, station, rules, NOW + timedelta(minutes=offset), minutes)
		assert sum(((e - s) for s, e in placed.pieces), timedelta()) == timedelta(minutes=minutes)
		assert placed.start >= NOW + timedelta(minutes=offset)
		pieces += placed.pieces
	for s, e in pieces:
		assert _within_windows(station, rules, s, e)
	assert _most_at_once(pieces) <= station.capacity


@settings(max_examples=150, deadline=None)
@given(stations, jobs, st.tuples(st.integers(0, 3 * 24 * 60), st.integers(1, 900)), st.integers(1, 600))
def test_more_load_never_gives_an_earlier_finish(station, booked, extra, minutes):
	def finish(with_extra: bool) -> datetime:
		load = Load()
		for offset, length in booked:
			load.book("WS", NOW + timedelta(minutes=offset), NOW + timedelta(minutes=offset + length))
		if with_extra:
			load.book("WS", NOW + timedelta(minutes=extra[0]), NOW + timedelta(minutes=sum(extra)))
		return place(load, station, Rules(), NOW, minutes).end

	assert finish(True) >= finish(False)


def test_a_booked_workstation_binds_with_when_it_frees_and_capacity_two_runs_two_jobs():
	station = Station("Assembly", ((time(9), time(17)),), capacity=1)
	load = Load()
	load.book("Assembly", NOW, NOW + timedelta(hours=10))  # today 9:00 to 19:00
	placed = place(load, station, Rules(), NOW, 60)
	assert placed.start == datetime(2026, 11, 24, 9, 0) and placed.waited_until == placed.start
	two = Station("Assembly", ((time(9), time(17)),), capacity=2)
	load = Load()
	load.book("Assembly", NOW, NOW + timedelta(hours=2))
	assert place(load, two, Rules(), NOW, 60).start == NOW


def test_holidays_overtime_and_the_fork():
	holiday = Station("Paint", ((time(9), time(17)),), frozenset({TODAY}))
	assert place(Load(), holiday, Rules(), NOW, 60).start == datetime(2026, 11, 24, 9, 0)
	assert place(Load(), holiday, Rules(allow_production_on_holidays=True), NOW, 60).start == NOW
	# Overtime: the working hours stop binding, so nine hours run on into the evening.
	late = place(Load(), Station("Paint"), Rules(), NOW, 9 * 60)
	assert late.end == NOW + timedelta(hours=9)
	shift = Station("Paint", ((time(9), time(17)),))
	assert place(Load(), shift, Rules(), NOW, 9 * 60).end == datetime(2026, 11, 24, 10, 0)
	assert place(Load(), shift, Rules(allow_overtime=True), NOW, 9 * 60).end == NOW + timedelta(hours=9)
	parent = Load()
	trial = parent.fork()
	place(trial, shift, Rules(), NOW, 60)
	assert parent.busy("Paint", NOW) == 0 and trial.busy("Paint", NOW) == 1
	trial.commit()
	assert parent.busy("Paint", NOW) == 1
	with pytest.raises(CoordinationError):
		Station("Broken", capacity=0)


# --- material -------------------------------------------------------------------------------------------

piles = st.builds(
	lambda on_hand, receipts, demands, lead: Stockpile(
		on_hand,
		tuple(Receipt(TODAY + timedelta(days=d), q, f"PO-{i}") for i, (d, q) in enumerate(receipts)),
		tuple((TODAY + timedelta(days=d), q) for d, q in demands),
		lead,
	),
	st.integers(0, 30),
	st.lists(st.tuples(st.integers(0, 40), st.integers(1, 20)), max_size=4),
	st.lists(st.tuples(st.integers(0, 40), st.integers(1, 20)), max_size=4),
	st.one_of(st.none(), st.integers(1, 60)),
)


def _answer(pile, qty, **world):
	return earliest_delivery(World(NOW, {"RM": pile}, **world), [("L1", "RM", qty)])[1][0]


@settings(max_examples=200, deadline=None)
@given(piles, st.lists(st.integers(1, 25), min_size=1, max_size=5))
def test_no_unit_of_stock_or_supply_is_promised_twice(pile, quantities):
	balance = 0.0
	for _day, delta in sorted(
		[(TODAY, pile.on_hand)]
		+ [(r.when, r.qty) for r in pile.receipts]
		+ [(d, -q) for d, q in pile.demands]
	):
		balance += delta
		assume(balance >= 0)  # what ERPNext already committed is covered: the new answers must keep it so
	world = World(NOW, {"RM": pile})
	from order_coordination.core.feasibility import Planner

	planner = Planner(world)
	for i, qty in enumerate(quantities):
		planner.answer(f"L{i}", "RM", qty)
	running = 0.0
	for _day, delta, _name in planner.ledger.events("RM"):
		running += delta
		assert running >= -1e-9


@settings(max_examples=200, deadline=None)
@given(piles, st.integers(1, 40), st.integers(0, 10), st.data())
def test_less_supply_or_a_larger_quantity_never_gives_an_earlier_date(pile, qty, fewer, data):
	before = _answer(pile, qty).earliest
	assert _answer(pile, qty + data.draw(st.integers(1, 10))).earliest >= before
	less = Stockpile(max(0, pile.on_hand - fewer), pile.receipts, pile.demands, pile.lead_days)
	assert _answer(less, qty).earliest >= before
	if pile.receipts:
		dropped = data.draw(st.integers(0, len(pile.receipts) - 1))
		receipts = pile.receipts[:dropped] + pile.receipts[dropped + 1 :]
		assert (
			_answer(Stockpile(pile.on_hand, receipts, pile.demands, pile.lead_days), qty).earliest >= before
		)
	more_demand = Stockpile(pile.on_hand, pile.receipts, (*pile.demands, (TODAY, fewer + 1)), pile.lead_days)
	assert _answer(more_demand, qty).earliest >= before


def _widget_world(bookings=(), on_hand=0.0, capacity=1, **kw):
	return World(
		NOW,
		stock={"RM": Stockpile(on_hand, (Receipt(TODAY + timedelta(days=3), 100, "PO-1"),), lead_days=10)},
		recipes={"W": Recipe((("RM", 2.0),), (Operation("Cut", "Saw", 30), Operation("Weld", "Welder", 60)))},
		stations={
			"Saw": Station("Saw", ((time(9), time(17)),), capacity=capacity),
			"Welder": Station("Welder", ((time(9), time(17)),), frozenset({TODAY + timedelta(days=4)})),
		},
		bookings=bookings,
		**kw,
	)


@settings(max_examples=100, deadline=None)
@given(
	st.lists(
		st.tuples(st.sampled_from(["Saw", "Welder"]), st.integers(0, 10 * 24 * 60), st.integers(1, 2000)),
		max_size=6,
	),
	st.integers(0, 40),
	st.integers(1, 12),
)
def test_a_made_line_answers_the_same_every_time_and_never_earlier_with_more_load(bookings, on_hand, qty):
	booked = [(s, NOW + timedelta(minutes=o), NOW + timedelta(minutes=o + m)) for s, o, m in bookings]
	first = earliest_delivery(_widget_world(booked[:-1], on_hand), [("L1", "W", qty)])
	assert first == earliest_delivery(_widget_world(booked[:-1], on_hand), [("L1", "W", qty)])
	more = earliest_delivery(_widget_world(booked, on_hand), [("L1", "W", qty)])
	assert more[0] >= first[0]


def test_what_binds_each_line():
	# Enough raw material on hand: the saw's booked load binds, with when it frees.
	booked = [("Saw", NOW, datetime(2026, 11, 25, 12, 0))]
	date_, (line,) = earliest_delivery(_widget_world(booked, on_hand=50), [("L1", "W", 5)])
	assert line.limit.kind == "Workstation" and line.limit.name == "Saw"
	assert line.limit.until == datetime(2026, 11, 25, 12, 0)
	assert date_ == date(2026, 11, 26)  # 12:00-14:30 sawing, then five hours welding run into the next day
	# No raw material: the Purchase Order on its date binds, production follows it.
	date_, (line,) = earliest_delivery(_widget_world(), [("L1", "W", 5)])
	assert (line.limit.kind, line.limit.name, line.limit.until) == (
		"Purchase Order",
		"PO-1",
		date(2026, 11, 26),
	)
	assert date_ == date(2026, 11, 26)
	# More than the PO brings: bought in after the lead time.
	date_, (line,) = earliest_delivery(_widget_world(), [("L1", "W", 60)])
	assert line.limit.kind == "Purchase Lead Time" and date_ >= TODAY + timedelta(days=10)
	# Stock of the item itself, and delivery on the company's calendar (Friday: Monday).
	world = World(datetime(2026, 11, 27, 16, 0), {"W": Stockpile(5)}, delivery_hours=4)
	date_, (line,) = earliest_delivery(world, [("L1", "W", 5)])
	assert line.limit.kind == "Delivery" and date_ == date(2026, 11, 30)
	date_, (line,) = earliest_delivery(World(NOW, {"W": Stockpile(5)}), [("L1", "W", 5)])
	assert line.limit.kind == "Stock" and date_ == TODAY


def test_lines_of_one_order_share_stock_and_workstations_and_sub_assemblies_come_first():
	world = World(
		NOW,
		stock={"RM": Stockpile(100)},
		recipes={
			"TOP": Recipe((("SUB", 1.0),), (Operation("Assemble", "Bench", 240),)),
			"SUB": Recipe((("RM", 1.0),), (Operation("Machine", "Mill", 120),)),
			"BARE": Recipe((("RM", 1.0),), (), hours_without_operations=16),
		},
		stations={
			"Bench": Station("Bench", ((time(9), time(17)),)),
			"Mill": Station("Mill", ((time(9), time(17)),)),
		},
	)
	order, (one, two, bare) = earliest_delivery(
		world, [("L1", "TOP", 1), ("L2", "TOP", 1), ("L3", "BARE", 1)]
	)
	steps = [args for template, args in one.trace if args[0] == "SUB"]
	assert steps and steps[0][4] <= NOW + timedelta(hours=2)  # the sub-assembly is machined first
	assert one.earliest == TODAY  # 2 hours machining, then 4 on the bench: 15:00 today
	assert two.earliest == date(2026, 11, 24)  # the mill and bench are taken by the first line
	assert bare.earliest == date(2026, 11, 24) and bare.limit.kind == "Workstation"
	assert order == date(2026, 11, 24)
	with pytest.raises(CoordinationError):
		earliest_delivery(world, [("L1", "TOP", 0)])


def test_delivery_samples_count_ready_to_ship_to_delivered_once_per_order():
	from order_coordination.core.feasibility import delivery_samples

	hours = lambda a, b: (b - a).total_seconds() / 3600  # noqa: E731
	entries = [
		("A", NOW, "Ready to Ship"),
		("A", NOW + timedelta(hours=5), "Shipped"),
		("A", NOW + timedelta(hours=8), "Delivered"),
		("A", NOW + timedelta(hours=20), "Delivered"),
		("B", NOW, "Shipped"),
		("B", NOW + timedelta(hours=3), "Delivered"),
		("C", NOW, "Ready to Ship"),
	]
	assert delivery_samples(entries, hours) == [8.0]


def test_a_feasible_date_after_the_promise_is_evidence_until_a_work_order_plan_tells_more():
	from helpers import T0, step, submitted, wo

	from order_coordination.core import events as ev
	from order_coordination.core.derive import derive_status, status_reason, work_order_end
	from order_coordination.core.model import TimelineEntry
	from order_coordination.core.policy import default_policy
	from order_coordination.core.serialize import facts_of, fields_of, state_from

	policy = default_policy()
	state = submitted(policy, delivery_date=date(2026, 11, 27))
	assert derive_status(state, T0, policy) == "Open"
	checked = ev.Event(
		ev.FEASIBILITY_CHECKED, T0, "job", "Sales Order", "SO-1", feasible_date=date(2026, 12, 4)
	)
	state, decision = step(state, checked, policy)
	assert state.feasible_date == date(2026, 12, 4)
	assert derive_status(state, T0, policy) == "At Risk"
	assert (
		status_reason(state, T0, policy)[0] == "The earliest feasible delivery is {0}, after the promised {1}"
	)
	assert any(isinstance(e, TimelineEntry) for e in decision.effects)  # said, being after the promise
	replay, again = step(state, checked, policy)
	assert replay == state and not again.changed
	assert state_from("SO-1", fields_of(state), facts_of(state)).feasible_date == date(2026, 12, 4)
	# A Work Order plan ending in time replaces the answer given at submit.
	state, _ = step(state, wo(ev.WORK_ORDER_SUBMITTED, planned_end=datetime(2026, 11, 25, 17, 0)), policy)
	assert derive_status(state, T0, policy) == "Open"
	# A Work Order without operations that only starts after the promise is evidence all the same.
	late = work_order_end(datetime(2026, 12, 1, 9, 0), None)
	assert late == datetime(2026, 12, 1, 9, 0)
	assert work_order_end(None, None) is None
	assert work_order_end(NOW, NOW + timedelta(hours=1), [NOW + timedelta(days=3)]) == NOW + timedelta(days=3)
	state, _ = step(state, wo(ev.WORK_ORDER_SUBMITTED, name="WO-2", planned_end=late), policy)
	assert derive_status(state, T0, policy) == "At Risk"
