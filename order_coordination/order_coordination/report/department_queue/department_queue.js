// Copyright (c) 2026, order_coordination contributors
// For license information, please see license.txt

// An inbox: each row opens its order; a handoff waiting for the department is accepted or rejected (with a
// reason, checked before it is sent) from the row itself.
frappe.query_reports["Department Queue"] = {
	filters: order_coordination.report_filters({
		dates: false,
		company: false,
		customer: false,
		my_department: true,
	}),

	formatter(value, row, column, data, default_formatter) {
		if (column.fieldname !== "actions" || !data || !data.sales_order) {
			return default_formatter(value, row, column, data);
		}
		const esc = (text) => frappe.utils.escape_html(text || "");
		const open = `<a class="btn btn-xs btn-default" href="${frappe.utils.get_form_link(
			"Order Coordination",
			data.sales_order
		)}">${__("Open", null, "Open a record")}</a>`;
		if (!data.waiting) return open;
		const button = (act, label, style) =>
			`<button class="btn btn-xs ${style} oc-queue-act" data-act="${act}" data-handoff="${esc(
				data.handoff
			)}">${label}</button>`;
		return `${button("accept", __("Accept"), "btn-primary")} ${button("reject", __("Reject"), "btn-default")} ${open}`;
	},

	onload(report) {
		const api = "order_coordination.api.";
		const done = () => report.refresh();
		report.page.wrapper.on("click", ".oc-queue-act", (event) => {
			event.preventDefault();
			event.stopPropagation();
			const handoff = $(event.currentTarget).attr("data-handoff");
			if ($(event.currentTarget).attr("data-act") === "accept") {
				frappe.call({ method: api + "accept_handoff", args: { handoff }, freeze: true }).then(done);
				return;
			}
			order_coordination.ask(
				[{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason"), reqd: 1 }],
				__("Reject Handoff"),
				__("Reject"),
				(v) =>
					frappe
						.call({
							method: api + "reject_handoff",
							args: { handoff, reason: v.reason },
							freeze: true,
						})
						.then(done)
			);
		});
	},
};
