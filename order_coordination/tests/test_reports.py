"""The reports' numbers, checked against orders, handoffs and deliveries made here."""

from datetime import datetime

import frappe
from erpnext.stock.doctype.delivery_note.delivery_note import make_sales_return
from erpnext.stock.doctype.item.test_item import make_item
from frappe.utils import add_days, now_datetime, nowdate

from order_coordination import api
from order_coordination.compat import TestCase, declare_test_records
from order_coordination.core import constants
from order_coordination.insight import numbers as dashboard
from order_coordination.order_coordination.dashboard_chart_source.median_acceptance_hours import (
	median_acceptance_hours,
)
from order_coordination.order_coordination.dashboard_chart_source.on_time_deliveries import (
	on_time_deliveries,
)
from order_coordination.order_coordination.report.department_dwell_time import department_dwell_time
from order_coordination.order_coordination.report.department_queue import department_queue
from order_coordination.order_coordination.report.handoff_lead_time import handoff_lead_time
from order_coordination.order_coordination.report.on_time_in_full import on_time_in_full
from order_coordination.order_coordination.report.order_pipeline import order_pipeline
from order_coordination.patches import held_stretches
from order_coordination.tests.utils import (
	COMPANY,
	STOCKED,
	WAREHOUSE,
	add_stock,
	deliver,
	make_order,
	make_user,
	pending_handoff,
)

declare_test_records(__name__, ["Sales Order", "Delivery Note", "Stock Entry"])

MONDAY = datetime(2026, 11, 16)
WEEK = {"company": COMPANY, "from_date": "2026-11-16", "to_date": "2026-11-20"}


def at(day, hour):
	return MONDAY.replace(day=MONDAY.day + day, hour=hour)


def week_of_handoffs():
	"""A week of handoffs: order A accepted by Production (2 h) and handed on to Logistics (accepted in
	1 h); order B rejected by Production (1 h), sent again and accepted (4 h)."""
	a, b = make_order(), make_order()
	first_a = pending_handoff(a.name).name
	api.accept_handoff(first_a)
	retime(first_a, at(0, 9), at(0, 11), 2)
	second_a = api.hand_off(a.name, constants.LOGISTICS)
	api.accept_handoff(second_a)
	retime(second_a, at(1, 9), at(1, 10), 1)

	first_b = pending_handoff(b.name).name
	api.reject_handoff(first_b, "Not this week")
	retime(first_b, at(0, 9), at(0, 10), 1)
	again_b = api.hand_off(b.name, constants.PRODUCTION)
	api.accept_handoff(again_b)
	retime(again_b, at(0, 12), at(0, 16), 4)
	# The lead times kept as the handoffs were answered, moved with the retimed history.
	held_stretches.fill_orders([a.name, b.name])


def retime(handoff, sent_on, responded_on=None, response_hours=None):
	values = {"sent_on": sent_on, "due_by": sent_on}
	if responded_on:
		values.update(responded_on=responded_on, response_hours=response_hours)
	frappe.db.set_value(constants.DT_ORDER_HANDOFF, handoff, values)


def only(rows, **match):
	found = [r for r in rows if all(r.get(k) == v for k, v in match.items())]
	assert len(found) == 1, (match, rows)
	return found[0]


