"""Helpers for the Frappe tests: real ERPNext documents made through ERPNext's own functions."""

import json

import frappe
from erpnext.manufacturing.doctype.production_plan.test_production_plan import make_bom
from erpnext.manufacturing.doctype.work_order.work_order import make_stock_entry as make_work_order_entry
from erpnext.selling.doctype.sales_order.sales_order import (
	get_work_order_items,
	make_delivery_note,
	make_work_orders,
)
from erpnext.selling.doctype.sales_order.test_sales_order import make_sales_order
from erpnext.stock.doctype.item.test_item import make_item
from erpnext.stock.doctype.stock_entry.stock_entry_utils import make_stock_entry
from frappe import _

from order_coordination import dispatch
from order_coordination.core import constants

# In this app's tests an error of ours fails the test that caused it (in production it is contained).
dispatch.STRICT = True

COMPANY = "_Test Company"
WAREHOUSE = "_Test Warehouse - _TC"
WIP_WAREHOUSE = "Work In Progress - _TC"
RAW = "OC Test Raw Material"
MADE = "OC Test Made To Order Widget"
STOCKED = "OC Test Stocked Widget"


def only_on_a_development_site():
	"""For what commits users and documents (the browser and portal walks' fixtures, the desk's submit
	benchmark): only a System Manager, only on a development site."""
	frappe.only_for("System Manager")
	if not (frappe.conf.allow_tests and frappe.conf.developer_mode):
		frappe.throw(
			_(
				"This runs only on a development site (allow_tests and developer_mode): what it makes stays there"
			),
			frappe.PermissionError,
		)


def make_items():
	make_item(RAW, {"is_stock_item": 1, "valuation_rate": 10, "stock_uom": "Nos"})
	make_item(STOCKED, {"is_stock_item": 1, "valuation_rate": 50, "stock_uom": "Nos"})
	make_item(MADE, {"is_stock_item": 1, "valuation_rate": 80, "stock_uom": "Nos"})
	if not frappe.db.get_value("Item", MADE, "default_bom"):
		make_bom(item=MADE, raw_materials=[RAW], rate=10, source_warehouse=WAREHOUSE, currency="INR")


def make_order(item_code=MADE, qty=10, delivery_date=None, do_not_submit=False, **kwargs):
	"""A Sales Order by ERPNext's own test helper, which ignores a delivery date: we set it after."""
	make_items()
	so = make_sales_order(item_code=item_code, qty=qty, warehouse=WAREHOUSE, do_not_submit=True, **kwargs)
	if delivery_date:
		so.delivery_date = delivery_date
		for row in so.items:
			row.delivery_date = delivery_date
		so.save()
	if not do_not_submit:
		so.submit()
	return so


def add_stock(item_code, qty):
	make_stock_entry(item_code=item_code, target=WAREHOUSE, qty=qty, basic_rate=10)


def make_work_orders_for(so, qty=None, submit=True):
	"""Work Orders for the order's manufactured lines, through ERPNext's own Sales Order button."""
	items = []
	for item in get_work_order_items(so.name):
		items.append(
			{
				"warehouse": item.get("warehouse"),
				"item_code": item.get("item_code"),
				"pending_qty": qty or item.get("pending_qty"),
				"sales_order_item": item.get("sales_order_item"),
				"bom": item.get("bom"),
				"description": item.get("description"),
			}
		)
	names = make_work_orders(json.dumps({"items": items}), so.name, so.company)
	work_orders = []
	for name in names:
		wo = frappe.get_doc("Work Order", name)
		wo.wip_warehouse = WIP_WAREHOUSE
		wo.save()
		if submit:
			wo.submit()
		work_orders.append(wo)
	return work_orders


def make_plan(orders, combine_items=False):
	"""A submitted Production Plan over the orders, with its Work Orders made (not submitted)."""
	plan = frappe.new_doc("Production Plan")
	plan.company = orders[0].company
	plan.get_items_from = "Sales Order"
	for so in orders:
		plan.append(
			"sales_orders",
			{
				"sales_order": so.name,
				"sales_order_date": so.transaction_date,
				"customer": so.customer,
				"grand_total": so.grand_total,
			},
		)
	plan.combine_items = int(combine_items)
	plan.get_items()
	for row in plan.po_items:
		row.warehouse = WAREHOUSE
	plan.submit()
	plan.make_work_order()
	return plan


def transfer(work_order, qty):
	add_stock(RAW, qty)
	entry = frappe.get_doc(make_work_order_entry(work_order.name, "Material Transfer for Manufacture", qty))
	entry.submit()
	return entry


