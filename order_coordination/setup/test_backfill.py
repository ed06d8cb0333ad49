import frappe

from order_coordination.compat import TestCase, declare_test_records
from order_coordination.core import constants
from order_coordination.setup.backfill import backfill_order, pending_orders
from order_coordination.tests.utils import (
	STOCKED,
	add_stock,
	deliver,
	make_order,
	make_work_orders_for,
	produce,
	record,
	remove_committed_orders,
	timeline,
)

declare_test_records(__name__, ["Sales Order", "Work Order", "Delivery Note", "Stock Entry"])


def forget(so_name):
	"""Make an order look as if it was created before the app was installed."""
	for doctype in (constants.DT_TIMELINE, constants.DT_ORDER_HANDOFF, constants.DT_EXCEPTION):
		frappe.db.delete(doctype, {"sales_order": so_name})
	frappe.db.delete(constants.DT_ORDER_COORDINATION, {"name": so_name})


class TestBackfill(TestCase):
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
		self.assertEqual(
			(doc.stage, doc.per_produced, doc.responsible_department),
			(constants.READY_TO_SHIP, 100, constants.PRODUCTION),
		)
		self.assertEqual(
			frappe.db.count(
				constants.DT_ORDER_HANDOFF, {"sales_order": made.name, "status": constants.HANDOFF_PENDING}
			),
			1,
		)
		refs = {r.reference_name for r in timeline(made.name)}
		self.assertIn(wo.name, refs)
		doc = record(stocked.name)
		self.assertEqual((doc.stage, doc.per_delivered), (constants.PARTIALLY_SHIPPED, 25))
		self.assertEqual(record(untouched.name).stage, constants.ORDER_RECEIVED)
		self.assertEqual(timeline(untouched.name)[0].action, constants.TIMELINE_CREATED)
		self.assertFalse({made.name, stocked.name, untouched.name} & set(pending_orders(100000)))


class TestBackfillInterrupted(TestCase):
	"""A backfill worker killed halfway: running it again finishes the job, no duplicate, no gap."""

	def test_a_second_run_finishes_what_a_killed_one_started(self):
		from unittest.mock import patch

		from order_coordination.setup import backfill

		backfill.backfill_open_orders()  # orders the site already had (ERPNext's test records) go first
		orders = [make_order(item_code=STOCKED, qty=1).name for _ in range(7)]
		for name in orders:
			forget(name)
		frappe.db.commit()
		self.addCleanup(remove_committed_orders, orders)

		real = backfill.backfill_batch
		done = []

		def dies_in_the_third_batch(names):
			if len(done) == 2:
				real(names[:1])  # halfway through the batch: its rows are written, not committed
				raise SystemExit("worker killed")
			real(names)
			done.append(names)

		with patch.object(backfill, "backfill_batch", dies_in_the_third_batch):
			self.assertRaises(SystemExit, backfill.backfill_open_orders, 2)
		frappe.db.rollback()  # the kill loses the batch in flight, not the batches committed
		kept = [n for n in orders if frappe.db.exists(constants.DT_ORDER_COORDINATION, n)]
		self.assertEqual(len(kept), 4)

		backfill.backfill_open_orders(2)
		for name in orders:
			self.assertEqual(frappe.db.count(constants.DT_ORDER_COORDINATION, {"name": name}), 1)
			self.assertEqual(
				frappe.db.count(
					constants.DT_TIMELINE, {"sales_order": name, "action": constants.TIMELINE_CREATED}
				),
				1,
			)
			self.assertEqual(frappe.db.count(constants.DT_ORDER_HANDOFF, {"sales_order": name}), 1)


class TestUninstallReinstall(TestCase):
	"""What uninstall removes and reinstall rebuilds. Uninstalling for real drops tables and alters
	ERPNext's (DDL commits in MariaDB), so here the removal is recorded rather than run, and the app's
	tables are emptied for this order only, which the rollback undoes."""

	def test_uninstall_touches_only_what_the_app_added(self):
		from unittest.mock import patch

		from order_coordination.setup.custom_fields import CUSTOM_FIELDS
		from order_coordination.setup.install import KANBAN_BOARD, before_uninstall
		from order_coordination.setup.permissions import read_ledger

		granted_rules = {entry["row"] for entry in read_ledger() if entry["created"]}
		deleted = []
		with (
			patch("frappe.delete_doc", lambda doctype, name, **kw: deleted.append((doctype, name))),
			patch("frappe.delete_doc_if_exists", lambda doctype, name, **kw: deleted.append((doctype, name))),
			patch("frappe.clear_cache"),
		):
			before_uninstall()
		ours = {
			frappe.db.get_value("Custom Field", {"dt": dt, "fieldname": f["fieldname"]})
			for dt, fields in CUSTOM_FIELDS.items()
			for f in fields
		}
		self.assertEqual({name for doctype, name in deleted if doctype == "Custom Field"}, ours)
		self.assertEqual({name for doctype, name in deleted if doctype == "Custom DocPerm"}, granted_rules)
		self.assertEqual(
			{doctype for doctype, _name in deleted},
			{"Custom Field", "Kanban Board"} | ({"Custom DocPerm"} if granted_rules else set()),
		)
		self.assertIn(("Kanban Board", KANBAN_BOARD), deleted)

	def test_erpnext_documents_untouched_and_coordination_rebuilt(self):
		so = make_order(item_code=STOCKED, qty=3)
		fingerprint = frappe.db.sql(
			"select name, status, grand_total, per_delivered, modified from `tabSales Order` where name = %s",
			so.name,
		)
		forget(so.name)  # the app's tables gone, for this order
		self.assertEqual(
			frappe.db.sql(
				"select name, status, grand_total, per_delivered, modified from `tabSales Order` where name = %s",
				so.name,
			),
			fingerprint,
		)
		backfill_order(so.name)  # reinstall queues the backfill
		self.assertEqual(record(so.name).stage, constants.ORDER_RECEIVED)
		self.assertEqual(frappe.db.count(constants.DT_ORDER_HANDOFF, {"sales_order": so.name}), 1)
