frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["Handoff Lead Time by Week"] = {
	method: "order_coordination.order_coordination.dashboard_chart_source.handoff_lead_time_by_week.handoff_lead_time_by_week.get",
	filters: [],
};
