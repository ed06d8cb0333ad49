"""Small statistics for the reports: median and percentiles by linear interpolation (as numpy's default)."""

from __future__ import annotations

from collections.abc import Iterable


def percentile(values: Iterable[float], q: float) -> float | None:
	data = sorted(v for v in values if v is not None)
	if not data:
		return None
	if not 0 <= q <= 100:
		raise ValueError("q must lie between 0 and 100")
	position = (len(data) - 1) * q / 100
	low = int(position)
	high = min(low + 1, len(data) - 1)
	return data[low] + (data[high] - data[low]) * (position - low)


def median(values: Iterable[float]) -> float | None:
	return percentile(values, 50)


def weighted_percentile(counts, q: float) -> float | None:
	"""`stats.percentile` of values given with how often each occurs, (value, count) pairs."""
	pairs = sorted((v, n) for v, n in counts if v is not None and n)
	total = sum(n for _v, n in pairs)
	if not total:
		return None
	position = (total - 1) * q / 100
	low = int(position)

	def at(rank):
		seen = 0
		for value, n in pairs:
			seen += n
			if rank < seen:
				return value
		return pairs[-1][0]

	a, b = at(low), at(min(low + 1, total - 1))
	return a + (b - a) * (position - low)
