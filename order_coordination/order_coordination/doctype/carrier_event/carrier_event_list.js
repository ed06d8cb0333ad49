// Carrier events by state: Unmatched ones wait for Logistics to find their Shipment.
const CARRIER_EVENT_COLOURS = { Queued: "blue", Applied: "green", Superseded: "gray", Unmatched: "orange" };

frappe.listview_settings["Carrier Event"] = {
	add_fields: ["state"],
	get_indicator(doc) {
		return [__(doc.state), CARRIER_EVENT_COLOURS[doc.state] || "gray", "state,=," + doc.state];
	},
};
