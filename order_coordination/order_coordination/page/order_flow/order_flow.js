// Order Flow: where a company's orders wait and bounce (the flow map and its paths), what last period
// would have looked like under another policy (what-if), and the period's log for process-mining tools.
// Drawn here as SVG from order_coordination.api.flow_map; nothing leaves the site.

const FLOW = "order_coordination.insight.";
const SVG_NS = "http://www.w3.org/2000/svg";

frappe.pages["order-flow"].on_page_load = function (wrapper) {
	const page = frappe.ui.make_app_page({
		parent: wrapper,
		title: __("Order Flow"),
		single_column: true,
	});
	wrapper.order_flow = new OrderFlow(page);
};

class OrderFlow {
	constructor(page) {
		this.page = page;
		this.body = $(`<div class="order-flow">
			<div class="of-summary text-muted"></div>
			<h4 class="of-heading">${__("Flow map")}</h4>
			<div class="of-legend text-muted small"></div>
			<div class="of-map"></div>
			<div class="of-edge"></div>
			<h4 class="of-heading">${__("Most common paths")}</h4>
			<div class="of-variants"></div>
			<h4 class="of-heading of-no-print">${__("What if")}</h4>
			<div class="of-whatif of-no-print"></div>
			<div class="of-comparison"></div>
		</div>`).appendTo(page.main);
		this.make_filters();
		page.set_primary_action(__("Refresh"), () => this.refresh(), "refresh");
		page.add_menu_item(__("Export OCEL 2.0 (JSON)"), () => this.export_log("json"));
		page.add_menu_item(__("Export OCEL 2.0 (SQLite)"), () => this.export_log("sqlite"));
		page.add_menu_item(__("Print"), () => window.print());
		frappe.realtime.on("order_coordination_replay", (data) => this.on_replay(data));
		frappe.realtime.on("order_coordination_ocel", (data) => this.on_export(data));
		frappe.call({ method: FLOW + "flowmap.companies" }).then((r) => {
			const names = r.message || [];
			const field = this.filters.company;
			field.df.options = names;
			field.refresh();
			const preferred = frappe.defaults.get_user_default("Company");
			field
				.set_value(names.includes(preferred) ? preferred : names[0] || "")
				.then(() => this.refresh());
		});
	}

	make_filters() {
		const today = frappe.datetime.get_today();
		const add = (df) => this.page.add_field({ ...df, change: () => this.refresh() });
		this.filters = {
			// Plain choices, checked by the server: a manager may count a company's orders, customers and
			// items without reading their records, which a Link field would ask for.
			company: add({ fieldname: "company", label: __("Company"), fieldtype: "Select", reqd: 1 }),
			from_date: add({
				fieldname: "from_date",
				label: __("From Date"),
				fieldtype: "Date",
				default: frappe.datetime.add_months(today, -3),
				reqd: 1,
			}),
			to_date: add({
				fieldname: "to_date",
				label: __("To Date"),
				fieldtype: "Date",
				default: today,
				reqd: 1,
			}),
			customer: add({
				fieldname: "customer",
				label: __("Customer"),
				fieldtype: "Data",
			}),
			customer_group: add({
				fieldname: "customer_group",
				label: __("Customer Group"),
				fieldtype: "Data",
			}),
			item_group: add({
				fieldname: "item_group",
				label: __("Item Group"),
				fieldtype: "Data",
			}),
			territory: add({
				fieldname: "territory",
				label: __("Territory"),
				fieldtype: "Data",
			}),
		};
	}

	period() {
		const f = this.filters;
		const filters = {};
		["customer", "customer_group", "item_group", "territory"].forEach((key) => {
			if (f[key].get_value()) filters[key] = f[key].get_value();
		});
		return {
			company: f.company.get_value(),
			from_date: f.from_date.get_value(),
			to_date: f.to_date.get_value(),
			filters: filters,
		};
	}

	refresh() {
		const period = this.period();
		if (!period.company || !period.from_date || !period.to_date) return;
		const asked = (this.asked = (this.asked || 0) + 1);
		frappe.call({
			method: "order_coordination.api.flow_map",
			args: period,
			callback: (r) => {
				if (asked !== this.asked) return; // a later question is on its way
				this.map = r.message;
				this.render_map();
				this.render_variants();
			},
		});
		if (this.basis_company !== period.company) this.load_basis(period.company);
	}

	// --- the map ------------------------------------------------------------------------------------

