"""Repairs: bring an order's record back in line with what ERPNext's documents say, after an error of
the app's own was contained (`dispatch`), and keep the backfill going until every open order has a record.

A repair replays the order's history onto its record. The core ignores facts it already has, so what the
record knew stays (handoffs answered, exceptions, notes: nothing a user did is lost) and only what was
missed is added: a document event that failed, a Work Order or delivery cancelled meanwhile.
"""

import frappe
from frappe.utils import now_datetime

from order_coordination import coordination
from order_coordination.core import events as ev
from order_coordination.core import lifecycle
from order_coordination.core.constants import DT_ORDER_COORDINATION
from order_coordination.dispatch import REPAIR_FIELD
from order_coordination.facts import per_delivered
from order_coordination.setup.backfill import (
	History,
	backfill_order,
	count_pending,
	enqueue_backfill,
	replay,
)

BATCH = 100


def repair_order(sales_order: str) -> None:
	"""Background job (and the sweep): repair one order in its own transaction."""
	try:
		bring_in_line(sales_order)
		frappe.db.commit()  # nosemgrep: a background job
	except Exception:
		frappe.db.rollback()
		frappe.log_error(
			title=f"Order Coordination: repair of order {sales_order} failed; the sweep tries again",
			reference_doctype="Sales Order",
			reference_name=sales_order,
		)


def bring_in_line(sales_order: str) -> None:
	"""Replay the order's history onto its record, in the caller's transaction (the repair job commits it;
	the busy day's checker rolls it back to see whether anything was missed)."""
	docstatus = frappe.db.get_value("Sales Order", sales_order, "docstatus")
	if docstatus is None:
		return
	order = coordination.load(sales_order)
	if not order:
		if docstatus == 1:
			backfill_order(sales_order)
		return
	now = now_datetime()
	if docstatus == 2:
		event = ev.Event(ev.ORDER_CANCELLED, now, None, "Sales Order", sales_order)
		coordination.decide(order, lifecycle.apply, event, order.policy)
	else:
		history = History([sales_order])
		# Work Orders cancelled while the app failed to hear it.
		current = {wo.name for wo in history.work_orders[sales_order]}
		for name in set(order.state.work_orders) - current:
			event = ev.Event(ev.WORK_ORDER_CANCELLED, now, None, "Work Order", name, work_order=name)
			coordination.decide(order, lifecycle.apply, event, order.policy)
		replay(order, history, history.orders[0], now)
		delivered = per_delivered(sales_order)
		if delivered < order.state.per_delivered:  # a delivery cancelled unheard
			event = ev.Event(
				ev.DELIVERY_NOTE_CANCELLED, now, None, "Sales Order", sales_order, per_delivered=delivered
			)
			coordination.decide(order, lifecycle.apply, event, order.policy)
	frappe.db.sql(
		f"update `tab{DT_ORDER_COORDINATION}` set `{REPAIR_FIELD}` = 0 where name = %s", sales_order
	)


def repair_marked() -> int:
	"""The sweep's step: repair the orders marked for it, each in its own transaction."""
	names = frappe.get_all(DT_ORDER_COORDINATION, filters={REPAIR_FIELD: 1}, pluck="name", limit=BATCH)
	for name in names:
		repair_order(name)
	return len(names)


def resume_backfill() -> int:
	"""The sweep's step: while open orders lack a record, make sure the backfill job is queued."""
	pending = count_pending()
	if pending:
		enqueue_backfill()
	return pending
