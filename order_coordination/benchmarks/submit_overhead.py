"""What the app costs on the path of an ERPNext submit: Sales Order, Work Order and Delivery Note
submitted with the app's doc_events and without them, on the same site, in alternating rounds of one
process.

Two ways of submitting are measured. `doc.submit()` alone, everything rolled back at the end: ERPNext's
submit and the app's handlers inside it, nothing else. And, with `desk=True`, the desk's Submit as a user
makes it: the desk's own call (`savedocs`) on the saved draft, then the request's commit and what runs
after it (realtime messages and queued jobs, the app's included). A commit cannot be rolled back: the
desk runs keep their documents, so they run only on a development site.

	bench --site test_site execute order_coordination.benchmarks.submit_overhead.run --kwargs "{'rounds': 30}"
	bench --site test_site execute order_coordination.benchmarks.submit_overhead.table --kwargs "{'desk': True}"
"""

import gc
import importlib
import statistics
import time
from contextlib import contextmanager

import frappe

from order_coordination.tests.utils import (
	MADE,
	add_stock,
	make_items,
	make_order,
	make_work_orders_for,
	only_on_a_development_site,
	produce,
)

OURS = "order_coordination."
# Seconds spent inside this app's own handlers during the submit being timed: its share, apart from
# ERPNext's, which alternating rounds can only estimate on a noisy machine.
SHARE = {"seconds": 0.0}


def hooks_with(with_app: bool) -> dict:
	"""The doc_events hooks with or without this app's handlers."""
	forget_hooks()
	hooks = frappe.get_doc_hooks()
	if with_app:
		return hooks
	return {
		doctype: {event: [fn for fn in fns if not fn.startswith(OURS)] for event, fns in events.items()}
		for doctype, events in hooks.items()
	}


GET_DOC_HOOKS = frappe.get_doc_hooks


def doc_hooks_of_the_round():
	"""`frappe.get_doc_hooks` while the desk is measured: a request starts with a context of its own."""
	return DESK["hooks"] if DESK["hooks"] is not None else GET_DOC_HOOKS()


def forget_hooks():
	if hasattr(frappe.local, "doc_events_hooks"):
		del frappe.local.doc_events_hooks


# The app's own work after a commit, done in the request: the notifications' job queued.
AFTER_COMMIT = ("order_coordination.outbox.enqueue_delivery",)


@contextmanager
def handlers_timed(hooks: dict):
	"""Have each of this app's doc_event handlers, and its work after commit, add its time to SHARE while
	the block runs."""
	paths = [path for events in hooks.values() for fns in events.values() for path in fns]
	replaced = []
	for path in dict.fromkeys([*paths, *AFTER_COMMIT]):
		if not path.startswith(OURS):
			continue
		module_name, name = path.rsplit(".", 1)
		module = importlib.import_module(module_name)
		handler = getattr(module, name)

		def timed(*args, _handler=handler, **kwargs):
			start = time.perf_counter()
			try:
				return _handler(*args, **kwargs)
			finally:
				SHARE["seconds"] += time.perf_counter() - start

		replaced.append((module, name, handler))
		setattr(module, name, timed)
	try:
		yield
	finally:
		for module, name, handler in replaced:
			setattr(module, name, handler)


def _timed(fn) -> tuple[float, float]:
	"""How long `fn` took, and how much of it this app's handlers took."""
	SHARE["seconds"] = 0.0
	start = time.perf_counter()
	fn()
	return time.perf_counter() - start, SHARE["seconds"]


def submitted(doc, desk: bool) -> tuple[float, float]:
	"""Submit a saved draft, timed: `doc.submit()`, or with `desk` the desk's Submit as a request of its
	own (the draft committed first, so that the commit timed is the submit's)."""
	if not desk:
		return _timed(doc.submit)
	frappe.db.commit()
	payload = {"doc": frappe.as_json(doc.as_dict()), "action": "Submit"}
	site, sites_path = frappe.local.site, frappe.local.sites_path
	frappe.db.close()
	response = []
	try:
		times = _timed(lambda: response.append(desk_request(site, "frappe.desk.form.save.savedocs", payload)))
	finally:
		frappe.init(site, sites_path=sites_path, force=True)  # this process's context, set up again
		frappe.connect()
		frappe.flags.mute_emails = True
		if DESK["hooks"] is not None:
			frappe.local.doc_events_hooks = DESK["hooks"]
	status, body = response[0]
	if status != 200:
		raise RuntimeError(f"The desk's Submit answered {status}: {body[:2000]}")
	doc.reload()
	return times


def desk_request(site: str, method: str, data: dict) -> tuple[int, str]:
	"""One POST to the site as the desk sends it, through Frappe's own WSGI application in this process:
	the request's own context, connection and session, the method, the commit and what runs after it
	(realtime messages, queued jobs), and what Frappe does once it has answered."""
	from frappe.app import application
	from werkzeug.test import Client

	key, secret = DESK["keys"]
	response = Client(application).post(
		f"/api/method/{method}",
		data=data,
		headers={"Authorization": f"token {key}:{secret}", "X-Frappe-Site-Name": site},
	)
	body = response.get_data(as_text=True)
	response.close()
	return response.status_code, body


