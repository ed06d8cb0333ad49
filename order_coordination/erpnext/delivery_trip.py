"""Delivery Trip events: a visited stop, or a completed trip, confirms delivery of its Delivery Notes."""

import frappe
from frappe.utils import flt, now_datetime

from order_coordination import coordination
from order_coordination.core import constants as C
from order_coordination.core import events as ev


def confirm_delivered(sales_orders, ref_doctype: str, ref_name: str, at=None, note=None):
	for sales_order in sales_orders:
		if flt(frappe.db.get_value("Sales Order", sales_order, "per_delivered")) <= 0:
			continue  # nothing shipped (yet, or any more): nothing to confirm
		coordination.apply_event(
			sales_order,
			ev.Event(
				ev.DELIVERY_CONFIRMED,
				at or now_datetime(),
				frappe.session.user,
				ref_doctype,
				ref_name,
				outcome=C.OUTCOME_DELIVERED,
				note=note,
			),
		)


def orders_of_delivery_notes(delivery_notes) -> list[str]:
	if not delivery_notes:
		return []
	return frappe.get_all(
		"Delivery Note Item",
		filters={
			"parent": ["in", list(delivery_notes)],
			"against_sales_order": ["is", "set"],
			"docstatus": 1,
		},
		pluck="against_sales_order",
		distinct=True,
	)


def on_change(doc, method=None):
	if doc.docstatus != 1:
		return
	completed = doc.status == "Completed"
	notes = [
		stop.delivery_note
		for stop in doc.delivery_stops
		if stop.delivery_note and (completed or stop.visited)
	]
	confirm_delivered(
		orders_of_delivery_notes(notes),
		"Delivery Trip",
		doc.name,
		note=doc.driver_name or None,
	)
