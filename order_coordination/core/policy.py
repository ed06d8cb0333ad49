"""A company's coordination policy as values: ownership model, matrix, SLA hours and calendar."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from .constants import (
	DEFAULT_ACCEPTANCE_HOURS,
	DEFAULT_COMPLETION_HOURS,
	DEFAULT_NOTICES,
	DEFAULT_PROMISE_OWNER,
	DEFAULT_PROMISE_PROPOSERS,
	SALES_LED,
	STAGES,
)
from .errors import CoordinationError
from .responsibility import Matrix, preset_matrix, validate_matrix
from .sla import Calendar

# About a working year of eight-hour days: more than any stage should take, and small enough that a due
# time always lands on a date the clock can hold.
MAX_SLA_HOURS = 2000


def check_sla_hours(stage: str, hours: object, most: float = MAX_SLA_HOURS) -> float:
	"""`hours` as a float when it is a number from 0 to `most`; a CoordinationError naming the stage and
	the value otherwise (NaN and infinity included)."""
	try:
		value = float(hours)  # type: ignore[arg-type]
	except (TypeError, ValueError):
		value = math.nan
	if not (math.isfinite(value) and 0 <= value <= most):
		raise CoordinationError(
			"SLA hours for {0} must be between 0 and {1}, not {2}", stage, MAX_SLA_HOURS, hours
		)
	return value


@dataclass(frozen=True)
class Policy:
	model: str = SALES_LED
	matrix: Matrix = field(default_factory=lambda: preset_matrix(SALES_LED))
	acceptance_hours: Mapping[str, float] = field(
		default_factory=lambda: {stage: DEFAULT_ACCEPTANCE_HOURS for stage in STAGES}
	)
	completion_hours: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_COMPLETION_HOURS))
	calendar: Calendar = field(default_factory=Calendar)
	# The department that owns the customer's promise, and those that may propose to move it.
	promise_owner: str = DEFAULT_PROMISE_OWNER
	promise_proposers: tuple[str, ...] = DEFAULT_PROMISE_PROPOSERS
	# Which kinds of event the matrix's departments are told about (constants.NOTICE_KINDS).
	notices: Mapping[str, bool] = field(default_factory=lambda: dict(DEFAULT_NOTICES))
	# How long each stage usually takes in this company, learned from its own completed stages (working
	# hours, only for stages with enough history): it replaces the policy's typical hours, and only it
	# (with Work Order plans) counts as evidence that an order will be late.
	learned_hours: Mapping[str, float] = field(default_factory=dict)

	def __post_init__(self):
		validate_matrix(self.matrix)
		# Policies saved before the bound existed may hold more than MAX_SLA_HOURS; the clock copes with
		# those, so only values it cannot use (negative, NaN, infinite, not a number) are refused here.
		for hours in (self.acceptance_hours, self.completion_hours):
			for stage, value in hours.items():
				check_sla_hours(stage, value, most=math.inf)

	def informs(self, kind: str) -> bool:
		return bool(self.notices.get(kind, DEFAULT_NOTICES.get(kind, True)))

	def acceptance_for(self, stage: str) -> float:
		return float(self.acceptance_hours.get(stage, DEFAULT_ACCEPTANCE_HOURS))

	def completion_for(self, stage: str) -> float:
		if stage in self.learned_hours:
			return float(self.learned_hours[stage])
		return float(self.completion_hours.get(stage, DEFAULT_COMPLETION_HOURS.get(stage, 0.0)))

	def known_hours(self, stage: str) -> float:
		"""What the company's history says a stage takes; nothing when it has no history of it yet."""
		return float(self.learned_hours.get(stage, 0.0))


def default_policy(model: str = SALES_LED, calendar: Calendar | None = None) -> Policy:
	return Policy(model=model, matrix=preset_matrix(model), calendar=calendar or Calendar())
