// The Order Flow page in a real browser, as a Coordination Manager (the README's role for managers), in
// English and in Chinese: the flow map, an edge's orders, the most common paths, and a what-if replay of the
// period with Logistics planning production and half the hours to accept, compared side by side.
//
//   bench serve (a development site with allow_tests, developer_mode and ERPNext test records)
//   cd browser && npm install && node flow.mjs
//
// Environment: as walk.mjs (OC_URL, OC_ADMIN_PASSWORD, CHROMIUM, OC_SCREENSHOTS).
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const BASE = process.env.OC_URL || "http://127.0.0.1:8000";
const SHOTS = resolve(here, process.env.OC_SCREENSHOTS || "../docs/screenshots");
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

async function context(login) {
	const ctx = await browser.newContext({ baseURL: BASE, viewport: { width: 1366, height: 900 } });
	const response = await ctx.request.post("/api/method/login", { form: login });
	if (!response.ok()) throw new Error(`login failed for ${login.usr}: ${response.status()}`);
	const page = await ctx.newPage();
	page.on("pageerror", (error) => console.error("page error:", error.message));
	return { ctx, page };
}

async function shot(page, name, locator) {
	await page.waitForTimeout(500);
	const path = resolve(SHOTS, name);
	if (locator) await page.locator(locator).screenshot({ path });
	else await page.screenshot({ path, fullPage: true });
	console.log("saved", name);
}

async function set_filter(page, fieldname, value) {
	const input = page.locator(`.page-form [data-fieldname="${fieldname}"] input`);
	await input.fill(value);
	await input.press("Escape");
	await input.blur();
}

const admin = await context({ usr: "Administrator", pwd: process.env.OC_ADMIN_PASSWORD || "admin" });
const prepared = await admin.ctx.request.post("/api/method/order_coordination.tests.flow_fixtures.prepare", {
	headers: { "X-Frappe-CSRF-Token": "None" },
	timeout: 300000,
});
if (!prepared.ok()) throw new Error(`prepare: ${(await prepared.text()).slice(0, 400)}`);
const data = (await prepared.json()).message;

for (const [language, user] of Object.entries(data.users)) {
	const { page } = await context({ usr: user, pwd: data.password });
	try {
		await walk(page, language);
	} catch (error) {
		await page.screenshot({ path: resolve(SHOTS, `flow-failed-${language}.png`), fullPage: true });
		throw error;
	}
}
await browser.close();

async function walk(page, language) {
	await page.goto("/app/coordination");
	await page.waitForSelector(".workspace-main-section, .layout-main-section", { timeout: 60000 });
	await page.waitForTimeout(1500);
	// The workspace's Reports card leads to the page.
	await page
		.locator(
			'a[href*="order-flow"], .link-item:has-text("' +
				(language === "zh" ? "订单流程" : "Order Flow") +
				'")'
		)
		.first()
		.click();
	await page.waitForSelector(".of-summary", { timeout: 60000 });
	await page.locator('.page-form [data-fieldname="company"] select').selectOption(data.company);
	const from = await page.evaluate((d) => frappe.datetime.str_to_user(d), data.from_date);
	await set_filter(page, "from_date", from);
	// The fixture's two weeks, before the test orders of today.
	const to = await page.evaluate(
		(d) => frappe.datetime.str_to_user(frappe.datetime.add_days(d, 9)),
		data.from_date
	);
	await set_filter(page, "to_date", to);
	await page.waitForTimeout(2500);
	await page.waitForSelector(".of-svg");
	await shot(page, `flow-map-${language}.png`, ".order-flow .of-map");
	// An edge's orders: the slowest one.
	await page.locator(".of-edge-line.of-slow + .of-edge-hit").first().dispatchEvent("click");
	await page.waitForSelector(".of-edge-box table");
	await shot(page, `flow-edge-${language}.png`, ".order-flow .of-edge");
	await shot(page, `flow-variants-${language}.png`, ".order-flow .of-variants");
	// What if Logistics planned production, and every stage had half the hours to accept?
	await page.waitForSelector(".of-whatif select");
	await page.locator('.of-whatif [data-fieldname="responsible_1"] select').selectOption("Logistics");
	for (let i = 0; i < 8; i++) {
		const input = page.locator(`.of-whatif [data-fieldname="hours_${i}"] input`);
		const value = parseFloat((await input.inputValue()).replace(/,/g, "")) || 8;
		await input.fill(String(value / 2));
		await input.blur();
	}
	await shot(page, `flow-whatif-form-${language}.png`, ".order-flow .of-whatif");
	await page.locator(".of-replay").dispatchEvent("click");
	await page.waitForSelector(".of-compare", { timeout: 120000 });
	await shot(page, `flow-whatif-${language}.png`, ".order-flow .of-comparison");
	await shot(page, `flow-page-${language}.png`);
	await page.emulateMedia({ media: "print" });
	await shot(page, `flow-print-${language}.png`);
	await page.emulateMedia({ media: "screen" });
}
