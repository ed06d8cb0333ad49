"""Tracking links made before they carried their order's company get it from the Sales Order, so that User
Permissions on Company apply to them too."""

import frappe

from order_coordination.core.constants import DT_TRACKING_LINK


def execute():
	frappe.db.sql(
		f"""update `tab{DT_TRACKING_LINK}` link join `tabSales Order` so on so.name = link.sales_order
		set link.company = so.company
		where link.company is null"""
	)
