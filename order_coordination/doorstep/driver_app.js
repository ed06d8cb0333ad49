// The driver's page: the day's trips kept on the phone, each stop's outcome recorded on the phone first
// (an id made here, crypto.randomUUID) and sent by ocQueue when there is a network: when the page opens,
// on the `online` event, and by Background Sync where the browser has it.
/* global ocQueue */
self.__ =
	self.__ ||
	function (text, args) {
		let out = (self.OC_MESSAGES || {})[text] || text;
		(args || []).forEach((value, i) => {
			out = out.split("{" + i + "}").join(value);
		});
		return out;
	};

(() => {
	const root = document.getElementById("oc-driver");
	if (!root || root.dataset.driver !== "1") return;
	const sheet = document.getElementById("oc-sheet");
	const esc = (value) =>
		String(value === null || value === undefined ? "" : value).replace(
			/[&<>"']/g,
			(c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]
		);
	const OUTCOME_WORDS = {
		Delivered: __("Delivered"),
		"Failed Attempt": __("Failed Attempt"),
		Refused: __("Refused"),
	};
	const RETRY_MS = 5000;
	let day = null;
	let local = {}; // stop -> the latest attempt recorded on this phone

	async function loadLocal() {
		local = {};
		const attempts = (await ocQueue.all("attempts")).sort((a, b) => a.created - b.created);
		for (const a of attempts) local[a.stop] = a;
	}

	async function fetchDay() {
		try {
			const response = await ocQueue.timed("/api/method/order_coordination.doorstep.trips.my_trips", {
				credentials: "same-origin",
				headers: { Accept: "application/json" },
			});
			if (!response.ok) return;
			const fresh = (await response.json()).message;
			await ocQueue.put("day", fresh, "day");
			day = fresh;
		} catch {
			// No network: the day kept on the phone stays.
		}
	}

	const plainAddress = (html) =>
		(html || "")
			.replace(/<br\s*\/?>/gi, ", ")
			.replace(/<[^>]*>/g, "")
			.replace(/(\s*,\s*)+/g, ", ")
			.replace(/^, |, $/g, "");

	function when(value) {
		const at = value ? new Date(String(value).replace(" ", "T")) : null;
		if (!at || isNaN(at)) return value || "";
		return at.toLocaleString(document.documentElement.lang || undefined, {
			weekday: "short",
			day: "numeric",
			month: "short",
			hour: "2-digit",
			minute: "2-digit",
		});
	}

	function mapLink(stop) {
		if (stop.lat || stop.lng) return `geo:${stop.lat},${stop.lng}?q=${stop.lat},${stop.lng}`;
		const address = plainAddress(stop.customer_address);
		return "https://www.google.com/maps/search/?api=1&query=" + encodeURIComponent(address);
	}

	function stateOf(stop) {
		const mine = local[stop.name];
		if (mine) return { outcome: mine.outcome, queued: mine.state !== "sent", error: mine.error };
		return { outcome: stop.outcome, queued: false };
	}

	function renderStop(trip, stop) {
		const state = stateOf(stop);
		const badge = state.outcome
			? `<span class="state ${esc(state.outcome.split(" ")[0])} ${state.queued ? "queued" : ""}">${esc(
					OUTCOME_WORDS[state.outcome] || state.outcome
				)}${state.queued ? " · " + esc(__("waiting to send")) : ""}</span>`
			: `<span class="state">${esc(__("To deliver"))}</span>`;
		const address = plainAddress(stop.customer_address);
		const phone = stop.phone
			? `<a href="tel:${esc(stop.phone.replace(/[^0-9+]/g, ""))}">${esc(__("Call"))} ${esc(stop.phone)}</a>`
			: "";
		const lines = (stop.lines || [])
			.map((l) => `<li>${esc(l.qty)} ${esc(l.uom || "")} × ${esc(l.item_name || l.item_code)}</li>`)
			.join("");
		return `<div class="stop" data-stop="${esc(stop.name)}">
			${badge}
			<div class="who">${esc(stop.idx)}. ${esc(stop.customer)}</div>
			<div class="muted">${esc(address)}</div>
			<div class="links">${phone} <a href="${esc(mapLink(stop))}">${esc(__("Open in maps"))}</a></div>
			${stop.delivery_note ? `<div class="muted">${esc(stop.delivery_note)}</div>` : ""}
			<ul class="lines">${lines}</ul>
			${state.error ? `<div class="error">${esc(state.error)}</div>` : ""}
			<div class="actions">
				<button type="button" class="primary" data-outcome="Delivered">${esc(__("Delivered"))}</button>
				<button type="button" data-outcome="Failed Attempt">${esc(__("Failed Attempt"))}</button>
				<button type="button" data-outcome="Refused">${esc(__("Refused"))}</button>
			</div>
		</div>`;
	}

	function render() {
		if (!day) {
			root.innerHTML = `<div class="card empty">${esc(__("Open this page once with a network to load your trips."))}</div>`;
			return;
		}
		if (!day.trips.length) {
			root.innerHTML = `<div class="card empty">${esc(__("No trips for you today."))}</div>`;
			return;
		}
		root.innerHTML = day.trips
			.map(
				(trip) => `<section class="card trip" data-trip="${esc(trip.name)}">
				<h2>${esc(trip.name)}</h2>
				<div class="muted">${esc(when(trip.departure_time))} · ${esc(trip.vehicle || "")}</div>
				${trip.stops.map((stop) => renderStop(trip, stop)).join("")}
			</section>`
			)
			.join("");
	}

	async function renderStatus() {
		const net = document.getElementById("oc-net");
		net.textContent = navigator.onLine ? __("Online") : __("Offline");
		net.className = "pill" + (navigator.onLine ? "" : " offline");
		const waiting = await ocQueue.pending();
		document.getElementById("oc-queue").textContent = waiting
			? __("{0} to send", [waiting])
			: __("All sent");
	}

	function findStop(name) {
		for (const trip of day.trips)
			for (const stop of trip.stops) if (stop.name === name) return [trip, stop];
		return [null, null];
	}

	function tripOf(stopName) {
		const [trip] = findStop(stopName);
		return trip ? trip.name : null;
	}

	function rulesFor(trip) {
		return (day.rules || {})[trip.company] || { requirements: {}, reasons: [] };
	}

	function position() {
		return new Promise((resolve) => {
			if (!navigator.geolocation) return resolve(null);
			navigator.geolocation.getCurrentPosition(
				(p) =>
					resolve({
						latitude: p.coords.latitude,
						longitude: p.coords.longitude,
						accuracy: p.coords.accuracy,
					}),
				() => resolve(null),
				{ enableHighAccuracy: true, timeout: 8000, maximumAge: 60000 }
			);
		});
	}

	function signaturePad(canvas) {
		const ctx = canvas.getContext("2d");
		let drawing = false;
		let drawn = false;
		const fit = () => {
			const ratio = self.devicePixelRatio || 1;
			canvas.width = canvas.clientWidth * ratio;
			canvas.height = canvas.clientHeight * ratio;
			ctx.scale(ratio, ratio);
			ctx.lineWidth = 2;
			ctx.lineCap = "round";
			ctx.strokeStyle = "#111827";
		};
		fit();
		const at = (e) => {
			const r = canvas.getBoundingClientRect();
			return [e.clientX - r.left, e.clientY - r.top];
		};
		canvas.addEventListener("pointerdown", (e) => {
			drawing = true;
			canvas.setPointerCapture(e.pointerId);
			ctx.beginPath();
			ctx.moveTo(...at(e));
		});
		canvas.addEventListener("pointermove", (e) => {
			if (!drawing) return;
			ctx.lineTo(...at(e));
			ctx.stroke();
			drawn = true;
		});
		canvas.addEventListener("pointerup", () => (drawing = false));
		return {
			drawn: () => drawn,
			clear: () => {
				ctx.clearRect(0, 0, canvas.width, canvas.height);
				drawn = false;
			},
			png: () => canvas.toDataURL("image/png"),
		};
	}

	function openSheet(stopName, outcome) {
		const [trip, stop] = findStop(stopName);
		const rules = rulesFor(trip);
		const need = rules.requirements[outcome] || {};
		const reasons = (rules.reasons || [])
			.map((r) => `<option value="${esc(r)}">${esc((rules.reason_labels || {})[r] || r)}</option>`)
			.join("");
		sheet.innerHTML = `<form novalidate>
			<h3>${esc(OUTCOME_WORDS[outcome])} · ${esc(stop.customer)}</h3>
			${
				outcome === "Delivered"
					? `<label for="oc-recipient">${esc(__("Received by"))}</label>
				<input id="oc-recipient" name="recipient" autocomplete="off">
				<label>${esc(__("Signature"))} ${need.signature ? "*" : ""}</label>
				<canvas id="oc-signature" aria-label="${esc(__("Signature"))}"></canvas>
				<button type="button" id="oc-clear">${esc(__("Clear"))}</button>`
					: `<label for="oc-reason">${esc(__("Reason"))} ${outcome === "Failed Attempt" ? "*" : ""}</label>
				<select id="oc-reason" name="reason"><option value=""></option>${reasons}</select>`
			}
			<label for="oc-photos">${esc(__("Photos"))} ${need.photo ? "*" : ""}</label>
			<input id="oc-photos" name="photos" type="file" accept="image/*" capture="environment" multiple>
			<label for="oc-note">${esc(__("Note"))}</label>
			<textarea id="oc-note" name="note" rows="2"></textarea>
			<div class="error" id="oc-error"></div>
			<div class="actions">
				<button type="button" id="oc-cancel">${esc(__("Cancel"))}</button>
				<button type="submit" class="primary">${esc(__("Save"))}</button>
			</div>
		</form>`;
		sheet.classList.add("open");
		const form = sheet.querySelector("form");
		const pad = outcome === "Delivered" ? signaturePad(sheet.querySelector("#oc-signature")) : null;
		if (pad) sheet.querySelector("#oc-clear").onclick = () => pad.clear();
		sheet.querySelector("#oc-cancel").onclick = () => sheet.classList.remove("open");
		form.onsubmit = async (e) => {
			e.preventDefault();
			const error = sheet.querySelector("#oc-error");
			const files = Array.from(sheet.querySelector("#oc-photos").files || []);
			const reason = outcome === "Delivered" ? "" : sheet.querySelector("#oc-reason").value;
			const recipient =
				outcome === "Delivered" ? sheet.querySelector("#oc-recipient").value.trim() : "";
			if (outcome === "Failed Attempt" && !reason) return (error.textContent = __("Choose a reason"));
			if (need.signature && pad && !pad.drawn())
				return (error.textContent = __("Ask the recipient to sign"));
			if (need.signature && pad && !recipient)
				return (error.textContent = __("Say who received the goods"));
			if (need.photo && !files.length) return (error.textContent = __("Take a photo"));
			const place = await position();
			if (need.position && !place)
				return (error.textContent = __("Allow the page to read your position"));
			await record(
				stop,
				outcome,
				{
					reason,
					recipient,
					note: sheet.querySelector("#oc-note").value.trim(),
					signature: pad && pad.drawn() ? pad.png() : "",
					...(place || {}),
				},
				files
			);
			sheet.classList.remove("open");
		};
	}

	async function record(stop, outcome, values, files) {
		const id = crypto.randomUUID();
		const attempt = {
			id,
			stop: stop.name,
			trip: tripOf(stop.name),
			outcome,
			...values,
			recorded_at: new Date().toISOString(),
			created: Date.now(),
			state: "queued",
		};
		await ocQueue.put("attempts", attempt);
		let n = 0;
		for (const file of files) {
			n += 1;
			const extension = (file.name.split(".").pop() || "jpg").toLowerCase().replace(/[^a-z0-9]/g, "");
			await ocQueue.put("photos", {
				key: `${id}:${n}`,
				attempt: id,
				file_name: `${id}-${n}.${extension}`,
				blob: file,
				state: "queued",
			});
		}
		local[stop.name] = attempt;
		render();
		await renderStatus();
		send();
	}

	let sending = null;
	async function send() {
		if (sending) return sending;
		sending = (async () => {
			try {
				// Tried even when the browser says it is offline: it is sometimes wrong, and a failed
				// try costs nothing (the queue stays).
				await ocQueue.sync();
			} finally {
				sending = null;
			}
			const before = JSON.stringify(Object.values(local).map((a) => [a.id, a.state]));
			await loadLocal();
			// Drawn again only when something was sent or refused: a failed try changes nothing.
			if (JSON.stringify(Object.values(local).map((a) => [a.id, a.state])) !== before) render();
			await renderStatus();
		})();
		if (navigator.serviceWorker && navigator.serviceWorker.ready) {
			navigator.serviceWorker.ready
				.then((reg) => reg.sync && reg.sync.register("oc-driver-sync"))
				.catch(() => null);
		}
		return sending;
	}

	root.addEventListener("click", (e) => {
		const button = e.target.closest("button[data-outcome]");
		if (button) openSheet(button.closest(".stop").dataset.stop, button.dataset.outcome);
	});
	self.addEventListener("online", () => {
		renderStatus();
		send().then(fetchDay).then(render);
	});
	self.addEventListener("offline", renderStatus);
	if (navigator.serviceWorker) {
		navigator.serviceWorker.addEventListener("message", (e) => {
			if (e.data === "oc-driver-synced") loadLocal().then(render).then(renderStatus);
		});
		navigator.serviceWorker
			.register("/api/method/order_coordination.doorstep.page.service_worker", { scope: "/driver" })
			.catch(() => null);
	}

	(async () => {
		day = (await ocQueue.get("day", "day")) || null;
		// The page is for the user signed in: a day kept for someone else on this phone is not shown.
		if (day && day.user !== root.dataset.user) day = null;
		await loadLocal();
		render();
		await renderStatus();
		self.ocDriverReady = true;
		// Until the queue is empty, try again every few seconds (an answer lost, another sender busy, a
		// server that was down, a browser that never says it is online again).
		setInterval(async () => {
			if (!sending && (await ocQueue.pending())) send();
		}, RETRY_MS);
		await send();
		await fetchDay();
		render();
		self.ocDriverLoaded = true;
	})();
})();
