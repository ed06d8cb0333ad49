// Walks one make-to-order order through the ERPNext desk as Sales, Production and Logistics, accepting
// handoffs with the panel's buttons, and saves screenshots of what each department sees.
//
//   DEV_SERVER=1 bench serve --port 8000 and bench socketio   (a development site with allow_tests and
//   ERPNext test records; DEV_SERVER points the desk at the realtime server on its own port)
//   cd browser && npm install && node walk.mjs
//
// Environment: OC_URL (default http://127.0.0.1:8000), OC_ADMIN_PASSWORD (default admin),
// CHROMIUM (default /usr/bin/chromium), OC_SCREENSHOTS (default ../docs/screenshots).
import { chromium } from "playwright-core";
import { call, session as signIn } from "./lib.mjs";
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const BASE = process.env.OC_URL || "http://127.0.0.1:8000";
const SHOTS = resolve(here, process.env.OC_SCREENSHOTS || "../docs/screenshots");
const FIXTURES = "order_coordination.tests.browser_fixtures.";
mkdirSync(SHOTS, { recursive: true });

const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
	args: [
		"--headless",
		"--no-sandbox",
		"--disable-gpu",
		"--disable-background-networking",
		"--disable-quic",
		"--no-first-run",
	],
});

const session = (usr, pwd) => signIn(browser, BASE, usr, pwd, { width: 1440, height: 960 });

// A call made from the user's open desk page, as its own buttons make it (the session's CSRF token).
async function call_in_page(who, method, args = {}) {
	return who.page.evaluate(({ method, args }) => frappe.xcall(method, args), { method, args });
}

async function open_form(who, doctype_slug, name) {
	await who.page.goto(`/app/${doctype_slug}/${encodeURIComponent(name)}`);
	await who.page.waitForFunction((n) => window.cur_frm && cur_frm.doc && cur_frm.doc.name === n, name, {
		timeout: 60000,
	});
}

// Save (if the form set something on load) and Submit with the form's own button, confirming its dialog.
async function submit_form(who) {
	for (let step = 0; step < 4; step++) {
		if (await who.page.evaluate(() => cur_frm.doc.docstatus === 1)) return;
		await who.page
			.locator(".page-actions .primary-action")
			.click({ timeout: 10000 })
			.catch(async (error) => {
				await who.page.screenshot({ path: "/tmp/walk-failure.png" });
				const shown = await who.page.evaluate(() =>
					(document.querySelector(".modal.show")?.textContent || "")
						.replace(/\s+/g, " ")
						.slice(0, 300)
				);
				throw new Error(
					`${who.usr}: a dialog is in the way: ${shown} (${error.message.split("\n")[0]})`
				);
			});
		const confirm = who.page.locator(".modal.show .btn-primary");
		if (
			await confirm.waitFor({ timeout: 5000 }).then(
				() => true,
				() => false
			)
		)
			await confirm.click();
		await who.page.waitForTimeout(2000);
	}
	await who.page.screenshot({ path: "/tmp/walk-failure.png" });
	throw new Error(`${who.usr} could not submit ${await who.page.evaluate(() => cur_frm.doc.name)}`);
}

async function panel(who) {
	await who.page.waitForSelector(".oc-panel .oc-pipeline", { timeout: 30000 });
	await who.page.waitForTimeout(500);
}

async function shot(who, file, note) {
	await who.page.screenshot({ path: `${SHOTS}/${file}` });
	console.log(`${file}  ${who.usr}: ${note}`);
}

async function click_action(who, action) {
	const button = who.page.locator(`.oc-panel button[data-action=${action}]`).first();
	await button.waitFor({ timeout: 30000 });
	await button.click();
}

async function wait_stage(who, stage) {
	await who.page.waitForFunction(
		(s) =>
			[...document.querySelectorAll(".oc-panel")].some(
				(p) => p.querySelector(".oc-current")?.dataset.stage === s
			),
		stage,
		{ timeout: 30000 }
	);
}

const admin = await session("Administrator", process.env.OC_ADMIN_PASSWORD || "admin");
const data = await call(admin, FIXTURES + "prepare");
const so = data.sales_order;
const { name: policy, made: policy_made } = await call(admin, FIXTURES + "policy_of", {
	company: data.company,
});
console.log(`walking ${so}`);
const sales = await session(data.users.sales, data.password);
const production = await session(data.users.production, data.password);
const logistics = await session(data.users.logistics, data.password);

