"""Text kept before the app stored plain text (Frappe's sanitiser let JSON-shaped markup through) is made
plain now, by the rule every new row follows: every column of ours that holds what a person, a carrier
or a driver sent."""

import frappe

from order_coordination.typed_text import PLAIN_TEXT_COLUMNS, clean_text


def execute():
	for doctype, columns in PLAIN_TEXT_COLUMNS.items():
		for column in columns:
			if not frappe.db.has_column(doctype, column):
				continue
			rows = frappe.db.sql(
				f"select name, `{column}` from `tab{doctype}` where `{column}` like %s", ("%<%",)
			)
			for name, value in rows:
				cleaned = clean_text(value)
				if cleaned != value:
					frappe.db.sql(
						f"update `tab{doctype}` set `{column}` = %s where name = %s", (cleaned, name)
					)
