"""Who does what: a stage x department responsibility matrix and the presets of each ownership model.

A matrix maps each stage to the role each department plays in it (Responsible, Accountable, Informed).
Exactly one department is responsible and one accountable for each stage (they may be the same); every
other department listed is informed. Ownership models are presets of such a matrix; a company's policy
may then edit any cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .constants import (
	ACCOUNTABLE,
	COMPLETED,
	DEFAULT_DEPARTMENTS,
	DELIVERED,
	IN_PRODUCTION,
	INFORMED,
	LOGISTICS,
	LOGISTICS_LED,
	MATRIX_ROLES,
	ORDER_RECEIVED,
	OWNERSHIP_MODELS,
	PARTIALLY_SHIPPED,
	PRODUCTION,
	PRODUCTION_LED,
	PRODUCTION_PLANNING,
	READY_TO_SHIP,
	RESPONSIBLE,
	SALES,
	SALES_LED,
	SHIPPED,
	STAGES,
)
from .errors import CoordinationError

# Which department does the work of each stage, whatever the ownership model.
WORKING_DEPARTMENT = {
	ORDER_RECEIVED: SALES,
	PRODUCTION_PLANNING: PRODUCTION,
	IN_PRODUCTION: PRODUCTION,
	READY_TO_SHIP: LOGISTICS,
	PARTIALLY_SHIPPED: LOGISTICS,
	SHIPPED: LOGISTICS,
	DELIVERED: LOGISTICS,
	COMPLETED: SALES,
}

OWNER_OF_MODEL = {SALES_LED: SALES, PRODUCTION_LED: PRODUCTION, LOGISTICS_LED: LOGISTICS}

# A matrix: stage -> department -> role. Roles hold at most one of MATRIX_ROLES; a department that is
# both responsible and accountable is stored as responsible and looked up as both (see accountable_for).
Matrix = dict[str, dict[str, str]]


def preset_matrix(model: str, departments: Iterable[str] = DEFAULT_DEPARTMENTS) -> Matrix:
	"""The matrix an ownership model presets, over the given departments."""
	if model not in OWNERSHIP_MODELS:
		raise CoordinationError("Unknown ownership model {0}", model)
	departments = list(dict.fromkeys(departments))
	for required in DEFAULT_DEPARTMENTS:
		if required not in departments:
			departments.append(required)
	matrix: Matrix = {}
	for stage in STAGES:
		worker = WORKING_DEPARTMENT[stage]
		owner = OWNER_OF_MODEL.get(model, worker)  # Shared: each stage's worker answers for it
		row = {dept: INFORMED for dept in departments}
		row[owner] = ACCOUNTABLE
		row[worker] = RESPONSIBLE
		matrix[stage] = row
	return matrix


def validate_matrix(matrix: Mapping[str, Mapping[str, str]]) -> None:
	"""Refuse a matrix that leaves a stage without exactly one responsible department."""
	for stage in STAGES:
		row = matrix.get(stage)
		if not row:
			raise CoordinationError("The responsibility matrix has no row for stage {0}", stage)
		for dept, role in row.items():
			if role not in MATRIX_ROLES:
				raise CoordinationError("{0} is not a responsibility role (department {1})", role, dept)
		responsible = [d for d, r in row.items() if r == RESPONSIBLE]
		if len(responsible) != 1:
			raise CoordinationError("Stage {0} needs exactly one responsible department", stage)
		if len([d for d, r in row.items() if r == ACCOUNTABLE]) > 1:
			raise CoordinationError("Stage {0} has more than one accountable department", stage)


def responsible_for(matrix: Mapping[str, Mapping[str, str]], stage: str) -> str:
	row = matrix[stage]
	for dept, role in row.items():
		if role == RESPONSIBLE:
			return dept
	return WORKING_DEPARTMENT[stage]


def accountable_for(matrix: Mapping[str, Mapping[str, str]], stage: str) -> str:
	"""The accountable department; the responsible one answers for itself when none is named."""
	for dept, role in matrix[stage].items():
		if role == ACCOUNTABLE:
			return dept
	return responsible_for(matrix, stage)


def informed_for(matrix: Mapping[str, Mapping[str, str]], stage: str) -> list[str]:
	return [dept for dept, role in matrix[stage].items() if role == INFORMED]


def audience(
	policy_matrix: Mapping[str, Mapping[str, str]],
	stage: str,
	addressees: Iterable[str] = (),
	actor: str | None = None,
	informing: bool = True,
	path: Iterable[str] | None = None,
) -> tuple[str, ...]:
	"""The departments to tell about something that happened to an order at `stage`.

	Whoever must act on it (`addressees`: the department a handoff or proposal goes to) is always told.
	When the policy informs about this kind of event (`informing`), so is every department the matrix marks
	Responsible, Accountable or Informed for the stage, except the one that acted and, given the stages
	the order goes through (`path`), a department whose every duty lies off it (Production, for an order
	served from stock)."""
	told = list(addressees)
	if informing:
		idle = off_path(policy_matrix, path) if path is not None else set()
		told += [
			d
			for d, role in policy_matrix.get(stage, {}).items()
			if role in MATRIX_ROLES and d != actor and d not in idle
		]
	return tuple(dict.fromkeys(told))


def off_path(policy_matrix: Mapping[str, Mapping[str, str]], path: Iterable[str]) -> set[str]:
	"""Departments that do or answer for some stage, but none of the stages in `path`: they have no part
	in such an order. A department only ever kept informed is never off the path."""
	path = set(path)
	duties_of: dict[str, set[str]] = {}
	for stage, roles in policy_matrix.items():
		for department, role in roles.items():
			if role in (RESPONSIBLE, ACCOUNTABLE):
				duties_of.setdefault(department, set()).add(stage)
	return {d for d, stages in duties_of.items() if not stages & path}


def duties(matrix: Mapping[str, Mapping[str, str]], stage: str) -> dict:
	"""Who does a stage, who answers for it, and who is kept informed of it."""
	return {
		"responsible": responsible_for(matrix, stage),
		"accountable": accountable_for(matrix, stage),
		"informed": informed_for(matrix, stage),
	}