// Sales submits the order: the coordination record starts, and Production is asked to take it.
await open_form(sales, "sales-order", so);
await sales.page.locator(".page-actions .primary-action").click();
await sales.page.locator(".modal.show .btn-primary").click();
await sales.page.waitForFunction(() => cur_frm.doc.docstatus === 1, null, { timeout: 60000 });
await sales.page.reload();
await sales.page.waitForFunction((n) => window.cur_frm && cur_frm.doc.name === n, so);
await panel(sales);
await shot(sales, "01-sales-submits-order.png", "order received, handoff to Production pending");

// Production (desk in Chinese, with only the roles the README names for it) sees the order in its inbox
// and accepts it from the row, then opens the Sales Order itself (the install lets it read orders).
await production.page.goto("/app/query-report/Department Queue");
await production.page.waitForSelector(".dt-row", { timeout: 60000 });
await production.page.waitForTimeout(800);
await shot(
	production,
	"02-production-queue.png",
	"the department's inbox, in Chinese: Accept / Reject on the row"
);
const accept_on_row = production.page.locator(`.dt-row:has-text("${so}") .oc-queue-act[data-act=accept]`);
await accept_on_row.first().click();
await production.page.waitForFunction(
	(n) =>
		![...document.querySelectorAll(".dt-row")].some(
			(r) => r.textContent.includes(n) && r.querySelector(".oc-queue-act")
		),
	so,
	{ timeout: 30000 }
);
await open_form(production, "sales-order", so);
await panel(production);
await production.page.waitForFunction(() => !document.querySelector(".oc-panel button[data-action=accept]"));
await production.page.waitForTimeout(500);
await shot(production, "03-production-accepts.png", "Production holds the order, on the Sales Order");

// Production cannot make the date: it proposes a new one to Sales, who accepts it; ERPNext takes it.
const promised = await call(admin, "frappe.client.get_value", {
	doctype: "Sales Order",
	filters: so,
	fieldname: "delivery_date",
});
const later = new Date(Date.now() + 28 * 86400000).toISOString().slice(0, 10);
await click_action(production, "propose_date");
await production.page.waitForSelector(".modal.show select[data-fieldname=reason]");
const typed = await production.page.evaluate((d) => frappe.datetime.str_to_user(d), later);
await production.page.locator(".modal.show input[data-fieldname=new_date]").fill(typed);
await production.page.locator(".modal.show .modal-title").click(); // the date picker closes
await production.page.waitForTimeout(300);
await production.page.locator(".modal.show select[data-fieldname=reason]").selectOption("Capacity");
await production.page
	.locator(".modal.show textarea[data-fieldname=note]")
	.fill("Press 2 is down for maintenance this week");
await production.page.locator(".modal.show .btn-primary").click();
await production.page.waitForSelector(".oc-promise-pending", { timeout: 30000 }).catch(async (error) => {
	await production.page.screenshot({ path: "/tmp/walk-failure.png" });
	throw error;
});
await production.page.waitForTimeout(500);
await shot(production, "03a-production-proposes-date.png", "a new date proposed to Sales, with its reason");
await open_form(sales, "sales-order", so);
await panel(sales);
await sales.page.waitForSelector(".oc-panel button[data-action=accept_date]", { timeout: 30000 });
await shot(sales, "03b-sales-answers-date.png", "Sales is asked to accept or decline the new date");
await click_action(sales, "accept_date");
await sales.page.locator(".modal.show .btn-primary").click();
await sales.page.waitForSelector(".oc-promise-history", { timeout: 30000 });
await sales.page.reload();
await sales.page.waitForFunction((n) => window.cur_frm && cur_frm.doc.name === n, so);
await panel(sales);
await sales.page.waitForSelector(".oc-promise-history", { timeout: 30000 });
const moved = await sales.page.evaluate(() => cur_frm.doc.delivery_date);
if (moved !== later) throw new Error(`the Sales Order shows ${moved}, not the accepted ${later}`);
console.log(`promise: ${promised.delivery_date} moved to ${moved} on the Sales Order`);
await shot(sales, "03c-promise-moved.png", "the Sales Order shows the new date; the panel its history");

