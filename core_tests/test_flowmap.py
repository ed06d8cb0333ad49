"""The flow map counted from orders' trails: edges, waits in working hours, rework, variants."""

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from order_coordination.core.constants import (
	HANDOFF_ACCEPTED,
	HANDOFF_REJECTED,
	LOGISTICS,
	ORDER_RECEIVED,
	PARTIALLY_SHIPPED,
	PRODUCTION,
	READY_TO_SHIP,
	SALES,
	SHIPPED,
)
from order_coordination.core.flowmap import (
	HandoffTrail,
	Trail,
	count_handoffs,
	count_map,
	flow_map,
	pack,
	stage_at,
	timed_moves,
	unpack,
)
from order_coordination.core.sla import Calendar
from order_coordination.core.stats import percentile, weighted_percentile

CAL = Calendar()
MON = datetime(2026, 11, 23, 9, 0)


def trail(name, moves, handoffs=(), later=()):
	return Trail(name, MON, CAL, tuple(moves), tuple(handoffs), tuple(later))


def test_edges_count_orders_and_working_hours_and_rework():
	stock = [
		(datetime(2026, 11, 23, 13, 0), ORDER_RECEIVED, READY_TO_SHIP),  # 4 working hours
		(datetime(2026, 11, 24, 13, 0), READY_TO_SHIP, SHIPPED),  # 8
	]
	returned = [
		(datetime(2026, 11, 23, 17, 0), ORDER_RECEIVED, READY_TO_SHIP),  # 8
		(datetime(2026, 11, 27, 17, 0), READY_TO_SHIP, SHIPPED),  # 32 (Tue-Fri)
		(datetime(2026, 11, 30, 10, 0), SHIPPED, PARTIALLY_SHIPPED),  # goods came back: rework
	]
	handoffs = [
		HandoffTrail(SALES, LOGISTICS, 2.0, HANDOFF_REJECTED),
		HandoffTrail(SALES, LOGISTICS, 6.0, HANDOFF_ACCEPTED),
	]
	result = flow_map(
		[
			trail("A", stock, [HandoffTrail(SALES, LOGISTICS, 1.0, HANDOFF_ACCEPTED)]),
			trail("B", returned, handoffs, later=[datetime(2026, 11, 25, 9, 0)]),
		]
	)
	edges = {(e["source"], e["target"]): e for e in result["edges"]}
	received = edges[("stage:Order Received", "stage:Ready to Ship")]
	assert (received["orders"], received["median_hours"], received["p80_hours"]) == (2, 6.0, 7.2)
	shipped = edges[("stage:Ready to Ship", "stage:Shipped")]
	assert (shipped["median_hours"], shipped["rework"], shipped["slowest"]) == (20.0, 0, True)
	back = edges[("stage:Shipped", "stage:Partially Shipped")]
	assert (back["orders"], back["rework"], back["slowest"]) == (1, 1, False)  # one order: not marked
	handoff = edges[("department:Sales", "department:Logistics")]
	assert (handoff["orders"], handoff["count"], handoff["rework"], handoff["median_hours"]) == (2, 3, 1, 2.0)
	nodes = {n["id"]: n for n in result["nodes"]}
	assert nodes["stage:Ready to Ship"]["rework"] == 1  # the promise moved later while B was there
	assert nodes["department:Logistics"]["orders"] == 2
	assert [n["id"] for n in result["nodes"]][:2] == ["stage:Order Received", "stage:Ready to Ship"]
	assert result["variants"] == [
		{
			"path": [ORDER_RECEIVED, READY_TO_SHIP, SHIPPED],
			"orders": 1,
			"share": 0.5,
			"median_lead_hours": 12.0,
		},
		{
			"path": [ORDER_RECEIVED, READY_TO_SHIP, SHIPPED, PARTIALLY_SHIPPED],
			"orders": 1,
			"share": 0.5,
			"median_lead_hours": 41.0,
		},
	]


def test_a_pending_handoff_counts_its_order_but_no_wait():
	result = flow_map([trail("A", [], [HandoffTrail(SALES, PRODUCTION, None, "Pending")])])
	(edge,) = result["edges"]
	assert (edge["orders"], edge["median_hours"], edge["slowest"]) == (1, None, False)
	assert result["variants"] == [
		{"path": [ORDER_RECEIVED], "orders": 1, "share": 1.0, "median_lead_hours": 0.0}
	]


