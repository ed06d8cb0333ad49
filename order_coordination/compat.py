"""Where Frappe / ERPNext v15 and v16 differ, said once. Each name says which line it serves.

- Test classes: v16's `IntegrationTestCase` (v15 has only `FrappeTestCase`, which v16 deprecates).
- Test record dependencies: v16 reads `EXTRA_TEST_RECORD_DEPENDENCIES`, v15 `test_dependencies` (which v16
  deprecates).
- Delivery schedules: v16 lets a Sales Order line be delivered on several dates (Delivery Schedule Item);
  v15 has only the line's date.
- Work Order statuses: v16 starts a Work Order that reserves stock as "Stock Reserved" or "Stock
  Partially Reserved" instead of "Not Started".
"""

import sys

try:  # v16
	from frappe.tests import IntegrationTestCase as TestCase

	V16 = True
except ImportError:  # v15
	from frappe.tests.utils import FrappeTestCase as TestCase  # noqa: F401 (exported)

	V16 = False

# v16: submitted Work Orders that reserve stock; on v15 no Work Order ever has these statuses.
WORK_ORDER_RESERVED_STATUSES = ("Stock Reserved", "Stock Partially Reserved")


def declare_test_records(module_name: str, doctypes: list[str]) -> None:
	"""Declare the ERPNext test records a test module needs, in the attribute its line's runner reads."""
	name = "EXTRA_TEST_RECORD_DEPENDENCIES" if V16 else "test_dependencies"
	setattr(sys.modules[module_name], name, list(doctypes))


_schedules: bool | None = None


def has_delivery_schedules() -> bool:
	"""v16: Sales Order lines may carry a delivery schedule (the doctype does not exist on v15)."""
	global _schedules
	if _schedules is None:
		import frappe

		_schedules = bool(frappe.db.table_exists("Delivery Schedule Item"))
	return _schedules
