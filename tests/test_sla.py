from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
