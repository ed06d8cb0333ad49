"""The earliest delivery a company can keep (capable-to-promise), from plain values.

Material is netted in time per item: what is free on hand now (after reservations), plus open Purchase
Orders on their schedule dates, minus the earlier demand of other orders and Work Orders on their dates. A
quantity can be promised on a day when the balance from that day on never drops below it, so taking it
leaves every later commitment covered: no unit is promised twice. What stock cannot give in time is made
(an item with a BOM: its components first, level by level, then its operations placed on their
workstations by `capacity`) or bought (after its purchase lead time). Made and bought quantities become
demand on their components and load on their workstations, so each line of an order answers after the
ones before it. Delivery adds the working time the company's history shows from Ready to Ship to
Delivered. Each answer names what binds it and keeps a short trace (English templates with arguments,
translated by the Frappe layer).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from .capacity import Load, Rules, Station, place
from .constants import (
	DELIVERED,
	FEASIBLE_DELIVERY,
	FEASIBLE_LEAD_TIME,
	FEASIBLE_PURCHASE_ORDER,
	FEASIBLE_STOCK,
	FEASIBLE_WORKSTATION,
	READY_TO_SHIP,
)
from .errors import CoordinationError
from .sla import Calendar, add_working_hours

MAX_DEPTH = 12  # ERPNext refuses recursive BOMs; this only guards against a loop in the data given

T_STOCK = "{0}: {1} free in stock"
T_RECEIPT = "{0}: {1} more with {2} on {3}"
T_LEAD = "{0}: bought in, {1} days of lead time, by {2}"
T_UNKNOWN = "{0}: not in stock, no Purchase Order and no lead time known: bought in from today"
T_OPERATION = "{0}: {1} on {2}, {3} to {4}"
T_BOOKED = "{0} is booked until {1}"
T_NO_OPERATIONS = "{0}: made in {1} working hours (its BOM has no operations), by {2}"
T_DELIVERY = "Delivery takes {0} working hours here: by {1}"


@dataclass(frozen=True)
class Receipt:
	when: date
	qty: float
	name: str | None = None  # the Purchase Order


@dataclass(frozen=True)
class Stockpile:
	"""An item's supply and demand as ERPNext shows them, in stock units."""

	on_hand: float = 0.0  # free now: actual quantity minus reserved stock
	receipts: tuple[Receipt, ...] = ()
	demands: tuple[tuple[date, float], ...] = ()  # other orders' and Work Orders' open needs
	lead_days: float | None = None  # purchase lead time (calendar days); None: unknown


@dataclass(frozen=True)
class Operation:
	name: str
	station: str
	minutes_per_unit: float = 0.0
	fixed_minutes: float = 0.0  # an operation whose time does not grow with the quantity

	def minutes(self, qty: float) -> float:
		return self.fixed_minutes or self.minutes_per_unit * qty


@dataclass(frozen=True)
class Recipe:
	"""A BOM: `components` (item, quantity per one unit made) and the operations, in order."""

	components: tuple[tuple[str, float], ...] = ()
	operations: tuple[Operation, ...] = ()
	hours_without_operations: float = 0.0  # the learned In Production time, for a BOM without operations


@dataclass(frozen=True)
class World:
	now: datetime
	stock: Mapping[str, Stockpile] = field(default_factory=dict)
	recipes: Mapping[str, Recipe] = field(default_factory=dict)
	stations: Mapping[str, Station] = field(default_factory=dict)
	bookings: Iterable[tuple[str, datetime, datetime]] = ()
	rules: Rules = field(default_factory=Rules)
	calendar: Calendar = field(default_factory=Calendar)  # the company's, for delivery
	delivery_hours: float = 0.0


@dataclass(frozen=True)
class Limit:
	kind: str
	name: str | None = None
	until: date | datetime | None = None


@dataclass(frozen=True)
class Ready:
	at: datetime
	limit: Limit
	trace: tuple[tuple[str, tuple], ...] = ()


