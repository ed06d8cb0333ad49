"""Numbers and chart series for the Order Coordination workspace: each counts only the orders the user
may read (reporting.visible_orders_condition), as the reports do.

Every number card and chart of the workspace is a source of ours (Frappe's own card and group-by chart
paths read the primary database): each runs under `frappe.read_only()`, so a site with
`read_from_replica` reads them from its replica. The handoff and dwell charts count through the Handoff
Lead Time and Department Dwell Time reports' own functions, so a chart and its report agree.

Each card and chart names the doctype it counts (`document_type`): Frappe shows a Custom card or chart to a
user who is not a System Manager only if that user reads its doctype. A chart with nothing to show gives
None, for which Frappe's widget says "No Data" (empty or all-zero series draw bare axes)."""

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import add_days, formatdate, get_user_date_format, getdate, now_datetime, nowdate

from order_coordination.core import constants
from order_coordination.core.stats import median
from order_coordination.insight import flow
from order_coordination.reporting import (
	LINE_NOT_RETURNED,
	clean_date,
	parse_filters,
	stage_series,
	visible_orders_condition,
)

# Thirteen weeks (a quarter, as the reports' 90 days): frappe-charts then shows every other week's label
# and the last, which falls on the same beat.
WEEKS = 13


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


def open_orders_by_stage() -> dict | None:
	"""Open orders (neither completed nor cancelled) by stage, in the stages' order; None if there are none."""
	counts = dict(
		frappe.db.sql(
			f"""select oc.stage, count(*) from `tabOrder Coordination` oc
			where oc.status not in %(closed)s and {visible_orders_condition("oc")} group by oc.stage""",
			{"closed": (constants.STATUS_COMPLETED, constants.STATUS_CANCELLED)},
		)
	)
	series = stage_series(counts)
	return chart_or_none(series["labels"], series["datasets"])


def _week_start(day):
	day = getdate(day)
	return add_days(day, -day.weekday())


def _weeks(to_date=None):
	last = _week_start(clean_date(to_date, "To Date") if to_date else nowdate())
	return [add_days(last, -7 * i) for i in reversed(range(WEEKS))]


def week_label(day) -> str:
	"""A week's Monday as day and month in the user's date format ("30-11" for dd-mm-yyyy): short enough
	for frappe-charts to show every other one under a half-width chart without running them together."""
	day_month = get_user_date_format().replace("yyyy", "").strip("-/. ")
	if "dd" not in day_month or "mm" not in day_month:
		day_month = "dd-mm"
	return formatdate(day, day_month)


def _department_order(department):
	"""Departments in the order an order meets them (Sales, Production, Logistics), others after."""
	known = constants.DEFAULT_DEPARTMENTS
	return (known.index(department) if department in known else len(known), department)


def chart_or_none(labels, datasets, measured: bool = False) -> dict | None:
	"""A chart's data, or None when it has nothing to show: Frappe's chart widget then says "No Data"
	(given labels with all-zero series it draws bare axes). A count of zero everywhere is nothing to show;
	a measurement of zero hours (`measured`: there were cases) is a finding and is drawn."""
	if not labels or not datasets:
		return None
	if not measured and not any(value for dataset in datasets for value in dataset["values"]):
		return None
	return {"labels": labels, "datasets": datasets}


def _handoff_medians_by_week(to_date, hours_of) -> dict | None:
	"""Per receiving department and week sent, the median of `hours_of(handoff)` over the accepted handoffs
	the user may see (those it gives None for left out), as the Handoff Lead Time report counts them."""
	weeks = _weeks(to_date)
	period = frappe._dict(from_date=weeks[0], to_date=add_days(weeks[-1], 6))
	hours = defaultdict(list)
	for handoff in flow.accepted_handoffs(*flow.period_conditions(period)):
		value = hours_of(handoff)
		if value is not None:
			hours[(handoff.to_department, _week_start(handoff.sent_on))].append(value)
	departments = sorted({d for d, _w in hours}, key=_department_order)
	return chart_or_none(
		[week_label(w) for w in weeks],
		[
			{"name": _(d), "values": [round(median(hours.get((d, w), [])) or 0, 1) for w in weeks]}
			for d in departments
		],
		measured=bool(hours),
	)


def median_acceptance_by_week(to_date=None) -> dict | None:
	"""Median working hours to accept a handoff, per receiving department and week sent."""
	return _handoff_medians_by_week(to_date, lambda handoff: handoff.accept_hours)


def lead_time_by_week(to_date=None) -> dict | None:
	"""Median working hours a department took from accepting an order to handing it on (the report's
	Median Hours to Complete), per receiving department and week the handoff was sent."""
	return _handoff_medians_by_week(to_date, lambda handoff: handoff.complete_hours)


def dwell_time_by_department(to_date=None) -> dict | None:
	"""Working hours each department held orders over the Department Dwell Time report's default period
	(the 90 days to To Date), as the report counts them."""
	to_date = clean_date(to_date, "To Date") if to_date else getdate(nowdate())
	rows = flow.held_hours(frappe._dict(to_date=to_date))
	rows = sorted((r for r in rows if r["department"]), key=lambda r: _department_order(r["department"]))
	return chart_or_none(
		[_(r["department"]) for r in rows],
		[{"name": _("Working Hours Held"), "values": [round(r["hours_held"] or 0, 1) for r in rows]}],
	)


def on_time_deliveries_by_week(to_date=None) -> dict | None:
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
	return chart_or_none(
		[week_label(w) for w in weeks],
		[
			{"name": _("On Time"), "values": [on_time[w] for w in weeks]},
			{"name": _("Late"), "values": [late[w] for w in weeks]},
		],
	)


def chart_to_date(filters) -> str | None:
	"""The To Date of a chart's filters, if any (checked as a date where the weeks are counted)."""
	return parse_filters(filters).get("to_date") or None
