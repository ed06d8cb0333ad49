"""Is an order going to make its delivery date?

The expected finish is the latest planned end of its open Work Orders (while production is ahead) plus
the typical working time of the stages still ahead: what this company's history says they take, or the
policy's hours until it has that history. An order is At Risk only on evidence: when its Work Orders end
after the date, or when the stages ahead, at the durations its company's history shows, cannot make it.
The policy's starting hours are a guess, shown as the expected finish but never enough to call an order
At Risk, so a new order is Open unless something says otherwise. Overdue means the date has passed with
goods still to ship (an order shipped in full has kept its date, confirmed or not).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from .constants import (
	DELIVERED,
	PARTIALLY_SHIPPED,
	PRODUCTION_STAGES,
	STAGES,
	STATUS_AT_RISK,
	STATUS_OPEN,
	STATUS_OVERDUE,
)
from .policy import Policy
from .sla import add_working_hours, working_hours_between


def stages_ahead(stage: str, needs_manufacturing: bool) -> list[str]:
	"""The stages from `stage` (included) that must still pass before the order is delivered."""
	index = STAGES.index(stage)
	ahead = []
	for candidate in STAGES[index : STAGES.index(DELIVERED)]:
		if candidate == PARTIALLY_SHIPPED and candidate != stage:
			continue  # shipping in parts is a path, not a step every order takes
		if candidate in PRODUCTION_STAGES and not needs_manufacturing:
			continue
		ahead.append(candidate)
	return ahead


def production_ahead(ahead) -> bool:
	"""Whether production is among the stages still ahead: then Work Orders' plans tell when it ends."""
	return any(s in PRODUCTION_STAGES for s in ahead)


def expected_finish(
	stage: str,
	stage_since: datetime,
	now: datetime,
	policy: Policy,
	needs_manufacturing: bool = False,
	planned_ends: Iterable[datetime] = (),
	evidence_only: bool = False,
) -> datetime:
	"""When the order should be ready; with `evidence_only`, counting only Work Order plans and the
	durations learned from history (the stages without history count as taking no time)."""
	hours_of = policy.known_hours if evidence_only else policy.completion_for
	ahead = stages_ahead(stage, needs_manufacturing)
	if not ahead:
		return now
	start = now
	planned = [end for end in planned_ends if end]
	if planned and production_ahead(ahead):
		# The Work Orders' own plan replaces the typical production durations.
		start = max(now, max(planned))
		ahead = [s for s in ahead if s not in PRODUCTION_STAGES]
		hours = sum(hours_of(s) for s in ahead)
	else:
		first = hours_of(ahead[0])
		spent = working_hours_between(stage_since, now, policy.calendar) if stage_since and first else 0.0
		hours = max(0.0, first - spent)
		hours += sum(hours_of(s) for s in ahead[1:])
	return add_working_hours(start, hours, policy.calendar)


def jeopardy(delivery_date: date | None, finish: datetime, now: datetime, delivered: bool) -> str:
	"""Open, At Risk or Overdue for an order that is neither on hold nor finished."""
	if delivered or not delivery_date:
		return STATUS_OPEN
	if now.date() > delivery_date:
		return STATUS_OVERDUE
	if finish.date() > delivery_date:
		return STATUS_AT_RISK
	return STATUS_OPEN
