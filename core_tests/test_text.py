from hypothesis import given
from hypothesis import strategies as st

from order_coordination.core.text import has_markup, plain_text

# Text made of the pieces markup is made of, so that tags, half tags and nested tags come up often.
PIECES = st.sampled_from(
	["<", ">", "/", "!", "?", "img", "script", " ", "a", "=", '"', "'", "{", "}", "&lt;", "3"]
)
MARKUPISH = st.lists(PIECES, max_size=40).map("".join)


def test_json_shaped_markup_is_removed():
	assert plain_text('"<img src=x onerror=alert(1)>"') == '""'
	assert plain_text('{"a": "<script>alert(1)</script>"}') == '{"a": "alert(1)"}'
	assert plain_text("[<svg onload=alert(1)>]") == "[]"


def test_nested_and_unfinished_tags_are_removed():
	assert plain_text("<<b>script>alert(1)<</b>/script>") == "alert(1)"
	assert plain_text("ok <img src=x onerror=alert(1)") == "ok "
	assert plain_text("<!-- hidden -->shown") == "shown"


def test_text_that_is_not_markup_is_kept_as_typed():
	for text in ("3 < 5 and 7 > 2", "a <3 b", "<< >>", "price < 10€", "", "送达 <> 已出货", "x & y"):
		assert plain_text(text) == text
	assert plain_text(None) is None
	assert plain_text(42) == 42


@given(st.one_of(MARKUPISH, st.text(max_size=60)))
def test_plain_text_never_holds_markup_and_is_stable(text):
	cleaned = plain_text(text)
	assert not has_markup(cleaned)
	assert plain_text(cleaned) == cleaned
	assert len(cleaned) <= len(text)


@given(st.text(alphabet=st.characters(blacklist_characters="<"), max_size=60))
def test_text_without_an_opening_bracket_is_untouched(text):
	assert plain_text(text) == text
