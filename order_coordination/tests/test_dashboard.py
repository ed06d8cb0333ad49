"""The workspace's number cards and charts: each department's users see all of them, each counts only the
orders the user may see, and the lead time and dwell time charts give the numbers of their reports."""

import json
from datetime import date

import frappe
from frappe.desk.desktop import get_desktop_page

from order_coordination import api
from order_coordination.compat import TestCase, declare_test_records
from order_coordination.core import constants
from order_coordination.insight import numbers as dashboard
from order_coordination.order_coordination.dashboard_chart_source.dwell_time_by_department import (
	dwell_time_by_department,
)
from order_coordination.order_coordination.dashboard_chart_source.handoff_lead_time_by_week import (
	handoff_lead_time_by_week,
)
from order_coordination.order_coordination.dashboard_chart_source.median_acceptance_hours import (
	median_acceptance_hours,
)
from order_coordination.order_coordination.dashboard_chart_source.on_time_deliveries import (
	on_time_deliveries,
)
from order_coordination.order_coordination.dashboard_chart_source.orders_by_stage import orders_by_stage
from order_coordination.order_coordination.report.department_dwell_time import department_dwell_time
from order_coordination.order_coordination.report.handoff_lead_time import handoff_lead_time
from order_coordination.patches import held_stretches
from order_coordination.tests.test_reports import (
	OTHER_COMPANY,
	WEEK,
	at,
	ensure_other_company,
	move_order,
	only,
	retime,
	series,
	week_of_handoffs,
)
from order_coordination.tests.utils import make_order, make_user, pending_handoff

declare_test_records(__name__, ["Sales Order"])

WORKSPACE = "Coordination"
CHART_SOURCES = {
	"Orders by Stage": orders_by_stage.get,
	"Median Acceptance Hours": median_acceptance_hours.get,
	"Handoff Lead Time by Week": handoff_lead_time_by_week.get,
	"On-Time Deliveries": on_time_deliveries.get,
	"Dwell Time by Department": dwell_time_by_department.get,
}
DEPARTMENT_ROLES = ("Sales User", "Manufacturing User", "Stock User", "Delivery User")
PLANNER = "oc-dashboard-planner@example.com"
FRIDAY = "2026-11-20"  # the last day of test_reports' WEEK
THAT_WEEK = -1  # the week of WEEK, the last of a chart's weeks to FRIDAY


def workspace():
	return frappe.get_doc("Workspace", WORKSPACE)


def restrict(testcase, user, allow, value):
	doc = frappe.get_doc({"doctype": "User Permission", "user": user, "allow": allow, "for_value": value})
	doc.insert(ignore_permissions=True)
	# Deleting it (not only the rollback) clears Frappe's cache of the user's permissions.
	testcase.addCleanup(frappe.delete_doc, "User Permission", doc.name, ignore_permissions=True)


