import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from order_coordination.core.stats import median, percentile

numbers = st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=50)


def test_known_values():
	assert median([3, 1, 2]) == 2
	assert median([4, 1, 2, 3]) == 2.5
	assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90) == pytest.approx(9.1)
	assert median([]) is None


@given(numbers)
def test_median_agrees_with_the_standard_library(values):
	assert median(values) == pytest.approx(statistics.median(values), abs=1e-6)


@given(numbers, st.floats(0, 100), st.floats(0, 100))
def test_percentiles_are_ordered_and_bounded(values, a, b):
	lo, hi = sorted((a, b))
	assert min(values) <= percentile(values, lo) <= percentile(values, hi) + 1e-9 <= max(values) + 1e-9
