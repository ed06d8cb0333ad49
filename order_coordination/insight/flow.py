"""How orders flow between departments, counted from what the app keeps as it happens: the working hours
each accepted handoff took to accept and to hand on (per department pair), and the working hours each
department held orders and who waited on whom. The Handoff Lead Time and Department Dwell Time reports
and the workspace's charts count with these same functions, so a chart and its report always agree.

Nothing is replayed: each stretch a department held an order is kept as it ends (on the handoff whose
acceptance ends it, with its working hours; the running one on the record), and each answered handoff
keeps the working hours it lay pending. Stretches inside the period are summed by the database; those
crossing its ends, and the running ones (summed by the database day by day), are clipped to it."""

from collections import defaultdict

import frappe
from frappe.utils import add_days, get_datetime, getdate, now_datetime

from order_coordination.core import constants
from order_coordination.core.sla import working_days, working_hours_between
from order_coordination.reporting import (
	calendar_for,
	date_range,
	handoff_conditions,
	order_conditions,
	where,
)


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


def held_hours(filters):
	from_date, to_date = date_range(filters)
	now = now_datetime()
	lo, hi = get_datetime(from_date), min(get_datetime(add_days(to_date, 1)), now)
	department = filters.get("department")
	period = Period(lo, hi, frappe.get_all("Company", pluck="name", order_by="name"))
	# A department filter here picks the department's row, not the orders it holds now.
	orders, values = order_conditions(filters, department_field=None)
	# A handoff carries its order's company and customer: its own columns are filtered.
	handoffs, _values = handoff_conditions(filters)
	values.update(
		lo=lo,
		hi=hi,
		hi_seconds=seconds_of_day(hi),
		closed=(constants.STATUS_COMPLETED, constants.STATUS_CANCELLED),
		completed=constants.STATUS_COMPLETED,
		cancelled=constants.HANDOFF_CANCELLED,
		accepted=constants.HANDOFF_ACCEPTED,
		pending=constants.HANDOFF_PENDING,
	)
	held, held_orders = defaultdict(float), defaultdict(int)
	waited_on, waiting, pairs = defaultdict(float), defaultdict(float), defaultdict(float)

	# Stretches that ended with an accepted handoff: the stored hours of those inside the period, the part
	# inside it of those crossing an end.
	ended = [*handoffs, "h.status = %(accepted)s", ENDED_IN_PERIOD]
	for row in frappe.db.sql(
		f"""select h.held_by as department, h.company, {CROSSING.format(start="h.held_since", end="h.responded_on")},
			sum(h.held_hours) as hours, {FIRST_IN_PERIOD.format("h")}
		from `tabOrder Handoff` h {where(ended)} group by department, h.company, since, until""",
		values,
		as_dict=True,
	):
		held[row.department] += period.hours(row)
		held_orders[row.department] += int(row.orders or 0)
	# The stretch each order is in (or ended with when it completed or was cancelled).
	for row in frappe.db.sql(
		f"""select coalesce(oc.held_by, oc.responsible_department) as department, oc.company,
			count(*) as n, {FIRST_IN_PERIOD.format("oc")}, {period.running_sql("oc.held_since", values)}
		from `tabOrder Coordination` oc
		{where([*orders, "oc.status not in %(closed)s", "oc.creation < %(hi)s", "oc.held_since < %(hi)s"])}
		group by department, oc.company, d1""",
		values,
		as_dict=True,
	):
		held[row.department] += period.running_hours(row)
		held_orders[row.department] += int(row.orders or 0)
	finished = [*orders, "oc.status in %(closed)s", "oc.creation < %(hi)s", "oc.modified >= %(lo)s"]
	finished.append(f"{FINISHED_AT} > oc.held_since and {FINISHED_AT} > %(lo)s and oc.held_since < %(hi)s")
	for row in frappe.db.sql(
		f"""select coalesce(oc.held_by, oc.responsible_department) as department, oc.company, count(*) as n,
			{FIRST_IN_PERIOD.format("oc")}, {period.stretch_sql("oc.held_since", FINISHED_AT, values)}
		from `tabOrder Coordination` oc {where(finished)} group by department, oc.company, since, until, d1, d2""",
		values,
		as_dict=True,
	):
		held[row.department] += period.hours(row)
		held_orders[row.department] += int(row.orders or 0)
	# Answered handoffs: the working hours they lay pending, stored with the answer; those crossing an end
	# of the period, the part inside it.
	answered = [*handoffs, "h.status != %(cancelled)s", "h.responded_on > h.sent_on"]
	answered += ["h.responded_on > %(lo)s", "h.sent_on < %(hi)s"]
	pending = [*orders, "oc.creation < %(hi)s and (oc.status not in %(closed)s or oc.modified >= %(lo)s)"]
	pending += ["h.status = %(pending)s", "h.responded_on is null", "h.sent_on < %(hi)s"]
	for row in frappe.db.sql(
		f"""select h.from_department, h.to_department, h.company,
			{CROSSING.format(start="h.sent_on", end="h.responded_on")}, sum(h.response_hours) as hours
		from `tabOrder Handoff` h {where(answered)}
		group by h.from_department, h.to_department, h.company, since, until""",
		values,
		as_dict=True,
	):
		hours = period.hours(row)
		waited_on[row.to_department] += hours
		waiting[row.from_department] += hours
		pairs[(row.from_department, row.to_department)] += hours
	# Handoffs still pending, of orders alive in the period: until now.
	for row in frappe.db.sql(
		f"""select h.from_department, h.to_department, h.company, count(*) as n,
			{period.running_sql("h.sent_on", values)}
		from `tabOrder Handoff` h join `tabOrder Coordination` oc on oc.name = h.order_coordination
		{where(pending)} group by h.from_department, h.to_department, h.company, d1""",
		values,
		as_dict=True,
	):
		hours = period.running_hours(row)
		waited_on[row.to_department] += hours
		waiting[row.from_department] += hours
		pairs[(row.from_department, row.to_department)] += hours

	rows = []
	for dept in sorted(set(held) | set(held_orders) | set(waited_on) | set(waiting)):
		if department and dept != department:
			continue
		mine = {to: hours for (frm, to), hours in pairs.items() if frm == dept}
		count = held_orders.get(dept, 0)
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


