"""Sales Order events: submission starts the coordination record; its status and date changes follow it.

ERPNext writes the Sales Order's status with `db_set` (hold, close, completion after delivery and billing),
which runs `on_change` but not `on_update`, so `on_change` is the one event that sees every change.
"""

import frappe
from frappe.utils import getdate, now_datetime

from order_coordination import coordination
from order_coordination.core import events as ev

# ERPNext's Sales Order status -> the event it means to the coordination layer.
STATUS_EVENTS = {
	"On Hold": (ev.ORDER_HELD,),
	"Closed": (ev.ORDER_CLOSED,),
	"Completed": (ev.ORDER_COMPLETED,),
}
# Any other status of a submitted order means it runs: resumed from hold, or reopened.
RUNNING_EVENTS = (ev.ORDER_RESUMED, ev.ORDER_REOPENED)


def needs_manufacturing(doc) -> bool:
	"""An order needs production when any of its items has a default BOM."""
	codes = list({row.item_code for row in doc.items if row.item_code})
	if not codes:
		return False
	return bool(frappe.db.exists("Item", {"name": ["in", codes], "default_bom": ["is", "set"]}))


def _event(doc, kind, **kw):
	return ev.Event(kind, now_datetime(), frappe.session.user, "Sales Order", doc.name, **kw)


def on_change(doc, method=None):
	if doc.docstatus == 0:
		return
	if doc.docstatus == 2:
		coordination.apply_event(doc.name, _event(doc, ev.ORDER_CANCELLED))
		return
	if not coordination.exists(doc.name):
		coordination.start(
			doc,
			_event(
				doc,
				ev.ORDER_SUBMITTED,
				needs_manufacturing=needs_manufacturing(doc),
				delivery_date=getdate(doc.delivery_date) if doc.delivery_date else None,
			),
		)
		return
	kinds = list(STATUS_EVENTS.get(doc.status, RUNNING_EVENTS))
	if doc.delivery_date:
		kinds.append(ev.DELIVERY_DATE_CHANGED)
	for kind in kinds:
		coordination.apply_event(doc.name, _event(doc, kind, delivery_date=getdate(doc.delivery_date)))
