"""What is typical in each company, learned from its own history: how long each stage takes (so that the
expected finish and At Risk follow this company, not a default), and the service levels its history
suggests for its Coordination Policy.

Learning reads the stage entries of the timeline of the last HISTORY_DAYS days, once a day (a scheduled
job) and on demand for the policy's tuning view; the order paths only read what `learned` keeps, so a
submit or a panel never pays for it.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import add_days, now_datetime

from order_coordination.core import constants
from order_coordination.core.expectations import learned_hours, stage_durations, tuning
from order_coordination.core.sla import working_hours_between
from order_coordination.departments import is_coordination_admin
from order_coordination.learned import differs, remember, use_now
from order_coordination.policies import calendar_of, policy_snapshot, read_policy
from order_coordination.sweep import recheck_statuses

HISTORY_DAYS = 180


def durations(company: str) -> dict[str, list[float]]:
	"""Samples of how long each stage took in the company's orders, in its working hours."""
	calendar = calendar_of(policy_snapshot(company))
	entries = frappe.db.sql(
		"""select order_coordination, at, stage_to from `tabOrder Timeline Entry`
		where company = %(company)s and stage_to is not null and action in %(actions)s and at >= %(since)s
		order by order_coordination, at, idx""",
		{
			"company": company,
			"actions": (constants.TIMELINE_CREATED, constants.TIMELINE_STAGE),
			"since": add_days(now_datetime(), -HISTORY_DAYS),
		},
	)
	return stage_durations(entries, lambda a, b: working_hours_between(a, b, calendar))


def learn(company: str, commit: bool = False) -> dict[str, float]:
	"""Learn the company's typical durations afresh; when they changed, the status and next check of every
	open order of the company are worked out again with them (the stored ones used the old durations)."""
	learned = learned_hours(durations(company))
	if differs(company, learned):
		# Kept only once every open order was worked out with them: a recheck that fails or is rolled back
		# leaves them new, and the next run does it again.
		use_now(company, learned)
		recheck_statuses(company, commit=commit)
		if commit:
			remember(company, learned)
		else:
			frappe.db.after_commit.add(lambda: remember(company, learned))
	return learned


def learn_all():
	"""Daily job: learn every company's typical stage durations afresh."""
	for company in frappe.db.sql_list("select distinct company from `tabOrder Coordination`"):
		try:
			learn(company, commit=True)
		except Exception:
			frappe.log_error(title=f"Order Coordination: learning the typical durations of {company} failed")


def _check_admin():
	if not is_coordination_admin():
		frappe.throw(_("Only coordination managers tune policies"), frappe.PermissionError)


def _company(company, ptype: str = "read") -> str:
	"""A company whose policy the user may read (or write), User Permissions on Company included."""
	if not isinstance(company, str) or not frappe.db.exists("Company", company):
		frappe.throw(_("{0} is not a company").format(company), frappe.ValidationError)
	if frappe.db.exists(constants.DT_POLICY, company):
		policy = frappe.get_doc(constants.DT_POLICY, company)
	else:
		policy = frappe.new_doc(constants.DT_POLICY)
		policy.company = company
	if not policy.has_permission(ptype):
		frappe.throw(
			_("You may not see the Coordination Policy of {0}").format(company), frappe.PermissionError
		)
	return company


@frappe.whitelist()
def policy_tuning(company):
	"""Per stage: measured acceptance and stage times beside the policy's hours, how often the SLA was
	missed, and the hours the company's history suggests."""
	_check_admin()
	company = _company(company)
	policy = read_policy(company)
	answers = {}
	for row in frappe.db.sql(
		"""select stage, response_hours, on_time from `tabOrder Handoff`
		where company = %(company)s and status in %(answered)s and responded_on >= %(since)s""",
		{
			"company": company,
			"answered": (constants.HANDOFF_ACCEPTED, constants.HANDOFF_REJECTED),
			"since": add_days(now_datetime(), -HISTORY_DAYS),
		},
		as_dict=True,
	):
		answers.setdefault(row.stage, []).append((float(row.response_hours or 0), bool(row.on_time)))
	return tuning(answers, durations(company), policy["acceptance_hours"], policy["completion_hours"])


@frappe.whitelist(methods=["POST"])
def apply_tuning(company):
	"""Set the policy's hours to the suggestions: saved as a new version of the policy, so orders already
	running keep the one they started under."""
	_check_admin()
	company = _company(company, "write")
	if not frappe.db.exists(constants.DT_POLICY, company):
		frappe.throw(_("Company {0} has no Coordination Policy yet").format(company), frappe.ValidationError)
	suggestions = {row["stage"]: row for row in policy_tuning(company)}
	doc = frappe.get_doc(constants.DT_POLICY, company)
	changed = 0
	for row in doc.stage_slas:
		s = suggestions.get(row.stage) or {}
		for field, key in (
			("acceptance_hours", "suggested_acceptance"),
			("completion_hours", "suggested_completion"),
		):
			if s.get(key) is not None and s[key] != row.get(field):
				row.set(field, s[key])
				changed += 1
	if changed:
		doc.save()
	# Learning reads half a year of the company's timeline and works out every open order again: not in
	# this request, but in a job once the new version is committed.
	frappe.enqueue(
		"order_coordination.insight.tuning.learn",
		queue="long",
		enqueue_after_commit=True,
		company=company,
		commit=True,
	)
	return changed