# A stored stretch inside the period is summed; one crossing an end of it comes back on its own row, with
# its start and end, to be clipped.
CROSSING = """if({start} < %(lo)s or {end} > %(hi)s, {start}, null) as since,
	if({start} < %(lo)s or {end} > %(hi)s, {end}, null) as until"""
# An accepted handoff's stored stretch that overlaps the period (acceptance happens while the order is
# alive, so its order is one the period saw).
ENDED_IN_PERIOD = """h.held_by is not null and h.responded_on > h.held_since
	and h.responded_on > %(lo)s and h.held_since < %(hi)s"""
# When the stretch of a completed or cancelled order ended.
FINISHED_AT = "if(oc.status = %(completed)s, oc.stage_since, oc.modified)"
# A stretch counts its order for its department unless the department's previous stretch of the same
# order (which ended when this one's `previously_held_until` says) overlaps the period too.
FIRST_IN_PERIOD = "sum({0}.previously_held_until is null or {0}.previously_held_until <= %(lo)s) as orders"


def seconds_of_day(moment) -> float:
	return moment.hour * 3600 + moment.minute * 60 + moment.second + moment.microsecond / 1e6


class Period:
	"""Working hours within [lo, hi) of many stretches, without a Python loop over them.

	The seconds worked inside a stretch's first and last day depend only on its times of day and the
	calendar's hours, so the database sums them by (first day, last day); the whole days between are the
	same for every stretch of such a group and are counted here, once per group. What comes out is what
	`working_hours_between` gives stretch by stretch."""

	def __init__(self, lo, hi, companies):
		self.lo, self.hi, self.companies = lo, hi, companies

	def _window(self, values: dict) -> tuple[str, str]:
		"""SQL for the start and end of the working day (seconds) of each order's company."""
		opens, closes = [], []
		for i, name in enumerate(self.companies):
			cal = calendar_for(name)
			values[f"oc_company_{i}"] = name
			values[f"oc_opens_{i}"] = seconds_of_day(cal.start)
			values[f"oc_closes_{i}"] = seconds_of_day(cal.end)
			opens.append(f"when %(oc_company_{i})s then %(oc_opens_{i})s")
			closes.append(f"when %(oc_company_{i})s then %(oc_closes_{i})s")
		if not self.companies:
			return "0", "0"
		return f"(case oc.company {' '.join(opens)} end)", f"(case oc.company {' '.join(closes)} end)"

	def stretch_sql(self, start: str, end: str, values: dict) -> str:
		"""Stretches inside the period, summed by their first and last day (`d1`, `d2`); those crossing an
		end of it, each on its own row with its start and end (`since`, `until`)."""
		o, c = self._window(values)
		inside = f"{start} >= %(lo)s and {end} <= %(hi)s"
		ts, te = f"time_to_sec({start})", f"time_to_sec({end})"
		same = f"date({start}) = date({end})"
		return f"""{CROSSING.format(start=start, end=end)},
			if({inside}, date({start}), null) as d1, if({inside}, date({end}), null) as d2,
			sum(if({same}, greatest(0, least({c}, {te}) - greatest({o}, {ts})), 0)) as same_day,
			sum(if({same}, 0, greatest(0, {c} - greatest({o}, {ts})))) as first_day,
			sum(if({same}, 0, greatest(0, least({c}, {te}) - {o}))) as last_day"""

	def running_sql(self, start: str, values: dict) -> str:
		"""Stretches from `start` to the period's end, by their first day (`d1`): the seconds worked that
		day, to its end (`first_day`) or, on the period's last day, to the period's end (`same_day`)."""
		o, c = self._window(values)
		ts = f"time_to_sec({start})"
		return f"""date({start}) as d1,
			sum(greatest(0, {c} - greatest({o}, {ts}))) as first_day,
			sum(greatest(0, least({c}, %(hi_seconds)s) - greatest({o}, {ts}))) as same_day"""

	def hours(self, row) -> float:
		"""A row of stored hours, of stretches grouped by first and last day, or of one stretch crossing an
		end of the period (clipped to it)."""
		cal = calendar_for(row.company)
		if row.get("d1") is not None:
			d1, d2 = getdate(row.d1), getdate(row.d2)
			if d1 == d2:
				return float(row.same_day or 0) / 3600 if cal.is_working_day(d1) else 0.0
			seconds = float(row.first_day or 0) if cal.is_working_day(d1) else 0.0
			seconds += float(row.last_day or 0) if cal.is_working_day(d2) else 0.0
			whole = working_days(cal, add_days(d1, 1), add_days(d2, -1))
			return seconds / 3600 + row.n * whole * cal.hours_per_day
		if row.since is None:
			return float(row.hours or 0)
		start, end = max(get_datetime(row.since), self.lo), min(get_datetime(row.until), self.hi)
		return working_hours_between(start, end, cal) if end > start else 0.0

	def running_hours(self, row) -> float:
		cal = calendar_for(row.company)
		d1 = getdate(row.d1)
		if d1 < self.lo.date():
			return row.n * working_hours_between(self.lo, self.hi, cal)
		if d1 == self.hi.date():
			return float(row.same_day or 0) / 3600 if cal.is_working_day(d1) else 0.0
		first = float(row.first_day or 0) / 3600 if cal.is_working_day(d1) else 0.0
		return first + row.n * working_hours_between(get_datetime(add_days(d1, 1)), self.hi, cal)
