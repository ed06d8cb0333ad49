"""Whitelisted actions: check the arguments and the actor, then let coordination do the work.

Every action locks the order's coordination record before it decides, so two users answering the same
handoff at once are served one after the other: the first succeeds, the second is told the handoff is no
longer pending.
"""

import datetime

import frappe
from frappe import _
from frappe.utils import flt, formatdate, get_datetime, getdate, now_datetime, nowdate

from order_coordination import coordination
from order_coordination import promising as promises
from order_coordination.core import actions, constants, lifecycle, promise
from order_coordination.core import events as ev
from order_coordination.core.derive import finish_evidence, is_shipped, open_planned_ends, status_reason
from order_coordination.core.responsibility import duties, responsible_for
from order_coordination.core.sla import sla_state
from order_coordination.departments import all_departments, check_acts_for, user_departments
from order_coordination.doorstep.record import record_delivery_attempt  # noqa: F401 (public path)
from order_coordination.facts import promised_date
from order_coordination.insight.flowmap import flow_map  # noqa: F401 (public path)
from order_coordination.insight.ocel import export_ocel  # noqa: F401 (public path)
from order_coordination.insight.whatif import replay_policy  # noqa: F401 (public path)
from order_coordination.policies import policy_snapshot
from order_coordination.promising.feasible import earliest_delivery  # noqa: F401 (public path)
from order_coordination.reporting import clean_date
from order_coordination.storage import TIMELINE_FIELDS


def _text(value, label: str, required: bool = False) -> str | None:
	if value is None or value == "":
		if required:
			frappe.throw(_("{0} is required").format(_(label)), frappe.ValidationError)
		return None
	if not isinstance(value, str):
		frappe.throw(_("{0} must be text").format(_(label)), frappe.ValidationError)
	value = value.strip()
	if required and not value:
		frappe.throw(_("{0} is required").format(_(label)), frappe.ValidationError)
	if len(value) > constants.MAX_TEXT:
		frappe.throw(
			_("{0} is longer than {1} characters").format(_(label), constants.MAX_TEXT),
			frappe.ValidationError,
		)
	return value or None


def _order(sales_order) -> str:
	"""The name of an order the user may read that has a coordination record."""
	name = _text(sales_order, "Sales Order", required=True)
	# One answer for an order that does not exist and one the user may not see: no existence oracle.
	if not (
		coordination.exists(name) and frappe.has_permission(constants.DT_ORDER_COORDINATION, "read", name)
	):
		frappe.throw(
			_("Sales Order {0} has no coordination record that you may see").format(name),
			frappe.PermissionError,
		)
	return name


def _record(doctype: str, name, label: str) -> frappe._dict:
	name = _text(name, label, required=True)
	row = frappe.db.get_value(doctype, name, "*", as_dict=True)
	if not (row and coordination.exists(row.sales_order)) or not frappe.has_permission(
		constants.DT_ORDER_COORDINATION, "read", row.sales_order
	):
		frappe.throw(
			_("{0} {1} not found or not yours to see").format(_(label), name), frappe.PermissionError
		)
	return row


def _department(name, label: str = "Department") -> str:
	name = _text(name, label, required=True)
	if not frappe.db.exists(constants.DT_DEPARTMENT, name):
		frappe.throw(_("{0} is not a coordination department").format(name), frappe.ValidationError)
	return name


