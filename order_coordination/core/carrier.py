"""What a carrier's event is and what it may change: checking one event as sent, the carrier's own
status words, which of a shipment's events is the latest truth, and what ERPNext's Shipment shows for it.

Carriers send events late, twice and out of order. An event is `current` when nothing newer is known
for its shipment; a late one is kept and shown in the timeline, but changes nothing. A shipment that was
delivered (or came back) is never moved again by a progress report, however it is stamped: carrier
clocks drift, and "In Transit" after "Delivered" is a scanner being replayed, not the parcel leaving.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo

from .constants import (
	CARRIER_DAMAGED,
	CARRIER_DELIVERED,
	CARRIER_FAILED_ATTEMPT,
	CARRIER_IN_TRANSIT,
	CARRIER_LOST,
	CARRIER_OUT_FOR_DELIVERY,
	CARRIER_RETURNED,
	CARRIER_STATUSES,
)
from .text import plain_text

MAX_ID = 140
MAX_TRACKING = 140
MAX_LOCATION = 140
MAX_DESCRIPTION = 500
MAX_INFO = 140  # ERPNext's Shipment `tracking_status_info`
EARLIEST, LATEST = 2000, 2100  # years an event may have occurred in (and the database can hold)
# How far ahead of our clock a carrier's stamp may be (clocks drift a little); a stamp further ahead is a
# lie or a local time sent without its offset, and would make every true report after it look older.
MAX_AHEAD_MINUTES = 5
# How old a signed request may be: a captured request cannot be sent again after this.
SIGNATURE_WINDOW_SECONDS = 300

PROGRESS = frozenset({CARRIER_IN_TRANSIT, CARRIER_OUT_FOR_DELIVERY})
FINAL = frozenset({CARRIER_DELIVERED, CARRIER_RETURNED})
AFTER_FINAL = FINAL | {CARRIER_DAMAGED}  # what a carrier may still report of a parcel delivered or returned

# ERPNext's Shipment `tracking_status` options: "", In Progress, Delivered, Returned, Lost.
SHIPMENT_STATUS = {
	CARRIER_IN_TRANSIT: "In Progress",
	CARRIER_OUT_FOR_DELIVERY: "In Progress",
	CARRIER_FAILED_ATTEMPT: "In Progress",
	CARRIER_DAMAGED: "In Progress",
	CARRIER_DELIVERED: "Delivered",
	CARRIER_RETURNED: "Returned",
	CARRIER_LOST: "Lost",
}


@dataclass(frozen=True)
class CarrierEvent:
	event_id: str
	tracking_number: str
	status: str
	occurred_at: datetime  # naive, in UTC
	location: str | None = None
	description: str | None = None


class BadEvent(ValueError):
	"""One event of a batch cannot be used; the message (an English template) says why."""

	def __init__(self, template: str, *args):
		super().__init__(template.format(*args))
		self.template = template
		self.args_ = args


def _field(raw: dict, field: str, limit: int, required: bool) -> str | None:
	value = raw.get(field)
	if value is None or value == "":
		if required:
			raise BadEvent("{0} is required", field)
		return None
	if isinstance(value, bool) or not isinstance(value, str | int):
		raise BadEvent("{0} must be text", field)
	value = plain_text(str(value)).strip()
	if required and not value:
		raise BadEvent("{0} is required", field)
	if len(value) > limit or "\x00" in value:
		raise BadEvent("{0} is longer than {1} characters or holds a null character", field, limit)
	return value or None


def parse_time(value, zone: tzinfo | None = None) -> datetime:
	"""An ISO 8601 time, returned naive in UTC; one without an offset is read in `zone` (UTC if none)."""
	if not isinstance(value, str) or not value.strip():
		raise BadEvent("{0} must be an ISO 8601 date and time", "occurred_at")
	text = value.strip()
	if text.endswith(("Z", "z")):
		text = text[:-1] + "+00:00"
	try:
		at = datetime.fromisoformat(text)
		if at.tzinfo is None and zone is not None:
			at = at.replace(tzinfo=zone)
		if at.tzinfo is not None:
			at = at.astimezone(timezone.utc).replace(tzinfo=None)
	except (ValueError, OverflowError):
		raise BadEvent("{0} must be an ISO 8601 date and time", "occurred_at") from None
	if not EARLIEST <= at.year <= LATEST:
		raise BadEvent("{0} must be between the years {1} and {2}", "occurred_at", EARLIEST, LATEST)
	return at.replace(microsecond=0)


def status_of(word, mapping: dict[str, str] | None = None) -> str:
	"""The app's status for a carrier's word: its own mapping first (case-insensitive), then ours."""
	if not isinstance(word, str) or not word.strip():
		raise BadEvent("{0} is required", "status")
	key = word.strip().casefold()
	for theirs, ours in (mapping or {}).items():
		if theirs.strip().casefold() == key:
			return ours
	for ours in CARRIER_STATUSES:
		if ours.casefold() == key:
			return ours
	raise BadEvent("{0} is not a carrier status", word.strip()[:MAX_ID])


def check_event(
	raw, mapping: dict[str, str] | None = None, now: datetime | None = None, zone: tzinfo | None = None
) -> CarrierEvent:
	"""One event as the carrier sent it, checked; BadEvent says what is wrong with it. `now` (naive UTC):
	an event stamped more than a few minutes after it is refused; `zone`: where a stamp without an offset
	was taken."""
	if not isinstance(raw, dict):
		raise BadEvent("An event must be an object")
	event = CarrierEvent(
		event_id=_field(raw, "event_id", MAX_ID, True),
		tracking_number=_field(raw, "tracking_number", MAX_TRACKING, True),
		status=status_of(raw.get("status"), mapping),
		occurred_at=parse_time(raw.get("occurred_at"), zone),
		location=_field(raw, "location", MAX_LOCATION, False),
		description=_field(raw, "description", MAX_DESCRIPTION, False),
	)
	if now is not None and event.occurred_at > now + timedelta(minutes=MAX_AHEAD_MINUTES):
		raise BadEvent("{0} is more than {1} minutes in the future", "occurred_at", MAX_AHEAD_MINUTES)
	return event


def status_word(raw) -> str:
	"""The carrier's own status word as it is kept beside ours (plain text, 140 characters)."""
	word = raw.get("status") if isinstance(raw, dict) else None
	return plain_text(str(word)).strip()[:MAX_ID]


