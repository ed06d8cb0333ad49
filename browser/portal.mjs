// The customer's side in a real browser: a portal user opens their order from ERPNext's order page, a
// customer without an account opens a tracking link on a phone (in English and Chinese), the carrier reports
// the parcel delivered and the open page follows, and a wrong link shows only that it is not valid.
//
//   bench serve (a development site with allow_tests, developer_mode and ERPNext test records)
//   cd browser && npm install && node portal.mjs
//
// Environment: as walk.mjs (OC_URL, OC_ADMIN_PASSWORD, CHROMIUM, OC_SCREENSHOTS).
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const BASE = process.env.OC_URL || "http://127.0.0.1:8000";
const SHOTS = resolve(here, process.env.OC_SCREENSHOTS || "../docs/screenshots");
const FIXTURES = "order_coordination.tests.portal_fixtures.";
mkdirSync(SHOTS, { recursive: true });

const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
	args: [
		"--headless",
		"--no-sandbox",
		"--disable-gpu",
		"--disable-background-networking",
		"--no-first-run",
	],
});
const DESKTOP = { viewport: { width: 1280, height: 900 } };
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

async function context(options, login) {
	const ctx = await browser.newContext({ baseURL: BASE, ...options });
	if (login) {
		const response = await ctx.request.post("/api/method/login", { form: login });
		if (!response.ok()) throw new Error(`login failed for ${login.usr}: ${response.status()}`);
	}
	const page = await ctx.newPage();
	page.on("pageerror", (error) => console.error("page error:", error.message));
	return { ctx, page };
}

async function call(ctx, method, args = {}) {
	const response = await ctx.request.post(`/api/method/${method}`, {
		data: args,
		headers: { "X-Frappe-CSRF-Token": "None" },
		timeout: 180000, // the fixture makes, produces and ships an order
	});
	const body = await response.json();
	if (!response.ok()) throw new Error(`${method}: ${JSON.stringify(body).slice(0, 400)}`);
	return body.message;
}

async function shot(page, name) {
	await page.waitForTimeout(400);
	await page.screenshot({ path: resolve(SHOTS, name), fullPage: true });
	console.log("saved", name);
}

// The administrator signs in again where needed: Frappe 16 may end the first session while the fixture
// prepares users.
const sign_in_admin = () =>
	context(DESKTOP, { usr: "Administrator", pwd: process.env.OC_ADMIN_PASSWORD || "admin" });
let admin = await sign_in_admin();
const data = await call(admin.ctx, FIXTURES + "prepare");
admin = await sign_in_admin();

// A portal user: ERPNext's order page has the button to the order's status page.
const customer = await context(DESKTOP, { usr: data.user, pwd: data.password });
await customer.page.goto(`/orders/${data.sales_order}`);
await customer.page.waitForSelector(".oc-track-from-order");
await shot(customer.page, "20-portal-order-page.png");
await customer.page.click(".oc-track-from-order");
await customer.page.waitForSelector(".oc-track-order");
await shot(customer.page, "21-portal-order-status.png");

// A tracking link on a phone, in English and in Chinese.
const phone = await context({ ...PHONE, locale: "en-US" });
await phone.page.goto(`/track?token=${data.token}`);
await phone.page.waitForSelector(".oc-step-current");
await shot(phone.page, "22-tracking-link-phone.png");
const phone_zh = await context({
	...PHONE,
	locale: "zh-CN",
	extraHTTPHeaders: { "Accept-Language": "zh-CN,zh" },
});
await phone_zh.page.goto(`/track?token=${data.token}`);
await phone_zh.page.waitForSelector(".oc-step-current");
await shot(phone_zh.page, "23-tracking-link-phone-zh.png");

// The carrier reports the parcel delivered: the open page follows without being reloaded.
await call(admin.ctx, FIXTURES + "deliver_order", { awb: data.awb });
await phone.page.evaluate(() => document.dispatchEvent(new Event("visibilitychange")));
await phone.page.waitForSelector(".oc-track-delivered", { timeout: 15000 });
await shot(phone.page, "24-tracking-link-delivered.png");

// A wrong (or expired, or revoked) link.
await phone.page.goto(`/track?token=${"x".repeat(43)}`);
await phone.page.waitForSelector(".oc-track-invalid");
await shot(phone.page, "25-link-not-valid.png");

// In the desk: the carrier's reports in the order's timeline, and Sales making a tracking link.
const desk = admin.page;
await desk.setViewportSize({ width: 1440, height: 960 });
await desk.goto(`/app/sales-order/${data.sales_order}`);
await desk.waitForSelector(".oc-panel .oc-pipeline", { timeout: 60000 });
await desk.evaluate(() => {
	const tab = [...document.querySelectorAll(".form-tabs .nav-link")].find((a) =>
		a.textContent.includes("Coordination")
	);
	if (tab) tab.click();
});
await desk.waitForTimeout(1500);
await shot(desk, "26-desk-carrier-updates.png");
await desk.evaluate(() => window.scrollTo(0, 0));
await desk.click(
	".inner-group-button[data-label='Coordination'] button, .btn-group:has(> [data-label='Coordination']) button"
);
await desk.click("[data-label='Tracking%20Link']");
// The order already has the link the customer opened: one live link per order unless Sales asks for
// another, so the desk offers to make another (or to revoke the old one first).
await desk.waitForSelector(".modal.show .btn-primary", { timeout: 30000 });
await desk.waitForTimeout(600);
await desk.screenshot({ path: resolve(SHOTS, "27a-desk-live-link-offered.png") });
console.log("saved 27a-desk-live-link-offered.png");
await desk.locator(".modal.show .btn-primary").click();
await desk.waitForSelector(".modal.show [data-fieldname='url']");
await desk.waitForTimeout(600);
await desk.screenshot({ path: resolve(SHOTS, "27-desk-tracking-link.png") });
console.log("saved 27-desk-tracking-link.png");

await browser.close();
