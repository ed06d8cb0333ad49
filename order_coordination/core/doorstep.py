"""The rules of the doorstep: whether a driver's report of a stop is complete under the company's
requirements, how far it was made from the stop, what each outcome means for the order, and the one line
the customer reads about it. Values in, decisions out; the Frappe side (`order_coordination.doorstep`)
reads the requests and writes the documents.
"""

from __future__ import annotations

import base64
import binascii
import math
from dataclasses import dataclass

from .constants import (
	ATTEMPT_DELIVERED,
	ATTEMPT_FAILED,
	ATTEMPT_OUTCOMES,
	ATTEMPT_REFUSED,
	DEFAULT_FAR_METRES,
	DELIVERY_FAILED,
	MAX_SIGNATURE_BYTES,
	OUTCOME_DELIVERED,
	OUTCOME_REFUSED,
)

EARTH_RADIUS_METRES = 6_371_008.8
PNG_DATA_URL = "data:image/png;base64,"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# Why an attempt is refused, as templates the Frappe side translates and fills in.
REASON_OUTCOME = "{0} is not an outcome of a delivery attempt"
REASON_NEEDS_REASON = "Say why the delivery failed"
REASON_UNKNOWN_REASON = "{0} is not one of the company's reasons for a failed delivery"
REASON_NEEDS_SIGNATURE = "The company requires the recipient's signature for this outcome"
REASON_NEEDS_RECIPIENT = "Say who received the goods"
REASON_NEEDS_POSITION = "The company requires the phone's position for this outcome"
REASON_LATITUDE = "Latitude must be between -90 and 90"
REASON_LONGITUDE = "Longitude must be between -180 and 180"
REASON_HALF_POSITION = "Give both latitude and longitude, or neither"
REASON_ACCURACY = "Accuracy must be a distance in metres, zero or more"
REASON_SIGNATURE_PNG = "The signature must be a PNG image (a data URL)"
REASON_SIGNATURE_SIZE = "The signature is larger than {0} kB"


# What the customer's page says of the latest attempt (translated where it is shown).
LINE_DELIVERED_SIGNED = "Delivered at {0}, signed by {1}"
LINE_DELIVERED = "Delivered at {0}"
LINE_FAILED_TODAY = "We could not deliver today: {0}"
LINE_FAILED = "We could not deliver on {0}: {1}"
LINE_REFUSED_TODAY = "The delivery was refused today"
LINE_REFUSED = "The delivery was refused on {0}"


@dataclass(frozen=True)
class Requirement:
	"""What the company requires with an outcome."""

	signature: bool = False
	photo: bool = False
	position: bool = False


DEFAULT_REQUIREMENTS = {
	ATTEMPT_DELIVERED: Requirement(signature=True),
	ATTEMPT_FAILED: Requirement(),
	ATTEMPT_REFUSED: Requirement(),
}


@dataclass(frozen=True)
class Attempt:
	"""What the phone reported, already read as values (the signature as its PNG bytes)."""

	outcome: str
	reason: str | None = None
	recipient: str | None = None
	signature: bytes | None = None
	latitude: float | None = None
	longitude: float | None = None
	accuracy: float | None = None


