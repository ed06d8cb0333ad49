// Copyright (c) 2026, order_coordination contributors
// For license information, please see license.txt

frappe.query_reports["Promise Reliability"] = {
	filters: [
		{
			fieldname: "view",
			label: __("View"),
			fieldtype: "Select",
			options: (frappe.boot.order_coordination || {}).promise_reliability_views,
			default: ((frappe.boot.order_coordination || {}).promise_reliability_views || [])[0],
		},
		...order_coordination.report_filters({ dates: true, months: 12 }),
	],
};
