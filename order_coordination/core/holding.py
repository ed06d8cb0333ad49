"""Who holds an order, stretch by stretch.

An order is held by one department at a time: from its start by the sender of its first handoff (or its
holder), then by each handoff's receiver from the moment the receiver accepts it. Each stretch knows when
the same department last stopped holding the order before it, so that a report counting the orders a
department held in a period counts an order that came back to it once (its earlier stretch in the period
is found without looking at the order's other stretches)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Stretch:
	department: str | None
	since: datetime | None
	previously_held_until: datetime | None = None


def pass_on(
	current: Stretch, held_until: dict[str, datetime], receiver: str, at: datetime
) -> tuple[Stretch, dict[str, datetime]]:
	"""The receiver of a handoff accepted at `at` holds the order from then: its stretch, and when each
	department last stopped holding the order (a stretch of no length holds nothing)."""
	held_until = dict(held_until)
	if current.department and current.since is not None and at > current.since:
		held_until[current.department] = at
	return Stretch(receiver, at, held_until.get(receiver)), held_until
