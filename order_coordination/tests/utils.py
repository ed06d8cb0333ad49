"""Helpers for the Frappe tests: real ERPNext documents made through ERPNext's own test helpers."""

from erpnext.selling.doctype.sales_order.test_sales_order import make_sales_order


def make_order(**kwargs):
	kwargs.setdefault("do_not_save", False)
	return make_sales_order(**kwargs)
