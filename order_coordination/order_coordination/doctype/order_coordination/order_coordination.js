// Copyright (c) 2026, order_coordination contributors
// For license information, please see license.txt

// The record is changed only through the department actions: show the panel, handoffs and timeline.
frappe.ui.form.on("Order Coordination", {
	refresh(frm) {
		frm.disable_save();
		const wrapper = frm.fields_dict.coordination_view.$wrapper;
		if (!window.order_coordination) return; // without the app's bundle: the record as it is
		new order_coordination.Panel(wrapper, frm.doc.name, { show_timeline: true, on_record: true });
		frm.add_custom_button(__("Sales Order"), () =>
			frappe.set_route("Form", "Sales Order", frm.doc.sales_order)
		);
	},
});
