import unittest

import frappe

from order_coordination import api
from order_coordination.compat import V16, TestCase, declare_test_records
from order_coordination.core import constants
from order_coordination.tests.utils import (
	MADE,
	RAW,
	add_stock,
	deliver,
	make_order,
	make_plan,
	make_work_orders_for,
	manufacture,
	pending_handoff,
	produce,
	record,
	timeline,
	transfer,
)

declare_test_records(__name__, ["Sales Order", "Work Order", "Delivery Note", "Stock Entry"])


class TestWorkOrderEvents(TestCase):
	def test_make_to_order_from_receipt_to_delivery(self):
		so = make_order(qty=4)
		to_production = pending_handoff(so.name)
		(wo,) = make_work_orders_for(so)

		doc = record(so.name)
		self.assertEqual(
			(doc.stage, doc.responsible_department), (constants.PRODUCTION_PLANNING, constants.PRODUCTION)
		)
		self.assertEqual(
			frappe.db.get_value(constants.DT_ORDER_HANDOFF, to_production.name, "status"),
			constants.HANDOFF_ACCEPTED,
		)
		accepted = [r for r in timeline(so.name) if r.action == constants.TIMELINE_HANDOFF_ACCEPTED]
		self.assertIn(wo.name, accepted[0].note)

		transfer(wo, 4)
		self.assertEqual(record(so.name).stage, constants.IN_PRODUCTION)
		manufacture(wo, 2)
		doc = record(so.name)
		self.assertEqual((doc.stage, doc.per_produced), (constants.IN_PRODUCTION, 50))
		manufacture(wo, 2)
		doc = record(so.name)
		self.assertEqual((doc.stage, doc.per_produced), (constants.READY_TO_SHIP, 100))
		to_logistics = pending_handoff(so.name)
		self.assertEqual(
			(to_logistics.from_department, to_logistics.to_department),
			(constants.PRODUCTION, constants.LOGISTICS),
		)

		dn = deliver(so)
		doc = record(so.name)
		self.assertEqual(
			(doc.stage, doc.responsible_department, doc.per_delivered),
			(constants.SHIPPED, constants.LOGISTICS, 100),
		)
		self.assertEqual(
			frappe.db.get_value(constants.DT_ORDER_HANDOFF, to_logistics.name, "status"),
			constants.HANDOFF_ACCEPTED,
		)

		api.confirm_delivery(so.name, constants.OUTCOME_DELIVERED, "Signed by the customer")
		self.assertEqual(record(so.name).stage, constants.DELIVERED)
		stages = [r.stage_to for r in timeline(so.name) if r.action == constants.TIMELINE_STAGE]
		self.assertEqual(
			stages,
			[
				constants.PRODUCTION_PLANNING,
				constants.IN_PRODUCTION,
				constants.READY_TO_SHIP,
				constants.SHIPPED,
				constants.DELIVERED,
			],
		)
		refs = {r.reference_name for r in timeline(so.name)}
		self.assertTrue({so.name, wo.name, dn.name} <= refs)

	def test_one_order_with_two_work_orders_is_ready_when_both_are_produced(self):
		so = make_order(qty=4)
		first, second = make_work_orders_for(so, qty=2) + make_work_orders_for(so, qty=2)
		produce(first, 2)
		doc = record(so.name)
		self.assertEqual((doc.stage, doc.per_produced), (constants.IN_PRODUCTION, 50))
		produce(second, 2)
		self.assertEqual(record(so.name).stage, constants.READY_TO_SHIP)

	def test_cancelling_a_work_order_moves_the_order_back(self):
		so = make_order(qty=2)
		(wo,) = make_work_orders_for(so)
		self.assertEqual(record(so.name).stage, constants.PRODUCTION_PLANNING)
		wo.reload()
		wo.cancel()
		doc = record(so.name)
		self.assertEqual(doc.stage, constants.ORDER_RECEIVED)
		self.assertIn(constants.TIMELINE_STAGE, [r.action for r in timeline(so.name)])

	def test_cancelling_production_moves_the_order_back_from_ready_to_ship(self):
		so = make_order(qty=2)
		(wo,) = make_work_orders_for(so)
		transfer(wo, 2)
		entry = manufacture(wo, 2)
		self.assertEqual(record(so.name).stage, constants.READY_TO_SHIP)
		self.assertEqual(pending_handoff(so.name).to_department, constants.LOGISTICS)
		entry.cancel()
		doc = record(so.name)
		self.assertEqual((doc.stage, doc.per_produced), (constants.IN_PRODUCTION, 0))
		self.assertIsNone(pending_handoff(so.name))

	def test_a_stopped_work_order_puts_the_order_on_hold_with_a_production_delay(self):
		from erpnext.manufacturing.doctype.work_order.work_order import stop_unstop

		so = make_order(qty=2)
		(wo,) = make_work_orders_for(so)
		stop_unstop(wo.name, "Stopped")
		self.assertEqual(record(so.name).status, constants.STATUS_ON_HOLD)
		exception = frappe.get_all(
			constants.DT_EXCEPTION,
			filters={"sales_order": so.name},
			fields=["exception_type", "status", "responsible_department"],
		)
		self.assertEqual(
			[(e.exception_type, e.status, e.responsible_department) for e in exception],
			[(constants.PRODUCTION_DELAY, constants.EXCEPTION_OPEN, constants.PRODUCTION)],
		)
		stop_unstop(wo.name, "Resumed")
		self.assertNotEqual(record(so.name).status, constants.STATUS_ON_HOLD)
		self.assertEqual(
			frappe.db.get_value(constants.DT_EXCEPTION, {"sales_order": so.name}, "status"),
			constants.EXCEPTION_RESOLVED,
		)

	def test_a_consolidated_production_plan_over_two_orders(self):
		first = make_order(qty=1)
		second = make_order(qty=2)
		plan = make_plan([first, second], combine_items=True)
		wo = frappe.get_doc("Work Order", {"production_plan": plan.name, "production_item": MADE})
		self.assertFalse(wo.sales_order)  # consolidated: the orders are only in the plan's references
		wo.wip_warehouse = "Work In Progress - _TC"
		wo.save()
		wo.submit()
		for so in (first, second):
			doc = record(so.name)
			self.assertEqual(
				(doc.stage, doc.responsible_department), (constants.PRODUCTION_PLANNING, constants.PRODUCTION)
			)
		produce(wo, 1)  # the plan's first reference takes the first unit
		self.assertEqual(record(first.name).stage, constants.READY_TO_SHIP)
		self.assertEqual(record(second.name).stage, constants.IN_PRODUCTION)
		transfer(wo, 2)
		manufacture(wo, 2)
		self.assertEqual(record(second.name).stage, constants.READY_TO_SHIP)

	@unittest.skipUnless(V16, "Work Orders reserve stock from ERPNext v16 on")
	def test_a_work_order_that_reserves_its_materials_counts_as_submitted(self):
		so = make_order(qty=2)
		add_stock(RAW, 2)
		(wo,) = make_work_orders_for(so, submit=False)
		wo.reserve_stock = 1
		wo.save()
		wo.submit()
		self.assertIn(
			frappe.db.get_value("Work Order", wo.name, "status"),
			("Stock Reserved", "Stock Partially Reserved"),
		)
		doc = record(so.name)
		self.assertEqual(
			(doc.stage, doc.responsible_department), (constants.PRODUCTION_PLANNING, constants.PRODUCTION)
		)
