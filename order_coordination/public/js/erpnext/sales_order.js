// Sales Order: the coordination panel of the order itself, once submitted.
frappe.ui.form.on("Sales Order", {
	refresh(frm) {
		// Without the app's bundle (a failed asset build) the form simply shows no panel.
		if (window.order_coordination && frm.doc.docstatus === 1 && frm.doc.oc_stage) {
			order_coordination.show_panels(frm, [frm.doc.name]);
		}
	},
});
