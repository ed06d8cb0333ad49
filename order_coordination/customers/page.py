"""The customer's order page: ERPNext's portal (/track/<order>, /track for the list) and the page a
tracking link opens (/track?token=...), with its refresh.

Who may see an order is ERPNext's own portal rule (`frappe.has_website_permission`: a portal user of the
order's customer), or for a desk user what the desk lets them read. What the page shows is only what the
core's `customer_view` lets through. Every refusal, whatever its cause (no such order, someone else's, a
bad link), is the same page; the page and its refresh are rate-limited per visitor and send no Referer.
"""

from __future__ import annotations

import json
from datetime import datetime
from urllib.parse import quote

import frappe
from frappe import _
from frappe.rate_limiter import rate_limit
from frappe.utils import cint, format_date, format_datetime, getdate

from order_coordination.core import constants
from order_coordination.core.customer import customer_view, safe_url
from order_coordination.customers.links import NotValid, order_for_token
from order_coordination.doorstep import customer_lines
from order_coordination.facts import latest_carrier_events, promised_date

TEMPLATE = "order_coordination/templates/includes/order_status.html"
REFRESH_SECONDS = 30
# Requests a visitor (one IP address) may make of the page, and of its refresh, in a minute (site config
# `order_coordination_page_requests_per_minute`): a customer's open page refreshes twice a minute;
# guessing links or order names needs thousands.
REQUESTS_PER_MINUTE = 60
PAGE_PATHS = (
	"/track",
	"/api/method/order_coordination.portal.order_status",
	"/api/method/order_coordination.customers.page.order_status",
)
# ERPNext's Shipment tracking status -> what the customer reads when no carrier event says more.
SHIPMENT_WORDS = {"In Progress": constants.CARRIER_IN_TRANSIT, "": constants.CUSTOMER_SHIPPED}


def order_for_user(sales_order) -> str:
	"""The submitted (or since cancelled) order the session's user may see on the portal. Every refusal
	takes the same path: a missing order is checked as a blank one would be, and refused after."""
	if not isinstance(sales_order, str) or not sales_order or len(sales_order) > 140:
		raise NotValid
	if frappe.session.user == "Guest":
		raise NotValid
	exists = frappe.db.exists("Sales Order", {"name": sales_order, "docstatus": ["in", (1, 2)]})
	doc = frappe.get_doc("Sales Order", sales_order) if exists else frappe.new_doc("Sales Order")
	if not (may_see(doc) and exists):
		raise NotValid
	return sales_order


def is_portal_customer() -> bool:
	"""A customer's contact (ERPNext's portal rule: the orders of the customers they are a portal user
	of); anyone else is a desk user, who sees what the desk would show them."""
	return "Customer" in frappe.get_roles()


def may_see(doc) -> bool:
	"""A portal customer sees their customers' orders; a desk user the orders they may read in the desk,
	User Permissions on Company and Customer included (ERPNext's portal rule would let a desk user see
	the orders of every customer they may read, whatever the company)."""
	if is_portal_customer():
		return bool(frappe.has_website_permission(doc))
	return bool(frappe.has_permission("Sales Order", "read", doc))


def order_view(sales_order: str) -> dict:
	"""What the customer sees of an order: nothing but what `customer_view` lets through."""
	so = frappe.db.get_value(
		"Sales Order",
		sales_order,
		["name", "transaction_date", "delivery_date", "per_delivered", "docstatus", "status"],
		as_dict=True,
	)
	record = frappe.db.get_value(
		constants.DT_ORDER_COORDINATION,
		sales_order,
		["stage", "status", "needs_manufacturing", "delivery_date", "original_delivery_date"],
		as_dict=True,
	) or frappe._dict(stage=constants.ORDER_RECEIVED, status="", needs_manufacturing=0)
	promised = record.delivery_date or promised_date(sales_order) or so.delivery_date
	view = customer_view(
		stage=record.stage,
		status=constants.STATUS_CANCELLED if so.docstatus == 2 else record.status,
		needs_manufacturing=bool(record.needs_manufacturing),
		promised=getdate(promised) if promised else None,
		first_promised=getdate(record.original_delivery_date) if record.original_delivery_date else None,
		per_delivered=so.per_delivered,
		shipments=shipments_of(sales_order),
		today=getdate(),
	)
	for shipment in view["shipments"]:
		at = shipment["updated_on"]
		shipment["updated_on"] = (
			format_datetime(at, "medium")
			if isinstance(at, datetime)
			else format_date(at, "medium")
			if at
			else None
		)
	view.update({"sales_order": so.name, "ordered_on": so.transaction_date})
	# What the driver reported at the door: when, who signed, why not (doorstep's words, never a place).
	view["doorstep"] = customer_lines(sales_order)
	return view


