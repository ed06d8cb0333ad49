"""The carriers' door: `receive_events`, called by a carrier or 3PL with the API key and secret of an
integration user (role Coordination Integration) that has an enabled Carrier Account.

What stops the rest, in order: a user without the role or without an enabled account is refused (403);
an account with a shared secret must sign each request over a timestamp and the raw body, and its events
are read from that body alone (401 for a missing, malformed, stale or wrong signature, 400 for events
sent anywhere else); only then is the request counted against the account's rate limit and the events
read. An event can change only Shipments of the account's carrier (and companies): any other is kept
as Unmatched, for that account alone.

A batch is checked event by event. The good events are kept and the bad ones named, in one answer:
`{accepted, duplicates, unmatched, rejected: [{index, error}]}`, with status 422 when any was rejected.
Carriers resend whole batches when they get an error; since every event is idempotent by its id, the
events kept from a half-bad batch are only counted as duplicates when the corrected batch comes back,
while refusing the whole batch would hold back good news (a delivery) for one bad line.
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone

import frappe
from frappe import _
from frappe.utils import cint

from order_coordination.carriers import feed
from order_coordination.carriers.accounts import account_of, zone_of
from order_coordination.core import carrier as rules
from order_coordination.core.carrier import BadEvent, check_event, status_word
from order_coordination.core.constants import INTEGRATION_ROLE, MAX_CARRIER_BATCH, SIGNATURE_HEADER

DEFAULT_REQUESTS_PER_MINUTE = 600
HTTP_REJECTED = 422


class BadBatch(frappe.ValidationError):
	"""The request as a whole cannot be read: not a list of events, or too many."""

	http_status_code = 400


class BadSignature(frappe.AuthenticationError):
	http_status_code = 401


@frappe.whitelist(methods=["POST"])
def receive_events(events=None):
	user = frappe.session.user
	if INTEGRATION_ROLE not in frappe.get_roles(user):
		frappe.throw(_("Only a carrier integration may report carrier events"), frappe.PermissionError)
	account = account_of(user)
	if not (account and account.enabled):
		frappe.throw(
			_("This integration user has no enabled Carrier Account: ask the administrator to set one up"),
			frappe.PermissionError,
		)
	if account.secret:
		events = signed_events(account.secret)
	elif not account.allow_unsigned:
		frappe.throw(
			_("Carrier Account {0} must sign its requests but has no shared secret").format(account.name),
			BadSignature,
		)
	check_rate(user)
	now, zone = datetime.now(timezone.utc).replace(tzinfo=None), zone_of(account)
	good, rejected = [], []
	for index, raw in enumerate(batch_of(events)):
		try:
			good.append((check_event(raw, account.mapping, now, zone), status_word(raw)))
		except BadEvent as error:
			rejected.append(
				{"index": index, "error": _(error.template).format(*[_(str(a)) for a in error.args_])}
			)
	result = feed.store(good, account, user)
	result["rejected"] = rejected
	if rejected:
		frappe.local.response["http_status_code"] = HTTP_REJECTED
	return result


def signed_events(secret: str):
	"""The events of a signed request: the signature checked over its timestamp and raw body first, the
	events then read from that body only (what the query string or a form says is not signed)."""
	request = frappe.request
	body = request.get_data(cache=True) if request else b""
	header = frappe.get_request_header(SIGNATURE_HEADER) or ""
	try:
		rules.check_signature(header, secret, body, time.time())
	except rules.BadSignature as error:
		frappe.throw(_(str(error)), BadSignature)
	if request and ("events" in request.args or "events" in request.form):
		frappe.throw(_("A signed request sends its events in its JSON body only"), BadBatch)
	try:
		payload = json.loads(body)
	except ValueError:
		payload = None
	if not isinstance(payload, dict) or "events" not in payload:
		frappe.throw(_("A signed request sends its events in its JSON body only"), BadBatch)
	return payload["events"]


def batch_of(events) -> list:
	if isinstance(events, str | bytes):
		try:
			events = json.loads(events)
		except ValueError:
			frappe.throw(_("events must be a JSON array of events or one event object"), BadBatch)
	if isinstance(events, dict):
		events = [events]
	if not isinstance(events, list) or not events:
		frappe.throw(_("events must be a JSON array of events or one event object"), BadBatch)
	if len(events) > MAX_CARRIER_BATCH:
		frappe.throw(
			_("A batch holds at most {0} events, this one {1}").format(MAX_CARRIER_BATCH, len(events)),
			BadBatch,
		)
	return events


def check_rate(user: str) -> None:
	"""At most `order_coordination_carrier_requests_per_minute` requests (site config; 600) per
	integration user and minute, counted in Redis across all web workers. Counted only once the request
	is known to come from the account (signed, where it signs): a key alone cannot use up its quota."""
	limit = requests_per_minute()
	key = frappe.cache.make_key(f"order_coordination:carrier_rate:{user}:{int(time.time() // 60)}")
	count = frappe.cache.incr(key)
	if count == 1:
		frappe.cache.expire(key, 120)
	if count > limit:
		frappe.throw(
			_("Too many requests: at most {0} a minute. Please try again in a minute.").format(limit),
			frappe.RateLimitExceededError,
		)


def requests_per_minute() -> int:
	return (
		cint(frappe.conf.get("order_coordination_carrier_requests_per_minute")) or DEFAULT_REQUESTS_PER_MINUTE
	)
