"""What the script reports and the workspace's charts share: which orders the user may see, their filters
checked and turned into SQL, and the working-time calendar of a company.

They read with raw SQL for speed, so they apply Frappe's permissions themselves: the user must read Order
Coordination, and rows are limited by the conditions Frappe's own list view would add for that doctype
(User Permissions on its links, Company and Customer among them; permission query hooks; shares).

Report columns link orders to Order Coordination (named as the Sales Order) and show customers as text:
Frappe checks read permission on every doctype a report column links to, and a production planner may
read neither Sales Orders nor Customers, only their coordination records."""

from datetime import date

import frappe
from frappe import _
from frappe.desk.reportview import build_match_conditions
from frappe.permissions import get_role_permissions, get_user_permissions
from frappe.share import get_shared
from frappe.utils import add_days, escape_html, getdate, nowdate

from order_coordination.core import constants
from order_coordination.policies import calendar_of, policy_snapshot

DEFAULT_DAYS = 90

# A delivery line whose goods have not all come back: ERPNext links a return's lines to the delivered
# line (`dn_detail`) and does not keep a returned quantity on delivered lines, so the returns are summed.
LINE_NOT_RETURNED = """dni.stock_qty + ifnull((select sum(ri.stock_qty) from `tabDelivery Note Item` ri
	join `tabDelivery Note` r on r.name = ri.parent and r.docstatus = 1 and r.is_return = 1
	where ri.dn_detail = dni.name), 0) > 0"""
MAX_NAME = 140  # the longest name Frappe gives a record
MAX_DATE_TEXT = 40
DATE_FILTERS = {"from_date": "From Date", "to_date": "To Date"}
LINK_FILTERS = {
	"company": ("Company", "Company"),
	"customer": ("Customer", "Customer"),
	"department": ("Department", constants.DT_DEPARTMENT),
}
CHOICE_FILTERS = {
	"stage": ("Stage", constants.STAGES),
	"status": ("Status", constants.ORDER_STATUSES),
	"view": ("View", constants.PROMISE_RELIABILITY_VIEWS),
}
# Links of Order Coordination that User Permissions restrict: naming one the user may not see is refused.
PERMITTED_FILTERS = ("company", "customer")


def check_can_read(user: str | None = None):
	"""PermissionError unless the user may read Order Coordination at all."""
	frappe.has_permission(constants.DT_ORDER_COORDINATION, "read", user=user, throw=True)


def visible_orders_condition(alias: str = "oc", user: str | None = None) -> str:
	"""SQL condition keeping the rows of Order Coordination named `alias` that the user may read.

	Built by Frappe's own engine (`frappe.desk.reportview.build_match_conditions`, the same call in v15
	and v16), so its values are escaped and its percent signs doubled: run the query with parameters."""
	user = user or frappe.session.user
	check_can_read(user)
	doctype = constants.DT_ORDER_COORDINATION
	table = f"`tab{doctype}`"
	role_permissions = get_role_permissions(doctype, user=user)
	if role_permissions.get("read") or role_permissions.get("select"):
		condition = build_match_conditions(doctype, user=user)
	else:
		# Readable through shares alone: v15's engine keeps that condition out of what it returns.
		shared = get_shared(doctype, user)
		names = ", ".join(frappe.db.escape(name) for name in shared)
		condition = f"{table}.name in ({names})" if shared else "1=0"
	if not condition:
		return "1=1"
	# The engine names the table, not our alias (and hooks may add their own subqueries): ask about the
	# same table in a subquery, which the database turns into a join on the primary key.
	return f"{alias}.name in (select {table}.name from {table} where {condition})"


def check_filter_permitted(fieldname: str, value: str, user: str | None = None):
	"""Refuse a filter naming a record the user's User Permissions hide, as Frappe hides its orders: a
	permission applies to Order Coordination when it names no doctype or names this one."""
	df = frappe.get_meta(constants.DT_ORDER_COORDINATION).get_field(fieldname)
	if not df or df.ignore_user_permissions:
		return
	allowed = [
		permission.get("doc")
		for permission in get_user_permissions(user or frappe.session.user).get(df.options) or []
		if permission.get("applicable_for") in (None, "", constants.DT_ORDER_COORDINATION)
	]
	if allowed and value not in allowed:
		frappe.throw(
			_("You may not see {0} {1}").format(_(df.options), escape_html(value)), frappe.PermissionError
		)


def clean_date(value, label: str) -> date:
	"""`value` as a date; ValidationError for anything else."""
	if isinstance(value, date):
		return getdate(value)
	parsed = None
	if isinstance(value, str) and len(value) <= MAX_DATE_TEXT:
		# getdate shows a message of its own before raising, and some text makes dateutil overflow.
		muted = frappe.flags.mute_messages
		frappe.flags.mute_messages = True
		try:
			parsed = getdate(value)
		except Exception:
			parsed = None
		finally:
			frappe.flags.mute_messages = muted
	if not parsed:
		frappe.throw(_("{0} is not a date").format(_(label)), frappe.ValidationError)
	return parsed


