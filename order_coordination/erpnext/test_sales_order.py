import frappe
from frappe.tests.utils import FrappeTestCase

from order_coordination.core import constants as C
from order_coordination.tests.utils import make_order

test_dependencies = ["Sales Order", "Work Order", "Delivery Note"]


class TestSalesOrderEvents(FrappeTestCase):
	def test_app_is_installed_and_submit_reaches_the_handler(self):
		self.assertIn("order_coordination", frappe.get_installed_apps())
		so = make_order()
		self.assertTrue(frappe.db.exists(C.DT_ORDER_COORDINATION, so.name))
		record = frappe.get_doc(C.DT_ORDER_COORDINATION, so.name)
		self.assertEqual(record.stage, C.ORDER_RECEIVED)
		self.assertEqual(record.responsible_department, C.SALES)
		self.assertEqual(frappe.db.get_value("Sales Order", so.name, C.FIELD_STAGE), C.ORDER_RECEIVED)