class TestReports(TestCase):
	def setUp(self):
		frappe.db.delete(constants.DT_ORDER_HANDOFF)
		frappe.db.delete(constants.DT_ORDER_COORDINATION)

	def test_order_pipeline(self):
		made = make_order()
		stocked = make_order(item_code=STOCKED)
		columns, rows, _message, chart = order_pipeline.execute({"company": COMPANY})
		row = only(rows, sales_order=made.name)
		self.assertEqual(
			(row["stage"], row["responsible_department"], row["pending_to"]),
			(constants.ORDER_RECEIVED, constants.SALES, constants.PRODUCTION),
		)
		self.assertEqual(only(rows, sales_order=stocked.name)["pending_to"], constants.LOGISTICS)
		self.assertEqual(chart["data"]["datasets"][0]["values"], [2])
		_c, rows, *_ = order_pipeline.execute({"company": COMPANY, "customer": "_Test Customer 1"})
		self.assertEqual(rows, [])

	def test_handoff_lead_time(self):
		week_of_handoffs()

		_c, rows = handoff_lead_time.execute(WEEK)
		sp = only(rows, from_department=constants.SALES, to_department=constants.PRODUCTION)
		self.assertEqual((sp["handoffs"], sp["accepted"], sp["rejected"]), (3, 2, 1))
		self.assertAlmostEqual(sp["median_accept_hours"], 3)
		self.assertAlmostEqual(sp["p90_accept_hours"], 3.8)
		# Production held order A from Monday 11:00 until it handed it on Tuesday 09:00: six working hours.
		self.assertAlmostEqual(sp["median_complete_hours"], 6)
		pl = only(rows, from_department=constants.PRODUCTION, to_department=constants.LOGISTICS)
		self.assertEqual((pl["handoffs"], pl["median_accept_hours"]), (1, 1))
		_c, rows = handoff_lead_time.execute({**WEEK, "department": constants.LOGISTICS})
		self.assertEqual(
			[(r["from_department"], r["to_department"]) for r in rows],
			[(constants.PRODUCTION, constants.LOGISTICS)],
		)

	def test_department_dwell_time(self):
		so = make_order()
		frappe.db.set_value(constants.DT_ORDER_COORDINATION, so.name, "creation", at(0, 9))
		handoff = pending_handoff(so.name).name
		api.accept_handoff(handoff)
		retime(handoff, at(0, 9), at(0, 11), 2)
		# The stretches kept as they ended, moved with the retimed history (the patch's replay).
		held_stretches.fill_orders([so.name])
		_c, rows = department_dwell_time.execute(WEEK)
		sales = only(rows, department=constants.SALES)
		production = only(rows, department=constants.PRODUCTION)
		self.assertAlmostEqual(sales["hours_held"], 2)
		self.assertAlmostEqual(sales["waited_on_others"], 2)
		self.assertEqual(sales["waited_most_on"], constants.PRODUCTION)
		self.assertAlmostEqual(production["others_waited"], 2)
		self.assertAlmostEqual(
			production["hours_held"], 6 + 4 * 8
		)  # Monday from 11:00, then Tuesday to Friday

	def test_the_live_path_keeps_the_stretches_the_replay_gives(self):
		"""Who held the order when, as acceptances write it, is what replaying its handoffs gives (the
		patch's replay, which the report ran before it summed stored stretches)."""
		so = make_order()
		first = pending_handoff(so.name).name
		api.reject_handoff(first, "Not yet")
		again = api.hand_off(so.name, constants.PRODUCTION)
		api.accept_handoff(again)
		onward = api.hand_off(so.name, constants.LOGISTICS)
		api.accept_handoff(onward)
		back = api.hand_off(so.name, constants.PRODUCTION)
		api.accept_handoff(back)
		fields = (
			"held_by",
			"held_since",
			"held_hours",
			"previously_held_until",
			"handed_on",
			"complete_hours",
		)
		record_fields = ("held_by", "held_since", "previously_held_until", "held_until")
		live_handoffs = {
			h.name: h
			for h in frappe.get_all(
				constants.DT_ORDER_HANDOFF, {"order_coordination": so.name}, ["name", *fields]
			)
		}
		live_record = frappe.db.get_value(
			constants.DT_ORDER_COORDINATION, so.name, record_fields, as_dict=True
		)
		# Production held it twice: its second stretch knows when its first ended.
		self.assertEqual(live_record.held_by, constants.PRODUCTION)
		self.assertIsNotNone(live_record.previously_held_until)
		self.assertEqual(live_handoffs[back].held_by, constants.LOGISTICS)
		self.assertEqual(live_handoffs[onward].held_by, constants.PRODUCTION)
		self.assertIsNone(live_handoffs[first].held_by)  # a rejection ends nobody's stretch
		# Production handed the order on when it sent it to Logistics; Logistics, when it sent it back.
		self.assertIsNotNone(live_handoffs[again].handed_on)
		self.assertIsNotNone(live_handoffs[onward].handed_on)
		self.assertIsNone(live_handoffs[back].handed_on)

		# The live path starts the first stretch at the order's submission; the replay at its record's
		# creation: give both the same start, then replay.
		frappe.db.set_value(
			constants.DT_ORDER_COORDINATION,
			so.name,
			"creation",
			live_handoffs[again].held_since,
			update_modified=False,
		)
		held_stretches.fill_orders([so.name])
		replayed = {
			h.name: h
			for h in frappe.get_all(
				constants.DT_ORDER_HANDOFF, {"order_coordination": so.name}, ["name", *fields]
			)
		}
		for name, live in live_handoffs.items():
			for field in fields:
				with self.subTest(handoff=name, field=field):
					if field in ("held_hours", "complete_hours"):
						self.assertAlmostEqual(live[field] or 0, replayed[name][field] or 0, places=3)
					else:
						self.assertEqual(live[field], replayed[name][field])
		record = frappe.db.get_value(constants.DT_ORDER_COORDINATION, so.name, record_fields, as_dict=True)
		self.assertEqual(record, live_record)

	def test_dwell_time_counts_an_order_that_came_back_once(self):
		so = make_order()
		frappe.db.set_value(constants.DT_ORDER_COORDINATION, so.name, "creation", at(0, 9))
		steps = (
			(pending_handoff(so.name).name, at(0, 9), at(0, 10)),  # Sales -> Production
			(None, at(0, 11), at(0, 12), constants.LOGISTICS),  # Production -> Logistics
			(None, at(0, 13), at(0, 14), constants.PRODUCTION),  # Logistics -> Production again
		)
		for step in steps:
			name = step[0] or api.hand_off(so.name, step[3])
			api.accept_handoff(name)
			retime(name, step[1], step[2], 1)
		held_stretches.fill_orders([so.name])
		_c, rows = department_dwell_time.execute(WEEK)
		production = only(rows, department=constants.PRODUCTION)
		self.assertEqual(production["orders"], 1)
		# Monday 10:00 to 12:00, then from 14:00 to the end of the week: 2 + 3 + 4 * 8 hours.
		self.assertAlmostEqual(production["hours_held"], 2 + 3 + 4 * 8)
		self.assertEqual(only(rows, department=constants.LOGISTICS)["orders"], 1)

	def test_dwell_time_counts_an_order_that_finished_in_the_period(self):
		so = make_order()
		frappe.db.sql(
			"""update `tabOrder Coordination` set creation = %s, held_since = %s, status = %s, modified = %s
			where name = %s""",
			(at(0, 9), at(0, 9), constants.STATUS_CANCELLED, at(0, 12), so.name),
		)
		_c, rows = department_dwell_time.execute({**WEEK, "department": constants.SALES})
		sales = only(rows, department=constants.SALES)
		# Sales held it from Monday 09:00 until it was cancelled at 12:00: one order, three hours.
		self.assertEqual(sales["orders"], 1)
		self.assertAlmostEqual(sales["hours_held"], 3)

	def test_on_time_in_full(self):

		kwargs = {
			"item_code": STOCKED,
			"qty": 4,
			"transaction_date": "2026-10-01",
			"delivery_date": "2026-10-10",
		}
		on_time = make_order(**kwargs)
		partial = make_order(**kwargs)
		late = make_order(**kwargs)
		make_order(
			**{**kwargs, "transaction_date": "2026-10-31", "delivery_date": "2026-11-10"}
		)  # never shipped
		frappe.get_doc(
			{
				"doctype": "Stock Entry",
				"stock_entry_type": "Material Receipt",
				"company": COMPANY,
				"set_posting_time": 1,
				"posting_date": "2026-09-30",
				"items": [{"item_code": STOCKED, "qty": 20, "t_warehouse": WAREHOUSE, "basic_rate": 10}],
			}
		).submit()
		for so, qty, day in (
			(on_time, None, "2026-10-09"),
			(partial, 2, "2026-10-09"),
			(late, None, "2026-10-12"),
		):
			dn = deliver(so, qty=qty, submit=False)
			dn.set_posting_time = 1
			dn.posting_date = day
			dn.save()
			dn.submit()
		_c, rows, _m, chart = on_time_in_full.execute(
			{"company": COMPANY, "from_date": "2026-10-01", "to_date": "2026-11-30"}
		)
		october = only(rows, customer="_Test Customer", month="2026-10")
		self.assertEqual(
			{k: october[k] for k in ("orders", "on_time", "in_full", "otif")},
			{"orders": 3, "on_time": 2, "in_full": 2, "otif": 1},
		)
		self.assertAlmostEqual(october["otif_percent"], 100 / 3)
		november = only(rows, customer="_Test Customer", month="2026-11")
		self.assertEqual((november["orders"], november["otif"]), (1, 0))
		self.assertEqual(chart["data"]["labels"], ["2026-10", "2026-11"])

	def test_department_queue(self):
		planner = make_user("oc-queue-planner@example.com", "Manufacturing User")
		so = make_order()
		with self.set_user(planner):
			_c, rows = department_queue.execute({})
			row = only(rows, sales_order=so.name)
			self.assertEqual(
				(row["department"], row["from_department"]), (constants.PRODUCTION, constants.SALES)
			)
			self.assertIn(row["sla"], ("On Time", "Due Soon", "Overdue"))
			api.accept_handoff(row["handoff"])
			_c, rows = department_queue.execute({})
			row = only(rows, sales_order=so.name)
			self.assertEqual(  # the stage follows who took it on
				(row["department"], row["stage"]), (constants.PRODUCTION, constants.PRODUCTION_PLANNING)
			)
		with self.set_user(make_user("oc-queue-sales@example.com", "Sales User")):
			_c, rows = department_queue.execute({})
			self.assertFalse([r for r in rows if r["sales_order"] == so.name])


