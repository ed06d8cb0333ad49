// The order page follows the order: its content is fetched again every few seconds while the page is
// shown (portal pages of customers and tracking-link guests have no realtime room of their own).
frappe.ready(() => {
	const $body = $(".oc-track-body");
	if (!$body.length) return;
	const query = $body.data("query");
	const every = (parseInt($body.data("refresh"), 10) || 30) * 1000;
	let timer = null;
	const stop = () => {
		// The link expired or was revoked while the page was open: what is shown stays, no error pops up.
		clearInterval(timer);
		document.removeEventListener("visibilitychange", refresh);
	};
	const refresh = () => {
		if (document.hidden) return;
		// Not frappe.call: the portal's version shows every server message in a dialog.
		fetch(`/api/method/order_coordination.customers.page.order_status?${new URLSearchParams(query)}`, {
			headers: { Accept: "application/json" },
		})
			.then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
			.then((r) => {
				if (r.message && r.message.html) $body.html(r.message.html);
			})
			.catch(stop);
	};
	timer = setInterval(refresh, every);
	document.addEventListener("visibilitychange", refresh);
});
