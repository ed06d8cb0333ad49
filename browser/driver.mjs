// The driver's phone in a real browser: the driver (the Delivery Driver role only) opens the trip online,
// loses the network, records three stops (a drawn signature, a photo), closes and reopens the page
// offline (the queue survives), finds a network and each stop is applied once; a page killed in the
// middle of sending leaves no duplicate. Then the measures: the page opening offline and on slow 3G,
// 100 queued attempts with signatures applied once online, and the same 100 sent again.
//
//   bench serve (a development site with allow_tests, developer_mode and ERPNext test records)
//   cd browser && node driver.mjs
//
// Environment: as walk.mjs (OC_URL, OC_ADMIN_PASSWORD, CHROMIUM), OC_SCREENSHOTS (default
// /tmp/oc/shots-23), OC_MEASURE=0 to skip the measures.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";

const BASE = process.env.OC_URL || "http://127.0.0.1:8000";
const SHOTS = process.env.OC_SCREENSHOTS || "/tmp/oc/shots-23";
const FIXTURES = "order_coordination.doorstep.fixtures.";
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
// The photo the driver takes: a picture of the stop's own card, taken once the page is open.
let PHOTO = null;
mkdirSync(SHOTS, { recursive: true });
const results = {};

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

function check(condition, message) {
	if (!condition) throw new Error("check failed: " + message);
	console.log("ok:", message);
}

async function signIn(options, login) {
	const ctx = await browser.newContext({ baseURL: BASE, ...options });
	const response = await ctx.request.post("/api/method/login", { form: login });
	if (!response.ok()) throw new Error(`login failed for ${login.usr}: ${response.status()}`);
	return ctx;
}

async function call(ctx, method, args = {}, get = false) {
	const response = get
		? await ctx.request.get(`/api/method/${method}`, { params: args })
		: await ctx.request.post(`/api/method/${method}`, {
				data: args,
				headers: { "X-Frappe-CSRF-Token": "None" },
				timeout: 600000,
			});
	const body = await response.json();
	if (!response.ok()) throw new Error(`${method}: ${JSON.stringify(body).slice(0, 400)}`);
	return body.message;
}

async function openDriver(ctx) {
	const page = await ctx.newPage();
	page.on("pageerror", (error) => console.error("page error:", error.message));
	const started = Date.now();
	await page.goto("/driver");
	await page.waitForFunction(() => self.ocDriverReady === true);
	return { page, ms: Date.now() - started };
}

async function waitSent(page, timeout = 60000) {
	const until = Date.now() + timeout;
	while ((await page.evaluate(() => self.ocQueue.pending())) > 0) {
		if (Date.now() > until) throw new Error("the queue was not sent in time");
		await page.waitForTimeout(50);
	}
}

async function recordStop(page, stop, outcome, reason, shot) {
	const row = page.locator(`.stop[data-stop="${stop}"]`);
	await row.locator(`button[data-outcome="${outcome}"]`).click();
	if (outcome === "Delivered") {
		await page.fill("#oc-recipient", "J. Chen");
		const box = await page.locator("#oc-signature").boundingBox();
		await page.mouse.move(box.x + 20, box.y + 100);
		await page.mouse.down();
		for (let i = 1; i <= 12; i += 1)
			await page.mouse.move(box.x + 20 + i * 22, box.y + 100 - (i % 2) * 50);
		await page.mouse.up();
	} else {
		await page.selectOption("#oc-reason", reason);
	}
	await page.setInputFiles("#oc-photos", { name: "door.png", mimeType: "image/png", buffer: PHOTO });
	await page.fill("#oc-note", "Left with the concierge");
	if (shot) await page.screenshot({ path: resolve(SHOTS, shot) });
	await page.click("#oc-sheet button[type=submit]");
	await page.waitForSelector("#oc-sheet.open", { state: "hidden" });
}

const admin = await signIn({}, { usr: "Administrator", pwd: process.env.OC_ADMIN_PASSWORD || "admin" });

// --- The walk: three stops offline, the queue surviving a closed page -----------------------------------
const day = await call(admin, FIXTURES + "prepare", { trips: 2, stops: 3, language: "en" });
const [first, second] = day.trips;
const phone = await signIn(
	{
		...PHONE,
		locale: "en-US",
		geolocation: { latitude: 51.5081, longitude: -0.128 },
		permissions: ["geolocation"],
	},
	{ usr: day.user, pwd: day.password }
);
let { page } = await openDriver(phone);
await page.waitForFunction(() => self.ocDriverLoaded === true);
await page.reload();
await page.waitForFunction(() => self.ocDriverLoaded === true);
await page.waitForSelector(`.stop[data-stop="${first.stops[0]}"]`);
await page.screenshot({ path: resolve(SHOTS, "driver-en-online.png") });
PHOTO = await page.locator(`.stop[data-stop="${first.stops[0]}"]`).screenshot();
await phone.setOffline(true);
await recordStop(page, first.stops[0], "Delivered", null, "driver-en-signature.png");
await recordStop(page, first.stops[1], "Failed Attempt", "Nobody home");
await recordStop(page, first.stops[2], "Delivered");
await page.waitForTimeout(600); // the list is drawn again once the (failed) send is over
await page
	.locator(`.trip[data-trip="${first.trip}"]`)
	.screenshot({ path: resolve(SHOTS, "driver-en-offline-queued.png") });
