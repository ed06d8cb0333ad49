"""Numbers and chart series for the Order Coordination workspace."""

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import add_days, formatdate, getdate, now_datetime, nowdate

from order_coordination.core import constants as C
from order_coordination.core.stats import median

WEEKS = 12


@frappe.whitelist()
def overdue_handoffs(filters=None):
	"""Number card: pending handoffs past their due time."""
	frappe.has_permission(C.DT_ORDER_HANDOFF, "read", throw=True)
	value = frappe.db.count(
		C.DT_ORDER_HANDOFF, {"status": C.HANDOFF_PENDING, "due_by": ["<", now_datetime()]}
	)
	return {
		"value": value,
		"fieldtype": "Int",
		"route": ["List", C.DT_ORDER_HANDOFF],
		"route_options": {"status": C.HANDOFF_PENDING},
	}


def _week_start(day):
	day = getdate(day)
	return add_days(day, -day.weekday())


def _weeks(to_date=None):
	last = _week_start(to_date or nowdate())
	return [add_days(last, -7 * i) for i in reversed(range(WEEKS))]


def median_acceptance_by_week(to_date=None):
	"""Median working hours to accept a handoff, per receiving department and week sent."""
	weeks = _weeks(to_date)
	rows = frappe.db.sql(
		"""select to_department, sent_on, response_hours from `tabOrder Handoff`
		where status = %s and sent_on >= %s""",
		(C.HANDOFF_ACCEPTED, weeks[0]),
		as_dict=True,
	)
	hours = defaultdict(list)
	for row in rows:
		hours[(row.to_department, _week_start(row.sent_on))].append(row.response_hours or 0)
	departments = sorted({d for d, _w in hours})
	return {
		"labels": [formatdate(w, "MMM d") for w in weeks],
		"datasets": [
			{"name": _(d), "values": [round(median(hours.get((d, w), [])) or 0, 1) for w in weeks]}
			for d in departments
		],
	}


def on_time_deliveries_by_week(to_date=None):
	"""Orders fully delivered each week, on time (last delivery by the promised date) or late."""
	weeks = _weeks(to_date)
	rows = frappe.db.sql(
		"""select so.name, so.delivery_date, max(dn.posting_date) as delivered_on
		from `tabSales Order` so
		join `tabDelivery Note Item` dni on dni.against_sales_order = so.name
		join `tabDelivery Note` dn on dn.name = dni.parent and dn.docstatus = 1 and dn.is_return = 0
		where so.docstatus = 1 and so.per_delivered >= 100
			and exists (select 1 from `tabOrder Coordination` oc where oc.name = so.name)
		group by so.name, so.delivery_date
		having max(dn.posting_date) >= %s""",
		weeks[0],
		as_dict=True,
	)
	on_time, late = defaultdict(int), defaultdict(int)
	for row in rows:
		week = _week_start(row.delivered_on)
		if getdate(row.delivered_on) <= getdate(row.delivery_date):
			on_time[week] += 1
		else:
			late[week] += 1
	return {
		"labels": [formatdate(w, "MMM d") for w in weeks],
		"datasets": [
			{"name": _("On Time"), "values": [on_time[w] for w in weeks]},
			{"name": _("Late"), "values": [late[w] for w in weeks]},
		],
	}


def chart_to_date(filters) -> str | None:
	if isinstance(filters, str):
		filters = frappe.parse_json(filters)
	return (filters or {}).get("to_date") or None
