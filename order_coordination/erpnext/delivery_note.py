"""Delivery Note events: shipping against an order moves it to Partially Shipped or Shipped.

ERPNext updates the order's delivered percentage in the Delivery Note's own `on_submit` / `on_cancel`,
which run before these doc_events, so the percentage read here is already the new one.
"""

import frappe
from frappe.utils import flt, now_datetime

from order_coordination import coordination
from order_coordination.core import events as ev


def sales_orders_of(doc) -> list[str]:
	return list(dict.fromkeys(row.against_sales_order for row in doc.items if row.against_sales_order))


def _apply(doc, kind):
	if doc.is_return:
		return  # a return is a stock movement back, not a shipment
	for sales_order in sales_orders_of(doc):
		per_delivered = flt(frappe.db.get_value("Sales Order", sales_order, "per_delivered"))
		coordination.apply_event(
			sales_order,
			ev.Event(
				kind,
				now_datetime(),
				frappe.session.user,
				"Delivery Note",
				doc.name,
				per_delivered=per_delivered,
			),
		)


def on_submit(doc, method=None):
	_apply(doc, ev.DELIVERY_NOTE_SUBMITTED)


def on_cancel(doc, method=None):
	_apply(doc, ev.DELIVERY_NOTE_CANCELLED)
