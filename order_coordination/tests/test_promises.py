"""Delivery dates renegotiated between departments: proposals, answers, ERPNext's dates, the history."""

from unittest.mock import patch

import frappe
from frappe.core.doctype.communication.communication import Communication
from frappe.utils import add_days, getdate, nowdate

from order_coordination import api
from order_coordination.compat import TestCase, declare_test_records
from order_coordination.core import constants
from order_coordination.tests.utils import (
	COMPANY,
	MADE,
	STOCKED,
	at_once,
	make_order,
	make_user,
	make_work_orders_for,
	record,
	remove_committed_orders,
	timeline,
)

declare_test_records(__name__, ["Sales Order", "Work Order", "Stock Entry"])

SALES_USER = "oc-promise-sales@example.com"
PLANNER = "oc-promise-planner@example.com"
CLERK = "oc-promise-clerk@example.com"
OUTSIDER = "oc-promise-outsider@example.com"


def day(n):
	return getdate(add_days(nowdate(), n))


class TestPromiseChanges(TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(SALES_USER, "Sales User")
		make_user(PLANNER, "Manufacturing User")
		make_user(CLERK, "Stock User")
		make_user(OUTSIDER, "Accounts User")

	def policy(self, company, **fields):
		"""A policy of the company's for this test only."""
		policy = frappe.get_doc(
			{
				"doctype": constants.DT_POLICY,
				"company": company,
				"ownership_model": constants.SALES_LED,
				**fields,
			}
		)
		for department in fields.pop("proposers", ()):
			policy.append("promise_proposers", {"department": department})
		policy.insert()
		self.addCleanup(frappe.delete_doc, constants.DT_POLICY, policy.name, force=True)
		return policy

	def order_in_production(self, days=10, **kwargs):
		so = make_order(delivery_date=add_days(nowdate(), days), **kwargs)
		(wo,) = make_work_orders_for(so)
		return so, wo

	def untouched(self, so_name):
		"""What a refused call must leave as it was."""
		oc = record(so_name)
		return (
			len(timeline(so_name)),
			frappe.db.count(constants.DT_PROMISE_CHANGE, {"sales_order": so_name}),
			str(oc.delivery_date),
			str(frappe.db.get_value("Sales Order", so_name, "delivery_date")),
		)

	def test_production_proposes_sales_accepts_and_erpnext_shows_the_new_date(self):
		so, wo = self.order_in_production(days=5)
		first = getdate(so.delivery_date)
		with self.set_user(PLANNER):
			name = api.propose_delivery_date(so.name, str(day(12)), "Capacity", "Press 2 is down")
		change = frappe.get_doc(constants.DT_PROMISE_CHANGE, name)
		self.assertEqual(
			(change.proposed_by_department, change.to_department, change.status, change.days_moved),
			(constants.PRODUCTION, constants.SALES, constants.PROMISE_PENDING, 7),
		)
		self.assertEqual(getdate(record(so.name).delivery_date), first)  # nothing moves before Sales agrees
		with self.set_user(SALES_USER):
			api.accept_delivery_date(name)
		so.reload()
		self.assertEqual((getdate(so.delivery_date), getdate(so.items[0].delivery_date)), (day(12), day(12)))
		self.assertEqual(
			getdate(frappe.db.get_value("Work Order", wo.name, "expected_delivery_date")), day(12)
		)
		oc = record(so.name)
		self.assertEqual((getdate(oc.delivery_date), getdate(oc.original_delivery_date)), (day(12), first))
		change.reload()
		self.assertEqual((change.status, change.responded_by), (constants.PROMISE_ACCEPTED, SALES_USER))
		actions = [row.action for row in timeline(so.name)]
		self.assertIn(constants.TIMELINE_PROMISE_PROPOSED, actions)
		self.assertIn(constants.TIMELINE_PROMISE_ACCEPTED, actions)
		# The app's own save of the new date is not a second, unnegotiated change.
		self.assertNotIn(constants.TIMELINE_DATE_CHANGED, actions)
		with self.set_user(SALES_USER):
			status = api.get_order_status(so.name)
		self.assertEqual(
			(getdate(status["original_delivery_date"]), getdate(status["delivery_date"])), (first, day(12))
		)
		(latest,) = status["promise_changes"]
		self.assertEqual(
			(latest["status"], latest["proposed_by_department"], latest["to_department"], latest["reason"]),
			(constants.PROMISE_ACCEPTED, constants.PRODUCTION, constants.SALES, "Capacity"),
		)
		self.assertEqual((getdate(latest["old_date"]), getdate(latest["new_date"])), (first, day(12)))
		self.assertEqual(status["duties"]["responsible"], constants.PRODUCTION)

	def test_work_orders_made_from_the_orders_own_production_plan_take_the_new_date(self):
		from order_coordination.tests.utils import make_plan

		so = make_order(qty=2, delivery_date=add_days(nowdate(), 10))
		plan = make_plan([so])
		wo = frappe.get_doc("Work Order", {"production_plan": plan.name})
		wo.wip_warehouse = "Work In Progress - _TC"
		wo.save()
		wo.submit()
		with self.set_user(PLANNER):
			name = api.propose_delivery_date(so.name, str(day(16)), "Capacity")
		with self.set_user(SALES_USER):
			api.accept_delivery_date(name)
		self.assertEqual(
			getdate(frappe.db.get_value("Work Order", wo.name, "expected_delivery_date")), day(16)
		)

	def test_an_accepted_date_recomputes_the_status_at_once(self):
		so, _wo = self.order_in_production(days=1)
		frappe.db.set_value(constants.DT_ORDER_COORDINATION, so.name, "status", constants.STATUS_OVERDUE)
		frappe.db.set_value(constants.DT_ORDER_COORDINATION, so.name, "delivery_date", day(-3))
		with self.set_user(PLANNER):
			name = api.propose_delivery_date(so.name, str(day(90)), "Material Shortage")
		with self.set_user(SALES_USER):
			api.accept_delivery_date(name)
		self.assertEqual(record(so.name).status, constants.STATUS_OPEN)
		self.assertEqual(
			frappe.db.get_value("Sales Order", so.name, constants.FIELD_STATUS), constants.STATUS_OPEN
		)

	def test_sales_declines_with_a_reason_and_nothing_moves(self):
		so, _wo = self.order_in_production()
		with self.set_user(PLANNER):
			name = api.propose_delivery_date(so.name, str(day(30)), "Capacity")
		with self.set_user(SALES_USER):
			self.assertRaises(frappe.ValidationError, api.decline_delivery_date, name, "  ")
			api.decline_delivery_date(name, "The customer cannot wait")
		change = frappe.get_doc(constants.DT_PROMISE_CHANGE, name)
		self.assertEqual(
			(change.status, change.response_reason), (constants.PROMISE_DECLINED, "The customer cannot wait")
		)
		self.assertEqual(getdate(frappe.db.get_value("Sales Order", so.name, "delivery_date")), day(10))
		with self.set_user(SALES_USER):
			self.assertRaises(frappe.ValidationError, api.accept_delivery_date, name)

	def test_a_customer_request_goes_from_sales_to_the_department_working_on_the_order(self):
		so, _wo = self.order_in_production()
		with self.set_user(SALES_USER):
			name = api.propose_delivery_date(so.name, str(day(20)), "Customer Request", "Site not ready")
			# Sales does not answer its own request.
			self.assertRaises(frappe.PermissionError, api.accept_delivery_date, name)
		self.assertEqual(
			frappe.db.get_value(constants.DT_PROMISE_CHANGE, name, "to_department"), constants.PRODUCTION
		)
		with self.set_user(PLANNER):
			api.accept_delivery_date(name)
		self.assertEqual(getdate(record(so.name).delivery_date), day(20))

	def test_lines_only_move_their_own_dates(self):
		so = make_order(item_code=STOCKED, delivery_date=add_days(nowdate(), 10), do_not_submit=True)
		so.append("items", {**so.items[0].as_dict(), "name": None, "idx": 2, "item_code": MADE})
		so.save()
		so.submit()
		second = so.items[1].name
		with self.set_user(CLERK):
			name = api.propose_delivery_date(so.name, str(day(25)), "Carrier", items=[second])
		change = frappe.get_doc(constants.DT_PROMISE_CHANGE, name)
		self.assertEqual([row.sales_order_item for row in change.items], [second])
		with self.set_user(SALES_USER):
			api.accept_delivery_date(name)
		so.reload()
		self.assertEqual([getdate(r.delivery_date) for r in so.items], [day(10), day(25)])
		self.assertEqual(getdate(so.delivery_date), day(25))  # ERPNext's header: the latest line
		self.assertEqual(getdate(record(so.name).delivery_date), day(10))  # still due first by line 1

	def test_bad_input_is_refused_and_changes_nothing(self):
		so, _wo = self.order_in_production()
		before = self.untouched(so.name)
		with self.set_user(PLANNER):
			for args in (
				(so.name, str(day(-1)), "Capacity"),
				(so.name, "not a date", "Capacity"),
				(so.name, "2026-02-30", "Capacity"),
				(so.name, str(day(5)), "Because"),
				(so.name, str(day(5)), None),
				(so.name, str(day(10)), "Capacity"),  # the date it is already promised for
			):
				self.assertRaises(frappe.ValidationError, api.propose_delivery_date, *args)
			self.assertRaises(
				frappe.ValidationError,
				api.propose_delivery_date,
				so.name,
				str(day(5)),
				"Capacity",
				None,
				["nope"],
			)
			self.assertRaises(frappe.PermissionError, api.accept_delivery_date, "PC-NOPE")  # no oracle
		self.assertEqual(self.untouched(so.name), before)

	def test_who_may_propose_and_answer(self):
		so, _wo = self.order_in_production()
		with self.set_user(OUTSIDER):
			self.assertRaises(
				frappe.PermissionError, api.propose_delivery_date, so.name, str(day(20)), "Capacity"
			)
		with self.set_user(PLANNER):
			name = api.propose_delivery_date(so.name, str(day(20)), "Capacity")
		for user in (PLANNER, CLERK, OUTSIDER):
			with self.set_user(user):
				self.assertRaises(frappe.PermissionError, api.accept_delivery_date, name)
		self.policy(so.company, proposers=[constants.PRODUCTION])
		other = make_order(item_code=STOCKED, delivery_date=add_days(nowdate(), 10))
		with self.set_user(CLERK):  # Logistics may no longer propose under the company's new policy
			self.assertRaises(
				frappe.PermissionError, api.propose_delivery_date, other.name, str(day(20)), "Carrier"
			)
		with self.set_user(SALES_USER):
			offered = {a["action"] for a in api.get_order_status(so.name)["actions"]}
		self.assertTrue({"accept_date", "decline_date", "propose_date"} <= offered)

	def test_a_newer_proposal_replaces_the_pending_one_and_cancelling_withdraws_it(self):
		so, wo = self.order_in_production()
		with self.set_user(PLANNER):
			first = api.propose_delivery_date(so.name, str(day(20)), "Capacity")
			second = api.propose_delivery_date(so.name, str(day(22)), "Material Shortage")
		self.assertEqual(
			frappe.db.get_value(constants.DT_PROMISE_CHANGE, first, "status"), constants.PROMISE_CANCELLED
		)
		wo.reload()
		wo.cancel()
		so.reload()
		so.cancel()
		self.assertEqual(
			frappe.db.get_value(constants.DT_PROMISE_CHANGE, second, "status"), constants.PROMISE_CANCELLED
		)
		with self.set_user(PLANNER):
			self.assertRaises(
				frappe.ValidationError, api.propose_delivery_date, so.name, str(day(30)), "Capacity"
			)

	def test_a_cancelled_order_with_a_proposal_can_be_deleted_and_takes_it_along(self):
		so, wo = self.order_in_production()
		with self.set_user(PLANNER):
			name = api.propose_delivery_date(so.name, str(day(20)), "Capacity")
		wo.reload()
		wo.cancel()
		so.reload()
		so.cancel()
		frappe.delete_doc("Work Order", wo.name)  # ERPNext keeps an order its Work Orders link to
		frappe.delete_doc("Sales Order", so.name)
		self.assertFalse(frappe.db.exists(constants.DT_PROMISE_CHANGE, name))
		self.assertFalse(frappe.db.exists(constants.DT_PROMISE_CHANGE_ITEM, {"parent": name}))

	def test_two_answers_at_once_one_wins(self):
		so, _wo = self.order_in_production()
		with self.set_user(PLANNER):
			name = api.propose_delivery_date(so.name, str(day(20)), "Capacity")
		frappe.db.commit()  # the two connections must see the proposal
		self.addCleanup(remove_committed_orders, [so.name])
		self.addCleanup(frappe.db.delete, "Work Order", {"sales_order": so.name})
		results = at_once(lambda: api.accept_delivery_date(name))
		outcomes = sorted("refused" if isinstance(r, frappe.ValidationError) else "accepted" for r in results)
		self.assertEqual(outcomes, ["accepted", "refused"])
		self.assertEqual(
			frappe.db.count(
				constants.DT_TIMELINE, {"sales_order": so.name, "action": constants.TIMELINE_PROMISE_ACCEPTED}
			),
			1,
		)

	def test_two_proposals_at_once_the_later_replaces_the_earlier(self):
		so, _wo = self.order_in_production()
		frappe.db.commit()  # the two connections must see the order
		self.addCleanup(remove_committed_orders, [so.name])
		self.addCleanup(frappe.db.delete, "Work Order", {"sales_order": so.name})
		results = at_once(lambda: api.propose_delivery_date(so.name, str(day(20)), "Capacity"))
		self.assertFalse([r for r in results if isinstance(r, Exception)])
		statuses = sorted(
			frappe.get_all(constants.DT_PROMISE_CHANGE, filters={"sales_order": so.name}, pluck="status")
		)
		self.assertEqual(statuses, [constants.PROMISE_CANCELLED, constants.PROMISE_PENDING])
		self.assertEqual(record(so.name).name, so.name)
		pending = frappe.db.get_value(
			constants.DT_PROMISE_CHANGE, {"sales_order": so.name, "status": constants.PROMISE_PENDING}
		)
		facts = frappe.parse_json(record(so.name).facts)
		self.assertEqual(facts["pending_promise"]["name"], pending)  # the record and the rows agree

	def told(self, so_name):
		payloads = frappe.get_all(constants.DT_OUTBOX, filters={"sales_order": so_name}, pluck="payload")
		return [item["departments"] for payload in payloads for item in frappe.parse_json(payload)]

	def test_the_matrix_decides_who_is_told(self):
		# The preset keeps every department informed: Production is asked, Logistics is told.
		self.assertEqual(self.told(make_order().name), [[constants.PRODUCTION, constants.LOGISTICS]])
		policy = self.policy(COMPANY)
		policy.set(
			"matrix",
			[
				r
				for r in policy.matrix
				if not (r.stage == constants.ORDER_RECEIVED and r.department == constants.LOGISTICS)
			],
		)
		policy.save()
		self.assertEqual(self.told(make_order().name), [[constants.PRODUCTION]])
		policy.reload()
		policy.append(
			"matrix",
			{
				"stage": constants.ORDER_RECEIVED,
				"department": constants.LOGISTICS,
				"responsibility": constants.INFORMED,
			},
		)
		policy.notify_handoffs = 0
		policy.save()
		# Whoever must act is told whatever the switches say.
		self.assertEqual(self.told(make_order().name), [[constants.PRODUCTION]])

	def test_an_unanswered_proposal_is_escalated_once(self):
		so, _wo = self.order_in_production()
		with self.set_user(PLANNER):
			name = api.propose_delivery_date(so.name, str(day(20)), "Capacity")
		frappe.db.set_value(constants.DT_PROMISE_CHANGE, name, "due_by", add_days(nowdate(), -1))
		from order_coordination.sweep import escalate_overdue_promises

		self.assertEqual(escalate_overdue_promises(), [name])
		self.assertEqual(escalate_overdue_promises(), [])
		self.assertIn(constants.TIMELINE_PROMISE_ESCALATED, [r.action for r in timeline(so.name)])

	def test_the_customer_is_told_when_the_policy_says_so(self):
		if not frappe.db.exists("Email Template", "OC New Delivery Date"):
			frappe.get_doc(
				{
					"doctype": "Email Template",
					"name": "OC New Delivery Date",
					"subject": "Your order {{ name }}",
					"response": "Your order {{ name }} will now arrive on {{ new_date }} (was {{ old_date }}).",
				}
			).insert()
			self.addCleanup(frappe.delete_doc, "Email Template", "OC New Delivery Date", force=True)
		so, _wo = self.order_in_production()
		self.policy(
			so.company, notify_customer_of_new_date=1, customer_notice_template="OC New Delivery Date"
		)
		frappe.db.set_value("Sales Order", so.name, "contact_email", "buyer@example.com")
		with self.set_user(PLANNER):
			name = api.propose_delivery_date(so.name, str(day(20)), "Capacity")
		with (
			self.set_user(SALES_USER),
			patch.object(Communication, "get_outgoing_email_account", return_value=frappe._dict(name="Test")),
			patch.object(Communication, "send_email") as send,
		):
			api.accept_delivery_date(name)
		send.assert_called_once()
		sent = frappe.get_all(
			"Communication",
			filters={"reference_doctype": "Sales Order", "reference_name": so.name},
			fields=["recipients", "subject", "content"],
		)
		self.assertEqual(len(sent), 1)
		self.assertIn("buyer@example.com", sent[0].recipients)
		self.assertIn(str(day(20)), sent[0].content)
		# Without an outgoing email account the new date still stands; the failure is logged.
		with self.set_user(PLANNER):
			name = api.propose_delivery_date(so.name, str(day(40)), "Capacity")
		errors = frappe.db.count("Error Log")
		with self.set_user(SALES_USER):
			api.accept_delivery_date(name)
		self.assertEqual(getdate(record(so.name).delivery_date), day(40))
		self.assertEqual(frappe.db.count("Error Log"), errors + 1)
		# The customer asked Sales for a date: Production accepts it (no email rights on Sales Orders), and
		# the customer is told all the same.
		with self.set_user(SALES_USER):
			name = api.propose_delivery_date(so.name, str(day(45)), "Customer Request")
		with (
			self.set_user(PLANNER),
			patch.object(Communication, "get_outgoing_email_account", return_value=frappe._dict(name="Test")),
			patch.object(Communication, "send_email") as send,
		):
			api.accept_delivery_date(name)
		send.assert_called_once()
		self.assertEqual(getdate(record(so.name).delivery_date), day(45))


class TestPromiseReports(TestCase):
	"""Promise Reliability and On-Time In-Full against the first and the latest promise."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(SALES_USER, "Sales User")
		make_user(PLANNER, "Manufacturing User")
		make_user(CLERK, "Stock User")
		group, territory = frappe.db.get_value("Customer", "_Test Customer", ["customer_group", "territory"])
		cls.customers = {}
		for name in ("OC Promise Report Customer", "OC OTIF Report Customer"):
			cls.customers[name] = frappe.db.get_value("Customer", {"customer_name": name}) or (
				frappe.get_doc(
					{
						"doctype": "Customer",
						"customer_name": name,
						"customer_group": group,
						"territory": territory,
					}
				)
				.insert()
				.name
			)
		cls.customer = cls.customers["OC Promise Report Customer"]

	def test_promise_reliability_counts_who_moved_what_and_why(self):
		from order_coordination.order_coordination.report.promise_reliability import promise_reliability

		a = make_order(delivery_date=add_days(nowdate(), 10), customer=self.customer)
		make_work_orders_for(a)
		b = make_order(item_code=STOCKED, delivery_date=add_days(nowdate(), 10), customer=self.customer)
		make_order(item_code=STOCKED, delivery_date=add_days(nowdate(), 10), customer=self.customer)
		with self.set_user(PLANNER):
			accepted = api.propose_delivery_date(a.name, str(day(17)), "Capacity")
		with self.set_user(SALES_USER):
			api.accept_delivery_date(accepted)
		with self.set_user(CLERK):
			declined = api.propose_delivery_date(a.name, str(day(20)), "Carrier")
		with self.set_user(SALES_USER):
			api.decline_delivery_date(declined, "No")
			asked = api.propose_delivery_date(b.name, str(day(15)), "Customer Request")
		with self.set_user(CLERK):
			api.accept_delivery_date(asked)

		filters = {"customer": self.customer}
		_cols, rows, *_ = promise_reliability.execute(filters)
		month = getdate(nowdate()).strftime("%Y-%m")
		got = {r["department"]: r for r in rows if r["month"] == month}
		self.assertEqual(
			{d: (r["proposals"], r["accepted"], r["declined"], r["days_moved"]) for d, r in got.items()},
			{
				constants.PRODUCTION: (1, 1, 0, 7),
				constants.LOGISTICS: (1, 0, 1, 0),
				constants.SALES: (1, 1, 0, 5),
			},
		)
		self.assertEqual(got[constants.PRODUCTION]["reason_capacity"], 1)
		self.assertEqual(got[constants.SALES]["reason_customer_request"], 1)
		_cols, rows, *_ = promise_reliability.execute({**filters, "view": "Customer"})
		(row,) = rows
		self.assertEqual(
			(row.orders, row.orders_moved, row.moves, row.days_moved, row.customer_requests), (3, 2, 2, 12, 1)
		)
		self.assertRaises(frappe.ValidationError, promise_reliability.execute, {"view": "Nonsense"})

	def test_on_time_in_full_against_the_first_and_the_latest_promise(self):
		from order_coordination.order_coordination.report.on_time_in_full import on_time_in_full
		from order_coordination.tests.utils import add_stock, deliver

		self.customer = self.customers["OC OTIF Report Customer"]
		so = make_order(
			item_code=STOCKED,
			qty=2,
			transaction_date=add_days(nowdate(), -20),
			delivery_date=add_days(nowdate(), -5),
			customer=self.customer,
		)
		with self.set_user(CLERK):
			name = api.propose_delivery_date(so.name, nowdate(), "Carrier")
		with self.set_user(SALES_USER):
			api.accept_delivery_date(name)
		add_stock(STOCKED, 2)
		deliver(so)
		_cols, rows, *_ = on_time_in_full.execute({"customer": self.customer})
		(row,) = [r for r in rows if r["month"] == getdate(nowdate()).strftime("%Y-%m")]
		self.assertEqual(
			(row["orders"], row["otif"], row["moved"], row["on_time_first"], row["otif_first"]),
			(1, 1, 1, 0, 0),
		)