check(
	(await page.evaluate(() => self.ocQueue.pending())) === 6,
	"three attempts and three photos wait on the phone"
);
await page.close();
({ page } = await openDriver(phone));
check(
	await page.isVisible(`.stop[data-stop="${first.stops[0]}"] .state.queued`),
	"reopened offline, the queue is there"
);
check((await page.evaluate(() => self.ocQueue.pending())) === 6, "nothing was lost by closing the page");
let applied = await call(admin, FIXTURES + "applied", { trips: JSON.stringify([first.trip]) }, true);
check(applied.attempts.length === 0, "nothing reached the server while offline");
await phone.setOffline(false);
await waitSent(page);
console.log(
	"queue:",
	JSON.stringify(
		(await page.evaluate(() => self.ocQueue.all("attempts"))).map((a) => [a.outcome, a.state, a.error])
	)
);
applied = await call(admin, FIXTURES + "applied", { trips: JSON.stringify([first.trip]) }, true);
check(applied.attempts.length === 3, "online: each stop applied once");
check(new Set(applied.attempts.map((a) => a.delivery_stop)).size === 3, "one attempt per stop");
check(applied.photos.length === 3, "one photo per attempt");
check(applied.attempts.filter((a) => a.signature).length === 2, "the two deliveries carry their signatures");
check(
	applied.visited.length === 3 && applied.statuses[0] === "Completed",
	"the trip is completed as ERPNext counts it"
);
await page.reload();
await page.waitForFunction(() => self.ocDriverLoaded === true);
await page
	.locator(`.trip[data-trip="${first.trip}"]`)
	.screenshot({ path: resolve(SHOTS, "driver-en-sent.png") });

// --- A page killed in the middle of sending: no duplicates ----------------------------------------------
await phone.setOffline(true);
for (const stop of second.stops) await recordStop(page, stop, "Delivered");
await phone.setOffline(false);
await page.waitForTimeout(120); // sending has begun
await page.close({ runBeforeUnload: false });
({ page } = await openDriver(phone));
await waitSent(page);
applied = await call(admin, FIXTURES + "applied", { trips: JSON.stringify([second.trip]) }, true);
check(applied.attempts.length === 3, "killed mid-sync and reopened: three attempts, no duplicate");
check(applied.photos.length === 3, "and one photo each, none twice");

// The desk shows the proof on the trip.
const desk = await browser.newContext({ baseURL: BASE, viewport: { width: 1280, height: 900 } });
await desk.request.post("/api/method/login", {
	form: { usr: "Administrator", pwd: process.env.OC_ADMIN_PASSWORD || "admin" },
});
const form = await desk.newPage();
await form.goto(`/app/delivery-trip/${first.trip}`);
await form.waitForSelector(".oc-doorstep-proof .oc-proof-row", { state: "visible", timeout: 30000 });
check((await form.locator(".oc-proof-row").count()) === 3, "the Delivery Trip shows each stop's proof");
await form.screenshot({ path: resolve(SHOTS, "desk-trip-proof.png"), fullPage: true });
// v16's desk scrolls inside the page: the proof on its own as well.
await form.locator(".oc-doorstep-proof").screenshot({ path: resolve(SHOTS, "desk-trip-proof-section.png") });

// The failed stop's Delivery Note shows its proof, and puts it on a new trip with ERPNext's mapper.
applied = await call(admin, FIXTURES + "applied", { trips: JSON.stringify([first.trip]) }, true);
const failed = applied.attempts.find((a) => a.outcome === "Failed Attempt");
await form.goto(`/app/delivery-note/${failed.delivery_note}`);
// (The trip's form stays in the page, hidden: only what is visible counts.)
await form.waitForSelector(".oc-doorstep-proof .oc-reschedule >> visible=true", { timeout: 30000 });
await form
	.locator(".oc-doorstep-proof >> visible=true")
	.screenshot({ path: resolve(SHOTS, "desk-note-proof.png") });
await form.click(".oc-doorstep-proof .oc-reschedule >> visible=true");
await form.waitForURL(/\/(app|desk)\/delivery-trip\/new/, { timeout: 30000 }); // v16: /desk/
await form.waitForFunction(
	(note) => (cur_frm.doc.delivery_stops || []).some((s) => s.delivery_note === note),
	failed.delivery_note,
	{ timeout: 30000 }
);
check(true, "the failed stop's Delivery Note is put on a new trip by ERPNext's mapper");