def clean_link(value, label: str, doctype: str) -> str:
	"""`value` as the name of an existing `doctype` record; ValidationError for anything else."""
	if not isinstance(value, str):
		frappe.throw(_("{0} must be text").format(_(label)), frappe.ValidationError)
	if len(value) > MAX_NAME:
		frappe.throw(
			_("{0} is longer than {1} characters").format(_(label), MAX_NAME), frappe.ValidationError
		)
	# By filter: exists(doctype, name) takes a name equal to its doctype for a Single that always exists.
	if not frappe.db.exists(doctype, {"name": value}):
		frappe.throw(
			_("{0} {1} does not exist").format(_(doctype), escape_html(value)), frappe.ValidationError
		)
	return value


def parse_filters(filters) -> dict:
	"""Filters as given (a dict, or its JSON): anything that is not field names with values is refused."""
	if not filters:
		return {}
	if isinstance(filters, str):
		try:
			filters = frappe.parse_json(filters)
		except ValueError:
			filters = None  # refused below, as any other shape that is not field names with values
	if not isinstance(filters, dict):
		frappe.throw(_("Report filters must be field names with values"), frappe.ValidationError)
	return filters


def clean_filters(filters) -> frappe._dict:
	"""A report's filters, checked before any of them reaches SQL: the user must read Order Coordination;
	dates must be dates, links must name existing records, choices must be among their options
	(ValidationError otherwise); a company or customer the user may not see is refused (PermissionError).
	Empty filters are dropped; filters no report knows pass through untouched."""
	check_can_read()
	filters = parse_filters(filters)
	cleaned = frappe._dict()
	for key, value in filters.items():
		if value is None or value == "":
			continue
		if key in DATE_FILTERS:
			value = clean_date(value, DATE_FILTERS[key])
		elif key in LINK_FILTERS:
			value = clean_link(value, *LINK_FILTERS[key])
			if key in PERMITTED_FILTERS:
				check_filter_permitted(key, value)
		elif key in CHOICE_FILTERS:
			label, choices = CHOICE_FILTERS[key]
			if not isinstance(value, str) or value not in choices:
				frappe.throw(
					_("{0} must be one of: {1}").format(_(label), ", ".join(_(c) for c in choices)),
					frappe.ValidationError,
				)
		cleaned[key] = value
	return cleaned


def date_range(filters, default_days: int = DEFAULT_DAYS):
	to_date = getdate(filters.get("to_date") or nowdate())
	from_date = getdate(filters.get("from_date") or add_days(to_date, -default_days))
	if from_date > to_date:
		frappe.throw(_("From Date must be before To Date"), frappe.ValidationError)
	return from_date, to_date


def order_conditions(filters, alias: str = "oc", department_field: str | None = "responsible_department"):
	"""SQL conditions for the orders a report reads: those the user may see, then the filters every report
	takes (company, customer, and department unless `department_field` is None). Run with the values."""
	conditions, values = [visible_orders_condition(alias)], {}
	keys = [("company", "company"), ("customer", "customer")]
	if department_field:
		keys.append(("department", department_field))
	for key, column in keys:
		if filters.get(key):
			conditions.append(f"{alias}.{column} = %({key})s")
			values[key] = filters[key]
	return conditions, values


def where(conditions) -> str:
	return ("where " + " and ".join(conditions)) if conditions else ""


def calendar_for(company):
	"""The company's working-time calendar, looked up once per request."""
	if not hasattr(frappe.local, "oc_company_calendars"):
		frappe.local.oc_company_calendars = {}
	cache = frappe.local.oc_company_calendars
	if company not in cache:
		cache[company] = calendar_of(policy_snapshot(company))
	return cache[company]


def handoff_conditions(filters, alias: str = "h"):
	"""SQL conditions for the handoffs a report reads, on the handoff's own columns (every row carries its
	order's company and customer): those of orders the user may see, of the company and customer asked
	for. The visible orders are asked for only when the user's permissions limit them."""
	conditions, values = [], {}
	visible = visible_orders_condition("oc")
	if visible != "1=1":
		conditions.append(
			f"{alias}.order_coordination in (select oc.name from `tabOrder Coordination` oc where {visible})"
		)
	for key in ("company", "customer"):
		if filters.get(key):
			conditions.append(f"{alias}.{key} = %({key})s")
			values[key] = filters[key]
	return conditions, values


def stage_series(counts) -> dict:
	"""A chart's orders by stage, in the stages' order, from a count per stage."""
	stages = [stage for stage in constants.STAGES if counts.get(stage)]
	return {
		"labels": [_(stage) for stage in stages],
		"datasets": [{"name": _("Orders"), "values": [counts[stage] for stage in stages]}],
	}
