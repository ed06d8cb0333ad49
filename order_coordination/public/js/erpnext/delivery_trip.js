// Delivery Trip: what the driver reported at each stop, with its proof.
frappe.ui.form.on("Delivery Trip", {
	refresh(frm) {
		if (frm.is_new() || !window.order_coordination || !order_coordination.show_doorstep_proof) return;
		order_coordination.show_doorstep_proof(frm, "order_coordination.doorstep.proof.trip_proofs", {
			delivery_trip: frm.doc.name,
		});
	},
});
