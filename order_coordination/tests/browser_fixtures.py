"""Data for the browser walk (browser/walk.mjs) on a development site with test records.

Only on a site that allows tests and runs in developer mode, only for a System Manager: it commits users
and documents. The walk's users get a new random password on every preparation, returned to the caller
only: nothing here is a password anyone could know in advance."""

import frappe
from frappe.utils import add_days, nowdate
from frappe.utils.password import update_password

from order_coordination.tests.utils import (
	MADE,
	RAW,
	STOCKED,
	WAREHOUSE,
	add_stock,
	deliver,
	make_order,
	make_work_orders_for,
	only_on_a_development_site,
	produce,
)

USERS = {
	"sales": ("oc.sales@example.com", "Sofia", ["Sales User"], "en"),
	"production": ("oc.planner@example.com", "Wei", ["Manufacturing User"], "zh"),
	"logistics": ("oc.clerk@example.com", "Lars", ["Stock User", "Delivery User"], "en"),
}


def _user(email, first_name, roles, language, password):
	if not frappe.db.exists("User", email):
		frappe.get_doc(
			{"doctype": "User", "email": email, "first_name": first_name, "send_welcome_email": 0}
		).insert(ignore_permissions=True)
	user = frappe.get_doc("User", email)
	user.language = language
	user.set("roles", [])
	user.add_roles(*roles)
	user.save(ignore_permissions=True)
	update_password(email, password)


@frappe.whitelist(methods=["POST"])
def prepare():
	only_on_a_development_site()
	password = frappe.generate_hash(length=24)
	for email, first_name, roles, language in USERS.values():
		_user(email, first_name, roles, language, password)
	add_stock(RAW, 50)
	so = make_order(item_code=MADE, qty=5, delivery_date=add_days(nowdate(), 21), do_not_submit=True)
	# A little history, so that reports and the workspace show more than one order.
	for qty in (2, 3):
		older = make_order(item_code=MADE, qty=qty, delivery_date=add_days(nowdate(), 10 + qty))
		(wo,) = make_work_orders_for(older)
		produce(wo, qty)
		_moved_promise(older.name, qty)
	_delivered_history()
	at_risk = _late_plan()
	frappe.db.commit()
	return {
		"sales_order": so.name,
		"at_risk": at_risk,
		"company": so.company,
		"password": password,
		"users": {k: v[0] for k, v in USERS.items()},
	}


def _late_plan():
	"""An order whose Work Order is planned to end after its promised date: At Risk, and the panel says why."""
	so = make_order(item_code=MADE, qty=1, delivery_date=add_days(nowdate(), 4))
	(wo,) = make_work_orders_for(so, submit=False)
	wo.planned_end_date = add_days(nowdate(), 9)
	wo.save()
	wo.submit()
	return so.name


def _moved_promise(sales_order, days):
	"""Production asked to move one order's date (Sales agreed) and another's (Sales declined)."""
	from order_coordination import api

	name = api.propose_delivery_date(sales_order, add_days(nowdate(), 14 + days), "Capacity")
	if days % 2:
		api.decline_delivery_date(name, "The customer's line stops without it")
	else:
		api.accept_delivery_date(name)


@frappe.whitelist(methods=["POST"])
def policy_of(company):
	"""The company's Coordination Policy, made with the Sales-led preset if it has none (then `made`: the
	walk removes it again at its end, so that the site's tests find the company without one)."""
	only_on_a_development_site()
	made = not frappe.db.exists("Coordination Policy", company)
	if made:
		frappe.get_doc(
			{"doctype": "Coordination Policy", "company": company, "ownership_model": "Sales-led"}
		).insert()
		frappe.db.commit()
	return {"name": company, "made": made}


@frappe.whitelist(methods=["POST"])
def remove_policy(company):
	"""Remove the policy `policy_of` made for the walk."""
	only_on_a_development_site()
	frappe.delete_doc("Coordination Policy", company, force=True)
	frappe.db.commit()


def _delivered_history():
	"""Orders due in the last two months, shipped on time, late or in part: for On-Time In-Full."""
	start = add_days(nowdate(), -60)
	frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Material Receipt",
			"company": "_Test Company",
			"set_posting_time": 1,
			"posting_date": add_days(start, -1),
			"items": [{"item_code": STOCKED, "qty": 100, "t_warehouse": WAREHOUSE, "basic_rate": 10}],
		}
	).submit()
	for i, (customer, shipped_after_due, part) in enumerate(
		[
			("_Test Customer", -1, None),
			("_Test Customer", 2, None),
			("_Test Customer 1", 0, None),
			("_Test Customer 1", -2, 1),
			("_Test Customer", -3, None),
		]
	):
		ordered_on = add_days(start, 7 * i)
		so = make_order(item_code=STOCKED, qty=2, customer=customer, transaction_date=ordered_on)
		dn = deliver(so, qty=part, submit=False)
		dn.set_posting_time = 1
		dn.posting_date = add_days(so.delivery_date, shipped_after_due)
		dn.save()
		dn.submit()


@frappe.whitelist(methods=["POST"])
def produce_order(sales_order):
	"""What Production does in ERPNext for the walk's order: a Work Order, its material, its output."""
	only_on_a_development_site()
	so = frappe.get_doc("Sales Order", sales_order)
	(wo,) = make_work_orders_for(so)
	produce(wo, wo.qty)
	frappe.db.commit()
	return wo.name


@frappe.whitelist(methods=["POST"])
def produce_work_order(work_order):
	"""What the shop floor does for a Work Order Production made and submitted: its material, its output."""
	only_on_a_development_site()
	wo = frappe.get_doc("Work Order", work_order)
	produce(wo, wo.qty)
	frappe.db.commit()
	return wo.name


@frappe.whitelist(methods=["POST"])
def ship_order(sales_order):
	"""What the warehouse does in ERPNext for the walk's order: a Delivery Note for all of it."""
	only_on_a_development_site()
	dn = deliver(frappe.get_doc("Sales Order", sales_order))
	frappe.db.commit()
	return dn.name
