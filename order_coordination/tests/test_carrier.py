"""Carrier events over HTTP, as a carrier's integration user sends them: every status, duplicates, events
out of order, unknown tracking numbers, bad payloads, the wrong role, signatures and the rate limit.

The requests run through Frappe's own WSGI application; the endpoint stores and commits, and the job
that applies stored events (`carriers.feed.apply_queued`, a background job in production) is run here
right after each request, as a worker would.
"""

import json
import time
from datetime import datetime, timedelta
from unittest.mock import patch

import frappe
from erpnext.stock.doctype.shipment.test_shipment import create_test_shipment
from frappe.tests.test_api import make_request
from frappe.utils import get_test_client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from order_coordination.carriers import door as carrier
from order_coordination.carriers import feed as carrier_feed
from order_coordination.compat import TestCase, declare_test_records
from order_coordination.core import constants
from order_coordination.core.carrier import SHIPMENT_STATUS, sign
from order_coordination.tests.utils import (
	STOCKED,
	add_stock,
	at_once,
	deliver,
	make_order,
	make_user,
	remove_committed_orders,
)

declare_test_records(__name__, ["Sales Order", "Delivery Note", "Stock Entry"])

INTEGRATION = "oc-carrier-integration@example.com"
SIGNED = "oc-carrier-signed@example.com"
STOCK_USER = "oc-carrier-stock@example.com"
ADMIN = "oc-carrier-admin@example.com"
SECRET = "a shared secret the carrier keeps"
SIGNED_ACCOUNT = "OC Test Signed Carrier"
UNSIGNED_ACCOUNT = "OC Test Unsigned Carrier"
CARRIER = "OC Express"
T0 = datetime(2026, 11, 20, 8, 0)
OK, REJECTED, BAD, UNAUTHENTICATED, FORBIDDEN, LIMITED = 200, 422, 400, 401, 403, 429


def api_token(email):
	user = frappe.get_doc("User", email)
	user.api_key = user.api_key or frappe.generate_hash(length=15)
	secret = frappe.generate_hash(length=15)
	user.api_secret = secret
	user.save(ignore_permissions=True)
	return f"token {user.api_key}:{secret}"


def when(minutes):
	return (T0 + timedelta(minutes=minutes)).isoformat() + "Z"


def remove_shipments(names):
	frappe.db.rollback()
	for name in names:
		frappe.db.delete("Shipment Delivery Note", {"parent": name})
		frappe.db.delete("Shipment Parcel", {"parent": name})
		frappe.db.delete("Shipment", {"name": name})
	frappe.db.commit()


def make_account(name, user, carrier=CARRIER, companies=(), mappings=None, **values):
	"""A Carrier Account for `user`, made anew (an account the user had before is removed)."""
	before = frappe.get_all(constants.DT_CARRIER_ACCOUNT, {"integration_user": user}, pluck="name")
	remove_accounts([name, *before], commit=False)
	account = frappe.new_doc(constants.DT_CARRIER_ACCOUNT)
	account.update({"carrier_name": name, "integration_user": user, "carrier": carrier, **values})
	for company in companies:
		account.append("companies", {"company": company})
	for word, status in (mappings or {}).items():
		account.append("status_mappings", {"carrier_status": word, "status": status})
	account.insert(ignore_permissions=True)
	frappe.db.commit()
	return account


def remove_accounts(names, commit=True):
	for name in names:
		frappe.db.delete(constants.DT_CARRIER_STATUS_MAP, {"parent": name})
		frappe.db.delete("Carrier Account Company", {"parent": name})
		frappe.db.delete("__Auth", {"doctype": constants.DT_CARRIER_ACCOUNT, "name": name})
		frappe.db.delete(constants.DT_CARRIER_ACCOUNT, {"name": name})
	if commit:
		frappe.db.commit()


def signed(body, secret=SECRET, at=None):
	return sign(secret, body.encode() if isinstance(body, str) else body, int(at or time.time()))