class TestDashboardVisibility(TestCase):
	"""Frappe shows a Custom card or chart to a user who is not a System Manager only through the doctype it
	names: every department reads Order Coordination and Order Handoff."""

	def test_the_workspace_holds_every_card_and_chart_of_the_app(self):
		page = workspace()
		content = json.loads(page.content)
		cards = set(frappe.get_all("Number Card", {"module": "Order Coordination"}, pluck="name"))
		charts = set(frappe.get_all("Dashboard Chart", {"module": "Order Coordination"}, pluck="name"))
		self.assertEqual(charts, set(CHART_SOURCES))
		self.assertEqual({c.number_card_name for c in page.number_cards}, cards)
		self.assertEqual({c.chart_name for c in page.charts}, charts)
		# A content block names its chart by the chart's label on the workspace: that is how Frappe's
		# workspace finds it (a block naming the chart itself draws nothing).
		self.assertEqual(
			{b["data"]["chart_name"] for b in content if b["type"] == "chart"}, {c.label for c in page.charts}
		)
		self.assertEqual(
			{b["data"]["number_card_name"] for b in content if b["type"] == "number_card"}, cards
		)

	def test_each_department_sees_every_card_and_chart(self):
		page = workspace()
		cards = [c.number_card_name for c in page.number_cards]
		charts = [c.chart_name for c in page.charts]
		for role in DEPARTMENT_ROLES:
			if not frappe.db.exists("Role", role):
				continue
			user = make_user(f"oc-dashboard-{role.split()[0].lower()}@example.com", role)
			with self.subTest(role=role), self.set_user(user):
				for card in cards:
					self.assertTrue(frappe.has_permission("Number Card", doc=card, user=user), card)
					frappe.get_attr(frappe.db.get_value("Number Card", card, "method"))()
				for chart in charts:
					self.assertTrue(frappe.has_permission("Dashboard Chart", doc=chart, user=user), chart)
					CHART_SOURCES[chart](chart_name=chart)
				shown = get_desktop_page(json.dumps({"name": WORKSPACE, "title": WORKSPACE}))
				self.assertEqual({c.number_card_name for c in shown["number_cards"]["items"]}, set(cards))
				self.assertEqual({c.chart_name for c in shown["charts"]["items"]}, set(charts))

	def test_a_user_who_may_not_read_orders_sees_none(self):
		user = make_user("oc-dashboard-buyer@example.com", "Purchase User")
		with self.set_user(user):
			for card in workspace().number_cards:
				self.assertFalse(frappe.has_permission("Number Card", doc=card.number_card_name, user=user))
			for chart in workspace().charts:
				self.assertFalse(frappe.has_permission("Dashboard Chart", doc=chart.chart_name, user=user))

	def test_charts_start_at_zero_with_whole_ticks_and_say_what_they_count(self):
		for chart in workspace().charts:
			with self.subTest(chart=chart.chart_name):
				options = json.loads(
					frappe.db.get_value("Dashboard Chart", chart.chart_name, "custom_options")
				)
				y_range = options["axisOptions"]["yAxisRange"]
				# frappe-charts ticks 0.25 apart below a maximum of 3: a floor of 4 keeps counts whole.
				self.assertEqual(y_range["min"], 0)
				self.assertGreaterEqual(y_range["max"], 4)
				self.assertNotEqual(chart.label, chart.chart_name)  # the label says the unit


