"""An order's real history as the what-if replay takes it (`core.replay.History`), read set-wise for a batch
of orders: the facts of ERPNext's documents as the repair path rebuilds them (`setup.backfill.History`:
Work Orders, deliveries and returns, from the documents' own dates), the Sales Order's own changes and
the delivery dates and outcomes as the timeline recorded them, and what people did from the rows they left
(handoffs sent and answered, new dates proposed and answered, exceptions raised and resolved by hand)."""

import re
from collections import defaultdict
from datetime import date

import frappe
from frappe.utils import get_datetime, getdate

from order_coordination.core import constants
from order_coordination.core import events as ev
from order_coordination.core import replay as rp
from order_coordination.setup.backfill import History as Documents

# The timeline's words for the Sales Order's own changes -> the event that made them.
ORDER_EVENTS = {
	label: kind
	for kind, label in ev.EVENT_LABELS.items()
	if kind.startswith("order_") and kind != ev.ORDER_SUBMITTED
}
NEW_DATE = re.compile(r"→\s*(\d{4}-\d{2}-\d{2})")
WITHDRAWN_HANDOFF = "Withdrawn by the sender"
WITHDRAWN_PROMISE = "Withdrawn by the proposer"
ANSWERS = {
	constants.HANDOFF_ACCEPTED: rp.ACCEPT,
	constants.HANDOFF_REJECTED: rp.REJECT,
}
PROMISE_ANSWERS = {
	constants.PROMISE_ACCEPTED: rp.PROMISE_ACCEPT,
	constants.PROMISE_DECLINED: rp.PROMISE_DECLINE,
}


def histories(records: list) -> dict:
	"""name -> core History for order records (`name`, `started`, `original_delivery_date`,
	`needs_manufacturing`, `owner`)."""
	names = [r.name for r in records]
	if not names:
		return {}
	steps = defaultdict(list)
	documents = Documents(names)
	for so in documents.orders:
		steps[so.name].extend(documents.events(so))
	_timeline(names, steps)
	_handoffs(names, steps)
	_promises(names, steps)
	_exceptions(names, steps)
	result = {}
	for r in records:
		start = ev.Event(
			ev.ORDER_SUBMITTED,
			get_datetime(r.started),
			r.owner,
			"Sales Order",
			r.name,
			needs_manufacturing=bool(r.needs_manufacturing),
			delivery_date=getdate(r.original_delivery_date) if r.original_delivery_date else None,
		)
		result[r.name] = rp.History(start, tuple(steps[r.name]))
	return result


def _timeline(names, steps):
	for name, at, action, note, ref_doctype in frappe.db.sql(
		"""select order_coordination, at, action, note, reference_doctype from `tabOrder Timeline Entry`
		where order_coordination in %(names)s and action in %(actions)s""",
		{
			"names": tuple(names),
			"actions": (
				constants.TIMELINE_DOCUMENT,
				constants.TIMELINE_DATE_CHANGED,
				constants.TIMELINE_DELIVERY_CONFIRMED,
				constants.TIMELINE_HANDOFF_CANCELLED,
				constants.TIMELINE_PROMISE_WITHDRAWN,
			),
		},
	):
		at = get_datetime(at)
		if action == constants.TIMELINE_DOCUMENT:
			kind = ORDER_EVENTS.get(note or "")
			if kind and ref_doctype == "Sales Order":
				steps[name].append(ev.Event(kind, at, None, "Sales Order", name))
		elif action == constants.TIMELINE_DATE_CHANGED:
			match = NEW_DATE.search(note or "")
			if match:
				steps[name].append(_date_moved(name, at, date.fromisoformat(match.group(1))))
		elif action == constants.TIMELINE_DELIVERY_CONFIRMED:
			outcome = (note or "").split(":")[0].strip()
			if outcome in constants.DELIVERY_OUTCOMES:
				steps[name].append(
					ev.Event(ev.DELIVERY_CONFIRMED, at, None, "Sales Order", name, outcome=outcome)
				)
		elif action == constants.TIMELINE_HANDOFF_CANCELLED and (note or "").startswith(WITHDRAWN_HANDOFF):
			steps[name].append(rp.Act(rp.WITHDRAW, at))
		elif action == constants.TIMELINE_PROMISE_WITHDRAWN and WITHDRAWN_PROMISE in (note or ""):
			steps[name].append(rp.Act(rp.PROMISE_WITHDRAW, at))


def _date_moved(name, at, new_date) -> ev.Event:
	return ev.Event(ev.DELIVERY_DATE_CHANGED, at, None, "Sales Order", name, delivery_date=new_date)


def _handoffs(names, steps):
	for row in frappe.db.sql(
		"""select order_coordination as name, to_department, sent_on, sent_by, status, responded_on,
			responded_by, reason
		from `tabOrder Handoff` where order_coordination in %(names)s""",
		{"names": tuple(names)},
		as_dict=True,
	):
		steps[row.name].append(
			rp.Act(rp.SEND, get_datetime(row.sent_on), row.to_department, user=row.sent_by)
		)
		kind = ANSWERS.get(row.status)
		if kind and row.responded_on:
			steps[row.name].append(
				rp.Act(kind, get_datetime(row.responded_on), reason=row.reason, user=row.responded_by)
			)


def _promises(names, steps):
	for row in frappe.db.sql(
		"""select order_coordination as name, proposed_by_department, proposed_on, proposed_by, new_date,
			reason, status, responded_on, responded_by, response_reason
		from `tabOrder Promise Change` where order_coordination in %(names)s""",
		{"names": tuple(names)},
		as_dict=True,
	):
		new_date = getdate(row.new_date) if row.new_date else None
		steps[row.name].append(
			rp.Act(
				rp.PROPOSE,
				get_datetime(row.proposed_on),
				row.proposed_by_department,
				reason=row.reason,
				new_date=new_date,
				user=row.proposed_by,
			)
		)
		if not row.responded_on:
			continue
		at = get_datetime(row.responded_on)
		kind = PROMISE_ANSWERS.get(row.status)  # a withdrawal by its proposer is read from the timeline
		if kind:
			steps[row.name].append(rp.Act(kind, at, reason=row.response_reason, new_date=new_date))
		if row.status == constants.PROMISE_ACCEPTED and new_date:
			# The date moved in ERPNext's documents: a fact, whoever would have answered.
			steps[row.name].append(_date_moved(row.name, at, new_date))


def _exceptions(names, steps):
	"""Exceptions people raised (those of a document, the rules raise from its facts)."""
	for row in frappe.db.sql(
		"""select order_coordination as name, exception_type, raised_by_department, raised_on, raised_by,
			description, status, resolved_on, resolution
		from `tabOrder Exception` where order_coordination in %(names)s
			and ifnull(reference_doctype, '') = ''""",
		{"names": tuple(names)},
		as_dict=True,
	):
		steps[row.name].append(
			rp.Act(
				rp.RAISE,
				get_datetime(row.raised_on),
				row.raised_by_department,
				reason=(row.description or "-")[:140],
				exception_type=row.exception_type,
				user=row.raised_by,
			)
		)
		if row.resolved_on:
			steps[row.name].append(
				rp.Act(
					rp.RESOLVE, get_datetime(row.resolved_on), reason="-", exception_type=row.exception_type
				)
			)
