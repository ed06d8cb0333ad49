"""The earliest delivery date an order can be kept to, as the desk and other tools ask for it.

`earliest_delivery` (whitelisted, re-exported as `order_coordination.api.earliest_delivery`) answers for a
draft or submitted Sales Order the user may read: per line and for the order, what binds each line, and a
short trace. Asking reserves nothing and moves no Work Order or Job Card: the core plans on a copy of
what `supply` loads. `answer_for` is the same answer for the app's own use, and `feasible_of` what the
panel shows of it.
"""

from __future__ import annotations

import datetime

import frappe
from frappe import _
from frappe.utils import flt, getdate, now_datetime

from order_coordination import errors
from order_coordination.core import constants, feasibility
from order_coordination.core.expectations import MIN_SAMPLES
from order_coordination.core.feasibility import Stockpile, World, delivery_samples
from order_coordination.core.sla import working_hours_between
from order_coordination.core.stats import median
from order_coordination.errors import translated_errors
from order_coordination.policies import policy_from, policy_snapshot, with_history
from order_coordination.promising import supply

# The reason a new date takes when the line that binds the order is limited by this.
REASONS = {
	constants.FEASIBLE_WORKSTATION: constants.CAPACITY,
	constants.FEASIBLE_STOCK: constants.MATERIAL_SHORTAGE,
	constants.FEASIBLE_PURCHASE_ORDER: constants.MATERIAL_SHORTAGE,
	constants.FEASIBLE_LEAD_TIME: constants.MATERIAL_SHORTAGE,
}
PANEL_CACHE = "order_coordination:feasible_of"
PANEL_SECONDS = 120
HISTORY_DAYS = 365
HISTORY_CACHE = "order_coordination:delivery_hours"
HISTORY_SECONDS = 900  # the history moves by days: a quarter-hour old figure is as good


@frappe.whitelist()
def earliest_delivery(sales_order):
	"""The earliest feasible delivery of an order (draft or submitted) the user may read."""
	name = sales_order.strip() if isinstance(sales_order, str) else None
	# One refusal for an order that does not exist and one the user may not see: no existence oracle.
	if (
		not name
		or not frappe.db.exists("Sales Order", name)
		or not frappe.has_permission("Sales Order", "read", name)
	):
		frappe.throw(
			_("{0} {1} not found or not yours to see").format(_("Sales Order"), name or ""),
			frappe.PermissionError,
		)
	return answer_for(frappe.get_doc("Sales Order", name))


def answer_for(doc) -> dict:
	"""The answer for a Sales Order document, in the public contract's shape."""
	now = now_datetime()
	requests = [
		(
			row.name,
			row.item_code,
			flt(row.stock_qty or row.qty) - flt(row.delivered_qty) * flt(row.conversion_factor or 1),
		)
		for row in doc.items
		if row.item_code and not row.get("delivered_by_supplier")
	]
	requests = [r for r in requests if r[2] > 0]
	world = world_for(doc, {item for _line, item, _qty in requests}, now)
	with translated_errors():
		order_date, answers = feasibility.earliest_delivery(world, requests)
	return {
		"earliest_date": order_date,
		"requested_date": getdate(doc.delivery_date) if doc.delivery_date else None,
		"lines": [
			{
				"so_detail": a.line,
				"item_code": a.item,
				"qty": a.qty,
				"earliest_date": a.earliest,
				"limited_by": {"kind": a.limit.kind, "name": a.limit.name, "until": a.limit.until},
				"trace": [_(template).format(*[readable(v) for v in args]) for template, args in a.trace],
			}
			for a in answers
		],
		"computed_at": now,
	}


