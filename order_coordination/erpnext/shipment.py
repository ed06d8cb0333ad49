"""Shipment events: the carrier's tracking status reports the delivery outcome."""

import frappe
from frappe.utils import now_datetime

from order_coordination import coordination
from order_coordination.core import constants as C
from order_coordination.core import events as ev
from order_coordination.erpnext.delivery_trip import confirm_delivered, orders_of_delivery_notes

RETURNED = "Returned"


def on_change(doc, method=None):
	if doc.docstatus != 1 or doc.tracking_status not in ("Delivered", RETURNED):
		return
	orders = orders_of_delivery_notes([row.delivery_note for row in doc.shipment_delivery_note])
	if doc.tracking_status == "Delivered":
		confirm_delivered(orders, "Shipment", doc.name, note=doc.tracking_status_info or None)
		return
	for sales_order in orders:
		if frappe.db.get_value("Sales Order", sales_order, "per_delivered"):
			coordination.apply_event(
				sales_order,
				ev.Event(
					ev.DELIVERY_CONFIRMED,
					now_datetime(),
					frappe.session.user,
					"Shipment",
					doc.name,
					outcome=C.OUTCOME_REFUSED,
					note=doc.tracking_status_info or RETURNED,
				),
			)
