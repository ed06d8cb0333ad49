from datetime import date, datetime, timedelta

import pytest
from helpers import T0, dn, step, submitted
from hypothesis import given
from hypothesis import strategies as st

from order_coordination.core import events as ev
from order_coordination.core.carrier import BadEvent, check_event, info_of, is_current, latest, parse_time
from order_coordination.core.constants import (
	CARRIER_DAMAGED,
	CARRIER_DELIVERED,
	CARRIER_FAILED_ATTEMPT,
	CARRIER_IN_TRANSIT,
	CARRIER_LOST,
	CARRIER_OUT_FOR_DELIVERY,
	CARRIER_RETURNED,
	CARRIER_STATUSES,
	DELIVERED,
	DELIVERY_FAILED,
	LOST_IN_TRANSIT,
	SHIPPED,
	TIMELINE_CARRIER,
)
from order_coordination.core.customer import customer_view, pipeline, safe_url
from order_coordination.core.model import RaiseException, TimelineEntry
from order_coordination.core.policy import default_policy

P = default_policy()
GOOD = {
	"event_id": "E1",
	"tracking_number": "1Z999",
	"status": "Delivered",
	"occurred_at": "2026-11-20T10:00:00Z",
}


def test_an_event_is_checked_field_by_field():
	event = check_event({**GOOD, "status": "out for delivery", "location": " Lyon "})
	assert (event.status, event.location, event.occurred_at) == (
		CARRIER_OUT_FOR_DELIVERY,
		"Lyon",
		datetime(2026, 11, 20, 10, 0),
	)
	assert check_event({**GOOD, "status": "DLV"}, {"dlv": "Delivered"}).status == CARRIER_DELIVERED
	for bad, says in (
		({**GOOD, "event_id": ""}, "event_id"),
		({**GOOD, "status": "Teleported"}, "not a carrier status"),
		({**GOOD, "occurred_at": "soon"}, "ISO 8601"),
		({**GOOD, "occurred_at": "0001-01-01T00:00:00+01:00"}, "ISO 8601"),
		({**GOOD, "occurred_at": "1900-01-01T00:00:00"}, "between the years"),
		({**GOOD, "tracking_number": {"a": 1}}, "must be text"),
		({**GOOD, "description": "x" * 501}, "longer"),
		([GOOD], "object"),
	):
		with pytest.raises(BadEvent, match=says):
			check_event(bad)


def test_times_with_an_offset_are_turned_into_utc():
	assert parse_time("2026-11-20T18:00:00+08:00") == datetime(2026, 11, 20, 10, 0)
	assert parse_time("2026-11-20T10:00:00") == datetime(2026, 11, 20, 10, 0)


def test_the_latest_event_wins_and_a_delivered_shipment_stays_delivered():
	t = T0
	assert is_current(CARRIER_IN_TRANSIT, t, None)
	assert is_current(CARRIER_DELIVERED, t + timedelta(hours=1), (CARRIER_IN_TRANSIT, t))
	assert not is_current(CARRIER_IN_TRANSIT, t - timedelta(hours=1), (CARRIER_DELIVERED, t))
	assert not is_current(CARRIER_OUT_FOR_DELIVERY, t + timedelta(hours=1), (CARRIER_DELIVERED, t))
	assert is_current(CARRIER_DAMAGED, t + timedelta(hours=1), (CARRIER_DELIVERED, t))
	assert is_current(CARRIER_DELIVERED, t + timedelta(hours=1), (CARRIER_LOST, t))


def test_a_final_outcome_wins_whatever_its_stamp_and_nothing_but_damage_undoes_it():
	t = T0
	# The carrier's clocks drift: a delivery stamped before the last transit report is still a delivery.
	assert is_current(CARRIER_DELIVERED, t - timedelta(hours=1), (CARRIER_IN_TRANSIT, t))
	assert (
		latest([(CARRIER_IN_TRANSIT, t), (CARRIER_DELIVERED, t - timedelta(hours=1))])[0] == CARRIER_DELIVERED
	)
	# A replayed failed attempt or a "lost" stamped after the delivery does not undo it.
	for status in (CARRIER_FAILED_ATTEMPT, CARRIER_LOST):
		assert not is_current(status, t + timedelta(hours=1), (CARRIER_DELIVERED, t))
	assert is_current(CARRIER_RETURNED, t + timedelta(hours=1), (CARRIER_DELIVERED, t))


