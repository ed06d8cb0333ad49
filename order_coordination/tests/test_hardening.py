"""The findings of the security and reliability review (issue 8), one test each: each fails without its fix."""

from datetime import timedelta
from unittest.mock import patch

import frappe
from frappe.utils import add_days, now_datetime, nowdate

from order_coordination import api, dispatch, outbox, repair, sweep
from order_coordination.compat import TestCase, declare_test_records
from order_coordination.core import constants, lifecycle
from order_coordination.policies import forget_known_versions, policy_snapshot, snapshot_name, version_name
from order_coordination.setup.backfill import backfill_batch
from order_coordination.tests.utils import (
	STOCKED,
	add_stock,
	at_once,
	deliver,
	make_order,
	make_user,
	make_work_orders_for,
	pending_handoff,
	record,
	timeline,
)

declare_test_records(__name__, ["Sales Order", "Delivery Note", "Stock Entry", "Work Order"])

MARKUP = '<img src=x onerror="alert(document.cookie)"><script>alert(1)</script>'
SALES_USER = "oc-hard-sales@example.com"
OTHER_COMPANY = "_Test Company 1"


def unused_start() -> str:
	"""A working day's start no stored policy version has (a later test's commit may keep a version
	this module made, so a fixed one is not new on the next run)."""
	import random

	while True:
		start = f"07:{random.randrange(60):02d}:{random.randrange(60):02d}"
		snapshot = {**policy_snapshot("_Test Company"), "work_start": start}
		if not frappe.db.exists(constants.DT_POLICY_SNAPSHOT, version_name(snapshot)):
			return start


def restrict(user, company):
	frappe.get_doc(
		{"doctype": "User Permission", "user": user, "allow": "Company", "for_value": company}
	).insert(ignore_permissions=True)
	frappe.clear_cache(user=user)


