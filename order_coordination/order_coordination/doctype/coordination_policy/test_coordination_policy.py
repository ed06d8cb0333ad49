from datetime import time

import frappe
from frappe.utils import get_time

from order_coordination.compat import TestCase, declare_test_records
from order_coordination.core import constants
from order_coordination.core.policy import MAX_SLA_HOURS
from order_coordination.tests.utils import COMPANY, make_order, make_user, pending_handoff, record

declare_test_records(__name__, ["Sales Order"])

COORDINATION_MANAGER = "Coordination Manager"
DT_STAGE_SLA = "Coordination Stage SLA"


def make_policy(model, **values):
	if frappe.db.exists(constants.DT_POLICY, COMPANY):
		policy = frappe.get_doc(constants.DT_POLICY, COMPANY)
		policy.ownership_model = model
	else:
		policy = frappe.new_doc(constants.DT_POLICY)
		policy.company = COMPANY
		policy.ownership_model = model
	policy.update(values)
	policy.save()
	return policy


def fresh_policy_and_row(stage):
	"""The saved policy and its SLA row for `stage`, read again: a refused save leaves the document
	stamped as modified, and saving it once more would fail on the timestamp, not on the value."""
	policy = frappe.get_doc(constants.DT_POLICY, COMPANY)
	return policy, next(row for row in policy.stage_slas if row.stage == stage)


