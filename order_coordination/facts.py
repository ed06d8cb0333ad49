"""What ERPNext's documents say about an order, read from the database: which orders a Work Order or
Delivery Note serves, how much of an order is produced or delivered, whether it needs manufacturing,
and what its Shipments' carriers last said.
The live handlers and the backfill read the same facts through these functions."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import frappe
from frappe.utils import flt, getdate

from order_coordination.compat import has_delivery_schedules
from order_coordination.core.carrier import latest
from order_coordination.core.constants import CARRIER_EVENT_APPLIED, DT_CARRIER_EVENT
from order_coordination.core.derive import next_promised_date, produced_percentage


def needs_manufacturing(item_codes) -> bool:
	"""An order needs production when any of its items has a default BOM."""
	codes = list({code for code in item_codes if code})
	if not codes:
		return False
	return bool(
		frappe.db.sql(
			"select 1 from `tabItem` where name in %s and ifnull(default_bom, '') != '' limit 1", (codes,)
		)
	)


def orders_of_work_order(wo) -> list[str]:
	"""The Sales Orders a Work Order serves: directly, or through a (possibly combined) Production Plan."""
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


def orders_of_delivery_note(doc) -> list[str]:
	return list(dict.fromkeys(row.against_sales_order for row in doc.items if row.against_sales_order))


def orders_of_delivery_notes(delivery_notes) -> list[str]:
	if not delivery_notes:
		return []
	return frappe.get_all(
		"Delivery Note Item",
		filters={
			"parent": ["in", list(delivery_notes)],
			"against_sales_order": ["is", "set"],
			"docstatus": 1,
		},
		pluck="against_sales_order",
		distinct=True,
	)


def submitted_shipments(tracking_numbers) -> dict[str, list]:
	"""The submitted Shipments of each AWB (tracking) number, oldest first: name, carrier, service
	provider, and the company whose goods they carry (their Delivery Notes', else the company they are
	picked up from or delivered to)."""
	numbers = [n for n in tracking_numbers if n]
	if not numbers:
		return {}
	rows = frappe.db.sql(
		"""select s.awb_number, s.name, s.carrier, s.service_provider,
			coalesce(
				(select dn.company from `tabShipment Delivery Note` sdn
					join `tabDelivery Note` dn on dn.name = sdn.delivery_note
					where sdn.parent = s.name limit 1),
				if(s.pickup_from_type = 'Company', s.pickup_company, null),
				if(s.delivery_to_type = 'Company', s.delivery_company, null)
			) as company
		from `tabShipment` s where s.awb_number in %s and s.docstatus = 1
		order by s.creation""",
		(tuple(numbers),),
		as_dict=True,
	)
	found = defaultdict(list)
	for row in rows:
		found[row.awb_number].append(row)
	return found


def latest_carrier_events(shipments) -> dict[str, tuple]:
	"""Each Shipment's latest applied carrier event: (status, when it occurred)."""
	if not shipments:
		return {}
	by_shipment = defaultdict(list)
	for shipment, status, at in frappe.db.sql(
		f"""select shipment, status, occurred_at from `tab{DT_CARRIER_EVENT}`
		where shipment in %s and state = %s""",
		(tuple(shipments), CARRIER_EVENT_APPLIED),
	):
		by_shipment[shipment].append((status, at))
	return {shipment: latest(events) for shipment, events in by_shipment.items()}


def per_delivered(sales_order: str) -> float:
	"""ERPNext's own delivered percentage of the order: returns bring it down."""
	return flt(frappe.db.get_value("Sales Order", sales_order, "per_delivered"))


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
	produced = {line.name: flt(line.produced) for line in lines}
	for line, qty in produced_by_plans(sales_order).items():
		produced[line] = flt(produced.get(line)) + qty
	return produced_percentage((flt(line.stock_qty), flt(produced.get(line.name))) for line in lines)


def delivery_schedules(sales_orders) -> dict[str, dict[str, list[tuple[date, float]]]]:
	"""Each order's delivery schedules (v16), by line, in date order, in stock units; {} on v15."""
	if not sales_orders or not has_delivery_schedules():
		return {}
	schedules: dict = defaultdict(lambda: defaultdict(list))
	for row in frappe.db.sql(
		"""select sales_order, sales_order_item, delivery_date, stock_qty from `tabDelivery Schedule Item`
		where sales_order in %s order by delivery_date, creation""",
		(tuple(sales_orders),),
		as_dict=True,
	):
		schedules[row.sales_order][row.sales_order_item].append(
			(getdate(row.delivery_date), flt(row.stock_qty))
		)
	return schedules


def promise_lines(line_rows):
	"""(line, delivery date, ordered, delivered) in stock units, from Sales Order Item rows."""
	return [
		(
			line.name,
			getdate(line.delivery_date) if line.delivery_date else None,
			flt(line.stock_qty),
			flt(line.delivered_qty) * (flt(line.conversion_factor) or 1.0),
		)
		for line in line_rows
	]


def promised_date(sales_order: str, lines=None) -> date | None:
	"""The date the order must next deliver by: its earliest undelivered schedule tranche (v16) or line.
	`lines`: the order's Sales Order Items when the caller holds them (the Sales Order's own events)."""
	if lines is None:
		lines = frappe.db.sql(
			"""select name, delivery_date, stock_qty, delivered_qty, conversion_factor
			from `tabSales Order Item` where parent = %s""",
			sales_order,
			as_dict=True,
		)
	return next_promised_date(promise_lines(lines), delivery_schedules([sales_order]).get(sales_order))
