"""Work Order events, for the Sales Orders a Work Order serves.

A Work Order serves an order directly (`sales_order`) or through a Production Plan; a plan that combines
items of several orders gives its Work Orders no `sales_order` and records the orders in
`prod_plan_references`. ERPNext writes status and produced quantity with `db_set`, which runs `on_change`
and not `on_update`; submission and cancellation run `on_change` too, so it is the one hook needed.
"""

import frappe
from frappe.utils import flt, get_datetime, now_datetime

from order_coordination import coordination
from order_coordination.core import events as ev

STATUS_EVENTS = {
	"Not Started": ev.WORK_ORDER_SUBMITTED,
	"In Process": ev.WORK_ORDER_STARTED,
	"Stopped": ev.WORK_ORDER_STOPPED,
	"Completed": ev.WORK_ORDER_COMPLETED,
	"Closed": ev.WORK_ORDER_COMPLETED,
}


def sales_orders_of(wo) -> list[str]:
	if wo.sales_order:
		return [wo.sales_order]
	if not (wo.production_plan and wo.production_plan_item):
		return []
	item_reference = frappe.db.get_value("Production Plan Item", wo.production_plan_item, "sales_order_item")
	orders = frappe.get_all(
		"Production Plan Item Reference",
		filters={"parent": wo.production_plan, "item_reference": item_reference},
		pluck="sales_order",
		distinct=True,
	)
	if not orders:
		direct = frappe.db.get_value("Production Plan Item", wo.production_plan_item, "sales_order")
		orders = [direct] if direct else []
	return [so for so in orders if so]


def produced_by_plans(sales_order: str) -> dict[str, float]:
	"""Quantity produced for each line of the order by Work Orders of combined Production Plans.

	A combined plan line serves several order lines; what its Work Orders produced goes to them in the
	plan's order, each line taking up to its quantity."""
	refs = frappe.db.sql(
		"""select ref.parent, ref.item_reference from `tabProduction Plan Item Reference` ref
		join `tabProduction Plan` pp on pp.name = ref.parent and pp.docstatus = 1
		where ref.sales_order = %s""",
		sales_order,
		as_dict=True,
	)
	produced: dict[str, float] = {}
	for plan, item_reference in {(r.parent, r.item_reference) for r in refs}:
		plan_items = frappe.get_all(
			"Production Plan Item",
			filters={"parent": plan, "sales_order_item": item_reference},
			pluck="name",
		)
		made = flt(
			frappe.db.sql(
				"""select sum(produced_qty) from `tabWork Order`
				where docstatus = 1 and production_plan = %s and production_plan_item in %s""",
				(plan, plan_items or [""]),
			)[0][0]
		)
		for ref in frappe.get_all(
			"Production Plan Item Reference",
			filters={"parent": plan, "item_reference": item_reference},
			fields=["sales_order", "sales_order_item", "qty"],
			order_by="idx asc",
		):
			share = min(made, flt(ref.qty))
			made -= share
			if ref.sales_order == sales_order:
				produced[ref.sales_order_item] = produced.get(ref.sales_order_item, 0) + share
	return produced


def per_produced(sales_order: str) -> float:
	"""Percentage of the order's manufactured quantity produced so far."""
	# Read the Work Orders themselves: ERPNext copies produced quantities onto the order's lines only
	# after the Work Order's own fields are written, so the lines may still be stale here.
	lines = frappe.db.sql(
		"""select soi.name, soi.stock_qty,
			(select sum(wo.produced_qty) from `tabWork Order` wo
			where wo.sales_order = soi.parent and wo.sales_order_item = soi.name and wo.docstatus = 1) as produced
		from `tabSales Order Item` soi join `tabItem` item on item.name = soi.item_code
		where soi.parent = %s and ifnull(item.default_bom, '') != ''""",
		sales_order,
		as_dict=True,
	)
	required = sum(flt(line.stock_qty) for line in lines)
	if not required:
		return 0.0
	produced = {line.name: flt(line.produced) for line in lines}
	for line, qty in produced_by_plans(sales_order).items():
		produced[line] = flt(produced.get(line)) + qty
	done = sum(min(flt(line.stock_qty), flt(produced.get(line.name))) for line in lines)
	return round(100.0 * done / required, 3)


WATCHED = ("docstatus", "status", "produced_qty", "planned_end_date")


def on_change(doc, method=None):
	if doc.docstatus == 0:
		return
	previous = doc.get_doc_before_save()
	if previous and all(doc.get(f) == previous.get(f) for f in WATCHED):
		return  # ERPNext writes many quantities one by one; only these mean anything to an order
	if doc.docstatus == 2:
		kind = ev.WORK_ORDER_CANCELLED
	elif previous and flt(doc.produced_qty) < flt(previous.produced_qty):
		kind = ev.WORK_ORDER_REVERSED  # a manufacture Stock Entry was cancelled
	elif previous and previous.status == "Stopped" and doc.status != "Stopped":
		kind = ev.WORK_ORDER_RESUMED
	elif doc.status == "In Process" and flt(doc.produced_qty) > 0:
		kind = ev.WORK_ORDER_PROGRESSED
	else:
		kind = STATUS_EVENTS.get(doc.status)
	if not kind:
		return
	# Only production or cancellation moves the produced percentage: spare its queries otherwise.
	recount = doc.docstatus == 2 or flt(doc.produced_qty) != flt(previous.produced_qty if previous else 0)
	for sales_order in sales_orders_of(doc):
		coordination.apply_event(
			sales_order,
			ev.Event(
				kind,
				now_datetime(),
				frappe.session.user,
				"Work Order",
				doc.name,
				work_order=doc.name,
				planned_end=get_datetime(doc.planned_end_date) if doc.planned_end_date else None,
				per_produced=per_produced(sales_order) if recount else None,
			),
		)
