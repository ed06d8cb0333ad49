"""/driver: the driver's page, for the user of an ERPNext Driver (the Delivery Driver role). Signed out,
the visitor is sent to sign in; a user who drives for no Driver is told so. What the page shows comes
from `doorstep.trips.my_trips`, kept on the phone; the page itself is kept by its service worker."""

import json
from pathlib import Path

import frappe
from frappe import _
from frappe.translate import extract_messages_from_javascript_code

from order_coordination.doorstep.drivers import drivers_of

no_cache = 1
HERE = Path(__file__).resolve().parents[1] / "doorstep"
SCRIPTS = ("driver_queue.js", "driver_app.js")


def page_script() -> str:
	return "\n".join((HERE / name).read_text(encoding="utf-8") for name in SCRIPTS)


def messages(script: str) -> dict:
	"""The page's words in the user's language (a page outside the desk gets no translations of its own)."""
	found = {}
	for _line, message, context in extract_messages_from_javascript_code(script):
		translated = _(message, context=context) if context else _(message)
		if translated != message:
			found[message] = translated
	return found


def get_context(context):
	context.no_cache = 1
	if frappe.session.user == "Guest":
		frappe.local.flags.redirect_location = "/login?redirect-to=/driver"
		raise frappe.Redirect
	context.title = _("My Deliveries")
	context.lang = frappe.local.lang
	context.is_driver = bool(drivers_of(frappe.session.user))
	script = page_script()
	context.script = script.replace("</", "<\\/")
	context.messages = json.dumps(messages(script)).replace("</", "<\\/")
	return context
