frappe.listview_settings["Order Coordination"] = {
	add_fields: ["status", "stage", "responsible_department"],
	get_indicator(doc) {
		return [__(doc.status), order_coordination.status_colour(doc.status), "status,=," + doc.status];
	},
	onload(listview) {
		// Where the backfill of orders from before install stands: shown to administrators only.
		const show = (pending) => {
			listview.page.clear_indicator();
			if (pending > 0) {
				listview.page.set_indicator(
					__("{0} open orders still without a coordination record", [pending]),
					"orange"
				);
			}
		};
		frappe
			.call("order_coordination.api.backfill_status")
			.then((r) => r.message && show(r.message.pending));
		frappe.realtime.on("order_coordination_backfill", (progress) => {
			frappe.show_progress(__("Building coordination records"), progress.done, progress.total);
			if (progress.done >= progress.total) {
				frappe.hide_progress();
				frappe
					.call("order_coordination.api.backfill_status")
					.then((r) => r.message && show(r.message.pending));
			}
		});
	},
};
