"""The whitelisted API over HTTP, as real logged-in users of each role.

PERMISSIONS is the one table of who may do what: each row names an action, the department it concerns and
the roles whose holders may take it. Every other role must be refused with 403. Then hostile and careless
arguments, generated, must never give a 500 and never change anything.

These requests run through Frappe's own WSGI application in connections of their own, so the orders they
act on are committed first and removed afterwards.
"""

import json

import frappe
from frappe.tests.test_api import make_request
from frappe.utils import get_test_client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from order_coordination.compat import TestCase, declare_test_records
from order_coordination.core import constants
from order_coordination.core.text import has_markup
from order_coordination.tests.utils import (
	STOCKED,
	add_stock,
	deliver,
	make_order,
	make_user,
	pending_handoff,
	remove_committed_orders,
)

declare_test_records(__name__, ["Sales Order", "Delivery Note", "Stock Entry"])

ROLES = ("Sales User", "Manufacturing User", "Stock User", "Delivery User", "Accounts User", "System Manager")
EVERY_DEPARTMENT = {"Sales User", "Manufacturing User", "Stock User", "Delivery User", "System Manager"}

# action -> (what it concerns, roles that may take it). Orders here are stock orders: Sales holds them
# and has handed them to Logistics.
PERMISSIONS = {
	"get_order_status": ("any reader of Order Coordination", set(ROLES)),
	"accept_handoff": (
		"the receiving department (Logistics)",
		{"Stock User", "Delivery User", "System Manager"},
	),
	"reject_handoff": (
		"the receiving department (Logistics)",
		{"Stock User", "Delivery User", "System Manager"},
	),
	"cancel_handoff": ("the sending department (Sales)", {"Sales User", "System Manager"}),
	"hand_off": ("the holding or accountable department (Sales)", {"Sales User", "System Manager"}),
	"raise_exception": ("any department", EVERY_DEPARTMENT),
	"confirm_delivery": ("Logistics, once shipped", {"Stock User", "Delivery User", "System Manager"}),
}
STATUS_OK, STATUS_REFUSED, STATUS_INVALID = 200, 403, 417


class HttpCase(TestCase):
	created: list

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.created = []
		cls.tokens = {}
		for role in ROLES:
			email = f"oc-http-{frappe.scrub(role)}@example.com"
			make_user(email, role)
			user = frappe.get_doc("User", email)
			user.api_key = user.api_key or frappe.generate_hash(length=15)
			secret = frappe.generate_hash(length=15)
			user.api_secret = secret
			user.save(ignore_permissions=True)
			cls.tokens[role] = f"token {user.api_key}:{secret}"
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		remove_committed_orders(cls.created)
		super().tearDownClass()

	def order(self, shipped=False):
		so = make_order(item_code=STOCKED, qty=1)
		if shipped:
			add_stock(STOCKED, 1)
			deliver(so)
		self.created.append(so.name)
		frappe.db.commit()
		return so.name

	def call(self, role, method, **args):
		client = get_test_client(use_cookies=False)
		response = make_request(
			target=client.post,
			args=(f"/api/method/order_coordination.api.{method}",),
			kwargs={"json": args, "headers": {"Authorization": self.tokens[role]}},
		)
		frappe.db.rollback()  # see what the request committed
		return response

	def fingerprint(self, so_name):
		return (
			frappe.db.count(constants.DT_TIMELINE, {"sales_order": so_name}),
			tuple(
				frappe.db.sql(
					"select name, status, responded_by, reason from `tabOrder Handoff` where sales_order = %s order by name",
					so_name,
				)
			),
			frappe.db.count(constants.DT_EXCEPTION, {"sales_order": so_name}),
			frappe.db.get_value(
				constants.DT_ORDER_COORDINATION,
				so_name,
				["stage", "status", "responsible_department", "facts"],
			),
		)


