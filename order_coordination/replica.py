"""The app's own read paths on a site with a read replica: while the replica cannot be reached they read the
primary instead of failing, and the Error Log says so once for each outage.

Frappe sends every `frappe.read_only()` path to the replica and never falls back: with the replica down,
each of them is a server error until an administrator sets `read_from_replica` to 0 (which a web process
notices only when its cached site config expires, up to a minute later). Ours are the reports of this app
(Frappe's report runner and its export, the Department Queue among them), the number cards' and charts'
sources and other methods of this app, and Frappe's list, report view and board requests for this app's
doctypes. Before such a request (the `before_request` hook) the replica's port is tried, at most once a
second in each process; when it does not answer, that one request runs with the replica turned off
(the site's config is copied for every request, so nothing else changes). Frappe's own paths (its
workspace page, lists of ERPNext doctypes) still fail with the replica, as Frappe makes them.
"""

import socket
import time

import frappe

CHECK_SECONDS = 1
CONNECT_TIMEOUT = 2
# Frappe's read paths that run on the replica and say which report or doctype they read.
REPORT_METHODS = (
	"frappe.desk.query_report.run",
	"frappe.desk.query_report.export_query",
	"frappe.desk.query_report.get_script",
)
LIST_METHODS = ("frappe.desk.reportview.", "frappe.desk.listview.", "frappe.client.get_count")
DOWN_KEY = "order_coordination:replica_down"

_last = {"at": 0.0, "up": True}  # this process's last look at the replica


def before_request():
	conf = frappe.local.conf
	if not conf.get("read_from_replica") or not is_ours(method_of_request(), frappe.form_dict):
		return
	if not replica_answers():
		conf.read_from_replica = 0


def method_of_request() -> str:
	request = getattr(frappe.local, "request", None)
	path = getattr(request, "path", "") or ""
	for prefix in ("/api/method/", "/api/v1/method/", "/api/v2/method/"):
		if path.startswith(prefix):
			return path[len(prefix) :]
	return frappe.form_dict.get("cmd") or ""


def is_ours(method: str, form: dict) -> bool:
	if method.startswith("order_coordination."):
		return True
	if method in REPORT_METHODS:
		return module_of("Report", form.get("report_name")) in app_modules()
	if method.startswith(LIST_METHODS):
		doctype = form.get("doctype")
		return bool(doctype) and module_of("DocType", doctype) in app_modules()
	return False


def app_modules() -> list[str]:
	return frappe.get_module_list("order_coordination")


def module_of(doctype: str, name) -> str | None:
	if not isinstance(name, str) or not name:
		return None
	return frappe.get_cached_value(doctype, name, "module") if frappe.db.exists(doctype, name) else None


def replica_answers() -> bool:
	"""Whether the replica's port answers; when it stops answering, one Error Log says the app's read paths
	went to the primary, and the next outage gets one of its own."""
	now = time.monotonic()
	if now - _last["at"] >= CHECK_SECONDS:
		conf = frappe.local.conf
		address = (conf.get("replica_host") or "127.0.0.1", int(conf.get("replica_db_port") or 3306))
		try:
			socket.create_connection(address, timeout=CONNECT_TIMEOUT).close()
			_last["up"] = True
		except OSError:
			_last["up"] = False
		_last["at"] = now
		said_down(not _last["up"], address)
	return _last["up"]


def said_down(down: bool, address) -> None:
	try:
		if not down:
			frappe.cache.delete(frappe.cache.make_key(DOWN_KEY))
			return
		first = frappe.cache.set(frappe.cache.make_key(DOWN_KEY), 1, nx=True, ex=24 * 3600)
	except Exception:
		first = down  # no Redis: better said twice than never
	if first:
		frappe.log_error(
			title="Order Coordination: the read replica cannot be reached; the app's reports, cards and "
			"lists read the primary until it answers again",
			message=f"Replica {address[0]}:{address[1]} did not answer within {CONNECT_TIMEOUT} s.",
		)
		frappe.db.commit()  # nosemgrep: before the request's own work; a read request commits nothing