def test_the_latest_of_events_of_the_same_moment_is_a_final_one():
	t = T0
	for events in (
		[(CARRIER_DELIVERED, t), (CARRIER_OUT_FOR_DELIVERY, t)],
		[(CARRIER_OUT_FOR_DELIVERY, t), (CARRIER_DELIVERED, t)],
		[(CARRIER_IN_TRANSIT, t - timedelta(hours=1)), (CARRIER_OUT_FOR_DELIVERY, t), (CARRIER_DELIVERED, t)],
	):
		assert latest(events) == (CARRIER_DELIVERED, t)
	assert latest([(CARRIER_IN_TRANSIT, t), (CARRIER_OUT_FOR_DELIVERY, t + timedelta(hours=1))])[0] == (
		CARRIER_OUT_FOR_DELIVERY
	)


@given(st.lists(st.tuples(st.sampled_from(CARRIER_STATUSES), st.integers(0, 1000)), min_size=1, max_size=12))
def test_a_progress_report_never_follows_a_final_one(events):
	latest = None
	for status, minutes in events:
		at = T0 + timedelta(minutes=minutes)
		if is_current(status, at, latest):
			if latest and latest[0] in (CARRIER_DELIVERED, CARRIER_RETURNED):
				assert status not in (CARRIER_IN_TRANSIT, CARRIER_OUT_FOR_DELIVERY)
			latest = (status, at)


def test_info_fits_erpnexts_field():
	event = check_event({**GOOD, "location": "L" * 140, "description": "D"})
	assert len(info_of(event)) == 140


def carrier(status, superseded=False):
	return ev.Event(
		ev.CARRIER_REPORTED,
		T0,
		"carrier@example.com",
		"Shipment",
		"SHIP-1",
		carrier_status=status,
		note="Lyon",
		superseded=superseded,
	)


def shipped_order():
	state = submitted(P, needs_manufacturing=False)
	state, _ = step(state, dn(ev.DELIVERY_NOTE_SUBMITTED, 100), P)
	return state


def test_every_carrier_report_is_in_the_timeline_and_delivered_moves_the_order():
	state = shipped_order()
	state, d = step(state, carrier(CARRIER_IN_TRANSIT), P)
	assert [e.action for e in d.effects if isinstance(e, TimelineEntry)] == [TIMELINE_CARRIER]
	assert state.stage == SHIPPED
	state, d = step(state, carrier(CARRIER_DELIVERED), P)
	assert state.stage == DELIVERED


def test_problems_raise_logistics_exceptions_once():
	for status, exception in ((CARRIER_FAILED_ATTEMPT, DELIVERY_FAILED), (CARRIER_LOST, LOST_IN_TRANSIT)):
		state = shipped_order()
		state, d = step(state, carrier(status), P)
		raised = [e.exception.exception_type for e in d.effects if isinstance(e, RaiseException)]
		assert raised == [exception]
		state, d = step(state, carrier(status), P)
		assert not [e for e in d.effects if isinstance(e, RaiseException)]
		assert [e.action for e in d.effects if isinstance(e, TimelineEntry)] == [TIMELINE_CARRIER]


def test_a_superseded_report_changes_nothing_but_the_timeline():
	state = shipped_order()
	after, d = step(state, carrier(CARRIER_LOST, superseded=True), P)
	assert after.open_exceptions == state.open_exceptions
	assert [type(e) for e in d.effects] == [TimelineEntry]


def test_the_customer_sees_customer_words_and_nothing_else():
	assert [s["stage"] for s in pipeline("Production Planning", True)] == [
		"Received",
		"In Production",
		"Ready",
		"Shipped",
		"Delivered",
	]
	assert all(s["state"] == "done" for s in pipeline("Completed", False))
	view = customer_view(
		"Partially Shipped",
		"At Risk",
		True,
		date(2026, 12, 9),
		date(2026, 12, 1),
		50,
		[{"carrier": "DHL", "tracking_number": "1", "note": "internal", "owner": "x@example.com"}],
	)
	assert view["stage"] == "Shipped" and view["date_moved"]
	assert set(view["shipments"][0]) == {"carrier", "tracking_number", "tracking_url", "status", "updated_on"}
	assert "At Risk" not in repr(view)


