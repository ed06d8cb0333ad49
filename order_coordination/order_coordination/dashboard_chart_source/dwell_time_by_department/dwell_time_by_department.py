# Copyright (c) 2026, order_coordination contributors
# For license information, please see license.txt

import frappe

from order_coordination.insight.numbers import chart_to_date, dwell_time_by_department
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
	"""Working hours each department held orders in the 90 days to To Date: the Department Dwell Time
	report's Working Hours Held."""
	check_can_read()
	return dwell_time_by_department(to_date or chart_to_date(filters))
