"""Trust at the app's doors, one test per finding of the outside review (issue 19): a carrier touches only
its own shipments, stored text never runs, signatures cannot be sidestepped, a stamp from the future
freezes nothing, tracking links behave as documented, and every read is scoped to what the reader may see.

The carrier's and the customer's requests run through Frappe's own WSGI application, as in test_carrier
and test_portal."""

import json
import time
from datetime import datetime, timedelta, timezone
from unittest.mock import patch
from urllib.parse import urlencode

import frappe
from frappe.tests.test_api import make_request
from frappe.utils import get_test_client, now_datetime

from order_coordination import api
from order_coordination.carriers import door as carrier
from order_coordination.carriers import feed as carrier_feed
from order_coordination.compat import declare_test_records
from order_coordination.core import constants
from order_coordination.core.text import has_markup
from order_coordination.customers import page as portal
from order_coordination.insight import tuning as expectations
from order_coordination.tests.test_carrier import (
	BAD,
	CARRIER,
	FORBIDDEN,
	INTEGRATION,
	OK,
	REJECTED,
	SECRET,
	SIGNED,
	UNAUTHENTICATED,
	CarrierCase,
	api_token,
	make_account,
	remove_accounts,
	signed,
)
from order_coordination.tests.test_portal import SALES, PortalCase
from order_coordination.tests.utils import COMPANY, make_order, make_user, pending_handoff, timeline

declare_test_records(__name__, ["Sales Order", "Delivery Note", "Stock Entry"])

OTHER_CARRIER_USER = "oc-trust-other-carrier@example.com"
NO_ACCOUNT_USER = "oc-trust-no-account@example.com"
FRESH_USER = "oc-trust-fresh@example.com"
OTHER_ACCOUNT, SCOPED_ACCOUNT, FRESH_ACCOUNT = "OC Trust Other", "OC Trust Scoped", "OC Trust Fresh"
OTHER_COMPANY = "_Test Company 1"
MANAGER = "oc-trust-manager@example.com"
STOCK = "oc-trust-stock@example.com"
SYSTEM_MANAGER = "oc-trust-system@example.com"
# Markup that Frappe's own sanitiser returns unchanged: it parses as JSON.
QUOTED = '"<img src=x onerror=alert(1)>"'


def utc_now():
	return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


def stamp(at: datetime) -> str:
	return at.isoformat() + "Z"


