"""Text written before the app sanitised it on the way in (handoff notes and reasons, exception
descriptions and resolutions, timeline notes) is sanitised now, by the same rule."""

import frappe

from order_coordination.core.constants import DT_EXCEPTION, DT_ORDER_HANDOFF, DT_TIMELINE
from order_coordination.typed_text import TEXT_COLUMNS, clean_text


def execute():
	for doctype in (DT_ORDER_HANDOFF, DT_EXCEPTION, DT_TIMELINE):
		columns = [c for c in TEXT_COLUMNS if frappe.db.has_column(doctype, c)]
		for column in columns:
			rows = frappe.db.sql(
				f"select name, `{column}` from `tab{doctype}` where `{column}` like %s", ("%<%",)
			)
			for name, value in rows:
				cleaned = clean_text(value)
				if cleaned != value:
					frappe.db.sql(
						f"update `tab{doctype}` set `{column}` = %s where name = %s", (cleaned, name)
					)
