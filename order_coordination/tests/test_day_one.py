"""Day one for every department (issue 20): the inbox people work from, one honest date, and the
customer's page in the customer's words."""

import frappe
from frappe.utils import add_days, nowdate

from order_coordination import api
from order_coordination.compat import TestCase, declare_test_records
from order_coordination.core import constants
from order_coordination.customers import page as portal
from order_coordination.order_coordination.report.department_queue import department_queue
from order_coordination.tests.utils import STOCKED, add_stock, deliver, make_order, make_user

declare_test_records(__name__, ["Sales Order", "Delivery Note", "Stock Entry"])

CLERK = "oc-day-one-clerk@example.com"
PLANNER = "oc-day-one-planner@example.com"


def rows_of(user, sales_order):
	frappe.set_user(user)
	try:
		_columns, rows = department_queue.execute({})
	finally:
		frappe.set_user("Administrator")
	return [row for row in rows if row["sales_order"] == sales_order]


class TestDepartmentInbox(TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(CLERK, "Stock User")
		make_user(PLANNER, "Manufacturing User")

	def test_a_waiting_handoff_row_carries_what_its_buttons_need_and_a_readable_customer(self):
		so = make_order()
		(row,) = rows_of(PLANNER, so.name)
		self.assertTrue(row["waiting"] and row["handoff"])
		self.assertEqual(row["customer_name"], frappe.db.get_value("Customer", so.customer, "customer_name"))
		widths = {c["fieldname"]: c.get("width") for c in department_queue.columns()}
		self.assertGreaterEqual(widths["sales_order"], 190)  # "SAL-ORD-2026-00042" is never cut
		self.assertEqual(list(widths)[:3], ["sales_order", "customer_name", "actions"])

	def test_a_delivered_order_leaves_logistics_queue(self):
		so = make_order(item_code=STOCKED, qty=1)
		add_stock(STOCKED, 1)
		deliver(so)
		api.confirm_delivery(so.name, constants.OUTCOME_DELIVERED)
		self.assertEqual(
			frappe.db.get_value(constants.DT_ORDER_COORDINATION, so.name, "stage"), constants.DELIVERED
		)
		self.assertEqual(rows_of(CLERK, so.name), [])


class TestOneHonestDate(TestCase):
	def test_day_one_shows_no_date_made_of_default_hours_and_says_what_is_unknown(self):
		so = make_order(delivery_date=add_days(nowdate(), 3))
		status = api.get_order_status(so.name)
		self.assertIsNone(status["expected_finish"])
		self.assertIn(constants.IN_PRODUCTION, status["finish_evidence"]["unknown"])
		self.assertEqual(status["status"], constants.STATUS_OPEN)


class TestCustomerWords(TestCase):
	def render(self, so_name, lang):
		frappe.local.lang = lang
		try:
			return portal.render(so_name)
		finally:
			frappe.local.lang = "en"

	def test_the_customers_page_says_delivered_in_chinese_as_delivered_not_shipped(self):
		so = make_order(item_code=STOCKED, qty=1)
		add_stock(STOCKED, 1)
		deliver(so)
		api.confirm_delivery(so.name, constants.OUTCOME_DELIVERED)
		html = self.render(so.name, "zh")
		self.assertIn("已送达", html)
		self.assertNotIn("已出货", html)

	def test_an_overdue_order_says_its_date_has_passed(self):
		so = make_order(delivery_date=add_days(nowdate(), 5))
		frappe.db.set_value(
			constants.DT_ORDER_COORDINATION, so.name, "delivery_date", add_days(nowdate(), -2)
		)
		html = self.render(so.name, "en")
		self.assertIn("This date has passed", html)
		self.assertNotIn(">Carrier<", html)  # no bare label where no carrier is named


class TestLogisticsShipsToAnAddress(TestCase):
	"""Found by the busy day's run: a Stock User and Delivery User (the README's Logistics roles) could not
	make the Delivery Note of an order whose customer has an address, as every real customer has."""

	def test_logistics_makes_the_delivery_note_of_a_customer_with_an_address_and_a_contact(self):
		from erpnext.selling.doctype.sales_order.sales_order import make_delivery_note

		so = make_order(item_code=STOCKED, qty=1, do_not_submit=True)
		address = frappe.get_doc(
			{
				"doctype": "Address",
				"address_title": so.customer,
				"address_line1": "1 Dock Road",
				"city": "Lyon",
				"country": "France",
				"links": [{"link_doctype": "Customer", "link_name": so.customer}],
			}
		).insert(ignore_permissions=True)
		contact = frappe.get_doc(
			{
				"doctype": "Contact",
				"first_name": "Jia",
				"last_name": "Chen",
				"links": [{"link_doctype": "Customer", "link_name": so.customer}],
			}
		).insert(ignore_permissions=True)
		so.shipping_address_name = so.customer_address = address.name
		so.contact_person = contact.name
		so.save()
		so.submit()
		add_stock(STOCKED, 1)
		shipper = make_user("oc-day-one-shipper@example.com", "Stock User", "Delivery User")
		frappe.set_user(shipper)
		try:
			dn = make_delivery_note(so.name)
			dn.insert()
			dn.submit()
		finally:
			frappe.set_user("Administrator")
		self.assertEqual((dn.docstatus, dn.shipping_address_name), (1, address.name))
