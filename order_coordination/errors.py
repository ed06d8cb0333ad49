"""The Frappe side of errors: the core's refusals shown translated, the error a busy order gives, and a
step left to the sweep when it fails."""

from contextlib import contextmanager
from datetime import date, datetime

import frappe
from frappe import _
from frappe.utils import format_datetime, formatdate

from order_coordination.core.errors import CoordinationError


class OrderBusyError(frappe.ValidationError):
	"""Another change holds the order's lock: retryable."""

	http_status_code = 409


@contextmanager
def translated_errors():
	"""Show the core's refusals as translated ValidationErrors."""
	try:
		yield
	except CoordinationError as e:
		frappe.throw(_(e.template).format(*[shown(a) for a in e.args_]), frappe.ValidationError)


def shown(value) -> str:
	"""A value named in a refusal as the user reads it: dates and times in their own format, words
	translated."""
	return readable(value) if isinstance(value, date) else _(str(value))


def readable(value) -> str:
	"""A value as people read it: dates and times in the date format of the site (or the user), never ISO;
	anything else as text."""
	if isinstance(value, datetime):
		return format_datetime(value)
	if isinstance(value, date):
		return formatdate(value)
	return str(value)


@contextmanager
def left_to_the_sweep(title: str):
	"""Run a step the sweep also does (queueing a job): if it fails (a full or stopped queue; Frappe 16
	refuses jobs past 600 queued, with an alert), the user's document still goes through, no alert of ours
	reaches them, and the Error Log says what was left to the sweep."""
	messages = len(frappe.local.message_log or [])
	try:
		yield
	except Exception:
		if frappe.local.message_log:
			del frappe.local.message_log[messages:]
		frappe.log_error(title=title)
