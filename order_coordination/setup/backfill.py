"""Give Sales Orders that existed before install their coordination record, with history rebuilt from
ERPNext's own dates. Runs on the long queue, in batches that each commit, so a killed job resumes where
it stopped when run again: orders that already have a record are skipped."""

import frappe
from frappe.utils import flt, get_datetime, getdate, now_datetime

from order_coordination import coordination
from order_coordination.core import constants as C
from order_coordination.core import events as ev
from order_coordination.core import lifecycle
from order_coordination.erpnext.sales_order import SO_STATES, needs_manufacturing, order_state_event

BATCH = 200


def pending_orders(limit: int) -> list[str]:
	return frappe.db.sql_list(
		"""select so.name from `tabSales Order` so
		left join `tabOrder Coordination` oc on oc.name = so.name
		where so.docstatus = 1 and so.status not in ('Closed', 'Completed') and oc.name is null
		order by so.name limit %s""",
		limit,
	)


def backfill_open_orders(batch: int = BATCH) -> int:
	done = 0
	while names := pending_orders(batch):
		for name in names:
			backfill_order(name)
		frappe.db.commit()  # nosemgrep: a background job; each batch stands on its own
		done += len(names)
	return done


def history(so) -> list[ev.Event]:
	"""The order's ERPNext events in the order they happened, from the documents' own dates."""
	events = []
	for wo in frappe.get_all(
		"Work Order",
		filters={"sales_order": so.name, "docstatus": 1},
		fields=[
			"name",
			"creation",
			"actual_start_date",
			"actual_end_date",
			"planned_end_date",
			"status",
			"qty",
			"produced_qty",
		],
		order_by="creation asc",
	):
		planned_end = get_datetime(wo.planned_end_date) if wo.planned_end_date else None
		common = {"work_order": wo.name, "planned_end": planned_end}
		events.append(
			ev.Event(
				ev.WORK_ORDER_SUBMITTED,
				get_datetime(wo.creation),
				None,
				"Work Order",
				wo.name,
				**common,
				per_produced=0,
			)
		)
		if wo.actual_start_date:
			events.append(
				ev.Event(
					ev.WORK_ORDER_STARTED,
					get_datetime(wo.actual_start_date),
					None,
					"Work Order",
					wo.name,
					**common,
					per_produced=0,
				)
			)
		if wo.status in ("Completed", "Closed") and wo.actual_end_date:
			events.append(
				ev.Event(
					ev.WORK_ORDER_COMPLETED,
					get_datetime(wo.actual_end_date),
					None,
					"Work Order",
					wo.name,
					**common,
				)
			)
		elif wo.status == "Stopped":
			events.append(
				ev.Event(ev.WORK_ORDER_STOPPED, now_datetime(), None, "Work Order", wo.name, **common)
			)
	total = sum(flt(row.stock_qty) for row in so.items) or 1
	shipped = 0.0
	for dn in frappe.db.sql(
		"""select dn.name, dn.posting_date, dn.posting_time, sum(dni.stock_qty) as qty
		from `tabDelivery Note` dn join `tabDelivery Note Item` dni on dni.parent = dn.name
		where dni.against_sales_order = %s and dn.docstatus = 1 and dn.is_return = 0
		group by dn.name order by dn.posting_date, dn.posting_time""",
		so.name,
		as_dict=True,
	):
		shipped += flt(dn.qty)
		at = get_datetime(f"{dn.posting_date} {dn.posting_time}")
		events.append(
			ev.Event(
				ev.DELIVERY_NOTE_SUBMITTED,
				at,
				None,
				"Delivery Note",
				dn.name,
				per_delivered=min(100.0, 100 * shipped / total),
			)
		)
	events.sort(key=lambda e: e.at)
	return events


def backfill_order(name: str) -> None:
	if coordination.exists(name):
		return
	so = frappe.get_doc("Sales Order", name)
	submitted_at = max(get_datetime(so.creation), get_datetime(so.transaction_date))
	order = coordination.start(
		so,
		ev.Event(
			ev.ORDER_SUBMITTED,
			submitted_at,
			so.owner,
			"Sales Order",
			so.name,
			needs_manufacturing=needs_manufacturing(so),
			delivery_date=getdate(so.delivery_date) if so.delivery_date else None,
		),
	)
	from order_coordination.erpnext.work_order import per_produced

	events = history(so)
	produced = per_produced(name)
	for event in events:
		if event.kind == ev.WORK_ORDER_COMPLETED:
			event = ev.Event(**{**event.__dict__, "per_produced": produced})
		coordination.decide(order, lifecycle.apply, event, order.policy)
	kind = order_state_event(C.SO_OPEN, SO_STATES.get(so.status, C.SO_OPEN))
	if kind:
		coordination.decide(
			order, lifecycle.apply, ev.Event(kind, now_datetime(), None, "Sales Order", so.name), order.policy
		)
	work_orders = [e.work_order for e in events if e.work_order]
	if work_orders and produced:
		# Partial production leaves no dated trace of its own: count it as of now.
		progressed = ev.Event(
			ev.WORK_ORDER_PROGRESSED,
			now_datetime(),
			None,
			"Work Order",
			work_orders[-1],
			work_order=work_orders[-1],
			per_produced=produced,
		)
		coordination.decide(order, lifecycle.apply, progressed, order.policy)
	coordination.decide(order, lifecycle.refresh, now_datetime(), order.policy)
