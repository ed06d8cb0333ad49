"""The customer's promise in ERPNext: the proposal rows, an accepted date written into the Sales Order and
its open Work Orders, the customer's notice, and the history a panel shows. (Proposals nobody answered in
time are escalated by the sweep, as handoffs are.)

The core (`core/promise.py`) decides who proposes to whom and what an answer does; this module carries it
out. An accepted date goes into ERPNext through the path ERPNext itself offers for a submitted order: the
delivery dates of its lines (and header) are fields allowed on submit, saved as a user would, so ERPNext's
own checks run and its version history records the change.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import date_diff, flt, getdate

from order_coordination.core.constants import (
	DT_PROMISE_CHANGE,
	DT_PROMISE_CHANGE_ITEM,
	PROMISE_CANCELLED,
	PROMISE_PENDING,
)
from order_coordination.core.model import AnswerPromise, SendPromise
from order_coordination.order_rows import answered
from order_coordination.storage import insert_row, new_name, update_row

OPEN_WORK_ORDER = ("not in", ("Completed", "Closed", "Cancelled"))
PROMISE_FIELDS = (
	"name",
	"proposed_by_department",
	"to_department",
	"old_date",
	"new_date",
	"status",
	"reason",
	"note",
	"proposed_by",
	"proposed_on",
	"responded_by",
	"responded_on",
	"response_reason",
	"due_by",
)


# --- the rows -----------------------------------------------------------------------------------------


def insert_proposal(owner_columns: dict, stage: str, effect: SendPromise) -> str:
	"""Write a proposal (with its lines) and return its name."""
	p = effect.proposal
	name = insert_row(
		DT_PROMISE_CHANGE,
		new_name(DT_PROMISE_CHANGE),
		{
			**owner_columns,
			"status": PROMISE_PENDING,
			"stage": stage,
			"old_date": p.old_date,
			"new_date": p.new_date,
			"days_moved": date_diff(p.new_date, p.old_date) if p.old_date else 0,
			"reason": p.reason,
			"proposed_by_department": p.from_department,
			"to_department": p.to_department,
			"proposed_by": effect.user or frappe.session.user,
			"proposed_on": p.sent_on,
			"due_by": p.due_by,
			"note": effect.note,
		},
	)
	for idx, line in enumerate(lines_of(owner_columns["sales_order"], p.items), 1):
		insert_row(
			DT_PROMISE_CHANGE_ITEM,
			frappe.generate_hash(length=10),
			{**line, "parent": name, "parenttype": DT_PROMISE_CHANGE, "parentfield": "items", "idx": idx},
		)
	return name


def answer_proposal(effect: AnswerPromise, calendar) -> None:
	p = effect.proposal
	values = answered(effect, p.sent_on, p.due_by, calendar, effect.status == PROMISE_CANCELLED)
	update_row(DT_PROMISE_CHANGE, p.name, {**values, "response_reason": effect.reason})


def lines_of(sales_order: str, items) -> list[dict]:
	"""The Sales Order lines a proposal moves, as its rows."""
	if not items:
		return []
	rows = frappe.get_all(
		"Sales Order Item",
		filters={"parent": sales_order, "parenttype": "Sales Order", "name": ("in", list(items))},
		fields=["name", "item_code", "qty", "delivery_date", "idx"],
		order_by="idx asc",
	)
	return [
		{"sales_order_item": r.name, "item_code": r.item_code, "qty": r.qty, "old_date": r.delivery_date}
		for r in rows
	]


def check_lines(sales_order: str, items) -> tuple[tuple[str, ...], object]:
	"""The lines asked for, each of this order and not delivered in full, and the earliest of their dates;
	a ValidationError naming the first that is not."""
	if not items:
		return (), None
	if isinstance(items, str):
		try:
			items = frappe.parse_json(items)
		except ValueError:
			items = None  # not JSON: said below, as any other wrong value
	if not isinstance(items, list) or not all(isinstance(i, str) and i for i in items):
		frappe.throw(_("Lines must be a list of Sales Order Item names"), frappe.ValidationError)
	rows = {
		r.name: r
		for r in frappe.get_all(
			"Sales Order Item",
			filters={"parent": sales_order, "parenttype": "Sales Order"},
			fields=["name", "qty", "delivered_qty", "delivery_date"],
		)
	}
	for name in items:
		row = rows.get(name)
		if not row:
			frappe.throw(
				_("{0} is not a line of Sales Order {1}").format(name, sales_order), frappe.ValidationError
			)
		if flt(row.delivered_qty) >= flt(row.qty):
			frappe.throw(_("Line {0} is already delivered in full").format(name), frappe.ValidationError)
	dates = [getdate(rows[n].delivery_date) for n in items if rows[n].delivery_date]
	return tuple(dict.fromkeys(items)), min(dates) if dates else None


# --- an accepted date, into ERPNext ---------------------------------------------------------------------


def with_new_date(sales_order: str, new_date, items=()):
	"""The Sales Order with its lines (all those not delivered in full when `items` is empty) moved to
	`new_date`, not yet saved: the promise it gives is decided on before ERPNext saves it."""
	so = frappe.get_doc("Sales Order", sales_order)
	wanted = set(items) or {row.name for row in so.items if flt(row.delivered_qty) < flt(row.qty)}
	for row in so.items:
		if row.name in wanted:
			row.delivery_date = new_date
	so.delivery_date = max(getdate(row.delivery_date) for row in so.items if row.delivery_date)
	return so


def save_new_date(so, new_date, items=()) -> None:
	"""Save the moved lines as a user would on the submitted order (ERPNext sets the header to the latest
	line and records the version); the open Work Orders made for them expect the new date too. The record
	already holds the promise this gives, so the order's own event finds nothing new."""
	so.flags.ignore_permissions = True  # the department's right to answer was checked; not its roles'
	so.save()
	for name in open_work_orders(so.name, items):
		wo = frappe.get_doc("Work Order", name)
		if wo.expected_delivery_date and getdate(wo.expected_delivery_date) == getdate(new_date):
			continue
		wo.expected_delivery_date = new_date
		wo.flags.ignore_permissions = True
		wo.save()


