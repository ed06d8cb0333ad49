// Sales Order: the coordination panel of the order itself, once submitted, and a tracking link for the
// customer (the server checks that the user acts for the department that owns the customer promise).
frappe.ui.form.on("Sales Order", {
	refresh(frm) {
		// Without the app's bundle (a failed asset build) the form simply shows no panel.
		if (window.order_coordination && frm.doc.docstatus === 1 && frm.doc.oc_stage) {
			order_coordination.show_panels(frm, [frm.doc.name]);
		}
		if (frm.doc.docstatus === 1 && frappe.model.can_write("Sales Order")) {
			frm.add_custom_button(__("Tracking Link"), () => make_tracking_link(frm), __("Coordination"));
			frm.add_custom_button(
				__("Revoke Tracking Links"),
				() => revoke_tracking_links(frm),
				__("Coordination")
			);
		}
	},
});

// One live link per order unless the user asks for another: a link is shown only once, when it is made,
// so a second click offers to make another (or to revoke the old ones first) instead of making it.
function make_tracking_link(frm, another = 0) {
	frappe
		.call({
			method: "order_coordination.customers.links.make_tracking_link",
			args: { sales_order: frm.doc.name, another },
			freeze: true,
		})
		.then((r) => {
			const link = r.message;
			if (link.live) {
				offer_another_link(frm, link.live);
				return;
			}
			const dialog = new frappe.ui.Dialog({
				title: __("Tracking Link"),
				fields: [
					{
						fieldname: "url",
						fieldtype: "Code",
						label: __("Send this link to the customer"),
						read_only: 1,
						default: link.url,
					},
					{
						fieldname: "help",
						fieldtype: "HTML",
						options: `<p class="text-muted small">${__(
							"It shows where the order is, read-only, until {0}. It is shown only now; revoke it with Coordination > Revoke Tracking Links.",
							[frappe.datetime.str_to_user(link.expires_on)]
						)}</p>`,
					},
				],
				primary_action_label: __("Copy"),
				primary_action() {
					frappe.utils.copy_to_clipboard(link.url);
					dialog.hide();
				},
			});
			dialog.show();
		});
}

// The order's live links, to revoke one or more of them (a link sent to the wrong person, say).
function revoke_tracking_links(frm) {
	frappe
		.call({
			method: "order_coordination.customers.links.live_tracking_links",
			args: { sales_order: frm.doc.name },
		})
		.then((r) => {
			const links = r.message || [];
			if (!links.length) {
				frappe.msgprint(__("This order has no live tracking link."));
				return;
			}
			const dialog = new frappe.ui.Dialog({
				title: __("Revoke Tracking Links"),
				fields: [
					{
						fieldname: "links",
						fieldtype: "MultiCheck",
						label: __("Live links"),
						options: links.map((link) => ({
							label: __("Made {0}, valid until {1}, opened {2} times", [
								frappe.datetime.str_to_user(link.creation),
								frappe.datetime.str_to_user(link.expires_on),
								link.use_count || 0,
							]),
							value: link.name,
							checked: links.length === 1,
						})),
					},
				],
				primary_action_label: __("Revoke"),
				primary_action(values) {
					const chosen = values.links || [];
					if (!chosen.length) {
						frappe.msgprint(__("Choose the links to revoke."));
						return;
					}
					Promise.all(
						chosen.map((link) =>
							frappe.call({
								method: "order_coordination.customers.links.revoke_tracking_link",
								args: { link },
							})
						)
					).then(() => {
						dialog.hide();
						frappe.show_alert({ message: __("Revoked"), indicator: "green" });
					});
				},
			});
			dialog.show();
		});
}

function offer_another_link(frm, live) {
	const newest = live[0];
	const dialog = new frappe.ui.Dialog({
		title: __("Tracking Link"),
		fields: [
			{
				fieldname: "help",
				fieldtype: "HTML",
				options: `<p>${__(
					"This order already has {0} live tracking link(s); the newest was made {1} and opened {2} times. A link is shown only when it is made.",
					[live.length, frappe.datetime.str_to_user(newest.creation), newest.use_count || 0]
				)}</p>`,
			},
		],
		primary_action_label: __("Make Another"),
		primary_action() {
			dialog.hide();
			make_tracking_link(frm, 1);
		},
		secondary_action_label: __("Revoke Old and Make New"),
		secondary_action() {
			dialog.hide();
			Promise.all(
				live.map((l) =>
					frappe.call({
						method: "order_coordination.customers.links.revoke_tracking_link",
						args: { link: l.name },
					})
				)
			).then(() => make_tracking_link(frm, 1));
		},
	});
	dialog.show();
}