class TestPermissionMatrix(HttpCase):
	def arguments(self, action, so_name):
		handoff = pending_handoff(so_name)
		return {
			"get_order_status": {"sales_order": so_name},
			"accept_handoff": {"handoff": handoff and handoff.name},
			"reject_handoff": {"handoff": handoff and handoff.name, "reason": "Not ours"},
			"cancel_handoff": {"handoff": handoff and handoff.name},
			"hand_off": {"sales_order": so_name, "to_department": constants.PRODUCTION},
			"raise_exception": {
				"sales_order": so_name,
				"exception_type": constants.OTHER,
				"description": "Check",
			},
			"confirm_delivery": {"sales_order": so_name, "outcome": constants.OUTCOME_DELIVERED},
		}[action]

	def test_who_may_do_what(self):
		for action, (concerns, allowed) in PERMISSIONS.items():
			for role in ROLES:
				with self.subTest(action=action, role=role, concerns=concerns):
					so_name = self.order(shipped=action == "confirm_delivery")
					if action == "hand_off":  # Sales may hand off only once nothing is pending
						self.call("Sales User", "cancel_handoff", handoff=pending_handoff(so_name).name)
					before = self.fingerprint(so_name)
					response = self.call(role, action, **self.arguments(action, so_name))
					if role in allowed:
						self.assertEqual(response.status_code, STATUS_OK, response.json)
					else:
						self.assertEqual(response.status_code, STATUS_REFUSED, response.json)
						self.assertEqual(self.fingerprint(so_name), before)

	def test_orders_of_a_company_the_user_may_not_see_stay_hidden(self):
		so_name = self.order()
		email = "oc-http-stock_user@example.com"
		frappe.get_doc(
			{"doctype": "User Permission", "user": email, "allow": "Company", "for_value": "_Test Company 1"}
		).insert(ignore_permissions=True)
		frappe.db.commit()
		try:
			response = self.call("Stock User", "get_order_status", sales_order=so_name)
			self.assertEqual(response.status_code, STATUS_REFUSED)
			self.assertNotIn(so_name, json.dumps(response.json.get("message") or {}))
			response = self.call("Stock User", "accept_handoff", handoff=pending_handoff(so_name).name)
			self.assertEqual(response.status_code, STATUS_REFUSED)
		finally:
			for name in frappe.get_all("User Permission", {"user": email}, pluck="name"):
				frappe.delete_doc("User Permission", name, ignore_permissions=True)  # clears the cache too
			frappe.db.commit()


hostile_text = st.one_of(
	st.text(max_size=40),
	st.sampled_from(
		[
			"<script>alert(1)</script>",
			"<img src=x onerror=alert(1)>",
			# Markup that parses as JSON, which Frappe's own sanitiser returns unchanged.
			'"<img src=x onerror=alert(1)>"',
			'{"a": "<svg onload=alert(1)>"}',
			"'; drop table `tabOrder Handoff`; --",
			'" or 1=1 --',
			"%s%s%s",
			"{0}{1}",
			"../../etc/passwd",
			"\u0000",
			"x" * 100_000,
		]
	),
)
values = st.one_of(
	st.none(),
	hostile_text,
	st.integers(),
	st.floats(allow_nan=True),
	st.booleans(),
	st.lists(st.text(max_size=5), max_size=3),
	st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3),
)
METHODS = {
	"get_order_status": ("sales_order",),
	"hand_off": ("sales_order", "to_department", "note"),
	"accept_handoff": ("handoff",),
	"reject_handoff": ("handoff", "reason"),
	"cancel_handoff": ("handoff",),
	"raise_exception": ("sales_order", "exception_type", "description", "responsible_department"),
	"resolve_exception": ("exception", "resolution"),
	"confirm_delivery": ("sales_order", "outcome", "note"),
}


class TestHostileInput(HttpCase):
	@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
	@given(
		st.sampled_from(sorted(METHODS)),
		st.sampled_from(ROLES),
		st.data(),
	)
	def test_never_a_500_and_never_a_partial_write(self, method, role, data):
		if not getattr(self, "target", None):
			self.target = self.order()
		args = {}
		for name in METHODS[method]:
			# Real names some of the time, so that checks past the first one are reached too.
			real = {"sales_order": self.target, "handoff": (pending_handoff(self.target) or {}).get("name")}
			args[name] = data.draw(st.one_of(values, st.just(real.get(name))), label=name)
		before = self.fingerprint(self.target)
		response = self.call(role, method, **args)
		self.assertIn(response.status_code, (STATUS_OK, STATUS_REFUSED, STATUS_INVALID, 404), response.json)
		if response.status_code != STATUS_OK:
			self.assertEqual(self.fingerprint(self.target), before)
		if response.status_code == STATUS_OK and method != "get_order_status":
			self.assertNoStoredMarkup(self.target)
			self.target = None  # it changed the order: take a fresh one

	def assertNoStoredMarkup(self, sales_order):
		"""What a user typed is stored as plain text: nothing in it can run in another user's browser."""
		frappe.db.rollback()  # see what the request committed
		for doctype, columns in (
			(constants.DT_ORDER_HANDOFF, ("note", "reason")),
			(constants.DT_EXCEPTION, ("description", "resolution")),
			(constants.DT_TIMELINE, ("note",)),
		):
			for row in frappe.get_all(doctype, {"sales_order": sales_order}, list(columns)):
				for text in row.values():
					self.assertFalse(has_markup(text), (doctype, text))
					self.assertNotIn("onerror", (text or "").lower(), doctype)
