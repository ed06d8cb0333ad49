"""Data for the browser check of the earliest feasible delivery (browser/feasible.mjs), on a development
site with test records: a Sales user's draft asked for earlier than the company can deliver, and a
submitted order whose booked workstation cannot keep its date, for Production.

Only on a site that allows tests and runs in developer mode, only for a System Manager: it commits users
and documents. The users get a new random password each time, returned to the caller only."""

import frappe
from frappe.utils import add_days, nowdate
from frappe.utils.password import update_password

from order_coordination.tests.test_feasible import RAW, SUB, make_workshop, stock_item
from order_coordination.tests.utils import (
	STOCKED,
	WAREHOUSE,
	add_stock,
	make_items,
	make_order,
	only_on_a_development_site,
)

USERS = {
	"sales": ("oc.ctp.sales@example.com", "Sara", ["Sales User"]),
	"production": ("oc.ctp.planner@example.com", "Ming", ["Manufacturing User"]),
}
BOUGHT = "OC Feasible Bracket"


def make_walk_user(email, first_name, roles, password):
	if not frappe.db.exists("User", email):
		frappe.get_doc(
			{"doctype": "User", "email": email, "first_name": first_name, "send_welcome_email": 0}
		).insert(ignore_permissions=True)
	user = frappe.get_doc("User", email)
	user.set("roles", [])
	user.add_roles(*roles)
	user.save(ignore_permissions=True)
	update_password(email, password)


@frappe.whitelist(methods=["POST"])
def prepare():
	only_on_a_development_site()
	password = frappe.generate_hash(length=24)
	for email, first_name, roles in USERS.values():
		make_walk_user(email, first_name, roles, password)
	make_items()
	make_workshop()
	stock_item(BOUGHT, lead_days=12)
	add_stock(STOCKED, 10)
	add_stock(RAW, 200)
	draft = make_order(item_code=STOCKED, qty=2, delivery_date=add_days(nowdate(), 7), do_not_submit=True)
	draft.append(
		"items",
		{
			"item_code": BOUGHT,
			"qty": 4,
			"delivery_date": add_days(nowdate(), 3),
			"rate": 50,
			"warehouse": WAREHOUSE,
		},
	)
	draft.save()
	late = make_order(item_code=SUB, qty=30, delivery_date=add_days(nowdate(), 1))
	ask = make_order(item_code=SUB, qty=20, delivery_date=add_days(nowdate(), 1), do_not_submit=True)
	frappe.db.commit()
	return {
		"draft": draft.name,
		"ask": ask.name,
		"late": late.name,
		"password": password,
		"users": {k: v[0] for k, v in USERS.items()},
	}


@frappe.whitelist(methods=["POST"])
def set_language(user, language):
	"""The walk's users see the desk in English, then in Chinese."""
	only_on_a_development_site()
	if user not in [v[0] for v in USERS.values()] or language not in ("en", "zh"):
		frappe.throw("Only the walk's users, in en or zh", frappe.ValidationError)
	frappe.db.set_value("User", user, "language", language)
	frappe.clear_cache(user=user)
	frappe.db.commit()
