"""Numbers and chart series for the Order Coordination workspace: each counts only the orders the user
may read (reporting.visible_orders_condition), as the reports do."""

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import add_days, formatdate, getdate, now_datetime, nowdate

from order_coordination.core import constants
from order_coordination.core.stats import median
from order_coordination.reporting import (
	LINE_NOT_RETURNED,
	clean_date,
	parse_filters,
	visible_orders_condition,
)

WEEKS = 12


@frappe.whitelist()
def overdue_handoffs(filters=None):
	"""Number card: pending handoffs past their due time, of the orders the user may read."""
	frappe.has_permission(constants.DT_ORDER_HANDOFF, "read", throw=True)
	value = frappe.db.sql(
		f"""select count(*) from `tabOrder Handoff` h
		join `tabOrder Coordination` oc on oc.name = h.order_coordination
		where h.status = %(pending)s and h.due_by < %(now)s and {visible_orders_condition("oc")}""",
		{"pending": constants.HANDOFF_PENDING, "now": now_datetime()},
	)[0][0]
	return {
		"value": value,
		"fieldtype": "Int",
		"route": ["List", constants.DT_ORDER_HANDOFF],
		"route_options": {"status": constants.HANDOFF_PENDING},
	}


def _week_start(day):
	day = getdate(day)
	return add_days(day, -day.weekday())


def _weeks(to_date=None):
	last = _week_start(clean_date(to_date, "To Date") if to_date else nowdate())
	return [add_days(last, -7 * i) for i in reversed(range(WEEKS))]


def median_acceptance_by_week(to_date=None):
	"""Median working hours to accept a handoff, per receiving department and week sent."""
	visible = visible_orders_condition("oc")
	weeks = _weeks(to_date)
	rows = frappe.db.sql(
		f"""select h.to_department, h.sent_on, h.response_hours from `tabOrder Handoff` h
		join `tabOrder Coordination` oc on oc.name = h.order_coordination
		where h.status = %(accepted)s and h.sent_on >= %(since)s and {visible}""",
		{"accepted": constants.HANDOFF_ACCEPTED, "since": weeks[0]},
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
	"""Orders fully delivered each week, on time (last delivery by the promised date) or late.

	Fully delivered net of returns (ERPNext lowers `per_delivered` when goods come back), and delivered on
	the date of the last delivery that still holds goods for the order: a delivery whose lines all came
	back is none (as in the On-Time In-Full report)."""
	visible = visible_orders_condition("oc")
	weeks = _weeks(to_date)
	rows = frappe.db.sql(
		f"""select so.name, so.delivery_date, max(dn.posting_date) as delivered_on
		from `tabSales Order` so
		join `tabOrder Coordination` oc on oc.name = so.name
		join `tabDelivery Note Item` dni on dni.against_sales_order = so.name
			and {LINE_NOT_RETURNED}
		join `tabDelivery Note` dn on dn.name = dni.parent and dn.docstatus = 1 and dn.is_return = 0
		where so.docstatus = 1 and so.per_delivered >= 100 and {visible}
		group by so.name, so.delivery_date
		having max(dn.posting_date) >= %(since)s""",
		{"since": weeks[0]},
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
	"""The To Date of a chart's filters, if any (checked as a date where the weeks are counted)."""
	return parse_filters(filters).get("to_date") or None
