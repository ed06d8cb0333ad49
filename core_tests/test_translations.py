"""Every user-facing string of the app has a Chinese translation: ours, or Frappe's / ERPNext's own."""

import csv
from pathlib import Path

from translatable import strings

HERE = Path(__file__).resolve().parent
ZH = HERE.parent / "order_coordination" / "translations" / "zh.csv"


def ours() -> dict[str, str]:
	with ZH.open(encoding="utf-8") as f:
		return {row[0]: row[1] for row in csv.reader(f) if row}


def upstream() -> set[str]:
	lines = (HERE / "upstream_translated.txt").read_text(encoding="utf-8").splitlines()
	return {line for line in lines if line and not line.startswith("#")}


def test_every_string_is_translated_to_chinese():
	missing = sorted(strings() - set(ours()) - upstream())
	assert not missing, f"add to translations/zh.csv: {missing}"


def test_translations_keep_their_placeholders():
	for source, target in ours().items():
		for i in range(4):
			assert (f"{{{i}}}" in source) == (f"{{{i}}}" in target), source
		assert target.strip(), source


def test_we_do_not_override_upstream_translations():
	assert not set(ours()) & upstream()
