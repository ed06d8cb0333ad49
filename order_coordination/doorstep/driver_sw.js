// The driver's page's service worker (served after driver_queue.js by page.service_worker): the page
// opens from its cache at once, online or not, and is refreshed behind it; Background Sync, where the
// browser has it, sends the queue even with the page closed (the page sends it too: on opening and on
// the `online` event, for the browsers without it).
/* global ocQueue */
const PAGE = "/driver";
const CACHE = "oc-driver-v1";

self.addEventListener("install", (event) => {
	event.waitUntil(
		caches
			.open(CACHE)
			.then((cache) => cache.add(PAGE))
			.catch(() => null)
			.then(() => self.skipWaiting())
	);
});

self.addEventListener("activate", (event) => {
	event.waitUntil(
		caches
			.keys()
			.then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
			.then(() => self.clients.claim())
	);
});

async function refreshPage(cache) {
	const response = await fetch(PAGE, { credentials: "same-origin", cache: "no-store" });
	// A signed-out visit is sent to the login page: that is not the driver's page, keep the last one.
	if (response.ok && !response.redirected) await cache.put(PAGE, response.clone());
	return response;
}

async function openPage(event) {
	const cache = await caches.open(CACHE);
	const cached = await cache.match(PAGE, { ignoreSearch: true });
	const fresh = refreshPage(cache);
	if (cached) {
		event.waitUntil(fresh.catch(() => null));
		return cached;
	}
	return fresh;
}

self.addEventListener("fetch", (event) => {
	const request = event.request;
	const url = new URL(request.url);
	if (request.method !== "GET" || url.origin !== self.location.origin) return;
	if (request.mode === "navigate" && url.pathname === PAGE) event.respondWith(openPage(event));
});

self.addEventListener("sync", (event) => {
	if (event.tag !== "oc-driver-sync") return;
	event.waitUntil(
		ocQueue.sync().then(async (done) => {
			for (const client of await self.clients.matchAll()) client.postMessage("oc-driver-synced");
			// Rejecting asks the browser to try again later.
			if (!done) throw new Error("queue not empty");
		})
	);
});