def shipments_of(sales_order: str) -> list[dict]:
	"""The order's shipments: its submitted Shipments (carrier, AWB, tracking link, the carrier's latest
	word), and its Delivery Notes that no Shipment carries (their transporter and receipt number)."""
	notes = frappe.db.sql(
		"""select distinct dn.name, dn.transporter_name, dn.lr_no, dn.posting_date
		from `tabDelivery Note` dn join `tabDelivery Note Item` item on item.parent = dn.name
		where item.against_sales_order = %s and dn.docstatus = 1 and dn.is_return = 0
		order by dn.posting_date, dn.name""",
		sales_order,
		as_dict=True,
	)
	if not notes:
		return []
	shipments = frappe.db.sql(
		"""select s.name, s.carrier, s.awb_number, s.tracking_url, s.tracking_status, s.modified,
			group_concat(sdn.delivery_note) as notes
		from `tabShipment` s join `tabShipment Delivery Note` sdn on sdn.parent = s.name
		where sdn.delivery_note in %s and s.docstatus = 1
		group by s.name order by s.creation""",
		(tuple(n.name for n in notes),),
		as_dict=True,
	)
	latest = latest_carrier_events([s.name for s in shipments])
	shown, carried = [], set()
	for s in shipments:
		carried.update((s.notes or "").split(","))
		word = latest.get(s.name, (None, None))
		shown.append(
			{
				"carrier": s.carrier,
				"tracking_number": s.awb_number,
				"tracking_url": safe_url(s.tracking_url),
				"status": word[0] or SHIPMENT_WORDS.get(s.tracking_status or "", s.tracking_status),
				"updated_on": word[1] or s.modified,
			}
		)
	for n in notes:
		if n.name not in carried:
			shown.append(
				{
					"carrier": n.transporter_name,
					"tracking_number": n.lr_no,
					"status": constants.CUSTOMER_SHIPPED,
					"updated_on": n.posting_date,
				}
			)
	return shown


def render(sales_order: str) -> str:
	return frappe.render_template(TEMPLATE, context_of(order_view(sales_order)))


def context_of(view: dict) -> dict:
	"""What the template is rendered with: the view, and `say` for the customer's words."""
	return {"view": view, "_": _, "say": lambda word: _(word, context=constants.CUSTOMER_WORDS_CONTEXT)}


def customer_orders(limit: int = 50) -> list[dict]:
	"""The user's submitted orders, newest first, for the page's list: a portal customer's by ERPNext's
	customer rule, a desk user's as the desk lists them."""
	from erpnext.controllers.website_list_for_contact import get_customers_suppliers

	fields, order_by = ["name", "transaction_date"], "transaction_date desc, name desc"
	if not is_portal_customer():  # as the desk's list would show them
		return frappe.get_list(
			"Sales Order", filters={"docstatus": 1}, fields=fields, order_by=order_by, limit=limit
		)
	customers, _suppliers = get_customers_suppliers("Sales Order", frappe.session.user)
	if not customers:
		return []
	return frappe.get_all(
		"Sales Order",
		filters={"customer": ["in", customers], "docstatus": 1},
		fields=fields,
		order_by=order_by,
		limit=limit,
		ignore_permissions=True,
	)


def link_order_page(context):
	"""ERPNext's portal page of a submitted Sales Order gets a button to its status page. Its template
	offers no place for it (the sandbox hides `doc._header`), so a line of script puts it in the header."""
	doc = context.get("doc")
	if getattr(doc, "doctype", None) != "Sales Order" or doc.docstatus != 1:
		return
	href = json.dumps("/track/" + quote(doc.name)).replace("</", "<\\/")
	label = json.dumps(_("Where is my order?")).replace("</", "<\\/")
	script = (
		"<script>frappe.ready(function () {"
		'var at = document.querySelector(".page-header-actions-block") || document.querySelector(".page_content");'
		'if (!at) return; var a = document.createElement("a");'
		'a.className = "btn btn-sm btn-primary oc-track-from-order"; a.style.marginRight = "8px";'
		f"a.href = {href}; a.textContent = {label}; at.prepend(a);"
		"});</script>"
	)
	return {"body_include": (context.get("body_include") or "") + script}


def requests_per_minute() -> int:
	return cint(frappe.conf.get("order_coordination_page_requests_per_minute")) or REQUESTS_PER_MINUTE


@rate_limit(limit=lambda: requests_per_minute(), seconds=60)
def count_request() -> None:
	"""Counts a request to the page against its visitor's (IP address's) limit, with Frappe's own rate
	limiter; RateLimitExceededError past it."""


def after_request(response, request) -> None:
	"""The page and its refresh send no Referer: a tracking link's address holds its token, and the
	page links to the carrier's site."""
	if request.path.startswith(PAGE_PATHS):
		response.headers["Referrer-Policy"] = "no-referrer"


@frappe.whitelist(allow_guest=True, methods=["GET"])
@rate_limit(limit=lambda: requests_per_minute(), seconds=60)
def order_status(sales_order=None, token=None):
	"""The page's content as HTML, for its periodic refresh. One answer for every refusal."""
	try:
		name = order_for_token(token) if token else order_for_user(sales_order)
	except NotValid:
		frappe.throw(_("This link is not valid."), frappe.PermissionError)
	return {"html": render(name)}