def signature_png(data_url, limit: int = MAX_SIGNATURE_BYTES) -> tuple[bytes | None, tuple | None]:
	"""The PNG bytes of a signature sent as a data URL, or why it is not one: (None, (template, args))."""
	if data_url is None or data_url == "":
		return None, None
	if not isinstance(data_url, str) or not data_url.startswith(PNG_DATA_URL):
		return None, (REASON_SIGNATURE_PNG, ())
	body = data_url[len(PNG_DATA_URL) :]
	# Base64 is 4 characters for 3 bytes: refuse an oversized one before decoding it.
	if len(body) > (limit + 2) // 3 * 4:
		return None, (REASON_SIGNATURE_SIZE, (limit // 1000,))
	try:
		png = base64.b64decode(body, validate=True)
	except (binascii.Error, ValueError):
		return None, (REASON_SIGNATURE_PNG, ())
	if not png.startswith(PNG_MAGIC):
		return None, (REASON_SIGNATURE_PNG, ())
	if len(png) > limit:
		return None, (REASON_SIGNATURE_SIZE, (limit // 1000,))
	return png, None


def position_problems(latitude, longitude, accuracy) -> list[tuple]:
	problems = []
	if (latitude is None) != (longitude is None):
		problems.append((REASON_HALF_POSITION, ()))
	if latitude is not None and not (math.isfinite(latitude) and -90 <= latitude <= 90):
		problems.append((REASON_LATITUDE, ()))
	if longitude is not None and not (math.isfinite(longitude) and -180 <= longitude <= 180):
		problems.append((REASON_LONGITUDE, ()))
	if accuracy is not None and not (math.isfinite(accuracy) and accuracy >= 0):
		problems.append((REASON_ACCURACY, ()))
	return problems


def attempt_problems(attempt: Attempt, requirements: dict, reasons) -> list[tuple]:
	"""Everything wrong with an attempt, as (template, args); none means it may be kept. `requirements`:
	outcome -> Requirement (the defaults for outcomes it does not name); `reasons`: the company's list.
	A photo requirement is the page's to enforce: photos are uploaded after the attempt is kept."""
	if attempt.outcome not in ATTEMPT_OUTCOMES:
		return [(REASON_OUTCOME, (attempt.outcome,))]
	problems = position_problems(attempt.latitude, attempt.longitude, attempt.accuracy)
	need = requirements.get(attempt.outcome) or DEFAULT_REQUIREMENTS[attempt.outcome]
	if attempt.outcome == ATTEMPT_FAILED and not attempt.reason:
		problems.append((REASON_NEEDS_REASON, ()))
	if attempt.reason and attempt.reason not in reasons:
		problems.append((REASON_UNKNOWN_REASON, (attempt.reason,)))
	if need.signature and attempt.outcome == ATTEMPT_DELIVERED and not attempt.recipient:
		problems.append((REASON_NEEDS_RECIPIENT, ()))
	if need.signature and not attempt.signature:
		problems.append((REASON_NEEDS_SIGNATURE, ()))
	if need.position and attempt.latitude is None:
		problems.append((REASON_NEEDS_POSITION, ()))
	return problems


def distance_metres(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
	"""The great-circle (haversine) distance between two points, in metres."""
	p1, p2 = math.radians(lat1), math.radians(lat2)
	dp, dl = p2 - p1, math.radians(lng2 - lng1)
	h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
	return 2 * EARTH_RADIUS_METRES * math.asin(min(1.0, math.sqrt(h)))


def distance_from_stop(
	latitude, longitude, stop_lat, stop_lng, far_metres: float | None = None
) -> tuple[float | None, bool]:
	"""(metres from the stop, whether that is far) where both the attempt and the stop have a position;
	(None, False) where either has none (ERPNext leaves a stop's coordinates 0 until a route is computed)."""
	if latitude is None or longitude is None or not (stop_lat or stop_lng):
		return None, False
	metres = distance_metres(latitude, longitude, float(stop_lat), float(stop_lng))
	return round(metres, 1), metres > (far_metres if far_metres else DEFAULT_FAR_METRES)


@dataclass(frozen=True)
class Effect:
	"""What an outcome means for the order: a delivery outcome to confirm (as Logistics would confirm it),
	or an exception to raise for the department shipping the order."""

	confirm: str | None = None
	raise_exception: str | None = None


EFFECTS = {
	ATTEMPT_DELIVERED: Effect(confirm=OUTCOME_DELIVERED),
	# A refusal settles the delivery as Logistics' "Refused" does, which raises Delivery Failed.
	ATTEMPT_REFUSED: Effect(confirm=OUTCOME_REFUSED),
	# A failed attempt settles nothing (the goods come back for another trip): a problem for Logistics.
	ATTEMPT_FAILED: Effect(raise_exception=DELIVERY_FAILED),
}


def effect_of(outcome: str) -> Effect:
	return EFFECTS[outcome]


def customer_line(outcome: str, when: str, today: bool, recipient=None, reason=None) -> tuple[str, tuple]:
	"""What the customer's page says of the latest attempt at their door, as (template, args): the time,
	who signed, why it failed; never a photo or a position. `when`: the time (today) or date shown."""
	if outcome == ATTEMPT_DELIVERED:
		if recipient:
			return LINE_DELIVERED_SIGNED, (when, recipient)
		return LINE_DELIVERED, (when,)
	if outcome == ATTEMPT_FAILED:
		return (LINE_FAILED_TODAY, (reason,)) if today else (LINE_FAILED, (when, reason))
	return (LINE_REFUSED_TODAY, ()) if today else (LINE_REFUSED, (when,))


def latest_by_stop(attempts) -> dict:
	"""The latest attempt of each stop, from dicts with `delivery_stop` and `received_at` (a stop may be
	tried again on a later trip's stop, but within one stop the last word is the one that counts)."""
	latest: dict = {}
	for a in attempts:
		kept = latest.get(a["delivery_stop"])
		if kept is None or (a["received_at"], a["name"]) > (kept["received_at"], kept["name"]):
			latest[a["delivery_stop"]] = a
	return latest
