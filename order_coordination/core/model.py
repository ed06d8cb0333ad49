"""The values the core reasons about: an order's state, and the effects a decision asks the Frappe layer
to carry out (timeline entries, handoffs to send or answer, exceptions, notifications)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from .constants import COMPLETED, ORDER_RECEIVED, SALES, SO_CANCELLED, SO_OPEN, WO_SUBMITTED

# --- the order ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Handoff:
	from_department: str
	to_department: str
	stage: str
	sent_on: datetime
	due_by: datetime
	name: str | None = None  # given by the Frappe layer once written


@dataclass(frozen=True)
class PromiseProposal:
	"""A new delivery date one department asks another to agree to, for the whole order or some lines."""

	from_department: str
	to_department: str
	old_date: date | None
	new_date: date
	reason: str
	sent_on: datetime
	due_by: datetime
	items: tuple[str, ...] = ()  # Sales Order Item names; none means the whole order
	name: str | None = None


@dataclass(frozen=True)
class OpenException:
	exception_type: str
	responsible_department: str
	name: str | None = None
	ref_doctype: str | None = None
	ref_name: str | None = None


@dataclass(frozen=True)
class WorkOrderFact:
	state: str = WO_SUBMITTED
	planned_end: datetime | None = None
	started: bool = False  # material went to production; only undoing a Stock Entry clears it


@dataclass(frozen=True)
class OrderState:
	sales_order: str
	stage: str = ORDER_RECEIVED
	status: str = "Open"
	responsible: str = SALES
	accountable: str = SALES
	stage_since: datetime | None = None
	delivery_date: date | None = None  # the current promise: the date the order must next deliver by
	original_delivery_date: date | None = None  # the first promise, kept whatever moves it later
	# facts
	so_state: str = SO_OPEN
	needs_manufacturing: bool = False
	per_produced: float = 0.0
	per_delivered: float = 0.0
	confirmed_delivered: float = 0.0  # delivered % the customer confirmed as received
	last_outcome: str | None = None
	released_to_shipping: bool = False  # Logistics took over an order shipped from stock
	planning_accepted: bool = False  # Production took the order on: it is being planned
	work_orders: Mapping[str, WorkOrderFact] = field(default_factory=dict)
	pending: Handoff | None = None
	pending_promise: PromiseProposal | None = None
	open_exceptions: tuple[OpenException, ...] = ()
	# The earliest delivery the company could keep, as found right after submit (promising/feasible).
	feasible_date: date | None = None

	@property
	def is_active(self) -> bool:
		return self.so_state not in (SO_CANCELLED,) and self.stage != COMPLETED


# --- effects ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
	action: str
	at: datetime
	user: str | None = None
	department: str | None = None
	stage_from: str | None = None
	stage_to: str | None = None
	note: str | None = None
	ref_doctype: str | None = None
	ref_name: str | None = None


@dataclass(frozen=True)
class SendHandoff:
	handoff: Handoff
	user: str | None = None
	note: str | None = None
	ref_doctype: str | None = None
	ref_name: str | None = None


@dataclass(frozen=True)
class AnswerHandoff:
	"""Mark a pending handoff Accepted, Rejected or Cancelled."""

	handoff: Handoff
	status: str
	at: datetime
	user: str | None = None
	reason: str | None = None


@dataclass(frozen=True)
class SendPromise:
	proposal: PromiseProposal
	user: str | None = None
	note: str | None = None


@dataclass(frozen=True)
class AnswerPromise:
	"""Mark a pending promise change Accepted, Declined or Cancelled; an accepted one is written into
	ERPNext's documents by the Frappe layer."""

	proposal: PromiseProposal
	status: str
	at: datetime
	user: str | None = None
	reason: str | None = None


@dataclass(frozen=True)
class RaiseException:
	exception: OpenException
	raised_by_department: str
	description: str
	at: datetime
	user: str | None = None


@dataclass(frozen=True)
class ResolveException:
	exception: OpenException
	resolution: str
	at: datetime
	user: str | None = None


@dataclass(frozen=True)
class Notify:
	"""Tell departments (their members who may read the order) something; who is told is decided by
	`responsibility.audience` from the policy's matrix."""

	departments: tuple[str, ...]
	subject: str  # an English template with {0}-style slots, translated by the Frappe layer
	args: tuple = ()


@dataclass(frozen=True)
class Decision:
	state: OrderState
	effects: tuple = ()

	@property
	def changed(self) -> bool:
		return bool(self.effects)
