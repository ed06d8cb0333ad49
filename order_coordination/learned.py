"""The stage durations each company's history has taught, as last learned (`expectations` learns them once
a day): kept in the cache for every order path to read, and in this request once read."""

from __future__ import annotations

import frappe

CACHE = "order_coordination:learned_hours"


def learned_for(company: str | None) -> dict[str, float]:
	"""The company's learned stage durations, as last learned (none before the first run)."""
	if not company:
		return {}
	if not hasattr(frappe.local, "oc_learned"):
		frappe.local.oc_learned = {}
	if company not in frappe.local.oc_learned:
		frappe.local.oc_learned[company] = frappe.cache.hget(CACHE, company) or {}
	return frappe.local.oc_learned[company]


def differs(company: str, learned: dict[str, float]) -> bool:
	"""Whether durations just learned differ from those kept for the company."""
	return learned != (frappe.cache.hget(CACHE, company) or {})


def use_now(company: str, learned: dict[str, float]) -> None:
	"""Have this request use durations just learned, before they are kept for everyone."""
	if not hasattr(frappe.local, "oc_learned"):
		frappe.local.oc_learned = {}
	frappe.local.oc_learned[company] = learned


def remember(company: str, learned: dict[str, float]) -> None:
	"""Keep what was learned for the company, for every request from now on."""
	frappe.cache.hset(CACHE, company, learned)
	forget_read()


def forget_read() -> None:
	"""Have this request read the learned durations afresh."""
	frappe.local.oc_learned = {}