OTHER_COMPANY = "_Test Company 1"  # an ERPNext test record, as in test_http; made here if missing
OTHER_CUSTOMER = "_Test Customer 1"
RESTRICTED = "oc-report-restricted@example.com"
RETURNABLE = "OC Test Returnable Widget"  # stock of its own: back-dated moves of other items cannot touch it
REPORTS = (order_pipeline, handoff_lead_time, department_dwell_time, on_time_in_full, department_queue)


def ensure_other_company():
	if not frappe.db.exists("Company", OTHER_COMPANY):
		frappe.get_doc(
			{
				"doctype": "Company",
				"company_name": OTHER_COMPANY,
				"abbr": "_TC1",
				"default_currency": "USD",
				"country": "United States",
			}
		).insert()


def move_order(name, **values):
	"""Put an order's coordination rows under another company or customer, as if it had been sold there."""
	frappe.db.set_value(constants.DT_ORDER_COORDINATION, name, values)
	for doctype in (constants.DT_ORDER_HANDOFF, constants.DT_EXCEPTION, constants.DT_TIMELINE):
		fields = {k: v for k, v in values.items() if frappe.get_meta(doctype).has_field(k)}
		if fields:
			frappe.db.set_value(doctype, {"sales_order": name}, fields)


def names(rows):
	return {r["sales_order"] for r in rows}


