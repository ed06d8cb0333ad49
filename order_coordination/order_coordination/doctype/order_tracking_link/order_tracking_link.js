// Order Tracking Link: a link can only be revoked; the button says so where the checkbox alone did not.
frappe.ui.form.on("Order Tracking Link", {
	refresh(frm) {
		if (frm.is_new() || frm.doc.revoked || !frm.perm[0]?.write) return;
		frm.add_custom_button(__("Revoke"), () =>
			frappe.confirm(__("The customer will no longer be able to open this link. Revoke it?"), () =>
				frappe
					.call({
						method: "order_coordination.customers.links.revoke_tracking_link",
						args: { link: frm.doc.name },
						freeze: true,
					})
					.then(() => frm.reload_doc())
			)
		);
	},
});