class TestCoordinationPolicy(TestCase):
	def test_model_presets_an_editable_matrix_and_slas(self):
		policy = make_policy(constants.PRODUCTION_LED)
		cells = {(r.stage, r.department): r.responsibility for r in policy.matrix}
		self.assertEqual(cells[(constants.SHIPPED, constants.PRODUCTION)], constants.ACCOUNTABLE)
		self.assertEqual(cells[(constants.SHIPPED, constants.LOGISTICS)], constants.RESPONSIBLE)
		self.assertEqual({r.stage for r in policy.stage_slas}, set(constants.STAGES))
		self.assertEqual((get_time(policy.work_start), get_time(policy.work_end)), (time(9), time(17)))

	def test_a_matrix_without_a_responsible_department_is_refused(self):
		policy = make_policy(constants.SALES_LED)
		for row in policy.matrix:
			if row.stage == constants.SHIPPED and row.responsibility == constants.RESPONSIBLE:
				row.responsibility = constants.INFORMED
		self.assertRaises(frappe.ValidationError, policy.save)

	def test_orders_keep_the_policy_they_started_under(self):
		make_policy(constants.PRODUCTION_LED)
		before = make_order()
		self.assertEqual(record(before.name).accountable_department, constants.PRODUCTION)
		self.assertEqual(record(before.name).ownership_model, constants.PRODUCTION_LED)
		make_policy(constants.LOGISTICS_LED)
		after = make_order()
		self.assertEqual(record(after.name).accountable_department, constants.LOGISTICS)
		self.assertEqual(record(before.name).ownership_model, constants.PRODUCTION_LED)

	def test_an_edited_matrix_routes_the_first_handoff(self):
		policy = make_policy(constants.SALES_LED)
		for row in policy.matrix:
			if row.stage == constants.PRODUCTION_PLANNING:
				row.responsibility = {
					constants.PRODUCTION: constants.INFORMED,
					constants.LOGISTICS: constants.RESPONSIBLE,
				}.get(row.department, row.responsibility)
		policy.save()
		so = make_order()
		self.assertEqual(pending_handoff(so.name).to_department, constants.LOGISTICS)

	def test_sla_hours_and_holiday_list_drive_the_due_time(self):
		from frappe.utils import get_datetime

		policy = make_policy(constants.SALES_LED)
		for row in policy.stage_slas:
			row.acceptance_hours = 2
		policy.work_start, policy.work_end = "00:00:00", "23:59:59"
		policy.save()
		so = make_order()
		handoff = frappe.get_doc(constants.DT_ORDER_HANDOFF, pending_handoff(so.name).name)
		hours = (get_datetime(handoff.due_by) - get_datetime(handoff.sent_on)).total_seconds() / 3600
		self.assertGreaterEqual(hours, 2)

	def test_sla_hours_the_clock_cannot_use_are_refused(self):
		# A negative value used to make every Sales Order submit of the company fail; a huge one used
		# to keep the clock walking day by day.
		make_policy(constants.SALES_LED)
		for fieldname in ("acceptance_hours", "completion_hours"):
			for bad in (-1, 1e9, MAX_SLA_HOURS + 1):
				policy, row = fresh_policy_and_row(constants.IN_PRODUCTION)
				row.set(fieldname, bad)
				with self.assertRaises(frappe.ValidationError) as refused:
					policy.save()
				self.assertIn(constants.IN_PRODUCTION, str(refused.exception))
			policy, row = fresh_policy_and_row(constants.IN_PRODUCTION)
			kept = row.get(fieldname)
			row.set(fieldname, MAX_SLA_HOURS)
			policy.save()  # the bound itself is allowed
			self.assertEqual(frappe.db.get_value(DT_STAGE_SLA, row.name, fieldname), MAX_SLA_HOURS)
			row.set(fieldname, kept)
			policy.save()

	def test_a_stage_with_two_sla_rows_is_refused(self):
		policy = make_policy(constants.SALES_LED)
		policy.append(
			"stage_slas", {"stage": constants.SHIPPED, "acceptance_hours": 1, "completion_hours": 1}
		)
		self.assertRaises(frappe.ValidationError, policy.save)

	def test_the_working_day_must_be_a_real_day(self):
		make_policy(constants.SALES_LED)
		for start, end in (("17:00:00", "09:00:00"), ("09:00:00", "09:30:00"), ("09:00:00", "09:59:59")):
			# Read again for each attempt (see fresh_policy_and_row).
			policy = frappe.get_doc(constants.DT_POLICY, COMPANY)
			policy.work_start, policy.work_end = start, end
			self.assertRaises(frappe.ValidationError, policy.save)
		policy = frappe.get_doc(constants.DT_POLICY, COMPANY)
		policy.work_start, policy.work_end = "09:00:00", "10:00:00"
		policy.save()  # one hour is enough
		policy.work_start, policy.work_end = "09:00:00", "17:00:00"
		policy.save()

	def test_the_holiday_list_must_exist(self):
		make_policy(constants.SALES_LED)
		for ignore_links in (False, True):
			# Frappe's link check refuses it; the policy refuses it too when a caller skips that check.
			policy = frappe.get_doc(constants.DT_POLICY, COMPANY)
			policy.holiday_list = "OC No Such Holiday List"
			policy.flags.ignore_links = ignore_links
			self.assertRaises(frappe.ValidationError, policy.save)

	def test_only_coordination_administrators_change_the_rules(self):
		if not frappe.db.exists("Role", COORDINATION_MANAGER):
			frappe.get_doc({"doctype": "Role", "role_name": COORDINATION_MANAGER, "desk_access": 1}).insert()
		sales_manager = make_user("oc-sales-manager@example.com", "Sales Manager")
		coordinator = make_user("oc-coordinator@example.com", COORDINATION_MANAGER)
		make_policy(constants.SALES_LED)

		with self.set_user(sales_manager):
			policy = frappe.get_doc(constants.DT_POLICY, COMPANY)
			policy.stage_slas[0].acceptance_hours = 3
			self.assertRaises(frappe.PermissionError, policy.save)
		# The Sales Manager still sees the rules, and changes neither them nor the departments.
		for doctype in (constants.DT_POLICY, constants.DT_DEPARTMENT):
			self.assertTrue(frappe.has_permission(doctype, "read", user=sales_manager))
			for ptype in ("create", "write", "delete"):
				self.assertFalse(frappe.has_permission(doctype, ptype, user=sales_manager), (doctype, ptype))
				self.assertTrue(frappe.has_permission(doctype, ptype, user=coordinator), (doctype, ptype))

		with self.set_user(coordinator):
			policy = frappe.get_doc(constants.DT_POLICY, COMPANY)
			row = policy.stage_slas[0]
			row.acceptance_hours = 3
			policy.save()
		self.assertEqual(frappe.db.get_value(DT_STAGE_SLA, row.name, "acceptance_hours"), 3)