def series(chart, name):
	return next(d["values"] for d in chart["datasets"] if d["name"] == name)


class TestReportVisibility(TestCase):
	"""A user limited by a User Permission to one company (or customer) sees only its orders, everywhere."""

	def setUp(self):
		frappe.db.delete(constants.DT_ORDER_HANDOFF)
		frappe.db.delete(constants.DT_ORDER_COORDINATION)
		ensure_other_company()
		self.ours, self.theirs = make_order().name, make_order().name
		move_order(self.theirs, company=OTHER_COMPANY)
		make_user(RESTRICTED, "Sales User")
		self.restrict(RESTRICTED, "Company", OTHER_COMPANY)

	def restrict(self, user, allow, value):
		doc = frappe.get_doc({"doctype": "User Permission", "user": user, "allow": allow, "for_value": value})
		doc.insert(ignore_permissions=True)
		# Deleting it (not only the rollback) clears Frappe's cache of the user's permissions.
		self.addCleanup(frappe.delete_doc, "User Permission", doc.name, ignore_permissions=True)

	def numbers(self):
		"""What each report counts of the two orders: both are held by Sales and wait on Production."""
		_c, pipeline, *_ = order_pipeline.execute({})
		_c, lead_time = handoff_lead_time.execute({})
		_c, dwell = department_dwell_time.execute({})
		_c, otif, *_ = on_time_in_full.execute({})
		_c, queue = department_queue.execute({"department": constants.SALES})
		return {
			"pipeline": names(pipeline),
			"handoffs": only(lead_time, from_department=constants.SALES, to_department=constants.PRODUCTION)[
				"handoffs"
			],
			"held by sales": only(dwell, department=constants.SALES)["orders"],
			"orders due": sum(r["orders"] for r in otif),
			"queue": names(queue),
		}

	def test_reports_show_only_the_orders_of_permitted_companies(self):
		yesterday = add_days(nowdate(), -1)
		for name in (self.ours, self.theirs):
			frappe.db.set_value(constants.DT_ORDER_COORDINATION, name, "delivery_date", yesterday)
		both = {self.ours, self.theirs}
		self.assertEqual(
			self.numbers(),
			{"pipeline": both, "handoffs": 2, "held by sales": 2, "orders due": 2, "queue": both},
		)
		with self.set_user(RESTRICTED):
			theirs = {self.theirs}
			self.assertEqual(
				self.numbers(),
				{"pipeline": theirs, "handoffs": 1, "held by sales": 1, "orders due": 1, "queue": theirs},
			)
			_c, rows, *_ = order_pipeline.execute({"company": OTHER_COMPANY})
			self.assertEqual(names(rows), theirs)

	def test_a_filter_on_a_company_the_user_may_not_see_is_refused(self):
		with self.set_user(RESTRICTED):
			for report in REPORTS:
				with self.subTest(report=report.__name__):
					self.assertRaises(frappe.PermissionError, report.execute, {"company": COMPANY})

	def test_a_filter_on_a_customer_the_user_may_not_see_is_refused(self):
		buyer = "oc-report-customer@example.com"
		make_user(buyer, "Sales User")
		self.restrict(buyer, "Customer", OTHER_CUSTOMER)
		move_order(self.theirs, customer=OTHER_CUSTOMER)
		with self.set_user(buyer):
			_c, rows, *_ = order_pipeline.execute({})
			self.assertEqual(names(rows), {self.theirs})
			for report in REPORTS:
				with self.subTest(report=report.__name__):
					self.assertRaises(frappe.PermissionError, report.execute, {"customer": "_Test Customer"})

	def test_cards_and_charts_count_only_permitted_orders(self):
		for name in (self.ours, self.theirs):
			frappe.db.set_value(
				constants.DT_ORDER_HANDOFF, pending_handoff(name).name, "due_by", add_days(now_datetime(), -1)
			)
		self.assertEqual(dashboard.overdue_handoffs()["value"], 2)
		with self.set_user(RESTRICTED):
			self.assertEqual(dashboard.overdue_handoffs()["value"], 1)

		for name, hours in ((self.ours, 10), (self.theirs, 2)):
			handoff = pending_handoff(name).name
			api.accept_handoff(handoff)
			frappe.db.set_value(constants.DT_ORDER_HANDOFF, handoff, "response_hours", hours)
		this_week = -1  # both were sent just now
		chart = median_acceptance_hours.get()
		self.assertEqual(series(chart, constants.PRODUCTION)[this_week], 6)
		with self.set_user(RESTRICTED):
			chart = median_acceptance_hours.get()
			self.assertEqual(series(chart, constants.PRODUCTION)[this_week], 2)

	def test_on_time_deliveries_chart_counts_only_permitted_orders(self):
		add_stock(STOCKED, 20)
		ours, theirs = make_order(item_code=STOCKED), make_order(item_code=STOCKED)
		deliver(ours)
		deliver(theirs)
		move_order(theirs.name, company=OTHER_COMPANY)
		self.assertEqual(sum(series(on_time_deliveries.get(), "On Time")), 2)
		with self.set_user(RESTRICTED):
			self.assertEqual(sum(series(on_time_deliveries.get(), "On Time")), 1)


