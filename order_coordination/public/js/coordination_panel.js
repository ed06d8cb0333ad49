// The coordination panel: the order's stage as a pipeline, who holds it, who does, answers for and is told
// of its stage, the pending handoff against its SLA, the promise and how it moved, open exceptions, and the
// buttons this user may use now (the server decides which).
frappe.provide("order_coordination");

const API = "order_coordination.api.";
const SLA_COLOURS = { "On Time": "green", "Due Soon": "orange", Overdue: "red" };
const STATUS_COLOURS = {
	Open: "blue",
	"At Risk": "orange",
	Overdue: "red",
	"On Hold": "yellow",
	Completed: "green",
	Cancelled: "grey",
};
// The app's lists come from the server (boot info): never copies here.
const lists = () => frappe.boot.order_coordination || {};
const esc = (value) => frappe.utils.escape_html(value == null ? "" : String(value));
const day = (value) => (value ? frappe.datetime.str_to_user(value) : "");

// Notes the app writes (event names, "Sales → Production") are shown translated; users' own words as typed.
const note = (t) => {
	if (!t.note) return "";
	if (!(lists().app_note_actions || []).includes(t.action)) return t.note;
	return t.note
		.split(" → ")
		.map((part) => __(part))
		.join(" → ");
};

// Panels follow their order through its record's room. Frappe drops a subscription asked within a second
// of another (the form subscribes to its own document as it opens), so ask again until it holds.
const subscribe = (sales_order, tries = 10) => {
	const realtime = frappe.realtime;
	if (!realtime || !realtime.doc_subscribe) return;
	realtime.doc_subscribe("Order Coordination", sales_order);
	if (tries > 0 && realtime.open_docs && !realtime.open_docs.has(`Order Coordination:${sales_order}`)) {
		setTimeout(() => subscribe(sales_order, tries - 1), 1100);
	}
};

// What a dialog can tell before sending: required text that is only spaces, text longer than the server
// keeps (the same limit, from the boot info), a date before today. Returns the first problem, or null.
const problem_in = (fields, values) => {
	const max = lists().max_text || 2000;
	for (const df of fields) {
		const value = values[df.fieldname];
		if (["Small Text", "Data", "Text"].includes(df.fieldtype)) {
			const text = (value || "").trim();
			if (df.reqd && !text) return __("{0} is required", [__(df.label)]);
			if (text.length > max) {
				return __("{0} is longer than {1} characters ({2})", [__(df.label), max, text.length]);
			}
		}
		if (df.fieldtype === "Date" && df.min_date && value && value < frappe.datetime.get_today()) {
			return __("{0} cannot be before today", [__(df.label)]);
		}
	}
	return null;
};

// A dialog that checks what it can before sending and stays open, with what was typed, until the server
// takes it: a refusal (a reason too long, a date taken meanwhile) never makes the user retype.
order_coordination.ask = (fields, title, label, send) => {
	const dialog = new frappe.ui.Dialog({
		title,
		fields,
		primary_action_label: label,
		primary_action: (values) => {
			const problem = problem_in(fields, values);
			if (problem) {
				frappe.msgprint({ message: problem, indicator: "orange", title });
				return;
			}
			dialog.disable_primary_action();
			Promise.resolve(send(values)).then(
				() => dialog.hide(),
				() => dialog.enable_primary_action()
			);
		},
	});
	dialog.show();
	return dialog;
};

// After an action, the open form of the order (or its record) shows what the action changed (a new
// delivery date and lines, the new holder) without a reload by hand; a form with unsaved edits is left.
const reload_form_of = (sales_order) => {
	const frm = window.cur_frm;
	if (!frm || frm.is_new() || frm.is_dirty()) return;
	const shows_it =
		["Sales Order", "Order Coordination"].includes(frm.doctype) && frm.doc.name === sales_order;
	if (shows_it || ["Work Order", "Delivery Note"].includes(frm.doctype)) frm.reload_doc();
};

order_coordination.status_colour = (status) => STATUS_COLOURS[status] || "grey";

order_coordination.panels = {};