def test_only_plain_web_links_are_offered():
	assert safe_url(" https://track.example/1Z?x=1 ") == "https://track.example/1Z?x=1"
	for bad in ("javascript:alert(1)", 'https://a.example/"onmouseover=x', "ftp://x", None, ""):
		assert safe_url(bad) is None


# --- trust: plain text, time, signatures -------------------------------------------------------------------


def test_an_events_text_is_kept_as_plain_text_whatever_its_shape():
	event = check_event(
		{
			**GOOD,
			"event_id": '"<img src=x onerror=alert(1)>"E2',
			"tracking_number": "<b>1Z999</b>",
			"location": '"<script>alert(1)</script>"',
			"description": '{"a": "<svg onload=alert(1)>"}',
		}
	)
	assert event.event_id == '""E2'
	assert event.tracking_number == "1Z999"
	assert event.location == '"alert(1)"'
	assert event.description == '{"a": ""}'
	with pytest.raises(BadEvent):
		check_event({**GOOD, "tracking_number": "<img src=x>"})  # nothing left of it


def test_a_status_word_is_kept_as_plain_text():
	from order_coordination.core.carrier import status_word

	assert status_word({"status": '"<img src=x onerror=alert(1)>"DLV'}) == '""DLV'


def test_an_event_stamped_in_the_future_is_refused():
	now = datetime(2026, 11, 20, 10, 0)
	assert check_event({**GOOD, "occurred_at": "2026-11-20T10:04:59Z"}, now=now)
	with pytest.raises(BadEvent, match="in the future"):
		check_event({**GOOD, "occurred_at": "2026-11-23T10:00:00Z"}, now=now)
	with pytest.raises(BadEvent, match="in the future"):
		check_event({**GOOD, "occurred_at": "2026-11-20T10:06:00Z"}, now=now)


def test_a_stamp_without_an_offset_is_read_in_the_accounts_time_zone():
	from zoneinfo import ZoneInfo

	shanghai = ZoneInfo("Asia/Shanghai")
	assert parse_time("2026-11-20T18:00:00", shanghai) == datetime(2026, 11, 20, 10, 0)
	assert parse_time("2026-11-20T18:00:00+00:00", shanghai) == datetime(2026, 11, 20, 18, 0)
	# A local time sent without its offset is not in the future once read in the carrier's zone.
	now = datetime(2026, 11, 20, 10, 1)
	assert check_event({**GOOD, "occurred_at": "2026-11-20T18:00:00"}, now=now, zone=shanghai)


def test_a_signature_covers_the_time_and_the_body():
	from order_coordination.core.carrier import BadSignature, check_signature, sign

	body, secret, t = b'{"events": []}', "s3cret", 1_790_000_000
	check_signature(sign(secret, body, t), secret, body, t + 10)
	bad = [
		(sign(secret, body + b" ", t), body),  # another body
		(sign("other", body, t), body),  # another secret
		(sign(secret, body, t).replace("t=", "t=1"), body),  # another time
		(sign(secret, body, t - 301), body),  # too old: a replay
		(sign(secret, body, t + 301), body),  # too far ahead
		("sha256=" + "0" * 64, body),  # the old form, replayable
		("t=é,v1=ü", body),  # not ASCII
		("", body),
		(None, body),
	]
	for header, sent in bad:
		with pytest.raises(BadSignature):
			check_signature(header, secret, sent, t)
	with pytest.raises(BadSignature):
		check_signature(sign(secret, body, t), "", body, t)  # no secret: nothing can be signed


@given(st.text(max_size=120))
def test_any_signature_header_is_a_bad_signature_or_good(header):
	from order_coordination.core.carrier import BadSignature, check_signature

	try:
		check_signature(header, "s3cret", b"{}", 1_790_000_000)
	except BadSignature:
		pass
