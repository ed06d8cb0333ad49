"""Who may see and touch a Delivery Attempt. Desk roles read them as the doctype's permissions and User
Permissions (Company, Customer, Sales Order) allow; a driver (the Delivery Driver role) sees and may
attach photos to only the attempts they recorded, and nobody edits one (its controller refuses)."""

from __future__ import annotations

import frappe

from order_coordination.core.constants import DRIVER_ROLE

# Roles that read attempts in the desk as the doctype's permissions allow.
DESK_ROLES = frozenset(
	{
		"System Manager",
		"Stock Manager",
		"Stock User",
		"Delivery Manager",
		"Delivery User",
		"Sales User",
		"Sales Manager",
	}
)


def only_own(user: str | None = None) -> bool:
	"""A driver without any desk role: their own attempts only."""
	roles = set(frappe.get_roles(user or frappe.session.user))
	return DRIVER_ROLE in roles and not roles & DESK_ROLES


def attempt_conditions(user: str | None = None) -> str:
	user = user or frappe.session.user
	if only_own(user):
		return f"`tabDelivery Attempt`.`recorded_by` = {frappe.db.escape(user)}"
	return ""


def may_touch_attempt(doc, ptype=None, user=None, debug=False):
	"""Writing (what attaching a photo asks for) is the recording driver's alone; reading, a driver's own
	attempts, and the desk's as its permissions say."""
	user = user or frappe.session.user
	if ptype in ("write", "create", "submit", "cancel", "amend"):
		return user == doc.get("recorded_by") and user != "Guest"
	if only_own(user):
		return user == doc.get("recorded_by")
	return None
