"""Shipment events: the carrier's tracking status reports the delivery outcome, and a Shipment that gets
its tracking (AWB) number picks up the carrier events kept for that number."""

import frappe

from order_coordination import carriers, coordination, dispatch
from order_coordination.core import events as ev
from order_coordination.core.constants import OUTCOME_REFUSED
from order_coordination.facts import orders_of_delivery_notes, per_delivered

DELIVERED = "Delivered"
RETURNED = "Returned"


def on_change(doc, method=None):
	if doc.docstatus == 1 and doc.awb_number and awb_is_new(doc):
		try:
			carriers.requeue_unmatched(doc.awb_number, doc.name)
		except frappe.QueryDeadlockError:
			raise  # the database rolled the whole transaction back: the Shipment cannot go through alone
		except Exception:
			# One UPDATE, undone alone: the Shipment goes through, the events stay kept for review.
			frappe.log_error(title=f"Order Coordination: carrier events for {doc.awb_number} not matched")
	if doc.docstatus != 1 or doc.tracking_status not in (DELIVERED, RETURNED):
		return
	orders = orders_of_delivery_notes([row.delivery_note for row in doc.shipment_delivery_note])
	if doc.tracking_status == DELIVERED:
		dispatch.confirm_delivered(orders, doc, note=doc.tracking_status_info or None)
		return
	for sales_order in orders:
		if per_delivered(sales_order) > 0:
			event = coordination.event_from(
				doc, ev.DELIVERY_CONFIRMED, outcome=OUTCOME_REFUSED, note=doc.tracking_status_info or RETURNED
			)
			dispatch.apply_events(sales_order, [event])


def awb_is_new(doc) -> bool:
	"""Whether the Shipment was just submitted or just got its tracking number (ERPNext writes its status
	many times over; only a new number can match kept events)."""
	previous = doc.get_doc_before_save()
	return not previous or previous.docstatus != 1 or previous.awb_number != doc.awb_number
