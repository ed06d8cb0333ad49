"""The orchestration: load an order, let the core decide, write what it decided.

Every path (ERPNext document events through `dispatch`, whitelisted actions, the sweep, the backfill) goes
through `load` (which locks the order's row, so two users acting at once are serialised) and `save`.
Writes happen in the caller's transaction; notifications and realtime updates go out after commit.
"""

from __future__ import annotations

import json
from dataclasses import replace

import frappe
from frappe import _
from frappe.utils import now_datetime

from order_coordination import order_rows
from order_coordination.core import lifecycle
from order_coordination.core.constants import (
	DT_EXCEPTION,
	DT_ORDER_COORDINATION,
	DT_ORDER_HANDOFF,
	FIELD_RESPONSIBLE,
	FIELD_STAGE,
	FIELD_STATUS,
	HANDOFF_ACCEPTED,
	HANDOFF_CANCELLED,
)
from order_coordination.core.derive import honest_finish
from order_coordination.core.events import Event
from order_coordination.core.model import (
	AnswerHandoff,
	AnswerPromise,
	Decision,
	Notify,
	RaiseException,
	ResolveException,
	SendHandoff,
	SendPromise,
	TimelineEntry,
)
from order_coordination.core.policy import Policy
from order_coordination.core.serialize import facts_of, fields_of, state_from
from order_coordination.errors import OrderBusyError, translated_errors
from order_coordination.outbox import queue_notifications
from order_coordination.policies import built, policy_of_order, policy_snapshot, snapshot_name
from order_coordination.promising import answer_proposal, insert_proposal
from order_coordination.storage import Writer

WRITER = Writer()
RECORD_FIELDS = (
	"stage",
	"status",
	"responsible_department",
	"accountable_department",
	"stage_since",
	"delivery_date",
	"original_delivery_date",
	"needs_manufacturing",
	"per_produced",
	"per_delivered",
	"last_outcome",
	"facts",
	"expected_finish",
	"held_by",
	"held_since",
	"previously_held_until",
	"held_until",
	"next_status_check",
)
LOAD_FIELDS = ["name", "sales_order", "company", "customer", "policy_snapshot", *RECORD_FIELDS]
LOAD_COLUMNS = ", ".join(f"`{field}`" for field in LOAD_FIELDS)


class Order:
	"""An order loaded for change: its record, its state, the policy it started under, and what writes
	its decisions (now, or in a batch with other orders')."""

	def __init__(self, doc, state, policy: Policy, writer=None):
		self.doc = doc
		self.state = state
		self.policy = policy
		self.writer = writer or WRITER


def event_from(doc, kind: str, **facts) -> Event:
	"""The domain event an ERPNext document's change means, happening now, by the session's user."""
	return Event(kind, now_datetime(), frappe.session.user, doc.doctype, doc.name, **facts)


# --- loading ----------------------------------------------------------------------------------------


def exists(sales_order: str) -> bool:
	return bool(frappe.db.exists(DT_ORDER_COORDINATION, sales_order))


def load(sales_order: str, lock: bool = True) -> Order | None:
	"""Load an order in one read; with `lock`, its row stays locked until the transaction ends, and the
	read sees the latest commit rather than this transaction's snapshot."""
	try:
		if lock:
			# The app's lock order is ERPNext's: the Sales Order's row, then its record. A submit (a Delivery
			# Note updating the order) holds the Sales Order when it reaches here; a department action taking
			# the record first would meet it in a deadlock when it writes the order's fields (found by the busy
			# day's run: one Logistics user accepting while another ships). Held already in a submit: free.
			frappe.db.sql("select name from `tabSales Order` where name = %s for update", sales_order)
		# Plain SQL: this read is on the path of every ERPNext submit, and the query builder's work shows.
		rows = frappe.db.sql(
			f"""select {LOAD_COLUMNS} from `tab{DT_ORDER_COORDINATION}` where name = %s
			{"for update" if lock else ""}""",
			sales_order,
			as_dict=True,
		)
	except (frappe.QueryTimeoutError, frappe.QueryDeadlockError):
		# Nothing of this change is written yet: say so, and that trying again will do.
		frappe.throw(
			_("Order {0} is being changed by someone else right now. Please try again in a moment.").format(
				sales_order
			),
			OrderBusyError,
		)
	if not rows:
		return None
	row = rows[0]
	# The row itself stands in for the document: only these fields are read or written from here on.
	state = state_from(row.name, row, json.loads(row.facts or "{}"))
	return Order(row, state, policy_of_order(row))


# --- the entry points -------------------------------------------------------------------------------


def start(sales_order_doc, event: Event, writer=None) -> Order:
	"""Create the coordination record of a submitted Sales Order."""
	company = sales_order_doc.company
	snapshot = policy_snapshot(company)
	version = snapshot_name(snapshot, company)
	policy = built(version, snapshot, company)
	with translated_errors():
		decision = lifecycle.start_order(event, policy)
	doc = frappe._dict(  # the new record's row: what `save` inserts
		{
			"name": sales_order_doc.name,
			"sales_order": sales_order_doc.name,
			"company": sales_order_doc.company,
			"customer": sales_order_doc.customer,
			"ownership_model": snapshot["model"],
			"policy": snapshot["name"],
			"policy_snapshot": version,
			"held_since": event.at,
		}
	)
	order = Order(doc, decision.state, policy, writer)
	save(order, decision, new=True)
	return order


