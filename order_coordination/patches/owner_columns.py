"""Handoffs, exceptions and timeline rows written before they carried their order's company and customer
get them from their record, so that User Permissions on Company and Customer apply to them too."""

import frappe

from order_coordination.core.constants import DT_EXCEPTION, DT_ORDER_HANDOFF, DT_TIMELINE


def execute():
	for doctype in (DT_ORDER_HANDOFF, DT_EXCEPTION, DT_TIMELINE):
		frappe.db.sql(
			f"""update `tab{doctype}` row join `tabOrder Coordination` oc on oc.name = row.order_coordination
			set row.company = oc.company, row.customer = oc.customer
			where row.company is null or row.customer is null"""
		)
