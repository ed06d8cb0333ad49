// Work Order: the panels of the Sales Orders it serves (directly or through a Production Plan).
frappe.ui.form.on("Work Order", {
	refresh(frm) {
		// Without the app's bundle (a failed asset build) the form simply shows no panel.
		if (window.order_coordination) order_coordination.show_panels_for_document(frm);
	},
});
