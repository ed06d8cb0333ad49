"""The door a driver's phone (or another driver app) reports a stop through: `record_delivery_attempt`.

Who may pass: the user of the trip's Driver, and no one else (a desk user, a System Manager included, is
refused: the attempt is the driver's word). One request is one transaction: the attempt is kept once per
id the phone made, the stop is ticked visited through ERPNext's own save of the Delivery Trip (so the trip's
status follows), and the order hears of it (a delivery confirmed, or Logistics' exception raised).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import frappe
from frappe import _
from frappe.utils import flt, get_datetime, get_system_timezone, now_datetime

from order_coordination import coordination, dispatch
from order_coordination.core import actions
from order_coordination.core import doorstep as rules
from order_coordination.core import events as ev
from order_coordination.core.constants import (
	DT_DELIVERY_ATTEMPT,
	MAX_TEXT,
	SHIPPED,
)
from order_coordination.core.responsibility import responsible_for
from order_coordination.doorstep import requirements
from order_coordination.doorstep.drivers import drives
from order_coordination.facts import orders_of_delivery_notes
from order_coordination.typed_text import clean_text


def refuse(template: str, *args, error=frappe.ValidationError):
	frappe.throw(_(template).format(*args), error)


def text(value, label: str, limit: int = MAX_TEXT) -> str | None:
	if value is None or value == "":
		return None
	if not isinstance(value, str):
		refuse("{0} must be text", _(label))
	value = clean_text(value.strip())
	if len(value) > limit:
		refuse("{0} is longer than {1} characters", _(label), limit)
	return value or None


def number(value, label: str) -> float | None:
	if value is None or value == "":
		return None
	try:
		return float(value)
	except (TypeError, ValueError):
		refuse("{0} must be a number", _(label))


def attempt_id_of(value) -> str:
	"""The phone's id for the attempt: a UUID, kept in its canonical spelling."""
	try:
		return str(uuid.UUID(str(value or "")))
	except ValueError:
		refuse("The attempt id must be a UUID")


def device_time(value, now: datetime) -> datetime | None:
	"""The phone's clock when the driver recorded the attempt, in the site's time zone. A phone may be
	minutes off, not a day ahead."""
	if value is None or value == "":
		return None
	try:
		at = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
	except ValueError:
		refuse("{0} is not a date and time", _("Recorded At"))
	if at.tzinfo:
		from zoneinfo import ZoneInfo

		at = at.astimezone(ZoneInfo(get_system_timezone())).replace(tzinfo=None)
	if at > now + timedelta(days=1):
		refuse("{0} is in the future", _("Recorded At"))
	return at


def kept(attempt_id: str, user: str, latest: bool = False) -> dict | None:
	"""The attempt already kept under this id, if the user recorded it; someone else's id is refused.
	`latest`: read what is committed now (a locking read), not this transaction's first snapshot."""
	rows = frappe.db.sql(
		f"select name, recorded_by from `tab{DT_DELIVERY_ATTEMPT}` where name = %s{' for update' if latest else ''}",
		attempt_id,
		as_dict=True,
	)
	row = rows[0] if rows else None
	if row and row.recorded_by != user:
		refuse("This attempt id is already used", error=frappe.PermissionError)
	return {"name": row.name, "duplicate": True} if row else None


def locked_stop(delivery_stop) -> frappe._dict:
	"""The stop and its trip, the trip's row locked until the transaction ends: two reports of one trip
	(or the same report sent twice at once) are served one after the other."""
	name = text(delivery_stop, "Delivery Stop", limit=140)
	if not name:
		refuse("{0} is required", _("Delivery Stop"))
	stop = frappe.db.get_value(
		"Delivery Stop",
		{"name": name, "parenttype": "Delivery Trip"},
		["name", "parent", "idx", "delivery_note", "customer", "lat", "lng", "visited"],
		as_dict=True,
	)
	trip = stop and frappe.db.sql(
		"select name, docstatus, driver, company from `tabDelivery Trip` where name = %s for update",
		stop.parent,
		as_dict=True,
	)
	if not trip or not drives(trip[0].driver, frappe.session.user):
		# One answer for a stop that does not exist and one of another driver's trip.
		refuse("Delivery Stop {0} is not on a trip of yours", name, error=frappe.PermissionError)
	stop.trip = trip[0]
	if stop.trip.docstatus == 2:
		refuse("Delivery Trip {0} is cancelled", stop.parent)
	if stop.trip.docstatus != 1:
		refuse("Delivery Trip {0} is not submitted yet", stop.parent)
	return stop


