# Copyright (c) 2026, order_coordination contributors
# For license information, please see license.txt

"""Working hours each department held orders in the period, and who waited on whom: the time a handoff
lay pending is time its sender waited on its receiver."""

from collections import defaultdict
from datetime import datetime

import frappe
from frappe import _
from frappe.utils import add_days, get_datetime, now_datetime

from order_coordination.core import constants
from order_coordination.core.sla import working_hours_between
from order_coordination.reporting import calendar_for, clean_filters, date_range, order_conditions, where


def execute(filters=None):
	filters = clean_filters(filters)
	return columns(), data(filters)


def columns():
	hours = {"fieldtype": "Float", "precision": 1, "width": 140}
	return [
		{
			"fieldname": "department",
			"label": _("Department"),
			"fieldtype": "Link",
			"options": constants.DT_DEPARTMENT,
			"width": 140,
		},
		{"fieldname": "orders", "label": _("Orders Held"), "fieldtype": "Int", "width": 100},
		{"fieldname": "hours_held", "label": _("Working Hours Held"), **hours},
		{"fieldname": "hours_per_order", "label": _("Hours per Order"), **hours},
		{"fieldname": "others_waited", "label": _("Hours Others Waited on It"), **hours},
		{"fieldname": "waited_on_others", "label": _("Hours It Waited on Others"), **hours},
		{
			"fieldname": "waited_most_on",
			"label": _("Waited Most On"),
			"fieldtype": "Link",
			"options": constants.DT_DEPARTMENT,
			"width": 140,
		},
	]


def _clip(start: datetime, end: datetime, lo: datetime, hi: datetime):
	start, end = max(start, lo), min(end, hi)
	return (start, end) if end > start else None


def holder_spans(order, handoffs, now):
	"""(department, start, end) for each stretch one department held the order."""
	first = handoffs[0].from_department if handoffs else order.responsible_department
	holder, since = first, get_datetime(order.creation)
	spans = []
	for h in handoffs:
		if h.status == constants.HANDOFF_ACCEPTED and h.responded_on:
			at = get_datetime(h.responded_on)
			spans.append((holder, since, at))
			holder, since = h.to_department, at
	if order.status == constants.STATUS_COMPLETED:
		end = get_datetime(order.stage_since)
	elif order.status == constants.STATUS_CANCELLED:
		end = get_datetime(order.modified)
	else:
		end = now
	spans.append((holder, since, end))
	return spans


def data(filters):
	from_date, to_date = date_range(filters)
	now = now_datetime()
	lo, hi = get_datetime(from_date), min(get_datetime(add_days(to_date, 1)), now)
	# A department filter here picks the department's row, not the orders it holds now.
	conditions, values = order_conditions(filters, department_field=None)
	department = filters.get("department")
	# Orders alive at some point of the period: created before its end, not finished before its start.
	conditions.append("oc.creation < %(hi)s and (oc.status not in %(closed)s or oc.modified >= %(lo)s)")
	values.update(hi=hi, lo=lo, closed=(constants.STATUS_COMPLETED, constants.STATUS_CANCELLED))
	orders = frappe.db.sql(
		f"""select oc.name, oc.company, oc.creation, oc.modified, oc.status, oc.stage_since, oc.responsible_department
		from `tabOrder Coordination` oc {where(conditions)}""",
		values,
		as_dict=True,
	)
	handoffs = defaultdict(list)
	for h in frappe.db.sql(
		f"""select h.order_coordination, h.from_department, h.to_department, h.status, h.sent_on, h.responded_on
		from `tabOrder Handoff` h join `tabOrder Coordination` oc on oc.name = h.order_coordination
		{where([*conditions, "h.status != %(cancelled)s"])}
		order by h.sent_on, h.creation""",
		{**values, "cancelled": constants.HANDOFF_CANCELLED},
		as_dict=True,
	):
		handoffs[h.order_coordination].append(h)

	held, held_orders = defaultdict(float), defaultdict(set)
	waited_on, waiting, pairs = defaultdict(float), defaultdict(float), defaultdict(float)
	for order in orders:
		cal = calendar_for(order.company)
		for dept, start, end in holder_spans(order, handoffs[order.name], now):
			span = _clip(start, end, lo, hi)
			if span:
				held[dept] += working_hours_between(*span, cal)
				held_orders[dept].add(order.name)
		for h in handoffs[order.name]:
			span = _clip(
				get_datetime(h.sent_on), get_datetime(h.responded_on) if h.responded_on else now, lo, hi
			)
			if span:
				hours = working_hours_between(*span, cal)
				waited_on[h.to_department] += hours
				waiting[h.from_department] += hours
				pairs[(h.from_department, h.to_department)] += hours

	rows = []
	for dept in sorted(set(held) | set(waited_on) | set(waiting)):
		if department and dept != department:
			continue
		mine = {to: hours for (frm, to), hours in pairs.items() if frm == dept}
		count = len(held_orders[dept])
		rows.append(
			{
				"department": dept,
				"orders": count,
				"hours_held": held[dept],
				"hours_per_order": held[dept] / count if count else None,
				"others_waited": waited_on[dept],
				"waited_on_others": waiting[dept],
				"waited_most_on": max(mine, key=mine.get) if mine else None,
			}
		)
	return rows
