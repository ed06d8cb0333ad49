# Copyright (c) 2026, order_coordination contributors
# For license information, please see license.txt

"""Promise Reliability: who moves the customers' delivery dates, how far, and why.

By department (the one that proposed) and month of the proposal: proposals, how many were accepted,
declined or withdrawn, the days the accepted ones moved the promise in total, and the accepted ones by
reason. By customer: of their orders placed in the period (by the Sales Order's date), how many had their
date moved, how often and by how many days. Only orders the user may see are counted, as in every report of the app."""

from collections import defaultdict

import frappe
from frappe import _

from order_coordination.core import constants
from order_coordination.reporting import clean_filters, date_range, order_conditions, where


def execute(filters=None):
	filters = clean_filters(filters)  # the view is one of PROMISE_RELIABILITY_VIEWS
	view = filters.pop("view", None) or "Department"
	if view == "Customer":
		rows = by_customer(filters)
		return customer_columns(), rows, None, None
	rows = by_department(filters)
	return department_columns(), rows, None, chart(rows)


def department_columns():
	return [
		{"fieldname": "month", "label": _("Month"), "fieldtype": "Data", "width": 90},
		{
			"fieldname": "department",
			"label": _("Proposed By"),
			"fieldtype": "Link",  # shown as the other reports show departments
			"options": constants.DT_DEPARTMENT,
			"width": 130,
		},
		{"fieldname": "proposals", "label": _("Proposals"), "fieldtype": "Int", "width": 95},
		{"fieldname": "accepted", "label": _("Accepted"), "fieldtype": "Int", "width": 90},
		{"fieldname": "declined", "label": _("Declined"), "fieldtype": "Int", "width": 90},
		{"fieldname": "withdrawn", "label": _("Withdrawn"), "fieldtype": "Int", "width": 95},
		{"fieldname": "days_moved", "label": _("Days Moved"), "fieldtype": "Int", "width": 100},
		*[
			{"fieldname": reason_field(r), "label": _(r), "fieldtype": "Int", "width": 110}
			for r in constants.PROMISE_REASONS
		],
	]


def customer_columns():
	return [
		{"fieldname": "customer", "label": _("Customer"), "fieldtype": "Data", "width": 180},
		{"fieldname": "orders", "label": _("Orders"), "fieldtype": "Int", "width": 80},
		{"fieldname": "orders_moved", "label": _("Orders Moved"), "fieldtype": "Int", "width": 110},
		{
			"fieldname": "moved_percent",
			"label": _("Moved %"),
			"fieldtype": "Percent",
			"precision": 1,
			"width": 90,
		},
		{"fieldname": "moves", "label": _("Moves"), "fieldtype": "Int", "width": 80},
		{"fieldname": "days_moved", "label": _("Days Moved"), "fieldtype": "Int", "width": 100},
		{"fieldname": "customer_requests", "label": _("Customer Request"), "fieldtype": "Int", "width": 130},
	]


def reason_field(reason: str) -> str:
	return "reason_" + reason.lower().replace(" ", "_")


def proposals(filters):
	from_date, to_date = date_range(filters, default_days=365)
	conditions, values = order_conditions(filters, department_field=None)
	conditions.append("pc.proposed_on >= %(from_date)s and pc.proposed_on < %(to_date)s + interval 1 day")
	if filters.get("department"):
		conditions.append("pc.proposed_by_department = %(department)s")
		values["department"] = filters.department
	values.update(from_date=from_date, to_date=to_date)
	return frappe.db.sql(
		f"""select pc.proposed_by_department as department, date_format(pc.proposed_on, '%%Y-%%m') as month,
			pc.status, pc.reason, pc.days_moved
		from `tabOrder Promise Change` pc join `tabOrder Coordination` oc on oc.name = pc.order_coordination
		{where(conditions)}""",
		values,
		as_dict=True,
	)


def by_department(filters):
	groups = defaultdict(lambda: defaultdict(int))
	for p in proposals(filters):
		g = groups[(p.month, p.department)]
		g["proposals"] += 1
		key = {
			constants.PROMISE_ACCEPTED: "accepted",
			constants.PROMISE_DECLINED: "declined",
			constants.PROMISE_CANCELLED: "withdrawn",
		}.get(p.status)
		if key:
			g[key] += 1
		if p.status == constants.PROMISE_ACCEPTED:
			g["days_moved"] += p.days_moved or 0
			g[reason_field(p.reason)] += 1
	fields = [c["fieldname"] for c in department_columns()[2:]]
	return [
		{"month": month, "department": department, **{f: g.get(f, 0) for f in fields}}
		for (month, department), g in sorted(groups.items())
	]


def by_customer(filters):
	"""Orders placed in the period, and how their dates moved (accepted changes only)."""
	from_date, to_date = date_range(filters, default_days=365)
	conditions, values = order_conditions(filters, department_field=None)
	conditions += [
		"so.transaction_date between %(from_date)s and %(to_date)s",
		"oc.status != %(cancelled)s",
	]
	values.update(from_date=from_date, to_date=to_date, cancelled=constants.STATUS_CANCELLED)
	rows = frappe.db.sql(
		f"""select oc.customer, count(*) as orders, sum(moves.n > 0) as orders_moved,
			ifnull(sum(moves.n), 0) as moves, ifnull(sum(moves.days), 0) as days_moved,
			ifnull(sum(moves.asked), 0) as customer_requests
		from `tabOrder Coordination` oc join `tabSales Order` so on so.name = oc.sales_order
		left join (
			select order_coordination, count(*) as n, sum(days_moved) as days,
				sum(reason = %(customer_request)s) as asked
			from `tabOrder Promise Change` where status = %(accepted)s group by order_coordination
		) moves on moves.order_coordination = oc.name
		{where(conditions)}
		group by oc.customer order by oc.customer""",
		{**values, "accepted": constants.PROMISE_ACCEPTED, "customer_request": constants.CUSTOMER_REQUEST},
		as_dict=True,
	)
	for row in rows:
		row.orders_moved = int(row.orders_moved or 0)
		row.moves, row.days_moved = int(row.moves), int(row.days_moved)
		row.customer_requests = int(row.customer_requests)
		row.moved_percent = 100.0 * row.orders_moved / row.orders if row.orders else 0.0
	return rows


def chart(rows):
	months = sorted({r["month"] for r in rows})
	departments = sorted({r["department"] for r in rows})
	accepted = {(r["month"], r["department"]): r["accepted"] for r in rows}
	return {
		"data": {
			"labels": months,
			"datasets": [
				{
					"name": _(d),
					"values": [accepted.get((m, d), 0) for m in months],
				}
				for d in departments
			],
		},
		"type": "bar",
		"barOptions": {"stacked": 1},
	}
