"""Tracking links: a link that shows one order's page, read-only, to a customer without a portal account.

A link's token is shown once, when it is made, and stored only as its SHA-256: the database alone cannot
open any order's page. Only the department that owns the customer promise makes links (Sales by default),
one live link per order unless another is asked for; a link can only be revoked, and its use is counted at
most once a minute. Every refusal (a wrong, expired or revoked token) is the same "not valid".
"""

from __future__ import annotations

import hashlib
import secrets

import frappe
from frappe import _
from frappe.utils import add_to_date, cint, get_url, now_datetime

from order_coordination.core import constants
from order_coordination.departments import check_acts_for
from order_coordination.policies import policy_snapshot

# A link's use is counted at most once a minute: a page left open does not write on every refresh.
USE_COUNTED_EVERY_SECONDS = 60


class NotValid(Exception):
	"""The page or link cannot be shown; why is never said."""


def hash_token(token: str) -> str:
	return hashlib.sha256(token.encode()).hexdigest()


def order_for_token(token, log: bool = False) -> str:
	"""The order a tracking link opens; with `log`, its use is counted."""
	if not isinstance(token, str) or not 20 <= len(token) <= 100:
		raise NotValid
	link = frappe.db.get_value(
		constants.DT_TRACKING_LINK,
		{"token_hash": hash_token(token)},
		["name", "sales_order", "expires_on", "revoked", "use_count", "first_used_on", "last_used_on"],
		as_dict=True,
	)
	now = now_datetime()
	if not link or link.revoked or not link.expires_on or link.expires_on <= now:
		raise NotValid
	if frappe.db.get_value("Sales Order", link.sales_order, "docstatus") not in (1, 2):
		raise NotValid
	if log and not (
		link.last_used_on and (now - link.last_used_on).total_seconds() < USE_COUNTED_EVERY_SECONDS
	):
		frappe.db.set_value(
			constants.DT_TRACKING_LINK,
			link.name,
			{
				"use_count": cint(link.use_count) + 1,
				"last_used_on": now,
				"first_used_on": link.first_used_on or now,
			},
			update_modified=False,
		)
		frappe.local.flags.commit = True  # a GET request: keep the count
	return link.sales_order


def link_days(company: str | None) -> int:
	days = frappe.db.get_value(constants.DT_POLICY, company, "tracking_link_days") if company else None
	# A policy saved before the bounds were checked may hold any number.
	return min(cint(days) or constants.DEFAULT_TRACKING_LINK_DAYS, constants.MAX_TRACKING_LINK_DAYS)


@frappe.whitelist(methods=["POST"])
def make_tracking_link(sales_order, another=None):
	"""A new tracking link for a submitted order, by the department that owns the customer promise
	(Sales by default). Returns the URL, which holds the token: it is shown this once. While the order has
	a live link, none is made unless `another` is asked for: the live ones are returned instead, so that
	one click too many does not leave another working link behind."""
	if not isinstance(sales_order, str) or not sales_order:
		frappe.throw(_("{0} is required").format(_("Sales Order")), frappe.ValidationError)
	so = frappe.db.get_value(
		"Sales Order", sales_order, ["name", "docstatus", "customer", "company"], as_dict=True
	)
	if not (so and frappe.has_permission("Sales Order", "read", so.name)):
		frappe.throw(
			_("Sales Order {0} not found or not yours to see").format(sales_order), frappe.PermissionError
		)
	check_acts_for(policy_snapshot(so.company).get("promise_owner") or constants.DEFAULT_PROMISE_OWNER)
	if so.docstatus != 1:
		frappe.throw(_("Only a submitted order can be followed by the customer"), frappe.ValidationError)
	if not cint(another):
		live = live_links(so.name, as_user=False)  # the promise owner may not read links: still one
		if live:
			return {"live": live}
	token = secrets.token_urlsafe(32)
	link = frappe.new_doc(constants.DT_TRACKING_LINK)
	link.update(
		{
			"sales_order": so.name,
			"customer": so.customer,
			"company": so.company,  # User Permissions on Company apply to the link as to its order
			"token_hash": hash_token(token),
			"expires_on": add_to_date(now_datetime(), days=link_days(so.company)),
		}
	)
	link.insert(ignore_permissions=True)
	return {"name": link.name, "url": get_url(f"/track?token={token}"), "expires_on": link.expires_on}


@frappe.whitelist()
def live_tracking_links(sales_order):
	"""The order's links that still open its page, for whoever may read the order and its links."""
	if not (
		isinstance(sales_order, str)
		and frappe.db.exists("Sales Order", sales_order)
		and frappe.has_permission("Sales Order", "read", sales_order)
	):
		frappe.throw(
			_("Sales Order {0} not found or not yours to see").format(sales_order), frappe.PermissionError
		)
	return live_links(sales_order)


def live_links(sales_order: str, as_user: bool = True) -> list[dict]:
	return (frappe.get_list if as_user else frappe.get_all)(
		constants.DT_TRACKING_LINK,
		filters={"sales_order": sales_order, "revoked": 0, "expires_on": [">", now_datetime()]},
		fields=["name", "creation", "expires_on", "use_count", "last_used_on"],
		order_by="creation desc",
	)


@frappe.whitelist(methods=["POST"])
def revoke_tracking_link(link):
	if not isinstance(link, str) or not frappe.db.exists(constants.DT_TRACKING_LINK, link):
		frappe.throw(
			_("{0} {1} not found or not yours to see").format(_("Order Tracking Link"), link),
			frappe.PermissionError,
		)
	doc = frappe.get_doc(constants.DT_TRACKING_LINK, link)
	doc.check_permission("write")
	doc.revoked = 1
	doc.save()
	return doc.name