// Production makes the Work Order from the Sales Order with ERPNext's own functions (what Create > Work
// Order calls) and submits it on its form; the shop floor makes it; the order moves by itself and is
// handed to Logistics.
const wo_items = await call_in_page(
	production,
	"erpnext.selling.doctype.sales_order.sales_order.get_work_order_items",
	{
		sales_order: so,
	}
);
const [wo] = await call_in_page(
	production,
	"erpnext.selling.doctype.sales_order.sales_order.make_work_orders",
	{
		items: JSON.stringify({ items: wo_items }),
		sales_order: so,
		company: data.company,
	}
);
await open_form(production, "work-order", wo);
// What the planner types on the form: the work-in-progress warehouse (no default on a test site).
await production.page.evaluate(() =>
	cur_frm.set_value("wip_warehouse", cur_frm.doc.wip_warehouse || cur_frm.doc.fg_warehouse)
);
await submit_form(production);
console.log(`Production made and submitted ${wo} from ${so}`);
await call(admin, FIXTURES + "produce_work_order", { work_order: wo });
await production.page.reload();
await production.page.waitForFunction((n) => window.cur_frm && cur_frm.doc.name === n, wo);
await panel(production);
await wait_stage(production, "Ready to Ship");
await shot(
	production,
	"04-work-order-ready-to-ship.png",
	"Work Order completed, handoff to Logistics pending"
);

// Logistics accepts on the Sales Order, ships it, and confirms the delivery on the Delivery Note.
await open_form(logistics, "sales-order", so);
await panel(logistics);
await shot(logistics, "05-logistics-to-accept.png", "Accept / Reject offered to Logistics");
await click_action(logistics, "accept");
await logistics.page.waitForFunction(() => !document.querySelector(".oc-panel button[data-action=accept]"));
// The warehouse ships while Logistics watches the order: its panel follows without a reload.
const dn = await call(admin, FIXTURES + "ship_order", { sales_order: so });
await wait_stage(logistics, "Shipped");
console.log("realtime: the open Sales Order's panel moved to Shipped without a reload");
await open_form(logistics, "delivery-note", dn);
await panel(logistics);
await wait_stage(logistics, "Shipped");
await shot(logistics, "06-delivery-note-shipped.png", "shipped; Confirm Delivery offered");
await click_action(logistics, "confirm_delivery");
await logistics.page.locator(".modal.show select[data-fieldname=outcome]").selectOption("Delivered");
await logistics.page
	.locator(".modal.show textarea[data-fieldname=note]")
	.fill("Signed by the customer at the gate");
await logistics.page.locator(".modal.show .btn-primary").click();
await wait_stage(logistics, "Delivered");
await logistics.page.waitForTimeout(500);
await shot(logistics, "07-delivered.png", "delivered; Sales and Production notified");

// Sales sees the whole story on the coordination record.
await open_form(sales, "order-coordination", so);
await sales.page.waitForSelector(".oc-timeline tbody tr", { timeout: 30000 });
await sales.page.waitForTimeout(500);
await sales.page.screenshot({ path: `${SHOTS}/08-coordination-record.png`, fullPage: true });
console.log("08-coordination-record.png  timeline, newest first");

// The panel's links follow the desk's own routes (/app on v15, /desk on v16): no redirect on click.
const links = await sales.page.evaluate(() => ({
	desk: location.pathname.split("/")[1],
	hrefs: [...document.querySelectorAll(".oc-panel a[href^='/'], .oc-timeline a[href^='/']")].map((a) =>
		a.getAttribute("href")
	),
}));
const strays = links.hrefs.filter((href) => !href.startsWith(`/${links.desk}/`));
if (!links.hrefs.length || strays.length) {
	throw new Error(`panel links outside /${links.desk}/: ${strays.join(", ") || "no links found"}`);
}
console.log(`links: ${links.hrefs.length} panel links, all under /${links.desk}/`);