# The desk's requests: the API key of the Administrator (made if it has none, never changed), and the
# doc_events hooks every request of a round uses.
DESK = {"keys": None, "hooks": None}


def administrator_keys() -> tuple[str, str]:
	from frappe.core.doctype.user.user import generate_keys
	from frappe.utils.password import get_decrypted_password

	key = frappe.db.get_value("User", "Administrator", "api_key")
	secret = key and get_decrypted_password("User", "Administrator", "api_secret", raise_exception=False)
	if not (key and secret):
		secret = generate_keys("Administrator")["api_secret"]  # v15 does not return the key
		key = frappe.db.get_value("User", "Administrator", "api_key")
		frappe.db.commit()
	return key, secret


def one_round(lines: int, desk: bool = False) -> dict[str, float]:
	from erpnext.selling.doctype.sales_order.sales_order import make_delivery_note

	so = make_order(item_code=MADE, qty=1, do_not_submit=True)
	for _ in range(lines - 1):
		so.append("items", {**so.items[0].as_dict(), "name": None, "idx": None})
	so.save()
	times = {"Sales Order": submitted(so, desk)}
	(wo,) = make_work_orders_for(so, submit=False)[:1]
	times["Work Order"] = submitted(wo, desk)
	produce(wo, wo.qty)
	add_stock(MADE, lines)
	dn = make_delivery_note(so.name)
	dn.insert()
	times["Delivery Note"] = submitted(dn, desk)
	return times


def run(rounds: int = 20, lines: int = 1, desk: bool = False, same: bool = False):
	"""With `same`, both sides run without the app's handlers: what the method reads when there is no
	difference at all, the noise any ratio of this machine carries."""
	if desk:
		only_on_a_development_site()
		DESK["keys"] = administrator_keys()
		frappe.get_doc_hooks = doc_hooks_of_the_round
	make_items()
	frappe.flags.mute_emails = True
	with_app, without_app = hooks_with(not same), hooks_with(False)
	results = {True: [], False: []}
	try:
		with handlers_timed(with_app):
			one_round(lines, desk)  # warm caches before measuring
			if desk:
				# As in Frappe's web workers, whose heap is frozen when they are forked: the garbage
				# collector then does not walk every object loaded so far on a request's collections.
				gc.collect()
				gc.freeze()
			for i in range(rounds * 2):
				app_on = (i % 2 == 0) == ((i // 2) % 2 == 0)  # ABBA order: neither side always goes first
				DESK["hooks"] = frappe.local.doc_events_hooks = with_app if app_on else without_app
				results[app_on].append(one_round(lines, desk))  # rounds 2k and 2k+1: one of each
	finally:  # this process as it was, whatever failed
		DESK["hooks"] = None
		frappe.get_doc_hooks = GET_DOC_HOOKS
		gc.unfreeze()
		forget_hooks()
		frappe.db.rollback()

	report = {}
	for doctype in ("Sales Order", "Work Order", "Delivery Note"):
		on = statistics.median(r[doctype][0] for r in results[True])
		off = statistics.median(r[doctype][0] for r in results[False])
		app = statistics.median(r[doctype][1] for r in results[True])
		report[doctype] = {
			"with_ms": round(on * 1000, 1),
			"without_ms": round(off * 1000, 1),
			"ratio": round(on / off, 3),
			# Each round against the other side's round next to it, which ran on the machine as it was then.
			"paired": round(
				statistics.median(
					a[doctype][0] / b[doctype][0] for a, b in zip(results[True], results[False], strict=True)
				),
				3,
			),
			"app_ms": round(app * 1000, 2),
			# What the app's own time adds to the document without it: the share, apart from the noise.
			"by_share": round(1 + app / off, 3),
		}
	how = ("the desk's Submit, committed" if desk else "doc.submit()") + (
		", both sides without the app" if same else ""
	)
	print(f"submit overhead ({how}), {rounds} rounds each way, {lines} line(s) per document (medians)")
	for doctype, row in report.items():
		print(
			f"  {doctype:14} with app {row['with_ms']:8.1f} ms   without {row['without_ms']:8.1f} ms"
			f"   ratio {row['ratio']:.3f} (paired {row['paired']:.3f})"
			f"   the app's own {row['app_ms']:6.2f} ms (by its share {row['by_share']:.3f})"
		)
	return report


def table(rounds: int = 20, lines=(1, 20), desk: bool = False, same: bool = False):
	"""The table in docs/operations.md: every document with one line and with twenty, in one run (one process, the
	same site and caches), each line count measured in alternating rounds as `run` does."""
	reports = {n: run(rounds, n, desk, same) for n in lines}
	how = ("the desk's Submit, committed" if desk else "doc.submit()") + (
		", both sides without the app" if same else ""
	)
	print(f"submit overhead ({how}), {rounds} rounds each way (medians)")
	print("  document          lines   without     with    ratio  paired   the app's own  by its share")
	for doctype in ("Sales Order", "Work Order", "Delivery Note"):
		for n, report in reports.items():
			row = report[doctype]
			print(
				f"  {doctype:16} {n:6} {row['without_ms']:8.1f} ms {row['with_ms']:8.1f} ms  {row['ratio']:.3f}"
				f"   {row['paired']:.3f}   {row['app_ms']:6.2f} ms     {row['by_share']:.3f}"
			)
	return reports
