"""/track: the customer's order page. /track/<order> for a portal user, /track?token=... for a tracking
link, /track alone lists the portal user's orders. Refusals of every kind get the same page."""

import json
from urllib.parse import quote

import frappe
from frappe import _

from order_coordination.customers.links import NotValid, order_for_token
from order_coordination.customers.page import (
	REFRESH_SECONDS,
	context_of,
	count_request,
	customer_orders,
	order_for_user,
	order_view,
)

no_cache = 1


def get_context(context):
	context.no_cache = 1
	context.no_breadcrumbs = 1
	context.title = _("Order Status")
	context.refresh_seconds = REFRESH_SECONDS
	try:
		count_request()
	except frappe.RateLimitExceededError:
		frappe.clear_messages()
		context.too_many = True
		context.http_status_code = 429
		context.title = _("Too many requests")
		return context
	token = frappe.form_dict.get("token")
	sales_order = frappe.form_dict.get("sales_order")
	if not token and not sales_order:
		if frappe.session.user == "Guest":
			frappe.local.flags.redirect_location = "/login?redirect-to=/track"
			raise frappe.Redirect
		context.show_sidebar = True
		context.orders = customer_orders()
		return context
	try:
		name = order_for_token(token, log=True) if token else order_for_user(sales_order)
	except NotValid:
		if not token and frappe.session.user == "Guest":
			frappe.local.flags.redirect_location = f"/login?redirect-to=/track/{quote(str(sales_order))}"
			raise frappe.Redirect from None
		context.not_valid = True
		context.http_status_code = 404
		context.title = _("This link is not valid.")
		return context
	context.update(context_of(order_view(name)))
	context.show_sidebar = not token
	context.title = _("Order {0}").format(name)
	context.query_json = json.dumps({"token": token} if token else {"sales_order": name})
	return context