def is_current(status: str, at: datetime, latest: tuple[str, datetime] | None) -> bool:
	"""Whether an event is the shipment's latest truth, given the latest event applied before it. A final
	outcome (delivered, returned) tells more than any report that is not, whenever the carrier stamped
	it; after one, only another final outcome or a report of damage tells something new. Otherwise the
	later stamp wins."""
	if latest is None:
		return True
	latest_status, latest_at = latest
	if latest_status in FINAL and status not in AFTER_FINAL:
		return False
	if status in FINAL and latest_status not in FINAL:
		return True
	return at >= latest_at


def latest(events) -> tuple[str, datetime]:
	"""The latest of a shipment's applied (status, when) events, by the rule of `is_current`: the events
	taken in the order they occurred, a final one last among those of the same moment."""
	current = None
	for status, at in sorted(events, key=lambda e: (e[1], e[0] in FINAL)):
		if is_current(status, at, current):
			current = (status, at)
	return current


def info_of(event: CarrierEvent) -> str:
	"""The Shipment's `tracking_status_info`: the carrier's status, where, and what it said (140 chars)."""
	parts = [event.status, event.location, event.description]
	return " · ".join(p for p in parts if p)[:MAX_INFO]


# --- signed requests ------------------------------------------------------------------------------------

SIGNATURE = re.compile(r"t=(\d{1,12}),v1=([0-9a-f]{64})")


class BadSignature(ValueError):
	"""A signed request that cannot be trusted; the message (an English template) says why."""


def sign(secret: str, body: bytes, at: int) -> str:
	"""The signature header a carrier sends: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`."""
	digest = hmac.new(secret.encode(), str(at).encode() + b"." + body, hashlib.sha256).hexdigest()
	return f"t={at},v1={digest}"


def check_signature(header, secret: str, body: bytes, now: float) -> None:
	"""Whether `header` signs exactly `body` with `secret`, and was made within the window around `now`
	(unix seconds). Anything else, however malformed, raises BadSignature."""
	if not isinstance(header, str) or not secret:
		raise BadSignature("The request is not signed")
	match = SIGNATURE.fullmatch(header.strip())
	if not match:
		raise BadSignature("The request's signature is not of the form t=<unix seconds>,v1=<hex>")
	at = int(match.group(1))
	if abs(now - at) > SIGNATURE_WINDOW_SECONDS:
		raise BadSignature("The request's signature is too old or too far ahead")
	if not hmac.compare_digest(sign(secret, body, at).encode(), header.strip().encode()):
		raise BadSignature("The request's signature does not match")


def serves(carrier: str | None, companies, shipment_carriers, company: str | None) -> bool:
	"""Whether a carrier's account may report on a Shipment: the Shipment names the account's carrier (as
	its carrier, or as its service provider when an aggregator books it), and belongs to one of the
	account's companies (to any company, when the account names none)."""
	name = (carrier or "").strip().casefold()
	if not name or name not in {(c or "").strip().casefold() for c in shipment_carriers}:
		return False
	return not companies or company in companies
