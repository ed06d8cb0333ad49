// What the browser walks share: a signed-in session of one user, and a call to the site as that user.

export async function session(browser, baseURL, usr, pwd, viewport = { width: 1440, height: 960 }) {
	const context = await browser.newContext({ viewport, baseURL });
	const response = await context.request.post("/api/method/login", { form: { usr, pwd } });
	if (!response.ok()) throw new Error(`login failed for ${usr}: ${response.status()}`);
	const page = await context.newPage();
	page.on("pageerror", (error) => console.error(`[${usr}] page error:`, error.message));
	return { page, context, usr };
}

export async function call(who, method, args = {}) {
	const response = await who.context.request.post(`/api/method/${method}`, {
		data: args,
		headers: { "X-Frappe-CSRF-Token": "None" },
	});
	const body = await response.json();
	if (!response.ok()) throw new Error(`${method}: ${JSON.stringify(body).slice(0, 400)}`);
	return body.message;
}