def feasible_of(order) -> dict | None:
	"""What the panel shows of an open, submitted order: the date it could be delivered by now, and the
	reason a new date would give (Capacity when a workstation binds, Material Shortage when stock or supply
	does). None once nothing is left to make or ship, or when its data cannot be planned: the panel then
	says nothing rather than an error."""
	state = order.state
	if not state.is_active or constants.STAGES.index(state.stage) >= constants.STAGES.index(
		constants.SHIPPED
	):
		return None
	key = f"{PANEL_CACHE}:{state.sales_order}"
	known = frappe.cache.get_value(key)
	if known is not None:
		return known or None
	try:
		answer = answer_for(frappe.get_doc("Sales Order", state.sales_order))
	except frappe.ValidationError:
		answer = {"lines": []}
	found = {}
	if answer["lines"]:
		latest = max(answer["lines"], key=lambda line: line["earliest_date"])
		found = {"date": answer["earliest_date"], "reason": REASONS.get(latest["limited_by"]["kind"])}
	# Every panel of the order refreshes after each action: one answer serves them for a short while.
	frappe.cache.set_value(key, found, expires_in_sec=PANEL_SECONDS)
	return found or None


def readable(value):
	"""A trace value as people read it: dates and times as the site shows them, quantities without .0."""
	if isinstance(value, float):
		return f"{value:g}"
	return errors.readable(value)


def world_for(doc, items: set[str], now) -> World:
	"""Everything the answer depends on, for the order's company."""
	policy = with_history(policy_from(policy_snapshot(doc.company)), doc.company)
	recipes, seen = supply.recipes_of(items, policy.completion_for(constants.IN_PRODUCTION))
	stock_items = (
		set(frappe.get_all("Item", filters={"name": ["in", list(seen)], "is_stock_item": 1}, pluck="name"))
		if seen
		else set()
	)
	stock = supply.stock_of(stock_items, doc.company, doc.name or "", now.date())
	for item in seen - stock_items:
		stock[item] = Stockpile(float("inf"))  # a service or other non-stock item waits for nothing
	stations = {op.station for recipe in recipes.values() for op in recipe.operations}
	return World(
		now=now,
		stock=stock,
		recipes=recipes,
		stations=supply.stations_of(stations, now.date()),
		bookings=supply.bookings_of(stations, now, doc.name or ""),
		rules=supply.manufacturing_rules(),
		calendar=policy.calendar,
		delivery_hours=delivery_hours(doc, policy),
	)


def delivery_hours(doc, policy) -> float:
	"""From Ready to Ship to Delivered, as this company's orders took it: for the order's customer where it
	has enough history, else its territory, else the company; the policy's hours until the company has one."""
	known = frappe.cache.get_value(f"{HISTORY_CACHE}:{doc.company}")
	if known is None:
		known = learned_delivery(doc.company, policy)
		frappe.cache.set_value(f"{HISTORY_CACHE}:{doc.company}", known, expires_in_sec=HISTORY_SECONDS)
	for key in (f"customer:{doc.customer}", f"territory:{doc.territory}", "company"):
		if key in known:
			return known[key]
	return policy.completion_for(constants.READY_TO_SHIP) + policy.completion_for(constants.SHIPPED)


def learned_delivery(company: str, policy) -> dict[str, float]:
	"""The median delivery hours per customer, territory and for the company, where each has enough."""
	since = now_datetime() - datetime.timedelta(days=HISTORY_DAYS)
	rows = frappe.db.sql(
		"""select t.order_coordination, t.at, t.stage_to, oc.customer, so.territory
		from `tabOrder Timeline Entry` t
		join `tabOrder Coordination` oc on oc.name = t.order_coordination
		join `tabSales Order` so on so.name = oc.sales_order
		where oc.company = %s and t.at >= %s and t.stage_to in %s
		order by t.order_coordination, t.at, t.creation""",
		(company, since, (constants.READY_TO_SHIP, constants.DELIVERED)),
	)
	groups: dict[str, list] = {}
	for order, at, stage, customer, territory in rows:
		for key in (f"customer:{customer}", f"territory:{territory}", "company"):
			groups.setdefault(key, []).append((order, at, stage))

	def hours(a, b):
		return working_hours_between(a, b, policy.calendar)

	known = {}
	for key, entries in groups.items():
		samples = delivery_samples(entries, hours)
		if len(samples) >= MIN_SAMPLES:
			known[key] = round(median(samples), 2)
	return known