class TestReportFilters(TestCase):
	def setUp(self):
		frappe.db.delete(constants.DT_ORDER_HANDOFF)
		frappe.db.delete(constants.DT_ORDER_COORDINATION)

	def test_filters_of_the_wrong_kind_are_refused_as_invalid(self):
		make_order()
		wrong = (
			{"from_date": "not a date"},
			{"to_date": 20261116},
			{"to_date": "99999999999999999999"},
			{"from_date": ["2026-11-16"]},
			{"company": [COMPANY]},
			{"company": {"name": COMPANY}},
			{"company": "No Such Company"},
			{"customer": 7},
			{"department": "Nowhere"},
			"not json",
			["company", COMPANY],
		)
		for report in REPORTS:
			for filters in wrong:
				with self.subTest(report=report.__name__, filters=filters):
					self.assertRaises(frappe.ValidationError, report.execute, filters)
		self.assertRaises(frappe.ValidationError, order_pipeline.execute, {"stage": "Nowhere"})
		self.assertRaises(frappe.ValidationError, order_pipeline.execute, {"status": ["Open"]})
		self.assertRaises(frappe.ValidationError, median_acceptance_hours.get, to_date="someday")
		self.assertRaises(frappe.ValidationError, on_time_deliveries.get, filters="{not json")


