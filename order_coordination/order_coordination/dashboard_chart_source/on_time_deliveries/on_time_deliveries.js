frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["On-Time Deliveries"] = {
	method: "order_coordination.order_coordination.dashboard_chart_source.on_time_deliveries.on_time_deliveries.get",
	filters: [],
};
