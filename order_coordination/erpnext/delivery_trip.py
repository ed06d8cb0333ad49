"""Delivery Trip events: a visited stop, or a completed trip, confirms delivery of its Delivery Notes,
except at the stops a driver reported on from the doorstep (the attempt told their orders, delivered or
not)."""

from order_coordination import dispatch
from order_coordination.doorstep import reported_stops
from order_coordination.facts import orders_of_delivery_notes


def on_change(doc, method=None):
	if doc.docstatus != 1:
		return
	completed = doc.status == "Completed"
	reported = reported_stops(doc.name)
	notes = [
		stop.delivery_note
		for stop in doc.delivery_stops
		if stop.delivery_note and (completed or stop.visited) and stop.name not in reported
	]
	dispatch.confirm_delivered(orders_of_delivery_notes(notes), doc, note=doc.driver_name or None)