@frappe.whitelist()
def get_order_status(sales_order):
	name = _order(sales_order)
	doc = frappe.get_doc(constants.DT_ORDER_COORDINATION, name)
	handoffs = frappe.get_all(
		constants.DT_ORDER_HANDOFF,
		filters={"order_coordination": name},
		fields=[
			"name",
			"from_department",
			"to_department",
			"stage",
			"status",
			"due_by",
			"sent_by",
			"sent_on",
			"responded_by",
			"responded_on",
			"reason",
			"note",
			"on_time",
		],
		order_by="creation desc",
	)
	timeline = frappe.get_all(
		constants.DT_TIMELINE,
		filters={"order_coordination": name},
		fields=list(TIMELINE_FIELDS),
		order_by="at desc, creation desc, idx desc",
	)
	exceptions = frappe.get_all(
		constants.DT_EXCEPTION,
		filters={"order_coordination": name, "status": constants.EXCEPTION_OPEN},
		fields=[
			"name",
			"exception_type",
			"raised_by_department",
			"responsible_department",
			"description",
			"raised_on",
			"proposed_delivery_date",
		],
		order_by="creation asc",
	)
	order = coordination.load(name, lock=False)
	feasible = promises.feasible_of(order) or {}
	now = now_datetime()
	entered = {t.stage_to for t in timeline if t.stage_to}
	for h in handoffs:
		if h.status == constants.HANDOFF_PENDING:
			h["sla"] = sla_state(get_datetime(h.due_by), now, order.policy.calendar)
	return {
		"actions": allowed_actions(order, exceptions),
		"original_delivery_date": doc.original_delivery_date or doc.delivery_date,
		"promise_changes": promises.promise_changes(name),
		"duties": duties(order.policy.matrix, doc.stage),
		"stages": constants.STAGES,
		"exception_types": constants.EXCEPTION_TYPES,
		"outcomes": constants.DELIVERY_OUTCOMES,
		"sales_order": name,
		"stage": doc.stage,
		"status": doc.status,
		"responsible_department": doc.responsible_department,
		"accountable_department": doc.accountable_department,
		"ownership_model": doc.ownership_model,
		"delivery_date": doc.delivery_date,
		"expected_finish": doc.expected_finish,
		"feasible_date": feasible.get("date"),
		"feasible_reason": feasible.get("reason"),
		"finish_evidence": finish_evidence_of(order),
		"stage_since": doc.stage_since,
		"stages_done": stages_done(doc.stage, entered),
		"needs_manufacturing": doc.needs_manufacturing,
		"status_reason": reason_text(order, now),
		"per_produced": doc.per_produced,
		"per_delivered": doc.per_delivered,
		"handoffs": handoffs,
		"timeline": timeline,
		"exceptions": exceptions,
		"my_departments": user_departments(),
	}


def finish_evidence_of(order: coordination.Order) -> dict:
	"""What the expected delivery shown rests on, so the panel can say it (or say it is not known yet)."""
	evidence = finish_evidence(order.state, order.policy)
	planned = open_planned_ends(order.state)
	return {
		"plans": evidence.plans,
		"history": evidence.history,
		"unknown": list(evidence.unknown),
		"production_planned_end": max(planned) if evidence.plans else None,
	}


def stages_done(stage: str, entered: set) -> list[str]:
	"""The stages before the current one that the order actually went through (entered, as its timeline
	says); the others it skipped."""
	return [s for s in constants.STAGES[: constants.STAGES.index(stage)] if s in entered]


def reason_text(order: coordination.Order, now) -> str | None:
	"""Why the order is At Risk or Overdue, in the user's language."""
	reason = status_reason(order.state, now, order.policy)
	if not reason:
		return None
	template, args = reason
	return _(template).format(*[formatdate(a) if isinstance(a, datetime.date) else a for a in args])


def allowed_actions(order: coordination.Order, exceptions: list) -> list[dict]:
	"""What this user may do on the order right now: the buttons the desk shows, and no others."""
	state, mine = order.state, set(user_departments())
	offered = []
	if not mine:
		return offered
	pending = state.pending
	if pending and pending.to_department in mine:
		offered += [
			{"action": "accept", "handoff": pending.name},
			{"action": "reject", "handoff": pending.name},
		]
	if pending and pending.from_department in mine:
		offered.append({"action": "cancel_handoff", "handoff": pending.name})
	if state.is_active and not pending and {state.responsible, state.accountable} & mine:
		targets = [d for d in all_departments() if d != state.responsible]
		offered.append({"action": "hand_off", "departments": targets})
	if state.is_active:
		offered.append({"action": "raise_exception"})
	for e in exceptions:
		if {e.responsible_department, e.raised_by_department} & mine:
			offered.append({"action": "resolve_exception", "exception": e.name})
	if (
		state.per_delivered > 0
		and state.is_active
		and responsible_for(order.policy.matrix, constants.SHIPPED) in mine
	):
		offered.append({"action": "confirm_delivery"})
	offered += promise_actions(order, mine)
	return offered


def promise_actions(order: coordination.Order, mine: set) -> list[dict]:
	state, policy, offered = order.state, order.policy, []
	proposal = state.pending_promise
	if proposal and proposal.to_department in mine:
		offered += [
			{"action": "accept_date", "proposal": proposal.name},
			{"action": "decline_date", "proposal": proposal.name},
		]
	if state.is_active and not is_shipped(state) and any(promise.may_propose(d, policy) for d in mine):
		lines = frappe.get_all(
			"Sales Order Item",
			filters={"parent": state.sales_order, "parenttype": "Sales Order"},
			fields=["name", "item_code", "item_name", "qty", "delivered_qty", "delivery_date"],
			order_by="idx asc",
		)
		offered.append(
			{
				"action": "propose_date",
				"lines": [line for line in lines if flt(line.delivered_qty) < flt(line.qty)],
				"customer_request": policy.promise_owner in mine,
				# The reason the dialog starts with: the promise's owner usually asks for the customer.
				"reason": constants.CUSTOMER_REQUEST if policy.promise_owner in mine else constants.CAPACITY,
			}
		)
	return offered


