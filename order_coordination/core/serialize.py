"""Between an `OrderState` and what the Frappe layer stores: record fields plus a JSON of facts.

Pending handoffs and open exceptions are not in the facts: they live in their own tables, and the Frappe
layer passes them in when it loads an order.
"""

from __future__ import annotations

from datetime import date, datetime

from .lifecycle import Handoff, OpenException, OrderState, WorkOrderFact


def _dt(value):
	if value is None or isinstance(value, datetime):
		return value
	return datetime.fromisoformat(str(value))


def _d(value):
	if value is None or isinstance(value, date):
		return value.date() if isinstance(value, datetime) else value
	return date.fromisoformat(str(value)[:10])


def facts_of(state: OrderState) -> dict:
	return {
		"so_state": state.so_state,
		"confirmed_delivered": state.confirmed_delivered,
		"released_to_shipping": state.released_to_shipping,
		"work_orders": {
			name: {
				"state": wo.state,
				"planned_end": wo.planned_end.isoformat() if wo.planned_end else None,
				"started": wo.started,
			}
			for name, wo in sorted(state.work_orders.items())
		},
	}


def fields_of(state: OrderState) -> dict:
	"""The Order Coordination fields that mirror the state."""
	return {
		"stage": state.stage,
		"status": state.status,
		"responsible_department": state.responsible,
		"accountable_department": state.accountable,
		"stage_since": state.stage_since,
		"delivery_date": state.delivery_date,
		"needs_manufacturing": int(state.needs_manufacturing),
		"per_produced": state.per_produced,
		"per_delivered": state.per_delivered,
		"last_outcome": state.last_outcome,
	}


def state_from(
	sales_order: str,
	fields: dict,
	facts: dict | None,
	pending: Handoff | None = None,
	open_exceptions: tuple[OpenException, ...] = (),
) -> OrderState:
	facts = facts or {}
	return OrderState(
		sales_order=sales_order,
		stage=fields["stage"],
		status=fields.get("status") or "",
		responsible=fields["responsible_department"],
		accountable=fields.get("accountable_department") or fields["responsible_department"],
		stage_since=_dt(fields.get("stage_since")),
		delivery_date=_d(fields.get("delivery_date")),
		so_state=facts.get("so_state", "open"),
		needs_manufacturing=bool(fields.get("needs_manufacturing")),
		per_produced=float(fields.get("per_produced") or 0),
		per_delivered=float(fields.get("per_delivered") or 0),
		confirmed_delivered=float(facts.get("confirmed_delivered") or 0),
		last_outcome=fields.get("last_outcome") or None,
		released_to_shipping=bool(facts.get("released_to_shipping")),
		work_orders={
			name: WorkOrderFact(wo["state"], _dt(wo.get("planned_end")), bool(wo.get("started")))
			for name, wo in (facts.get("work_orders") or {}).items()
		},
		pending=pending,
		open_exceptions=tuple(open_exceptions),
	)
