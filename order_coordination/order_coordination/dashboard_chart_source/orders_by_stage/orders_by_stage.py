# Copyright (c) 2026, order_coordination contributors
# For license information, please see license.txt

import frappe

from order_coordination.insight.numbers import open_orders_by_stage


@frappe.whitelist()
@frappe.read_only()
def get(
	chart_name=None,
	chart=None,
	no_cache=None,
	filters=None,
	from_date=None,
	to_date=None,
	timespan=None,
	time_interval=None,
	heatmap_year=None,
):
	"""Open orders by stage: the app's own source, so that a site with a replica reads it there (Frappe's
	group-by charts read the primary)."""
	return open_orders_by_stage()