class CarrierCase(TestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.orders, cls.shipments, cls.tokens = [], [], {}
		for email, roles in (
			(INTEGRATION, (constants.INTEGRATION_ROLE,)),
			(SIGNED, (constants.INTEGRATION_ROLE,)),
			(STOCK_USER, ("Stock User",)),
			(ADMIN, ("System Manager",)),
		):
			make_user(email, *roles)
			cls.tokens[email] = api_token(email)
		make_account(
			SIGNED_ACCOUNT, SIGNED, shared_secret=SECRET, mappings={"DLV": constants.CARRIER_DELIVERED}
		)
		make_account(UNSIGNED_ACCOUNT, INTEGRATION, allow_unsigned=1)
		frappe.db.commit()

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		frappe.db.delete(constants.DT_CARRIER_EVENT, {"received_by": ["in", [INTEGRATION, SIGNED]]})
		remove_accounts([SIGNED_ACCOUNT, UNSIGNED_ACCOUNT])
		remove_shipments(cls.shipments)
		remove_committed_orders(cls.orders)
		super().tearDownClass()

	def shipped(self, awb=None, carrier=CARRIER):
		"""A stock order shipped with one Delivery Note, carried by a submitted Shipment with an AWB number."""
		so = make_order(item_code=STOCKED, qty=1)
		add_stock(STOCKED, 1)
		dn = deliver(so)
		awb = awb or "AWB-" + frappe.generate_hash(length=10).upper()
		shipment = create_test_shipment([dn])
		shipment.update({"awb_number": awb, "carrier": carrier, "tracking_url": "https://track.example/x"})
		shipment.submit()
		self.orders.append(so.name)
		self.shipments.append(shipment.name)
		frappe.db.commit()
		return so.name, shipment.name, awb

	def post(self, events, user=INTEGRATION, signature=None, raw=None, apply=True):
		body = raw if raw is not None else json.dumps({"events": events})
		headers = {"Authorization": self.tokens[user], "Content-Type": "application/json"}
		if signature is not None:
			headers[constants.SIGNATURE_HEADER] = signature
		response = make_request(
			target=get_test_client(use_cookies=False).post,
			args=("/api/method/order_coordination.carrier.receive_events",),
			kwargs={"data": body, "headers": headers},
		)
		frappe.db.rollback()  # see what the request committed
		if apply:
			carrier_feed.apply_queued()  # the worker's job
			frappe.db.commit()
		return response

	def event(self, awb, status, minutes=0, event_id=None, **extra):
		return {
			"event_id": event_id or frappe.generate_hash(length=12),
			"tracking_number": awb,
			"status": status,
			"occurred_at": when(minutes),
			**extra,
		}

	def carrier_updates(self, so_name):
		return frappe.get_all(
			constants.DT_TIMELINE,
			{"sales_order": so_name, "action": constants.TIMELINE_CARRIER},
			pluck="note",
			order_by="creation asc",
		)

	def open_exceptions(self, so_name):
		return frappe.get_all(
			constants.DT_EXCEPTION,
			{"sales_order": so_name, "status": constants.EXCEPTION_OPEN},
			pluck="exception_type",
		)


class TestCarrierEvents(CarrierCase):
	def test_every_status_moves_the_shipment_and_the_order_as_logistics_would(self):
		problems = {
			constants.CARRIER_FAILED_ATTEMPT: constants.DELIVERY_FAILED,
			constants.CARRIER_RETURNED: constants.DELIVERY_FAILED,
			constants.CARRIER_LOST: constants.LOST_IN_TRANSIT,
			constants.CARRIER_DAMAGED: constants.DAMAGED_IN_TRANSIT,
		}
		for status in constants.CARRIER_STATUSES:
			with self.subTest(status=status):
				so_name, shipment, awb = self.shipped()
				outbox_before = frappe.db.count(constants.DT_OUTBOX, {"sales_order": so_name})
				response = self.post([self.event(awb, status, location="Lyon", description="Depot scan")])
				self.assertEqual(response.status_code, OK, response.json)
				self.assertEqual(
					response.json["message"], {"accepted": 1, "duplicates": 0, "unmatched": 0, "rejected": []}
				)
				tracking = frappe.db.get_value(
					"Shipment", shipment, ["tracking_status", "tracking_status_info"], as_dict=True
				)
				self.assertEqual(tracking.tracking_status, SHIPMENT_STATUS[status])
				self.assertEqual(tracking.tracking_status_info, f"{status} · Lyon · Depot scan")
				self.assertEqual(self.carrier_updates(so_name), [f"{status}: Lyon: Depot scan"])
				record = frappe.db.get_value(
					constants.DT_ORDER_COORDINATION, so_name, ["stage", "last_outcome"], as_dict=True
				)
				if status == constants.CARRIER_DELIVERED:
					self.assertEqual(record.stage, constants.DELIVERED)
					self.assertEqual(record.last_outcome, constants.OUTCOME_DELIVERED)
					# Sales and Production are told, as when Logistics confirms a delivery.
					self.assertGreater(
						frappe.db.count(constants.DT_OUTBOX, {"sales_order": so_name}), outbox_before
					)
				else:
					self.assertEqual(record.stage, constants.SHIPPED)
				self.assertEqual(
					self.open_exceptions(so_name), [problems[status]] if status in problems else []
				)
				self.assertEqual(
					frappe.db.get_value(constants.DT_CARRIER_EVENT, {"tracking_number": awb}, "state"),
					constants.CARRIER_EVENT_APPLIED,
				)

	def test_an_event_is_applied_once_however_often_it_is_sent(self):
		so_name, _shipment, awb = self.shipped()
		failed = self.event(awb, constants.CARRIER_FAILED_ATTEMPT, event_id="dup-" + awb)
		first = self.post([failed, failed])
		self.assertEqual(first.json["message"]["accepted"], 1)
		self.assertEqual(first.json["message"]["duplicates"], 1)
		again = self.post([failed])
		self.assertEqual(again.status_code, OK)
		self.assertEqual(
			again.json["message"], {"accepted": 0, "duplicates": 1, "unmatched": 0, "rejected": []}
		)
		self.assertEqual(len(self.carrier_updates(so_name)), 1)
		self.assertEqual(self.open_exceptions(so_name), [constants.DELIVERY_FAILED])
		# A second failed attempt is in the timeline, but Logistics already has the exception open.
		self.post([self.event(awb, constants.CARRIER_FAILED_ATTEMPT, minutes=60)])
		self.assertEqual(len(self.carrier_updates(so_name)), 2)
		self.assertEqual(self.open_exceptions(so_name), [constants.DELIVERY_FAILED])

	def test_two_jobs_never_apply_one_event_twice(self):
		"""Found by the busy day's run: a job that read the queue, then waited for the Shipment while another
		job applied the same events, applied them again (its snapshot still showed them queued)."""
		so_name, shipment, awb = self.shipped()
		self.post([self.event(awb, constants.CARRIER_IN_TRANSIT)], apply=False)
		# This job reads the queue (its transaction's snapshot is taken here)...
		queued = frappe.db.sql(
			f"""select name, event_id, tracking_number, status, occurred_at, location, description, shipment,
				received_by from `tab{constants.DT_CARRIER_EVENT}` where shipment = %s and state = %s""",
			(shipment, constants.CARRIER_EVENT_QUEUED),
			as_dict=True,
		)
		self.assertEqual(len(queued), 1)
		# ...another job applies the same events and commits...
		at_once(carrier_feed.apply_queued, count=1)
		# ...and this one, given the Shipment at last, applies nothing twice.
		self.assertEqual(carrier_feed.apply_to_shipment(shipment, queued), 0)
		frappe.db.commit()
		self.assertEqual(len(self.carrier_updates(so_name)), 1)

	def test_a_late_in_transit_never_undoes_delivered(self):
		so_name, shipment, awb = self.shipped()
		self.post([self.event(awb, constants.CARRIER_DELIVERED, minutes=120)])
		late = self.post(
			[
				self.event(awb, constants.CARRIER_IN_TRANSIT, minutes=30),
				# Stamped later than the delivery, by a carrier clock or a replayed scanner.
				self.event(awb, constants.CARRIER_OUT_FOR_DELIVERY, minutes=180),
			]
		)
		self.assertEqual(late.json["message"]["accepted"], 2)
		self.assertEqual(frappe.db.get_value("Shipment", shipment, "tracking_status"), "Delivered")
		self.assertEqual(
			frappe.db.get_value(constants.DT_ORDER_COORDINATION, so_name, "stage"), constants.DELIVERED
		)
		states = frappe.get_all(
			constants.DT_CARRIER_EVENT, {"tracking_number": awb}, pluck="state", order_by="occurred_at"
		)
		self.assertEqual(
			states,
			[
				constants.CARRIER_EVENT_SUPERSEDED,
				constants.CARRIER_EVENT_APPLIED,
				constants.CARRIER_EVENT_SUPERSEDED,
			],
		)
		self.assertEqual(len(self.carrier_updates(so_name)), 3)  # each event in the timeline, once

	def test_events_of_one_batch_are_applied_in_the_order_they_occurred(self):
		so_name, shipment, awb = self.shipped()
		self.post(
			[
				self.event(awb, constants.CARRIER_DELIVERED, minutes=90),
				self.event(awb, constants.CARRIER_OUT_FOR_DELIVERY, minutes=60),
				self.event(awb, constants.CARRIER_IN_TRANSIT, minutes=0),
			]
		)
		self.assertEqual(frappe.db.get_value("Shipment", shipment, "tracking_status"), "Delivered")
		self.assertEqual(
			frappe.db.get_value(constants.DT_ORDER_COORDINATION, so_name, "stage"), constants.DELIVERED
		)
		self.assertEqual(
			[note.split(":")[0] for note in self.carrier_updates(so_name)],
			[constants.CARRIER_IN_TRANSIT, constants.CARRIER_OUT_FOR_DELIVERY, constants.CARRIER_DELIVERED],
		)

	def test_unknown_tracking_numbers_are_kept_and_applied_once_a_shipment_has_them(self):
		awb = "AWB-LATER-" + frappe.generate_hash(length=8).upper()
		response = self.post([self.event(awb, constants.CARRIER_IN_TRANSIT)])
		self.assertEqual(
			response.json["message"], {"accepted": 0, "duplicates": 0, "unmatched": 1, "rejected": []}
		)
		self.assertEqual(
			frappe.db.get_value(constants.DT_CARRIER_EVENT, {"tracking_number": awb}, "state"),
			constants.CARRIER_EVENT_UNMATCHED,
		)
		so_name, shipment, _awb = self.shipped(awb=awb)  # the Shipment is booked afterwards
		carrier_feed.apply_queued()
		frappe.db.commit()
		row = frappe.db.get_value(
			constants.DT_CARRIER_EVENT, {"tracking_number": awb}, ["state", "shipment"], as_dict=True
		)
		self.assertEqual((row.state, row.shipment), (constants.CARRIER_EVENT_APPLIED, shipment))
		self.assertEqual(len(self.carrier_updates(so_name)), 1)
		# Applied, it carries its order's company and customer: User Permissions apply to it as to the order.
		owners = frappe.db.get_value(
			constants.DT_CARRIER_EVENT, {"tracking_number": awb}, ["company", "customer"], as_dict=True
		)
		self.assertEqual(
			(owners.company, owners.customer),
			frappe.db.get_value("Sales Order", so_name, ["company", "customer"]),
		)

	def test_a_bad_event_is_named_and_the_good_ones_are_kept(self):
		so_name, _shipment, awb = self.shipped()
		good = self.event(awb, constants.CARRIER_IN_TRANSIT)
		bad = [
			{**good, "event_id": ""},
			{**good, "event_id": "x2", "status": "Teleported"},
			{**good, "event_id": "x3", "occurred_at": "yesterday"},
			"not an event",
			{**good, "event_id": "x5", "tracking_number": None},
			{**good, "event_id": "x6", "description": "x" * 5000},
			{**good, "event_id": ["a list"]},
		]
		response = self.post([good, *bad])
		self.assertEqual(response.status_code, REJECTED, response.json)
		message = response.json["message"]
		self.assertEqual((message["accepted"], message["duplicates"], message["unmatched"]), (1, 0, 0))
		self.assertEqual([r["index"] for r in message["rejected"]], list(range(1, len(bad) + 1)))
		self.assertIn("Teleported", message["rejected"][1]["error"])
		self.assertIn("occurred_at", message["rejected"][2]["error"])
		self.assertEqual(len(self.carrier_updates(so_name)), 1)

	def test_a_batch_that_cannot_be_read_is_refused_whole(self):
		before = frappe.db.count(constants.DT_CARRIER_EVENT)
		too_many = [self.event("AWB-NONE", constants.CARRIER_IN_TRANSIT) for _ in range(501)]
		for body in (
			json.dumps({"events": too_many}),
			json.dumps({"events": []}),
			json.dumps({"events": 42}),
			json.dumps({"events": "[not json"}),
			json.dumps({}),
		):
			with self.subTest(body=body[:40]):
				response = self.post(None, raw=body)
				self.assertEqual(response.status_code, BAD, response.json)
		self.assertEqual(frappe.db.count(constants.DT_CARRIER_EVENT), before)

	def test_one_event_object_is_a_batch_of_one(self):
		so_name, _shipment, awb = self.shipped()
		response = self.post(self.event(awb, constants.CARRIER_OUT_FOR_DELIVERY))
		self.assertEqual(response.json["message"]["accepted"], 1)
		self.assertEqual(len(self.carrier_updates(so_name)), 1)


FIELDS = ("event_id", "tracking_number", "status", "occurred_at", "location", "description")
scalars = st.one_of(
	st.none(),
	st.booleans(),
	st.integers(),
	st.floats(allow_nan=False, allow_infinity=False),
	st.text(max_size=30),
	st.sampled_from(
		[
			"Delivered",
			"2026-11-20T08:00:00Z",
			"0001-01-01T00:00:00+01:00",
			"<img src=x onerror=alert(1)>",
			'"<img src=x onerror=alert(1)>"',  # parses as JSON: Frappe's sanitiser would keep it
		]
	),
)
payloads = st.recursive(
	scalars,
	lambda inner: (
		st.lists(inner, max_size=4)
		| st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=5), inner, max_size=7)
	),
	max_leaves=16,
)


