"""The door ERPNext's document events come through. Two promises are kept here:

- The app never blocks an ERPNext document. A failure of the app's own (a policy gone bad, a record
  in an unexpected state, a lock it could not get) is rolled back to a savepoint, logged in the Error Log,
  the order is marked for repair, and the document goes through. The repair replays what ERPNext's
  documents say onto the record, right after commit and again from the sweep until it succeeds.
- Live events and the backfill commute: an order that has no record yet (submitted before the app was
  installed) gets its full history rebuilt from ERPNext's documents before the event is applied.
"""

from __future__ import annotations

from contextlib import contextmanager

import frappe

from order_coordination import coordination
from order_coordination.core import events as ev
from order_coordination.core.constants import (
	DT_EXCEPTION,
	DT_ORDER_COORDINATION,
	DT_ORDER_HANDOFF,
	DT_OUTBOX,
	DT_PROMISE_CHANGE,
	DT_PROMISE_CHANGE_ITEM,
	DT_TIMELINE,
	DT_TRACKING_LINK,
	OUTCOME_DELIVERED,
)
from order_coordination.errors import OrderBusyError, left_to_the_sweep
from order_coordination.facts import per_delivered
from order_coordination.policies import forget_known_versions
from order_coordination.setup.backfill import backfill_order

# This app's own tests set it, so that an error of ours fails the test that caused it instead of being
# contained; ERPNext's suites, like production, run with errors contained.
STRICT = False
REPAIR_FIELD = "needs_repair"


@contextmanager
def contained(sales_order: str):
	"""Run the app's part of an ERPNext event so that its failure cannot fail the document."""
	savepoint = "oc_" + frappe.generate_hash(length=10)
	frappe.db.savepoint(savepoint)
	messages = len(frappe.local.message_log or [])
	try:
		yield
	except frappe.QueryDeadlockError:
		raise  # the database rolled the whole transaction back: there is nothing left to save
	except Exception as error:
		if STRICT:
			raise
		frappe.db.rollback(save_point=savepoint)
		forget_known_versions()
		if frappe.local.message_log:
			del frappe.local.message_log[messages:]  # the user's document went through: no error to show
		frappe.log_error(
			title=f"Order Coordination: order {sales_order} marked for repair",
			reference_doctype="Sales Order",
			reference_name=sales_order,
		)
		# Another change holds the order's row: flagging it would wait on the same lock.
		mark_for_repair(sales_order, flag=not isinstance(error, OrderBusyError))
	# On success the savepoint is left to the transaction's end: releasing it would cost a statement on
	# every submit for nothing.


def mark_for_repair(sales_order: str, flag: bool = True) -> None:
	"""Flag the record for the sweep, and ask for a repair right after commit. Neither may fail the
	document: an order without a record yet is found by the backfill instead, and a queue that is down
	leaves the repair to the sweep."""
	if flag:
		frappe.db.sql(
			f"update `tab{DT_ORDER_COORDINATION}` set `{REPAIR_FIELD}` = 1 where name = %s", sales_order
		)
	with left_to_the_sweep(f"Order Coordination: repair of {sales_order} left to the sweep"):
		frappe.enqueue(
			"order_coordination.repair.repair_order",
			queue="short",
			enqueue_after_commit=True,
			sales_order=sales_order,
			job_id=f"order_coordination_repair::{sales_order}",
			deduplicate=True,
		)


def start_order(doc, event: ev.Event) -> None:
	with contained(doc.name):
		coordination.start(doc, event)


def apply_events(sales_order: str, events: list[ev.Event]) -> None:
	with contained(sales_order):
		apply_or_backfill(sales_order, events)


def apply_or_backfill(sales_order: str, events: list[ev.Event]) -> None:
	"""Apply events to an order, uncontained; an order without a record gets its history first."""
	if coordination.apply_events(sales_order, events) is None:
		backfill_order(sales_order)  # its history first, from ERPNext's own documents
		coordination.apply_events(sales_order, events)


def confirm_delivered(sales_orders, doc, note=None) -> None:
	"""A Delivery Trip or Shipment reports its goods delivered."""
	for sales_order in sales_orders:
		if per_delivered(sales_order) <= 0:
			continue  # nothing shipped (yet, or any more): nothing to confirm
		apply_events(
			sales_order,
			[coordination.event_from(doc, ev.DELIVERY_CONFIRMED, outcome=OUTCOME_DELIVERED, note=note)],
		)


# Rows the app keeps for an order, removed with it when ERPNext deletes a draft or cancelled order.
ORDER_ROWS = {
	DT_TIMELINE: "sales_order",
	DT_ORDER_HANDOFF: "sales_order",
	DT_EXCEPTION: "sales_order",
	DT_OUTBOX: "sales_order",
	DT_TRACKING_LINK: "sales_order",
	DT_PROMISE_CHANGE: "sales_order",
	DT_ORDER_COORDINATION: "name",
}


def forget_order(sales_order: str) -> None:
	frappe.db.sql(
		f"""delete from `tab{DT_PROMISE_CHANGE_ITEM}` where parent in
		(select name from `tab{DT_PROMISE_CHANGE}` where sales_order = %s)""",
		sales_order,
	)
	for doctype, column in ORDER_ROWS.items():
		frappe.db.sql(f"delete from `tab{doctype}` where `{column}` = %s", sales_order)
