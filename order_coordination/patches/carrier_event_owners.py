"""Carrier events applied before they carried their order's company and customer get them from the first
of their Sales Orders, so that User Permissions on Company and Customer apply to them too."""

import frappe

from order_coordination.core.constants import DT_CARRIER_EVENT


def execute():
	frappe.db.sql(
		f"""update `tab{DT_CARRIER_EVENT}` ce
		join `tabSales Order` so on so.name = substring_index(ce.sales_orders, ', ', 1)
		set ce.company = so.company, ce.customer = so.customer
		where ce.company is null and ifnull(ce.sales_orders, '') != ''"""
	)