@dataclass(frozen=True)
class LineAnswer:
	line: str
	item: str
	qty: float
	earliest: date
	limit: Limit
	trace: tuple[tuple[str, tuple], ...]


class Ledger:
	"""Time-phased balances per item; a fork takes what it allocates only if committed."""

	def __init__(self, stock: Mapping[str, Stockpile], today: date, parent: Ledger | None = None):
		self._stock, self._today, self._parent = stock, today, parent
		self._events: dict[str, list[tuple[date, float, str | None]]] = {}

	def events(self, item: str) -> list[tuple[date, float, str | None]]:
		ledger = self
		while ledger is not None:
			if item in ledger._events:
				return ledger._events[item]
			ledger = ledger._parent
		pile = self._stock.get(item, Stockpile())
		found = [(self._today, pile.on_hand, None)]
		found += [(max(r.when, self._today), r.qty, r.name) for r in pile.receipts if r.qty > 0]
		found += [(max(d, self._today), -q, None) for d, q in pile.demands if q > 0]
		found.sort(key=lambda e: (e[0], -e[1], e[2] or ""))
		root = self
		while root._parent is not None:
			root = root._parent
		root._events[item] = found
		return found

	def earliest(self, item: str, qty: float) -> tuple[date, str | None] | None:
		"""The first day from which the balance never drops below `qty`, and the receipt that made it."""
		events = self.events(item)
		days, balance, running = [], {}, 0.0
		for day, delta, _name in events:
			running += delta
			if day not in balance:
				days.append(day)
			balance[day] = running
		floor, candidate = float("inf"), None
		for day in reversed(days):
			floor = min(floor, balance[day])
			if floor >= qty - 1e-9:
				candidate = day
			else:
				break
		if candidate is None:
			return None
		names = sorted(n for d, q, n in events if d == candidate and q > 0 and n)
		return candidate, (names[0] if names and candidate > self._today else None)

	def take(self, item: str, when: date, qty: float) -> None:
		self._events[item] = sorted(
			[*self.events(item), (when, -qty, None)], key=lambda e: (e[0], -e[1], e[2] or "")
		)

	def fork(self) -> Ledger:
		return Ledger(self._stock, self._today, self)

	def commit(self) -> None:
		if self._parent is not None:
			self._parent._events.update(self._events)
			self._events = {}


