from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from order_coordination.core import sla
from order_coordination.core.errors import CoordinationError
from order_coordination.core.sla import Calendar, add_working_hours, working_hours_between

CAL = Calendar(time(9), time(17), frozenset({5, 6}), frozenset({date(2026, 12, 25)}))


def test_due_time_within_the_same_day():
	assert add_working_hours(datetime(2026, 11, 23, 9), 4, CAL) == datetime(2026, 11, 23, 13)


def test_due_time_skips_the_weekend():
	# Friday 15:00 + 8h: 2h on Friday, 6h on Monday.
	assert add_working_hours(datetime(2026, 11, 27, 15), 8, CAL) == datetime(2026, 11, 30, 15)


def test_due_time_skips_holidays():
	# Thursday 24 Dec 16:00 + 2h: 1h that day, Christmas off, then Saturday and Sunday off.
	assert add_working_hours(datetime(2026, 12, 24, 16), 2, CAL) == datetime(2026, 12, 28, 10)


def test_start_outside_hours_counts_from_the_next_opening():
	assert add_working_hours(datetime(2026, 11, 23, 20), 1, CAL) == datetime(2026, 11, 24, 10)
	assert add_working_hours(datetime(2026, 11, 28, 11), 1, CAL) == datetime(2026, 11, 30, 10)


def test_elapsed_working_hours():
	assert working_hours_between(datetime(2026, 11, 27, 15), datetime(2026, 11, 30, 15), CAL) == 8
	assert working_hours_between(datetime(2026, 11, 28, 0), datetime(2026, 11, 29, 23), CAL) == 0
	assert working_hours_between(datetime(2026, 11, 30, 15), datetime(2026, 11, 27, 15), CAL) == -8


def test_bad_calendars_and_hours_are_refused():
	with pytest.raises(CoordinationError):
		Calendar(time(17), time(9))
	with pytest.raises(CoordinationError):
		Calendar(days_off=frozenset(range(7)))
	with pytest.raises(CoordinationError):
		add_working_hours(datetime(2026, 11, 23, 9), -1, CAL)
	with pytest.raises(CoordinationError):
		add_working_hours(datetime(2026, 11, 23, 9), float("nan"), CAL)


calendars = st.builds(
	lambda start, length, days_off, holidays: Calendar(
		time(start), time(start + length), frozenset(days_off), frozenset(holidays)
	),
	st.integers(0, 12),
	st.integers(1, 11),
	st.sets(st.integers(0, 6), max_size=6),
	st.sets(st.dates(date(2026, 1, 1), date(2027, 12, 31)), max_size=30),
)
instants = st.datetimes(datetime(2026, 1, 1), datetime(2027, 6, 30))
hours = st.floats(0.25, 200, allow_nan=False).map(lambda h: round(h * 4) / 4)


@settings(max_examples=300, deadline=None)
@given(calendars, instants, hours)
def test_due_time_falls_in_working_time_and_measures_back_to_the_hours(cal, start, h):
	due = add_working_hours(start, h, cal)
	assert due > start
	assert cal.is_working_day(due.date())
	open_at, close_at = cal.day_window(due.date())
	assert open_at < due <= close_at
	assert abs(working_hours_between(start, due, cal) - h) < 1e-6


@settings(max_examples=200, deadline=None)
@given(calendars, instants, hours, hours)
def test_due_time_grows_with_the_hours(cal, start, a, b):
	lo, hi = sorted((a, b))
	assert add_working_hours(start, lo, cal) <= add_working_hours(start, hi, cal)
	if hi > lo:
		assert add_working_hours(start, lo, cal) < add_working_hours(start, hi, cal)


@settings(max_examples=200, deadline=None)
@given(calendars, instants, st.integers(0, 400))
def test_elapsed_time_is_additive(cal, start, minutes):
	middle = start + timedelta(minutes=minutes * 7)
	end = middle + timedelta(minutes=minutes * 11)
	total = working_hours_between(start, end, cal)
	assert (
		abs(total - working_hours_between(start, middle, cal) - working_hours_between(middle, end, cal))
		< 1e-6
	)


def test_sla_state():
	from order_coordination.core.sla import DUE_SOON, ON_TIME, OVERDUE, sla_state

	due = datetime(2026, 11, 30, 11)  # Monday 11:00
	assert sla_state(due, datetime(2026, 11, 30, 12), CAL) == OVERDUE
	assert sla_state(due, datetime(2026, 11, 30, 9, 30), CAL) == DUE_SOON
	assert sla_state(due, datetime(2026, 11, 30, 9), CAL) == DUE_SOON  # exactly two working hours left
	assert sla_state(due, datetime(2026, 11, 27, 16, 30), CAL) == ON_TIME  # Friday evening: 0.5h + 2h
	assert sla_state(due, datetime(2026, 11, 27, 9), CAL) == ON_TIME


def walked_hours(start, end, cal):
	"""The day-by-day reckoning the closed form must agree with."""
	total = timedelta()
	day = start.date()
	while day <= end.date():
		if cal.is_working_day(day):
			open_at, close_at = cal.day_window(day)
			lo, hi = max(open_at, start), min(close_at, end)
			if hi > lo:
				total += hi - lo
		day += timedelta(days=1)
	return total.total_seconds() / 3600


@settings(max_examples=400, deadline=None)
@given(calendars, instants, instants)
def test_elapsed_time_agrees_with_walking_the_days(cal, a, b):
	start, end = sorted((a, b))
	assert abs(working_hours_between(start, end, cal) - walked_hours(start, end, cal)) < 1e-6


