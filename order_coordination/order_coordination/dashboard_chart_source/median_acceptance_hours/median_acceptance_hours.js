frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["Median Acceptance Hours"] = {
	method: "order_coordination.order_coordination.dashboard_chart_source.median_acceptance_hours.median_acceptance_hours.get",
	filters: [],
};
