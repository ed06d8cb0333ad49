"""The reading rights the install grants on ERPNext doctypes (constants.PERMISSION_GRANTS), so that the
roles acting for each department can open what it carries: applied as an administrator would (Custom
DocPerm rows, on install and every migrate), shown for review (`granted`), taken back on uninstall.

What the app added is written down (its ledger), so that it never touches an administrator's own rules:
it only adds the granted rights, takes back only what it added, and a grant an administrator took back
stays taken back on the next migrate. User Permissions (Company, Customer) still bound every grant:
Frappe applies them to these roles as to any other."""

import json

import frappe
from frappe import _
from frappe.permissions import add_permission, reset_perms, setup_custom_perms

from order_coordination.core import constants
from order_coordination.departments import is_coordination_admin

# The ledger is a Default Value under a parent of its own (never sent to the desk with the global
# defaults), read from the database rather than the defaults cache.
LEDGER_PARENT = "order_coordination"
LEDGER_KEY = "permission_grants"
PERMLEVEL = 0


def apply_grants():
	"""Give each role the rights it lacks on level 0 of its doctype; idempotent."""
	ledger = read_ledger()
	done = {(entry["doctype"], entry["role"]) for entry in ledger}
	for (doctype, role), rights in constants.PERMISSION_GRANTS.items():
		if (doctype, role) in done or not frappe.db.exists("Role", role):
			continue
		held = held_rights(doctype, role)
		missing = [right for right in rights if right not in held]
		if not missing:
			continue  # ERPNext or an administrator gives them already
		setup_custom_perms(doctype)
		row = _custom_row(doctype, role)
		created = not row
		if created:
			add_permission(doctype, role, PERMLEVEL)
			row = _custom_row(doctype, role)
		# The row itself, not update_permission_property: v16's looks the row up without if_owner. A new
		# rule holds exactly the grant (Frappe's defaults would add export); an existing one gains only
		# what it lacks.
		perm = frappe.get_doc("Custom DocPerm", row)
		if created:
			perm.update({right: int(right in missing) for right in _right_fields()})
		else:
			perm.update({right: 1 for right in missing})
		perm.save(ignore_permissions=True)
		ledger.append({"doctype": doctype, "role": role, "row": row, "created": created, "rights": missing})
		frappe.clear_cache(doctype=doctype)
	_write_ledger(ledger)


def remove_grants():
	"""Take back what the app added: its own rows while they still hold only the granted rights, and its
	rights on an administrator's rows. A doctype left with just ERPNext's standard rules follows the
	standard again."""
	ledger = read_ledger()
	for entry in ledger:
		row = frappe.db.get_value("Custom DocPerm", entry["row"], ["name", *_rule_fields()], as_dict=True)
		if not row:
			continue
		if not entry["created"]:
			perm = frappe.get_doc("Custom DocPerm", row.name)
			perm.update({right: 0 for right in entry["rights"]})
			perm.save(ignore_permissions=True)
		elif _rights_of(row) == set(entry["rights"]) and not row.if_owner:
			frappe.delete_doc("Custom DocPerm", row.name, ignore_permissions=True, force=True)
	for doctype in sorted({entry["doctype"] for entry in ledger}):
		custom = _rules("Custom DocPerm", doctype)
		if custom and custom == _rules("DocPerm", doctype):
			reset_perms(doctype)
		frappe.clear_cache(doctype=doctype)
	_write_ledger([])


@frappe.whitelist()
def granted() -> list[dict]:
	"""The grants and whether each is in place, for coordination administrators to review."""
	if not is_coordination_admin():
		frappe.throw(
			_("Only coordination managers review the permissions the app grants"), frappe.PermissionError
		)
	ledger = {(entry["doctype"], entry["role"]): entry for entry in read_ledger()}
	out = []
	for (doctype, role), rights in constants.PERMISSION_GRANTS.items():
		in_place = set(rights) <= held_rights(doctype, role)
		entry = ledger.get((doctype, role))
		if in_place:
			status = _("Granted by the app") if entry else _("Given by ERPNext or an administrator")
		else:
			status = (
				_("Taken back by an administrator")
				if entry
				else _("Not applied yet: the next migrate applies it")
			)
		out.append(
			{
				"doctype": doctype,
				"role": role,
				"rights": list(rights),
				"in_place": in_place,
				"added_by_app": bool(entry),
				"status": status,
			}
		)
	return out


def held_rights(doctype: str, role: str) -> set[str]:
	"""The rights the role holds on level 0 of the doctype, from its custom rules if it has any (Frappe
	then ignores the standard ones), else from the standard."""
	table = "Custom DocPerm" if frappe.db.exists("Custom DocPerm", {"parent": doctype}) else "DocPerm"
	rows = frappe.get_all(
		table,
		filters={"parent": doctype, "role": role, "permlevel": PERMLEVEL, "if_owner": 0},
		fields=_rule_fields(),
	)
	return set().union(*(_rights_of(row) for row in rows))


def read_ledger() -> list[dict]:
	value = frappe.db.get_value("DefaultValue", {"parent": LEDGER_PARENT, "defkey": LEDGER_KEY}, "defvalue")
	return json.loads(value) if value else []


def _write_ledger(ledger: list[dict]):
	frappe.defaults.set_default(
		LEDGER_KEY, json.dumps(ledger, sort_keys=True) if ledger else None, LEDGER_PARENT
	)


def _custom_row(doctype: str, role: str) -> str | None:
	return frappe.db.get_value(
		"Custom DocPerm", {"parent": doctype, "role": role, "permlevel": PERMLEVEL, "if_owner": 0}
	)


def _rule_fields() -> list[str]:
	"""What a permission rule is made of (v16 adds `mask`): role, level, if-owner and every right."""
	custom = {df.fieldname for df in frappe.get_meta("Custom DocPerm").fields}
	return [
		df.fieldname
		for df in frappe.get_meta("DocPerm").fields
		if df.fieldtype in ("Check", "Int", "Link") and df.fieldname in custom
	]


def _right_fields() -> list[str]:
	return [field for field in _rule_fields() if field not in ("role", "permlevel", "if_owner")]


def _rights_of(row) -> set[str]:
	return {field for field in _right_fields() if row.get(field)}


def _rules(table: str, doctype: str) -> list[tuple]:
	fields = _rule_fields()
	rows = frappe.get_all(table, filters={"parent": doctype}, fields=fields)
	return sorted(tuple(row.get(field) or 0 for field in fields) for row in rows)
