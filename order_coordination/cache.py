"""The app's cached values when what they were read from changes."""

import frappe


def forget(key: str) -> None:
	"""Forget a cached value now, and again when the transaction ends: a read in between may have cached
	what is about to be committed over, or what a rollback then undoes."""
	frappe.cache.delete_value(key)
	frappe.db.after_commit.add(lambda: frappe.cache.delete_value(key))
	frappe.db.after_rollback.add(lambda: frappe.cache.delete_value(key))
