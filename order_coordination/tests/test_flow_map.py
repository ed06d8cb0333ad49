"""The flow map, the what-if replay and the OCEL export on real orders: the map's numbers on a hand-made
week, who may see and replay what, and the export read back by PM4Py's own OCEL 2.0 importers."""

import os
import tempfile
from datetime import datetime
from unittest.mock import patch

import frappe

from order_coordination import api
from order_coordination.compat import TestCase, declare_test_records
from order_coordination.core import constants
from order_coordination.core.flowmap import HandoffTrail, Trail
from order_coordination.core.flowmap import flow_map as clock_map
from order_coordination.core.model import TimelineEntry
from order_coordination.insight import moves as kept_moves
from order_coordination.insight import ocel, whatif
from order_coordination.insight.flowmap import edge_orders, moved_later
from order_coordination.insight.period import clean_period
from order_coordination.reporting import calendar_for
from order_coordination.storage import write_timeline
from order_coordination.tests.test_replica import replica
from order_coordination.tests.utils import COMPANY, make_order, make_user, pending_handoff

declare_test_records(__name__, ["Sales Order"])

MONDAY = datetime(2026, 10, 5, 9, 0)  # a week no other test uses
WEEK = (COMPANY, "2026-10-05", "2026-10-11")
OTHER_CUSTOMER = "_Test Customer 1"
MANAGER = "oc-flow-manager@example.com"
RESTRICTED = "oc-flow-restricted@example.com"
PLANNING, IN_PRODUCTION = constants.PRODUCTION_PLANNING, constants.IN_PRODUCTION


def at(day, hour):
	return MONDAY.replace(day=MONDAY.day + day, hour=hour)


def week():
	"""Two made-to-order orders started on Monday 9:00. A: planned by 13:00, in production Tuesday 13:00,
	its promise moved a week later on Tuesday; Production accepted its handoff in 4 working hours.
	B: planned by 17:00, in production Wednesday 13:00; Production rejected its handoff in 1 hour."""
	a, b = make_order(), make_order()
	for action in (constants.TIMELINE_CREATED, constants.TIMELINE_HANDOFF_SENT):
		frappe.db.set_value(
			constants.DT_TIMELINE, {"sales_order": ["in", [a.name, b.name]], "action": action}, "at", MONDAY
		)
	entries = []
	for so, moves in ((a, (at(0, 13), at(1, 13))), (b, (at(0, 17), at(2, 13)))):
		order = {"name": so.name, "sales_order": so.name, "company": so.company, "customer": so.customer}
		stages = (constants.ORDER_RECEIVED, PLANNING, IN_PRODUCTION)
		for moment, (stage_from, stage_to) in zip(moves, zip(stages, stages[1:], strict=False), strict=True):
			entry = TimelineEntry(constants.TIMELINE_STAGE, moment, stage_from=stage_from, stage_to=stage_to)
			entries.append((order, entry))
	moved = TimelineEntry(constants.TIMELINE_DATE_CHANGED, at(1, 10), note="2026-10-20 → 2026-10-27")
	entries.append(
		({"name": a.name, "sales_order": a.name, "company": a.company, "customer": a.customer}, moved)
	)
	write_timeline(entries)
	for so, status, hours in ((a, constants.HANDOFF_ACCEPTED, 4), (b, constants.HANDOFF_REJECTED, 1)):
		frappe.db.set_value(
			constants.DT_ORDER_HANDOFF,
			pending_handoff(so.name).name,
			{"status": status, "sent_on": MONDAY, "responded_on": at(0, 9 + hours), "response_hours": hours},
		)
	return a.name, b.name


def on_the_clock(names):
	"""The map of these orders counted on the clock from their timeline and handoffs, as it was before each
	order kept its stage moves."""
	trails = []
	for name in names:
		rows = frappe.get_all(
			constants.DT_TIMELINE,
			filters={"order_coordination": name},
			fields=["at", "action", "stage_from", "stage_to", "note"],
		)
		(started,) = [r.at for r in rows if r.action == constants.TIMELINE_CREATED]
		stage_moves = [(r.at, r.stage_from, r.stage_to) for r in rows if r.action == constants.TIMELINE_STAGE]
		later = [r.at for r in rows if r.action == constants.TIMELINE_DATE_CHANGED and moved_later(r.note)]
		handoffs = [
			HandoffTrail(
				h.from_department, h.to_department, h.response_hours if h.responded_on else None, h.status
			)
			for h in frappe.get_all(
				constants.DT_ORDER_HANDOFF,
				filters={"order_coordination": name, "status": ["!=", constants.HANDOFF_CANCELLED]},
				fields=["from_department", "to_department", "response_hours", "responded_on", "status"],
			)
		]
		trails.append(
			Trail(
				name,
				started,
				calendar_for(COMPANY),
				tuple(sorted(stage_moves)),
				tuple(handoffs),
				tuple(later),
			)
		)
	return clock_map(trails)