@frappe.whitelist()
def orders_for_document(doctype, name):
	"""The coordinated Sales Orders a Work Order or Delivery Note serves, for their forms' panels."""
	from order_coordination.facts import orders_of_delivery_note, orders_of_work_order

	doctype, name = _text(doctype, "Document Type", True), _text(name, "Document", True)
	if doctype not in ("Work Order", "Delivery Note"):
		frappe.throw(_("{0} has no coordination panel").format(doctype), frappe.ValidationError)
	if not frappe.has_permission(doctype, "read", name):
		frappe.throw(_("You may not see {0} {1}").format(_(doctype), name), frappe.PermissionError)
	doc = frappe.get_doc(doctype, name)
	orders = orders_of_work_order(doc) if doctype == "Work Order" else orders_of_delivery_note(doc)
	return [so for so in orders if coordination.exists(so)]


@frappe.whitelist(methods=["POST"])
def hand_off(sales_order, to_department, note=None):
	name = _order(sales_order)
	to_department = _department(to_department, "To Department")
	note = _text(note, "Note")
	order = coordination.load(name)
	check_acts_for(order.state.responsible, order.state.accountable)
	coordination.decide(
		order, actions.hand_off, to_department, order.policy, now_datetime(), frappe.session.user, note
	)
	return order.state.pending.name


def _answer(handoff, side: str, action, *args) -> str:
	"""Accept, reject or withdraw a handoff: the department on `side` of it must be the user's."""
	row = _record(constants.DT_ORDER_HANDOFF, handoff, "Order Handoff")
	check_acts_for(row[side])
	order = coordination.load(row.order_coordination)
	coordination.decide(order, action, row.name, *args, order.policy, now_datetime(), frappe.session.user)
	return row.name


@frappe.whitelist(methods=["POST"])
def accept_handoff(handoff):
	return _answer(handoff, "to_department", actions.accept_handoff)


@frappe.whitelist(methods=["POST"])
def reject_handoff(handoff, reason):
	return _answer(handoff, "to_department", actions.reject_handoff, _text(reason, "Reason", required=True))


@frappe.whitelist(methods=["POST"])
def cancel_handoff(handoff):
	return _answer(handoff, "from_department", actions.cancel_handoff)


@frappe.whitelist(methods=["POST"])
def raise_exception(sales_order, exception_type, description, responsible_department=None):
	name = _order(sales_order)
	exception_type = _text(exception_type, "Exception Type", required=True)
	if exception_type not in constants.EXCEPTION_TYPES:
		frappe.throw(_("{0} is not an exception type").format(exception_type), frappe.ValidationError)
	description = _text(description, "Description", required=True)
	if responsible_department is not None and responsible_department != "":
		responsible_department = _department(responsible_department, "Responsible Department")
	else:
		responsible_department = None
	order = coordination.load(name)
	mine = user_departments()
	if not mine:
		check_acts_for(order.state.responsible)  # raises: the user acts for no department
	raised_by = order.state.responsible if order.state.responsible in mine else mine[0]
	coordination.decide(
		order,
		actions.raise_exception,
		exception_type,
		description,
		raised_by,
		order.policy,
		now_datetime(),
		frappe.session.user,
		responsible_department,
	)
	return order.state.open_exceptions[-1].name


@frappe.whitelist(methods=["POST"])
def resolve_exception(exception, resolution):
	row = _record(constants.DT_EXCEPTION, exception, "Order Exception")
	resolution = _text(resolution, "Resolution", required=True)
	check_acts_for(row.responsible_department, row.raised_by_department)
	order = coordination.load(row.order_coordination)
	coordination.decide(
		order,
		actions.resolve_exception,
		row.name,
		resolution,
		order.policy,
		now_datetime(),
		frappe.session.user,
	)
	return row.name


