# Copyright (c) 2026, order_coordination contributors
# For license information, please see license.txt

"""My department's queue: handoffs waiting for its acceptance, then the orders it holds, soonest due first.
It is an inbox: each row can be opened, and a waiting handoff accepted or rejected (with a reason) from it.

A user sees the queues of the departments they act for (coordination administrators: all of them), and in
them only the orders they may read. An order delivered or finished is no longer anybody's work: it leaves
the queue even while ERPNext keeps it open (to bill it, say)."""

import json

import frappe
from frappe import _
from frappe.utils import get_datetime, now_datetime

from order_coordination.core import constants
from order_coordination.core.sla import add_working_hours, sla_state
from order_coordination.departments import user_departments
from order_coordination.policies import policy_of_order
from order_coordination.reporting import calendar_for, clean_filters, order_conditions, where

WAITING = "Waiting for Acceptance"
LIMIT = 500  # per part of the queue, soonest due first: a queue longer than this is read by its top
HELD = "Held"


def stage_due_by(order):
	"""When the department should be done with the order's stage: its typical hours after it began."""
	if not order.stage_since:
		return None
	policy = policy_of_order(order)
	hours = policy.completion_for(order.stage)
	if not hours:
		return None
	return add_working_hours(get_datetime(order.stage_since), hours, policy.calendar)


def execute(filters=None):
	filters = clean_filters(filters)
	return columns(), data(filters)


def columns():
	"""The order, who it is for and what to do first (a phone shows the first columns); the order's name
	and the dates are never cut. Each row also carries its pending handoff's name (`handoff`), which the
	row's buttons and the order's panel act on."""
	return [
		{
			"fieldname": "sales_order",
			"label": _("Sales Order"),
			"fieldtype": "Link",
			"options": "Order Coordination",
			"width": 190,
		},
		{"fieldname": "customer_name", "label": _("Customer"), "fieldtype": "Data", "width": 170},
		{"fieldname": "actions", "label": _("Actions"), "fieldtype": "Data", "width": 215},
		{"fieldname": "queue", "label": _("Queue"), "fieldtype": "Data", "width": 150},
		{"fieldname": "stage", "label": _("Stage"), "fieldtype": "Data", "width": 140},
		# The department's own clock: answering the handoff, or (held) finishing its stage.
		{"fieldname": "due", "label": _("Due By"), "fieldtype": "Datetime", "width": 180},
		{"fieldname": "sla", "label": _("SLA"), "fieldtype": "Data", "width": 90},
		{"fieldname": "promised", "label": _("Promised"), "fieldtype": "Date", "width": 110},
		{"fieldname": "status", "label": _("Order Status"), "fieldtype": "Data", "width": 100},
		{
			"fieldname": "department",
			"label": _("Department"),
			"fieldtype": "Link",
			"options": constants.DT_DEPARTMENT,
			"width": 110,
		},
		{
			"fieldname": "from_department",
			"label": _("From Department"),
			"fieldtype": "Link",
			"options": constants.DT_DEPARTMENT,
			"width": 120,
		},
	]


def data(filters):
	departments = user_departments()  # administrators: every department
	if filters.get("department"):
		if filters.department not in departments:
			frappe.throw(_("You do not act for {0}").format(_(filters.department)), frappe.PermissionError)
		departments = [filters.department]
	if not departments:
		return []
	# Orders the user may read, and of the company or customer asked for; the department is the queue's own.
	conditions, values = order_conditions(filters, department_field=None)
	values.update(departments=tuple(departments), limit=LIMIT)
	now = now_datetime()
	rows = []
	for h in frappe.db.sql(
		f"""select h.name, h.sales_order, h.from_department, h.to_department, h.due_by, oc.customer, oc.stage,
			oc.status, oc.company, oc.delivery_date, so.customer_name
		from `tabOrder Handoff` h join `tabOrder Coordination` oc on oc.name = h.order_coordination
		left join `tabSales Order` so on so.name = oc.sales_order
		{where([*conditions, "h.status = %(pending)s", "h.to_department in %(departments)s"])}
		order by h.due_by limit %(limit)s""",
		{**values, "pending": constants.HANDOFF_PENDING},
		as_dict=True,
	):
		cal = calendar_for(h.company)
		rows.append(
			{
				"queue": _(WAITING),
				"sales_order": h.sales_order,
				"customer": h.customer,
				"customer_name": h.customer_name or h.customer,
				"department": h.to_department,
				"stage": _(h.stage),
				"status": _(h.status),
				"promised": h.delivery_date,
				"due": h.due_by,
				"sla": _(sla_state(get_datetime(h.due_by), now, cal)),
				"from_department": h.from_department,
				"handoff": h.name,
				"waiting": 1,  # the row's buttons accept or reject it
			}
		)
	open_and_held = where(
		[
			*conditions,
			"oc.responsible_department in %(departments)s",
			"oc.status not in %(closed)s",
			"oc.stage not in %(finished)s",
		]
	)
	held = frappe.db.sql(
		f"""select oc.name, oc.customer, oc.company, oc.responsible_department, oc.stage, oc.status,
			oc.delivery_date, oc.expected_finish, oc.stage_since, oc.policy_snapshot, oc.facts, so.customer_name
		from `tabOrder Coordination` oc left join `tabSales Order` so on so.name = oc.sales_order
		{open_and_held}
		order by oc.delivery_date, oc.name limit %(limit)s""",
		{
			**values,
			"closed": (constants.STATUS_COMPLETED, constants.STATUS_CANCELLED),
			"finished": (constants.DELIVERED, constants.COMPLETED),
		},
		as_dict=True,
	)
	for o in held:
		pending = json.loads(o.facts or "{}").get("pending") or {}
		# A held order's clock is its stage's: the typical hours of the stage from when it began.
		stage_due = stage_due_by(o)
		rows.append(
			{
				"queue": _(HELD),
				"sales_order": o.name,
				"customer": o.customer,
				"customer_name": o.customer_name or o.customer,
				"department": o.responsible_department,
				"stage": _(o.stage),
				"status": _(o.status),
				"promised": o.delivery_date,
				"due": stage_due,
				"sla": _(sla_state(stage_due, now, calendar_for(o.company))) if stage_due else None,
				"from_department": None,
				"handoff": pending.get("name"),
			}
		)
	return rows