def as_counted(result):
	"""The map without what the page adds (labels, the period)."""
	result = dict(result)
	result.pop("period")
	result["nodes"] = [{k: v for k, v in node.items() if k != "label"} for node in result["nodes"]]
	return result


def edge(result, source, target):
	return next(e for e in result["edges"] if (e["source"], e["target"]) == (source, target))


class TestFlowMap(TestCase):
	def setUp(self):
		self.addCleanup(frappe.db.rollback)
		self.a, self.b = week()

	def test_the_map_of_a_hand_made_week(self):
		result = api.flow_map(*WEEK)
		self.assertEqual(result["orders"], 2)
		planned = edge(result, "stage:Order Received", f"stage:{PLANNING}")
		self.assertEqual((planned["orders"], planned["median_hours"], planned["p80_hours"]), (2, 6.0, 7.2))
		producing = edge(result, f"stage:{PLANNING}", f"stage:{IN_PRODUCTION}")
		self.assertEqual((producing["median_hours"], producing["p80_hours"]), (10.0, 11.2))
		self.assertTrue(producing["slowest"])
		handoff = edge(result, "department:Sales", "department:Production")
		self.assertEqual(
			(handoff["orders"], handoff["median_hours"], handoff["rework"], handoff["slowest"]),
			(2, 2.5, 1, False),
		)
		nodes = {n["id"]: n for n in result["nodes"]}
		self.assertEqual(nodes[f"stage:{PLANNING}"]["rework"], 1)  # A's promise moved later there
		self.assertEqual(
			result["variants"],
			[
				{
					"path": [constants.ORDER_RECEIVED, PLANNING, IN_PRODUCTION],
					"orders": 2,
					"share": 1.0,
					"median_lead_hours": 16.0,  # 12 and 20 working hours
				}
			],
		)
		# The slowest edge's orders, slowest first.
		rows = edge_orders(*WEEK, f"stage:{PLANNING}", f"stage:{IN_PRODUCTION}")["orders"]
		self.assertEqual([(r["order"], r["hours"]) for r in rows], [(self.b, 12.0), (self.a, 8.0)])

	def test_the_moves_kept_give_the_map_counted_on_the_clock(self):
		# A sent back from planning on Monday 15:00 and planned again at 16:00, written after its later move
		# (as a repair finds them): the hours kept for that later move change too (5 working hours from
		# Monday 16:00 instead of 8 from 13:00; B's 12, median 8.5).
		a = frappe.db.get_value(
			constants.DT_ORDER_COORDINATION,
			self.a,
			["name", "sales_order", "company", "customer"],
			as_dict=True,
		)
		back = TimelineEntry(
			constants.TIMELINE_STAGE, at(0, 15), stage_from=PLANNING, stage_to=constants.ORDER_RECEIVED
		)
		again = TimelineEntry(
			constants.TIMELINE_STAGE, at(0, 16), stage_from=constants.ORDER_RECEIVED, stage_to=PLANNING
		)
		write_timeline([(a, back), (a, again)])
		kept = as_counted(api.flow_map(*WEEK))
		self.assertEqual(kept, on_the_clock([self.a, self.b]))
		self.assertEqual(edge(kept, f"stage:{PLANNING}", f"stage:{IN_PRODUCTION}")["median_hours"], 8.5)
		self.assertEqual(edge(kept, f"stage:{PLANNING}", "stage:Order Received")["rework"], 1)
		# Entries that hold nothing (written before the app kept them) are counted on the clock; the patch's
		# refresh fills them with the same numbers.
		frappe.db.sql(
			"update `tabOrder Timeline Entry` set stage_moves = null where order_coordination in %s",
			((self.a, self.b),),
		)
		self.assertEqual(as_counted(api.flow_map(*WEEK)), kept)
		kept_moves.refresh([self.a, self.b])
		self.assertEqual(
			frappe.db.count(
				constants.DT_TIMELINE,
				{"order_coordination": ["in", [self.a, self.b]], "stage_moves": ["is", "set"]},
			),
			2,
		)
		self.assertEqual(as_counted(api.flow_map(*WEEK)), kept)

	def test_filters_and_the_period_narrow_the_orders(self):
		frappe.db.set_value("Sales Order", self.b, "territory", "_Test Territory")
		frappe.db.set_value("Sales Order", self.a, "territory", "All Territories")
		self.assertEqual(api.flow_map(*WEEK, {"territory": "_Test Territory"})["orders"], 1)
		self.assertEqual(api.flow_map(COMPANY, "2026-10-12", "2026-10-18")["orders"], 0)
		for bad in ({"colour": "red"}, {"customer": "No Such Customer"}, "not json"):
			with self.subTest(filters=bad):
				self.assertRaises(frappe.ValidationError, api.flow_map, *WEEK, bad)
		self.assertRaises(frappe.ValidationError, api.flow_map, COMPANY, "2026-10-11", "2026-10-05")

	def test_a_user_sees_only_the_orders_of_permitted_customers(self):
		for doctype in (constants.DT_ORDER_COORDINATION, constants.DT_TIMELINE, constants.DT_ORDER_HANDOFF):
			field = "name" if doctype == constants.DT_ORDER_COORDINATION else "sales_order"
			frappe.db.set_value(doctype, {field: self.b}, "customer", OTHER_CUSTOMER)
		make_user(RESTRICTED, "Sales User")
		permission = frappe.get_doc(
			{
				"doctype": "User Permission",
				"user": RESTRICTED,
				"allow": "Customer",
				"for_value": OTHER_CUSTOMER,
			}
		).insert(ignore_permissions=True)
		self.addCleanup(frappe.delete_doc, "User Permission", permission.name, ignore_permissions=True)
		with self.set_user(RESTRICTED):
			result = api.flow_map(*WEEK)
			self.assertEqual(result["orders"], 1)
			self.assertEqual(edge(result, "department:Sales", "department:Production")["rework"], 1)
			self.assertRaises(frappe.PermissionError, api.flow_map, *WEEK, {"customer": "_Test Customer"})

	def test_the_map_reads_from_the_replica(self):
		with replica() as ran:
			api.flow_map(*WEEK)
		self.assertGreater(ran["replica"], 0)
		self.assertEqual(ran["primary"], 0)


