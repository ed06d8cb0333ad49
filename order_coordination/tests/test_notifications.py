import frappe

from order_coordination import outbox
from order_coordination.compat import TestCase, declare_test_records
from order_coordination.core import constants
from order_coordination.departments import department_users
from order_coordination.tests.utils import make_order, make_user

declare_test_records(__name__, ["Sales Order"])

PLANNER = "oc-notified-planner@example.com"


class TestNotifications(TestCase):
	def test_department_members_are_notified(self):
		make_user(PLANNER, "Manufacturing User")
		self.assertIn(PLANNER, department_users([constants.PRODUCTION]))
		self.assertNotIn(PLANNER, department_users([constants.SALES]))
		so = make_order().name
		outbox.send_notifications(
			[
				{
					"sales_order": so,
					"departments": [constants.PRODUCTION],
					"subject": "Order {0} was handed off to {1}",
					"args": [so, "Production"],
				}
			]
		)
		log = frappe.get_all(
			"Notification Log",
			filters={"for_user": PLANNER},
			fields=["subject", "document_name"],
			limit=1,
			order_by="creation desc",
		)
		self.assertEqual(log[0].document_name, so)
		self.assertIn(so, log[0].subject)
