// Delivery Note: the panels of the Sales Orders it ships.
frappe.ui.form.on("Delivery Note", { refresh: order_coordination.show_panels_for_document });
