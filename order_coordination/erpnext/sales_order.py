"""Sales Order events: submission starts the coordination record; its status and date changes follow it;
deleting a draft or cancelled order removes the app's rows with it.

ERPNext writes the Sales Order's status with `db_set` (hold, close, completion after delivery and billing),
which runs `on_change` but not `on_update`, so `on_change` is the one event that sees every change.
"""

import json

import frappe
from frappe.utils import getdate

from order_coordination import coordination, dispatch
from order_coordination.core import events as ev
from order_coordination.core.constants import DT_ORDER_COORDINATION, SALES_ORDER_MIRROR_FIELDS, SO_OPEN
from order_coordination.errors import left_to_the_sweep
from order_coordination.facts import needs_manufacturing, promised_date


def on_change(doc, method=None):
	if doc.docstatus == 0:
		return
	if doc.docstatus == 2:
		dispatch.apply_events(doc.name, [coordination.event_from(doc, ev.ORDER_CANCELLED)])
		return
	# ERPNext writes the status on every delivery and invoice (db_set, no save), mostly to what it was:
	# nothing to do then. A save (a date changed after submit) always looks.
	previous = doc.get_doc_before_save()
	if (
		not doc.get("_action")
		and previous
		and previous.docstatus == doc.docstatus
		and all(previous.get(f) == doc.get(f) for f in ("status", "delivery_date"))
	):
		return
	# An order just submitted has no record yet: no need to look. ERPNext may write its status again in
	# the same submit (db_set runs on_change with the submit still marked): that change looks.
	if doc.get("_action") == "submit" and not doc.flags.oc_started:
		doc.flags.oc_started = True
		event = coordination.event_from(
			doc,
			ev.ORDER_SUBMITTED,
			needs_manufacturing=needs_manufacturing(row.item_code for row in doc.items),
			delivery_date=promise_of(doc),
		)
		dispatch.start_order(doc, event)
		# Its earliest feasible delivery is worked out after the submit is committed, never inside it.
		with left_to_the_sweep("Earliest feasible delivery not checked"):
			frappe.enqueue(
				"order_coordination.promising.after_submit.check_after_submit",
				queue="long",
				enqueue_after_commit=True,
				sales_order=doc.name,
			)
		return
	# Look before taking the lock.
	stored = frappe.db.get_value(DT_ORDER_COORDINATION, doc.name, ["facts", "delivery_date"], as_dict=True)
	if not stored:
		# Submitted before the app was installed: its history first (the backfill's way), then this change.
		dispatch.apply_events(doc.name, events_of_change(doc, None))
		return
	events = events_of_change(doc, stored)
	if events:
		dispatch.apply_events(doc.name, events)


def events_of_change(doc, stored) -> list[ev.Event]:
	current = json.loads(stored.facts or "{}").get("so_state", SO_OPEN) if stored else SO_OPEN
	events = []
	kind = ev.order_state_event(current, ev.order_state_of(doc.status))
	if kind:
		events.append(coordination.event_from(doc, kind))
	if not doc.get("_action"):
		return events  # a status write: deliveries move the promise through their own events
	# A save after submit: Sales changed dates (of the order, its lines or their schedule).
	promise = promised_date(doc.name, doc.items)
	if promise and promise != (getdate(stored.delivery_date) if stored and stored.delivery_date else None):
		events.append(coordination.event_from(doc, ev.DELIVERY_DATE_CHANGED, delivery_date=promise))
	return events


def promise_of(doc):
	"""The date a new order must first deliver by: its earliest line or schedule tranche (v16), else the
	header's date."""
	return promised_date(doc.name, doc.items) or (getdate(doc.delivery_date) if doc.delivery_date else None)


def before_update_after_submit(doc, method=None):
	"""The coordination fields mirror the app's record and only the app writes them (with plain updates):
	whatever a save sends for them, from a stale form or a REST call, the stored values stay."""
	stored = frappe.db.get_value("Sales Order", doc.name, list(SALES_ORDER_MIRROR_FIELDS), as_dict=True) or {}
	for fieldname in SALES_ORDER_MIRROR_FIELDS:
		if doc.get(fieldname) != stored.get(fieldname):
			doc.set(fieldname, stored.get(fieldname))


def before_validate(doc, method=None):
	"""A draft (or an amendment copied from a cancelled order) starts with no coordination values: the
	app sets them when the order is submitted."""
	if doc.docstatus == 0:
		for fieldname in SALES_ORDER_MIRROR_FIELDS:
			doc.set(fieldname, None)


def on_trash(doc, method=None):
	"""ERPNext lets a user delete a draft or cancelled order: its coordination rows go with it."""
	dispatch.forget_order(doc.name)
