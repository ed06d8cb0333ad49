"""Every user-facing string of the app has a Chinese translation: ours, or Frappe's / ERPNext's own."""

import csv
from pathlib import Path

from translatable import strings

HERE = Path(__file__).resolve().parent
ZH = HERE.parent / "order_coordination" / "translations" / "zh.csv"


def rows() -> list[list[str]]:
	with ZH.open(encoding="utf-8") as f:
		return [row for row in csv.reader(f) if row]


def ours() -> dict[str, str]:
	"""Our translations without a context (those with one are keyed "source:context", as Frappe keys them)."""
	return {row[0]: row[1] for row in rows() if len(row) < 3 or not row[2]}


def in_context(context: str) -> dict[str, str]:
	return {row[0]: row[1] for row in rows() if len(row) == 3 and row[2] == context}


def upstream() -> set[str]:
	lines = (HERE / "upstream_translated.txt").read_text(encoding="utf-8").splitlines()
	return {line for line in lines if line and not line.startswith("#")}


def test_every_string_is_translated_to_chinese():
	missing = sorted(strings() - set(ours()) - upstream())
	assert not missing, f"add to translations/zh.csv: {missing}"


def test_translations_keep_their_placeholders():
	for source, target, *_context in rows():
		for i in range(4):
			assert (f"{{{i}}}" in source) == (f"{{{i}}}" in target), source
		assert target.strip(), source


def test_we_do_not_override_upstream_translations():
	assert not set(ours()) & upstream()


def test_the_customers_words_have_their_own_translation():
	"""The words the customer's page shows (its stages, the carrier's statuses) are translated in their own
	context: the same English word in the desk is ERPNext's (its "Delivered" is 已出货, shipped out)."""
	from order_coordination.core.constants import CARRIER_STATUSES, CUSTOMER_STAGES, CUSTOMER_WORDS_CONTEXT

	words = in_context(CUSTOMER_WORDS_CONTEXT)
	missing = sorted((set(CUSTOMER_STAGES) | set(CARRIER_STATUSES)) - set(words))
	assert not missing, f"add to translations/zh.csv with the context {CUSTOMER_WORDS_CONTEXT!r}: {missing}"
	assert words["Delivered"] == "已送达"
