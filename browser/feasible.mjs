// The earliest feasible delivery in the desk: a Sales user's draft says per line by when the company can
// deliver and why, takes the feasible date in one click; Production's Propose New Date starts from the
// date and reason the order's panel shows. Screenshots in English and Chinese.
//
//   DEV_SERVER=1 bench serve --port 8000 and bench socketio (a development site with allow_tests and
//   ERPNext test records), then: cd browser && node feasible.mjs
//
// Environment: OC_URL (default http://127.0.0.1:8000), OC_ADMIN_PASSWORD (default admin),
// CHROMIUM (default /usr/bin/chromium), OC_SCREENSHOTS (default /tmp/oc/shots-22).
import { chromium } from "playwright-core";
import { call, session as signIn } from "./lib.mjs";
import { mkdirSync } from "node:fs";

const BASE = process.env.OC_URL || "http://127.0.0.1:8000";
const SHOTS = process.env.OC_SCREENSHOTS || "/tmp/oc/shots-22";
const FIXTURES = "order_coordination.tests.feasible_fixtures.";
mkdirSync(SHOTS, { recursive: true });

const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
	args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});

const session = (usr, pwd) => signIn(browser, BASE, usr, pwd, { width: 1440, height: 1000 });

async function open_form(who, name) {
	await who.page.goto(`/app/sales-order/${encodeURIComponent(name)}`);
	await who.page.waitForFunction((n) => window.cur_frm && cur_frm.doc && cur_frm.doc.name === n, name, {
		timeout: 60000,
	});
}

function check(condition, what) {
	if (!condition) throw new Error(`not as expected: ${what}`);
	console.log(`ok: ${what}`);
}

const admin = await session("Administrator", process.env.OC_ADMIN_PASSWORD || "admin");
const data = await call(admin, FIXTURES + "prepare");
console.log(`draft ${data.draft}, late ${data.late}`);

// Sales: the draft's box, in Chinese then in English; then the one-click feasible date.
let sales;
for (const language of ["zh", "en"]) {
	await call(admin, FIXTURES + "set_language", { user: data.users.sales, language });
	sales = await session(data.users.sales, data.password);
	await open_form(sales, data.draft);
	await sales.page.waitForSelector(".oc-feasible .indicator-pill", { timeout: 60000 });
	await sales.page.waitForTimeout(500);
	await sales.page.screenshot({ path: `${SHOTS}/${language}-1-draft-feasible.png` });
	const lines = await sales.page.locator(".oc-feasible-line").allInnerTexts();
	console.log(lines.map((text) => text.replace(/\s+/g, " ")).join("\n"));
	const late = await sales.page.locator(".oc-feasible-line .indicator.orange").count();
	check(lines.length === 2 && late === 1, `${language}: two lines, the bought-in one late`);
	if (language === "en") break;
	await sales.context.close();
}
await sales.page.locator(".oc-feasible-actions .btn-primary").click();
await sales.page.waitForFunction(() => !cur_frm.is_dirty() && cur_frm.oc_feasible, null, { timeout: 60000 });
await sales.page.waitForSelector(".oc-feasible .indicator-pill.green", { timeout: 60000 });
const dates = await sales.page.evaluate(() => ({
	lines: cur_frm.doc.items.map((row) => row.delivery_date),
	feasible: cur_frm.oc_feasible.earliest_date,
}));
check(dates.lines.includes(dates.feasible), `one click took the feasible date ${dates.feasible}`);
await sales.page.screenshot({ path: `${SHOTS}/en-2-took-feasible-date.png` });
await call(admin, FIXTURES + "set_language", { user: data.users.sales, language: "zh" });
const sales_zh = await session(data.users.sales, data.password);
await open_form(sales_zh, data.draft);
await sales_zh.page.waitForSelector(".oc-feasible .indicator-pill.green", { timeout: 60000 });
await sales_zh.page.screenshot({ path: `${SHOTS}/zh-2-took-feasible-date.png` });

// Sales submits a draft asked too early and asks Production: the order goes to Production with the question.
await call(admin, FIXTURES + "set_language", { user: data.users.sales, language: "en" });
await open_form(sales, data.ask);
await sales.page.waitForSelector(".oc-feasible-actions .btn", { timeout: 60000 });
await sales.page.locator(".oc-feasible-actions .btn").nth(2).click();
await sales.page.locator(".modal.show .btn-primary").click();
await sales.page.waitForFunction(() => cur_frm.doc.docstatus === 1, null, { timeout: 60000 });
let asked;
for (let tries = 0; tries < 60; tries++) {
	asked = await call(admin, "order_coordination.api.get_order_status", { sales_order: data.ask });
	if ((asked.handoffs || []).some((h) => h.status === "Pending" && h.note)) break;
	await sales.page.waitForTimeout(1000);
}
const question = asked.handoffs.find((h) => h.status === "Pending") || {};
check(
	question.to_department === "Production" && (question.note || "").includes("Can Production do better?"),
	`asked Production: ${JSON.stringify(asked.handoffs.map((h) => [h.status, h.to_department, h.note]))}`
);
await sales.page.reload();
await sales.page.waitForSelector(".oc-panel .oc-handoff", { timeout: 60000 });
await sales.page.waitForTimeout(500);
await sales.page.screenshot({ path: `${SHOTS}/en-2b-asked-production.png` });

// Production: the panel shows the date the company can keep; Propose New Date starts from it.
for (const language of ["en", "zh"]) {
	await call(admin, FIXTURES + "set_language", { user: data.users.production, language });
	const production = await session(data.users.production, data.password);
	await open_form(production, data.late);
	await production.page.waitForSelector(".oc-panel .oc-feasible-date", { timeout: 60000 });
	await production.page.waitForTimeout(500);
	await production.page.screenshot({ path: `${SHOTS}/${language}-3-production-panel.png` });
	await production.page.locator(".oc-panel button[data-action=propose_date]").click();
	await production.page.waitForSelector(".modal.show select[data-fieldname=reason]");
	await production.page.waitForTimeout(500);
	const shown = await production.page.evaluate(() => {
		const dialog = window.cur_dialog;
		return { date: dialog.get_value("new_date"), reason: dialog.get_value("reason") };
	});
	const status = await call(admin, "order_coordination.api.get_order_status", { sales_order: data.late });
	check(
		shown.date === status.feasible_date && shown.reason === status.feasible_reason,
		`${language}: the dialog starts from ${status.feasible_date} (${status.feasible_reason})`
	);
	await production.page.screenshot({ path: `${SHOTS}/${language}-4-production-propose.png` });
	await production.context.close();
}

await browser.close();