class TestDashboardNumbers(TestCase):
	def setUp(self):
		frappe.db.delete(constants.DT_ORDER_HANDOFF)
		frappe.db.delete(constants.DT_ORDER_COORDINATION)

	def test_charts_with_nothing_to_show_say_no_data(self):
		"""Frappe's widget says "No Data" for None, and draws bare axes for empty or all-zero series; a
		measured zero (a handoff accepted at once) is a finding, drawn."""
		for name, source in CHART_SOURCES.items():
			with self.subTest(chart=name):
				self.assertIsNone(source(chart_name=name))
		so = make_order()
		handoff = pending_handoff(so.name).name
		api.accept_handoff(handoff)
		frappe.db.set_value(constants.DT_ORDER_HANDOFF, handoff, "response_hours", 0)
		accepted_at_once = median_acceptance_hours.get()
		self.assertEqual([v for d in accepted_at_once["datasets"] for v in d["values"] if v], [])
		self.assertIsNotNone(orders_by_stage.get())

	def test_lead_time_chart_gives_the_reports_median_hours_to_complete(self):
		week_of_handoffs()
		chart = handoff_lead_time_by_week.get(to_date=FRIDAY)
		self.assertEqual(len(chart["labels"]), dashboard.WEEKS)
		self.assertEqual(chart["labels"][THAT_WEEK], dashboard.week_label(WEEK["from_date"]))
		# Only Production handed an order on: it held order A from Monday 11:00 to Tuesday 09:00.
		self.assertEqual([d["name"] for d in chart["datasets"]], [constants.PRODUCTION])
		self.assertEqual(series(chart, constants.PRODUCTION)[THAT_WEEK], 6)
		self.assertEqual(sum(series(chart, constants.PRODUCTION)), 6)
		_c, rows = handoff_lead_time.execute(WEEK)
		report = only(rows, from_department=constants.SALES, to_department=constants.PRODUCTION)
		self.assertAlmostEqual(report["median_complete_hours"], 6)

		chart = median_acceptance_hours.get(to_date=FRIDAY)
		self.assertEqual([d["name"] for d in chart["datasets"]], [constants.PRODUCTION, constants.LOGISTICS])
		# Production accepted in 2 and 4 hours (the rejection is no acceptance), Logistics in 1.
		self.assertEqual(series(chart, constants.PRODUCTION)[THAT_WEEK], 3)
		self.assertEqual(series(chart, constants.LOGISTICS)[THAT_WEEK], 1)
		self.assertAlmostEqual(report["median_accept_hours"], 3)
		# A week before the chart's weeks counts in none of them.
		self.assertIsNone(handoff_lead_time_by_week.get(to_date="2026-11-13"))

	def test_dwell_time_chart_gives_the_reports_working_hours_held(self):
		so = make_order()
		frappe.db.set_value(constants.DT_ORDER_COORDINATION, so.name, "creation", at(0, 9))
		handoff = pending_handoff(so.name).name
		api.accept_handoff(handoff)
		retime(handoff, at(0, 9), at(0, 11), 2)
		held_stretches.fill_orders([so.name])
		chart = dwell_time_by_department.get(to_date=FRIDAY)
		# Sales from Monday 09:00 to 11:00; Production since, to the end of Friday.
		self.assertEqual(chart["labels"], [constants.SALES, constants.PRODUCTION])
		self.assertEqual(chart["datasets"][0]["values"], [2, 6 + 4 * 8])
		_c, rows = department_dwell_time.execute({"to_date": FRIDAY})  # the report's own 90 days
		self.assertEqual(
			chart["datasets"][0]["values"],
			[
				round(only(rows, department=d)["hours_held"], 1)
				for d in (constants.SALES, constants.PRODUCTION)
			],
		)

	def test_cards_and_charts_count_only_the_orders_of_permitted_companies(self):
		ensure_other_company()
		ours, theirs = make_order(), make_order()
		move_order(theirs.name, company=OTHER_COMPANY)
		make_user(PLANNER, "Manufacturing User")
		restrict(self, PLANNER, "Company", OTHER_COMPANY)
		self.assertEqual(dashboard.pending_for_production()["value"], 2)
		with self.set_user(PLANNER):
			self.assertEqual(dashboard.pending_for_production()["value"], 1)

		# Both with Sales from Monday 09:00 to 11:00; Production handed ours on after 6 hours, theirs after 2.
		for so, handed_on in ((ours, at(1, 9)), (theirs, at(0, 13))):
			frappe.db.set_value(constants.DT_ORDER_COORDINATION, so.name, "creation", at(0, 9))
			first = pending_handoff(so.name).name
			api.accept_handoff(first)
			retime(first, at(0, 9), at(0, 11), 2)
			onward = api.hand_off(so.name, constants.LOGISTICS)
			api.accept_handoff(onward)
			retime(onward, handed_on, handed_on.replace(hour=handed_on.hour + 1), 1)
		held_stretches.fill_orders([ours.name, theirs.name])

		lead_time = handoff_lead_time_by_week.get(to_date=FRIDAY)
		self.assertEqual(series(lead_time, constants.PRODUCTION)[THAT_WEEK], 4)
		dwell = dwell_time_by_department.get(to_date=FRIDAY)
		self.assertEqual(dwell["datasets"][0]["values"][0], 4)  # Sales: two orders, two hours each
		self.assertEqual(series(orders_by_stage.get(), "Orders"), [2])
		with self.set_user(PLANNER):
			lead_time = handoff_lead_time_by_week.get(to_date=FRIDAY)
			self.assertEqual(series(lead_time, constants.PRODUCTION)[THAT_WEEK], 2)
			dwell = dwell_time_by_department.get(to_date=FRIDAY)
			self.assertEqual(dwell["datasets"][0]["values"][0], 2)
			_c, rows = department_dwell_time.execute({"to_date": FRIDAY})
			self.assertEqual(
				dwell["datasets"][0]["values"], [round(r["hours_held"], 1) for r in sort_departments(rows)]
			)
			self.assertEqual(series(orders_by_stage.get(), "Orders"), [1])


class TestWeekLabels(TestCase):
	def test_a_week_is_its_mondays_day_and_month_in_the_users_date_format(self):
		self.addCleanup(setattr, frappe.local, "user_date_format", None)
		monday = date(2026, 11, 30)
		for date_format, label in (("dd-mm-yyyy", "30-11"), ("mm/dd/yyyy", "11/30"), ("yyyy-mm-dd", "11-30")):
			with self.subTest(date_format=date_format):
				frappe.local.user_date_format = date_format
				self.assertEqual(dashboard.week_label(monday), label)


def sort_departments(rows):
	order = {d: i for i, d in enumerate(constants.DEFAULT_DEPARTMENTS)}
	return sorted((r for r in rows if r["department"]), key=lambda r: order.get(r["department"], 9))
