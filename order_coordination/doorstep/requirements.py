"""What a company requires at the doorstep, from its Coordination Policy: per outcome, a signature, a
photo, the phone's position; its list of reasons a delivery fails; the distance beyond which an attempt
is flagged. A company without a policy, or with the tables left empty, gets the core's defaults."""

from __future__ import annotations

import frappe

from order_coordination.core.constants import DEFAULT_FAILURE_REASONS, DEFAULT_FAR_METRES, DT_POLICY
from order_coordination.core.doorstep import DEFAULT_REQUIREMENTS, Requirement


def _policy(company: str | None):
	if company and frappe.db.exists(DT_POLICY, company):
		return frappe.get_cached_doc(DT_POLICY, company)
	return None


def requirements(company: str | None) -> dict[str, Requirement]:
	policy = _policy(company)
	found = dict(DEFAULT_REQUIREMENTS)
	for row in (policy.get("doorstep_requirements") if policy else None) or ():
		found[row.outcome] = Requirement(
			signature=bool(row.signature_required),
			photo=bool(row.photo_required),
			position=bool(row.position_required),
		)
	return found


def reasons(company: str | None) -> list[str]:
	policy = _policy(company)
	rows = (policy.get("doorstep_reasons") if policy else None) or ()
	return [row.reason for row in rows if row.reason] or list(DEFAULT_FAILURE_REASONS)


def far_metres(company: str | None) -> float:
	policy = _policy(company)
	return float((policy.get("doorstep_far_metres") if policy else None) or DEFAULT_FAR_METRES)


def rules_for_page(company: str | None) -> dict:
	"""What the driver's page needs to check before it queues an attempt (the server checks again)."""
	return {
		"requirements": {
			outcome: {"signature": r.signature, "photo": r.photo, "position": r.position}
			for outcome, r in requirements(company).items()
		},
		"reasons": reasons(company),
	}
