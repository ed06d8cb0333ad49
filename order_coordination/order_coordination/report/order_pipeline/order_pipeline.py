# Copyright (c) 2026, order_coordination contributors
# For license information, please see license.txt

"""Every open order: where it is, who holds it, how long it has been there, and whether it is late."""

import json

import frappe
from frappe import _
from frappe.utils import date_diff, getdate, now_datetime

from order_coordination.core import constants
from order_coordination.reporting import clean_filters, order_conditions, where


def execute(filters=None):
	filters = clean_filters(filters)
	return columns(), data(filters), None, chart(filters)


def columns():
	return [
		{
			"fieldname": "sales_order",
			"label": _("Sales Order"),
			"fieldtype": "Link",
			"options": "Order Coordination",
			"width": 170,
		},
		{"fieldname": "customer", "label": _("Customer"), "fieldtype": "Data", "width": 160},
		{"fieldname": "stage", "label": _("Stage"), "fieldtype": "Data", "width": 140},
		{"fieldname": "status", "label": _("Status"), "fieldtype": "Data", "width": 90},
		{
			"fieldname": "responsible_department",
			"label": _("Responsible Department"),
			"fieldtype": "Link",
			"options": constants.DT_DEPARTMENT,
			"width": 120,
		},
		{"fieldname": "days_in_stage", "label": _("Days in Stage"), "fieldtype": "Int", "width": 90},
		{"fieldname": "delivery_date", "label": _("Delivery Date"), "fieldtype": "Date", "width": 110},
		{
			"fieldname": "expected_finish",
			"label": _("Expected Delivery"),
			"fieldtype": "Datetime",
			"width": 150,
		},
		{"fieldname": "pending_to", "label": _("Waiting For"), "fieldtype": "Data", "width": 110},
		{"fieldname": "pending_due_by", "label": _("Handoff Due By"), "fieldtype": "Datetime", "width": 150},
	]


def _rows(filters):
	conditions, values = order_conditions(filters)
	conditions.append("oc.status not in %(closed)s")
	values["closed"] = (constants.STATUS_COMPLETED, constants.STATUS_CANCELLED)
	for key in ("stage", "status"):
		if filters.get(key):
			conditions.append(f"oc.{key} = %({key})s")
			values[key] = filters[key]
	if filters.get("from_date"):
		conditions.append("oc.delivery_date >= %(from_date)s")
		values["from_date"] = getdate(filters.from_date)
	if filters.get("to_date"):
		conditions.append("oc.delivery_date <= %(to_date)s")
		values["to_date"] = getdate(filters.to_date)
	return frappe.db.sql(
		f"""select oc.name as sales_order, oc.customer, oc.stage, oc.status, oc.responsible_department,
			oc.stage_since, oc.delivery_date, oc.expected_finish, oc.facts
		from `tabOrder Coordination` oc {where(conditions)}
		order by oc.delivery_date asc, oc.name asc""",
		values,
		as_dict=True,
	)


def data(filters):
	today = now_datetime()
	out = []
	for row in _rows(filters):
		pending = json.loads(row.pop("facts") or "{}").get("pending") or {}
		row["days_in_stage"] = date_diff(today, row.stage_since) if row.stage_since else 0
		row["pending_to"] = pending.get("to_department")
		row["pending_due_by"] = pending.get("due_by")
		out.append(row)
	return out


def chart(filters):
	counts = {}
	for row in _rows(filters):
		counts[row.stage] = counts.get(row.stage, 0) + 1
	stages = [s for s in constants.STAGES if s in counts]
	return {
		"data": {
			"labels": [_(s) for s in stages],
			"datasets": [{"name": _("Orders"), "values": [counts[s] for s in stages]}],
		},
		"type": "bar",
	}
