frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["Dwell Time by Department"] = {
	method: "order_coordination.order_coordination.dashboard_chart_source.dwell_time_by_department.dwell_time_by_department.get",
	filters: [],
};