class TestReplay(TestCase):
	def setUp(self):
		self.addCleanup(frappe.db.rollback)
		make_user(MANAGER, "Coordination Manager")
		self.so = make_order()
		api.accept_handoff(pending_handoff(self.so.name).name)
		# Its start alone on a day of its own: the period holds this order only.
		frappe.db.set_value(
			constants.DT_TIMELINE,
			{"sales_order": self.so.name, "action": constants.TIMELINE_CREATED},
			"at",
			datetime(2026, 10, 13, 9, 0),
		)
		self.today = (COMPANY, "2026-10-13", "2026-10-13")

	def test_only_coordination_managers_replay_or_adopt(self):
		make_user("oc-flow-sales-manager@example.com", "Sales Manager", "Sales User")
		with self.set_user("oc-flow-sales-manager@example.com"):
			self.assertRaises(frappe.PermissionError, api.replay_policy, *self.today)
			self.assertRaises(frappe.PermissionError, whatif.adopt_policy, COMPANY, {"model": "Shared"})

	def test_the_same_policy_gives_what_the_records_say(self):
		with self.set_user(MANAGER):
			result = api.replay_policy(*self.today)
		recorded = frappe.get_all(
			constants.DT_ORDER_HANDOFF, {"sales_order": self.so.name}, ["to_department", "status"]
		)
		self.assertEqual(
			recorded, [{"to_department": constants.PRODUCTION, "status": constants.HANDOFF_ACCEPTED}]
		)
		self.assertEqual(result["orders"], 1)
		self.assertEqual(result["actual"]["handoffs"], {constants.PRODUCTION: 1})
		self.assertEqual(result["actual"]["refused_acts"], 0)
		self.assertEqual(result["actual"], result["what_if"])
		self.assertIn("people", result["cannot_know"])

	def test_another_matrix_changes_who_holds_the_order(self):
		matrix = {stage: dict(row) for stage, row in whatif.read_policy(COMPANY)["matrix"].items()}
		matrix[PLANNING] = {
			constants.SALES: "Accountable",
			constants.PRODUCTION: "Informed",
			constants.LOGISTICS: "Responsible",
		}
		with self.set_user(MANAGER):
			result = api.replay_policy(*self.today, changes={"matrix": matrix})
		self.assertEqual(result["what_if"]["handoffs"], {constants.LOGISTICS: 1})
		self.assertEqual(result["holder_changed_total"], 1)
		self.assertEqual(result["what_if"]["holder_changed_orders"], {constants.PRODUCTION: 1})
		for bad in (
			{"matrix": {"x": 1}},
			{"acceptance_hours": {PLANNING: -1}},
			{"colour": 1},
			{"model": "Nobody-led"},
		):
			with self.subTest(changes=bad), self.set_user(MANAGER):
				self.assertRaises(frappe.ValidationError, api.replay_policy, *self.today, None, bad)

	def test_a_long_period_is_a_job_whose_figures_its_user_reads(self):
		with (
			self.set_user(MANAGER),
			patch.object(whatif, "INLINE_ORDERS", 0),
			patch("frappe.enqueue") as enqueue,
		):
			queued = api.replay_policy(*self.today)
			kwargs = enqueue.call_args.kwargs
			whatif.replay_job(kwargs["period"], kwargs["snapshot"], kwargs["key"], kwargs["until"])
			self.assertEqual(whatif.replay_result(queued["job"])["orders"], queued["orders"])
		self.assertIsNone(whatif.replay_result(queued["job"]))  # another user's

	def test_a_draft_becomes_the_new_policy_version(self):
		existed = frappe.db.exists(constants.DT_POLICY, COMPANY)
		if not existed:
			self.addCleanup(
				lambda: (
					frappe.db.exists(constants.DT_POLICY, COMPANY)
					and frappe.delete_doc(constants.DT_POLICY, COMPANY, force=True)
				)
			)
		with self.set_user(MANAGER):
			version = whatif.adopt_policy(
				COMPANY, {"acceptance_hours": {PLANNING: 4}, "promise_owner": constants.PRODUCTION}
			)
		policy = whatif.read_policy(COMPANY)
		self.assertEqual(
			(policy["acceptance_hours"][PLANNING], policy["promise_owner"]), (4, constants.PRODUCTION)
		)
		self.assertNotIn(constants.PRODUCTION, policy["promise_proposers"])
		self.assertEqual(version, whatif.version_name(policy))


