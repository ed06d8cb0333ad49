"""Records made before the first promise was kept take the promise they hold as their first one: the
earliest the app knows of (ERPNext does not keep earlier dates once a line is changed)."""

import frappe


def execute():
	frappe.db.sql(
		"""update `tabOrder Coordination` set original_delivery_date = delivery_date
		where original_delivery_date is null and delivery_date is not null"""
	)
