import base64
import math

from hypothesis import given
from hypothesis import strategies as st

from order_coordination.core import doorstep as d
from order_coordination.core.constants import (
	ATTEMPT_DELIVERED,
	ATTEMPT_FAILED,
	ATTEMPT_OUTCOMES,
	ATTEMPT_REFUSED,
	DEFAULT_FAILURE_REASONS,
	DELIVERY_FAILED,
	OUTCOME_DELIVERED,
	OUTCOME_REFUSED,
)

PNG = d.PNG_MAGIC + b"\x00" * 64
SIGNED = d.PNG_DATA_URL + base64.b64encode(PNG).decode()
REASONS = set(DEFAULT_FAILURE_REASONS)
latitudes = st.floats(min_value=-90, max_value=90)
longitudes = st.floats(min_value=-180, max_value=180)


def templates(problems):
	return [template for template, _args in problems]


def test_a_delivery_needs_a_signature_and_a_name_by_default():
	bare = d.Attempt(ATTEMPT_DELIVERED)
	assert templates(d.attempt_problems(bare, {}, REASONS)) == [
		d.REASON_NEEDS_RECIPIENT,
		d.REASON_NEEDS_SIGNATURE,
	]
	signed = d.Attempt(ATTEMPT_DELIVERED, recipient="J. Chen", signature=PNG)
	assert d.attempt_problems(signed, {}, REASONS) == []


def test_a_company_decides_what_each_outcome_requires():
	relaxed = {ATTEMPT_DELIVERED: d.Requirement()}
	assert d.attempt_problems(d.Attempt(ATTEMPT_DELIVERED), relaxed, REASONS) == []
	strict = {ATTEMPT_REFUSED: d.Requirement(position=True, signature=True)}
	assert templates(d.attempt_problems(d.Attempt(ATTEMPT_REFUSED), strict, REASONS)) == [
		d.REASON_NEEDS_SIGNATURE,
		d.REASON_NEEDS_POSITION,
	]
	placed = d.Attempt(ATTEMPT_REFUSED, signature=PNG, latitude=1.0, longitude=2.0)
	assert d.attempt_problems(placed, strict, REASONS) == []


def test_a_failed_attempt_needs_one_of_the_companys_reasons():
	assert templates(d.attempt_problems(d.Attempt(ATTEMPT_FAILED), {}, REASONS)) == [d.REASON_NEEDS_REASON]
	assert templates(d.attempt_problems(d.Attempt(ATTEMPT_FAILED, reason="Dog"), {}, REASONS)) == [
		d.REASON_UNKNOWN_REASON
	]
	assert d.attempt_problems(d.Attempt(ATTEMPT_FAILED, reason="Nobody home"), {}, REASONS) == []


def test_an_unknown_outcome_is_refused_alone():
	assert d.attempt_problems(d.Attempt("Lost"), {}, REASONS) == [(d.REASON_OUTCOME, ("Lost",))]


@given(st.floats(allow_nan=True, allow_infinity=True), st.floats(allow_nan=True, allow_infinity=True))
def test_a_position_outside_the_globe_is_refused(lat, lng):
	problems = templates(d.position_problems(lat, lng, None))
	assert (d.REASON_LATITUDE in problems) == (not (math.isfinite(lat) and -90 <= lat <= 90))
	assert (d.REASON_LONGITUDE in problems) == (not (math.isfinite(lng) and -180 <= lng <= 180))


def test_half_a_position_and_a_negative_accuracy_are_refused():
	assert templates(d.position_problems(10.0, None, None)) == [d.REASON_HALF_POSITION]
	assert templates(d.position_problems(None, None, -1.0)) == [d.REASON_ACCURACY]


def test_a_signature_must_be_a_png_data_url_within_the_limit():
	assert d.signature_png(SIGNED) == (PNG, None)
	assert d.signature_png(None) == (None, None)
	jpeg = "data:image/jpeg;base64," + base64.b64encode(PNG).decode()
	assert d.signature_png(jpeg)[1][0] == d.REASON_SIGNATURE_PNG
	not_png = d.PNG_DATA_URL + base64.b64encode(b"GIF89a" + b"\x00" * 10).decode()
	assert d.signature_png(not_png)[1][0] == d.REASON_SIGNATURE_PNG
	assert d.signature_png(d.PNG_DATA_URL + "%%%")[1][0] == d.REASON_SIGNATURE_PNG
	big = d.PNG_DATA_URL + base64.b64encode(d.PNG_MAGIC + b"\x00" * 2000).decode()
	assert d.signature_png(big, limit=1000)[1] == (d.REASON_SIGNATURE_SIZE, (1,))
	assert d.signature_png(12)[1][0] == d.REASON_SIGNATURE_PNG


