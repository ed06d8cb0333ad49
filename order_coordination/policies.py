"""The policy an order runs under: a company's Coordination Policy as plain values (cached), the frozen
versions orders started under (one stored row per version), and the calendar and matrix they give."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import time

import frappe
from frappe.utils import getdate

from order_coordination.cache import forget
from order_coordination.core.constants import (
	DEFAULT_ACCEPTANCE_HOURS,
	DEFAULT_COMPLETION_HOURS,
	DEFAULT_NOTICES,
	DEFAULT_PROMISE_OWNER,
	DEFAULT_PROMISE_PROPOSERS,
	DT_POLICY,
	DT_POLICY_SNAPSHOT,
	SALES_LED,
	STAGES,
)
from order_coordination.core.policy import Policy
from order_coordination.core.responsibility import Matrix, preset_matrix
from order_coordination.core.sla import Calendar
from order_coordination.departments import all_departments
from order_coordination.errors import translated_errors
from order_coordination.learned import learned_for

POLICY_CACHE = "order_coordination:policy_snapshot"
SNAPSHOT_CACHE = "order_coordination:policy_by_snapshot"


def policy_snapshot(company: str | None) -> dict:
	"""The company's policy as plain values (cached; cleared when a policy or department changes)."""
	key = company or ""
	snapshot = frappe.cache.hget(POLICY_CACHE, key)
	if snapshot is None:
		snapshot = read_policy(company)
		frappe.cache.hset(POLICY_CACHE, key, snapshot)
	return snapshot


def clear_policy_cache():
	"""Forget cached policies (a policy or a department changed)."""
	forget(POLICY_CACHE)


def version_name(snapshot: dict) -> str:
	"""A policy version's name: the hash of its text."""
	return hashlib.sha1(json.dumps(snapshot, sort_keys=True).encode()).hexdigest()[:20]


def snapshot_name(snapshot: dict, company: str | None) -> str:
	"""The stored, frozen copy of a policy version: one row per distinct version, named by its hash.

	Two first submits after a policy edit may both find no row: the insert ignores a duplicate, so
	neither aborts (the rows are identical by construction)."""
	name = version_name(snapshot)
	if not hasattr(frappe.local, "oc_known_snapshots"):
		frappe.local.oc_known_snapshots = set()
	known = frappe.local.oc_known_snapshots  # this transaction wrote or saw it: no need to look again
	if name not in known and frappe.cache.hget(SNAPSHOT_CACHE, name) is None:
		if frappe.db.exists(DT_POLICY_SNAPSHOT, name):
			frappe.cache.hset(SNAPSHOT_CACHE, name, snapshot)  # stored by a committed transaction
		else:
			# Cached only once a later request finds it stored: this transaction, or only the savepoint
			# around it, may still be rolled back, and a cache that says "stored" is never checked again.
			text = json.dumps(snapshot, sort_keys=True)
			row = frappe.new_doc(DT_POLICY_SNAPSHOT)
			row.update({"name": name, "company": company, "policy": snapshot.get("name"), "snapshot": text})
			row.set_user_and_timestamp()
			row.db_insert(ignore_if_duplicate=True)
			frappe.db.after_rollback.add(lambda: known.discard(name))
	known.add(name)
	return name


def forget_known_versions() -> None:
	"""A savepoint was rolled back: a version this request stored may be gone with it."""
	frappe.local.oc_known_snapshots = set()


# Policies built from frozen versions, kept by this process: a version's text never changes (its name is
# its hash), so the policy is fully given by the version, the calendar and the learned durations, whatever
# the site. Building one validates its matrix and hours, on the path of every ERPNext submit.
BUILT: dict[tuple, Policy] = {}
FROZEN: dict[str, dict] = {}
KEPT = 256


def policy_of_order(row) -> Policy:
	"""The policy an order started under, with its company's calendar and learned durations as they are
	now (frozen versions never change, so they are kept for good)."""
	name, company = row.get("policy_snapshot"), row.get("company")
	snapshot = frozen_snapshot(name) if name else None
	if snapshot is None:
		return with_history(policy_from(policy_snapshot(company)), company)
	return built(name, snapshot, company)


def built(name: str, snapshot: dict, company: str | None) -> Policy:
	"""The policy of the frozen version `name` (its values `snapshot`) for the company, built once."""
	key = (name, calendar_of(snapshot), tuple(sorted(learned_for(company).items())))
	policy = BUILT.get(key)
	if policy is None:
		if len(BUILT) >= KEPT:
			BUILT.clear()
		policy = BUILT[key] = with_history(policy_from(snapshot), company)
	return policy


