"""Who drives: the user of an ERPNext Driver. On v15 a Driver names an Employee, whose user is the
Employee's `user_id`; v16 adds the Driver's own `user` (fetched from its Employee when it has one)."""

from __future__ import annotations

import frappe


def drivers_of(user: str) -> list[str]:
	"""The Drivers the user drives as: through the Driver's own user (v16) or its Employee's user."""
	if not user or user == "Guest":
		return []
	employees = frappe.get_all("Employee", filters={"user_id": user}, pluck="name")
	found = set()
	if employees:
		found.update(frappe.get_all("Driver", filters={"employee": ["in", employees]}, pluck="name"))
	if frappe.get_meta("Driver").has_field("user"):
		found.update(frappe.get_all("Driver", filters={"user": user}, pluck="name"))
	return sorted(found)


def user_of_driver(driver: str | None) -> str | None:
	"""The user a Driver's trips belong to, or None when the Driver has none."""
	if not driver:
		return None
	fields = ["employee", "user"] if frappe.get_meta("Driver").has_field("user") else ["employee"]
	row = frappe.db.get_value("Driver", driver, fields, as_dict=True)
	if not row:
		return None
	if row.get("user"):
		return row.user
	return frappe.db.get_value("Employee", row.employee, "user_id") if row.employee else None


def drives(driver: str | None, user: str) -> bool:
	return bool(driver) and user not in (None, "Guest") and user_of_driver(driver) == user
