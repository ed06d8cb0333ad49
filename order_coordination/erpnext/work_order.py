"""Work Order events, for the Sales Orders a Work Order serves.

A Work Order serves an order directly (`sales_order`) or through a Production Plan; a plan that combines
items of several orders gives its Work Orders no `sales_order` and records the orders in
`prod_plan_references`. ERPNext writes status and produced quantity with `db_set`, which runs `on_change`
and not `on_update`; submission and cancellation run `on_change` too, so it is the one hook needed.
"""

from frappe.utils import flt, get_datetime

from order_coordination import coordination, dispatch
from order_coordination.compat import WORK_ORDER_RESERVED_STATUSES
from order_coordination.core import events as ev
from order_coordination.core.derive import work_order_end
from order_coordination.facts import orders_of_work_order, per_produced

STATUS_EVENTS = {
	"Not Started": ev.WORK_ORDER_SUBMITTED,
	# v16: a submitted Work Order that reserved its materials has not started either.
	**dict.fromkeys(WORK_ORDER_RESERVED_STATUSES, ev.WORK_ORDER_SUBMITTED),
	"In Process": ev.WORK_ORDER_STARTED,
	"Stopped": ev.WORK_ORDER_STOPPED,
	"Completed": ev.WORK_ORDER_COMPLETED,
	"Closed": ev.WORK_ORDER_COMPLETED,
}


WATCHED = ("docstatus", "status", "produced_qty", "planned_start_date", "planned_end_date")


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
	for sales_order in orders_of_work_order(doc):
		event = coordination.event_from(
			doc,
			kind,
			work_order=doc.name,
			planned_end=planned_end_of(doc),
			per_produced=per_produced(sales_order) if recount else None,
		)
		dispatch.apply_events(sales_order, [event])


def planned_end_of(doc):
	"""When the Work Order's plan says it ends: its planned end, its open operations' planned ends, never
	before its planned start (one without operations often has no planned end at all)."""
	return work_order_end(
		get_datetime(doc.planned_start_date) if doc.planned_start_date else None,
		get_datetime(doc.planned_end_date) if doc.planned_end_date else None,
		[
			get_datetime(op.planned_end_time)
			for op in doc.get("operations") or []
			if op.planned_end_time and op.status != "Completed"
		],
	)
