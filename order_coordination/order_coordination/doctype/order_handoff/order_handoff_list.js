const HANDOFF_COLOURS = { Pending: "orange", Accepted: "green", Rejected: "red", Cancelled: "grey" };

frappe.listview_settings["Order Handoff"] = {
	add_fields: ["status", "due_by"],
	get_indicator(doc) {
		const late = doc.status === "Pending" && doc.due_by && frappe.datetime.now_datetime() > doc.due_by;
		const colour = late ? "red" : HANDOFF_COLOURS[doc.status] || "grey";
		return [late ? __("Overdue") : __(doc.status), colour, "status,=," + doc.status];
	},
};
