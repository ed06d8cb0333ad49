# Copyright (c) 2026, order_coordination contributors
# For license information, please see license.txt

"""My department's queue: handoffs waiting for its acceptance, then the orders it holds, soonest due first."""

import json

import frappe
from frappe import _
from frappe.utils import get_datetime, now_datetime

from order_coordination.core import constants as C
from order_coordination.core.sla import sla_state
from order_coordination.departments import user_departments
from order_coordination.reporting import calendar_for

WAITING = "Waiting for Acceptance"
LIMIT = 500  # per part of the queue, soonest due first: a queue longer than this is read by its top
HELD = "Held"


def execute(filters=None):
	filters = frappe._dict(filters or {})
	return columns(), data(filters)


def columns():
	return [
		{"fieldname": "queue", "label": _("Queue"), "fieldtype": "Data", "width": 160},
		{
			"fieldname": "sales_order",
			"label": _("Sales Order"),
			"fieldtype": "Link",
			"options": "Order Coordination",
			"width": 170,
		},
		{"fieldname": "customer", "label": _("Customer"), "fieldtype": "Data", "width": 150},
		{
			"fieldname": "department",
			"label": _("Department"),
			"fieldtype": "Link",
			"options": C.DT_DEPARTMENT,
			"width": 110,
		},
		{"fieldname": "stage", "label": _("Stage"), "fieldtype": "Data", "width": 130},
		{"fieldname": "status", "label": _("Status"), "fieldtype": "Data", "width": 90},
		{"fieldname": "due", "label": _("Due"), "fieldtype": "Datetime", "width": 150},
		{"fieldname": "sla", "label": _("SLA"), "fieldtype": "Data", "width": 90},
		{
			"fieldname": "from_department",
			"label": _("From Department"),
			"fieldtype": "Link",
			"options": C.DT_DEPARTMENT,
			"width": 110,
		},
		{
			"fieldname": "handoff",
			"label": _("Order Handoff"),
			"fieldtype": "Link",
			"options": C.DT_ORDER_HANDOFF,
			"width": 120,
		},
	]


def data(filters):
	departments = [filters.department] if filters.get("department") else user_departments()
	if not departments:
		return []
	now = now_datetime()
	rows = []
	for h in frappe.db.sql(
		"""select h.name, h.sales_order, h.from_department, h.to_department, h.due_by, oc.customer, oc.stage,
			oc.status, oc.company
		from `tabOrder Handoff` h join `tabOrder Coordination` oc on oc.name = h.order_coordination
		where h.status = %s and h.to_department in %s order by h.due_by limit %s""",
		(C.HANDOFF_PENDING, tuple(departments), LIMIT),
		as_dict=True,
	):
		cal = calendar_for(h.company)
		rows.append(
			{
				"queue": _(WAITING),
				"sales_order": h.sales_order,
				"customer": h.customer,
				"department": h.to_department,
				"stage": _(h.stage),
				"status": _(h.status),
				"due": h.due_by,
				"sla": _(sla_state(get_datetime(h.due_by), now, cal)),
				"from_department": h.from_department,
				"handoff": h.name,
			}
		)
	held = frappe.db.sql(
		"""select name, customer, responsible_department, stage, status, delivery_date, expected_finish, facts
		from `tabOrder Coordination`
		where responsible_department in %s and status not in %s
		order by delivery_date, name limit %s""",
		(tuple(departments), (C.STATUS_COMPLETED, C.STATUS_CANCELLED), LIMIT),
		as_dict=True,
	)
	for o in held:
		pending = json.loads(o.facts or "{}").get("pending") or {}
		rows.append(
			{
				"queue": _(HELD),
				"sales_order": o.name,
				"customer": o.customer,
				"department": o.responsible_department,
				"stage": _(o.stage),
				"status": _(o.status),
				"due": get_datetime(o.delivery_date) if o.delivery_date else None,
				"sla": _(o.status),
				"from_department": None,
				"handoff": pending.get("name"),
			}
		)
	return rows
