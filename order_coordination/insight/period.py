"""The orders of a period, as the flow map, the what-if replay and the export read them: a company, the
orders that started in the period (their timeline's Created entry), narrowed by customer, customer group,
item group or territory, and only those the user may read (User Permissions on Company and Customer
included). Each reader selects its rows with `orders_sql` joined to its own."""

import frappe
from frappe import _
from frappe.utils import add_days, getdate

from order_coordination.core import constants
from order_coordination.reporting import (
	check_filter_permitted,
	clean_date,
	clean_link,
	parse_filters,
	visible_orders_condition,
)

# Filters beyond the company and the period: the Sales Order's own columns, or its lines' item group.
ORDER_FILTERS = {
	"customer": ("Customer", "Customer"),
	"customer_group": ("Customer Group", "Customer Group"),
	"territory": ("Territory", "Territory"),
	"item_group": ("Item Group", "Item Group"),
}
MAX_DAYS = 3 * 366


class Period(frappe._dict):
	"""A checked period: company, from_date, to_date and filters."""


def clean_period(company, from_date, to_date, filters=None) -> Period:
	"""The period asked for, checked: the user reads Order Coordination and may see the company (and the
	customer asked for); dates are dates in order, at most three years apart; filters name records that
	exist. ValidationError or PermissionError otherwise, before anything is read."""
	frappe.has_permission(constants.DT_ORDER_COORDINATION, "read", throw=True)
	company = clean_link(company, "Company", "Company")
	check_filter_permitted("company", company)
	start, end = clean_date(from_date, "From Date"), clean_date(to_date, "To Date")
	if start > end:
		frappe.throw(_("From Date must be before To Date"), frappe.ValidationError)
	if (end - start).days > MAX_DAYS:
		frappe.throw(_("A period is at most three years long"), frappe.ValidationError)
	cleaned = {}
	for key, value in parse_filters(filters).items():
		if value in (None, ""):
			continue
		if key not in ORDER_FILTERS:
			frappe.throw(_("{0} is not a filter of the flow map").format(key), frappe.ValidationError)
		label, doctype = ORDER_FILTERS[key]
		cleaned[key] = clean_link(value, label, doctype)
		if key == "customer":
			check_filter_permitted("customer", value)
	return Period(company=company, from_date=start, to_date=end, filters=cleaned)


def orders_sql(period: Period, values: dict, alias: str = "c", moves: bool = False) -> str:
	"""SQL (a derived table named `alias`) of the period's orders the user may read: their name and when
	they started (and with `moves`, their stage moves as the flow map keeps them, `insight.moves`). Fills
	`values` with its parameters."""
	values.update(
		p_company=period.company,
		p_from=getdate(period.from_date),
		p_to=add_days(getdate(period.to_date), 1),
		p_created=constants.TIMELINE_CREATED,
	)
	conditions = [
		"t.company = %(p_company)s",
		"t.action = %(p_created)s",
		"t.at >= %(p_from)s",
		"t.at < %(p_to)s",
	]
	visible = visible_orders_condition("oc")
	joins = ""
	if visible != "1=1":
		joins += " join `tabOrder Coordination` oc on oc.name = t.order_coordination"
		conditions.append(visible)
	filters = period.filters or {}
	if filters.get("customer"):
		conditions.append("t.customer = %(p_customer)s")
		values["p_customer"] = filters["customer"]
	if {"customer_group", "territory", "item_group"} & set(filters):
		joins += " join `tabSales Order` so on so.name = t.sales_order"
		for key in ("customer_group", "territory"):
			if filters.get(key):
				conditions.append(f"so.{key} = %(p_{key})s")
				values[f"p_{key}"] = filters[key]
		if filters.get("item_group"):
			conditions.append(
				"exists (select 1 from `tabSales Order Item` soi where soi.parent = so.name"
				" and soi.item_group = %(p_item_group)s)"
			)
			values["p_item_group"] = filters["item_group"]
	# An order has one Created entry: no grouping needed.
	kept = ", t.stage_moves" if moves else ""
	return f"""(select t.order_coordination as name, t.at as started{kept}
		from `tabOrder Timeline Entry` t {joins}
		where {" and ".join(conditions)}) {alias}"""
