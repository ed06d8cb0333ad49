"""Data for the Order Flow walk (browser/flow.mjs) on a development site with test records: a Coordination
Manager (in English and in Chinese) and two weeks of orders whose stage moves, handoffs and promises make a
map worth reading. Only on a development site, only for a System Manager: it commits."""

from datetime import datetime, time, timedelta

import frappe
from frappe.utils import getdate, nowdate
from frappe.utils.password import update_password

from order_coordination import api
from order_coordination.core import constants as c
from order_coordination.core.model import TimelineEntry
from order_coordination.insight.moves import refresh
from order_coordination.storage import write_timeline
from order_coordination.tests.utils import (
	MADE,
	STOCKED,
	make_order,
	only_on_a_development_site,
	pending_handoff,
)

CUSTOMER = "OC Flow Customer"
MANAGERS = {"en": "oc.manager@example.com", "zh": "oc.manager.zh@example.com"}
MADE_PATH = (c.ORDER_RECEIVED, c.PRODUCTION_PLANNING, c.IN_PRODUCTION, c.READY_TO_SHIP, c.SHIPPED)
STOCK_PATH = (c.ORDER_RECEIVED, c.READY_TO_SHIP, c.SHIPPED, c.DELIVERED)
# Per order: its path, the working hours each move took, whether Production first rejected its handoff,
# whether its goods came back once.
ORDERS = [
	(MADE_PATH, (3, 10, 30, 6), False, False),
	(MADE_PATH, (5, 14, 42, 9), True, False),
	(MADE_PATH, (2, 8, 26, 4), False, False),
	(MADE_PATH[:4], (7, 20, 50), True, False),
	(STOCK_PATH, (2, 5, 12), False, False),
	(STOCK_PATH, (4, 6, 16), False, True),
	(STOCK_PATH, (1, 3, 10), False, False),
]


def _manager(email, language, password):
	if not frappe.db.exists("User", email):
		frappe.get_doc(
			{"doctype": "User", "email": email, "first_name": "Mira", "send_welcome_email": 0}
		).insert(ignore_permissions=True)
	user = frappe.get_doc("User", email)
	user.language = language
	user.set("roles", [])
	user.add_roles("Coordination Manager")
	user.save(ignore_permissions=True)
	update_password(email, password)


def _later(moment: datetime, hours: float) -> datetime:
	"""`hours` working hours (9 to 17, Monday to Friday) after `moment`."""
	while hours > 0:
		if moment.weekday() >= 5 or moment.time() >= time(17):
			moment = datetime.combine(moment.date() + timedelta(days=1), time(9))
			continue
		moment = max(moment, datetime.combine(moment.date(), time(9)))
		step = min(hours, (datetime.combine(moment.date(), time(17)) - moment).total_seconds() / 3600)
		moment += timedelta(hours=step)
		hours -= step
	return moment


@frappe.whitelist(methods=["POST"])
def prepare():
	only_on_a_development_site()
	password = frappe.generate_hash(length=24)
	for language, email in MANAGERS.items():
		_manager(email, language, password)
	if not frappe.db.exists("Customer", CUSTOMER):
		frappe.get_doc(
			{
				"doctype": "Customer",
				"customer_name": CUSTOMER,
				"customer_group": "All Customer Groups",
				"territory": "All Territories",
			}
		).insert(ignore_permissions=True)
	today = getdate(nowdate())
	start = datetime.combine(today - timedelta(days=14), time(9))
	entries, made = [], []
	for i, (path, hours, rejected, returned) in enumerate(ORDERS):
		so = make_order(
			item_code=MADE if path is MADE_PATH or path == MADE_PATH[:4] else STOCKED,
			qty=1 + i,
			customer=CUSTOMER,
		)
		made.append(so.name)
		handoff = pending_handoff(so.name).name
		if rejected:
			api.reject_handoff(handoff, "No capacity this week")
			handoff = api.hand_off(so.name, pending_to(path))
		api.accept_handoff(handoff)
		began = _later(start, 3 * i)
		frappe.db.set_value(
			c.DT_TIMELINE, {"sales_order": so.name, "action": c.TIMELINE_CREATED}, "at", began
		)
		frappe.db.set_value(
			c.DT_TIMELINE, {"sales_order": so.name, "action": ("!=", c.TIMELINE_CREATED)}, "at", began
		)
		# The stage moves are this history's own, below.
		frappe.db.delete(c.DT_TIMELINE, {"sales_order": so.name, "action": c.TIMELINE_STAGE})
		# One after the other: a rejected handoff is answered before the next is sent, as they happened.
		sent = began
		for n, row in enumerate(
			frappe.get_all(c.DT_ORDER_HANDOFF, {"sales_order": so.name}, order_by="creation")
		):
			wait = 6 if rejected and n == 0 else 2 + i
			answered = _later(sent, wait)
			frappe.db.set_value(
				c.DT_ORDER_HANDOFF,
				row.name,
				{"sent_on": sent, "responded_on": answered, "response_hours": wait},
			)
			sent = answered
		order = {"name": so.name, "sales_order": so.name, "company": so.company, "customer": so.customer}
		moment = began
		for stage_from, stage_to, took in zip(path, path[1:], hours, strict=False):
			moment = _later(moment, took)
			entries.append(
				(order, TimelineEntry(c.TIMELINE_STAGE, moment, stage_from=stage_from, stage_to=stage_to))
			)
		if returned:
			back = _later(moment, 3)
			entries.append(
				(order, TimelineEntry(c.TIMELINE_STAGE, back, stage_from=c.DELIVERED, stage_to=c.SHIPPED))
			)
		if i % 3 == 1:
			note = f"{today + timedelta(days=5)} → {today + timedelta(days=9)}"
			entries.append((order, TimelineEntry(c.TIMELINE_DATE_CHANGED, _later(began, 12), note=note)))
	write_timeline(entries)
	# Created entries retimed and stage moves removed above: each order's kept moves counted again.
	refresh(made)
	frappe.db.commit()
	return {
		"company": so.company,
		"customer": CUSTOMER,
		"password": password,
		"users": MANAGERS,
		"from_date": str(start.date()),
	}


def pending_to(path) -> str:
	return c.PRODUCTION if c.PRODUCTION_PLANNING in path else c.LOGISTICS