@frappe.whitelist(methods=["POST"])
def record_delivery_attempt(
	attempt_id,
	delivery_stop,
	outcome,
	reason=None,
	recipient=None,
	note=None,
	signature=None,
	latitude=None,
	longitude=None,
	accuracy=None,
	recorded_at=None,
):
	"""Keep what the trip's driver reported at a stop; returns {name, duplicate}. A repeat of an id
	answers with the attempt kept for it and changes nothing."""
	user = frappe.session.user
	if user == "Guest":
		refuse("Sign in as the trip's driver to record a delivery", error=frappe.PermissionError)
	attempt_id = attempt_id_of(attempt_id)
	now = now_datetime()
	repeat = kept(attempt_id, user)  # a phone sending its queue again: answered without a lock
	if repeat:
		return repeat
	stop = locked_stop(delivery_stop)
	# Checked under the trip's lock, reading what is committed: the same attempt sent twice at once (a
	# page and its worker, a page killed while sending) is kept once.
	repeat = kept(attempt_id, user, latest=True)
	if repeat:
		return repeat
	company = stop.trip.company
	attempt = rules.Attempt(
		outcome=text(outcome, "Outcome", limit=40) or "",
		reason=text(reason, "Reason", limit=140),
		recipient=text(recipient, "Recipient", limit=140),
		latitude=number(latitude, "Latitude"),
		longitude=number(longitude, "Longitude"),
		accuracy=number(accuracy, "Accuracy"),
	)
	png, problem = rules.signature_png(signature)
	if problem:
		refuse(problem[0], *problem[1])
	attempt = rules.Attempt(**{**attempt.__dict__, "signature": png})
	problems = rules.attempt_problems(
		attempt, requirements.requirements(company), requirements.reasons(company)
	)
	if problems:
		refuse(problems[0][0], *[_(a) if isinstance(a, str) else a for a in problems[0][1]])
	doc = keep(attempt_id, stop, attempt, text(note, "Note"), device_time(recorded_at, now), now)
	# The order hears the driver's word first: the trip's own change (visited) then finds it said.
	tell_the_order(doc, stop)
	visit(stop)
	return {"name": doc.name, "duplicate": False}


def keep(attempt_id, stop, attempt: rules.Attempt, note, recorded_at, now) -> frappe.model.document.Document:
	metres, far = rules.distance_from_stop(
		attempt.latitude,
		attempt.longitude,
		flt(stop.lat),
		flt(stop.lng),
		requirements.far_metres(stop.trip.company),
	)
	orders = orders_of_delivery_notes([stop.delivery_note]) if stop.delivery_note else []
	doc = frappe.get_doc(
		{
			"doctype": DT_DELIVERY_ATTEMPT,
			"attempt_id": attempt_id,
			"delivery_stop": stop.name,
			"delivery_trip": stop.parent,
			"delivery_note": stop.delivery_note,
			"sales_order": orders[0] if orders else None,
			"customer": stop.customer,
			"company": stop.trip.company,
			"driver": stop.trip.driver,
			"recorded_by": frappe.session.user,
			"outcome": attempt.outcome,
			"reason": attempt.reason,
			"recipient": attempt.recipient,
			"note": note,
			"latitude": attempt.latitude,
			"longitude": attempt.longitude,
			"accuracy": attempt.accuracy,
			"distance": metres,
			"far_from_stop": int(far),
			"recorded_at": recorded_at,
			"received_at": now,
		}
	)
	doc.insert(ignore_permissions=True)
	if attempt.signature:
		signature = frappe.get_doc(
			{
				"doctype": "File",
				"file_name": f"signature-{attempt_id}.png",
				"attached_to_doctype": DT_DELIVERY_ATTEMPT,
				"attached_to_name": doc.name,
				"attached_to_field": "signature",
				"is_private": 1,
				"content": attempt.signature,
			}
		)
		signature.insert(ignore_permissions=True)
		doc.db_set("signature", signature.file_url, update_modified=False)
	return doc


def visit(stop) -> None:
	"""Tick the stop visited as ERPNext does: the row's visited box (a field its form may change after
	submit), then the trip's own `update_status`, which sets it In Transit or Completed and runs the
	trip's on_change. The trip's full save would validate every stop's links again on each report."""
	if stop.visited:
		return
	trip = frappe.get_doc("Delivery Trip", stop.parent)
	for row in trip.delivery_stops:
		if row.name == stop.name:
			row.visited = 1
			row.db_update()
	trip.update_status()


def where(doc, stop) -> str:
	"""The timeline's note of an attempt: what happened, at which stop, how far from it."""
	parts = [doc.outcome]
	if doc.reason:
		parts.append(doc.reason)
	if doc.recipient:
		parts.append(f"signed by {doc.recipient}" if doc.signature else f"received by {doc.recipient}")
	parts.append(f"stop {stop.idx} of {stop.parent}")
	if doc.distance is not None and doc.latitude is not None:
		parts.append(f"{flt(doc.distance, 0):.0f} m from the stop" + (" (far)" if doc.far_from_stop else ""))
	if doc.note:
		parts.append(doc.note)
	return "; ".join(parts) + f" ({DT_DELIVERY_ATTEMPT} {doc.name})"


def tell_the_order(doc, stop) -> None:
	"""Each order the stop's Delivery Note serves hears of the attempt, as Logistics confirming it would
	tell it; a failure of ours is contained (the attempt is kept, the order marked for repair)."""
	if not stop.delivery_note:
		return
	effect, note = rules.effect_of(doc.outcome), where(doc, stop)
	at, user = get_datetime(doc.received_at), frappe.session.user
	for sales_order in orders_of_delivery_notes([stop.delivery_note]):
		if effect.confirm:
			event = ev.Event(
				ev.DELIVERY_CONFIRMED,
				at,
				user,
				DT_DELIVERY_ATTEMPT,
				doc.name,
				outcome=effect.confirm,
				note=note,
			)
			dispatch.apply_events(sales_order, [event])
			continue
		with dispatch.contained(sales_order):
			order = coordination.load(sales_order)
			if order is None or not order.state.is_active:
				continue
			shipping = responsible_for(order.policy.matrix, SHIPPED)
			coordination.decide(
				order,
				actions.raise_exception,
				effect.raise_exception,
				note,
				shipping,
				order.policy,
				at,
				user,
				shipping,
			)