class TestCarrierScope(CarrierCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		for email in (OTHER_CARRIER_USER, NO_ACCOUNT_USER, FRESH_USER):
			make_user(email, constants.INTEGRATION_ROLE)
			cls.tokens[email] = api_token(email)
		make_account(OTHER_ACCOUNT, OTHER_CARRIER_USER, carrier="Other Express", allow_unsigned=1)
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		frappe.db.delete(
			constants.DT_CARRIER_EVENT,
			{"received_by": ["in", [OTHER_CARRIER_USER, NO_ACCOUNT_USER, FRESH_USER]]},
		)
		remove_accounts([OTHER_ACCOUNT, SCOPED_ACCOUNT, FRESH_ACCOUNT])
		super().tearDownClass()

	def test_another_carriers_delivered_does_not_touch_our_shipment_or_order(self):
		so_name, shipment, awb = self.shipped()
		response = self.post([self.event(awb, constants.CARRIER_DELIVERED)], user=OTHER_CARRIER_USER)
		self.assertEqual(response.json["message"]["unmatched"], 1, response.json)
		self.assertFalse(frappe.db.get_value("Shipment", shipment, "tracking_status"))
		self.assertEqual(
			frappe.db.get_value(constants.DT_ORDER_COORDINATION, so_name, "stage"), constants.SHIPPED
		)
		self.assertEqual(
			frappe.db.get_value(
				constants.DT_CARRIER_EVENT, {"tracking_number": awb}, ["state", "carrier_account"]
			),
			(constants.CARRIER_EVENT_UNMATCHED, OTHER_ACCOUNT),
		)
		# The real carrier's Lost is not taken for superseded: the exception is raised.
		self.post([self.event(awb, constants.CARRIER_LOST, minutes=5)])
		self.assertEqual(frappe.db.get_value("Shipment", shipment, "tracking_status"), "Lost")
		self.assertTrue(self.open_exceptions(so_name))

	def test_an_account_for_other_companies_does_not_touch_our_shipment(self):
		make_account(SCOPED_ACCOUNT, FRESH_USER, companies=[OTHER_COMPANY], allow_unsigned=1)
		_so, shipment, awb = self.shipped()
		response = self.post([self.event(awb, constants.CARRIER_DELIVERED)], user=FRESH_USER)
		self.assertEqual(response.json["message"]["unmatched"], 1, response.json)
		self.assertFalse(frappe.db.get_value("Shipment", shipment, "tracking_status"))
		# Its unmatched events belong to the one company it serves.
		self.assertEqual(
			frappe.db.get_value(constants.DT_CARRIER_EVENT, {"tracking_number": awb}, "company"),
			OTHER_COMPANY,
		)
		# Serving our company, it reports on our shipment.
		make_account(SCOPED_ACCOUNT, FRESH_USER, companies=[COMPANY], allow_unsigned=1)
		response = self.post([self.event(awb, constants.CARRIER_DELIVERED, minutes=1)], user=FRESH_USER)
		self.assertEqual(response.json["message"]["accepted"], 1, response.json)
		self.assertEqual(frappe.db.get_value("Shipment", shipment, "tracking_status"), "Delivered")
		remove_accounts([SCOPED_ACCOUNT])

	def test_kept_events_are_matched_only_to_a_shipment_their_carrier_serves(self):
		awb = "AWB-" + frappe.generate_hash(length=10).upper()
		self.post([self.event(awb, constants.CARRIER_DELIVERED)], user=OTHER_CARRIER_USER)
		self.post([self.event(awb, constants.CARRIER_OUT_FOR_DELIVERY)])
		_so, shipment, _awb = self.shipped(awb=awb)
		frappe.db.rollback()
		carrier_feed.apply_queued()
		frappe.db.commit()
		states = dict(
			frappe.get_all(
				constants.DT_CARRIER_EVENT,
				{"tracking_number": awb},
				["received_by", "state"],
				as_list=True,
			)
		)
		self.assertEqual(states[OTHER_CARRIER_USER], constants.CARRIER_EVENT_UNMATCHED)
		self.assertEqual(states[INTEGRATION], constants.CARRIER_EVENT_APPLIED)
		self.assertEqual(frappe.db.get_value("Shipment", shipment, "tracking_status"), "In Progress")

	def test_an_integration_user_without_an_enabled_account_is_refused(self):
		_so, _shipment, awb = self.shipped()
		response = self.post([self.event(awb, constants.CARRIER_DELIVERED)], user=NO_ACCOUNT_USER)
		self.assertEqual(response.status_code, FORBIDDEN, response.json)
		make_account(FRESH_ACCOUNT, FRESH_USER, allow_unsigned=1, enabled=0)
		response = self.post([self.event(awb, constants.CARRIER_DELIVERED)], user=FRESH_USER)
		self.assertEqual(response.status_code, FORBIDDEN, response.json)
		self.assertFalse(frappe.db.exists(constants.DT_CARRIER_EVENT, {"tracking_number": awb}))
		remove_accounts([FRESH_ACCOUNT])

	def test_whether_an_account_signs_is_read_afresh(self):
		account = make_account(FRESH_ACCOUNT, FRESH_USER, allow_unsigned=1)
		_so, _shipment, awb = self.shipped()
		self.assertEqual(self.post([self.event(awb, "In Transit")], user=FRESH_USER).status_code, OK)
		account.reload()
		account.shared_secret = SECRET
		account.save(ignore_permissions=True)
		frappe.db.commit()
		response = self.post([self.event(awb, constants.CARRIER_DELIVERED, minutes=1)], user=FRESH_USER)
		self.assertEqual(response.status_code, UNAUTHENTICATED, response.json)
		remove_accounts([FRESH_ACCOUNT])

	def test_a_new_account_signs_unless_unsigned_requests_are_allowed(self):
		account = frappe.new_doc(constants.DT_CARRIER_ACCOUNT)
		account.update({"carrier_name": FRESH_ACCOUNT, "integration_user": FRESH_USER, "carrier": CARRIER})
		self.assertRaises(frappe.MandatoryError, account.insert, ignore_permissions=True)
		frappe.db.rollback()


class TestSignatures(CarrierCase):
	def test_a_query_string_batch_with_a_valid_body_signature_is_refused(self):
		_so, shipment, awb = self.shipped()
		events = json.dumps([self.event(awb, constants.CARRIER_DELIVERED)])
		for path, body, content_type in (
			(f"?{urlencode({'events': events})}", json.dumps({"note": "nothing"}), "application/json"),
			("", urlencode({"events": events}), "application/x-www-form-urlencoded"),  # signed, not JSON
		):
			with self.subTest(content_type=content_type):
				response = make_request(
					target=get_test_client(use_cookies=False).post,
					args=(f"/api/method/order_coordination.carrier.receive_events{path}",),
					kwargs={
						"data": body,
						"content_type": content_type,
						"headers": {
							"Authorization": self.tokens[SIGNED],
							constants.SIGNATURE_HEADER: signed(body),
						},
					},
				)
				self.assertEqual(response.status_code, BAD, response.json)
		frappe.db.rollback()
		self.assertFalse(frappe.db.exists(constants.DT_CARRIER_EVENT, {"tracking_number": awb}))
		self.assertFalse(frappe.db.get_value("Shipment", shipment, "tracking_status"))

	def test_a_replayed_signature_outside_the_window_is_refused(self):
		_so, shipment, awb = self.shipped()
		body = json.dumps({"events": [self.event(awb, constants.CARRIER_DELIVERED)]})
		response = self.post(None, user=SIGNED, signature=signed(body, at=time.time() - 301), raw=body)
		self.assertEqual(response.status_code, UNAUTHENTICATED, response.json)
		self.assertFalse(frappe.db.get_value("Shipment", shipment, "tracking_status"))

	def test_a_malformed_signature_header_is_a_401(self):
		body = json.dumps({"events": []})
		for header in ("t=é,v1=ü", "t=1,v1=zz", "sha256=abc", "t=,v1=", "v1=" + "0" * 64, "garbage"):
			with self.subTest(header=header):
				response = self.post(None, user=SIGNED, signature=header, raw=body)
				self.assertEqual(response.status_code, UNAUTHENTICATED, response.json)

	def test_the_signature_is_checked_before_the_rate_limit_counts(self):
		frappe.cache.delete_keys("order_coordination:carrier_rate:")
		body = json.dumps({"events": [{"event_id": "x"}]})
		with patch.object(carrier, "requests_per_minute", lambda: 2):
			forged = [
				self.post(None, user=SIGNED, signature="t=1,v1=" + "0" * 64, raw=body) for _ in range(3)
			]
			good = self.post(None, user=SIGNED, signature=signed(body), raw=body)
		frappe.cache.delete_keys("order_coordination:carrier_rate:")
		self.assertEqual([r.status_code for r in forged], [UNAUTHENTICATED] * 3)
		self.assertEqual(good.status_code, REJECTED, good.json)  # counted, read, and its one bad event named


class TestCarrierTime(CarrierCase):
	def test_a_future_stamped_in_transit_does_not_hide_a_lost(self):
		so_name, shipment, awb = self.shipped()
		now = utc_now()
		ahead = {
			**self.event(awb, constants.CARRIER_IN_TRANSIT),
			"occurred_at": stamp(now + timedelta(days=3)),
		}
		response = self.post([ahead])
		self.assertEqual(response.status_code, REJECTED, response.json)
		self.assertEqual(response.json["message"]["rejected"][0]["index"], 0)
		lost = {**self.event(awb, constants.CARRIER_LOST), "occurred_at": stamp(now)}
		self.assertEqual(self.post([lost]).json["message"]["accepted"], 1)
		self.assertEqual(frappe.db.get_value("Shipment", shipment, "tracking_status"), "Lost")
		self.assertTrue(self.open_exceptions(so_name))

	def test_a_stamp_without_an_offset_is_read_in_the_accounts_time_zone(self):
		frappe.db.set_value(
			constants.DT_CARRIER_ACCOUNT, "OC Test Unsigned Carrier", "time_zone", "Asia/Tokyo"
		)
		frappe.db.commit()
		try:
			_so, _shipment, awb = self.shipped()
			now = utc_now()
			local = {
				**self.event(awb, constants.CARRIER_IN_TRANSIT),
				"occurred_at": (now + timedelta(hours=9)).isoformat(),
			}
			response = self.post([local])
			self.assertEqual(response.json["message"]["accepted"], 1, response.json)
			stored = frappe.db.get_value(constants.DT_CARRIER_EVENT, {"tracking_number": awb}, "occurred_at")
			from frappe.utils import convert_utc_to_system_timezone

			expected = convert_utc_to_system_timezone(now).replace(tzinfo=None)
			self.assertEqual(stored, expected)
		finally:
			frappe.db.set_value(constants.DT_CARRIER_ACCOUNT, "OC Test Unsigned Carrier", "time_zone", None)
			frappe.db.commit()


class TestPlainText(CarrierCase):
	def test_a_json_quoted_payload_is_stored_without_live_markup_in_every_text_column(self):
		so_name, _shipment, awb = self.shipped()
		event = {
			**self.event(awb, constants.CARRIER_OUT_FOR_DELIVERY),
			"event_id": "E-" + frappe.generate_hash(length=8) + QUOTED,
			"location": QUOTED,
			"description": QUOTED + " left at the door",
		}
		self.assertEqual(self.post([event]).json["message"]["accepted"], 1)
		so = make_order()
		handoff = pending_handoff(so.name)
		api.reject_handoff(handoff.name, "No capacity " + QUOTED)
		exception = api.raise_exception(so.name, constants.QUALITY_ISSUE, QUOTED)
		api.resolve_exception(exception, QUOTED + " fixed")
		stored = [
			*frappe.db.get_value(
				constants.DT_CARRIER_EVENT,
				{"tracking_number": awb},
				["event_id", "tracking_number", "carrier_status", "location", "description"],
			),
			frappe.db.get_value(constants.DT_ORDER_HANDOFF, handoff.name, "reason"),
			*frappe.db.get_value(constants.DT_EXCEPTION, exception, ["description", "resolution"]),
			*[row.note or "" for row in timeline(so.name) + timeline(so_name)],
		]
		self.assertTrue(any("left at the door" in text for text in stored))
		for text in stored:
			self.assertFalse(has_markup(text), text)
			self.assertNotIn("onerror", text)

	def test_the_patch_makes_old_rows_plain(self):
		from order_coordination.patches import plain_text

		so = make_order()
		handoff = pending_handoff(so.name)
		frappe.db.set_value(constants.DT_ORDER_HANDOFF, handoff.name, "note", QUOTED)
		plain_text.execute()
		self.assertEqual(frappe.db.get_value(constants.DT_ORDER_HANDOFF, handoff.name, "note"), '""')

	def test_an_administrators_names_with_markup_are_refused(self):
		account = frappe.get_doc(constants.DT_CARRIER_ACCOUNT, "OC Test Unsigned Carrier")
		account.carrier = QUOTED
		self.assertRaises(frappe.ValidationError, account.save, ignore_permissions=True)
		frappe.db.rollback()


class TestScopedReads(CarrierCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user(MANAGER, "Coordination Manager")
		make_user(STOCK, "Stock User")
		frappe.get_doc(
			{"doctype": "User Permission", "user": MANAGER, "allow": "Company", "for_value": COMPANY}
		).insert(ignore_permissions=True)
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.set_user("Administrator")
		frappe.db.delete("User Permission", {"user": MANAGER})
		frappe.db.commit()
		super().tearDownClass()

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_a_manager_of_one_company_cannot_read_or_apply_anothers_tuning(self):
		frappe.set_user(MANAGER)
		self.assertIsInstance(expectations.policy_tuning(COMPANY), list)
		self.assertRaises(frappe.PermissionError, expectations.policy_tuning, OTHER_COMPANY)
		self.assertRaises(frappe.PermissionError, expectations.apply_tuning, OTHER_COMPANY)

	def test_carrier_events_of_no_company_are_hidden_from_staff(self):
		awb = "AWB-" + frappe.generate_hash(length=10).upper()
		self.post([self.event(awb, constants.CARRIER_DELIVERED)])  # an account serving every company
		_so, _shipment, ours = self.shipped()
		self.post([self.event(ours, constants.CARRIER_IN_TRANSIT)])
		frappe.set_user(STOCK)
		seen = frappe.get_list(
			constants.DT_CARRIER_EVENT, {"tracking_number": ["in", [awb, ours]]}, pluck="tracking_number"
		)
		self.assertEqual(seen, [ours])
		unmatched = frappe.db.get_value(constants.DT_CARRIER_EVENT, {"tracking_number": awb}, "name")
		self.assertFalse(frappe.has_permission(constants.DT_CARRIER_EVENT, "read", unmatched))
		frappe.set_user(MANAGER)
		self.assertTrue(frappe.has_permission(constants.DT_CARRIER_EVENT, "read", unmatched))


class TestTrackingLinks(PortalCase):
	def test_revoking_from_the_form_works(self):
		so_name = self.order()
		name, token = self.link(so_name)
		frappe.set_user(SALES)
		try:
			form = json.loads(frappe.as_json(frappe.get_doc(constants.DT_TRACKING_LINK, name).as_dict()))
			form["revoked"] = 1
			from frappe.desk.form.save import savedocs

			savedocs(json.dumps(form), "Save")
			frappe.db.commit()  # as the form's request would
		finally:
			frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value(constants.DT_TRACKING_LINK, name, "revoked"), 1)
		self.assertEqual(self.get(f"/track?token={token}").status_code, 404)

	def test_a_sales_user_cannot_change_a_links_counters_or_company(self):
		so_name = self.order()
		name, _token = self.link(so_name)
		frappe.set_user(SALES)
		try:
			doc = frappe.get_doc(constants.DT_TRACKING_LINK, name)
			doc.use_count, doc.first_used_on = 999, now_datetime()
			doc.save()
			doc = frappe.get_doc(constants.DT_TRACKING_LINK, name)
			doc.company = OTHER_COMPANY
			self.assertRaises(frappe.ValidationError, doc.save)
		finally:
			frappe.set_user("Administrator")
		stored = frappe.db.get_value(
			constants.DT_TRACKING_LINK, name, ["use_count", "first_used_on", "company"], as_dict=True
		)
		self.assertEqual((stored.use_count, stored.first_used_on, stored.company), (0, None, COMPANY))

	def test_link_days_out_of_range_are_refused(self):
		policy = frappe.get_doc(
			{"doctype": constants.DT_POLICY, "company": OTHER_COMPANY, "ownership_model": "Sales-led"}
		)
		for days in (0, 366, 36500):
			with self.subTest(days=days):
				policy.tracking_link_days = days
				self.assertRaisesRegex(
					frappe.ValidationError, "stays valid for 1 to 365 days", policy.validate_promise
				)
		policy.tracking_link_days = 365
		policy.validate_promise()

	def test_one_live_link_per_order_unless_another_is_asked_for(self):
		so_name = self.order()
		first = self.post("make_tracking_link", SALES, sales_order=so_name).json["message"]
		self.assertIn("url", first)
		again = self.post("make_tracking_link", SALES, sales_order=so_name).json["message"]
		self.assertEqual([link["name"] for link in again["live"]], [first["name"]])
		self.assertNotIn("url", again)
		another = self.post("make_tracking_link", SALES, sales_order=so_name, another=1).json["message"]
		self.assertIn("url", another)
		self.assertEqual(frappe.db.count(constants.DT_TRACKING_LINK, {"sales_order": so_name}), 2)

	def test_who_may_list_an_orders_live_links(self):
		from order_coordination.tests.test_portal import BUYER, PORTAL, STOCK

		so_name = self.order()
		name, _token = self.link(so_name)
		listed = self.post("live_tracking_links", SALES, sales_order=so_name)
		self.assertEqual([link["name"] for link in listed.json["message"]], [name])
		self.assertNotIn("token_hash", listed.json["message"][0])  # nothing that opens the page
		# A Stock User reads the order but not its links, a Purchase User not even the order, a portal
		# customer and a guest neither; a name that is no order is refused like a hidden one.
		for user in (STOCK, BUYER, PORTAL):
			with self.subTest(user=user):
				self.assertEqual(self.post("live_tracking_links", user, sales_order=so_name).status_code, 403)
		self.assertEqual(self.post("live_tracking_links", SALES, sales_order="<b>x</b>").status_code, 403)
		guest = make_request(
			target=get_test_client(use_cookies=False).post,
			args=("/api/method/order_coordination.portal.live_tracking_links",),
			kwargs={"json": {"sales_order": so_name}},
		)
		self.assertEqual(guest.status_code, 403)

	def test_a_use_is_counted_at_most_once_a_minute(self):
		so_name = self.order()
		name, token = self.link(so_name)
		for _ in range(3):
			self.assertEqual(self.get(f"/track?token={token}").status_code, 200)
		self.assertEqual(frappe.db.get_value(constants.DT_TRACKING_LINK, name, "use_count"), 1)

	def test_the_page_and_its_refresh_are_rate_limited_and_send_no_referrer(self):
		so_name = self.order()
		_name, token = self.link(so_name)
		with patch.object(portal, "requests_per_minute", lambda: 2):
			pages = [self.get(f"/track?token={token}") for _ in range(3)]
			refreshes = [
				self.get(f"/api/method/order_coordination.portal.order_status?token={token}")
				for _ in range(3)
			]
		frappe.cache.delete_keys("rl:")
		self.assertEqual([r.status_code for r in pages], [200, 200, 429])
		self.assertEqual([r.status_code for r in refreshes], [200, 200, 429])
		for response in pages[:1] + refreshes[:1]:
			self.assertEqual(response.headers.get("Referrer-Policy"), "no-referrer")

	def test_a_missing_and_another_customers_order_are_refused_alike(self):
		from order_coordination.tests.test_portal import PORTAL, segment

		other = self.order(customer="_Test Customer 1")
		missing = self.get("/track/SAL-ORD-NO-SUCH-ORDER", user=PORTAL)
		hidden = self.get(f"/track/{other}", user=PORTAL)
		self.assertEqual((missing.status_code, segment(missing)), (hidden.status_code, segment(hidden)))


class TestWalkFixtures(PortalCase):
	def test_the_walk_fixtures_are_post_only_and_refused_without_allow_tests(self):
		make_user(SYSTEM_MANAGER, "System Manager")
		token = api_token(SYSTEM_MANAGER)
		frappe.db.commit()
		response = make_request(
			target=get_test_client(use_cookies=False).get,
			args=("/api/method/order_coordination.tests.browser_fixtures.ship_order?sales_order=x",),
			kwargs={"headers": {"Authorization": token}},
		)
		frappe.db.rollback()
		self.assertIn(response.status_code, (403, 405), response.json)
		from order_coordination.tests import browser_fixtures

		with patch.dict(frappe.conf, {"allow_tests": 0}):
			self.assertRaises(frappe.PermissionError, browser_fixtures.ship_order, "x")
