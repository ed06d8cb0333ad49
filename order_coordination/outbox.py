"""Notifications: kept in the Coordination Outbox in the transaction that decided them, sent after
commit (or by the sweep when the queue was down), never twice, and only to people who may read the order.
"""

from __future__ import annotations

import json

import frappe
from frappe import _
from frappe.utils import escape_html, now_datetime

from order_coordination.core.constants import DT_ORDER_COORDINATION, DT_OUTBOX, OUTBOX_PENDING, OUTBOX_SENT
from order_coordination.departments import department_users
from order_coordination.errors import left_to_the_sweep, readable
from order_coordination.storage import insert_row

BATCH = 500


def queue_notifications(items: list[dict]) -> None:
	"""Keep the notifications in the outbox, in this transaction, and send them after commit. If the queue
	is down then, the sweep sends them later; the outbox row makes sure nobody gets one twice.

	Each item: {"sales_order", "departments": [...], "users": [...], "subject": English template with
	{0}-style slots, "args": [...], "from_user": who acted (named as the sender, and not told of their own
	act)}."""
	items = [{**item, "args": [readable(a) for a in item.get("args") or ()]} for item in items]
	name = insert_row(
		DT_OUTBOX,
		frappe.generate_hash(length=10),
		{
			"sales_order": items[0].get("sales_order") if len(items) == 1 else None,
			"status": OUTBOX_PENDING,
			"payload": json.dumps(items),
		},
	)
	frappe.db.after_commit.add(lambda: enqueue_delivery(name))


def enqueue_delivery(name: str) -> None:
	# Runs after commit: a queue that is down must never undo or block the ERPNext document.
	with left_to_the_sweep("Order Coordination: notifications left in the outbox for the sweep"):
		frappe.enqueue("order_coordination.outbox.deliver_outbox", queue="short", names=[name])


def deliver_outbox(names: list[str] | None = None) -> int:
	"""Send pending notifications. Claiming, sending and marking happen in one transaction that holds only
	outbox rows (no order's lock): a second deliverer waits on the rows and then finds them sent; a crash
	leaves them pending."""
	condition = "and name in %(names)s" if names else ""
	rows = frappe.db.sql(
		f"""select name, payload from `tabCoordination Outbox`
		where status = %(pending)s {condition} order by creation limit {BATCH} for update""",
		{"pending": OUTBOX_PENDING, "names": tuple(names or ())},
		as_dict=True,
	)
	for row in rows:
		send_notifications(json.loads(row.payload or "[]"))
		frappe.db.sql(
			"""update `tabCoordination Outbox` set status = %s, sent_on = %s, attempts = attempts + 1
			where name = %s""",
			(OUTBOX_SENT, now_datetime(), row.name),
		)
	return len(rows)


def readers(sales_order: str, users: list[str]) -> list[str]:
	"""Those of `users` who may read the order's coordination record (roles and User Permissions on
	company and customer, as the desk would check them)."""
	if not frappe.db.exists(DT_ORDER_COORDINATION, sales_order):
		return []
	return [
		user
		for user in users
		if frappe.has_permission(DT_ORDER_COORDINATION, "read", doc=sales_order, user=user)
	]


def subject_of(item: dict) -> str:
	"""The translated subject; its arguments may be user text (a rejection reason), so they are escaped:
	the notification list shows subjects as HTML."""
	return _(item["subject"]).format(*[escape_html(_(str(a))) for a in item["args"]])


def send_notifications(items: list[dict]) -> None:
	from frappe.desk.doctype.notification_log.notification_log import make_notification_logs

	for item in items:
		users = list(
			dict.fromkeys((item.get("users") or []) + department_users(item.get("departments") or []))
		)
		actor = item.get("from_user") or "Administrator"
		users = readers(item["sales_order"], [user for user in users if user != actor])
		if not users:
			continue
		subject = subject_of(item)
		make_notification_logs(
			{
				"subject": subject,
				"type": "Alert",
				"document_type": DT_ORDER_COORDINATION,
				"document_name": item["sales_order"],
				"email_content": subject,
				"from_user": actor,
			},
			users,
		)