// Each department's own workspace, as its users see it: the numbers and charts, not a blank gap.
for (const [who, file] of [
	[production, "09a-workspace-production.png"],
	[logistics, "09b-workspace-logistics.png"],
]) {
	await who.page.goto("/app/coordination");
	await who.page.waitForSelector(".widget.number-widget-box", { timeout: 60000 });
	await who.page.waitForTimeout(3000);
	const cards = await who.page.locator(".widget.number-widget-box").count();
	if (cards < 7) throw new Error(`${who.usr} sees ${cards} number cards on the workspace, not 7`);
	await who.page.screenshot({ path: `${SHOTS}/${file}`, fullPage: true });
	console.log(`${file}  ${who.usr}: ${cards} number cards and the charts`);
}

// The manager's views: workspace, board, reports.
await admin.page.goto("/app/coordination");
await admin.page.waitForSelector(".number-card-container, .widget.number-widget-box", { timeout: 60000 });
await admin.page.waitForTimeout(3000);
await admin.page.screenshot({ path: `${SHOTS}/09-workspace.png`, fullPage: true });
console.log("09-workspace.png  number cards, charts, shortcuts");
await admin.page.goto("/app/order-coordination/view/kanban/Orders by Stage");
await admin.page.waitForSelector(".kanban-card", { timeout: 60000 });
await admin.page.waitForTimeout(1000);
await shot(admin, "10-kanban-by-stage.png", "orders by stage");
for (const [file, report] of [
	["11-order-pipeline.png", "Order Pipeline"],
	["12-handoff-lead-time.png", "Handoff Lead Time"],
	["13-department-dwell-time.png", "Department Dwell Time"],
	["14-on-time-in-full.png", "On-Time In-Full"],
	["15-promise-reliability.png", "Promise Reliability"],
]) {
	await admin.page.goto(`/app/query-report/${report}?company=${encodeURIComponent(data.company)}`);
	await admin.page
		.waitForSelector(".dt-scrollable .dt-row", { state: "attached", timeout: 60000 })
		.catch(async (error) => {
			await admin.page.screenshot({ path: "/tmp/walk-failure.png" });
			throw new Error(`${report} (${admin.page.url()}): ${error.message}`);
		});
	await admin.page.waitForTimeout(2000);
	await shot(admin, file, report);
}

// The policy form draws its matrix as a chart: who does, answers for and is told of each stage.
await open_form(admin, "coordination-policy", policy);
await admin.page.waitForSelector(".oc-matrix-chart table", { timeout: 30000 });
await admin.page.locator(".oc-matrix-chart").scrollIntoViewIfNeeded();
await admin.page.waitForTimeout(500);
await shot(admin, "16-policy-matrix.png", "the responsibility matrix as a chart");

// Tuning: what the company's history measured beside the policy's hours.
await admin.page.locator(".oc-tuning").scrollIntoViewIfNeeded();
await admin.page.waitForTimeout(500);
await shot(admin, "17-policy-tuning.png", "measured acceptance and stage times, suggested hours");

// At Risk says why: a Work Order planned to end after the promise.
await open_form(sales, "sales-order", data.at_risk);
await panel(sales);
await sales.page.waitForSelector(".oc-reason", { timeout: 30000 });
await shot(sales, "18-at-risk-explained.png", "At Risk, and why");

// The list: customer, stage, holder, promised date, status; and the panel on a phone.
await admin.page.goto("/app/order-coordination");
await admin.page.waitForSelector(".list-row-container", { timeout: 60000 });
await admin.page.waitForTimeout(1000);
await shot(admin, "19-order-list.png", "the list, without duplicate columns");
const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, baseURL: BASE });
await phone.request.post("/api/method/login", { form: { usr: data.users.sales, pwd: data.password } });
const mobile = { page: await phone.newPage(), context: phone, usr: data.users.sales };
await open_form(mobile, "sales-order", so);
await panel(mobile);
const hidden = await mobile.page.evaluate(
	() => [...document.querySelectorAll(".oc-pipeline .oc-step")].filter((s) => s.offsetParent).length
);
if (hidden > 3)
	throw new Error(`a phone shows ${hidden} pipeline steps, not the current one and its neighbours`);
await shot(mobile, "20-phone-pipeline.png", "a phone: the current step and its neighbours");

if (policy_made) await call_in_page(admin, FIXTURES + "remove_policy", { company: data.company });
await browser.close();
console.log("walk complete");
