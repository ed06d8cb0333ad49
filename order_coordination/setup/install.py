"""Install and uninstall: custom fields as code, the default departments, and the backfill."""

import frappe
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

from order_coordination.core import constants as C
from order_coordination.setup.custom_fields import CUSTOM_FIELDS


def after_install():
	make_custom_fields()
	make_default_departments()
	frappe.enqueue(
		"order_coordination.setup.backfill.backfill_open_orders",
		queue="long",
		enqueue_after_commit=True,
		job_id="order_coordination_backfill",
		deduplicate=True,
	)


def after_migrate():
	make_custom_fields()
	make_default_departments()


def make_custom_fields():
	create_custom_fields(CUSTOM_FIELDS, ignore_validate=True, update=True)


def make_default_departments():
	for name in C.DEFAULT_DEPARTMENTS:
		if frappe.db.exists(C.DT_DEPARTMENT, name):
			continue
		doc = frappe.new_doc(C.DT_DEPARTMENT)
		doc.department_name = name
		for role in C.DEFAULT_DEPARTMENT_ROLES[name]:
			if frappe.db.exists("Role", role):
				doc.append("roles", {"role": role})
		doc.insert(ignore_permissions=True)


def before_uninstall():
	"""Remove our fields from ERPNext doctypes; ERPNext's documents themselves stay as they are."""
	for doctype, fields in CUSTOM_FIELDS.items():
		for field in fields:
			name = frappe.db.get_value("Custom Field", {"dt": doctype, "fieldname": field["fieldname"]})
			if name:
				frappe.delete_doc("Custom Field", name, ignore_permissions=True, force=True)
		frappe.clear_cache(doctype=doctype)


def before_tests():
	"""Tests need a completed ERPNext setup; run ERPNext's own preparation (only our app's hook runs
	when tests are run with --app order_coordination)."""
	from erpnext.setup.utils import before_tests as erpnext_before_tests

	erpnext_before_tests()
	make_custom_fields()
	make_default_departments()