// Chinese.
await call(admin, FIXTURES + "set_language", { language: "zh" });
const zh = await signIn({ ...PHONE, locale: "zh-CN" }, { usr: day.user, pwd: day.password });
const zhPage = (await openDriver(zh)).page;
await zhPage.waitForFunction(() => self.ocDriverLoaded === true);
await zhPage.reload();
await zhPage.waitForFunction(() => self.ocDriverLoaded === true);
await zhPage
	.locator(`.trip[data-trip="${second.trip}"]`)
	.screenshot({ path: resolve(SHOTS, "driver-zh-trip.png") });
await zhPage.locator(`.stop[data-stop="${second.stops[0]}"] button[data-outcome="Failed Attempt"]`).click();
await zhPage.selectOption("#oc-reason", "Nobody home");
await zhPage.screenshot({ path: resolve(SHOTS, "driver-zh-failed.png") });
await call(admin, FIXTURES + "set_language", { language: "en" });

// --- Measures --------------------------------------------------------------------------------------------
if (process.env.OC_MEASURE !== "0") {
	// The page opening from its cache, offline.
	await page.close();
	await phone.setOffline(true);
	const offline = [];
	for (let i = 0; i < 5; i += 1) {
		const opened = await openDriver(phone);
		offline.push(opened.ms);
		await opened.page.close();
	}
	results.open_offline_ms = offline;
	await phone.setOffline(false);

	// Slow 3G (Chrome DevTools' profile: 400 ms latency, 400 kbit/s down, 400 kbit/s up): warm (the service
	// worker answers, refreshing behind) and cold (a new phone, nothing cached).
	async function slow3g(ctx) {
		const probe = await ctx.newPage();
		const cdp = await ctx.newCDPSession(probe);
		await cdp.send("Network.enable");
		await cdp.send("Network.emulateNetworkConditions", {
			offline: false,
			latency: 400,
			downloadThroughput: (400 * 1024) / 8,
			uploadThroughput: (400 * 1024) / 8,
		});
		const started = Date.now();
		await probe.goto("/driver");
		await probe.waitForFunction(() => self.ocDriverReady === true);
		const ms = Date.now() - started;
		await probe.close();
		return ms;
	}
	results.open_slow3g_warm_ms = await slow3g(phone);
	const fresh = await signIn(PHONE, { usr: day.user, pwd: day.password });
	results.open_slow3g_cold_ms = await slow3g(fresh);

	// 100 attempts with signatures queued offline, applied once online; then the same 100 sent again.
	const hundred = await call(admin, FIXTURES + "prepare", { trips: 5, stops: 20, language: "en" });
	const bench = await signIn(PHONE, { usr: hundred.user, pwd: hundred.password });
	const b = (await openDriver(bench)).page;
	await b.waitForFunction(() => self.ocDriverLoaded === true);
	await bench.setOffline(true);
	const stops = hundred.trips.flatMap((t) => t.stops.map((stop) => [t.trip, stop]));
	await b.evaluate(async (names) => {
		const canvas = document.createElement("canvas");
		canvas.width = 300;
		canvas.height = 120;
		const ctx = canvas.getContext("2d");
		let n = 0;
		for (const [trip, stop] of names) {
			ctx.clearRect(0, 0, 300, 120);
			ctx.beginPath();
			ctx.moveTo(10, 60);
			for (let x = 10; x < 290; x += 20) ctx.lineTo(x, 30 + ((x + n) % 60));
			ctx.stroke();
			n += 7;
			await self.ocQueue.put("attempts", {
				id: crypto.randomUUID(),
				trip,
				stop,
				outcome: "Delivered",
				recipient: "J. Chen",
				signature: canvas.toDataURL("image/png"),
				latitude: 51.5081,
				longitude: -0.128,
				accuracy: 12,
				recorded_at: new Date().toISOString(),
				created: Date.now() + n,
				state: "queued",
			});
		}
	}, stops);
	await bench.setOffline(false);
	let started = Date.now();
	await b.evaluate(() => self.ocQueue.sync());
	await waitSent(b, 120000);
	results.hundred_applied_ms = Date.now() - started;
	applied = await call(
		admin,
		FIXTURES + "applied",
		{ trips: JSON.stringify(hundred.trips.map((t) => t.trip)) },
		true
	);
	check(
		applied.attempts.length === 100 && applied.visited.length === 100,
		"100 attempts applied, 100 stops visited"
	);
	await b.evaluate(async () => {
		for (const a of await self.ocQueue.all("attempts"))
			await self.ocQueue.put("attempts", { ...a, state: "queued" });
	});
	started = Date.now();
	await b.evaluate(() => self.ocQueue.sync());
	results.hundred_repeated_ms = Date.now() - started;
	applied = await call(
		admin,
		FIXTURES + "applied",
		{ trips: JSON.stringify(hundred.trips.map((t) => t.trip)) },
		true
	);
	check(applied.attempts.length === 100, "the same 100 sent again create nothing");
	console.log("measures:", JSON.stringify(results));
}

await browser.close();
