"""The rows an order's decisions write, built from the core's effects: the handoffs it sends and
answers (an acceptance keeps the stretch it ends, so that Department Dwell Time sums stretches instead of
replaying handoffs), and the exceptions it raises and resolves. Every row carries its order's company
and customer, so that User Permissions apply to it as to the order.

`order` is an order loaded for change (`coordination.Order`): its record `doc`, its `policy`, and the
`writer` its rows go through."""

from __future__ import annotations

import json

import frappe
from frappe.utils import get_datetime

from order_coordination.core.constants import (
	DT_EXCEPTION,
	EXCEPTION_OPEN,
	EXCEPTION_RESOLVED,
	HANDOFF_CANCELLED,
	HANDOFF_PENDING,
)
from order_coordination.core.holding import Stretch, pass_on
from order_coordination.core.model import AnswerHandoff, RaiseException, ResolveException, SendHandoff
from order_coordination.core.sla import working_hours_between


def owner_columns(order) -> dict:
	"""What every row of an order carries, so that User Permissions apply to it as to the order."""
	return {
		"order_coordination": order.doc.name,
		"sales_order": order.doc.sales_order,
		"company": order.doc.company,
		"customer": order.doc.customer,
	}


def handoff_row(order, effect: SendHandoff) -> dict:
	h = effect.handoff
	return {
		**owner_columns(order),
		"from_department": h.from_department,
		"to_department": h.to_department,
		"stage": h.stage,
		"status": HANDOFF_PENDING,
		"sent_by": effect.user or frappe.session.user,
		"sent_on": h.sent_on,
		"due_by": h.due_by,
		"note": effect.note,
		"reference_doctype": effect.ref_doctype,
		"reference_name": effect.ref_name,
	}


def answer_values(order, effect: AnswerHandoff) -> dict:
	h = effect.handoff
	values = answered(effect, h.sent_on, h.due_by, order.policy.calendar, effect.status == HANDOFF_CANCELLED)
	if effect.reason:
		values["reason"] = effect.reason
	return values


def answered(effect, sent_on, due_by, calendar, withdrawn: bool) -> dict:
	"""What an answer writes on the row it answers (a handoff's or a proposed date's): who answered and
	when, and unless the sender withdrew it, whether in time and after how many working hours."""
	values = {
		"status": effect.status,
		"responded_on": effect.at,
		"responded_by": effect.user or frappe.session.user,
	}
	if not withdrawn:
		values["on_time"] = int(effect.at <= due_by)
		values["response_hours"] = round(working_hours_between(sent_on, effect.at, calendar), 3)
	return values


def pass_holding(order, receiver: str, at) -> dict:
	"""The receiver of an accepted handoff holds the order from `at`: the handoff's row keeps the stretch
	that ends (who held the order, since when, its working hours), so that Department Dwell Time sums
	stretches instead of replaying every order's handoffs. Written with the acceptance, no statement more."""
	doc = order.doc
	current = Stretch(
		doc.get("held_by"), _moment(doc.get("held_since")), _moment(doc.get("previously_held_until"))
	)
	held_until = {dept: _moment(t) for dept, t in json.loads(doc.get("held_until") or "{}").items()}
	running, held_until = pass_on(current, held_until, receiver, at)
	doc.update(
		{
			"held_by": running.department,
			"held_since": running.since,
			"previously_held_until": running.previously_held_until,
			"held_until": json.dumps({d: str(t) for d, t in held_until.items()}, sort_keys=True),
		}
	)
	hours = working_hours_between(current.since, at, order.policy.calendar) if current.since else 0
	return {
		"held_by": current.department,
		"held_since": current.since,
		"held_hours": round(hours, 3),
		"previously_held_until": current.previously_held_until,
	}


def hand_on(order, handoff) -> None:
	"""The sender of a handoff hands on the order it accepted: the acceptances it answered keep when, and
	the one that began its stretch the working hours it held the order (Handoff Lead Time reads them)."""
	since = _moment(order.doc.get("held_since"))
	hours = None  # not kept: the report works them out
	if since and order.doc.get("held_by") == handoff.from_department:
		hours = round(working_hours_between(since, handoff.sent_on, order.policy.calendar), 3)
	order.writer.handed_on(order.doc.name, handoff.from_department, handoff.sent_on, (since, hours))


def _moment(value):
	return get_datetime(value) if value else None


def exception_row(order, effect: RaiseException) -> dict:
	e = effect.exception
	return {
		**owner_columns(order),
		"exception_type": e.exception_type,
		"status": EXCEPTION_OPEN,
		"raised_by_department": effect.raised_by_department,
		"responsible_department": e.responsible_department,
		"description": effect.description,
		"raised_by": effect.user or frappe.session.user,
		"raised_on": effect.at,
		"reference_doctype": e.ref_doctype,
		"reference_name": e.ref_name,
	}


def resolve_exception_row(order, effect: ResolveException) -> None:
	e = effect.exception
	name = e.name or frappe.db.get_value(
		DT_EXCEPTION,
		{
			"order_coordination": order.doc.name,
			"status": EXCEPTION_OPEN,
			"exception_type": e.exception_type,
			"reference_doctype": e.ref_doctype,
			"reference_name": e.ref_name,
		},
	)
	if name:
		order.writer.update(
			DT_EXCEPTION,
			name,
			{
				"status": EXCEPTION_RESOLVED,
				"resolution": effect.resolution,
				"resolved_by": effect.user or frappe.session.user,
				"resolved_on": effect.at,
			},
		)
