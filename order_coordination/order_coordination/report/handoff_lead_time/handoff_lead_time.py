# Copyright (c) 2026, order_coordination contributors
# For license information, please see license.txt

"""How long each department pair takes: working hours from sending a handoff to its acceptance, and from
acceptance until the receiving department hands the order on; rejections counted.

Both are kept on each handoff as it happens (the hours to accept with the answer, the hours to hand on when
the receiver sends its next handoff), so the report reads each accepted handoff's two numbers and lets the
database count the rest."""

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import add_days, get_datetime

from order_coordination.core import constants
from order_coordination.core.sla import working_hours_between
from order_coordination.core.stats import median, percentile
from order_coordination.reporting import calendar_for, clean_filters, date_range, handoff_conditions, where


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
	for handoff in accepted_handoffs(conditions, values):
		g = groups[(handoff.from_department, handoff.to_department)]
		g["accept"].append(handoff.accept_hours)
		if handoff.complete_hours is not None:
			g["complete"].append(handoff.complete_hours)
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


def period_conditions(filters):
	"""SQL conditions, with their values, for the handoffs a lead time counts: sent in the period (From
	Date to To Date), not cancelled, of the orders the user may see, of the company and customer asked for.
	The workspace's chart counts the same handoffs as the report."""
	from_date, to_date = date_range(filters)
	conditions, values = handoff_conditions(filters)
	conditions += ["h.sent_on >= %(from_date)s", "h.sent_on < %(to_date)s", "h.status != %(cancelled)s"]
	values.update(
		from_date=from_date,
		to_date=add_days(to_date, 1),
		cancelled=constants.HANDOFF_CANCELLED,
		accepted=constants.HANDOFF_ACCEPTED,
		rejected=constants.HANDOFF_REJECTED,
	)
	return conditions, values


def accepted_handoffs(conditions, values):
	"""Each accepted handoff of `period_conditions`: its departments, when it was sent, the working hours to
	accept it, and to hand the order on (None until the receiver handed it on)."""
	for frm, to, sent_on, hours, complete, responded_on, handed_on, company in frappe.db.sql(
		f"""select h.from_department, h.to_department, h.sent_on, h.response_hours, h.complete_hours,
			if(h.complete_hours < 0, h.responded_on, null), h.handed_on, h.company
		from `tabOrder Handoff` h {where([*conditions, "h.status = %(accepted)s"])}""",
		values,
	):
		if handed_on and complete < 0:  # handed on, but another acceptance began the receiver's stretch
			complete = working_hours_between(
				get_datetime(responded_on), get_datetime(handed_on), calendar_for(company)
			)
		yield frappe._dict(
			from_department=frm,
			to_department=to,
			sent_on=sent_on,
			accept_hours=hours or 0,
			complete_hours=complete if handed_on else None,
		)
