// Work Order: the panels of the Sales Orders it serves (directly or through a Production Plan).
frappe.ui.form.on("Work Order", { refresh: order_coordination.show_panels_for_document });
