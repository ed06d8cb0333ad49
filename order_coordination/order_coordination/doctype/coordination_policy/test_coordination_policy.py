from datetime import time

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import get_time

from order_coordination.core import constants as C
from order_coordination.tests.utils import COMPANY, make_order, pending_handoff, record

test_dependencies = ["Sales Order"]


def make_policy(model, **values):
	if frappe.db.exists(C.DT_POLICY, COMPANY):
		policy = frappe.get_doc(C.DT_POLICY, COMPANY)
		policy.ownership_model = model
	else:
		policy = frappe.new_doc(C.DT_POLICY)
		policy.company = COMPANY
		policy.ownership_model = model
	policy.update(values)
	policy.save()
	return policy


class TestCoordinationPolicy(FrappeTestCase):
	def test_model_presets_an_editable_matrix_and_slas(self):
		policy = make_policy(C.PRODUCTION_LED)
		cells = {(r.stage, r.department): r.responsibility for r in policy.matrix}
		self.assertEqual(cells[(C.SHIPPED, C.PRODUCTION)], C.ACCOUNTABLE)
		self.assertEqual(cells[(C.SHIPPED, C.LOGISTICS)], C.RESPONSIBLE)
		self.assertEqual({r.stage for r in policy.stage_slas}, set(C.STAGES))
		self.assertEqual((get_time(policy.work_start), get_time(policy.work_end)), (time(9), time(17)))

	def test_a_matrix_without_a_responsible_department_is_refused(self):
		policy = make_policy(C.SALES_LED)
		for row in policy.matrix:
			if row.stage == C.SHIPPED and row.responsibility == C.RESPONSIBLE:
				row.responsibility = C.INFORMED
		self.assertRaises(frappe.ValidationError, policy.save)

	def test_orders_keep_the_policy_they_started_under(self):
		make_policy(C.PRODUCTION_LED)
		before = make_order()
		self.assertEqual(record(before.name).accountable_department, C.PRODUCTION)
		self.assertEqual(record(before.name).ownership_model, C.PRODUCTION_LED)
		make_policy(C.LOGISTICS_LED)
		after = make_order()
		self.assertEqual(record(after.name).accountable_department, C.LOGISTICS)
		self.assertEqual(record(before.name).ownership_model, C.PRODUCTION_LED)

	def test_an_edited_matrix_routes_the_first_handoff(self):
		policy = make_policy(C.SALES_LED)
		for row in policy.matrix:
			if row.stage == C.PRODUCTION_PLANNING:
				row.responsibility = {C.PRODUCTION: C.INFORMED, C.LOGISTICS: C.RESPONSIBLE}.get(
					row.department, row.responsibility
				)
		policy.save()
		so = make_order()
		self.assertEqual(pending_handoff(so.name).to_department, C.LOGISTICS)

	def test_sla_hours_and_holiday_list_drive_the_due_time(self):
		from frappe.utils import get_datetime

		policy = make_policy(C.SALES_LED)
		for row in policy.stage_slas:
			row.acceptance_hours = 2
		policy.work_start, policy.work_end = "00:00:00", "23:59:59"
		policy.save()
		so = make_order()
		handoff = frappe.get_doc(C.DT_ORDER_HANDOFF, pending_handoff(so.name).name)
		hours = (get_datetime(handoff.due_by) - get_datetime(handoff.sent_on)).total_seconds() / 3600
		self.assertGreaterEqual(hours, 2)
