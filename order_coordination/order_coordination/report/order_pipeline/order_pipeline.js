// Copyright (c) 2026, order_coordination contributors
// For license information, please see license.txt

frappe.query_reports["Order Pipeline"] = {
	filters: order_coordination.report_filters({ date_defaults: false, stage: true }),
};