@given(st.binary(max_size=300), st.integers(min_value=10, max_value=400))
def test_a_signature_is_kept_exactly_or_refused(tail, limit):
	png = d.PNG_MAGIC + tail
	kept, problem = d.signature_png(d.PNG_DATA_URL + base64.b64encode(png).decode(), limit=limit)
	assert (kept == png and problem is None) if len(png) <= limit else (kept is None and problem)


@given(latitudes, longitudes, latitudes, longitudes)
def test_distance_is_a_metric_on_the_globe(lat1, lng1, lat2, lng2):
	there = d.distance_metres(lat1, lng1, lat2, lng2)
	back = d.distance_metres(lat2, lng2, lat1, lng1)
	assert math.isclose(there, back, abs_tol=1e-6)
	assert 0 <= there <= math.pi * d.EARTH_RADIUS_METRES + 1
	assert d.distance_metres(lat1, lng1, lat1, lng1) < 1e-6


@given(latitudes, longitudes, latitudes, longitudes, latitudes, longitudes)
def test_distance_keeps_the_triangle_inequality(a1, b1, a2, b2, a3, b3):
	ab, bc, ac = (
		d.distance_metres(a1, b1, a2, b2),
		d.distance_metres(a2, b2, a3, b3),
		d.distance_metres(a1, b1, a3, b3),
	)
	assert ac <= ab + bc + 1e-3


def test_distance_from_a_known_place():
	# Trafalgar Square to Buckingham Palace: about 1.1 km.
	metres, far = d.distance_from_stop(51.50809, -0.12806, 51.50136, -0.14189, far_metres=500)
	assert 1100 < metres < 1250 and far
	assert d.distance_from_stop(51.50809, -0.12806, 51.50809, -0.12806) == (0.0, False)


def test_no_distance_without_both_positions():
	assert d.distance_from_stop(None, None, 51.5, -0.1) == (None, False)
	assert d.distance_from_stop(51.5, -0.1, 0, 0) == (None, False)


@given(latitudes, longitudes, st.floats(min_value=1, max_value=5000))
def test_far_means_beyond_the_companys_distance(lat, lng, far):
	near = (lat + 0.0001) if lat < 89 else (lat - 0.0001)
	metres, flagged = d.distance_from_stop(lat, lng, near, lng or 0.0001, far_metres=far)
	assert flagged == (metres > far) or metres is None


def test_what_each_outcome_means_for_the_order():
	assert d.effect_of(ATTEMPT_DELIVERED) == d.Effect(confirm=OUTCOME_DELIVERED)
	assert d.effect_of(ATTEMPT_REFUSED) == d.Effect(confirm=OUTCOME_REFUSED)
	assert d.effect_of(ATTEMPT_FAILED) == d.Effect(raise_exception=DELIVERY_FAILED)
	assert set(d.EFFECTS) == set(ATTEMPT_OUTCOMES)


def test_the_customer_reads_the_time_who_signed_and_why_never_a_place():
	assert d.customer_line(ATTEMPT_DELIVERED, "14:02", True, "J. Chen") == (
		d.LINE_DELIVERED_SIGNED,
		("14:02", "J. Chen"),
	)
	assert d.customer_line(ATTEMPT_DELIVERED, "14:02", True) == (d.LINE_DELIVERED, ("14:02",))
	assert d.customer_line(ATTEMPT_FAILED, "14:02", True, reason="Nobody home") == (
		d.LINE_FAILED_TODAY,
		("Nobody home",),
	)
	assert d.customer_line(ATTEMPT_FAILED, "3 Dec", False, reason="No access") == (
		d.LINE_FAILED,
		("3 Dec", "No access"),
	)
	assert d.customer_line(ATTEMPT_REFUSED, "3 Dec", False) == (d.LINE_REFUSED, ("3 Dec",))


@given(st.lists(st.tuples(st.sampled_from("abc"), st.integers(0, 50), st.integers(0, 10**6)), max_size=30))
def test_the_latest_attempt_of_each_stop_wins(rows):
	attempts = [{"delivery_stop": s, "received_at": t, "name": str(n)} for s, t, n in rows]
	latest = d.latest_by_stop(attempts)
	assert set(latest) == {a["delivery_stop"] for a in attempts}
	for stop, kept in latest.items():
		mine = [a for a in attempts if a["delivery_stop"] == stop]
		assert (kept["received_at"], kept["name"]) == max((a["received_at"], a["name"]) for a in mine)
