"""The Frappe side of refusals: the core's errors shown translated, and the error a busy order gives."""

from contextlib import contextmanager

import frappe
from frappe import _

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
		frappe.throw(_(e.template).format(*[_(str(a)) for a in e.args_]), frappe.ValidationError)