def open_work_orders(sales_order: str, items=()) -> list[str]:
	"""The open Work Orders made for the order (or its lines `items`): directly from it, or from a
	Production Plan line of its own. A plan line that combines several orders' items is left alone: its
	date is not this order's to move."""
	filters = {"sales_order": sales_order, "docstatus": 1, "status": OPEN_WORK_ORDER}
	if items:
		filters["sales_order_item"] = ("in", list(items))
	direct = frappe.get_all("Work Order", filters=filters, pluck="name")
	line_filter = "and ppi.sales_order_item in %(items)s" if items else ""
	planned = frappe.db.sql_list(
		f"""select wo.name from `tabWork Order` wo
		join `tabProduction Plan Item` ppi on ppi.name = wo.production_plan_item
		where ppi.sales_order = %(so)s and ifnull(wo.sales_order, '') = '' and wo.docstatus = 1
			and wo.status not in %(closed)s {line_filter}""",
		{"so": sales_order, "closed": OPEN_WORK_ORDER[1], "items": tuple(items) or ("",)},
	)
	return list(dict.fromkeys(direct + planned))


def notify_customer(sales_order: str, proposal, template: str | None) -> None:
	"""Tell the customer's contact of the new date from the Sales Order, as ERPNext's own emails are sent:
	a Communication on the order, queued for sending."""
	if not template:
		return
	so = frappe.get_doc("Sales Order", sales_order)
	recipient = so.get("contact_email") or frappe.db.get_value("Customer", so.customer, "email_id")
	if not recipient:
		return
	# The policy's notice, sent for the company whichever department accepted the date (the app checked
	# its right to do so): `make` would also ask the accepting user for email rights on the Sales Order,
	# which Stock and Manufacturing Users do not have. Both lines keep this inner function alike.
	from frappe.core.doctype.communication.email import _make as make
	from frappe.email.doctype.email_template.email_template import get_email_template

	context = {**so.as_dict(), "old_date": proposal.old_date, "new_date": proposal.new_date}
	email = get_email_template(template, context)
	savepoint = "oc_notice_" + frappe.generate_hash(length=8)
	frappe.db.savepoint(savepoint)
	try:
		make(
			doctype="Sales Order",
			name=so.name,
			subject=email["subject"],
			content=email["message"],
			recipients=recipient,
			communication_medium="Email",
			send_email=True,
		)
	except (frappe.OutgoingEmailError, frappe.ValidationError):
		# The new date stands; only the email could not go out (no outgoing account, a contact address
		# the mail server refuses). Say so, and leave the details to the admin's log.
		frappe.db.rollback(save_point=savepoint)
		frappe.clear_last_message()
		frappe.log_error(title=f"Order Coordination: customer not told of the new date of {so.name}")
		frappe.msgprint(
			_("The new date is saved, but the customer could not be emailed: see the Error Log"),
			indicator="orange",
			alert=True,
		)


# --- what a panel shows ------------------------------------------------------------------------------


def promise_changes(order_name: str) -> list[dict]:
	"""Every proposal of an order, newest first, in the API's words."""
	rows = frappe.get_all(
		DT_PROMISE_CHANGE,
		filters={"order_coordination": order_name},
		fields=list(PROMISE_FIELDS),
		order_by="proposed_on desc, creation desc",
	)
	lines = {}
	for line in frappe.get_all(
		DT_PROMISE_CHANGE_ITEM,
		filters={"parent": ("in", [r.name for r in rows] or [""]), "parenttype": DT_PROMISE_CHANGE},
		fields=["parent", "sales_order_item", "item_code", "old_date"],
		order_by="idx asc",
	):
		lines.setdefault(line.parent, []).append(line)
	for row in rows:
		row["reason_given"] = row.pop("response_reason")
		row["items"] = lines.get(row.name, [])
	return rows
