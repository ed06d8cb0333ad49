"""What a company requires at the doorstep, from its Coordination Policy: per outcome, a signature, a
photo, the phone's position; its list of reasons a delivery fails; the distance beyond which an attempt
is flagged. A company without a policy, or with the tables left empty, gets the core's defaults."""

from __future__ import annotations

import frappe
from frappe import _

from order_coordination.core.constants import DEFAULT_FAILURE_REASONS, DEFAULT_FAR_METRES, DT_POLICY
from order_coordination.core.doorstep import DEFAULT_REQUIREMENTS, Requirement
from order_coordination.core.text import has_markup


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
		# The company's words in the driver's language (the page has no translations of its own for them).
		"reason_labels": {r: _(r) for r in reasons(company)},
	}


def validate_policy(doc, method=None) -> None:
	"""A Coordination Policy says each outcome's requirements once, and each reason once."""
	outcomes = [row.outcome for row in doc.get("doorstep_requirements") or ()]
	twice = sorted({o for o in outcomes if outcomes.count(o) > 1})
	if twice:
		frappe.throw(
			_("The doorstep requirements name {0} more than once").format(", ".join(_(o) for o in twice)),
			frappe.ValidationError,
		)
	reasons = [(row.reason or "").strip() for row in doc.get("doorstep_reasons") or ()]
	if any(has_markup(r) for r in reasons):
		frappe.throw(
			_("{0} cannot hold markup such as {1}").format(_("Reason"), "<…>"), frappe.ValidationError
		)
	if len(set(reasons)) != len(reasons):
		frappe.throw(_("Each reason a delivery fails may be listed once"), frappe.ValidationError)
