# Copyright (c) 2026, order_coordination contributors
# For license information, please see license.txt

"""Every open order: where it is, who holds it, how long it has been there, and whether it is late."""

from collections import Counter

import frappe
from frappe import _
from frappe.utils import getdate, now_datetime

from order_coordination.core import constants
from order_coordination.reporting import clean_filters, order_conditions, stage_series, where


def execute(filters=None):
	filters = clean_filters(filters)
	rows = data(filters)
	return columns(), rows, None, chart(rows)


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


def data(filters):
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
	values["today"] = getdate(now_datetime())
	# The database reads the days in stage and the pending handoff out of each row: one pass, no Python
	# loop over tens of thousands of orders.
	return frappe.db.sql(
		f"""select oc.name as sales_order, oc.customer, oc.stage, oc.status, oc.responsible_department,
			oc.delivery_date, oc.expected_finish,
			ifnull(datediff(%(today)s, oc.stage_since), 0) as days_in_stage,
			json_value(oc.facts, '$.pending.to_department') as pending_to,
			json_value(oc.facts, '$.pending.due_by') as pending_due_by
		from `tabOrder Coordination` oc {where(conditions)}
		order by oc.delivery_date asc, oc.name asc""",
		values,
		as_dict=True,
	)


def chart(rows):
	return {"data": stage_series(Counter(row["stage"] for row in rows)), "type": "bar"}
