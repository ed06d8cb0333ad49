"""What people (and carriers, and drivers) typed, as the app keeps it: plain text, whatever its shape
(the rule is the core's, `core.text`); the columns of ours that hold it; and names an administrator
types, refused with markup in them. Every writer of ours and Frappe's save of our doctypes go through it."""

import frappe
from frappe import _

from order_coordination.core.constants import (
	DT_CARRIER_EVENT,
	DT_EXCEPTION,
	DT_ORDER_HANDOFF,
	DT_PROMISE_CHANGE,
	DT_TIMELINE,
)
from order_coordination.core.text import has_markup, plain_text

# Columns of our doctypes that hold what a person typed (or a carrier or driver sent).
TEXT_COLUMNS = frozenset({"note", "reason", "description", "resolution", "response_reason"})
# Every such column, by doctype: kept as plain text (carrier events are made plain as they are checked).
PLAIN_TEXT_COLUMNS = {
	DT_ORDER_HANDOFF: ("note", "reason"),
	DT_EXCEPTION: ("description", "resolution"),
	DT_TIMELINE: ("note",),
	DT_PROMISE_CHANGE: ("note", "response_reason"),
	DT_CARRIER_EVENT: ("event_id", "tracking_number", "carrier_status", "location", "description"),
}


def clean_text(value):
	"""User text as the app keeps it: plain text, whatever its shape (core.text)."""
	return plain_text(value)


def refuse_markup(doc, *fields) -> None:
	"""Names an administrator types (a carrier, a department, a status word) are refused with markup in
	them rather than changed behind their back."""
	for field in fields:
		if has_markup(doc.get(field)):
			frappe.throw(
				_("{0} cannot hold markup such as {1}").format(_(doc.meta.get_label(field)), "<…>"),
				frappe.ValidationError,
			)


def cleaned(row: dict) -> dict:
	return {k: clean_text(v) if k in TEXT_COLUMNS else v for k, v in row.items()}
