"""Workstation time: forward finite placement of operations after the load already booked.

A workstation works its windows of working hours every day that is not on its holiday list (ERPNext keeps
weekly days off in the holiday list too; a workstation without working hours works around the clock, as
ERPNext lets it). At any instant it runs at most `capacity` jobs at once (ERPNext's `production_capacity`).
An operation is placed as early as its earliest start allows, in the free time of the working windows,
continuing in the next free time when a window closes (ERPNext splits Job Card time the same way). With
overtime allowed the working hours stop binding (ERPNext then accepts time outside them); with production
on holidays allowed the holiday list does. The load is a set of booked intervals; placing adds to it, so
what one line takes, the next line cannot. A `fork` of the load lets a caller try a placement and keep it
only if it is chosen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from .errors import CoordinationError

_DAY = timedelta(days=1)
ALL_DAY = ((time(0, 0), None),)  # None as an end: midnight of the next day
MAX_SEARCH_DAYS = 3 * 366  # beyond this the answer would say nothing useful: refused, not looped over


@dataclass(frozen=True)
class Station:
	name: str
	windows: tuple[tuple[time, time | None], ...] = ALL_DAY  # working hours, each day
	holidays: frozenset[date] = field(default_factory=frozenset)
	capacity: int = 1

	def __post_init__(self):
		if self.capacity < 1:
			raise CoordinationError("Workstation {0} needs a capacity of at least 1", self.name)


@dataclass(frozen=True)
class Rules:
	"""ERPNext's Manufacturing Settings, as far as placing work goes."""

	mins_between_operations: float = 0.0
	allow_overtime: bool = False
	allow_production_on_holidays: bool = False


@dataclass(frozen=True)
class Placement:
	station: str
	start: datetime
	end: datetime
	pieces: tuple[tuple[datetime, datetime], ...]
	waited_until: datetime | None = None  # the booked load kept the operation from starting earlier


def working_windows(station: Station, rules: Rules, day: date) -> list[tuple[datetime, datetime]]:
	"""The times `station` works on `day`, in order."""
	if day in station.holidays and not rules.allow_production_on_holidays:
		return []
	windows = ALL_DAY if rules.allow_overtime or not station.windows else station.windows
	out = []
	for start, end in sorted(windows, key=lambda w: w[0]):
		begin = datetime.combine(day, start)
		close = (
			datetime.combine(day + _DAY, time(0, 0))
			if end is None or end == time(0, 0)
			else datetime.combine(day, end)
		)
		if close > begin:
			out.append((begin, close))
	return out


class Load:
	"""Booked intervals per workstation, indexed by the days they touch."""

	def __init__(self, parent: Load | None = None):
		self._parent = parent
		self._days: dict[tuple[str, date], list[tuple[datetime, datetime]]] = {}

	def on(self, station: str, day: date) -> list[tuple[datetime, datetime]]:
		load = self
		while load is not None:
			found = load._days.get((station, day))
			if found is not None:
				return found
			load = load._parent
		return []

	def book(self, station: str, start: datetime, end: datetime) -> None:
		if end <= start:
			return
		day = start.date()
		while datetime.combine(day, time(0, 0)) < end:
			key = (station, day)
			if key not in self._days:
				self._days[key] = list(self.on(station, day))
			self._days[key].append((start, end))
			day += _DAY

	def fork(self) -> Load:
		return Load(self)

	def commit(self) -> None:
		"""Make what was booked on this fork part of its parent."""
		if self._parent is not None:
			self._parent._days.update(self._days)
			self._days = {}

	def busy(self, station: str, at: datetime) -> int:
		return sum(1 for start, end in self.on(station, at.date()) if start <= at < end)


def free_spans(
	load: Load, station: Station, begin: datetime, close: datetime
) -> list[tuple[datetime, datetime]]:
	"""The parts of [begin, close) where the station runs fewer jobs than its capacity."""
	booked = [
		(max(s, begin), min(e, close))
		for s, e in load.on(station.name, begin.date())
		if s < close and e > begin
	]
	if not booked:
		return [(begin, close)]
	marks: dict[datetime, int] = {}
	for s, e in booked:
		marks[s] = marks.get(s, 0) + 1
		marks[e] = marks.get(e, 0) - 1
	spans, running, cursor = [], 0, begin
	for at in sorted(marks):
		if at > cursor and running < station.capacity:
			spans.append((cursor, at))
		running += marks[at]
		cursor = at
	if cursor < close and running < station.capacity:
		spans.append((cursor, close))
	merged: list[tuple[datetime, datetime]] = []
	for s, e in spans:
		if merged and merged[-1][1] == s:
			merged[-1] = (merged[-1][0], e)
		else:
			merged.append((s, e))
	return merged


def place(load: Load, station: Station, rules: Rules, earliest: datetime, minutes: float) -> Placement:
	"""Book `minutes` of work on `station` as early as possible from `earliest`; the load keeps it."""
	if minutes < 0 or minutes != minutes:
		raise CoordinationError("An operation cannot take {0} minutes", minutes)
	remaining = timedelta(minutes=minutes)
	pieces: list[tuple[datetime, datetime]] = []
	first_free = None
	day = earliest.date()
	for _ in range(MAX_SEARCH_DAYS):
		for begin, close in working_windows(station, rules, day):
			begin = max(begin, earliest)
			if begin >= close:
				continue
			for s, e in free_spans(load, station, begin, close):
				if first_free is None:
					first_free = s
				if not remaining:
					break
				take = min(e - s, remaining)
				pieces.append((s, s + take))
				remaining -= take
			if not remaining and first_free is not None:
				break
		if not remaining and first_free is not None:
			break
		day += _DAY
	else:
		raise CoordinationError("Workstation {0} has no free working time within three years", station.name)
	start = pieces[0][0] if pieces else first_free
	end = pieces[-1][1] if pieces else first_free
	for s, e in pieces:
		load.book(station.name, s, e)
	waited = start if _held_back(load, station, rules, earliest, start, pieces) else None
	return Placement(station.name, start, end, tuple(pieces), waited)


def _held_back(load, station, rules, earliest, start, pieces) -> bool:
	"""Whether booked work, not the working hours, kept the operation from starting at `earliest`'s first
	working instant."""
	day = earliest.date()
	for _ in range(MAX_SEARCH_DAYS):
		for begin, close in working_windows(station, rules, day):
			begin = max(begin, earliest)
			if begin < close:
				return start > begin
		day += _DAY
	return False
