// Delivery Note: the panels of the Sales Orders it ships, and what drivers reported at its door.
frappe.ui.form.on("Delivery Note", {
	refresh(frm) {
		// Without the app's bundle (a failed asset build) the form simply shows no panel.
		if (window.order_coordination) order_coordination.show_panels_for_document(frm);
		if (window.order_coordination && order_coordination.show_doorstep_proof && frm.doc.docstatus === 1) {
			order_coordination.show_doorstep_proof(frm, "order_coordination.doorstep.proof.note_proofs", {
				delivery_note: frm.doc.name,
			});
		}
	},
});
