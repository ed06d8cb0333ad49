frappe.listview_settings["Order Exception"] = {
	add_fields: ["status"],
	get_indicator(doc) {
		return [__(doc.status), doc.status === "Open" ? "red" : "green", "status,=," + doc.status];
	},
};
