"""What an attempt proves, shown to those who may see it: each stop's proof on the Delivery Trip and the
Delivery Note in the desk (signature, photos, map link, far flag), the one line a customer reads about
the latest attempt at their door, and which stops of a trip a driver reported on."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import format_date, format_time, get_datetime, getdate

from order_coordination.core import doorstep as rules
from order_coordination.core.constants import DT_DELIVERY_ATTEMPT
from order_coordination.doorstep import requirements

PROOF_FIELDS = [
	"name",
	"delivery_stop",
	"delivery_trip",
	"delivery_note",
	"outcome",
	"reason",
	"recipient",
	"note",
	"signature",
	"latitude",
	"longitude",
	"accuracy",
	"distance",
	"far_from_stop",
	"recorded_at",
	"received_at",
	"recorded_by",
	"company",
]


def map_link(latitude, longitude) -> str | None:
	if latitude is None or longitude is None or not (latitude or longitude):
		return None
	return f"https://www.openstreetmap.org/?mlat={latitude:.6f}&mlon={longitude:.6f}#map=18/{latitude:.6f}/{longitude:.6f}"


def with_photos(rows: list) -> list:
	"""Each attempt with its photos (its private files, other than the signature) and whether a photo the
	company requires is missing."""
	if not rows:
		return rows
	files = frappe.get_all(
		"File",
		filters={
			"attached_to_doctype": DT_DELIVERY_ATTEMPT,
			"attached_to_name": ["in", [r.name for r in rows]],
		},
		fields=["attached_to_name", "file_url", "file_name", "attached_to_field"],
		order_by="creation asc",
	)
	for row in rows:
		row.photos = [
			f.file_url for f in files if f.attached_to_name == row.name and f.attached_to_field != "signature"
		]
		row.map_link = map_link(row.latitude, row.longitude)
		need = requirements.requirements(row.company).get(row.outcome)
		row.photo_missing = bool(need and need.photo and not row.photos)
	return rows


def attempts(filters: dict) -> list:
	return with_photos(
		frappe.get_list(DT_DELIVERY_ATTEMPT, filters=filters, fields=PROOF_FIELDS, order_by="received_at asc")
	)


def check_may_read(doctype: str, name) -> None:
	"""One answer for a document that does not exist and one the user may not see: no existence oracle."""
	if not (
		isinstance(name, str)
		and frappe.db.exists(doctype, name)
		and frappe.has_permission(doctype, "read", name)
	):
		frappe.throw(_("You may not see {0} {1}").format(_(doctype), name), frappe.PermissionError)


@frappe.whitelist()
def trip_proofs(delivery_trip):
	"""Every attempt at the trip's stops, for its form (the desk's permissions on attempts apply)."""
	check_may_read("Delivery Trip", delivery_trip)
	return attempts({"delivery_trip": delivery_trip})


@frappe.whitelist()
def note_proofs(delivery_note):
	"""Every attempt to deliver the note, on any trip, for its form."""
	check_may_read("Delivery Note", delivery_note)
	return attempts({"delivery_note": delivery_note})


def reported_stops(delivery_trip: str) -> set[str]:
	"""The trip's stops a driver reported on: their orders heard it from the attempt (a delivery
	confirmed, a failure raised), so the trip's own change (visited, completed) has nothing to add."""
	return set(
		frappe.get_all(
			DT_DELIVERY_ATTEMPT,
			filters={"delivery_trip": delivery_trip},
			pluck="delivery_stop",
			distinct=True,
		)
	)


def customer_lines(sales_order: str) -> list[str]:
	"""What the customer's page says of the latest attempt at each of the order's Delivery Notes, in the
	reader's language: when, who signed, why it failed. Never a photo, a position or the driver's note."""
	notes = frappe.get_all(
		"Delivery Note Item",
		filters={"against_sales_order": sales_order, "docstatus": 1},
		pluck="parent",
		distinct=True,
	)
	if not notes:
		return []
	rows = frappe.get_all(
		DT_DELIVERY_ATTEMPT,
		filters={"delivery_note": ["in", notes]},
		fields=["name", "delivery_note", "received_at", "recorded_at", "outcome", "reason", "recipient"],
	)
	for row in rows:
		row.delivery_stop = row.delivery_note  # the latest word of each note, whichever trip carried it
	latest = rules.latest_by_stop(rows)
	today = getdate()
	lines = []
	for row in sorted(latest.values(), key=lambda r: (r.received_at, r.name)):
		at = get_datetime(row.recorded_at or row.received_at)
		is_today = getdate(at) == today
		when = (
			format_time(at, "HH:mm")
			if is_today
			else f"{format_date(at, 'medium')} {format_time(at, 'HH:mm')}"
		)
		template, args = rules.customer_line(
			row.outcome, when, is_today, row.recipient, _(row.reason) if row.reason else None
		)
		lines.append(_(template).format(*args))
	return lines
