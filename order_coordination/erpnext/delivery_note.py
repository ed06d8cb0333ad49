"""Delivery Note events: shipping against an order moves it to Partially Shipped or Shipped; a return
brings it back to what the remaining deliveries imply. ERPNext updates the order's delivered percentage
in the Delivery Note's own `on_submit` / `on_cancel` (a return lowers it), which run before these
doc_events, so the percentage read here is already the new one. A delivery that completes a line, or a
tranche of its delivery schedule (v16), moves the date the order must next deliver by.
"""

from order_coordination import coordination, dispatch
from order_coordination.core import events as ev
from order_coordination.facts import orders_of_delivery_note, per_delivered, promised_date


def _apply(doc, kind):
	for sales_order in orders_of_delivery_note(doc):
		event = coordination.event_from(
			doc, kind, per_delivered=per_delivered(sales_order), delivery_date=promised_date(sales_order)
		)
		dispatch.apply_events(sales_order, [event])


def on_submit(doc, method=None):
	# A return's cancellation brings the goods back out: it counts as delivering again.
	_apply(doc, ev.DELIVERY_RETURNED if doc.is_return else ev.DELIVERY_NOTE_SUBMITTED)


def on_cancel(doc, method=None):
	_apply(doc, ev.DELIVERY_NOTE_SUBMITTED if doc.is_return else ev.DELIVERY_NOTE_CANCELLED)