class TestHostilePayloads(CarrierCase):
	@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
	@given(payloads)
	def test_never_a_500(self, payload):
		response = self.post(None, raw=json.dumps({"events": payload}))
		self.assertIn(response.status_code, (OK, REJECTED, BAD), response.json)


header_text = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255), max_size=90)


class TestHostileSignatures(CarrierCase):
	@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
	@given(
		st.one_of(
			header_text,
			header_text.map(lambda text: "t=" + text),
			st.builds(lambda t, h: f"t={t},v1={h}", st.integers(-(10**13), 10**13), header_text),
		)
	)
	def test_any_forged_signature_is_a_401_and_stores_nothing(self, header):
		body = json.dumps({"events": [self.event("AWB-FORGED", constants.CARRIER_DELIVERED)]})
		response = self.post(None, user=SIGNED, signature=header, raw=body)
		self.assertEqual(response.status_code, UNAUTHENTICATED, response.json)
		self.assertFalse(frappe.db.exists(constants.DT_CARRIER_EVENT, {"tracking_number": "AWB-FORGED"}))


class TestCarrierAccess(CarrierCase):
	def test_only_the_integration_role_may_report(self):
		_so, _shipment, awb = self.shipped()
		for user in (STOCK_USER, ADMIN):
			with self.subTest(user=user):
				response = self.post([self.event(awb, constants.CARRIER_DELIVERED)], user=user)
				self.assertEqual(response.status_code, FORBIDDEN)
		self.assertFalse(frappe.db.exists(constants.DT_CARRIER_EVENT, {"tracking_number": awb}))
		response = make_request(
			target=get_test_client(use_cookies=False).post,
			args=("/api/method/order_coordination.carrier.receive_events",),
			kwargs={"json": {"events": [self.event(awb, constants.CARRIER_DELIVERED)]}},
		)
		self.assertEqual(response.status_code, FORBIDDEN)

	def test_the_integration_role_may_do_nothing_else(self):
		so_name, _shipment, _awb = self.shipped()
		client = get_test_client(use_cookies=False)
		headers = {"Authorization": self.tokens[INTEGRATION]}
		for method, args in (
			("order_coordination.api.get_order_status", {"sales_order": so_name}),
			("order_coordination.api.confirm_delivery", {"sales_order": so_name, "outcome": "Delivered"}),
			("order_coordination.portal.make_tracking_link", {"sales_order": so_name}),
			("frappe.client.get_list", {"doctype": constants.DT_ORDER_COORDINATION}),
			("frappe.client.get_list", {"doctype": constants.DT_CARRIER_EVENT}),
		):
			with self.subTest(method=method, args=args):
				response = make_request(
					target=client.post,
					args=(f"/api/method/{method}",),
					kwargs={"json": args, "headers": headers},
				)
				self.assertEqual(response.status_code, FORBIDDEN, response.json)

	def test_a_signed_account_must_sign_with_its_secret(self):
		so_name, shipment, awb = self.shipped()
		body = json.dumps({"events": [self.event(awb, "DLV")]})  # the carrier's own word for Delivered
		for signature in (
			None,
			"",
			"sha256=" + "0" * 64,
			signed(body, secret="another secret"),
			signed(body, at=time.time() - 600),  # a replay, ten minutes later
		):
			with self.subTest(signature=signature):
				response = self.post(None, user=SIGNED, signature=signature, raw=body)
				self.assertEqual(response.status_code, UNAUTHENTICATED, response.json)
		self.assertFalse(frappe.db.exists(constants.DT_CARRIER_EVENT, {"tracking_number": awb}))
		response = self.post(None, user=SIGNED, signature=signed(body), raw=body)
		self.assertEqual(response.status_code, OK, response.json)
		self.assertEqual(frappe.db.get_value("Shipment", shipment, "tracking_status"), "Delivered")
		row = frappe.db.get_value(
			constants.DT_CARRIER_EVENT,
			{"tracking_number": awb},
			["status", "carrier_status", "carrier_account"],
			as_dict=True,
		)
		self.assertEqual(
			(row.status, row.carrier_status, row.carrier_account), ("Delivered", "DLV", SIGNED_ACCOUNT)
		)
		self.assertEqual(
			frappe.db.get_value(constants.DT_ORDER_COORDINATION, so_name, "stage"), constants.DELIVERED
		)

	def test_requests_are_limited_per_integration_user(self):
		if time.time() % 60 > 45:
			time.sleep(61 - time.time() % 60)  # the four requests in one minute's window
		frappe.cache.delete_keys("order_coordination:carrier_rate:")
		with patch.object(carrier, "requests_per_minute", lambda: 3):
			codes = [self.post({"event_id": "x"}).status_code for _ in range(4)]
			other = self.post({"event_id": "x"}, user=SIGNED, signature="").status_code
		frappe.cache.delete_keys("order_coordination:carrier_rate:")
		self.assertEqual(codes, [REJECTED, REJECTED, REJECTED, LIMITED])
		self.assertEqual(other, UNAUTHENTICATED)  # another user's own count: not limited, but unsigned
