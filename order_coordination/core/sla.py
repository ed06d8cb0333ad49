"""The SLA clock: working time on a calendar of working hours, weekly days off and holidays.

Handoffs are due a number of *working* hours after they are sent; a handoff sent on Friday evening with
eight hours to accept is due on Monday afternoon, not on Saturday morning.
"""

from __future__ import annotations

import math
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
		if all(weekday in self.days_off for weekday in range(7)):
			raise CoordinationError("A calendar needs at least one working day a week")

	def is_working_day(self, day: date) -> bool:
		return day.weekday() not in self.days_off and day not in self.holidays

	def day_window(self, day: date) -> tuple[datetime, datetime]:
		return datetime.combine(day, self.start), datetime.combine(day, self.end)

	@property
	def hours_per_day(self) -> float:
		open_at, close_at = self.day_window(date.min)
		return (close_at - open_at).total_seconds() / 3600


def add_working_hours(start: datetime, hours: float, cal: Calendar) -> datetime:
	"""The instant `hours` working hours after `start`. Zero hours gives `start` itself.

	The cost does not grow with `hours`: whole working days are counted arithmetically, so a careless
	policy value cannot stall the request that computes a due time; a result past the last date a
	datetime can hold is refused."""
	if math.isnan(hours) or hours < 0:
		raise CoordinationError("SLA hours must be a number of 0 or more, not {0}", hours)
	if hours == 0:
		return start
	# Even working every day in full until the last date could not use up more than this; checking
	# first also keeps timedelta() below from overflowing.
	if hours > ((date.max - start.date()).days + 1) * cal.hours_per_day:
		raise _beyond(start, hours)
	remaining = timedelta(hours=hours)
	day = start.date()
	open_at, close_at = cal.day_window(day)
	if cal.is_working_day(day):
		begin = max(start, open_at)
		if begin < close_at:
			if remaining <= close_at - begin:
				return begin + remaining
			remaining -= close_at - begin
	if day == date.max:
		raise _beyond(start, hours)
	# From the next day on, every working day gives its whole window: the due time falls on the n-th.
	window = close_at - open_at
	n = max(1, -(-remaining // window))  # a sub-microsecond remainder still opens the next window
	due_day = nth_working_day(cal, day + _DAY, n)
	if due_day is None:
		raise _beyond(start, hours)
	return datetime.combine(due_day, cal.start) + (remaining - (n - 1) * window)


def _beyond(start: datetime, hours: float) -> CoordinationError:
	return CoordinationError(
		"{0} working hours after {1} fall beyond the last date the clock can hold", hours, start
	)


def _weekdays_worked(cal: Calendar) -> int:
	return sum(weekday not in cal.days_off for weekday in range(7))


def _nth_weekday(cal: Calendar, first: date, n: int) -> date:
	"""The n-th day (n >= 1) from `first` on that is not a weekly day off, holidays aside.
	OverflowError when it would pass the last date."""
	weeks, n = divmod(n - 1, _weekdays_worked(cal))
	day = first + timedelta(days=7 * weeks)
	# Every 7 days hold all the worked weekdays and n is now below their number: a week at most.
	for _ in range(7):
		if day.weekday() not in cal.days_off:
			if n == 0:
				return day
			n -= 1
		day += _DAY
	raise AssertionError("unreachable: a week holds every worked weekday")


def nth_working_day(cal: Calendar, first: date, n: int) -> date | None:
	"""The n-th working day (n >= 1) counting from `first` itself; None when it would pass the last
	date. A binary search between two closed-form bounds, so its cost grows with the logarithm of the
	holidays ahead, never with `n`."""
	try:
		lo = _nth_weekday(cal, first, n)  # the answer if no holiday fell in between
	except OverflowError:
		return None
	holidays = _worked_weekday_holidays(cal.holidays, frozenset(cal.days_off))
	ahead = len(holidays) - bisect_left(holidays, first)
	try:
		# Each holiday ahead pushes the answer back by at most one worked weekday.
		hi = _nth_weekday(cal, first, n + ahead)
	except OverflowError:
		hi = date.max
		if working_days(cal, first, hi) < n:
			return None
	while lo < hi:
		middle = lo + (hi - lo) // 2
		if working_days(cal, first, middle) >= n:
			hi = middle
		else:
			lo = middle + _DAY
	return lo


def _within_day(cal: Calendar, day: date, start: datetime, end: datetime) -> timedelta:
	if not cal.is_working_day(day):
		return timedelta()
	open_at, close_at = cal.day_window(day)
	lo, hi = max(open_at, start), min(close_at, end)
	return hi - lo if hi > lo else timedelta()


@lru_cache(maxsize=64)
def _worked_weekday_holidays(holidays: frozenset[date], days_off: frozenset[int]) -> tuple[date, ...]:
	# Only a holiday on a weekday that would be worked takes a day away; sorted for bisect.
	return tuple(sorted(day for day in holidays if day.weekday() not in days_off))


def working_days(cal: Calendar, first: date, last: date) -> int:
	"""Working days from `first` to `last`, both included, counted without walking the days."""
	days = (last - first).days + 1
	if days <= 0:
		return 0
	weeks, rest = divmod(days, 7)
	count = weeks * _weekdays_worked(cal)
	# The rest days follow whole weeks, so they start on first's weekday (no date arithmetic that
	# could pass date.max).
	count += sum((first.weekday() + i) % 7 not in cal.days_off for i in range(rest))
	holidays = _worked_weekday_holidays(cal.holidays, frozenset(cal.days_off))
	return count - (bisect_right(holidays, last) - bisect_left(holidays, first))


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
