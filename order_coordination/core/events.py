"""Domain events: what an ERPNext fact means to the coordination layer.

The Frappe layer turns a document event (a Sales Order submitted, a Work Order's status written, a
Delivery Note cancelled...) into one `Event`. Events carry the facts after the change (for example the
order's produced percentage), so applying one twice is harmless.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from .constants import SO_AWAITING_PAYMENT, SO_CLOSED, SO_COMPLETED, SO_ON_HOLD, SO_OPEN

ORDER_SUBMITTED = "order_submitted"
ORDER_CANCELLED = "order_cancelled"
ORDER_HELD = "order_held"
ORDER_RESUMED = "order_resumed"
ORDER_AWAITING_PAYMENT = "order_awaiting_payment"
ORDER_PAID = "order_paid"
ORDER_CLOSED = "order_closed"
ORDER_REOPENED = "order_reopened"
ORDER_COMPLETED = "order_completed"
DELIVERY_DATE_CHANGED = "delivery_date_changed"
WORK_ORDER_SUBMITTED = "work_order_submitted"
WORK_ORDER_STARTED = "work_order_started"
WORK_ORDER_PROGRESSED = "work_order_progressed"
WORK_ORDER_STOPPED = "work_order_stopped"
WORK_ORDER_RESUMED = "work_order_resumed"
WORK_ORDER_COMPLETED = "work_order_completed"
WORK_ORDER_REVERSED = "work_order_reversed"  # produced quantity fell: a Stock Entry was cancelled
WORK_ORDER_CANCELLED = "work_order_cancelled"
DELIVERY_NOTE_SUBMITTED = "delivery_note_submitted"
DELIVERY_NOTE_CANCELLED = "delivery_note_cancelled"
DELIVERY_RETURNED = "delivery_returned"  # a return Delivery Note brought goods back
DELIVERY_CONFIRMED = "delivery_confirmed"
CARRIER_REPORTED = "carrier_reported"  # a carrier's event about a Shipment carrying the order's goods
FEASIBILITY_CHECKED = "feasibility_checked"  # the earliest feasible delivery, found after submit

EVENT_KINDS = (
	ORDER_SUBMITTED,
	ORDER_CANCELLED,
	ORDER_HELD,
	ORDER_RESUMED,
	ORDER_AWAITING_PAYMENT,
	ORDER_PAID,
	ORDER_CLOSED,
	ORDER_REOPENED,
	ORDER_COMPLETED,
	DELIVERY_DATE_CHANGED,
	WORK_ORDER_SUBMITTED,
	WORK_ORDER_STARTED,
	WORK_ORDER_PROGRESSED,
	WORK_ORDER_STOPPED,
	WORK_ORDER_RESUMED,
	WORK_ORDER_COMPLETED,
	WORK_ORDER_REVERSED,
	WORK_ORDER_CANCELLED,
	DELIVERY_NOTE_SUBMITTED,
	DELIVERY_NOTE_CANCELLED,
	DELIVERY_RETURNED,
	DELIVERY_CONFIRMED,
	CARRIER_REPORTED,
	FEASIBILITY_CHECKED,
)

# How the timeline names each event (English source strings; the desk shows them translated).
EVENT_LABELS = {
	ORDER_SUBMITTED: "Sales Order submitted",
	ORDER_CANCELLED: "Sales Order cancelled",
	ORDER_HELD: "Sales Order put on hold",
	ORDER_RESUMED: "Sales Order resumed",
	ORDER_AWAITING_PAYMENT: "Sales Order waiting for the customer's advance",
	ORDER_PAID: "Customer's advance received",
	ORDER_CLOSED: "Sales Order closed",
	ORDER_REOPENED: "Sales Order reopened",
	ORDER_COMPLETED: "Sales Order completed",
	DELIVERY_DATE_CHANGED: "Delivery date changed",
	WORK_ORDER_SUBMITTED: "Work Order submitted",
	WORK_ORDER_STARTED: "Work Order started",
	WORK_ORDER_PROGRESSED: "Work Order produced more",
	WORK_ORDER_STOPPED: "Work Order stopped",
	WORK_ORDER_RESUMED: "Work Order resumed",
	WORK_ORDER_COMPLETED: "Work Order completed",
	WORK_ORDER_REVERSED: "Work Order production cancelled",
	WORK_ORDER_CANCELLED: "Work Order cancelled",
	DELIVERY_NOTE_SUBMITTED: "Delivery Note submitted",
	DELIVERY_NOTE_CANCELLED: "Delivery Note cancelled",
	DELIVERY_RETURNED: "Delivery returned",
	DELIVERY_CONFIRMED: "Delivery confirmed",
	CARRIER_REPORTED: "Carrier reported",
	FEASIBILITY_CHECKED: "Earliest feasible delivery checked",
}

# Undoing a document is the only thing that may move an order back to an earlier stage.
REVERSALS = frozenset(
	{
		ORDER_CANCELLED,
		ORDER_REOPENED,
		WORK_ORDER_REVERSED,
		WORK_ORDER_CANCELLED,
		DELIVERY_NOTE_CANCELLED,
		DELIVERY_RETURNED,
	}
)

WORK_ORDER_EVENTS = frozenset(
	{
		WORK_ORDER_SUBMITTED,
		WORK_ORDER_STARTED,
		WORK_ORDER_PROGRESSED,
		WORK_ORDER_STOPPED,
		WORK_ORDER_RESUMED,
		WORK_ORDER_COMPLETED,
		WORK_ORDER_REVERSED,
		WORK_ORDER_CANCELLED,
	}
)


@dataclass(frozen=True)
class Event:
	kind: str
	at: datetime
	user: str | None = None
	ref_doctype: str | None = None
	ref_name: str | None = None
	# What the event carries, by kind.
	needs_manufacturing: bool | None = None  # order submitted
	delivery_date: date | None = None  # order submitted, delivery date changed
	work_order: str | None = None  # work order events
	planned_end: datetime | None = None  # work order events
	per_produced: float | None = None  # work order events: the order's produced % after the change
	per_delivered: float | None = None  # delivery note events: the order's delivered % after the change
	outcome: str | None = None  # delivery confirmed
	carrier_status: str | None = None  # carrier reported: one of CARRIER_STATUSES
	superseded: bool = False  # carrier reported: a newer event of the shipment is already known
	note: str | None = None
	feasible_date: date | None = None  # feasibility checked: the earliest date the company can keep

	@property
	def is_reversal(self) -> bool:
		return self.kind in REVERSALS

	@property
	def label(self) -> str:
		return EVENT_LABELS[self.kind]


# ERPNext's Sales Order status -> the state the coordination layer mirrors; any other status of a
# submitted order means it runs.
SO_STATES = {
	"On Hold": SO_ON_HOLD,
	"Closed": SO_CLOSED,
	"Completed": SO_COMPLETED,
	"To Pay": SO_AWAITING_PAYMENT,  # v16
}
ENTERING = {
	SO_ON_HOLD: ORDER_HELD,
	SO_CLOSED: ORDER_CLOSED,
	SO_COMPLETED: ORDER_COMPLETED,
	SO_AWAITING_PAYMENT: ORDER_AWAITING_PAYMENT,
}
LEAVING = {SO_ON_HOLD: ORDER_RESUMED, SO_AWAITING_PAYMENT: ORDER_PAID}


def order_state_of(erpnext_status: str | None) -> str:
	return SO_STATES.get(erpnext_status or "", SO_OPEN)


def order_state_event(current: str, target: str) -> str | None:
	"""The event that takes the mirrored Sales Order state from `current` to `target`, if any."""
	if current == target:
		return None
	if target != SO_OPEN:
		return ENTERING[target]
	return LEAVING.get(current, ORDER_REOPENED)
