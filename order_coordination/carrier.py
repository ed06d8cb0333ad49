"""The carriers' door: `receive_events`, called by a carrier or 3PL with the API key and secret of an
integration user (role Coordination Integration), optionally signed with its Carrier Account's secret.

A batch is checked event by event. The good events are kept and the bad ones named, in one answer:
`{accepted, duplicates, unmatched, rejected: [{index, error}]}`, with status 422 when any was rejected.
Carriers resend whole batches when they get an error; since every event is idempotent by its id, the
events kept from a half-bad batch are only counted as duplicates when the corrected batch comes back,
while refusing the whole batch would hold back good news (a delivery) for one bad line.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import frappe
from frappe import _
from frappe.utils import cint
from frappe.utils.password import get_decrypted_password

from order_coordination import carrier_feed
from order_coordination.cache import forget
from order_coordination.core.carrier import BadEvent, check_event
from order_coordination.core.constants import (
	DT_CARRIER_ACCOUNT,
	DT_CARRIER_STATUS_MAP,
	INTEGRATION_ROLE,
	MAX_CARRIER_BATCH,
	SIGNATURE_HEADER,
)

ACCOUNT_CACHE = "order_coordination:carrier_account"
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
	check_rate(user)
	account = account_of(user)
	if account["has_secret"]:
		check_signature(account["name"])
	good, rejected = [], []
	for index, raw in enumerate(batch_of(events)):
		try:
			word = raw.get("status") if isinstance(raw, dict) else None
			good.append((check_event(raw, account["mapping"]), str(word).strip()[:140]))
		except BadEvent as error:
			message = _(error.template).format(*[_(str(a)) for a in error.args_])
			rejected.append({"index": index, "error": message})
	result = carrier_feed.store(good, account["name"], user)
	result["rejected"] = rejected
	if rejected:
		frappe.local.response["http_status_code"] = HTTP_REJECTED
	return result


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
	integration user and minute, counted in Redis across all web workers."""
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


def account_of(user: str) -> dict:
	"""The Carrier Account of an integration user (cached): its name, whether it signs, its status words."""
	account = frappe.cache.hget(ACCOUNT_CACHE, user)
	if account is None:
		name = frappe.db.get_value(DT_CARRIER_ACCOUNT, {"integration_user": user}, "name")
		rows = frappe.get_all(
			DT_CARRIER_STATUS_MAP,
			filters={"parent": name or "", "parenttype": DT_CARRIER_ACCOUNT},
			fields=["carrier_status", "status"],
			order_by="idx asc",
		)
		has_secret = bool(
			name
			and frappe.db.exists(
				"__Auth", {"doctype": DT_CARRIER_ACCOUNT, "name": name, "fieldname": "shared_secret"}
			)
		)
		account = {
			"name": name,
			"has_secret": has_secret,
			"mapping": {r.carrier_status: r.status for r in rows},
		}
		frappe.cache.hset(ACCOUNT_CACHE, user, account)
	return account


def forget_accounts() -> None:
	"""Forget cached Carrier Accounts (one was saved or deleted)."""
	forget(ACCOUNT_CACHE)


def signature_of(secret: str, body: bytes) -> str:
	return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def check_signature(account: str) -> None:
	secret = get_decrypted_password(DT_CARRIER_ACCOUNT, account, "shared_secret", raise_exception=False)
	sent = frappe.get_request_header(SIGNATURE_HEADER) or ""
	body = frappe.request.get_data(cache=True) if frappe.request else b""
	if not (secret and hmac.compare_digest(sent.strip(), signature_of(secret, body))):
		frappe.throw(_("The request's signature does not match"), BadSignature)
