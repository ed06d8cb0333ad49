# Copyright (c) 2026, order_coordination contributors
# For license information, please see license.txt

"""How long each department pair takes: working hours from sending a handoff to its acceptance, and from
acceptance until the receiving department hands the order on; rejections counted."""

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import add_days, get_datetime

from order_coordination.core import constants
from order_coordination.core.sla import working_hours_between
from order_coordination.core.stats import median, percentile
from order_coordination.reporting import calendar_for, clean_filters, date_range, order_conditions, where


def execute(filters=None):
	filters = clean_filters(filters)
	return columns(), data(filters)


def columns():
	hours = {"fieldtype": "Float", "precision": 1, "width": 110}
	return [
		{
			"fieldname": "from_department",
			"label": _("From Department"),
			"fieldtype": "Link",
			"options": constants.DT_DEPARTMENT,
			"width": 130,
		},
		{
			"fieldname": "to_department",
			"label": _("To Department"),
			"fieldtype": "Link",
			"options": constants.DT_DEPARTMENT,
			"width": 130,
		},
		{"fieldname": "handoffs", "label": _("Handoffs"), "fieldtype": "Int", "width": 90},
		{"fieldname": "accepted", "label": _("Accepted"), "fieldtype": "Int", "width": 90},
		{"fieldname": "rejected", "label": _("Rejected"), "fieldtype": "Int", "width": 90},
		{"fieldname": "accepted_on_time", "label": _("Accepted On Time"), "fieldtype": "Int", "width": 110},
		{"fieldname": "median_accept_hours", "label": _("Median Hours to Accept"), **hours},
		{"fieldname": "p90_accept_hours", "label": _("90th Percentile Hours to Accept"), **hours},
		{"fieldname": "median_complete_hours", "label": _("Median Hours to Complete"), **hours},
		{"fieldname": "p90_complete_hours", "label": _("90th Percentile Hours to Complete"), **hours},
	]


def _handoffs(filters):
	from_date, to_date = date_range(filters)
	conditions, values = order_conditions(filters, department_field=None)
	conditions += ["h.sent_on >= %(from_date)s", "h.sent_on < %(to_date)s", "h.status != %(cancelled)s"]
	values.update(from_date=from_date, to_date=add_days(to_date, 1), cancelled=constants.HANDOFF_CANCELLED)
	if filters.get("department"):
		# A department filter here means "handoffs it sent or received", not "orders it holds".
		conditions.append("(h.from_department = %(department)s or h.to_department = %(department)s)")
		values["department"] = filters.department
	# When the receiving department next handed the order on, found by the database for each handoff.
	return frappe.db.sql(
		f"""select h.name, h.order_coordination, h.from_department, h.to_department, h.status, h.sent_on,
			h.responded_on, h.response_hours, h.on_time, oc.company,
			(select min(n.sent_on) from `tabOrder Handoff` n
			where n.order_coordination = h.order_coordination and n.from_department = h.to_department
				and n.status != %(cancelled)s and n.sent_on >= h.responded_on) as handed_on
		from `tabOrder Handoff` h join `tabOrder Coordination` oc on oc.name = h.order_coordination
		{where(conditions)}""",
		values,
		as_dict=True,
	)


def data(filters):
	groups = defaultdict(
		lambda: {"handoffs": 0, "accepted": 0, "rejected": 0, "on_time": 0, "accept": [], "complete": []}
	)
	for h in _handoffs(filters):
		g = groups[(h.from_department, h.to_department)]
		g["handoffs"] += 1
		if h.status == constants.HANDOFF_REJECTED:
			g["rejected"] += 1
		if h.status != constants.HANDOFF_ACCEPTED:
			continue
		g["accepted"] += 1
		g["on_time"] += h.on_time or 0
		g["accept"].append(h.response_hours or 0)
		if h.handed_on:
			accepted_at, handed_on = get_datetime(h.responded_on), get_datetime(h.handed_on)
			g["complete"].append(working_hours_between(accepted_at, handed_on, calendar_for(h.company)))
	rows = []
	for (from_department, to_department), g in sorted(groups.items()):
		rows.append(
			{
				"from_department": from_department,
				"to_department": to_department,
				"handoffs": g["handoffs"],
				"accepted": g["accepted"],
				"rejected": g["rejected"],
				"accepted_on_time": g["on_time"],
				"median_accept_hours": median(g["accept"]),
				"p90_accept_hours": percentile(g["accept"], 90),
				"median_complete_hours": median(g["complete"]),
				"p90_complete_hours": percentile(g["complete"], 90),
			}
		)
	return rows
