"""What the script reports share: their filters, as SQL, and the working-time calendar of a company.

Report columns link orders to Order Coordination (named as the Sales Order) and show customers as text:
Frappe checks read permission on every doctype a report column links to, and a production planner may
read neither Sales Orders nor Customers, only their coordination records."""

import frappe
from frappe import _
from frappe.utils import add_days, getdate, nowdate

from order_coordination.coordination import calendar_of, policy_snapshot

DEFAULT_DAYS = 90


def date_range(filters, default_days: int = DEFAULT_DAYS):
	to_date = getdate(filters.get("to_date") or nowdate())
	from_date = getdate(filters.get("from_date") or add_days(to_date, -default_days))
	if from_date > to_date:
		frappe.throw(_("From Date must be before To Date"), frappe.ValidationError)
	return from_date, to_date


def order_conditions(filters, alias: str = "oc", department_field: str = "responsible_department"):
	"""SQL conditions for the filters every report takes: company, customer, department."""
	conditions, values = [], {}
	for key, column in (("company", "company"), ("customer", "customer"), ("department", department_field)):
		if filters.get(key):
			conditions.append(f"{alias}.{column} = %({key})s")
			values[key] = filters[key]
	return conditions, values


def where(conditions) -> str:
	return ("where " + " and ".join(conditions)) if conditions else ""


def calendar_for(company):
	"""The company's working-time calendar, looked up once per request."""
	if not hasattr(frappe.local, "oc_company_calendars"):
		frappe.local.oc_company_calendars = {}
	cache = frappe.local.oc_company_calendars
	if company not in cache:
		cache[company] = calendar_of(policy_snapshot(company))
	return cache[company]