class Planner:
	"""Answers requests one after another over one world: each takes what it needs from what is left."""

	def __init__(self, world: World):
		self.world = world
		self.ledger = Ledger(world.stock, world.now.date())
		self.load = Load()
		for station, start, end in world.bookings:
			self.load.book(station, start, end)

	def answer(self, line: str, item: str, qty: float) -> LineAnswer:
		if qty <= 0:
			raise CoordinationError("Quantity must be more than 0, not {0}", qty)
		ready = self._obtain(item, qty, self.ledger, self.load, 0)
		world = self.world
		start = max(ready.at, world.now)
		delivered = (
			add_working_hours(start, world.delivery_hours, world.calendar) if world.delivery_hours else start
		)
		limit, trace = ready.limit, ready.trace
		if world.delivery_hours:
			trace += ((T_DELIVERY, (round(world.delivery_hours, 1), delivered.date())),)
			if limit.kind == FEASIBLE_STOCK:
				limit = Limit(FEASIBLE_DELIVERY, None, delivered.date())
		return LineAnswer(line, item, qty, delivered.date(), limit, trace)

	def _obtain(self, item: str, qty: float, ledger: Ledger, load: Load, depth: int) -> Ready:
		if depth > MAX_DEPTH:
			raise CoordinationError("The BOM of {0} goes deeper than {1} levels", item, MAX_DEPTH)
		now = self.world.now
		found = ledger.earliest(item, qty)
		from_stock = None
		if found:
			day, receipt = found
			at = now if day <= now.date() else datetime.combine(day, time.min)
			if receipt:
				from_stock = Ready(
					at,
					Limit(FEASIBLE_PURCHASE_ORDER, receipt, day),
					((T_RECEIPT, (item, qty, receipt, day)),),
				)
			else:
				from_stock = Ready(at, Limit(FEASIBLE_STOCK), ((T_STOCK, (item, qty)),))
			if at <= now:
				ledger.take(item, day, qty)
				return from_stock
		trial_ledger, trial_load = ledger.fork(), load.fork()
		if item in self.world.recipes:
			other = self._make(item, qty, trial_ledger, trial_load, depth)
		else:
			other = self._buy(item)
		if from_stock and from_stock.at <= other.at:
			ledger.take(item, found[0], qty)
			return from_stock
		trial_ledger.commit()
		trial_load.commit()
		return other

	def _buy(self, item: str) -> Ready:
		lead = self.world.stock.get(item, Stockpile()).lead_days
		now = self.world.now
		if not lead:
			return Ready(now, Limit(FEASIBLE_LEAD_TIME, item, now.date()), ((T_UNKNOWN, (item,)),))
		day = now.date() + timedelta(days=int(-(-lead // 1)))
		return Ready(
			datetime.combine(day, time.min),
			Limit(FEASIBLE_LEAD_TIME, item, day),
			((T_LEAD, (item, lead, day)),),
		)

	def _make(self, item: str, qty: float, ledger: Ledger, load: Load, depth: int) -> Ready:
		world, recipe = self.world, self.world.recipes[item]
		start, binding = world.now, None
		for component, per_unit in recipe.components:
			if per_unit <= 0:
				continue
			got = self._obtain(component, per_unit * qty, ledger, load, depth + 1)
			if binding is None or got.at > binding.at:
				binding = got
			start = max(start, got.at)
		head = binding.trace if binding and binding.at > world.now else ()
		if not recipe.operations:
			end = add_working_hours(start, recipe.hours_without_operations, world.calendar)
			trace = (*head, (T_NO_OPERATIONS, (item, round(recipe.hours_without_operations, 1), end.date())))
			if binding and binding.at > world.now:
				return Ready(end, binding.limit, trace)
			return Ready(end, Limit(FEASIBLE_WORKSTATION, None, end), trace)
		steps, waited, cursor, last = [], None, start, None
		for op in recipe.operations:
			station = world.stations.get(op.station) or Station(op.station)
			placed = place(load, station, world.rules, cursor, op.minutes(qty))
			steps.append((T_OPERATION, (item, op.name, op.station, placed.start, placed.end)))
			if placed.waited_until:
				waited = placed
				steps.append((T_BOOKED, (op.station, placed.waited_until)))
			cursor = placed.end + timedelta(minutes=world.rules.mins_between_operations)
			last = placed
		if waited:
			limit = Limit(FEASIBLE_WORKSTATION, waited.station, waited.waited_until)
		elif binding and binding.at > world.now:
			limit = binding.limit
		else:
			limit = Limit(FEASIBLE_WORKSTATION, last.station, last.end)
		return Ready(last.end, limit, (*head, *steps))


def earliest_delivery(
	world: World, requests: Iterable[tuple[str, str, float]]
) -> tuple[date | None, list[LineAnswer]]:
	"""Each request (line, item, quantity in stock units) answered in turn, and the order's date: when its
	last line can be delivered (None for no lines)."""
	planner = Planner(world)
	answers = [planner.answer(line, item, qty) for line, item, qty in requests]
	return max((a.earliest for a in answers), default=None), answers


def delivery_samples(entries: Iterable[tuple[str, datetime, str]], hours_between) -> list[float]:
	"""How long orders took from Ready to Ship to Delivered (working hours), from timeline entries (order,
	when, stage entered) ordered by order and time: the first entry into Ready to Ship to the first into
	Delivered after it."""
	samples, order, ready, counted = [], None, None, False
	for name, at, stage in entries:
		if name != order:
			order, ready, counted = name, None, False
		if stage == READY_TO_SHIP and ready is None:
			ready = at
		elif stage == DELIVERED and ready is not None and not counted:
			samples.append(max(0.0, hours_between(ready, at)))
			counted = True
	return samples