def walked_due_time(start, hours, cal):
	"""The day-by-day reckoning the arithmetic clock must agree with (the clock before it skipped)."""
	if hours == 0:
		return start
	remaining = timedelta(hours=hours)
	day = start.date()
	cursor = start
	while True:
		while not cal.is_working_day(day):
			day += timedelta(days=1)
		open_at, close_at = cal.day_window(day)
		begin = max(cursor, open_at) if day == cursor.date() else open_at
		if begin < close_at:
			available = close_at - begin
			if remaining <= available:
				return begin + remaining
			remaining -= available
		day += timedelta(days=1)
		cursor = datetime.combine(day, time.min)


def _every_weekend(first, last):
	day = first
	while day <= last:
		if day.weekday() >= 5:
			yield day
		day += timedelta(days=1)


# A Holiday List calendar carries its weekends as dates and has no weekly days off; a closure is a
# long run of holidays in a row; both stress the holiday correction more than scattered dates.
WEEKENDS_2026_2027 = frozenset(_every_weekend(date(2026, 1, 1), date(2027, 12, 31)))
holiday_list_calendars = st.builds(
	lambda start, length, extra: Calendar(
		time(start), time(start + length), frozenset(), WEEKENDS_2026_2027 | frozenset(extra)
	),
	st.integers(0, 12),
	st.integers(1, 11),
	st.sets(st.dates(date(2026, 1, 1), date(2027, 12, 31)), max_size=30),
)
closure_calendars = st.builds(
	lambda start, length, days_off, first, days: Calendar(
		time(start),
		time(start + length),
		frozenset(days_off),
		frozenset(first + timedelta(days=i) for i in range(days)),
	),
	st.integers(0, 12),
	st.integers(1, 11),
	st.sets(st.integers(0, 6), max_size=6),
	st.dates(date(2026, 1, 1), date(2027, 12, 31)),
	st.integers(1, 400),
)
any_calendar = st.one_of(calendars, holiday_list_calendars, closure_calendars)
any_hours = st.one_of(
	hours,
	st.floats(0, 3000, allow_nan=False),  # arbitrary floats: microsecond rounding must agree too
	st.integers(0, 3000),
)


@settings(max_examples=500, deadline=None)
@given(any_calendar, instants, any_hours)
def test_due_time_agrees_with_walking_the_days(cal, start, h):
	assert add_working_hours(start, h, cal) == walked_due_time(start, h, cal)


@settings(max_examples=200, deadline=None)
@given(any_calendar, instants, st.floats(0, 1e7, allow_nan=False))
def test_a_large_number_of_hours_measures_back_to_itself(cal, start, h):
	try:
		due = add_working_hours(start, h, cal)
	except CoordinationError:
		# Refused only when the calendar truly runs out of working time before the last datetime.
		assert working_hours_between(start, datetime.max, cal) < h
		return
	assert due >= start
	assert abs(working_hours_between(start, due, cal) - h) <= 1e-6 + 1e-9 * h


def test_huge_numbers_of_hours_are_refused_not_walked():
	# 1e7 working hours of eight-hour days is about 4,800 years: still a date.
	due = add_working_hours(datetime(2026, 11, 23, 9), 1e7, CAL)
	assert abs(working_hours_between(datetime(2026, 11, 23, 9), due, CAL) - 1e7) < 1e-3
	for h in (1e9, 1e300, float("inf")):
		with pytest.raises(CoordinationError):
			add_working_hours(datetime(2026, 11, 23, 9), h, CAL)


def test_the_last_date_the_clock_can_hold():
	every_day = Calendar(days_off=frozenset())
	# 31 December 9999 is a Friday, the last date a datetime can hold.
	assert add_working_hours(datetime(9999, 12, 30, 9), 16, every_day) == datetime(9999, 12, 31, 17)
	assert add_working_hours(datetime(9999, 12, 31, 9), 8, CAL) == datetime(9999, 12, 31, 17)
	for start, h in ((datetime(9999, 12, 30, 9), 16.5), (datetime(9999, 12, 31, 9), 8.5)):
		with pytest.raises(CoordinationError):
			add_working_hours(start, h, every_day)
	# Saturday 25 December 9999 on: one working week left before the end of time.
	assert add_working_hours(datetime(9999, 12, 25), 40, CAL) == datetime(9999, 12, 31, 17)
	with pytest.raises(CoordinationError):
		add_working_hours(datetime(9999, 12, 25), 41, CAL)
	# A holiday that last week: its upper bound would pass the last date, the answer does not.
	boxing_day = Calendar(holidays=frozenset({date(9999, 12, 27)}))
	assert add_working_hours(datetime(9999, 12, 25), 32, boxing_day) == datetime(9999, 12, 31, 17)
	with pytest.raises(CoordinationError):
		add_working_hours(datetime(9999, 12, 25), 33, boxing_day)


def test_the_cost_does_not_grow_with_the_hours(monkeypatch):
	"""Counted, not timed: the holiday correction asks working_days a logarithmic number of times."""
	calls = []
	counted = sla.working_days

	def counting(*args):
		calls.append(args)
		return counted(*args)

	monkeypatch.setattr(sla, "working_days", counting)
	busy = Calendar(days_off=frozenset(), holidays=WEEKENDS_2026_2027 | {date(2026, 12, 25)})
	for cal in (CAL, busy):
		for h in (10, 1e3, 1e5, 1e7):
			calls.clear()
			add_working_hours(datetime(2026, 11, 23, 9), h, cal)
			assert len(calls) <= 16, (cal, h, len(calls))