@frappe.whitelist(methods=["POST"])
def confirm_delivery(sales_order, outcome, note=None):
	name = _order(sales_order)
	outcome = _text(outcome, "Outcome", required=True)
	if outcome not in constants.DELIVERY_OUTCOMES:
		frappe.throw(_("{0} is not a delivery outcome").format(outcome), frappe.ValidationError)
	note = _text(note, "Note")
	order = coordination.load(name)
	check_acts_for(responsible_for(order.policy.matrix, constants.SHIPPED))
	if not order.state.is_active:
		frappe.throw(_("Order {0} is no longer active").format(name), frappe.ValidationError)
	event = ev.Event(
		ev.DELIVERY_CONFIRMED,
		now_datetime(),
		frappe.session.user,
		"Sales Order",
		name,
		outcome=outcome,
		note=note,
	)
	coordination.decide(order, lifecycle.apply, event, order.policy)
	return order.state.stage


def _proposer(order: coordination.Order, reason: str) -> str:
	"""The department the user proposes for: the promise's owner for a customer's request, else the
	department holding the order, else another that may propose."""
	policy, state = order.policy, order.state
	mine = [d for d in user_departments() if promise.may_propose(d, policy)]
	if not mine:
		check_acts_for(*policy.promise_proposers, policy.promise_owner)  # raises: none of them is the user's
	if reason == constants.CUSTOMER_REQUEST and policy.promise_owner in mine:
		return policy.promise_owner
	workers = [d for d in mine if d != policy.promise_owner]
	if state.responsible in workers:
		return state.responsible
	return workers[0] if workers else mine[0]


@frappe.whitelist(methods=["POST"])
def propose_delivery_date(sales_order, new_date, reason, note=None, items=None):
	"""Propose to deliver the order (or the lines `items`, Sales Order Item names) on `new_date`; returns
	the proposal's name. The other side (the promise's owner, or for its own proposal the department working
	on the order) accepts or declines it."""
	name = _order(sales_order)
	new_date = clean_date(new_date, "New Delivery Date")
	reason = _text(reason, "Reason", required=True)
	if reason not in constants.PROMISE_REASONS:
		frappe.throw(
			_("{0} must be one of: {1}").format(
				_("Reason"), ", ".join(_(r) for r in constants.PROMISE_REASONS)
			),
			frappe.ValidationError,
		)
	note = _text(note, "Note")
	items, old_date = promises.check_lines(name, items)
	order = coordination.load(name)
	coordination.decide(
		order,
		promise.propose,
		_proposer(order, reason),
		new_date,
		reason,
		order.policy,
		now_datetime(),
		getdate(nowdate()),
		frappe.session.user,
		note,
		items,
		old_date,
	)
	return order.state.pending_promise.name


def _pending_proposal(proposal) -> tuple[frappe._dict, coordination.Order]:
	"""The proposal, checked to be the user's department's to answer, and its order, locked."""
	row = _record(constants.DT_PROMISE_CHANGE, proposal, "Order Promise Change")
	check_acts_for(row.to_department)
	order = coordination.load(row.order_coordination)
	pending = order.state.pending_promise
	if not pending or pending.name != row.name:
		frappe.throw(_("Promise change {0} is no longer pending").format(row.name), frappe.ValidationError)
	return row, order


@frappe.whitelist(methods=["POST"])
def accept_delivery_date(proposal):
	"""Accept a proposed date: the Sales Order's lines (and header) and its open Work Orders take it in the
	same transaction, the first promise stays on the record, and the status follows the new promise."""
	row, order = _pending_proposal(proposal)
	pending = order.state.pending_promise
	so = promises.with_new_date(order.doc.sales_order, pending.new_date, pending.items)
	coordination.decide(
		order,
		promise.accept,
		row.name,
		order.policy,
		now_datetime(),
		frappe.session.user,
		promised_date(so.name, so.items),
	)
	promises.save_new_date(so, pending.new_date, pending.items)
	template = policy_snapshot(order.doc.company).get("customer_notice_template")
	promises.notify_customer(order.doc.sales_order, pending, template)
	return row.name


@frappe.whitelist(methods=["POST"])
def decline_delivery_date(proposal, reason):
	reason = _text(reason, "Reason", required=True)
	row, order = _pending_proposal(proposal)
	coordination.decide(
		order, promise.decline, row.name, reason, order.policy, now_datetime(), frappe.session.user
	)
	return row.name


@frappe.whitelist()
def backfill_status():
	"""How many open orders still lack a record (the backfill's progress), for coordination administrators;
	nothing for anyone else."""
	from order_coordination.departments import is_coordination_admin
	from order_coordination.setup.backfill import count_pending

	if not is_coordination_admin():
		return None
	return {"pending": count_pending()}