class TestOcelExport(TestCase):
	def setUp(self):
		try:
			import pm4py  # noqa: F401 (a test tool, AGPL: never imported by the app)
		except ImportError:
			self.skipTest(
				"PM4Py is not installed in this bench's environment, so the export is not read back"
			)
		self.addCleanup(frappe.db.rollback)
		self.a, self.b = week()
		self.period = clean_period(*WEEK)

	def read_back(self, fmt):
		import pm4py

		path = os.path.join(tempfile.mkdtemp(), f"log.{'jsonocel' if fmt == 'json' else 'sqlite'}")
		counts = ocel.write_log(self.period, path, fmt)
		log = pm4py.read_ocel2_json(path) if fmt == "json" else pm4py.read_ocel2_sqlite(path)
		return counts, log

	def check(self, fmt):
		counts, log = self.read_back(fmt)
		self.assertEqual(counts["orders"], 2)
		entries = frappe.db.count(constants.DT_TIMELINE, {"sales_order": ["in", [self.a, self.b]]})
		self.assertEqual(counts["events"], entries)
		self.assertEqual(len(log.events), entries)
		types = log.objects.groupby("ocel:type").size().to_dict()
		self.assertEqual(types["Sales Order"], 2)
		self.assertEqual(types["Handoff"], 2)
		self.assertGreaterEqual(types["Department"], 1)  # PM4Py keeps the objects some event names
		relations = log.relations
		orders_of_events = relations[relations["ocel:qualifier"] == "order"]
		self.assertEqual(orders_of_events["ocel:eid"].nunique(), entries)  # every event names its order
		o2o = log.o2o
		handoffs = o2o[(o2o["ocel:oid"] == f"so:{self.a}") & (o2o["ocel:qualifier"] == "handoff")]
		self.assertEqual(len(handoffs), 1)
		# The order's stage over time: Order Received, then two moves.
		changes = log.object_changes
		stages = changes[(changes["ocel:oid"] == f"so:{self.a}") & (changes["ocel:field"] == "stage")]
		self.assertEqual(len(stages), 2)

	def test_json_read_back_by_pm4py(self):
		self.check("json")

	def test_sqlite_read_back_by_pm4py(self):
		self.check("sqlite")

	def test_the_job_leaves_a_private_file_of_its_user(self):
		with patch("frappe.enqueue") as enqueue:
			job = api.export_ocel(*WEEK, format="sqlite")
		kwargs = enqueue.call_args.kwargs
		self.assertEqual(kwargs["job_id"], job)
		name = ocel.export_job(kwargs["period"], kwargs["fmt"], kwargs["key"])
		file = frappe.get_doc("File", name)
		self.addCleanup(file.delete)
		self.assertTrue(file.is_private)
		self.assertTrue(os.path.exists(file.get_full_path()))
		self.assertRaises(frappe.ValidationError, api.export_ocel, *WEEK, format="csv")
