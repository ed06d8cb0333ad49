// Sales Order: the coordination panel of the order itself, once submitted, and a tracking link for the
// customer (the server checks that the user acts for the department that owns the customer promise). On a
// saved draft, the earliest delivery the company can keep, per line and why, before anyone promises it.
frappe.ui.form.on("Sales Order", {
	refresh(frm) {
		// Without the app's bundle (a failed asset build) the form simply shows no panel.
		if (window.order_coordination && frm.doc.docstatus === 1 && frm.doc.oc_stage) {
			order_coordination.show_panels(frm, [frm.doc.name]);
		}
		if (frm.doc.docstatus === 0 && !frm.is_new()) {
			frm.add_custom_button(__("Check Delivery Date"), () => check_delivery_date(frm));
			check_delivery_date(frm);
		} else {
			feasible_host(frm).remove();
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

// --- the earliest feasible delivery of a draft --------------------------------------------------------------
// Asked in the background as the saved draft opens (typing never waits for it) and again with the button;
// the answer is for the order as saved, so unsaved edits are named, not guessed at.
const feasible_esc = (value) => frappe.utils.escape_html(value == null ? "" : String(value));
const feasible_day = (value) => (value ? frappe.datetime.str_to_user(value) : "");
// A day and a time to the minute, in the user's date format.
const feasible_moment = (value) =>
	value ? moment(value).format(`${frappe.datetime.get_user_date_fmt().toUpperCase()} HH:mm`) : "";

function feasible_host(frm) {
	let $host = frm.layout.wrapper.children(".oc-feasible");
	if (!$host.length) $host = $(`<div class="oc-feasible oc-panel"></div>`).prependTo(frm.layout.wrapper);
	return $host;
}

function check_delivery_date(frm) {
	const name = frm.doc.name;
	feasible_host(frm).html(`<div class="text-muted small">${__("Checking the delivery date...")}</div>`);
	frappe
		.call({
			method: "order_coordination.api.earliest_delivery",
			args: { sales_order: name },
			silent: true,
		})
		.then((r) => {
			if (frm.doc.name !== name || frm.doc.docstatus !== 0) return;
			frm.oc_feasible = r.message;
			render_feasible(frm, r.message);
		})
		.catch(() => feasible_host(frm).empty());
}

// Why a line cannot be delivered earlier, in a few words.
function limit_text(limit) {
	const until = feasible_day(limit.until);
	switch (limit.kind) {
		case "Stock":
			return __("in stock");
		case "Purchase Order":
			return __("{0} arrives {1}", [limit.name, until]);
		case "Purchase Lead Time":
			return __("{0} is bought in by {1}", [limit.name, until]);
		case "Workstation":
			return limit.name
				? __("{0} booked until {1}", [limit.name, feasible_moment(limit.until)])
				: __("production time");
		case "Delivery":
			return __("delivery takes until {0}", [until]);
		default:
			return __(limit.kind);
	}
}

function requested_of(frm, line) {
	const row = (frm.doc.items || []).find((r) => r.name === line.so_detail);
	return (row && row.delivery_date) || frm.doc.delivery_date;
}

function late_lines(frm, answer) {
	return (answer.lines || []).filter((line) => {
		const requested = requested_of(frm, line);
		return requested && requested < line.earliest_date;
	});
}

function render_feasible(frm, answer) {
	const $host = feasible_host(frm);
	if (!answer || !(answer.lines || []).length) {
		$host.empty();
		return;
	}
	const late = late_lines(frm, answer);
	const rows = answer.lines
		.map((line) => {
			const is_late = late.includes(line);
			const text = __("can deliver by {0}: {1}", [
				`<b>${feasible_esc(feasible_day(line.earliest_date))}</b>`,
				feasible_esc(limit_text(line.limited_by)),
			]);
			return `<li class="oc-feasible-line" data-so-detail="${feasible_esc(line.so_detail)}">
				<span class="indicator ${is_late ? "orange" : "green"}">${feasible_esc(line.item_code)} × ${line.qty}</span>
				${text}
				<details class="small text-muted"><summary>${__("How")}</summary>${(line.trace || [])
					.map((step) => `<div>${feasible_esc(step)}</div>`)
					.join("")}</details></li>`;
		})
		.join("");
	const headline = late.length
		? __("Requested {0}: the company can deliver by {1}", [
				feasible_day(answer.requested_date),
				feasible_day(answer.earliest_date),
			])
		: __("Can deliver by {0}", [feasible_day(answer.earliest_date)]);
	$host.html(`
		<div><span class="indicator-pill ${late.length ? "orange" : "green"}">${feasible_esc(headline)}</span>
			${frm.is_dirty() ? `<span class="text-muted small">${__("(as saved: save to check your changes)")}</span>` : ""}</div>
		<ul class="list-unstyled oc-feasible-lines">${rows}</ul>
		<div class="oc-feasible-actions"></div>`);
	if (!late.length) return;
	const $actions = $host.find(".oc-feasible-actions");
	const button = (label, primary, action) =>
		$(`<button class="btn btn-xs ${primary ? "btn-primary" : "btn-default"}">${label}</button>`)
			.appendTo($actions)
			.on("click", action);
	button(__("Use {0}", [feasible_day(answer.earliest_date)]), true, () => take_feasible_dates(frm, answer));
	if (frappe.model.can_submit("Sales Order")) {
		button(__("Submit Anyway"), false, () => frm.savesubmit());
		button(__("Submit and Ask Production"), false, () => ask_production(frm, answer));
	}
}

// One click: every line that was asked too early takes its feasible date (the order's date follows, as
// ERPNext sets it to its latest line), and the draft is saved.
function take_feasible_dates(frm, answer) {
	late_lines(frm, answer).forEach((line) => {
		const row = (frm.doc.items || []).find((r) => r.name === line.so_detail);
		if (row) frappe.model.set_value(row.doctype, row.name, "delivery_date", line.earliest_date);
	});
	if (frm.doc.delivery_date < answer.earliest_date) frm.set_value("delivery_date", answer.earliest_date);
	frm.save();
}

// Submitted as asked, and handed to Production with the question: can it do better than the feasible date?
// The submit itself sends the order on (to Production for a made order): that handoff is withdrawn and sent
// again with the question, so Production reads it where it accepts the order.
function ask_production(frm, answer) {
	const late = late_lines(frm, answer);
	const why = late.map((line) => `${line.item_code}: ${limit_text(line.limited_by)}`).join("; ");
	const question = __(
		"Requested {0}; the earliest feasible delivery is {1} ({2}). Can Production do better?",
		[feasible_day(answer.requested_date), feasible_day(answer.earliest_date), why]
	);
	const api = "order_coordination.api.";
	frm.savesubmit()
		.then(() => frappe.xcall(api + "get_order_status", { sales_order: frm.doc.name }))
		.then((status) => {
			const pending = (status.handoffs || []).find((h) => h.status === "Pending");
			const withdraw =
				pending && status.actions.some((a) => a.action === "cancel_handoff")
					? frappe.xcall(api + "cancel_handoff", { handoff: pending.name })
					: Promise.resolve();
			return withdraw.then(() =>
				frappe.xcall(api + "hand_off", {
					sales_order: frm.doc.name,
					to_department: "Production",
					note: question,
				})
			);
		})
		.then(() => {
			frappe.show_alert({ message: __("Production was asked"), indicator: "green" });
			frm.reload_doc();
		});
}
