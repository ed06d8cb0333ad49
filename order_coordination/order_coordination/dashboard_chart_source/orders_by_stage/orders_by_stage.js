frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["Orders by Stage"] = {
	method: "order_coordination.order_coordination.dashboard_chart_source.orders_by_stage.orders_by_stage.get",
	filters: [],
};
