"""Every read path of the app's desk reads from the replica on a site with `read_from_replica`: the six
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
	"Promise Reliability",
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


def closed_port() -> int:
	"""A port of this machine where nothing listens (a replica that is down)."""
	import socket

	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]


class TestWhenTheReplicaIsDown(TestCase):
	"""The app's read paths go to the primary while the replica does not answer, and say so once."""

	def setUp(self):
		from order_coordination import replica as fallback

		self.fallback = fallback
		self.conf = frappe.local.conf
		self.was = {
			key: self.conf.get(key) for key in ("read_from_replica", "replica_host", "replica_db_port")
		}
		self.conf.update(
			{"read_from_replica": 1, "replica_host": "127.0.0.1", "replica_db_port": closed_port()}
		)
		fallback._last.update(at=0.0, up=True)
		frappe.cache.delete(frappe.cache.make_key(fallback.DOWN_KEY))
		self.form = frappe.local.form_dict

	def tearDown(self):
		# The hook commits the Error Log it writes (a read request commits nothing of its own): take it back.
		frappe.db.delete("Error Log", {"method": ["like", "%read replica cannot be reached%"]})
		frappe.db.commit()
		self.conf.update(self.was)
		frappe.local.form_dict = self.form
		self.fallback._last.update(at=0.0, up=True)
		frappe.cache.delete(frappe.cache.make_key(self.fallback.DOWN_KEY))

	def request(self, **form):
		"""The hook, as before a request with this form; whether the request reads the replica then."""
		frappe.local.form_dict = frappe._dict(form)
		self.conf.read_from_replica = 1
		self.fallback._last["at"] = 0.0  # look again
		self.fallback.before_request()
		return bool(self.conf.read_from_replica)

	def logged(self) -> int:
		return frappe.db.count("Error Log", {"method": ["like", "%read replica cannot be reached%"]})

	def test_our_reports_cards_and_lists_read_the_primary_and_it_is_said_once(self):
		before = self.logged()
		for form in (
			{"cmd": "frappe.desk.query_report.run", "report_name": "Promise Reliability"},
			{"cmd": "frappe.desk.query_report.run", "report_name": "Department Queue"},
			{"cmd": "order_coordination.insight.numbers.orders_at_risk"},
			{"cmd": "frappe.desk.reportview.get", "doctype": "Order Coordination"},
		):
			with self.subTest(form=form):
				self.assertFalse(self.request(**form))
		self.assertEqual(self.logged(), before + 1)
		# The report itself then runs, on the primary.
		from frappe.desk.query_report import run

		self.request(cmd="frappe.desk.query_report.run", report_name="Order Pipeline")
		self.assertIn("result", run("Order Pipeline", filters={}))

	def test_frappe_and_erpnext_paths_are_left_as_frappe_makes_them(self):
		for form in (
			{"cmd": "frappe.desk.query_report.run", "report_name": "General Ledger"},
			{"cmd": "frappe.desk.reportview.get", "doctype": "Sales Order"},
			{"cmd": "frappe.desk.query_report.run", "report_name": "No Such Report"},
		):
			with self.subTest(form=form):
				self.assertTrue(self.request(**form))

	def test_a_replica_that_answers_is_read_and_a_new_outage_is_said_again(self):
		before = self.logged()
		self.assertFalse(self.request(cmd="frappe.desk.query_report.run", report_name="Order Pipeline"))
		self.conf.replica_db_port = frappe.local.conf.get("db_port") or 3306  # the replica is back
		self.assertTrue(self.request(cmd="frappe.desk.query_report.run", report_name="Order Pipeline"))
		self.conf.replica_db_port = closed_port()  # down again
		self.assertFalse(self.request(cmd="frappe.desk.query_report.run", report_name="Order Pipeline"))
		self.assertEqual(self.logged(), before + 2)
