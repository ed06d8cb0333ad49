import frappe
from frappe.tests.utils import FrappeTestCase

from order_coordination.core import constants as C
from order_coordination.setup.backfill import backfill_order, pending_orders
from order_coordination.tests.utils import (
	STOCKED,
	add_stock,
	deliver,
	make_order,
	make_work_orders_for,
	produce,
	record,
	timeline,
)

test_dependencies = ["Sales Order", "Work Order", "Delivery Note", "Stock Entry"]


def forget(so_name):
	"""Make an order look as if it was created before the app was installed."""
	for doctype in (C.DT_TIMELINE, C.DT_ORDER_HANDOFF, C.DT_EXCEPTION):
		frappe.db.delete(doctype, {"sales_order": so_name})
	frappe.db.delete(C.DT_ORDER_COORDINATION, {"name": so_name})


class TestBackfill(FrappeTestCase):
	def test_existing_orders_get_their_record_with_history(self):
		made = make_order(qty=2)
		(wo,) = make_work_orders_for(made)
		produce(wo, 2)
		stocked = make_order(item_code=STOCKED, qty=4)
		add_stock(STOCKED, 4)
		deliver(stocked, qty=1)
		untouched = make_order(item_code=STOCKED, qty=1)
		for so in (made, stocked, untouched):
			forget(so.name)
		self.assertTrue({made.name, stocked.name, untouched.name} <= set(pending_orders(100000)))

		for so in (made, stocked, untouched):
			backfill_order(so.name)
			backfill_order(so.name)  # a second run finds the record and does nothing

		doc = record(made.name)
		self.assertEqual((doc.stage, doc.per_produced, doc.responsible_department), (C.READY_TO_SHIP, 100, C.PRODUCTION))
		self.assertEqual(frappe.db.count(C.DT_ORDER_HANDOFF, {"sales_order": made.name, "status": C.HANDOFF_PENDING}), 1)
		refs = {r.reference_name for r in timeline(made.name)}
		self.assertIn(wo.name, refs)
		doc = record(stocked.name)
		self.assertEqual((doc.stage, doc.per_delivered), (C.PARTIALLY_SHIPPED, 25))
		self.assertEqual(record(untouched.name).stage, C.ORDER_RECEIVED)
		self.assertEqual(timeline(untouched.name)[0].action, C.LOG_CREATED)
		self.assertFalse({made.name, stocked.name, untouched.name} & set(pending_orders(100000)))
