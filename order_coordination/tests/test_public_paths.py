"""Every public path of the app still leads somewhere after the code moved into capability packages: the
whitelisted methods integrations, the desk and the portal call, the hooks, the jobs queued by path, the
number cards' methods and the patches sites have recorded."""

import importlib
import json
from pathlib import Path

import frappe

from order_coordination.compat import TestCase

APP = Path(__file__).resolve().parents[1]

# Whitelisted at the paths they were first published under, and at their homes.
WHITELISTED = [
	"order_coordination.carrier.receive_events",  # the carriers' endpoint
	"order_coordination.carriers.door.receive_events",
	"order_coordination.portal.order_status",  # the customer's page refresh (guest)
	"order_coordination.portal.make_tracking_link",
	"order_coordination.portal.revoke_tracking_link",
	"order_coordination.portal.live_tracking_links",
	"order_coordination.customers.page.order_status",
	"order_coordination.customers.links.make_tracking_link",
	"order_coordination.customers.links.revoke_tracking_link",
	"order_coordination.customers.links.live_tracking_links",
	"order_coordination.expectations.policy_tuning",
	"order_coordination.expectations.apply_tuning",
	"order_coordination.insight.tuning.policy_tuning",
	"order_coordination.insight.tuning.apply_tuning",
	*[
		f"order_coordination.api.{name}"
		for name in (
			"get_order_status",
			"orders_for_document",
			"hand_off",
			"accept_handoff",
			"reject_handoff",
			"cancel_handoff",
			"raise_exception",
			"resolve_exception",
			"confirm_delivery",
			"propose_delivery_date",
			"accept_delivery_date",
			"decline_delivery_date",
			"backfill_status",
			"earliest_delivery",
		)
	],
	"order_coordination.promising.feasible.earliest_delivery",
	"order_coordination.setup.permissions.granted",
	"order_coordination.api.record_delivery_attempt",  # other driver apps
	"order_coordination.doorstep.record.record_delivery_attempt",
	"order_coordination.doorstep.trips.my_trips",
	"order_coordination.doorstep.trips.my_photos",
	"order_coordination.doorstep.page.service_worker",
	"order_coordination.doorstep.proof.trip_proofs",
	"order_coordination.doorstep.proof.note_proofs",
	"order_coordination.api.flow_map",  # the managers' insight
	"order_coordination.api.replay_policy",
	"order_coordination.api.export_ocel",
	"order_coordination.insight.flowmap.flow_map",
	"order_coordination.insight.flowmap.edge_orders",
	"order_coordination.insight.flowmap.companies",
	"order_coordination.insight.whatif.replay_policy",
	"order_coordination.insight.whatif.replay_result",
	"order_coordination.insight.whatif.draft_basis",
	"order_coordination.insight.whatif.adopt_policy",
	"order_coordination.insight.ocel.export_ocel",
]
# Called by path by the scheduler or a queue (jobs queued before an upgrade name the old paths).
CALLED_BY_PATH = [
	"order_coordination.insight.whatif.replay_job",
	"order_coordination.insight.ocel.export_job",
	"order_coordination.carrier_feed.apply_queued",
	"order_coordination.carriers.feed.apply_queued",
	"order_coordination.expectations.learn",
	"order_coordination.expectations.learn_all",
	"order_coordination.insight.tuning.learn",
	"order_coordination.insight.tuning.learn_all",
	"order_coordination.outbox.deliver_outbox",
	"order_coordination.promising.after_submit.check_after_submit",
]


def hook_paths(value):
	if isinstance(value, str):
		yield value
	elif isinstance(value, dict):
		for item in value.values():
			yield from hook_paths(item)
	elif isinstance(value, list | tuple):
		for item in value:
			yield from hook_paths(item)


class TestPublicPaths(TestCase):
	def test_published_methods_are_whitelisted_where_they_were_published(self):
		for path in WHITELISTED:
			with self.subTest(path=path):
				self.assertIn(frappe.get_attr(path), frappe.whitelisted)
		# The portal's refresh is for guests with a link, as it was.
		self.assertIn(frappe.get_attr("order_coordination.portal.order_status"), frappe.guest_methods)

	def test_methods_called_by_path_resolve(self):
		for path in CALLED_BY_PATH:
			with self.subTest(path=path):
				self.assertTrue(callable(frappe.get_attr(path)))

	def test_every_hook_of_the_app_resolves(self):
		from order_coordination import hooks

		skip = {"app_name", "app_title", "app_publisher", "app_description", "app_email", "app_license"}
		for name in dir(hooks):
			if (
				name.startswith("_")
				or name in skip
				or name in ("required_apps", "app_include_js", "app_include_css")
			):
				continue
			for path in hook_paths(getattr(hooks, name)):
				if path.startswith("order_coordination.") and "." in path.removeprefix("order_coordination."):
					with self.subTest(hook=name, path=path):
						self.assertTrue(callable(frappe.get_attr(path)))

	def test_number_cards_and_patches_resolve(self):
		for card in APP.glob("order_coordination/number_card/*/*.json"):
			method = json.loads(card.read_text()).get("method")
			with self.subTest(card=card.stem):
				self.assertIn(frappe.get_attr(method), frappe.whitelisted)
		for line in (APP / "patches.txt").read_text().splitlines():
			if line.startswith("order_coordination.patches."):
				with self.subTest(patch=line):
					self.assertTrue(callable(importlib.import_module(line).execute))
