// The driver's queue, shared by the page and its service worker: what the driver recorded is written on
// the phone first (IndexedDB) and sent from here when there is a network, attempts first, then their
// photos. Sending is safe to repeat: the server keeps one attempt per id, and a photo already attached
// under its name is not sent again. One sender at a time (Web Locks where the browser has them).

self.ocQueue = (() => {
	const DB_NAME = "oc-driver";
	const API = "/api/method/";
	let opened = null;

	function open() {
		if (opened) return opened;
		opened = new Promise((resolve, reject) => {
			const request = indexedDB.open(DB_NAME, 1);
			request.onupgradeneeded = () => {
				const db = request.result;
				db.createObjectStore("day");
				db.createObjectStore("attempts", { keyPath: "id" });
				db.createObjectStore("photos", { keyPath: "key" });
			};
			request.onsuccess = () => resolve(request.result);
			request.onerror = () => reject(request.error);
		});
		return opened;
	}

	async function tx(store, mode, work) {
		const db = await open();
		return new Promise((resolve, reject) => {
			const t = db.transaction(store, mode);
			const result = work(t.objectStore(store));
			t.oncomplete = () => resolve(result && "result" in result ? result.result : result);
			t.onerror = () => reject(t.error);
			t.onabort = () => reject(t.error);
		});
	}

	const get = (store, key) => tx(store, "readonly", (s) => s.get(key));
	const all = (store) => tx(store, "readonly", (s) => s.getAll());
	const put = (store, value, key) =>
		tx(store, "readwrite", (s) => (key === undefined ? s.put(value) : s.put(value, key)));

	async function token() {
		const day = await get("day", "day");
		return (day && day.csrf_token) || "";
	}

	async function refreshToken() {
		const response = await timed(API + "order_coordination.doorstep.trips.my_trips", {
			credentials: "same-origin",
			headers: { Accept: "application/json" },
		});
		if (response.ok) await put("day", (await response.json()).message, "day");
	}

	// A request that hangs (a network that is there but does not answer) gives up, and is tried again.
	const WAIT_MS = 20000;
	const LANES = 3;
	function timed(url, options) {
		const controller = new AbortController();
		const timer = setTimeout(() => controller.abort(), WAIT_MS);
		return fetch(url, { ...options, signal: controller.signal }).finally(() => clearTimeout(timer));
	}

	async function post(method, body, csrf) {
		const response = await timed(API + method, {
			method: "POST",
			credentials: "same-origin",
			headers: { Accept: "application/json", "X-Frappe-CSRF-Token": csrf },
			body,
		});
		let data = {};
		try {
			data = await response.json();
		} catch {
			data = {};
		}
		return { ok: response.ok, status: response.status, data };
	}

	function serverMessage(data) {
		try {
			const messages = JSON.parse(data._server_messages || "[]");
			return messages.map((m) => JSON.parse(m).message).join(" ");
		} catch {
			return data.exception || "";
		}
	}

	async function sendAttempt(attempt, csrf) {
		const body = new URLSearchParams();
		for (const key of [
			"outcome",
			"reason",
			"recipient",
			"note",
			"signature",
			"latitude",
			"longitude",
			"accuracy",
			"recorded_at",
		]) {
			if (attempt[key] !== null && attempt[key] !== undefined && attempt[key] !== "")
				body.set(key, attempt[key]);
		}
		body.set("attempt_id", attempt.id);
		body.set("delivery_stop", attempt.stop);
		const answer = await post("order_coordination.api.record_delivery_attempt", body, csrf);
		const kind = answer.data.exc_type || "";
		if (answer.ok) {
			attempt.state = "sent";
			attempt.name = answer.data.message.name;
		} else if (kind === "CSRFTokenError" || kind === "SessionExpired") {
			// Signed in again since the day was loaded: the next try takes the new session's token.
			await refreshToken();
			throw new Error(kind);
		} else if (answer.status === 417 || (answer.status === 403 && kind === "PermissionError")) {
			// Refused by the server (a rule, a cancelled trip, not this driver's trip): kept on the
			// phone, shown with the reason; trying again would not change the answer.
			attempt.state = "refused";
			attempt.error = serverMessage(answer.data);
		} else {
			throw new Error("server " + answer.status); // busy, down, a conflict: tried again
		}
		await put("attempts", attempt);
		return attempt;
	}

	async function sendPhoto(photo, attempt, csrf, attached) {
		if (!attached.includes(photo.file_name)) {
			const form = new FormData();
			form.append("file", photo.blob, photo.file_name);
			form.append("doctype", "Delivery Attempt");
			form.append("docname", attempt.name);
			form.append("is_private", "1");
			form.append("file_name", photo.file_name);
			const answer = await post("upload_file", form, csrf);
			if (!answer.ok) throw new Error("upload " + answer.status);
		}
		photo.state = "sent";
		photo.blob = null; // sent: the phone need not keep it
		await put("photos", photo);
	}

	async function attachedNames(attempt) {
		const response = await timed(
			API +
				"order_coordination.doorstep.trips.my_photos?" +
				new URLSearchParams({ attempt: attempt.name }),
			{ credentials: "same-origin", headers: { Accept: "application/json" } }
		);
		if (!response.ok) throw new Error("photos " + response.status);
		return (await response.json()).message || [];
	}

	async function drain() {
		const csrf = await token();
		const attempts = (await all("attempts")).sort((a, b) => a.created - b.created);
		// Each trip's attempts in the order they were made (the server serves one trip's reports one
		// after the other anyway); a few trips at once.
		const byTrip = {};
		for (const attempt of attempts.filter((a) => a.state === "queued")) {
			(byTrip[attempt.trip || attempt.stop] = byTrip[attempt.trip || attempt.stop] || []).push(attempt);
		}
		const lanes = Object.values(byTrip);
		const worker = async () => {
			for (let lane = lanes.shift(); lane; lane = lanes.shift()) {
				for (const attempt of lane) await sendAttempt(attempt, csrf);
			}
		};
		await Promise.all(Array.from({ length: Math.min(LANES, lanes.length) }, worker));
		const sent = Object.fromEntries(
			(await all("attempts")).filter((a) => a.state === "sent").map((a) => [a.id, a])
		);
		const photos = (await all("photos")).filter((p) => p.state === "queued" && sent[p.attempt]);
		const byAttempt = {};
		for (const photo of photos) (byAttempt[photo.attempt] = byAttempt[photo.attempt] || []).push(photo);
		for (const [id, list] of Object.entries(byAttempt)) {
			const attached = await attachedNames(sent[id]);
			for (const photo of list) await sendPhoto(photo, sent[id], csrf, attached);
		}
	}

	// Send what is queued; resolves true when nothing is left to send. Never throws: a lost network
	// leaves the rest queued for the next try. While another sender (the page or the worker) holds the
	// queue, this one does not wait for it: it answers false and is asked again later.
	async function sync() {
		const run = async () => {
			try {
				await drain();
			} catch {
				return false;
			}
			return (await pending()) === 0;
		};
		if (!(self.navigator && navigator.locks)) return run();
		return navigator.locks.request("oc-driver-sync", { ifAvailable: true }, (lock) =>
			lock ? run() : false
		);
	}

	// What is still to send: queued attempts, and queued photos of attempts not refused (those stay on
	// the phone with their attempt, shown with the server's reason).
	async function pending() {
		const attempts = await all("attempts");
		const refused = new Set(attempts.filter((a) => a.state === "refused").map((a) => a.id));
		const photos = (await all("photos")).filter((p) => p.state === "queued" && !refused.has(p.attempt));
		return attempts.filter((a) => a.state === "queued").length + photos.length;
	}

	return { open, get, all, put, sync, pending, timed };
})();
