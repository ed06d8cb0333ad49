"""The driver's role: made on install and migrate without desk access (a driver sees the page, not the desk)."""

import frappe

from order_coordination.core.constants import DRIVER_ROLE


def make_driver_role() -> None:
	if not frappe.db.exists("Role", DRIVER_ROLE):
		frappe.get_doc({"doctype": "Role", "role_name": DRIVER_ROLE, "desk_access": 0}).insert(
			ignore_permissions=True
		)
	elif frappe.db.get_value("Role", DRIVER_ROLE, "desk_access") and not frappe.db.exists(
		"Has Role", {"role": DRIVER_ROLE}
	):
		# Frappe's sync of the attempt's permissions makes a missing role with desk access: nobody holds
		# it yet, so it is still ours to set.
		frappe.db.set_value("Role", DRIVER_ROLE, "desk_access", 0)
