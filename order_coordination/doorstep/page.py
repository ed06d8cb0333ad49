"""The driver's page's service worker. Frappe serves a www page's scripts inside the page and its files
under /assets/, whose scope does not cover /driver; so the worker's script is answered here, with
`Service-Worker-Allowed: /driver` so the page may register it for its own path. It holds no data: anyone
may fetch it."""

from pathlib import Path

import frappe
from frappe.rate_limiter import rate_limit
from werkzeug.wrappers import Response

HERE = Path(__file__).parent
# The queue is the page's and the worker's: the worker's script is the queue, then the worker itself.
WORKER_PARTS = ("driver_queue.js", "driver_sw.js")
SCOPE = "/driver"


@frappe.whitelist(allow_guest=True, methods=["GET"])
@rate_limit(limit=120, seconds=60)
def service_worker():
	script = "\n".join((HERE / part).read_text(encoding="utf-8") for part in WORKER_PARTS)
	response = Response(script, mimetype="application/javascript")
	response.headers["Service-Worker-Allowed"] = SCOPE
	# The browser checks for a new worker on each visit; it must not be served from an HTTP cache.
	response.headers["Cache-Control"] = "no-cache"
	return response
