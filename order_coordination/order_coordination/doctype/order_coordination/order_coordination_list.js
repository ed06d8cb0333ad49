frappe.listview_settings["Order Coordination"] = {
	add_fields: ["status", "stage", "responsible_department"],
	get_indicator(doc) {
		return [__(doc.status), order_coordination.status_colour(doc.status), "status,=," + doc.status];
	},
};