class TestHardening(TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(SALES_USER, "Sales User")

	def tearDown(self):
		frappe.set_user("Administrator")
		for name in frappe.get_all("User Permission", {"user": SALES_USER}, pluck="name"):
			frappe.delete_doc("User Permission", name, ignore_permissions=True)
		frappe.clear_cache(user=SALES_USER)

	# --- 1. stored markup ----------------------------------------------------------------------------

	def test_markup_in_user_text_is_sanitised_on_the_way_in(self):
		so = make_order()
		handoff = pending_handoff(so.name)
		api.reject_handoff(handoff.name, "No capacity " + MARKUP)
		exception = api.raise_exception(so.name, constants.QUALITY_ISSUE, "Scratches " + MARKUP)
		stored = [
			frappe.db.get_value(constants.DT_ORDER_HANDOFF, handoff.name, "reason"),
			frappe.db.get_value(constants.DT_EXCEPTION, exception, "description"),
			*[row.note or "" for row in timeline(so.name)],
		]
		self.assertTrue(any("Scratches" in text for text in stored))
		for text in stored:
			self.assertNotIn("onerror", text)
			self.assertNotIn("<script", text)
		# What the standard form shows of it.
		meta = frappe.get_meta(constants.DT_EXCEPTION)
		shown = frappe.format_value(stored[1], meta.get_field("description"))
		self.assertNotIn("onerror", shown)

	def test_notification_subjects_escape_user_text(self):
		subject = outbox.subject_of(
			{"subject": "{0} rejected the handoff of order {1}: {2}", "args": ["Production", "SO-1", MARKUP]}
		)
		self.assertNotIn("<img", subject)
		self.assertIn("&lt;img", subject)

	# --- 2. company and customer isolation -----------------------------------------------------------

	def test_rows_of_an_order_follow_user_permissions_on_its_company(self):
		so = make_order()
		api.raise_exception(so.name, constants.QUALITY_ISSUE, "Scratches")
		for doctype in (constants.DT_ORDER_HANDOFF, constants.DT_EXCEPTION, constants.DT_TIMELINE):
			rows = frappe.get_all(doctype, {"sales_order": so.name}, ["company", "customer"])
			self.assertTrue(rows)
			self.assertEqual({(r.company, r.customer) for r in rows}, {(so.company, so.customer)}, doctype)

		restrict(SALES_USER, OTHER_COMPANY)
		frappe.set_user(SALES_USER)
		for doctype in (
			constants.DT_ORDER_COORDINATION,
			constants.DT_ORDER_HANDOFF,
			constants.DT_EXCEPTION,
			constants.DT_TIMELINE,
		):
			self.assertEqual(frappe.get_list(doctype, {"sales_order": so.name}, pluck="name"), [], doctype)
		handoff = frappe.db.get_value(constants.DT_ORDER_HANDOFF, {"sales_order": so.name})
		self.assertFalse(frappe.has_permission(constants.DT_ORDER_HANDOFF, "read", handoff))
		self.assertRaises(frappe.PermissionError, api.get_order_status, so.name)

		# The same user, allowed the order's own company, sees it all.
		frappe.set_user("Administrator")
		restrict(SALES_USER, so.company)
		frappe.set_user(SALES_USER)
		for doctype in (constants.DT_ORDER_HANDOFF, constants.DT_EXCEPTION, constants.DT_TIMELINE):
			self.assertTrue(frappe.get_list(doctype, {"sales_order": so.name}, pluck="name"), doctype)

	# --- 4. notifications ----------------------------------------------------------------------------

	def test_notifications_go_only_to_users_who_may_read_the_order(self):
		so = make_order()
		self.assertIn(SALES_USER, outbox.readers(so.name, [SALES_USER]))
		restrict(SALES_USER, OTHER_COMPANY)
		self.assertEqual(outbox.readers(so.name, [SALES_USER]), [])

	# --- 6. smaller holes ----------------------------------------------------------------------------

	def test_the_mirror_fields_on_the_sales_order_cannot_be_set_by_hand(self):
		so = make_order(delivery_date=add_days(nowdate(), 60))
		stored = frappe.db.get_value(
			"Sales Order", so.name, list(constants.SALES_ORDER_MIRROR_FIELDS), as_dict=True
		)
		so.reload()
		so.set(constants.FIELD_STAGE, constants.DELIVERED)
		so.set(constants.FIELD_STATUS, constants.STATUS_COMPLETED)
		so.set(constants.FIELD_RESPONSIBLE, constants.LOGISTICS)
		so.save()
		self.assertEqual(
			frappe.db.get_value(
				"Sales Order", so.name, list(constants.SALES_ORDER_MIRROR_FIELDS), as_dict=True
			),
			stored,
		)

	def test_actions_on_a_cancelled_or_closed_order_are_refused(self):
		from erpnext.selling.doctype.sales_order.sales_order import update_status

		add_stock(STOCKED, 2)
		closed = make_order(item_code=STOCKED, qty=2)
		deliver(closed)
		update_status("Closed", closed.name)
		cancelled = make_order(item_code=STOCKED, qty=1)
		cancelled.reload()
		cancelled.cancel()
		for so in (closed, cancelled):
			with self.subTest(order=so.name):
				self.assertRaises(
					frappe.ValidationError, api.confirm_delivery, so.name, constants.OUTCOME_DELIVERED
				)
				self.assertRaises(
					frappe.ValidationError, api.raise_exception, so.name, constants.QUALITY_ISSUE, "x"
				)
				actions = api.get_order_status(so.name)["actions"]
				self.assertFalse({"raise_exception", "confirm_delivery"} & {a["action"] for a in actions})

	def test_an_unknown_order_and_a_hidden_one_answer_alike(self):
		so = make_order()
		restrict(SALES_USER, OTHER_COMPANY)
		frappe.set_user(SALES_USER)
		errors = []
		for name in (so.name, "SAL-ORD-NOPE"):
			with self.assertRaises(frappe.PermissionError) as caught:
				api.get_order_status(name)
			errors.append(str(caught.exception).replace(name, "…"))
		self.assertEqual(errors[0], errors[1])

	# --- 7. a policy can never stop the business -----------------------------------------------------

	def test_a_broken_policy_never_blocks_a_submit_and_the_order_is_repaired(self):
		so = make_order(qty=2)
		broken = RuntimeError("the app's own data is broken")
		errors_before = frappe.db.count("Error Log")
		with patch.object(dispatch, "STRICT", False), patch.object(lifecycle, "apply", side_effect=broken):
			(wo,) = make_work_orders_for(so)  # ERPNext's document goes through
		self.assertEqual(frappe.db.get_value("Work Order", wo.name, "docstatus"), 1)
		self.assertEqual(record(so.name).stage, constants.ORDER_RECEIVED)  # the app's part was rolled back
		self.assertEqual(frappe.db.get_value(constants.DT_ORDER_COORDINATION, so.name, "needs_repair"), 1)
		self.assertGreater(frappe.db.count("Error Log"), errors_before)
		repair.bring_in_line(so.name)
		doc = record(so.name)
		self.assertEqual(
			(doc.stage, doc.responsible_department, doc.needs_repair),
			(constants.PRODUCTION_PLANNING, constants.PRODUCTION, 0),
		)

	def test_a_submit_under_a_policy_that_fails_goes_through_and_the_backfill_finds_the_order(self):
		from order_coordination.core.errors import CoordinationError

		broken = CoordinationError("SLA hours for {0} must be between 0 and {1}, not {2}", "x", 1, -1)
		so = make_order(do_not_submit=True)
		messages = len(frappe.local.message_log or [])

		def full_queue(*args, **kwargs):  # Frappe 16 refuses jobs past 600 queued, with an alert
			frappe.throw("Too many queued background jobs (600). Please retry after some time.")

		with (
			patch.object(dispatch, "STRICT", False),
			patch.object(lifecycle, "start_order", side_effect=broken),
			patch("frappe.enqueue", full_queue),
		):
			so.submit()
		self.assertEqual(frappe.db.get_value("Sales Order", so.name, "docstatus"), 1)
		self.assertFalse(frappe.db.exists(constants.DT_ORDER_COORDINATION, so.name))
		# The user who submitted sees no error of ours.
		self.assertEqual(len(frappe.local.message_log or []), messages, frappe.local.message_log)
		backfill_batch([so.name])
		self.assertEqual(record(so.name).stage, constants.ORDER_RECEIVED)

	# --- 8. the sweep ---------------------------------------------------------------------------------

	def test_the_sweep_touches_only_the_orders_it_changed(self):
		so = make_order(delivery_date=add_days(nowdate(), 1))
		# An event wrote the record after the sweep read it: the sweep's guarded update skips it.
		frappe.db.set_value(
			constants.DT_ORDER_COORDINATION,
			so.name,
			"modified",
			now_datetime() + timedelta(hours=1),
			update_modified=False,
		)
		before = (frappe.db.get_value("Sales Order", so.name, constants.FIELD_STATUS), len(timeline(so.name)))
		sweep.refresh_open_orders(now_datetime() + timedelta(days=3))
		self.assertEqual(
			(frappe.db.get_value("Sales Order", so.name, constants.FIELD_STATUS), len(timeline(so.name))),
			before,
		)

	# --- 9. the backfill and live events commute -----------------------------------------------------

	def test_an_order_from_before_install_keeps_its_history_when_a_delivery_comes_first(self):
		add_stock(STOCKED, 3)
		so = make_order(item_code=STOCKED, qty=3)
		dispatch.forget_order(so.name)  # as if submitted before the app was installed
		deliver(so)
		doc = record(so.name)
		self.assertEqual(doc.stage, constants.SHIPPED)
		actions = [row.action for row in timeline(so.name)]
		self.assertEqual(actions[0], constants.TIMELINE_CREATED)
		self.assertEqual(actions.count(constants.TIMELINE_CREATED), 1)
		backfill_batch([so.name])  # a batch that listed the order before the delivery gave it its record
		self.assertEqual([row.action for row in timeline(so.name)], actions)
		self.assertEqual(frappe.db.count(constants.DT_ORDER_COORDINATION, {"name": so.name}), 1)

	# --- 10. returns ----------------------------------------------------------------------------------

	def test_returns_move_the_order_back_and_are_told(self):
		from erpnext.stock.doctype.delivery_note.delivery_note import make_sales_return

		add_stock(STOCKED, 10)
		so = make_order(item_code=STOCKED, qty=10)
		dn = deliver(so)
		self.assertEqual(record(so.name).stage, constants.SHIPPED)
		partial = make_sales_return(dn.name)
		for row in partial.items:
			row.qty = -4
		partial.insert()
		partial.submit()
		doc = record(so.name)
		self.assertEqual((doc.stage, doc.per_delivered), (constants.PARTIALLY_SHIPPED, 60))
		self.assertIn(constants.TIMELINE_DOCUMENT, [row.action for row in timeline(so.name)])
		self.assertIn("Delivery returned", [row.note for row in timeline(so.name)])
		rest = make_sales_return(dn.name)
		rest.insert()
		rest.submit()
		doc = record(so.name)
		self.assertEqual((doc.stage, doc.per_delivered), (constants.READY_TO_SHIP, 0))

	# --- 11. races -------------------------------------------------------------------------------------

	def test_a_version_undone_with_a_contained_failure_is_stored_by_the_next_order(self):
		snapshot = {**policy_snapshot("_Test Company"), "work_start": unused_start()}  # a version nobody has
		frappe.db.savepoint("oc_test_version")
		name = snapshot_name(snapshot, "_Test Company")
		frappe.db.rollback(save_point="oc_test_version")  # as dispatch.contained does
		forget_known_versions()
		self.assertFalse(frappe.db.exists(constants.DT_POLICY_SNAPSHOT, name))
		self.assertEqual(snapshot_name(snapshot, "_Test Company"), name)
		self.assertTrue(frappe.db.exists(constants.DT_POLICY_SNAPSHOT, name))

	def test_two_first_submits_after_a_policy_edit_store_its_version_once(self):
		snapshot = {**policy_snapshot("_Test Company"), "work_start": unused_start()}  # a version nobody has
		name = None

		def store():
			frappe.local.oc_known_snapshots = set()
			return snapshot_name(snapshot, "_Test Company")

		try:
			results = at_once(store)
			self.assertFalse([r for r in results if isinstance(r, Exception)], results)
			name = results[0]
			# A locking read sees what the other connections committed.
			stored = frappe.db.sql(
				"select count(*) from `tabCoordination Policy Snapshot` where name = %s lock in share mode",
				name,
			)[0][0]
			self.assertEqual(stored, 1)
		finally:
			if name:
				frappe.db.delete(constants.DT_POLICY_SNAPSHOT, {"name": name})
				frappe.db.commit()

	# --- 12. ERPNext's own behaviour ------------------------------------------------------------------

	def test_a_cancelled_order_can_be_deleted_and_takes_its_rows_with_it(self):
		so = make_order()
		api.raise_exception(so.name, constants.QUALITY_ISSUE, "Scratches")
		so.reload()
		so.cancel()
		frappe.delete_doc("Sales Order", so.name)
		self.assertFalse(frappe.db.exists("Sales Order", so.name))
		for doctype in (
			constants.DT_ORDER_COORDINATION,
			constants.DT_ORDER_HANDOFF,
			constants.DT_EXCEPTION,
			constants.DT_TIMELINE,
		):
			field = "name" if doctype == constants.DT_ORDER_COORDINATION else "sales_order"
			self.assertFalse(frappe.db.exists(doctype, {field: so.name}), doctype)
