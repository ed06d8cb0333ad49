"""What is typical in this company: stage durations learned from its own history, and the service levels
its history suggests.

Each order's timeline says when it entered each stage; the time to the next stage it entered is how long
that stage took (working hours). A stage with enough such samples gets its median as the learned
duration; the others keep the policy's hours. The suggestions for a policy: accept within the 80th
percentile of the measured acceptance times, and expect each stage to take its median.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime

from .constants import STAGES
from .stats import median, percentile

MIN_SAMPLES = 10  # fewer completed stages than this say too little: the policy's hours stay


def stage_durations(
	entries: Iterable[tuple[str, datetime, str]], hours_between: Callable[[datetime, datetime], float]
) -> dict[str, list[float]]:
	"""Samples of how long each stage took: `entries` are (order, when, stage entered), ordered by order
	and time. Only forward moves count (a stage an order fell back from was not finished)."""
	samples: dict[str, list[float]] = defaultdict(list)
	previous = None
	for order, at, stage in entries:
		if stage not in STAGES:
			previous = None
			continue
		if previous and previous[0] == order and STAGES.index(stage) > STAGES.index(previous[2]):
			samples[previous[2]].append(hours_between(previous[1], at))
		previous = (order, at, stage)
	return dict(samples)


def learned_hours(samples: Mapping[str, list[float]], min_samples: int = MIN_SAMPLES) -> dict[str, float]:
	"""The median duration of each stage with at least `min_samples` samples."""
	return {
		stage: round(median(values), 2)
		for stage, values in samples.items()
		if len(values) >= min_samples and stage in STAGES
	}


def _suggest(value: float | None) -> float | None:
	"""A suggested SLA: the measure rounded up to the half hour, never below one hour."""
	if value is None:
		return None
	return max(1.0, math.ceil(value * 2) / 2)


def tuning(
	acceptance: Mapping[str, list[tuple[float, bool]]],
	durations: Mapping[str, list[float]],
	acceptance_sla: Mapping[str, float],
	completion_sla: Mapping[str, float],
	min_samples: int = MIN_SAMPLES,
) -> list[dict]:
	"""Per stage: the measured acceptance times (median, 80th percentile, share answered late) and stage
	durations (median, 80th percentile) beside the policy's hours, with suggested hours where the history
	is long enough. `acceptance` holds (working hours to answer, answered on time) per stage."""
	rows = []
	for stage in STAGES:
		answers = acceptance.get(stage, [])
		hours = [h for h, _on_time in answers]
		taken = durations.get(stage, [])
		enough_answers, enough_durations = len(hours) >= min_samples, len(taken) >= min_samples
		rows.append(
			{
				"stage": stage,
				"handoffs": len(hours),
				"acceptance_median": median(hours),
				"acceptance_p80": percentile(hours, 80),
				"acceptance_sla": acceptance_sla.get(stage),
				"missed_percent": 100.0 * sum(not ok for _h, ok in answers) / len(answers)
				if answers
				else None,
				"suggested_acceptance": _suggest(percentile(hours, 80)) if enough_answers else None,
				"completed": len(taken),
				"completion_median": median(taken),
				"completion_p80": percentile(taken, 80),
				"completion_sla": completion_sla.get(stage),
				"suggested_completion": _suggest(median(taken)) if enough_durations else None,
			}
		)
	return rows
