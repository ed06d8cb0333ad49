"""Plain text: what the app keeps of anything a person, a carrier or a driver typed.

Frappe's own sanitiser keeps markup it deems safe and returns any text that parses as JSON unchanged, so
`"<img src=x onerror=alert(1)>"`, quotes included, would be stored as sent and run in the browser of
whoever opens the record. Text of ours never holds markup: whatever a browser would read as a tag, a
comment or a processing instruction is removed, whatever the text's shape, and the rest is kept as typed.
"""

from __future__ import annotations

import re

# What an HTML parser starts a tag (or comment, doctype, processing instruction) on: "<" directly followed
# by a letter, "/", "!" or "?". It ends at the next ">", or at the end of the text (a browser drops an
# unfinished tag, but text joined after it could finish it).
MARKUP = re.compile(r"<[A-Za-z/!?][^>]*(?:>|$)")


def plain_text(value):
	"""`value` without markup (text only; anything else is returned as it is). Removing a tag can bring
	two halves of another together (`<<b>script>`), so it is done until nothing is left to remove."""
	if not isinstance(value, str) or "<" not in value:
		return value
	while True:
		cleaned = MARKUP.sub("", value)
		if cleaned == value:
			return cleaned
		value = cleaned


def has_markup(value) -> bool:
	return isinstance(value, str) and bool(MARKUP.search(value))
