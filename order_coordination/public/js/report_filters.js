// The filters every coordination report takes: company, date range, department, customer.
frappe.provide("order_coordination");

order_coordination.report_filters = ({
	dates = true,
	months = 3,
	date_defaults = true,
	company = true,
	customer = true,
	stage = false,
	my_department = false,
} = {}) => {
	const filters = [];
	if (company) {
		filters.push({
			fieldname: "company",
			label: __("Company"),
			fieldtype: "Link",
			options: "Company",
			default: frappe.defaults.get_user_default("Company"),
		});
	}
	if (dates) {
		filters.push(
			{
				fieldname: "from_date",
				label: __("From Date"),
				fieldtype: "Date",
				default: date_defaults
					? frappe.datetime.add_months(frappe.datetime.get_today(), -months)
					: null,
			},
			{
				fieldname: "to_date",
				label: __("To Date"),
				fieldtype: "Date",
				default: date_defaults ? frappe.datetime.get_today() : null,
			}
		);
	}
	if (my_department) {
		// The departments the user acts for (every one for managers); empty: all of them.
		const mine = (frappe.boot.order_coordination || {}).my_departments || [];
		filters.push({
			fieldname: "department",
			label: __("My Department"),
			fieldtype: "Select",
			options: [{ value: "", label: __("All My Departments") }].concat(
				mine.map((d) => ({ value: d, label: __(d) }))
			),
		});
	} else {
		filters.push({
			fieldname: "department",
			label: __("Department"),
			fieldtype: "Link",
			options: "Coordination Department",
		});
	}
	if (customer) {
		filters.push({
			fieldname: "customer",
			label: __("Customer"),
			fieldtype: "Link",
			options: "Customer",
		});
	}
	if (stage) {
		filters.push({
			fieldname: "stage",
			label: __("Stage"),
			fieldtype: "Select",
			// Every stage but Completed, from the server.
			options: ["", ...((frappe.boot.order_coordination || {}).stages || []).slice(0, -1)],
		});
	}
	return filters;
};
