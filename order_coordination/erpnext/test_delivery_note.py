import unittest

import frappe
from frappe.utils import add_days, getdate, nowdate

from order_coordination.compat import V16, TestCase, declare_test_records
from order_coordination.core import constants
from order_coordination.tests.utils import STOCKED, add_stock, deliver, make_order, pending_handoff, record

declare_test_records(__name__, ["Sales Order", "Delivery Note", "Stock Entry"])


class TestDeliveryNoteEvents(TestCase):
	def test_shipped_from_stock_in_two_partial_deliveries(self):
		so = make_order(item_code=STOCKED, qty=10)
		to_logistics = pending_handoff(so.name)
		add_stock(STOCKED, 10)

		deliver(so, qty=4)
		doc = record(so.name)
		self.assertEqual(
			(doc.stage, doc.per_delivered, doc.responsible_department),
			(constants.PARTIALLY_SHIPPED, 40, constants.LOGISTICS),
		)
		self.assertEqual(
			frappe.db.get_value(constants.DT_ORDER_HANDOFF, to_logistics.name, "status"),
			constants.HANDOFF_ACCEPTED,
		)

		second = deliver(so)
		self.assertEqual(record(so.name).stage, constants.SHIPPED)

		second.reload()
		second.cancel()
		doc = record(so.name)
		self.assertEqual((doc.stage, doc.per_delivered), (constants.PARTIALLY_SHIPPED, 40))

	def test_a_delivery_trip_visit_confirms_delivery(self):
		from erpnext.stock.doctype.delivery_trip.test_delivery_trip import (
			create_address,
			create_delivery_trip,
			create_driver,
			create_vehicle,
		)
		from erpnext.tests.utils import create_test_contact_and_address

		so = make_order(item_code=STOCKED, qty=2)
		add_stock(STOCKED, 2)
		dn = deliver(so)
		driver = create_driver()
		create_vehicle()
		create_test_contact_and_address()
		trip = create_delivery_trip(driver, create_address(driver))
		for stop in trip.delivery_stops:
			stop.delivery_note = dn.name
		trip.save()
		trip.submit()
		self.assertEqual(record(so.name).stage, constants.SHIPPED)
		trip.delivery_stops[0].visited = 1
		trip.save()
		self.assertEqual(record(so.name).stage, constants.DELIVERED)

	def test_a_delivery_completing_the_earliest_line_moves_the_promise_to_the_next(self):
		first, second = getdate(add_days(nowdate(), 10)), getdate(add_days(nowdate(), 30))
		so = make_order(item_code=STOCKED, qty=2, do_not_submit=True)
		so.append("items", {**so.items[0].as_dict(), "name": None, "idx": None, "qty": 3})
		so.items[0].delivery_date, so.items[1].delivery_date = first, second
		so.delivery_date = first
		so.save()
		so.submit()
		self.assertEqual(getdate(record(so.name).delivery_date), first)
		add_stock(STOCKED, 2)
		dn = deliver(so, submit=False)
		dn.items = [row for row in dn.items if row.so_detail == so.items[0].name]
		dn.save()
		dn.submit()
		self.assertEqual(getdate(record(so.name).delivery_date), second)
		add_stock(STOCKED, 3)
		deliver(so)  # the rest: nothing more is due, the last promise stays
		self.assertEqual(getdate(record(so.name).delivery_date), second)

	@unittest.skipUnless(V16, "Delivery schedules are ERPNext v16's")
	def test_a_line_delivered_in_tranches_is_due_by_its_first_tranche_not_yet_delivered(self):
		first, second = getdate(add_days(nowdate(), 10)), getdate(add_days(nowdate(), 30))
		so = make_order(item_code=STOCKED, qty=10, delivery_date=first)
		so.reload()
		so.create_delivery_schedule(
			so.items[0].as_dict(), [{"delivery_date": first, "qty": 4}, {"delivery_date": second, "qty": 6}]
		)
		self.assertEqual(getdate(record(so.name).delivery_date), first)
		add_stock(STOCKED, 4)
		deliver(so, qty=4)
		self.assertEqual(getdate(record(so.name).delivery_date), second)
