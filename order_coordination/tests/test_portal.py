"""The customer's order page and tracking links over HTTP: who may see which order, what every refusal
looks like (the same, whatever its cause), and what the page never shows."""

import re
from urllib.parse import parse_qs, urlparse

import frappe
from frappe.tests.test_api import make_request
from frappe.utils import add_days, add_to_date, get_test_client, now_datetime

from order_coordination import api
from order_coordination.compat import TestCase, declare_test_records
from order_coordination.core import constants
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

CUSTOMER, OTHER_CUSTOMER = "_Test Customer", "_Test Customer 1"
PORTAL = "oc-portal-customer@example.com"
OTHER_PORTAL = "oc-portal-other@example.com"
SALES = "oc-portal-sales@example.com"
STOCK = "oc-portal-stock@example.com"
MAKER = "oc-portal-maker@example.com"
BUYER = "oc-portal-buyer@example.com"
SECRET_NOTE = "INTERNAL-NOTE-7731"
SECRET_REASON = "INTERNAL-REASON-4410"
OK, NOT_VALID = 200, 404
SEGMENT = re.compile(r'<div class="oc-track">.*<!-- /oc-track -->', re.S)


def segment(response) -> str:
	"""The page's own content (the portal's frame around it differs between users)."""
	found = SEGMENT.search(response.get_data(as_text=True))
	return found.group(0) if found else ""