order_coordination.Panel = class Panel {
	constructor(
		wrapper,
		sales_order,
		{ show_timeline = false, timeline_wrapper = null, on_record = false } = {}
	) {
		this.$wrapper = $(wrapper);
		this.on_record = on_record; // on the coordination record itself: no link to it
		this.sales_order = sales_order;
		this.show_timeline = show_timeline;
		this.$timeline = timeline_wrapper ? $(timeline_wrapper) : null;
		order_coordination.panels[sales_order] = order_coordination.panels[sales_order] || new Set();
		order_coordination.panels[sales_order].add(this);
		subscribe(sales_order);
		this.refresh();
	}

	refresh() {
		// A panel that cannot load (no permission, a server error) leaves the form as ERPNext shows it,
		// with a quiet note: never an error dialog over the user's document.
		return frappe
			.call({
				method: API + "get_order_status",
				args: { sales_order: this.sales_order },
				silent: true,
				error: () => this.render_unavailable(),
			})
			.then((r) => {
				if (!r || !r.message) return this.render_unavailable();
				this.status = r.message;
				this.render();
			})
			.catch(() => this.render_unavailable());
	}

	render_unavailable() {
		this.$wrapper.html(
			`<div class="oc-panel oc-unavailable text-muted small">${__("Coordination details are not available right now.")}</div>`
		);
	}

	render() {
		const s = this.status;
		this.$wrapper.html(`
			<div class="oc-panel" data-sales-order="${esc(s.sales_order)}">
				${this.pipeline_html(s)}
				<div class="oc-facts">
					<span class="indicator-pill ${order_coordination.status_colour(s.status)}">${esc(__(s.status))}</span>
					<span>${__("Held by")} <b>${esc(__(s.responsible_department))}</b></span>
					<span>${__("Accountable")}: <b>${esc(__(s.accountable_department))}</b></span>
					<span>${__("Delivery Date")}: <b>${esc(day(s.delivery_date))}</b></span>
					${this.feasible_html(s)}
					${this.expected_html(s)}
					${this.on_record ? "" : `<a class="oc-open-record" href="${frappe.utils.get_form_link("Order Coordination", s.sales_order)}">${__("Open coordination record")}</a>`}
				</div>
				${s.status_reason ? `<div class="oc-reason small ${s.status === "Overdue" ? "text-danger" : "text-warning"}">${esc(s.status_reason)}</div>` : ""}
				${this.duties_html(s)}
				${this.handoff_html(s)}
				${this.promise_html(s)}
				${this.exceptions_html(s)}
				<div class="oc-actions"></div>
				${this.show_timeline ? this.handoffs_html(s) + this.timeline_html(s) : ""}
			</div>`);
		this.render_actions(s.actions || []);
		if (this.$timeline) this.$timeline.html(`<div class="oc-panel">${this.timeline_html(s)}</div>`);
	}

	// The order came back: its latest handoff was rejected and none was sent since. Said where the sender
	// works (the panel), with who rejected it, when and why, not only in the timeline and the bell.
	came_back_html(s) {
		const last = (s.handoffs || [])[0];
		if (!last || last.status !== "Rejected") return "";
		return `<div class="oc-handoff oc-came-back text-danger">
			<span class="indicator-pill red">${__("Rejected")}</span>
			${__("{0} rejected the handoff on {1} ({2}); the order is back with {3}", [
				`<b>${esc(__(last.to_department))}</b>`,
				esc(frappe.datetime.str_to_user(last.responded_on)),
				esc(frappe.user.full_name(last.responded_by)),
				`<b>${esc(__(last.from_department))}</b>`,
			])}
			${last.reason ? `<div class="small">${__("Reason")}: ${esc(last.reason)}</div>` : ""}
		</div>`;
	}

	// The expected delivery only when it rests on evidence (the Work Orders' plans, the company's own
	// history), with what it rests on; otherwise what is not known yet, never a date made of default hours
	// that would disagree with the status for no stated reason.
	expected_html(s) {
		const e = s.finish_evidence || {};
		const when = (value) => `<b>${esc(frappe.datetime.str_to_user(value))}</b>`;
		if (s.expected_finish) {
			const basis =
				e.plans && e.history
					? __("from the Work Orders' plans and this company's history")
					: e.plans
						? __("from the Work Orders' plans")
						: __("from this company's history");
			return `<span class="oc-expected">${__("Expected Delivery")}: ${when(s.expected_finish)}
				<span class="text-muted">(${esc(basis)})</span></span>`;
		}
		if (!(e.unknown || []).length) return "";
		const stages = e.unknown.map((stage) => __(stage)).join(", ");
		const planned = e.production_planned_end
			? ` · ${__("Production planned to finish")}: ${when(e.production_planned_end)}`
			: "";
		return `<span class="oc-expected">${__("Expected Delivery")}: <b>${__("unknown yet")}</b>
			<span class="text-muted">(${esc(__("typical time for {0} here: unknown yet; it is learned from completed orders", [stages]))})</span>${planned}</span>`;
	}

	// Beside the promise: the earliest delivery the company can keep now (stock, supply, booked workstations).
	feasible_html(s) {
		if (!s.feasible_date) return "";
		const late = s.delivery_date && s.feasible_date > s.delivery_date;
		return `<span class="oc-feasible-date ${late ? "text-warning" : ""}">${__("Can deliver by")}: <b>${esc(day(s.feasible_date))}</b>${late && s.feasible_reason ? ` <span class="text-muted">(${esc(__(s.feasible_reason))})</span>` : ""}</span>`;
	}

	// A date the company can keep, later than the promise: where a worker's answer starts from.
	feasible_later(s) {
		return s.feasible_date && s.delivery_date && s.feasible_date > s.delivery_date;
	}

	// Steps the order went through are done; steps it skipped (shipped in one delivery, never produced)
	// are shown as skipped, and a stock order's production steps not at all. On a narrow form or a phone
	// only the current step and its neighbours show (CSS container query), with the count.
	pipeline_html(s) {
		const done = new Set(s.stages_done || []);
		const production = (lists().production_stages || []).filter(Boolean);
		const path = s.stages.filter(
			(stage) => s.needs_manufacturing || !production.includes(stage) || done.has(stage)
		);
		const current = path.indexOf(s.stage);
		const steps = path
			.map((stage, i) => {
				let state = i === current ? "current" : i < current ? "skipped" : "ahead";
				if (i < current && done.has(stage)) state = "done";
				const near = Math.abs(i - current) === 1 ? " oc-near" : "";
				const label = state === "skipped" ? __("{0} (skipped)", [__(stage)]) : __(stage);
				return `<div class="oc-step oc-${state}${near}" data-stage="${esc(stage)}" title="${esc(label)}">${esc(__(stage))}</div>`;
			})
			.join("");
		return `<div class="oc-pipeline" data-step="${current + 1}/${path.length}">${steps}</div>`;
	}

	duties_html(s) {
		const d = s.duties;
		if (!d) return "";
		const informed = (d.informed || []).map((dept) => esc(__(dept))).join(", ") || "—";
		return `<div class="oc-duties text-muted small">
			${__("{0}: done by {1}, answered for by {2}, kept informed: {3}", [
				`<b>${esc(__(s.stage))}</b>`,
				`<b>${esc(__(d.responsible))}</b>`,
				`<b>${esc(__(d.accountable))}</b>`,
				informed,
			])}</div>`;
	}

	// The promise: the first date, each move (who, why), and a proposal waiting for an answer.
	promise_html(s) {
		const changes = s.promise_changes || [];
		if (!changes.length) return "";
		const moves = changes
			.filter((c) => c.status === "Accepted")
			.reverse()
			.map((c) =>
				__("moved to {0} by {1}: {2}", [
					`<b>${esc(day(c.new_date))}</b>`,
					esc(__(c.proposed_by_department)),
					esc(__(c.reason)),
				])
			);
		const history = moves.length
			? `<div class="oc-promise-history">${__("Promised {0}", [`<b>${esc(day(s.original_delivery_date))}</b>`])}, ${moves.join(", ")}</div>`
			: "";
		const pending = changes
			.filter((c) => c.status === "Pending")
			.map(
				(c) => `<div class="oc-promise-pending">
					<span class="indicator-pill orange">${__("New date proposed")}</span>
					${__("{0} asks {1} to deliver on {2} instead of {3}: {4}", [
						esc(__(c.proposed_by_department)),
						esc(__(c.to_department)),
						`<b>${esc(day(c.new_date))}</b>`,
						esc(day(c.old_date)),
						esc(__(c.reason)),
					])}
					${(c.items || []).length ? `<span class="text-muted">(${(c.items || []).map((i) => esc(i.item_code)).join(", ")})</span>` : ""}
					· ${__("Answer Due By")} <b>${esc(frappe.datetime.str_to_user(c.due_by))}</b>
					${c.note ? `<div class="text-muted small">${esc(c.note)}</div>` : ""}
				</div>`
			)
			.join("");
		const declined = changes
			.filter((c) => c.status === "Declined")
			.slice(0, 1)
			.map(
				(c) =>
					`<div class="text-muted small">${__("{0} declined {1} ({2}): {3}", [
						esc(__(c.to_department)),
						esc(day(c.new_date)),
						esc(__(c.proposed_by_department)),
						esc(c.reason_given || ""),
					])}</div>`
			)
			.join("");
		return `<div class="oc-promise">${history}${pending}${declined}</div>`;
	}

	handoff_html(s) {
		const pending = (s.handoffs || []).filter((h) => h.status === "Pending");
		if (!pending.length) return this.came_back_html(s);
		return pending
			.map(
				(h) => `<div class="oc-handoff">
					<span class="indicator-pill ${SLA_COLOURS[h.sla] || "grey"}">${esc(__(h.sla))}</span>
					${__("Handoff {0} → {1} waiting for acceptance", [esc(__(h.from_department)), esc(__(h.to_department))])}
					· ${__("Due By")} <b>${esc(frappe.datetime.str_to_user(h.due_by))}</b>
					${h.note ? `<div class="text-muted small">${esc(h.note)}</div>` : ""}
				</div>`
			)
			.join("");
	}

	exceptions_html(s) {
		if (!(s.exceptions || []).length) return "";
		const rows = s.exceptions
			.map(
				(e) => `<li><span class="indicator-pill red">${esc(__(e.exception_type))}</span>
					${esc(e.description)} <span class="text-muted">(${esc(__(e.responsible_department))})</span></li>`
			)
			.join("");
		return `<div class="oc-exceptions"><b>${__("Open Exceptions")}</b><ul>${rows}</ul></div>`;
	}

	handoffs_html(s) {
		const rows = (s.handoffs || [])
			.map(
				(
					h
				) => `<tr><td><a href="${frappe.utils.get_form_link("Order Handoff", h.name)}">${esc(h.name)}</a></td>
					<td>${esc(__(h.from_department))} → ${esc(__(h.to_department))}</td><td>${esc(__(h.stage))}</td>
					<td>${esc(__(h.status))}</td><td>${esc(frappe.datetime.str_to_user(h.sent_on))}</td>
					<td>${esc(frappe.datetime.str_to_user(h.due_by))}</td>
					<td>${h.responded_on ? esc(frappe.datetime.str_to_user(h.responded_on)) : ""}</td>
					<td>${h.status === "Accepted" || h.status === "Rejected" ? (h.on_time ? __("On Time") : __("Late")) : ""}</td>
					<td>${esc(h.reason || h.note || "")}</td></tr>`
			)
			.join("");
		return `<div class="oc-timeline"><b>${__("Handoffs")}</b>
			<table class="table table-sm table-bordered"><thead><tr>
				<th>${__("Order Handoff")}</th><th>${__("Departments")}</th><th>${__("Stage")}</th><th>${__("Status")}</th>
				<th>${__("Sent On")}</th><th>${__("Due By")}</th><th>${__("Responded On")}</th><th>${__("SLA")}</th>
				<th>${__("Reason")}</th>
			</tr></thead><tbody>${rows}</tbody></table></div>`;
	}

	timeline_html(s) {
		const rows = (s.timeline || [])
			.map((t) => {
				const ref =
					t.reference_doctype && t.reference_name
						? `<a href="${frappe.utils.get_form_link(t.reference_doctype, t.reference_name)}">${esc(__(t.reference_doctype))} ${esc(t.reference_name)}</a>`
						: "";
				const stages = t.stage_to ? `${esc(__(t.stage_from || ""))} → ${esc(__(t.stage_to))}` : "";
				return `<tr><td>${esc(frappe.datetime.str_to_user(t.at))}</td><td>${esc(__(t.action))}</td>
					<td>${stages}</td><td>${esc(__(t.department || ""))}</td><td>${esc(note(t))}</td>
					<td>${esc(t.user || "")}</td><td>${ref}</td></tr>`;
			})
			.join("");
		return `<div class="oc-timeline"><b>${__("Timeline")}</b>
			<table class="table table-sm table-bordered"><thead><tr>
				<th>${__("At")}</th><th>${__("Action")}</th><th>${__("Stage")}</th><th>${__("Department")}</th>
				<th>${__("Note")}</th><th>${__("User")}</th><th>${__("Caused By")}</th>
			</tr></thead><tbody>${rows}</tbody></table></div>`;
	}

	render_actions(actions) {
		const $actions = this.$wrapper.find(".oc-actions");
		const labels = {
			accept: __("Accept"),
			reject: __("Reject"),
			cancel_handoff: __("Withdraw Handoff"),
			hand_off: __("Hand Off"),
			raise_exception: __("Raise Exception"),
			resolve_exception: __("Resolve Exception"),
			confirm_delivery: __("Confirm Delivery"),
			propose_date: __("Propose New Date"),
			accept_date: __("Accept New Date"),
			decline_date: __("Decline New Date"),
		};
		actions.forEach((action) => {
			const primary = ["accept", "confirm_delivery", "accept_date"].includes(action.action);
			$(`<button class="btn btn-xs ${primary ? "btn-primary" : "btn-default"}" data-action="${action.action}">
					${labels[action.action]}</button>`)
				.appendTo($actions)
				.on("click", () => this[action.action](action));
		});
	}

	call(method, args) {
		return frappe.call({ method: API + method, args, freeze: true }).then(() => {
			this.refresh_all();
			reload_form_of(this.sales_order);
		});
	}

	ask(fields, title, label, send) {
		return order_coordination.ask(fields, title, label, send);
	}

	refresh_all() {
		(order_coordination.panels[this.sales_order] || []).forEach((panel) => panel.refresh());
	}

	accept(action) {
		return this.call("accept_handoff", { handoff: action.handoff });
	}

	reject(action) {
		this.ask(
			[{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason"), reqd: 1 }],
			__("Reject Handoff"),
			__("Reject"),
			(v) => this.call("reject_handoff", { handoff: action.handoff, reason: v.reason })
		);
	}

	cancel_handoff(action) {
		frappe.confirm(__("Withdraw this handoff?"), () =>
			this.call("cancel_handoff", { handoff: action.handoff })
		);
	}

	hand_off(action) {
		this.ask(
			[
				{
					fieldname: "to_department",
					fieldtype: "Select",
					label: __("To Department"),
					options: action.departments,
					reqd: 1,
				},
				{
					fieldname: "note",
					fieldtype: "Small Text",
					label: __("Note"),
					default: this.feasible_later(this.status)
						? __("Earliest feasible delivery: {0} ({1})", [
								day(this.status.feasible_date),
								__(this.status.feasible_reason || "Capacity"),
							])
						: undefined,
				},
			],
			__("Hand Off"),
			__("Hand Off"),
			(v) => this.call("hand_off", { sales_order: this.sales_order, ...v })
		);
	}

	raise_exception() {
		this.ask(
			[
				{
					fieldname: "exception_type",
					fieldtype: "Select",
					label: __("Exception Type"),
					options: lists().exception_types,
					reqd: 1,
				},
				{ fieldname: "description", fieldtype: "Small Text", label: __("Description"), reqd: 1 },
				{
					fieldname: "responsible_department",
					fieldtype: "Link",
					label: __("Responsible Department"),
					options: "Coordination Department",
				},
			],
			__("Raise Exception"),
			__("Raise"),
			(v) => this.call("raise_exception", { sales_order: this.sales_order, ...v })
		);
	}

	resolve_exception(action) {
		this.ask(
			[{ fieldname: "resolution", fieldtype: "Small Text", label: __("Resolution"), reqd: 1 }],
			__("Resolve Exception"),
			__("Resolve"),
			(v) => this.call("resolve_exception", { exception: action.exception, resolution: v.resolution })
		);
	}

	propose_date(action) {
		const lines = action.lines || [];
		// A worker's proposal starts from the date the company can keep and what binds it; the promise's
		// owner asking for the customer starts from the promise.
		const s = this.status;
		const from_feasible = !action.customer_request && this.feasible_later(s);
		const fields = [
			{
				fieldname: "new_date",
				fieldtype: "Date",
				label: __("New Delivery Date"),
				reqd: 1,
				default: from_feasible ? s.feasible_date : s.delivery_date,
				min_date: frappe.datetime.str_to_obj(frappe.datetime.get_today()),
			},
			{
				fieldname: "reason",
				fieldtype: "Select",
				label: __("Reason"),
				options: lists().promise_reasons,
				default: (from_feasible && s.feasible_reason) || action.reason,
				reqd: 1,
			},
			{ fieldname: "note", fieldtype: "Small Text", label: __("Note") },
		];
		if (lines.length > 1) {
			fields.push({
				fieldname: "items",
				fieldtype: "MultiCheck",
				label: __("Only These Lines (none: the whole order)"),
				options: lines.map((line) => ({
					label: `${line.item_code}: ${line.qty} · ${day(line.delivery_date)}`,
					value: line.name,
				})),
			});
		}
		this.ask(fields, __("Propose New Date"), __("Propose"), (v) =>
			this.call("propose_delivery_date", {
				sales_order: this.sales_order,
				new_date: v.new_date,
				reason: v.reason,
				note: v.note,
				items: (v.items || []).length ? JSON.stringify(v.items) : null,
			})
		);
	}

	accept_date(action) {
		frappe.confirm(__("Accept the new date? The Sales Order and its open Work Orders take it now."), () =>
			this.call("accept_delivery_date", { proposal: action.proposal })
		);
	}

	decline_date(action) {
		this.ask(
			[{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason"), reqd: 1 }],
			__("Decline New Date"),
			__("Decline"),
			(v) => this.call("decline_delivery_date", { proposal: action.proposal, reason: v.reason })
		);
	}

	confirm_delivery() {
		this.ask(
			[
				{
					fieldname: "outcome",
					fieldtype: "Select",
					label: __("Outcome"),
					options: lists().outcomes,
					reqd: 1,
				},
				{ fieldname: "note", fieldtype: "Small Text", label: __("Note") },
			],
			__("Confirm Delivery"),
			__("Confirm"),
			(v) => this.call("confirm_delivery", { sales_order: this.sales_order, ...v })
		);
	}
};

// One panel per coordinated order at the top of the form, above its tabs, so that it shows whichever
// tab is open (a tabbed form keeps its dashboard in the Connections tab).
order_coordination.show_panels = (frm, sales_orders) => {
	let $host = frm.layout.wrapper.children(".oc-form-panels");
	if (!$host.length) $host = $(`<div class="oc-form-panels"></div>`).prependTo(frm.layout.wrapper);
	$host.empty().toggleClass("hidden", !(sales_orders || []).length);
	// The form's Coordination tab holds the timeline of the (first) order.
	const $tab = frm.fields_dict.oc_panel ? frm.fields_dict.oc_panel.$wrapper.empty() : null;
	(sales_orders || []).forEach((sales_order, i) => {
		if (sales_orders.length > 1) $host.append(`<div class="text-muted small">${esc(sales_order)}</div>`);
		new order_coordination.Panel($("<div>").appendTo($host), sales_order, {
			timeline_wrapper: i === 0 ? $tab : null,
		});
	});
};

frappe.realtime.on("order_coordination_update", (data) => {
	(order_coordination.panels[data.sales_order] || []).forEach((panel) => {
		if (document.body.contains(panel.$wrapper[0])) panel.refresh();
		else order_coordination.panels[data.sales_order].delete(panel);
	});
});

// Work Order and Delivery Note forms: the panels of the Sales Orders the document serves.
order_coordination.show_panels_for_document = (frm) => {
	if (frm.is_new()) return;
	frappe
		.call("order_coordination.api.orders_for_document", { doctype: frm.doctype, name: frm.doc.name })
		.then((r) => order_coordination.show_panels(frm, r.message));
};
