"""Every read path of the app's desk reads from the replica on a site with `read_from_replica`: the five
reports (through Frappe's report runner), the seven number cards and the five charts (our own sources).

A second database is not needed to prove it: Frappe switches to the replica in `frappe.read_only()` by
calling `frappe.connect_replica`, which is replaced here by a stand-in that hands out a second handle on
the same connection. Each path must run its statements through that handle, and none through the
primary's: a path that goes back to the primary (a source without `read_only`, a card or chart moved back
to Frappe's own group-by or count, which read the primary) fails here."""

import copy
from contextlib import contextmanager
from unittest.mock import patch

import frappe

from order_coordination.compat import TestCase, declare_test_records
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
from order_coordination.tests.utils import make_order

declare_test_records(__name__, ["Sales Order"])

REPORTS = (
	"Order Pipeline",
	"Handoff Lead Time",
	"Department Dwell Time",
	"On-Time In-Full",
	"Department Queue",
)
CHART_SOURCES = {
	"Orders by Stage": orders_by_stage.get,
	"Median Acceptance Hours": median_acceptance_hours.get,
	"On-Time Deliveries": on_time_deliveries.get,
	"Handoff Lead Time by Week": handoff_lead_time_by_week.get,
	"Dwell Time by Department": dwell_time_by_department.get,
}


@contextmanager
def replica():
	"""Inside: `read_from_replica` is on, and the statements run on each side are counted."""
	primary = frappe.local.db
	replica_db = copy.copy(primary)  # the same connection, a handle of its own
	ran = {"primary": 0, "replica": 0}
	primary_sql, replica_sql = primary.sql, type(replica_db).sql

	def on_primary(*args, **kwargs):
		ran["primary"] += 1
		return primary_sql(*args, **kwargs)

	def on_replica(*args, **kwargs):
		ran["replica"] += 1
		return replica_sql(replica_db, *args, **kwargs)

	def connect_replica():
		if hasattr(frappe.local, "replica_db") and hasattr(frappe.local, "primary_db"):
			return False
		frappe.local.replica_db, frappe.local.primary_db = replica_db, frappe.local.db
		frappe.local.db = replica_db
		return True

	replica_db.sql = on_replica
	replica_db.close = lambda: None  # `read_only` closes the replica's handle when it is done
	conf = frappe.local.conf
	was = conf.get("read_from_replica")
	conf.read_from_replica = 1
	try:
		with (
			patch.object(primary, "sql", on_primary),
			patch.object(frappe, "connect_replica", connect_replica),
		):
			yield ran
	finally:
		conf.read_from_replica = was
		frappe.local.db = primary
		for name in ("replica_db", "primary_db"):
			if hasattr(frappe.local, name):
				delattr(frappe.local, name)


class TestReadsFromTheReplica(TestCase):
	def setUp(self):
		make_order()  # something to count

	def assert_on_replica(self, fn, *args, **kwargs):
		with replica() as ran:
			fn(*args, **kwargs)
		self.assertGreater(ran["replica"], 0, "read nothing from the replica")
		self.assertEqual(ran["primary"], 0, "read from the primary")

	def test_the_reports(self):
		from frappe.desk.query_report import run

		for report in REPORTS:
			with self.subTest(report=report):
				filters = {"department": "Sales"} if report == "Department Queue" else {}
				self.assert_on_replica(run, report, filters=filters)

	def test_the_number_cards(self):
		cards = frappe.get_all("Number Card", {"module": "Order Coordination"}, ["name", "type", "method"])
		self.assertEqual({c.name for c in cards}, set(dashboard.NUMBER_CARDS))
		for card in cards:
			with self.subTest(card=card.name):
				# The card runs our source (Frappe's own count of a doctype reads the primary).
				self.assertEqual(
					(card.type, frappe.get_attr(card.method)), ("Custom", dashboard.NUMBER_CARDS[card.name])
				)
				self.assert_on_replica(frappe.get_attr(card.method))

	def test_the_charts(self):
		charts = frappe.get_all(
			"Dashboard Chart", {"module": "Order Coordination"}, ["name", "chart_type", "source"]
		)
		self.assertEqual({c.name for c in charts}, set(CHART_SOURCES))
		for chart in charts:
			with self.subTest(chart=chart.name):
				# Our source (Frappe's group-by and count charts read the primary).
				self.assertEqual((chart.chart_type, chart.source), ("Custom", chart.name))
				self.assert_on_replica(CHART_SOURCES[chart.name], chart_name=chart.name, no_cache=1)

	def test_a_path_back_on_the_primary_is_caught(self):
		"""The check itself: a source without `read_only` reads the primary, and is told so."""

		def unwrapped():
			return frappe.db.sql("select 1")

		with self.assertRaises(AssertionError):
			self.assert_on_replica(unwrapped)
