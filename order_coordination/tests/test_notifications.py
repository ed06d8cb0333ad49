import frappe

from order_coordination import outbox
from order_coordination.compat import TestCase, declare_test_records
from order_coordination.core import constants
from order_coordination.departments import department_users
from order_coordination.tests.utils import make_order, make_user

declare_test_records(__name__, ["Sales Order"])

PLANNER = "oc-notified-planner@example.com"
SELLER = "oc-notified-seller@example.com"


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


class TestWhoIsTold(TestCase):
	"""Notices go to whom the matrix says, name who acted, and spare them their own act."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(PLANNER, "Manufacturing User")
		make_user(SELLER, "Sales User")

	def tearDown(self):
		frappe.set_user("Administrator")

	def queued(self, so_name):
		"""The notices queued for an order, as the outbox keeps them."""
		import json

		rows = frappe.get_all("Coordination Outbox", {"payload": ["like", f"%{so_name}%"]}, pluck="payload")
		return [item for row in rows for item in json.loads(row) if item["sales_order"] == so_name]

	def test_the_actor_is_named_and_not_told_of_their_own_act(self):
		so = make_order().name
		outbox.send_notifications(
			[
				{
					"sales_order": so,
					"departments": [constants.PRODUCTION, constants.SALES],
					"subject": "{0} raised on order {1}",
					"args": ["Material Shortage", so],
					"from_user": PLANNER,
				}
			]
		)
		logs = frappe.get_all(
			"Notification Log", {"document_name": so}, ["for_user", "from_user"], order_by="creation"
		)
		self.assertNotIn(PLANNER, [log.for_user for log in logs])
		self.assertIn(SELLER, [log.for_user for log in logs])
		self.assertEqual({log.from_user for log in logs}, {PLANNER})

	def test_dates_in_notices_are_not_iso(self):
		from datetime import date

		self.assertEqual(outbox.readable(date(2026, 12, 24)), frappe.utils.formatdate(date(2026, 12, 24)))
		self.assertEqual(outbox.readable("SO-1"), "SO-1")

	def test_a_resolved_exception_is_told_and_a_stock_order_tells_production_nothing(self):
		from order_coordination import api
		from order_coordination.tests.utils import STOCKED

		stock = make_order(item_code=STOCKED, qty=1).name
		self.assertFalse(
			[n for n in self.queued(stock) if constants.PRODUCTION in n["departments"]],
			self.queued(stock),
		)
		made = make_order().name
		exception = api.raise_exception(made, constants.QUALITY_ISSUE, "Scratches")
		api.resolve_exception(exception, "Polished")
		resolved = [n for n in self.queued(made) if "resolved" in n["subject"]]
		self.assertTrue(resolved)
		self.assertIn(constants.SALES, resolved[0]["departments"])
