"""Between an `OrderState` and what the Frappe layer stores: record fields plus a JSON of facts.

The facts repeat the pending handoff and the open exceptions (which have rows of their own) so that an
order loads in one read; every change to them goes through the same locked write, so the two agree.
"""

from __future__ import annotations

from datetime import date, datetime

from .model import Handoff, OpenException, OrderState, PromiseProposal, WorkOrderFact


def _dt(value):
	if value is None or isinstance(value, datetime):
		return value
	return datetime.fromisoformat(str(value))


def _d(value):
	if value is None or isinstance(value, date):
		return value.date() if isinstance(value, datetime) else value
	return date.fromisoformat(str(value)[:10])


def _iso(value):
	return value.isoformat() if value else None


def facts_of(state: OrderState) -> dict:
	pending = state.pending
	return {
		"pending": {
			"name": pending.name,
			"from_department": pending.from_department,
			"to_department": pending.to_department,
			"stage": pending.stage,
			"sent_on": _iso(pending.sent_on),
			"due_by": _iso(pending.due_by),
		}
		if pending
		else None,
		"pending_promise": _promise_facts(state.pending_promise),
		"open_exceptions": [
			{
				"name": e.name,
				"exception_type": e.exception_type,
				"responsible_department": e.responsible_department,
				"ref_doctype": e.ref_doctype,
				"ref_name": e.ref_name,
			}
			for e in state.open_exceptions
		],
		"so_state": state.so_state,
		"confirmed_delivered": state.confirmed_delivered,
		"released_to_shipping": state.released_to_shipping,
		"planning_accepted": state.planning_accepted,
		"feasible_date": _iso(state.feasible_date),
		"work_orders": {
			name: {
				"state": wo.state,
				"planned_end": _iso(wo.planned_end),
				"started": wo.started,
			}
			for name, wo in sorted(state.work_orders.items())
		},
	}


def _promise_facts(p: PromiseProposal | None) -> dict | None:
	if not p:
		return None
	return {
		"name": p.name,
		"from_department": p.from_department,
		"to_department": p.to_department,
		"old_date": _iso(p.old_date),
		"new_date": _iso(p.new_date),
		"reason": p.reason,
		"sent_on": _iso(p.sent_on),
		"due_by": _iso(p.due_by),
		"items": list(p.items),
	}


def _promise_from(p: dict | None) -> PromiseProposal | None:
	if not p:
		return None
	return PromiseProposal(
		from_department=p["from_department"],
		to_department=p["to_department"],
		old_date=_d(p.get("old_date")),
		new_date=_d(p["new_date"]),
		reason=p["reason"],
		sent_on=_dt(p["sent_on"]),
		due_by=_dt(p["due_by"]),
		items=tuple(p.get("items") or ()),
		name=p.get("name"),
	)


def fields_of(state: OrderState) -> dict:
	"""The Order Coordination fields that mirror the state."""
	return {
		"stage": state.stage,
		"status": state.status,
		"responsible_department": state.responsible,
		"accountable_department": state.accountable,
		"stage_since": state.stage_since,
		"delivery_date": state.delivery_date,
		"original_delivery_date": state.original_delivery_date,
		"needs_manufacturing": int(state.needs_manufacturing),
		"per_produced": state.per_produced,
		"per_delivered": state.per_delivered,
		"last_outcome": state.last_outcome,
	}


def state_from(sales_order: str, fields: dict, facts: dict | None) -> OrderState:
	facts = facts or {}
	pending = facts.get("pending")
	return OrderState(
		sales_order=sales_order,
		stage=fields["stage"],
		status=fields.get("status") or "",
		responsible=fields["responsible_department"],
		accountable=fields.get("accountable_department") or fields["responsible_department"],
		stage_since=_dt(fields.get("stage_since")),
		delivery_date=_d(fields.get("delivery_date")),
		original_delivery_date=_d(fields.get("original_delivery_date") or fields.get("delivery_date")),
		so_state=facts.get("so_state", "open"),
		needs_manufacturing=bool(fields.get("needs_manufacturing")),
		per_produced=float(fields.get("per_produced") or 0),
		per_delivered=float(fields.get("per_delivered") or 0),
		confirmed_delivered=float(facts.get("confirmed_delivered") or 0),
		last_outcome=fields.get("last_outcome") or None,
		released_to_shipping=bool(facts.get("released_to_shipping")),
		planning_accepted=bool(facts.get("planning_accepted")),
		feasible_date=_d(facts.get("feasible_date")),
		work_orders={
			name: WorkOrderFact(wo["state"], _dt(wo.get("planned_end")), bool(wo.get("started")))
			for name, wo in (facts.get("work_orders") or {}).items()
		},
		pending=Handoff(
			pending["from_department"],
			pending["to_department"],
			pending["stage"],
			_dt(pending["sent_on"]),
			_dt(pending["due_by"]),
			pending.get("name"),
		)
		if pending
		else None,
		pending_promise=_promise_from(facts.get("pending_promise")),
		open_exceptions=tuple(OpenException(**e) for e in facts.get("open_exceptions") or ()),
	)