def test_nothing_gives_an_empty_map():
	assert flow_map([]) == {"orders": 0, "nodes": [], "edges": [], "variants": []}


@given(
	st.lists(st.tuples(st.floats(0, 500, allow_nan=False), st.integers(1, 5)), max_size=30), st.floats(0, 100)
)
def test_percentiles_of_counted_values_are_those_of_the_values(pairs, q):
	expanded = [value for value, n in pairs for _ in range(n)]
	want = percentile(expanded, q)
	got = weighted_percentile(pairs, q)
	assert (got is None and want is None) or abs(got - want) < 1e-6


STAGE_NAMES = st.sampled_from([ORDER_RECEIVED, READY_TO_SHIP, SHIPPED, PARTIALLY_SHIPPED])
MOVES = st.lists(
	st.tuples(st.integers(-3 * 24 * 60, 30 * 24 * 60), STAGE_NAMES, STAGE_NAMES).map(
		lambda m: (MON + timedelta(minutes=m[0]), m[1], m[2])
	),
	max_size=8,
).map(sorted)
HANDOFFS = st.lists(
	st.builds(
		HandoffTrail,
		st.sampled_from([SALES, PRODUCTION, LOGISTICS]),
		st.sampled_from([SALES, PRODUCTION, LOGISTICS]),
		st.one_of(st.none(), st.integers(-10, 4000).map(lambda n: n * 0.05)),
		st.sampled_from([HANDOFF_ACCEPTED, HANDOFF_REJECTED, "Pending"]),
	),
	max_size=3,
)
LATER = st.lists(st.integers(0, 40 * 24 * 60).map(lambda m: MON + timedelta(minutes=m)), max_size=2)


@given(st.lists(st.tuples(MOVES, HANDOFFS, LATER), max_size=12))
def test_moves_kept_packed_give_the_map_counted_on_the_clock(orders):
	# Whole minutes make exact ties at the twentieth of an hour: the packed hours must round as the clock does.
	trails = [trail(f"O{i}", moves, handoffs, later) for i, (moves, handoffs, later) in enumerate(orders)]
	packed = [(t.order, pack(*timed_moves(t.started, t.moves, CAL))) for t in trails]
	assert all(
		text is None or unpack(text) == timed_moves(t.started, t.moves, CAL)
		for t, (_o, text) in zip(trails, packed, strict=True)
	)

	def read(t, text):  # as the flow map reads an order: what its entry keeps, else on the clock
		return unpack(text) if text is not None else timed_moves(t.started, t.moves, CAL)

	kept = count_map(
		(order, *read(t, text), t.handoffs, [stage_at(t, m) for m in t.later_dates])
		for t, (order, text) in zip(trails, packed, strict=True)
	)
	assert kept == flow_map(trails)
	# The handoffs counted apart, row by row as they are read, give the same map.
	counted = count_handoffs(
		(t.order, h.from_department, h.to_department, h.hours, h.status) for t in trails for h in t.handoffs
	)
	apart = count_map(
		(
			(order, *read(t, text), (), [stage_at(t, m) for m in t.later_dates])
			for t, (order, text) in zip(trails, packed, strict=True)
		),
		counted=counted,
	)
	assert apart == kept


def test_packed_moves_read_back():
	lead, moves = timed_moves(MON, [(datetime(2026, 11, 23, 9, 9), ORDER_RECEIVED, READY_TO_SHIP)], CAL)
	assert (lead, moves) == (0.1, ((ORDER_RECEIVED, READY_TO_SHIP, 0.1),))  # 0.15 hours, as round() gives it
	assert unpack(pack(lead, moves)) == (lead, moves)
	assert unpack(pack(0.0, ())) == (0.0, ())


def test_moves_longer_than_the_column_are_not_kept():
	moves = [(MON + timedelta(hours=i), SHIPPED, PARTIALLY_SHIPPED) for i in range(20)]
	assert pack(*timed_moves(MON, moves, CAL)) is None
