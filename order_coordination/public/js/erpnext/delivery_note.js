// Delivery Note: the panels of the Sales Orders it ships.
frappe.ui.form.on("Delivery Note", {
	refresh(frm) {
		// Without the app's bundle (a failed asset build) the form simply shows no panel.
		if (window.order_coordination) order_coordination.show_panels_for_document(frm);
	},
});
