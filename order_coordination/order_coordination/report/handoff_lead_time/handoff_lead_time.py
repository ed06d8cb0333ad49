# Copyright (c) 2026, order_coordination contributors
# For license information, please see license.txt

"""How long each department pair takes: working hours from sending a handoff to its acceptance, and from
acceptance until the receiving department hands the order on; rejections counted."""

from bisect import bisect_left
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


def _handoffs(filters):
	"""The handoffs sent in the period, and for each accepted one when its receiver next handed the order
	on (the first handoff the receiver sent after accepting it, whenever that was)."""
	from_date, to_date = date_range(filters)
	conditions, values = handoff_conditions(filters)
	conditions += ["h.sent_on >= %(from_date)s", "h.status != %(cancelled)s"]
	values.update(from_date=from_date, cancelled=constants.HANDOFF_CANCELLED)
	# One read of every handoff sent since the period began, in the order they were sent: those sent in
	# the period are the report's, and any of them may be the one that handed an order on.
	# Times come as text (one fixed format, so they compare as the times do): the driver's conversion of
	# a hundred thousand datetimes is most of the report's cost, and only a few are needed as times.
	rows = frappe.db.sql(
		f"""select h.order_coordination, h.from_department, h.to_department, h.status,
			cast(h.sent_on as char) as sent_on, cast(h.responded_on as char) as responded_on,
			h.response_hours, h.on_time, h.company
		from `tabOrder Handoff` h {where(conditions)} order by h.sent_on""",
		values,
	)
	sent_by = defaultdict(list)  # (order, department) -> when it sent handoffs, in order
	for order, frm, _to, _status, sent_on, *_rest in rows:
		sent_by[(order, frm)].append(sent_on)
	end = str(get_datetime(add_days(to_date, 1)))
	department = filters.get("department")
	for order, frm, to, status, sent_on, responded_on, hours, on_time, company in rows:
		if sent_on >= end:
			break
		if department and department not in (frm, to):
			continue  # a department filter here means "handoffs it sent or received"
		handed_on = None
		if responded_on is not None:
			later = sent_by.get((order, to), ())
			i = bisect_left(later, responded_on)
			handed_on = later[i] if i < len(later) else None
		yield frm, to, status, responded_on, hours, on_time, company, handed_on


def data(filters):
	groups = defaultdict(
		lambda: {"handoffs": 0, "accepted": 0, "rejected": 0, "on_time": 0, "accept": [], "complete": []}
	)
	for frm, to, status, responded_on, hours, on_time, company, handed_on in _handoffs(filters):
		g = groups[(frm, to)]
		g["handoffs"] += 1
		if status == constants.HANDOFF_REJECTED:
			g["rejected"] += 1
		if status != constants.HANDOFF_ACCEPTED:
			continue
		g["accepted"] += 1
		g["on_time"] += on_time or 0
		g["accept"].append(hours or 0)
		if handed_on:
			accepted_at, handed_on = get_datetime(responded_on), get_datetime(handed_on)
			g["complete"].append(working_hours_between(accepted_at, handed_on, calendar_for(company)))
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
