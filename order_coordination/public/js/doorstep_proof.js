// Doorstep proof in the desk: each stop's attempts (outcome, who signed, the signature, photos, a map
// link, a flag when recorded far from the stop) on the Delivery Trip and the Delivery Note, and for a
// failed attempt a button to put its Delivery Note on a new trip with ERPNext's own mapper.
frappe.provide("order_coordination");

order_coordination.show_doorstep_proof = function (frm, method, args) {
	frappe.call({ method, args }).then((r) => {
		const rows = r.message || [];
		// At the top of the form, above its tabs, as the coordination panels: a tabbed form (the Delivery
		// Note) keeps its dashboard in the Connections tab.
		let $wrap = frm.layout.wrapper.children(".oc-doorstep-proof");
		if (!$wrap.length)
			$wrap = $('<div class="oc-doorstep-proof form-section card-section"></div>').prependTo(
				frm.layout.wrapper
			);
		$wrap.empty().toggleClass("hidden", !rows.length);
		if (!rows.length) return;
		const esc = frappe.utils.escape_html;
		const when = (row) => frappe.datetime.str_to_user(row.recorded_at || row.received_at);
		const html = rows
			.map((row) => {
				const who = row.recipient
					? __("Signed by {0}", [esc(row.recipient)])
					: row.reason
						? esc(__(row.reason))
						: "";
				const far = row.far_from_stop
					? `<span class="indicator-pill red">${__("Far from the stop: {0} m", [Math.round(row.distance)])}</span>`
					: row.distance !== null && row.distance !== undefined && row.latitude
						? `<span class="text-muted">${__("{0} m from the stop", [Math.round(row.distance)])}</span>`
						: "";
				const map = row.map_link
					? `<a href="${esc(row.map_link)}" target="_blank" rel="noopener noreferrer">${__("Map")}</a>`
					: "";
				const sig = row.signature
					? `<img class="oc-proof-signature" src="${esc(row.signature)}" alt="${__("Signature")}" style="max-height:80px;border:1px solid var(--border-color);background:#fff">`
					: "";
				const photos = (row.photos || [])
					.map(
						(url) =>
							`<a href="${esc(url)}" target="_blank"><img src="${esc(url)}" alt="${__("Photo")}" style="max-height:80px;margin-right:4px"></a>`
					)
					.join("");
				const missing = row.photo_missing
					? `<span class="indicator-pill orange">${__("Photo required, none attached")}</span>`
					: "";
				const again =
					row.outcome !== "Delivered" && row.delivery_note
						? `<button class="btn btn-xs btn-default oc-reschedule" data-note="${esc(row.delivery_note)}">${__("Put on a new trip")}</button>`
						: "";
				return `<div class="oc-proof-row" style="padding:8px 0;border-bottom:1px solid var(--border-color)">
					<div><b>${esc(__(row.outcome))}</b> ${who} · ${esc(when(row))}
					· <a href="/app/delivery-attempt/${encodeURIComponent(row.name)}">${esc(row.delivery_note || row.name)}</a>
					${far} ${map} ${missing} ${again}</div>
					${row.note ? `<div class="text-muted">${esc(row.note)}</div>` : ""}
					<div>${sig} ${photos}</div></div>`;
			})
			.join("");
		$wrap.html(
			`<div class="section-head">${__("Proof of Delivery")}</div><div class="section-body">${html}</div>`
		);
		$wrap.find(".oc-reschedule").on("click", (e) => {
			// ERPNext's own mapper from the Delivery Note to a new Delivery Trip.
			frappe.model.open_mapped_doc({
				method: "erpnext.stock.doctype.delivery_note.delivery_note.make_delivery_trip",
				source_name: $(e.currentTarget).data("note"),
			});
		});
	});
};