def apply_events(sales_order: str, events: list[Event]) -> list[Decision] | None:
	"""Apply ERPNext events to an order; None when it has no coordination record."""
	order = load(sales_order)
	if not order:
		return None
	decisions = []
	for event in events:
		decisions.append(decide(order, lifecycle.apply, event, order.policy))
	return decisions


def decide(order: Order, action, *args, **kwargs) -> Decision:
	"""Run a rule of the core (an event or a department action) on a loaded order and save its decision."""
	with translated_errors():
		decision = action(order.state, *args, **kwargs)
	save(order, decision)
	return decision


# --- writing ----------------------------------------------------------------------------------------


def save(order: Order, decision: Decision, new: bool = False) -> None:
	"""Write a decision: its effects, then the record's new state."""
	if not decision.changed:
		return
	state, writer = decision.state, order.writer
	before = {field: order.doc.get(field) for field in RECORD_FIELDS}
	notices, entries = [], []
	if new and not order.doc.get("held_by"):
		sent = [e.handoff for e in decision.effects if isinstance(e, SendHandoff)]
		order.doc.held_by = sent[0].from_department if sent else state.responsible
	for effect in decision.effects:
		if isinstance(effect, TimelineEntry):
			entries.append((order.doc, effect))
		elif isinstance(effect, SendHandoff):
			if not new:
				order_rows.hand_on(order, effect.handoff)
			name = writer.insert(DT_ORDER_HANDOFF, order_rows.handoff_row(order, effect))
			if state.pending is effect.handoff:
				state = replace(state, pending=replace(state.pending, name=name))
		elif isinstance(effect, AnswerHandoff):
			values = order_rows.answer_values(order, effect)
			if effect.status == HANDOFF_ACCEPTED:
				values.update(order_rows.pass_holding(order, effect.handoff.to_department, effect.at))
			elif effect.status == HANDOFF_CANCELLED:
				writer.handed_on(order.doc.name, effect.handoff.from_department, effect.handoff.sent_on, None)
			writer.update(DT_ORDER_HANDOFF, effect.handoff.name, values)
		elif isinstance(effect, RaiseException):
			name = writer.insert(DT_EXCEPTION, order_rows.exception_row(order, effect))
			state = replace(
				state,
				open_exceptions=tuple(
					replace(e, name=name) if e is effect.exception else e for e in state.open_exceptions
				),
			)
		elif isinstance(effect, ResolveException):
			order_rows.resolve_exception_row(order, effect)
		elif isinstance(effect, SendPromise):
			name = insert_proposal(order_rows.owner_columns(order), order.state.stage, effect)
			if state.pending_promise is effect.proposal:
				state = replace(state, pending_promise=replace(state.pending_promise, name=name))
		elif isinstance(effect, AnswerPromise):
			answer_proposal(effect, order.policy.calendar)
		elif isinstance(effect, Notify):
			notices.append(effect)
	values = fields_of(state)
	values["facts"] = json.dumps(facts_of(state), sort_keys=True)
	values["expected_finish"] = honest_finish(state, now_datetime(), order.policy)
	values["next_status_check"] = None  # the next sweep looks at the order again
	order.doc.update(values)
	# The loaded row is the stored one (locked since): only what changed is written.
	writer.record(order.doc, new, [f for f in RECORD_FIELDS if new or order.doc.get(f) != before[f]])
	writer.timeline(entries)
	shown = (state.stage, state.status, state.responsible)
	if new or shown != (order.state.stage, order.state.status, order.state.responsible):
		writer.mirror_on_sales_order(
			order.doc.sales_order,
			dict(zip((FIELD_STAGE, FIELD_STATUS, FIELD_RESPONSIBLE), shown, strict=True)),
		)
	order.state = state
	if not writer.silent:
		after_commit(order, notices)


# --- after commit -----------------------------------------------------------------------------------


def after_commit(order: Order, notices: list[Notify]) -> None:
	payload = {
		"sales_order": order.doc.sales_order,
		"stage": order.state.stage,
		"status": order.state.status,
		"responsible_department": order.state.responsible,
	}
	# Open panels of this order (they subscribe to its record's room), and open lists and boards.
	frappe.publish_realtime(
		"order_coordination_update",
		payload,
		doctype=DT_ORDER_COORDINATION,
		docname=order.doc.name,
		after_commit=True,
	)
	frappe.publish_realtime(
		"list_update",
		{"doctype": DT_ORDER_COORDINATION, "name": order.doc.name, "user": frappe.session.user},
		after_commit=True,
	)
	if notices:
		queue_notifications(
			[
				{
					"sales_order": order.doc.sales_order,
					"departments": list(n.departments),
					"users": [],
					"subject": n.subject,
					"args": list(n.args),
					"from_user": frappe.session.user,
				}
				for n in notices
			]
		)
