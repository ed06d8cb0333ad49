"""Sales Order events: submission starts the coordination record; its status and date changes follow it.

ERPNext writes the Sales Order's status with `db_set` (hold, close, completion after delivery and billing),
which runs `on_change` but not `on_update`, so `on_change` is the one event that sees every change.
"""

import json

import frappe
from frappe.utils import getdate, now_datetime

from order_coordination import coordination
from order_coordination.core import constants as C
from order_coordination.core import events as ev

# ERPNext's Sales Order status -> the state the coordination layer mirrors; any other status of a
# submitted order means it runs.
SO_STATES = {"On Hold": C.SO_ON_HOLD, "Closed": C.SO_CLOSED, "Completed": C.SO_COMPLETED}
ENTERING = {C.SO_ON_HOLD: ev.ORDER_HELD, C.SO_CLOSED: ev.ORDER_CLOSED, C.SO_COMPLETED: ev.ORDER_COMPLETED}


def order_state_event(current: str, target: str) -> str | None:
	if current == target:
		return None
	if target != C.SO_OPEN:
		return ENTERING[target]
	return ev.ORDER_RESUMED if current == C.SO_ON_HOLD else ev.ORDER_REOPENED


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
	# ERPNext writes the status on every delivery and invoice: look before taking the lock.
	stored = frappe.db.get_value(C.DT_ORDER_COORDINATION, doc.name, ["facts", "delivery_date"], as_dict=True)
	if not stored:
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
	current = json.loads(stored.facts or "{}").get("so_state", C.SO_OPEN)
	events = []
	kind = order_state_event(current, SO_STATES.get(doc.status, C.SO_OPEN))
	if kind:
		events.append(_event(doc, kind))
	if doc.delivery_date and getdate(doc.delivery_date) != getdate(stored.delivery_date):
		events.append(_event(doc, ev.DELIVERY_DATE_CHANGED, delivery_date=getdate(doc.delivery_date)))
	if events:
		coordination.apply_events(doc.name, events)
