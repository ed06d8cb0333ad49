// Copyright (c) 2026, order_coordination contributors
// For license information, please see license.txt

// The responsibility matrix as a chart, stages down and departments across: R does the stage, A answers
// for it, I is kept informed. It follows the table below it as rows are edited.
const ROLE_LETTERS = { Responsible: "R", Accountable: "A", Informed: "I" };
const ROLE_COLOURS = { Responsible: "blue", Accountable: "green", Informed: "gray" };

function render_matrix_chart(frm) {
	const field = frm.fields_dict.matrix_chart;
	if (!field) return;
	const esc = (v) => frappe.utils.escape_html(v == null ? "" : String(v));
	const stages = (frappe.boot.order_coordination || {}).stages || [];
	const rows = frm.doc.matrix || [];
	const departments = [...new Set(rows.map((r) => r.department).filter(Boolean))];
	if (!departments.length) {
		field.$wrapper.html(
			`<p class="text-muted">${__("Save to fill the matrix from the ownership model.")}</p>`
		);
		return;
	}
	const cell = (stage, dept) => {
		const row = rows.find((r) => r.stage === stage && r.department === dept);
		if (!row || !row.responsibility) return `<td class="text-muted text-center">·</td>`;
		const role = row.responsibility;
		return `<td class="text-center" title="${esc(__(role))}">
			<span class="indicator-pill ${ROLE_COLOURS[role] || "gray"}">${esc(__(ROLE_LETTERS[role] || role))}</span></td>`;
	};
	const body = stages
		.map(
			(stage) => `<tr><th>${esc(__(stage))}</th>${departments.map((d) => cell(stage, d)).join("")}</tr>`
		)
		.join("");
	field.$wrapper.html(`
		<div class="oc-matrix-chart">
			<table class="table table-sm table-bordered">
				<thead><tr><th>${__("Stage")}</th>${departments.map((d) => `<th class="text-center">${esc(__(d))}</th>`).join("")}</tr></thead>
				<tbody>${body}</tbody>
			</table>
			<p class="text-muted small">${__("R: does the stage · A: answers for it · I: is kept informed")}</p>
		</div>`);
}

frappe.ui.form.on("Coordination Policy", {
	refresh: render_matrix_chart,
	ownership_model: render_matrix_chart,
});

frappe.ui.form.on("Coordination Matrix Row", {
	stage: render_matrix_chart,
	department: render_matrix_chart,
	responsibility: render_matrix_chart,
	matrix_remove: render_matrix_chart,
});

// Tuning: what this company's history measured against the policy's hours, and one action to apply the
// suggestions (a new version of the policy; running orders keep theirs).
function render_tuning(frm) {
	const field = frm.fields_dict.tuning;
	if (!field || frm.is_new()) return;
	const esc = (v) => frappe.utils.escape_html(v == null ? "" : String(v));
	const hours = (v) => (v == null ? "—" : esc(Math.round(v * 10) / 10));
	frappe
		.call({
			method: "order_coordination.insight.tuning.policy_tuning",
			args: { company: frm.doc.company },
			silent: true,
		})
		.then((r) => {
			const rows = r.message || [];
			const body = rows
				.map(
					(row) => `<tr>
						<th>${esc(__(row.stage))}</th>
						<td class="text-right">${esc(row.handoffs)}</td>
						<td class="text-right">${hours(row.acceptance_median)} / ${hours(row.acceptance_p80)}</td>
						<td class="text-right">${hours(row.acceptance_sla)}</td>
						<td class="text-right">${row.missed_percent == null ? "—" : esc(Math.round(row.missed_percent)) + "%"}</td>
						<td class="text-right"><b>${hours(row.suggested_acceptance)}</b></td>
						<td class="text-right">${esc(row.completed)}</td>
						<td class="text-right">${hours(row.completion_median)} / ${hours(row.completion_p80)}</td>
						<td class="text-right">${hours(row.completion_sla)}</td>
						<td class="text-right"><b>${hours(row.suggested_completion)}</b></td>
					</tr>`
				)
				.join("");
			field.$wrapper.html(`
				<div class="oc-tuning">
					<table class="table table-sm table-bordered">
						<thead><tr>
							<th>${__("Stage")}</th><th>${__("Handoffs")}</th><th>${__("Accepted In (Median / 80%)")}</th>
							<th>${__("Hours to Accept")}</th><th>${__("SLA Missed")}</th><th>${__("Suggested")}</th>
							<th>${__("Completed")}</th><th>${__("Took (Median / 80%)")}</th>
							<th>${__("Typical Hours in Stage")}</th><th>${__("Suggested")}</th>
						</tr></thead>
						<tbody>${body}</tbody>
					</table>
					<p class="text-muted small">${__("Working hours. A suggestion needs at least ten measured cases.")}</p>
				</div>`);
			if (rows.some((row) => row.suggested_acceptance != null || row.suggested_completion != null)) {
				frm.add_custom_button(__("Apply Suggested Hours"), () =>
					frappe.confirm(
						__(
							"Set the policy's hours to the suggested ones? Running orders keep the version they started under."
						),
						() =>
							frappe
								.call({
									method: "order_coordination.insight.tuning.apply_tuning",
									args: { company: frm.doc.company },
									freeze: true,
								})
								.then(() => frm.reload_doc())
					)
				);
			}
		});
}

frappe.ui.form.on("Coordination Policy", { refresh: render_tuning });
