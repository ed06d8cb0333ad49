"""Numbers and chart series for the Order Coordination workspace: each counts only the orders the user
may read (reporting.visible_orders_condition), as the reports do.

Every number card and chart of the workspace is a source of ours (Frappe's own card and group-by chart
paths read the primary database): each runs under `frappe.read_only()`, so a site with
`read_from_replica` reads them from its replica."""

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
	stage_series,
	visible_orders_condition,
)

WEEKS = 12


@frappe.whitelist()
@frappe.read_only()
def overdue_handoffs(filters=None):
	"""Number card: pending handoffs past their due time, of the orders the user may read."""
	return _count_pending_handoffs("h.due_by < %(now)s", {"now": now_datetime()}, {})


def _card(value: int, doctype: str, route_options: dict) -> dict:
	return {"value": value, "fieldtype": "Int", "route": ["List", doctype], "route_options": route_options}


def _count_orders(status: str) -> dict:
	value = frappe.db.sql(
		f"""select count(*) from `tabOrder Coordination` oc
		where oc.status = %(status)s and {visible_orders_condition("oc")}""",
		{"status": status},
	)[0][0]
	return _card(value, constants.DT_ORDER_COORDINATION, {"status": status})


def _count_pending_handoffs(condition: str, values: dict, route_options: dict) -> dict:
	"""Pending handoffs that also meet `condition`, of the orders the user may read."""
	frappe.has_permission(constants.DT_ORDER_HANDOFF, "read", throw=True)
	value = frappe.db.sql(
		f"""select count(*) from `tabOrder Handoff` h
		join `tabOrder Coordination` oc on oc.name = h.order_coordination
		where h.status = %(pending)s and {condition} and {visible_orders_condition("oc")}""",
		{"pending": constants.HANDOFF_PENDING, **values},
	)[0][0]
	return _card(value, constants.DT_ORDER_HANDOFF, {"status": constants.HANDOFF_PENDING, **route_options})


@frappe.whitelist()
@frappe.read_only()
def orders_at_risk(filters=None):
	"""Number card: orders expected to miss their delivery date."""
	return _count_orders(constants.STATUS_AT_RISK)


@frappe.whitelist()
@frappe.read_only()
def orders_overdue(filters=None):
	"""Number card: orders past their delivery date with goods still to ship."""
	return _count_orders(constants.STATUS_OVERDUE)


@frappe.whitelist()
@frappe.read_only()
def orders_on_hold(filters=None):
	"""Number card: orders on hold (the Sales Order held, or an open exception)."""
	return _count_orders(constants.STATUS_ON_HOLD)


def _count_pending(department: str) -> dict:
	return _count_pending_handoffs(
		"h.to_department = %(department)s", {"department": department}, {"to_department": department}
	)


@frappe.whitelist()
@frappe.read_only()
def pending_for_sales(filters=None):
	"""Number card: handoffs waiting for Sales to accept them."""
	return _count_pending(constants.SALES)


@frappe.whitelist()
@frappe.read_only()
def pending_for_production(filters=None):
	"""Number card: handoffs waiting for Production to accept them."""
	return _count_pending(constants.PRODUCTION)


@frappe.whitelist()
@frappe.read_only()
def pending_for_logistics(filters=None):
	"""Number card: handoffs waiting for Logistics to accept them."""
	return _count_pending(constants.LOGISTICS)


# The sources of the workspace's number cards, by card: the test of the replica checks each of them.
NUMBER_CARDS = {
	"Orders At Risk": orders_at_risk,
	"Orders Overdue": orders_overdue,
	"Orders On Hold": orders_on_hold,
	"Pending for Sales": pending_for_sales,
	"Pending for Production": pending_for_production,
	"Pending for Logistics": pending_for_logistics,
	"Overdue Handoffs": overdue_handoffs,
}


def open_orders_by_stage() -> dict:
	"""Open orders (neither completed nor cancelled) by stage, in the stages' order."""
	counts = dict(
		frappe.db.sql(
			f"""select oc.stage, count(*) from `tabOrder Coordination` oc
			where oc.status not in %(closed)s and {visible_orders_condition("oc")} group by oc.stage""",
			{"closed": (constants.STATUS_COMPLETED, constants.STATUS_CANCELLED)},
		)
	)
	return stage_series(counts)


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
