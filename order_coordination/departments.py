"""Who acts for which department: the roles a Coordination Department names."""

import frappe
from frappe import _

from order_coordination.core import constants

COORDINATION_MANAGER = "Coordination Manager"
# Who administers coordination: changes policies and departments, acts for and sees every department.
ADMIN_ROLES = ("System Manager", COORDINATION_MANAGER)


def is_coordination_admin(user: str | None = None) -> bool:
	user = user or frappe.session.user
	return user == "Administrator" or bool(set(ADMIN_ROLES) & set(frappe.get_roles(user)))


def all_departments() -> list[str]:
	return frappe.get_all(constants.DT_DEPARTMENT, pluck="name", order_by="creation asc") or list(
		constants.DEFAULT_DEPARTMENTS
	)


def user_departments(user: str | None = None) -> list[str]:
	"""The departments a user may act for; administrators act for all of them."""
	user = user or frappe.session.user
	if is_coordination_admin(user):
		return all_departments()
	roles = frappe.get_roles(user)
	if not roles:
		return []
	return frappe.db.sql_list(
		"""select distinct parent from `tabCoordination Department Role`
		where parenttype = %s and role in %s order by parent""",
		(constants.DT_DEPARTMENT, tuple(roles)),
	)


def check_acts_for(*departments: str, user: str | None = None) -> str:
	"""The first of `departments` the user acts for; PermissionError when none."""
	mine = user_departments(user)
	for department in departments:
		if department in mine:
			return department
	frappe.throw(
		_("You do not act for {0}").format(", ".join(_(d) for d in dict.fromkeys(departments) if d)),
		frappe.PermissionError,
	)


def department_users(departments: list[str]) -> list[str]:
	"""Enabled desk users holding any role of the given departments."""
	if not departments:
		return []
	roles = frappe.db.sql_list(
		"""select distinct role from `tabCoordination Department Role`
		where parenttype = %s and parent in %s""",
		(constants.DT_DEPARTMENT, tuple(departments) or ("",)),
	)
	if not roles:
		return []
	users = frappe.get_all(
		"Has Role", filters={"role": ["in", roles], "parenttype": "User"}, pluck="parent", distinct=True
	)
	if not users:
		return []
	enabled = frappe.get_all(
		"User", filters={"name": ["in", users], "enabled": 1, "user_type": "System User"}, pluck="name"
	)
	return [u for u in enabled if u not in ("Administrator", "Guest")]
