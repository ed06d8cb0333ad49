"""Promised at the feasible date, or as asked: on a generated history, how often is the promise kept?

A shop of three workstations (working 8:00-17:00 on weekdays; cutting and welding one job at a time,
painting two) makes three products to order. Orders arrive through 120 working days, each asking for a
date 3 to 15 days ahead. Every order is taken, in arrival order; what differs is only the date promised:

- as asked (what happens today: Sales names the customer's date), or
- at the feasible date: the customer's date, or the engine's earliest feasible delivery when that is
  later, worked out when the order is taken against the Job Cards already booked (planned times).

The shop then does the work: each operation takes its planned time times a random factor (0.8 to 1.3:
set-ups, scrap, small stops). Re-planned, the Job Cards ahead move as work is reported, so each answer
sees the load as it turned out so far (not the new order's own overrun); with plans only, the Job Cards
keep their planned times and the answers never see the overruns. Delivery takes 8 working hours after
the last operation.
An order is on time when it is delivered by the end of its promised day. Pure Python over the core:

	python -m order_coordination.benchmarks.feasible_history
"""

import random
import statistics
from datetime import date, datetime, time, timedelta

from order_coordination.core.capacity import Load, Rules, Station, place
from order_coordination.core.feasibility import Operation, Recipe, Stockpile, World, earliest_delivery
from order_coordination.core.sla import Calendar, add_working_hours

START = datetime(2027, 1, 4, 8, 0)  # a Monday
DAYS = 168  # 24 weeks: 120 working days
SHIFT = ((time(8), time(17)),)
DELIVERY_HOURS = 8.0
RECIPES = {
	"Frame": Recipe(
		(), (Operation("Cut", "Saw", 20), Operation("Weld", "Welder", 35), Operation("Paint", "Booth", 25))
	),
	"Bracket": Recipe((), (Operation("Cut", "Saw", 10), Operation("Paint", "Booth", 10))),
	"Gate": Recipe((), (Operation("Cut", "Saw", 30), Operation("Weld", "Welder", 60))),
}


def weekends(start: date, days: int) -> frozenset[date]:
	return frozenset(
		start + timedelta(days=d) for d in range(days) if (start + timedelta(days=d)).weekday() >= 5
	)


def simulate(seed: int = 22, orders_per_day: float = 2.2, overrun=(0.8, 1.3), replanned: bool = True) -> dict:
	rng = random.Random(seed)
	off = weekends(START.date(), DAYS + 120)
	stations = {
		"Saw": Station("Saw", SHIFT, off, 1),
		"Welder": Station("Welder", SHIFT, off, 1),
		"Booth": Station("Booth", SHIFT, off, 2),
	}
	calendar = Calendar(time(8), time(17), frozenset({5, 6}))
	booked: list[tuple[str, datetime, datetime]] = []  # the Job Cards, as reported and re-planned
	real = Load()  # the shop as it turns out
	plan = Load()  # the Job Cards at their planned times, when nothing is re-planned
	rules = Rules()
	kept = {"asked": 0, "feasible": 0}
	moved_days, orders = [], 0
	for day in range(DAYS):
		today = START.date() + timedelta(days=day)
		if today in off:
			continue
		arrivals = sorted(rng.uniform(0, 9) for _ in range(_poisson(rng, orders_per_day)))
		for hour in arrivals:
			now = datetime.combine(today, time(8)) + timedelta(hours=hour)
			item, qty = rng.choice(list(RECIPES)), rng.randint(2, 12)
			asked = today + timedelta(days=rng.randint(3, 15))
			world = World(
				now,
				{item: Stockpile(0.0)},
				RECIPES,
				stations,
				booked,
				rules,
				calendar,
				DELIVERY_HOURS,
			)
			feasible = earliest_delivery(world, [("L", item, qty)])[0]
			# What the shop does: the same order of work, each operation longer or shorter than planned.
			# Re-planned, the Job Cards ahead move as work is reported, so the next answer sees the load as
			# it turned out so far; otherwise they keep their planned times and the answers see only plans.
			finished = now
			for op in RECIPES[item].operations:
				actual = op.minutes(qty) * rng.uniform(*overrun)
				placed = place(real, stations[op.station], rules, finished, actual)
				if replanned:
					booked += [(op.station, s, e) for s, e in placed.pieces]
				finished = placed.end
			cursor = now
			for op in RECIPES[item].operations if not replanned else ():
				placed = place(plan, stations[op.station], rules, cursor, op.minutes(qty))
				booked += [(op.station, s, e) for s, e in placed.pieces]
				cursor = placed.end
			delivered = add_working_hours(finished, DELIVERY_HOURS, calendar).date()
			orders += 1
			kept["asked"] += delivered <= asked
			promise = max(asked, feasible)
			kept["feasible"] += delivered <= promise
			moved_days.append((promise - asked).days)
	return {
		"orders": orders,
		"on_time_promised_as_asked": round(100 * kept["asked"] / orders, 1),
		"on_time_promised_at_feasible": round(100 * kept["feasible"] / orders, 1),
		"promises_moved": round(100 * sum(d > 0 for d in moved_days) / orders, 1),
		"median_days_moved_when_moved": statistics.median([d for d in moved_days if d > 0] or [0]),
	}


def _poisson(rng: random.Random, mean: float) -> int:
	count, limit, product = 0, pow(2.718281828, -mean), rng.random()
	while product > limit:
		count += 1
		product *= rng.random()
	return count


if __name__ == "__main__":
	for replanned in (True, False):
		for load in (1.6, 2.0, 2.4):
			print(
				"re-planned" if replanned else "plans only",
				load,
				simulate(orders_per_day=load, replanned=replanned),
			)
