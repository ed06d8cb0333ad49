# Copyright (c) 2026, order_coordination contributors
# For license information, please see license.txt

"""How long each department pair takes: working hours from sending a handoff to its acceptance, and from
acceptance until the receiving department hands the order on; rejections counted.

Both are kept on each handoff as it happens (the hours to accept with the answer, the hours to hand on when
the receiver sends its next handoff), so the report reads each accepted handoff's two numbers and lets the
database count the rest (`insight.flow`, as the workspace's charts count them)."""

from collections import defaultdict

import frappe
from frappe import _

from order_coordination.core import constants
from order_coordination.core.stats import weighted_percentile
from order_coordination.insight.flow import accepted_handoffs, period_conditions
from order_coordination.reporting import clean_filters, where


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


# Accepted handoffs whose stored hours are final (not a stretch another acceptance began).
COUNTED = "not (ifnull(h.complete_hours, 0) < 0 and h.handed_on is not null)"


def data(filters):
	"""Counts by the database; for accepted handoffs, the working hours to accept and to hand on that were
	kept on each as it was answered and handed on."""
	conditions, values = period_conditions(filters)
	if filters.get("department"):
		# A department filter here means "handoffs it sent or received", not "orders it holds".
		conditions.append("(h.from_department = %(department)s or h.to_department = %(department)s)")
		values["department"] = filters.department
	groups = defaultdict(
		lambda: {"handoffs": 0, "accepted": 0, "rejected": 0, "on_time": 0, "accept": [], "complete": []}
	)
	for frm, to, handoffs, accepted, rejected, on_time in frappe.db.sql(
		f"""select h.from_department, h.to_department, count(*), sum(h.status = %(accepted)s),
			sum(h.status = %(rejected)s), sum(if(h.status = %(accepted)s, h.on_time, 0))
		from `tabOrder Handoff` h {where(conditions)} group by h.from_department, h.to_department""",
		values,
	):
		groups[(frm, to)].update(
			handoffs=handoffs,
			accepted=int(accepted or 0),
			rejected=int(rejected or 0),
			on_time=int(on_time or 0),
		)
	# The working hours, to the tenth, counted by the database: a year holds hundreds of thousands of
	# handoffs, and sending each back cost more than the whole report may take.
	for frm, to, accept, complete, n in frappe.db.sql(
		f"""select h.from_department, h.to_department, round(ifnull(h.response_hours, 0), 1) as a,
			if(h.handed_on is null, null, round(h.complete_hours, 1)) as b, count(*)
		from `tabOrder Handoff` h {where([*conditions, "h.status = %(accepted)s", COUNTED])}
		group by h.from_department, h.to_department, a, b""",
		values,
	):
		g = groups[(frm, to)]
		g["accept"].append((float(accept), n))
		if complete is not None:
			g["complete"].append((float(complete), n))
	# Those whose stretch another acceptance began: worked out one by one (few).
	for handoff in accepted_handoffs([*conditions, f"not {COUNTED}"], values):
		g = groups[(handoff.from_department, handoff.to_department)]
		g["accept"].append((handoff.accept_hours, 1))
		if handoff.complete_hours is not None:
			g["complete"].append((handoff.complete_hours, 1))
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
				"median_accept_hours": weighted_percentile(g["accept"], 50),
				"p90_accept_hours": weighted_percentile(g["accept"], 90),
				"median_complete_hours": weighted_percentile(g["complete"], 50),
				"p90_complete_hours": weighted_percentile(g["complete"], 90),
			}
		)
	return rows
