"""A company's coordination policy as values: ownership model, matrix, SLA hours and calendar."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .constants import DEFAULT_ACCEPTANCE_HOURS, DEFAULT_COMPLETION_HOURS, SALES_LED, STAGES
from .responsibility import Matrix, preset_matrix, validate_matrix
from .sla import Calendar


@dataclass(frozen=True)
class Policy:
	model: str = SALES_LED
	matrix: Matrix = field(default_factory=lambda: preset_matrix(SALES_LED))
	acceptance_hours: Mapping[str, float] = field(
		default_factory=lambda: {stage: DEFAULT_ACCEPTANCE_HOURS for stage in STAGES}
	)
	completion_hours: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_COMPLETION_HOURS))
	calendar: Calendar = field(default_factory=Calendar)

	def __post_init__(self):
		validate_matrix(self.matrix)

	def acceptance_for(self, stage: str) -> float:
		return float(self.acceptance_hours.get(stage, DEFAULT_ACCEPTANCE_HOURS))

	def completion_for(self, stage: str) -> float:
		return float(self.completion_hours.get(stage, DEFAULT_COMPLETION_HOURS.get(stage, 0.0)))


def default_policy(model: str = SALES_LED, calendar: Calendar | None = None) -> Policy:
	return Policy(model=model, matrix=preset_matrix(model), calendar=calendar or Calendar())
