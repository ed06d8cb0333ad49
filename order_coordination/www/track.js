// The order page follows the order: its content is fetched again every few seconds while the page is
// shown (portal pages of customers and tracking-link guests have no realtime room of their own).
frappe.ready(() => {
	const $body = $(".oc-track-body");
	if (!$body.length) return;
	const query = $body.data("query");
	const every = (parseInt($body.data("refresh"), 10) || 30) * 1000;
	const refresh = () => {
		if (document.hidden) return;
		frappe
			.call({ method: "order_coordination.portal.order_status", args: query, type: "GET" })
			.then((r) => {
				if (r.message && r.message.html) $body.html(r.message.html);
			});
	};
	setInterval(refresh, every);
	document.addEventListener("visibilitychange", refresh);
});