	render_map() {
		const data = this.map;
		this.body
			.find(".of-summary")
			.text(
				__("{0} orders started from {1} to {2}", [
					data.orders,
					frappe.datetime.str_to_user(data.period.from_date),
					frappe.datetime.str_to_user(data.period.to_date),
				])
			);
		this.body
			.find(".of-legend")
			.html(
				[
					__("Line width: orders that took it"),
					__("Label: median and 80th percentile wait, working hours"),
					`<span class="of-key of-key-slow"></span> ${__("Slowest edge")}`,
					`<span class="of-key of-key-rework"></span> ${__("Rework: rejected, moved back, promise moved later")}`,
					__("Click an edge to list its orders"),
				].join(" · ")
			);
		const target = this.body.find(".of-map").empty();
		this.body.find(".of-edge").empty();
		if (!data.orders) {
			target.html(`<p class="text-muted">${__("No orders started in this period")}</p>`);
			return;
		}
		target.append(this.draw(data));
	}

	draw(data) {
		const stages = data.nodes.filter((n) => n.kind === "stage");
		const order = ["Sales", "Production", "Logistics"];
		const rank = (n) => (order.includes(n.name) ? order.indexOf(n.name) : order.length);
		const departments = data.nodes
			.filter((n) => n.kind === "department")
			.sort((a, b) => rank(a) - rank(b));
		const width = Math.max(1100, stages.length * 150);
		const height = 700;
		const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, class: "of-svg", role: "img" });
		const pos = {};
		const place = (nodes, y) =>
			nodes.forEach((n, i) => (pos[n.id] = { x: ((i + 0.5) * width) / nodes.length, y: y, i: i }));
		place(stages, 200);
		place(departments, 580);
		const most = Math.max(1, ...data.edges.map((e) => e.orders));
		const defs = el("defs");
		["plain", "slow", "rework"].forEach((kind) => {
			const marker = el("marker", {
				id: `of-arrow-${kind}`,
				viewBox: "0 0 10 10",
				refX: 9,
				refY: 5,
				markerWidth: 5,
				markerHeight: 5,
				orient: "auto-start-reverse",
			});
			marker.appendChild(el("path", { d: "M 0 0 L 10 5 L 0 10 z", class: `of-arrowhead of-${kind}` }));
			defs.appendChild(marker);
		});
		svg.appendChild(defs);
		const labels = [];
		data.edges.forEach((edge) => {
			const a = pos[edge.source];
			const b = pos[edge.target];
			if (!a || !b) return;
			// Forward edges arc above their row, backward ones below; the longer the span, the higher.
			const backward = b.x < a.x;
			const span = Math.max(1, Math.abs(b.i - a.i));
			const side = backward ? 1 : -1;
			const rise = (edge.kind === "handoff" ? 40 : 34) + span * (edge.kind === "handoff" ? 22 : 26);
			const y0 = a.y + side * 24;
			const y1 = b.y + side * 24;
			const offset = backward ? -10 : 10;
			const x0 = a.x + offset;
			const x1 = b.x - offset;
			const cy = Math.min(y0, y1) + side * 2 * rise + (backward ? Math.abs(y1 - y0) : 0);
			const d = `M ${x0} ${y0} C ${x0} ${cy} ${x1} ${cy} ${x1} ${y1}`;
			const kind = edge.slowest ? "slow" : edge.rework ? "rework" : "plain";
			svg.appendChild(
				el("path", {
					d: d,
					class: `of-edge-line of-${kind}`,
					"stroke-width": 1.5 + (7 * edge.orders) / most,
					"marker-end": `url(#of-arrow-${kind})`,
				})
			);
			const hit = el("path", { d: d, class: "of-edge-hit" });
			const title = el("title");
			title.textContent = this.edge_text(edge);
			hit.appendChild(title);
			hit.addEventListener("click", () => this.show_edge(edge));
			svg.appendChild(hit);
			// The curve's middle: three quarters of the way to its control points.
			const ly = (y0 + y1) / 8 + (3 * cy) / 4 + (backward ? 12 : -4);
			const label = el("text", { x: (x0 + x1) / 2, y: ly, class: `of-edge-label of-label-${kind}` });
			label.textContent =
				edge.median_hours === null
					? `${edge.orders}`
					: `${edge.orders} · ${fmt(edge.median_hours)} / ${fmt(edge.p80_hours)} h`;
			label.addEventListener("click", () => this.show_edge(edge));
			labels.push(label);
		});
		labels.forEach((label) => svg.appendChild(label));
		data.nodes.forEach((node) => {
			const p = pos[node.id];
			const g = el("g", { class: `of-node of-node-${node.kind}` });
			const w = node.kind === "stage" ? 124 : 150;
			g.appendChild(el("rect", { x: p.x - w / 2, y: p.y - 24, width: w, height: 48, rx: 8 }));
			const name = el("text", { x: p.x, y: p.y - 4, class: "of-node-name" });
			name.textContent = node.label;
			const count = el("text", { x: p.x, y: p.y + 14, class: "of-node-count" });
			count.textContent =
				__("{0} orders", [node.orders]) + (node.rework ? " · " + __("{0} later", [node.rework]) : "");
			g.appendChild(name);
			g.appendChild(count);
			svg.appendChild(g);
		});
		const caption = (text, y) => {
			const t = el("text", { x: 8, y: y, class: "of-row-caption" });
			t.textContent = text;
			svg.appendChild(t);
		};
		caption(__("Stages"), 18);
		caption(__("Departments"), 420);
		return svg;
	}

	edge_text(edge) {
		const name = (id) => {
			const node = this.map.nodes.find((n) => n.id === id);
			return node ? node.label : id;
		};
		let text = `${name(edge.source)} → ${name(edge.target)}: ${__("{0} orders", [edge.orders])}`;
		if (edge.median_hours !== null)
			text += `, ${__("median {0} h, 80% within {1} h", [fmt(edge.median_hours), fmt(edge.p80_hours)])}`;
		if (edge.rework) text += `, ${__("rework {0}", [edge.rework])}`;
		return text;
	}

	show_edge(edge) {
		const target = this.body.find(".of-edge").html(`<p class="text-muted">${__("Loading...")}</p>`);
		const period = this.period();
		frappe.call({
			method: FLOW + "flowmap.edge_orders",
			args: { ...period, source: edge.source, target: edge.target },
			callback: (r) => {
				const rows = r.message.orders
					.map(
						(
							o
						) => `<tr><td><a href="/app/order-coordination/${encodeURIComponent(o.order)}">${esc(o.order)}</a></td>
						<td>${esc(o.customer || "")}</td><td class="text-right">${o.times}</td>
						<td class="text-right">${fmt(o.hours)}</td><td class="text-right">${o.rework || ""}</td></tr>`
					)
					.join("");
				target.html(`<div class="of-edge-box"><b>${esc(this.edge_text(edge))}</b>
					<table class="table table-sm of-table"><thead><tr><th>${__("Order")}</th><th>${__("Customer")}</th>
					<th class="text-right">${__("Times")}</th><th class="text-right">${__("Longest wait (h)")}</th>
					<th class="text-right">${__("Rework")}</th></tr></thead><tbody>${rows}</tbody></table></div>`);
			},
		});
	}

	render_variants() {
		const rows = this.map.variants
			.map(
				(
					v
				) => `<tr><td>${v.path.map((s) => esc(__(s))).join(" → ")}</td><td class="text-right">${v.orders}</td>
				<td class="text-right">${fmt(100 * v.share)}%</td><td class="text-right">${fmt(v.median_lead_hours)}</td></tr>`
			)
			.join("");
		this.body.find(".of-variants").html(
			rows
				? `<table class="table table-sm of-table"><thead><tr><th>${__("Path")}</th><th class="text-right">${__("Orders")}</th>
				<th class="text-right">${__("Share")}</th><th class="text-right">${__("Median lead time (working hours)")}</th>
				</tr></thead><tbody>${rows}</tbody></table>`
				: ""
		);
	}

	// --- what if -------------------------------------------------------------------------------------

	load_basis(company) {
		this.basis_company = company;
		frappe.call({
			method: FLOW + "whatif.draft_basis",
			args: { company: company },
			callback: (r) => this.make_whatif(r.message),
		});
	}

	make_whatif(basis) {
		this.basis = basis;
		const policy = basis.policy;
		const responsible = (stage) =>
			Object.keys(policy.matrix[stage] || {}).find((d) => policy.matrix[stage][d] === "Responsible");
		const fields = [
			{
				fieldname: "model",
				label: __("Ownership model"),
				fieldtype: "Select",
				options: basis.models,
				default: policy.model,
			},
			{
				fieldname: "promise_owner",
				label: __("Promise owner"),
				fieldtype: "Select",
				options: basis.departments,
				default: policy.promise_owner,
			},
			{ fieldtype: "Column Break" },
			{ fieldtype: "HTML", fieldname: "told_heading", options: `<label>${__("Who is told")}</label>` },
			...basis.notice_kinds.map((kind) => ({
				fieldname: `notice_${kind}`,
				label: __(NOTICE_LABELS[kind] || kind),
				fieldtype: "Check",
				default: policy.notices[kind] ? 1 : 0,
			})),
			{ fieldtype: "Section Break", label: __("Who does each stage, and hours to accept it") },
			...basis.stages.flatMap((stage, i) => [
				...(i && i % 4 === 0 ? [{ fieldtype: "Section Break" }] : []),
				...(i % 4 ? [{ fieldtype: "Column Break" }] : []),
				{
					fieldname: `responsible_${i}`,
					label: __(stage),
					fieldtype: "Select",
					options: basis.departments,
					default: responsible(stage),
				},
				{
					fieldname: `hours_${i}`,
					label: __("Hours to accept"),
					fieldtype: "Float",
					default: policy.acceptance_hours[stage],
				},
			]),
		];
		const target = this.body.find(".of-whatif").empty();
		this.form = new frappe.ui.FieldGroup({ fields: fields, body: target[0] });
		this.form.make();
		const buttons = $(`<div class="of-buttons">
			<button class="btn btn-primary btn-sm of-replay">${__("Replay the period")}</button>
			<button class="btn btn-default btn-sm of-adopt" disabled>${__("Adopt as the new policy")}</button>
		</div>`).appendTo(target);
		buttons.find(".of-replay").on("click", () => this.replay());
		buttons.find(".of-adopt").on("click", () => this.adopt());
	}

	changes() {
		const values = this.form.get_values(true);
		const basis = this.basis;
		const policy = basis.policy;
		const changes = {};
		if (values.model !== policy.model) changes.model = values.model;
		const matrix = JSON.parse(JSON.stringify(changes.model ? this.preset(values.model) : policy.matrix));
		let moved = false;
		basis.stages.forEach((stage, i) => {
			const row = matrix[stage];
			const was = Object.keys(row).find((d) => row[d] === "Responsible");
			const now = values[`responsible_${i}`];
			if (now && now !== was) {
				moved = true;
				const accountable = Object.keys(row).some((d) => row[d] === "Accountable");
				if (was) row[was] = accountable ? "Informed" : "Accountable";
				if (row[now] === "Accountable") delete row[now];
				row[now] = "Responsible";
			}
		});
		if (moved) changes.matrix = matrix;
		const hours = {};
		basis.stages.forEach((stage, i) => {
			const value = flt(values[`hours_${i}`]);
			if (value !== flt(policy.acceptance_hours[stage])) hours[stage] = value;
		});
		if (Object.keys(hours).length) changes.acceptance_hours = hours;
		if (values.promise_owner !== policy.promise_owner) changes.promise_owner = values.promise_owner;
		const notices = {};
		basis.notice_kinds.forEach((kind) => {
			const on = !!values[`notice_${kind}`];
			if (on !== !!policy.notices[kind]) notices[kind] = on;
		});
		if (Object.keys(notices).length) changes.notices = notices;
		return changes;
	}

	preset(model) {
		// The server presets the matrix of a new model; the form shows it once replayed.
		return this.basis.presets ? this.basis.presets[model] : this.basis.policy.matrix;
	}

	replay() {
		const period = this.period();
		this.last_changes = this.changes();
		this.body.find(".of-comparison").html(`<p class="text-muted">${__("Replaying the period...")}</p>`);
		frappe.call({
			method: "order_coordination.api.replay_policy",
			args: {
				company: period.company,
				from_date: period.from_date,
				to_date: period.to_date,
				changes: this.last_changes,
			},
			freeze: true,
			callback: (r) => {
				if (r.message && r.message.job) {
					this.job = r.message.job;
					this.body
						.find(".of-comparison")
						.html(
							`<p class="text-muted">${__(
								"Replaying {0} orders in the background; the comparison appears here when done.",
								[r.message.orders]
							)}</p>`
						);
				} else {
					this.render_comparison(r.message);
				}
			},
		});
	}

	on_replay(data) {
		if (!data || data.job !== this.job) return;
		if (data.finished) {
			frappe.call({
				method: FLOW + "whatif.replay_result",
				args: { job: data.job },
				callback: (r) => r.message && this.render_comparison(r.message),
			});
		} else if (data.total) {
			this.body
				.find(".of-comparison p")
				.text(__("Replayed {0} of {1} orders...", [data.done, data.total]));
		}
	}

	render_comparison(result) {
		const sections = [
			["handoffs", __("Handoffs received")],
			["sla_misses", __("SLA misses")],
			["escalations", __("Escalations")],
			["at_risk_order_days", __("At Risk order-days")],
			["notices", __("Notices")],
			["promise_answers", __("Proposed dates answered")],
			["holder_changed_orders", __("Orders whose holder would have differed")],
			["stage_hours", __("Median working hours in stage")],
		];
		let rows = "";
		sections.forEach(([key, label]) => {
			const actual = result.actual[key] || {};
			const what_if = result.what_if[key] || {};
			const keys = [...new Set([...Object.keys(actual), ...Object.keys(what_if)])];
			if (!keys.length) {
				rows += `<tr class="of-group"><td>${label}</td><td class="text-right">0</td><td class="text-right">0</td><td></td></tr>`;
				return;
			}
			rows += `<tr class="of-group"><td colspan="4">${label}</td></tr>`;
			keys.forEach((k) => {
				const a = flt(actual[k]);
				const b = flt(what_if[k]);
				const diff = b - a;
				const cls = diff > 0 ? "of-up" : diff < 0 ? "of-down" : "";
				const shown = key === "holder_changed_orders" ? "" : fmt(a);
				rows += `<tr><td class="of-indent">${esc(__(k))}</td><td class="text-right">${shown}</td>
					<td class="text-right">${fmt(b)}</td><td class="text-right ${cls}">${
						key === "holder_changed_orders" ? "" : (diff > 0 ? "+" : "") + fmt(diff)
					}</td></tr>`;
			});
		});
		this.body.find(".of-comparison").html(`
			<h4 class="of-heading">${__("Actual and what-if, side by side")}</h4>
			<p class="text-muted small">${__("{0} orders replayed, followed until {1}", [
				result.orders,
				frappe.datetime.str_to_user(result.until),
			])}</p>
			<table class="table table-sm of-table of-compare"><thead><tr><th></th><th class="text-right">${__(
				"Actual"
			)}</th><th class="text-right">${__("What if")}</th><th class="text-right">${__(
				"Change"
			)}</th></tr></thead><tbody>${rows}</tbody></table>
			<div class="of-cannot-know"><b>${__("What a replay cannot know")}</b><p>${esc(result.cannot_know)}</p></div>`);
		this.body.find(".of-adopt").prop("disabled", !Object.keys(this.last_changes || {}).length);
	}

	adopt() {
		const changes = this.last_changes;
		if (!changes || !Object.keys(changes).length) return;
		frappe.confirm(
			__(
				"Save this draft as the company's new Coordination Policy? Orders already running keep theirs."
			),
			() =>
				frappe.call({
					method: FLOW + "whatif.adopt_policy",
					args: { company: this.period().company, changes: changes },
					freeze: true,
					callback: () => {
						frappe.show_alert({
							message: __("The new policy version is in force"),
							indicator: "green",
						});
						this.load_basis(this.period().company);
					},
				})
		);
	}

	// --- export --------------------------------------------------------------------------------------

	export_log(format) {
		const period = this.period();
		frappe.call({
			method: "order_coordination.api.export_ocel",
			args: { ...period, format: format },
			callback: (r) => {
				this.export_job = r.message;
				frappe.show_alert({
					message: __("The event log is being written; you will get its file here"),
					indicator: "blue",
				});
			},
		});
	}

	on_export(data) {
		if (!data || data.job !== this.export_job) return;
		if (data.file_url) {
			frappe.msgprint({
				title: __("Event log ready"),
				message: __("{0} objects and {1} events: {2}", [
					data.objects,
					data.events,
					`<a href="${encodeURI(data.file_url)}" target="_blank">${__("Download")}</a>`,
				]),
				indicator: "green",
			});
		} else if (data.failed) {
			frappe.msgprint({ message: __("The export failed; see the Error Log"), indicator: "red" });
		}
	}
}

const NOTICE_LABELS = {
	stage_changes: "Stage Changes",
	handoffs: "Handoffs",
	exceptions: "Exceptions",
	promise_changes: "Promise Changes",
	delivery_outcomes: "Delivery Outcomes",
};

function el(name, attrs) {
	const node = document.createElementNS(SVG_NS, name);
	Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
	return node;
}

function fmt(value) {
	return value === null || value === undefined ? "" : format_number(value, null, value % 1 ? 1 : 0);
}

function esc(text) {
	return frappe.utils.escape_html(String(text));
}
