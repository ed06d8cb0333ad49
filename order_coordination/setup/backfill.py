"""Give Sales Orders that existed before install their coordination record, with history rebuilt from
ERPNext's own dates. Runs on the long queue in batches: each batch reads its orders, their lines, Work
Orders and deliveries (returns included) in a handful of queries, lets the core replay each order's
history, writes every row in a few bulk statements and commits. A killed job resumes where it stopped when
run again (the sweep and every migrate start it while orders are pending): orders that already have a
record are not pending any more. A live event that gives an order its record while a batch works on it
wins: the batch leaves that order out and writes the others.
"""

from collections import defaultdict

import frappe
from frappe.utils import flt, get_datetime, getdate, now_datetime

from order_coordination import coordination
from order_coordination.core import actions, lifecycle
from order_coordination.core import events as ev
from order_coordination.core.derive import next_promised_date, produced_percentage, work_order_end
from order_coordination.facts import delivery_schedules, per_produced, promise_lines
from order_coordination.storage import BatchWriter

BATCH = 500
JOB_ID = "order_coordination_backfill"
PROGRESS_EVENT = "order_coordination_backfill"


def pending_orders(limit: int) -> list[str]:
	return frappe.db.sql_list(
		"""select so.name from `tabSales Order` so
		left join `tabOrder Coordination` oc on oc.name = so.name
		where so.docstatus = 1 and so.status not in ('Closed', 'Completed') and oc.name is null
		order by so.name limit %s""",
		limit,
	)


def count_pending() -> int:
	return frappe.db.sql(
		"""select count(*) from `tabSales Order` so
		left join `tabOrder Coordination` oc on oc.name = so.name
		where so.docstatus = 1 and so.status not in ('Closed', 'Completed') and oc.name is null"""
	)[0][0]


def enqueue_backfill() -> None:
	frappe.enqueue(
		"order_coordination.setup.backfill.backfill_open_orders",
		queue="long",
		timeout=4 * 3600,
		enqueue_after_commit=True,
		job_id=JOB_ID,
		deduplicate=True,
	)


def backfill_open_orders(batch: int = BATCH) -> int:
	done, total = 0, count_pending()
	while names := pending_orders(batch):
		backfill_batch(names)
		frappe.db.commit()  # nosemgrep: a background job; each batch stands on its own
		done += len(names)
		# Administrators with the desk open see it move (the list of records shows a progress bar).
		frappe.publish_realtime(
			PROGRESS_EVENT, {"done": done, "total": max(total, done)}, doctype="Order Coordination"
		)
	return done


def backfill_order(name: str) -> None:
	"""One order (the batch path, for a batch of one)."""
	if not coordination.exists(name):
		backfill_batch([name])