class PortalCase(TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.orders, cls.tokens = [], {}
		for email, roles in (
			(PORTAL, ("Customer",)),
			(OTHER_PORTAL, ("Customer",)),
			(SALES, ("Sales User",)),
			(STOCK, ("Stock User",)),
			(MAKER, ("Manufacturing User",)),
			(BUYER, ("Purchase User",)),
		):
			make_user(email, *roles)
			user = frappe.get_doc("User", email)
			user.api_key = user.api_key or frappe.generate_hash(length=15)
			secret = frappe.generate_hash(length=15)
			user.api_secret = secret
			user.save(ignore_permissions=True)
			cls.tokens[email] = f"token {user.api_key}:{secret}"
		for customer, email in ((CUSTOMER, PORTAL), (OTHER_CUSTOMER, OTHER_PORTAL)):
			doc = frappe.get_doc("Customer", customer)
			if not any(row.user == email for row in doc.get("portal_users") or []):
				doc.append("portal_users", {"user": email})
				doc.save(ignore_permissions=True)
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		frappe.db.delete("Portal User", {"user": ["in", [PORTAL, OTHER_PORTAL]]})
		frappe.db.delete(constants.DT_TRACKING_LINK, {"sales_order": ["in", cls.orders or [""]]})
		frappe.db.commit()
		remove_committed_orders(cls.orders)
		super().tearDownClass()

	def setUp(self):
		frappe.cache.delete_keys("rl:")  # Frappe's rate limiter counts every request of the tests' one IP

	def order(self, customer=CUSTOMER, shipped=True):
		so = make_order(item_code=STOCKED, qty=1, customer=customer)
		if shipped:
			add_stock(STOCKED, 1)
			deliver(so)
		self.orders.append(so.name)
		frappe.db.commit()
		return so.name

	def get(self, path, user=None):
		headers = {"Authorization": self.tokens[user]} if user else {}
		response = make_request(
			target=get_test_client(use_cookies=False).get, args=(path,), kwargs={"headers": headers}
		)
		frappe.db.rollback()
		return response

	def post(self, method, user, **args):
		response = make_request(
			target=get_test_client(use_cookies=False).post,
			args=(f"/api/method/order_coordination.portal.{method}",),
			kwargs={"json": args, "headers": {"Authorization": self.tokens[user]}},
		)
		frappe.db.rollback()
		return response

	def link(self, so_name):
		response = self.post("make_tracking_link", SALES, sales_order=so_name, another=1)
		self.assertEqual(response.status_code, OK, response.json)
		message = response.json["message"]
		return message["name"], parse_qs(urlparse(message["url"]).query)["token"][0]


class TestPortalAccess(PortalCase):
	def test_a_portal_user_sees_their_own_order(self):
		so_name = self.order()
		response = self.get(f"/track/{so_name}", PORTAL)
		self.assertEqual(response.status_code, OK)
		page = segment(response)
		self.assertIn(so_name, page)
		self.assertIn("oc-step-current", page)
		self.assertIn("Shipped", page)
		self.assertNotIn("In Production", page)  # a stock order is never in production
		listing = segment(self.get("/track", PORTAL))
		self.assertIn(so_name, listing)
		self.assertIn(f"/track/{so_name}", self.get(f"/orders/{so_name}", PORTAL).get_data(as_text=True))

	def test_another_customers_order_looks_like_no_order_at_all(self):
		theirs = self.order(customer=OTHER_CUSTOMER)
		refused = self.get(f"/track/{theirs}", PORTAL)
		missing = self.get("/track/SAL-ORD-NO-SUCH-ORDER", PORTAL)
		self.assertEqual((refused.status_code, missing.status_code), (NOT_VALID, NOT_VALID))
		self.assertEqual(segment(refused), segment(missing))
		self.assertNotIn(theirs, segment(refused))
		self.assertNotIn(theirs, segment(self.get("/track", PORTAL)))
		self.assertEqual(self.get(f"/track/{theirs}", OTHER_PORTAL).status_code, OK)

	def test_desk_users_see_the_page_of_orders_they_may_read(self):
		so_name = self.order()
		self.assertEqual(self.get(f"/track/{so_name}", SALES).status_code, OK)
		self.assertEqual(self.get(f"/track/{so_name}", BUYER).status_code, NOT_VALID)  # no Sales Order read
		# Production reads the orders it works on (the app grants Manufacturing User read on Sales Order).
		self.assertEqual(self.get(f"/track/{so_name}", MAKER).status_code, OK)
		guest = self.get(f"/track/{so_name}")
		self.assertIn(guest.status_code, (301, 302))  # to the login, which says nothing of the order
		self.assertIn("/login", guest.headers["Location"])

	def test_a_desk_user_sees_no_page_of_a_company_they_may_not_see(self):
		so_name = self.order()
		frappe.get_doc(
			{"doctype": "User Permission", "user": SALES, "allow": "Company", "for_value": "_Test Company 1"}
		).insert(ignore_permissions=True)
		frappe.db.commit()
		try:
			self.assertEqual(self.get(f"/track/{so_name}", SALES).status_code, NOT_VALID)
			self.assertNotIn(so_name, segment(self.get("/track", SALES)))
		finally:
			for name in frappe.get_all("User Permission", {"user": SALES}, pluck="name"):
				frappe.delete_doc("User Permission", name, ignore_permissions=True)  # clears the cache too
			frappe.db.commit()
		self.assertIn(so_name, segment(self.get("/track", SALES)))

	def test_a_tracking_link_carries_its_orders_company_for_user_permissions(self):
		so_name = self.order()
		name, _token = self.link(so_name)
		company = frappe.db.get_value("Sales Order", so_name, "company")
		self.assertEqual(frappe.db.get_value(constants.DT_TRACKING_LINK, name, "company"), company)
		with self.set_user(SALES):
			self.assertIn(name, frappe.get_list(constants.DT_TRACKING_LINK, pluck="name"))
		frappe.get_doc(
			{"doctype": "User Permission", "user": SALES, "allow": "Company", "for_value": "_Test Company 1"}
		).insert(ignore_permissions=True)
		try:
			with self.set_user(SALES):
				self.assertNotIn(name, frappe.get_list(constants.DT_TRACKING_LINK, pluck="name"))
		finally:
			for permission in frappe.get_all("User Permission", {"user": SALES}, pluck="name"):
				frappe.delete_doc("User Permission", permission, ignore_permissions=True)

	def test_tracking_links_valid_expired_revoked_forged(self):
		so_name = self.order()
		name, token = self.link(so_name)
		valid = self.get(f"/track?token={token}")
		self.assertEqual(valid.status_code, OK)
		self.assertIn(so_name, segment(valid))
		self.get(f"/track?token={token}")
		uses = frappe.db.get_value(
			constants.DT_TRACKING_LINK, name, ["use_count", "last_used_on"], as_dict=True
		)
		self.assertEqual(uses.use_count, 1)  # a use is counted at most once a minute
		self.assertTrue(uses.last_used_on)
		self.assertIsNone(frappe.db.get_value(constants.DT_TRACKING_LINK, {"token_hash": token}))  # hashed
		poll = self.get(f"/api/method/order_coordination.portal.order_status?token={token}")
		self.assertIn(so_name, poll.json["message"]["html"])

		refusals = {}
		refusals["forged"] = self.get(f"/track?token={token[:-4]}abcd")
		refusals["garbage"] = self.get("/track?token=%3Cscript%3E")
		expired_name, expired = self.link(so_name)
		frappe.db.set_value(
			constants.DT_TRACKING_LINK, expired_name, "expires_on", add_to_date(now_datetime(), minutes=-1)
		)
		frappe.db.commit()
		refusals["expired"] = self.get(f"/track?token={expired}")
		self.assertEqual(self.post("revoke_tracking_link", STOCK, link=name).status_code, 403)
		self.assertEqual(self.post("revoke_tracking_link", SALES, link=name).status_code, OK)
		refusals["revoked"] = self.get(f"/track?token={token}")
		pages = {why: (r.status_code, segment(r)) for why, r in refusals.items()}
		self.assertEqual(len(set(pages.values())), 1, pages)
		self.assertEqual(pages["revoked"][0], NOT_VALID)
		self.assertNotIn(so_name, pages["revoked"][1])
		poll = self.get(f"/api/method/order_coordination.portal.order_status?token={token}")
		self.assertEqual(poll.status_code, 403)

	def test_a_cancelled_order_says_so(self):
		so_name = self.order(shipped=False)
		_name, token = self.link(so_name)
		frappe.set_user("Administrator")
		frappe.get_doc("Sales Order", so_name).cancel()
		frappe.db.commit()
		for page in (
			segment(self.get(f"/track?token={token}")),
			segment(self.get(f"/track/{so_name}", PORTAL)),
		):
			self.assertIn("This order was cancelled.", page)
			self.assertNotIn("oc-step", page)
		self.assertEqual(self.post("make_tracking_link", SALES, sales_order=so_name).status_code, 417)

	def test_only_the_promise_owner_makes_links(self):
		so_name = self.order()
		for user in (STOCK, MAKER, PORTAL):
			with self.subTest(user=user):
				self.assertEqual(self.post("make_tracking_link", user, sales_order=so_name).status_code, 403)
		self.assertFalse(frappe.db.exists(constants.DT_TRACKING_LINK, {"sales_order": so_name}))
		expires = frappe.db.get_value(constants.DT_TRACKING_LINK, self.link(so_name)[0], "expires_on")
		self.assertEqual(
			expires.date(), add_days(now_datetime(), constants.DEFAULT_TRACKING_LINK_DAYS).date()
		)


class TestWhatThePageNeverShows(PortalCase):
	def test_no_department_person_note_reason_or_exception(self):
		so_name = self.order(shipped=False)
		frappe.set_user("Administrator")
		api.reject_handoff(pending_handoff(so_name).name, SECRET_REASON)
		api.raise_exception(so_name, constants.MATERIAL_SHORTAGE, SECRET_NOTE)
		original = frappe.db.get_value(constants.DT_ORDER_COORDINATION, so_name, "delivery_date")
		frappe.db.set_value(
			constants.DT_ORDER_COORDINATION, so_name, "original_delivery_date", add_days(original, -7)
		)
		frappe.db.commit()
		_name, token = self.link(so_name)
		for page in (
			segment(self.get(f"/track/{so_name}", PORTAL)),
			segment(self.get(f"/track?token={token}")),
		):
			self.assertIn(so_name, page)
			self.assertIn("This date has changed since you ordered.", page)
			for hidden in (
				SECRET_NOTE,
				SECRET_REASON,
				constants.MATERIAL_SHORTAGE,
				constants.SALES,
				constants.PRODUCTION,
				constants.LOGISTICS,
				"Administrator",
				SALES,
				"Handoff",
				"Exception",
				"On Hold",
			):
				self.assertNotIn(hidden, page)
