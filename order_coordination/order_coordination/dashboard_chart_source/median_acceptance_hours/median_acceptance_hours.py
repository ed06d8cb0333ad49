# Copyright (c) 2026, order_coordination contributors
# For license information, please see license.txt

import frappe

from order_coordination.core import constants
from order_coordination.insight.numbers import chart_to_date, median_acceptance_by_week
from order_coordination.reporting import check_can_read


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
	check_can_read()
	frappe.has_permission(constants.DT_ORDER_HANDOFF, "read", throw=True)
	return median_acceptance_by_week(to_date or chart_to_date(filters))