def frozen_snapshot(name: str) -> dict | None:
	"""A frozen policy version's values: from this process, the cache, or its stored row."""
	snapshot = FROZEN.get(name)
	if snapshot is None:
		snapshot = frappe.cache.hget(SNAPSHOT_CACHE, name)
		if snapshot is None:
			text = frappe.db.get_value(DT_POLICY_SNAPSHOT, name, "snapshot")
			if not text:
				return None
			snapshot = json.loads(text)
			frappe.cache.hset(SNAPSHOT_CACHE, name, snapshot)
		if len(FROZEN) >= KEPT:
			FROZEN.clear()
		FROZEN[name] = snapshot
	return snapshot


def with_history(policy: Policy, company: str | None) -> Policy:
	"""The policy, with the stage durations its company's history has taught (if any yet)."""
	learned = learned_for(company)
	return replace(policy, learned_hours=learned) if learned else policy


def read_policy(company: str | None) -> dict:
	"""The company's policy as plain values, recorded on each order when it starts."""
	name = company if company and frappe.db.exists(DT_POLICY, company) else None
	if not name:
		return {
			"name": None,
			"model": SALES_LED,
			"matrix": preset_matrix(SALES_LED, all_departments()),
			"acceptance_hours": {s: DEFAULT_ACCEPTANCE_HOURS for s in STAGES},
			"completion_hours": dict(DEFAULT_COMPLETION_HOURS),
			"work_start": "09:00:00",
			"work_end": "17:00:00",
			"holiday_list": None,
			"promise_owner": DEFAULT_PROMISE_OWNER,
			"promise_proposers": list(DEFAULT_PROMISE_PROPOSERS),
			"notices": dict(DEFAULT_NOTICES),
			"customer_notice_template": None,
		}
	doc = frappe.get_cached_doc(DT_POLICY, name)
	return {
		"name": doc.name,
		"model": doc.ownership_model,
		"matrix": matrix_of(doc),
		"acceptance_hours": {row.stage: row.acceptance_hours for row in doc.stage_slas},
		"completion_hours": {row.stage: row.completion_hours for row in doc.stage_slas},
		"work_start": str(doc.work_start or "09:00:00"),
		"work_end": str(doc.work_end or "17:00:00"),
		"holiday_list": doc.holiday_list,
		"promise_owner": doc.get("promise_owner") or DEFAULT_PROMISE_OWNER,
		"promise_proposers": [row.department for row in doc.get("promise_proposers") or ()]
		or list(DEFAULT_PROMISE_PROPOSERS),
		"notices": {kind: bool(doc.get(f"notify_{kind}")) for kind in DEFAULT_NOTICES},
		"customer_notice_template": doc.get("customer_notice_template")
		if doc.get("notify_customer_of_new_date")
		else None,
	}


def matrix_of(policy_doc) -> Matrix:
	matrix: Matrix = {stage: {} for stage in STAGES}
	for row in policy_doc.matrix:
		matrix.setdefault(row.stage, {})[row.department] = row.responsibility
	return matrix


def _time(value: str) -> time:
	parts = [int(float(p)) for p in str(value).split(":")]
	return time(*(parts + [0, 0])[:3])


def calendar_of(snapshot: dict) -> Calendar:
	holiday_list = snapshot.get("holiday_list")
	if not hasattr(frappe.local, "oc_calendars"):
		frappe.local.oc_calendars = {}  # one request, one calendar per holiday list
	cache = frappe.local.oc_calendars
	key = (holiday_list, snapshot.get("work_start"), snapshot.get("work_end"))
	if key not in cache:
		start, end = (
			_time(snapshot.get("work_start") or "09:00:00"),
			_time(snapshot.get("work_end") or "17:00:00"),
		)
		with translated_errors():
			if holiday_list:
				# A Holiday List carries the weekly offs as dates too.
				days = frappe.get_all("Holiday", filters={"parent": holiday_list}, pluck="holiday_date")
				cache[key] = Calendar(start, end, frozenset(), frozenset(getdate(d) for d in days))
			else:
				cache[key] = Calendar(start, end)
	return cache[key]


def policy_from(snapshot: dict) -> Policy:
	with translated_errors():
		return Policy(
			model=snapshot["model"],
			matrix=snapshot["matrix"],
			acceptance_hours=snapshot.get("acceptance_hours") or {},
			completion_hours=snapshot.get("completion_hours") or {},
			calendar=calendar_of(snapshot),
			# Versions frozen before promises and notices existed keep the defaults.
			promise_owner=snapshot.get("promise_owner") or DEFAULT_PROMISE_OWNER,
			promise_proposers=tuple(snapshot.get("promise_proposers") or DEFAULT_PROMISE_PROPOSERS),
			notices={**DEFAULT_NOTICES, **(snapshot.get("notices") or {})},
		)