class TestDepartmentQueueAccess(TestCase):
	def setUp(self):
		frappe.db.delete(constants.DT_ORDER_HANDOFF)
		frappe.db.delete(constants.DT_ORDER_COORDINATION)

	def test_the_queue_refuses_a_department_the_user_does_not_act_for(self):
		with self.set_user(make_user("oc-queue-sales@example.com", "Sales User")):
			self.assertRaises(
				frappe.PermissionError, department_queue.execute, {"department": constants.PRODUCTION}
			)
			department_queue.execute({"department": constants.SALES})
		admins = ["System Manager"]
		if frappe.db.exists("Role", "Coordination Manager"):
			admins.append("Coordination Manager")
		for role in admins:
			with self.set_user(make_user("oc-queue-admin@example.com", role)):
				department_queue.execute(
					{"department": constants.PRODUCTION}
				)  # administrators read any queue

	def test_held_orders_show_the_clock_of_their_stage_and_the_promise_apart(self):
		from frappe.utils import get_datetime

		from order_coordination.core.sla import add_working_hours
		from order_coordination.policies import policy_of_order

		so = make_order()
		with self.set_user(make_user("oc-queue-sales@example.com", "Sales User")):
			_c, rows = department_queue.execute({})
			held = only(rows, sales_order=so.name)
			self.assertEqual(held["queue"], "Held")
			self.assertIn(held["sla"], ("On Time", "Due Soon", "Overdue"))
		api.accept_handoff(pending_handoff(so.name).name)
		with self.set_user(make_user("oc-queue-planner@example.com", "Manufacturing User")):
			_c, rows = department_queue.execute({})
		held = only(rows, sales_order=so.name)
		oc = frappe.get_doc(constants.DT_ORDER_COORDINATION, so.name)
		policy = policy_of_order(oc)
		expected = add_working_hours(
			get_datetime(oc.stage_since), policy.completion_for(oc.stage), policy.calendar
		)
		self.assertEqual((held["stage"], get_datetime(held["due"])), (oc.stage, expected))
		self.assertEqual(str(held["promised"]), str(oc.delivery_date))


class TestReturns(TestCase):
	def setUp(self):
		frappe.db.delete(constants.DT_ORDER_HANDOFF)
		frappe.db.delete(constants.DT_ORDER_COORDINATION)

	def test_on_time_in_full_counts_deliveries_net_of_returns(self):
		make_item(RETURNABLE, {"is_stock_item": 1, "valuation_rate": 50, "stock_uom": "Nos"})
		kwargs = {
			"item_code": RETURNABLE,
			"qty": 4,
			"transaction_date": "2026-10-01",
			"delivery_date": "2026-10-10",
		}
		returned = make_order(**kwargs)  # delivered on time, all of it sent back, delivered again late
		short = make_order(**kwargs)  # delivered in full on time, then one sent back for good
		receipt = frappe.get_doc(
			{
				"doctype": "Stock Entry",
				"stock_entry_type": "Material Receipt",
				"company": COMPANY,
				"set_posting_time": 1,
				"posting_date": "2026-09-30",
				"items": [{"item_code": RETURNABLE, "qty": 20, "t_warehouse": WAREHOUSE, "basic_rate": 10}],
			}
		)
		receipt.submit()
		# In date order, so that no stock move is back-dated.
		first = deliver_on(returned, "2026-10-09")
		delivered = deliver_on(short, "2026-10-09")
		return_on(first, "2026-10-10")
		return_on(delivered, "2026-10-11", qty=-1)
		deliver_on(returned, "2026-10-12")
		self.assertEqual(frappe.db.get_value("Sales Order", short.name, "per_delivered"), 75)

		_c, rows, *_ = on_time_in_full.execute(
			{"company": COMPANY, "from_date": "2026-10-01", "to_date": "2026-10-31"}
		)
		october = only(rows, customer="_Test Customer", month="2026-10")
		self.assertEqual(
			{k: october[k] for k in ("orders", "on_time", "in_full", "otif")},
			{"orders": 2, "on_time": 1, "in_full": 1, "otif": 0},
		)
		chart = on_time_deliveries.get(to_date="2026-10-31")
		self.assertEqual((sum(series(chart, "On Time")), sum(series(chart, "Late"))), (0, 1))


def deliver_on(so, day, qty=None):
	dn = deliver(so, qty=qty, submit=False)
	dn.set_posting_time = 1
	dn.posting_date = day
	dn.save()
	dn.submit()
	return dn


def return_on(dn, day, qty=None):
	"""A return of the delivery, through ERPNext's own Delivery Note button: all of it unless `qty`."""
	ret = make_sales_return(dn.name)
	if qty is not None:
		ret.items[0].qty = qty
	ret.set_posting_time = 1
	ret.posting_date = day
	ret.insert()
	ret.submit()
	return ret