class History:
	"""What ERPNext's documents say about a batch of orders, read set-wise."""

	def __init__(self, names: list[str]):
		names = tuple(names)
		self.orders = frappe.db.sql(
			"""select name, company, customer, delivery_date, transaction_date, creation, owner, status
			from `tabSales Order` where name in %s and docstatus = 1 order by name""",
			(names,),
			as_dict=True,
		)
		self.lines = defaultdict(list)
		for line in frappe.db.sql(
			"""select soi.parent, soi.name, soi.stock_qty, soi.delivery_date, soi.delivered_qty, soi.conversion_factor,
				ifnull(item.default_bom, '') != '' as made
			from `tabSales Order Item` soi left join `tabItem` item on item.name = soi.item_code
			where soi.parent in %s""",
			(names,),
			as_dict=True,
		):
			self.lines[line.parent].append(line)
		self.work_orders = defaultdict(list)
		for wo in frappe.db.sql(
			"""select name, sales_order, sales_order_item, creation, actual_start_date, actual_end_date,
				planned_start_date, planned_end_date, status, produced_qty
			from `tabWork Order` where sales_order in %s and docstatus = 1 order by creation""",
			(names,),
			as_dict=True,
		):
			self.work_orders[wo.sales_order].append(wo)
		self.deliveries = defaultdict(list)
		for dn in frappe.db.sql(
			"""select dni.against_sales_order as sales_order, dn.name, dn.posting_date, dn.posting_time,
				sum(dni.stock_qty) as qty, dn.is_return
			from `tabDelivery Note` dn join `tabDelivery Note Item` dni on dni.parent = dn.name
			where dni.against_sales_order in %s and dn.docstatus = 1
			group by dni.against_sales_order, dn.name, dn.posting_date, dn.posting_time
			order by dn.posting_date, dn.posting_time""",
			(names,),
			as_dict=True,
		):
			self.deliveries[dn.sales_order].append(dn)
		self.schedules = delivery_schedules(names)
		self.planned = set(
			frappe.db.sql_list(
				"select distinct sales_order from `tabProduction Plan Item Reference` where sales_order in %s",
				(names,),
			)
		)

	def promised(self, so):
		"""The date the order must next deliver by, as its lines and schedules (v16) say now."""
		return next_promised_date(promise_lines(self.lines[so.name]), self.schedules.get(so.name))

	def needs_manufacturing(self, so) -> bool:
		return any(line.made for line in self.lines[so.name])

	def per_produced(self, so) -> float:
		if so.name in self.planned:
			return per_produced(so.name)  # combined plans: the full reckoning, rare enough to do one by one
		made = [line for line in self.lines[so.name] if line.made]
		produced = defaultdict(float)
		for wo in self.work_orders[so.name]:
			produced[wo.sales_order_item] += flt(wo.produced_qty)
		return produced_percentage((flt(line.stock_qty), produced[line.name]) for line in made)

	def events(self, so) -> list[ev.Event]:
		"""The order's ERPNext events in the order they happened, from the documents' own dates."""
		events = []
		for wo in self.work_orders[so.name]:
			common = {
				"work_order": wo.name,
				"planned_end": work_order_end(
					get_datetime(wo.planned_start_date) if wo.planned_start_date else None,
					get_datetime(wo.planned_end_date) if wo.planned_end_date else None,
				),
			}
			events.append(
				ev.Event(
					ev.WORK_ORDER_SUBMITTED, get_datetime(wo.creation), None, "Work Order", wo.name, **common
				)
			)
			if wo.actual_start_date:
				at = get_datetime(wo.actual_start_date)
				events.append(ev.Event(ev.WORK_ORDER_STARTED, at, None, "Work Order", wo.name, **common))
			if wo.status in ("Completed", "Closed") and wo.actual_end_date:
				at = get_datetime(wo.actual_end_date)
				events.append(ev.Event(ev.WORK_ORDER_COMPLETED, at, None, "Work Order", wo.name, **common))
			elif wo.status == "Stopped":
				events.append(
					ev.Event(ev.WORK_ORDER_STOPPED, now_datetime(), None, "Work Order", wo.name, **common)
				)
		total = sum(flt(line.stock_qty) for line in self.lines[so.name]) or 1
		shipped = 0.0
		for dn in self.deliveries[so.name]:
			shipped += flt(dn.qty)  # a return's quantities are negative
			at = get_datetime(f"{dn.posting_date} {dn.posting_time}")
			per_delivered = max(0.0, min(100.0, 100 * shipped / total))
			events.append(
				ev.Event(
					ev.DELIVERY_RETURNED if dn.is_return else ev.DELIVERY_NOTE_SUBMITTED,
					at,
					None,
					"Delivery Note",
					dn.name,
					per_delivered=per_delivered,
				)
			)
		events.sort(key=lambda e: e.at)
		produced = self.per_produced(so) if self.work_orders[so.name] else 0
		if produced:
			# Production leaves no dated trace of its quantity: count it where the last Work Order event is.
			last = [e for e in events if e.work_order][-1]
			events.insert(
				events.index(last) + 1,
				ev.Event(
					ev.WORK_ORDER_PROGRESSED,
					last.at,
					None,
					"Work Order",
					last.work_order,
					work_order=last.work_order,
					per_produced=produced,
				),
			)
		return events


def replay(order, history: History, so, now) -> None:
	"""Apply what ERPNext's documents say about the order, in the order it happened, then its state now."""
	for event in history.events(so):
		coordination.decide(order, lifecycle.apply, event, order.policy)
	promised = history.promised(so)
	if promised:
		event = ev.Event(ev.DELIVERY_DATE_CHANGED, now, None, "Sales Order", so.name, delivery_date=promised)
		coordination.decide(order, lifecycle.apply, event, order.policy)
	kind = ev.order_state_event(order.state.so_state, ev.order_state_of(so.status))
	if kind:
		coordination.decide(
			order, lifecycle.apply, ev.Event(kind, now, None, "Sales Order", so.name), order.policy
		)
	coordination.decide(order, actions.refresh, now, order.policy)


def backfill_batch(names: list[str]) -> None:
	history = History(names)
	writer = BatchWriter()
	now = now_datetime()
	for so in history.orders:
		submitted_at = max(get_datetime(so.creation), get_datetime(so.transaction_date))
		order = coordination.start(
			so,
			ev.Event(
				ev.ORDER_SUBMITTED,
				submitted_at,
				so.owner,
				"Sales Order",
				so.name,
				needs_manufacturing=history.needs_manufacturing(so),
				delivery_date=getdate(so.delivery_date) if so.delivery_date else None,
			),
			writer,
		)
		replay(order, history, so, now)
	# Orders a live event gave their record meanwhile keep that one (it rebuilt the same history); the lock
	# on what exists now keeps another from appearing before the insert.
	taken = frappe.db.sql_list(
		"select name from `tabOrder Coordination` where name in %s for update",
		(tuple(writer.orders()) or ("",),),
	)
	writer.drop_orders(set(taken))
	writer.flush()