def manufacture(work_order, qty):
	entry = frappe.get_doc(make_work_order_entry(work_order.name, "Manufacture", qty))
	entry.submit()
	return entry


def produce(work_order, qty):
	transfer(work_order, qty)
	return manufacture(work_order, qty)


def deliver(so, qty=None, submit=True):
	dn = make_delivery_note(so.name)
	if qty is not None:
		for row in dn.items:
			row.qty = qty
	dn.insert()
	if submit:
		dn.submit()
	return dn


def record(so_name):
	return frappe.get_doc(constants.DT_ORDER_COORDINATION, so_name)


def pending_handoff(so_name):
	return frappe.db.get_value(
		constants.DT_ORDER_HANDOFF,
		{"sales_order": so_name, "status": constants.HANDOFF_PENDING},
		["name", "from_department", "to_department", "stage"],
		as_dict=True,
	)


def timeline(so_name):
	return frappe.get_all(
		constants.DT_TIMELINE,
		filters={"sales_order": so_name},
		fields=["action", "stage_from", "stage_to", "reference_doctype", "reference_name", "note"],
		order_by="at asc, creation asc, idx asc",
	)


def make_user(email, *roles):
	if not frappe.db.exists("User", email):
		user = frappe.new_doc("User")
		user.email = email
		user.first_name = email.split("@")[0]
		user.send_welcome_email = 0
		user.insert(ignore_permissions=True)
	user = frappe.get_doc("User", email)
	user.remove_roles(*[r.role for r in user.roles])
	user.add_roles(*roles)
	return email


def remove_committed_orders(names):
	"""Undo what a test had to commit (for other connections to see): its orders and all that hangs on
	them. Tests that commit call this in their cleanup."""
	frappe.db.rollback()
	if not names:
		return
	changes = frappe.get_all(constants.DT_PROMISE_CHANGE, {"sales_order": ["in", names]}, pluck="name")
	frappe.db.delete(constants.DT_PROMISE_CHANGE_ITEM, {"parent": ["in", changes or [""]]})
	for doctype in (
		constants.DT_PROMISE_CHANGE,
		constants.DT_TIMELINE,
		constants.DT_ORDER_HANDOFF,
		constants.DT_EXCEPTION,
		constants.DT_OUTBOX,
	):
		frappe.db.delete(doctype, {"sales_order": ["in", names]})
	frappe.db.delete(constants.DT_ORDER_COORDINATION, {"name": ["in", names]})
	for dn in frappe.get_all("Delivery Note Item", {"against_sales_order": ["in", names]}, pluck="parent"):
		frappe.db.delete("Delivery Note Item", {"parent": dn})
		frappe.db.delete("Delivery Note", {"name": dn})
	frappe.db.delete("Sales Order Item", {"parent": ["in", names]})
	frappe.db.delete("Sales Order", {"name": ["in", names]})
	frappe.db.commit()


def at_once(work, count=2):
	"""Run `work()` in `count` threads, each with a connection of its own, released together; returns
	what each returned, or the ValidationError it raised (its transaction rolled back)."""
	import threading

	site, sites_path = frappe.local.site, frappe.local.sites_path
	barrier = threading.Barrier(count)
	results = []

	def run():
		frappe.init(site=site, sites_path=sites_path)
		frappe.connect()
		frappe.set_user("Administrator")
		try:
			barrier.wait()
			results.append(work())
			frappe.db.commit()
		except frappe.ValidationError as error:
			frappe.db.rollback()
			results.append(error)
		finally:
			frappe.destroy()

	threads = [threading.Thread(target=run) for _ in range(count)]
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join(60)
	return results


# What a company with some months of history has learned its stages take (working hours).
HISTORY_HOURS = {
	constants.ORDER_RECEIVED: 8.0,
	constants.PRODUCTION_PLANNING: 16.0,
	constants.IN_PRODUCTION: 40.0,
	constants.READY_TO_SHIP: 16.0,
	constants.SHIPPED: 24.0,
}


def with_history(testcase, hours=None, company=COMPANY):
	"""Let the company's learned stage durations be `hours` for this test (At Risk needs evidence)."""
	from order_coordination.learned import CACHE, forget_read

	frappe.cache.hset(CACHE, company, dict(hours or HISTORY_HOURS))
	forget_read()

	def forget():
		frappe.cache.hdel(CACHE, company)
		forget_read()

	testcase.addCleanup(forget)
