"""The SLA clock: working time on a calendar of working hours, weekly days off and holidays.

Handoffs are due a number of *working* hours after they are sent; a handoff sent on Friday evening with
eight hours to accept is due on Monday afternoon, not on Saturday morning.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from .errors import CoordinationError

_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Calendar:
	"""Working hours each working day from `start` to `end`; `days_off` are weekday numbers
	(Monday 0 ... Sunday 6); `holidays` are dates that are not worked."""

	start: time = time(9, 0)
	end: time = time(17, 0)
	days_off: frozenset[int] = frozenset({5, 6})
	holidays: frozenset[date] = field(default_factory=frozenset)

	def __post_init__(self):
		if self.end <= self.start:
			raise CoordinationError("Working hours must end after they start")
		if len(set(self.days_off)) >= 7:
			raise CoordinationError("A calendar needs at least one working day a week")

	def is_working_day(self, day: date) -> bool:
		return day.weekday() not in self.days_off and day not in self.holidays

	def day_window(self, day: date) -> tuple[datetime, datetime]:
		return datetime.combine(day, self.start), datetime.combine(day, self.end)

	@property
	def hours_per_day(self) -> float:
		open_at, close_at = self.day_window(date.min)
		return (close_at - open_at).total_seconds() / 3600


def _next_working_day(cal: Calendar, day: date) -> date:
	# Holidays are finite and at least one weekday is worked, so this ends; the bound guards bad data.
	for _ in range(3700):
		if cal.is_working_day(day):
			return day
		day += _DAY
	raise CoordinationError("The calendar has no working day in ten years after {0}", day)


def add_working_hours(start: datetime, hours: float, cal: Calendar) -> datetime:
	"""The instant `hours` working hours after `start`. Zero hours gives `start` itself."""
	if hours < 0:
		raise CoordinationError("SLA hours cannot be negative")
	if hours == 0:
		return start
	remaining = timedelta(hours=hours)
	day = start.date()
	cursor = start
	while True:
		day = _next_working_day(cal, day)
		open_at, close_at = cal.day_window(day)
		begin = max(cursor, open_at) if day == cursor.date() else open_at
		if begin < close_at:
			available = close_at - begin
			if remaining <= available:
				return begin + remaining
			remaining -= available
		day += _DAY
		cursor = datetime.combine(day, time.min)


def _within_day(cal: Calendar, day: date, start: datetime, end: datetime) -> timedelta:
	if not cal.is_working_day(day):
		return timedelta()
	open_at, close_at = cal.day_window(day)
	lo, hi = max(open_at, start), min(close_at, end)
	return hi - lo if hi > lo else timedelta()


@lru_cache(maxsize=64)
def _sorted_holidays(holidays: frozenset[date]) -> tuple[date, ...]:
	return tuple(sorted(holidays))


def working_days(cal: Calendar, first: date, last: date) -> int:
	"""Working days from `first` to `last`, both included, counted without walking the days."""
	days = (last - first).days + 1
	if days <= 0:
		return 0
	weeks, rest = divmod(days, 7)
	count = weeks * (7 - len(cal.days_off))
	tail = first + timedelta(days=weeks * 7)
	count += sum((tail + timedelta(days=i)).weekday() not in cal.days_off for i in range(rest))
	holidays = _sorted_holidays(cal.holidays)
	within = holidays[bisect_left(holidays, first) : bisect_right(holidays, last)]
	return count - sum(day.weekday() not in cal.days_off for day in within)


def working_hours_between(start: datetime, end: datetime, cal: Calendar) -> float:
	"""Working hours from `start` to `end`; negative when `end` comes first."""
	if end < start:
		return -working_hours_between(end, start, cal)
	first, last = start.date(), end.date()
	if first == last:
		return _within_day(cal, first, start, end).total_seconds() / 3600
	total = _within_day(cal, first, start, end) + _within_day(cal, last, start, end)
	whole = working_days(cal, first + _DAY, last - _DAY)
	return total.total_seconds() / 3600 + whole * cal.hours_per_day


ON_TIME = "On Time"
DUE_SOON = "Due Soon"
OVERDUE = "Overdue"
DUE_SOON_HOURS = 2.0


def sla_state(due_by: datetime, now: datetime, cal: Calendar, soon_hours: float = DUE_SOON_HOURS) -> str:
	"""How a pending handoff stands against its due time: On Time, Due Soon (within `soon_hours`
	working hours) or Overdue."""
	if now > due_by:
		return OVERDUE
	if working_hours_between(now, due_by, cal) <= soon_hours:
		return DUE_SOON
	return ON_TIME
