// Copyright (c) 2026, order_coordination contributors
// For license information, please see license.txt

frappe.query_reports["Department Queue"] = {
	filters: order_coordination.report_filters({
		dates: false,
		company: false,
		customer: false,
		my_department: true,
	}),
};
