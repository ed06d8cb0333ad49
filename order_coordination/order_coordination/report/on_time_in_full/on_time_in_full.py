# Copyright (c) 2026, order_coordination contributors
# For license information, please see license.txt

"""On-Time In-Full by customer and month of the promised delivery date.

An order due in the period is On Time when its first delivery left by the delivery date, In Full when
everything ordered is delivered net of returns, and OTIF when in full and its last delivery, completing it,
left by that date. Both are measured against the latest promise (the date the departments agreed last) and
against the first one made to the customer, so that moving a date does not hide a late order.

Returns: ERPNext adds a return's negative quantities to the Sales Order's delivered quantities, so its
`per_delivered` is already net and drops below 100 when goods come back. A delivery whose goods for the
order all came back (the return lines that name them) is no delivery: it gives neither the first nor the
last delivery date, so a late re-delivery is what completed the order."""

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import flt, getdate, nowdate

from order_coordination.core import constants
from order_coordination.reporting import LINE_NOT_RETURNED, clean_filters, date_range, order_conditions, where

# The submitted deliveries of the order `oc` that still hold goods for it: returns themselves, and
# deliveries whose lines for the order all came back, are left out.
DELIVERIES_OF_ORDER = f"""from `tabDelivery Note` dn
			where dn.docstatus = 1 and dn.is_return = 0 and dn.name in (
				select dni.parent from `tabDelivery Note Item` dni
				where dni.against_sales_order = oc.name and {LINE_NOT_RETURNED})"""


def execute(filters=None):
	filters = clean_filters(filters)
	rows = data(filters)
	return columns(), rows, None, chart(rows)


def columns():
	return [
		{"fieldname": "customer", "label": _("Customer"), "fieldtype": "Data", "width": 180},
		{"fieldname": "month", "label": _("Month"), "fieldtype": "Data", "width": 90},
		{"fieldname": "orders", "label": _("Orders Due"), "fieldtype": "Int", "width": 100},
		{"fieldname": "on_time", "label": _("On Time"), "fieldtype": "Int", "width": 90},
		{"fieldname": "in_full", "label": _("In Full"), "fieldtype": "Int", "width": 90},
		{"fieldname": "otif", "label": _("On Time In Full"), "fieldtype": "Int", "width": 120},
		{
			"fieldname": "otif_percent",
			"label": _("OTIF %"),
			"fieldtype": "Percent",
			"precision": 1,
			"width": 90,
		},
		{"fieldname": "moved", "label": _("Promise Moved"), "fieldtype": "Int", "width": 110},
		{
			"fieldname": "on_time_first",
			"label": _("On Time (First Promise)"),
			"fieldtype": "Int",
			"width": 150,
		},
		{"fieldname": "otif_first", "label": _("OTIF (First Promise)"), "fieldtype": "Int", "width": 140},
		{
			"fieldname": "otif_first_percent",
			"label": _("OTIF % (First Promise)"),
			"fieldtype": "Percent",
			"precision": 1,
			"width": 150,
		},
	]


def orders(filters):
	from_date, to_date = date_range(filters, default_days=365)
	conditions, values = order_conditions(filters)
	conditions += ["oc.delivery_date between %(from_date)s and %(to_date)s", "oc.status != %(cancelled)s"]
	values.update(
		from_date=from_date, to_date=min(to_date, getdate(nowdate())), cancelled=constants.STATUS_CANCELLED
	)
	return frappe.db.sql(
		f"""select oc.name, oc.customer, oc.delivery_date, oc.original_delivery_date, so.per_delivered,
			(select min(dn.posting_date) {DELIVERIES_OF_ORDER}) as first_delivery,
			(select max(dn.posting_date) {DELIVERIES_OF_ORDER}) as last_delivery
		from `tabOrder Coordination` oc join `tabSales Order` so on so.name = oc.sales_order
		{where(conditions)}""",
		values,
		as_dict=True,
	)


def data(filters):
	counts = ("orders", "on_time", "in_full", "otif", "moved", "on_time_first", "otif_first")
	groups = defaultdict(lambda: dict.fromkeys(counts, 0))
	for order in orders(filters):
		due = getdate(order.delivery_date)
		first = getdate(order.original_delivery_date or order.delivery_date)
		g = groups[(order.customer, due.strftime("%Y-%m"))]
		g["orders"] += 1
		in_full = flt(order.per_delivered) >= 100
		g["in_full"] += in_full
		g["moved"] += first != due
		for suffix, date in (("", due), ("_first", first)):
			g["on_time" + suffix] += bool(order.first_delivery) and getdate(order.first_delivery) <= date
			g["otif" + suffix] += (
				in_full and bool(order.last_delivery) and getdate(order.last_delivery) <= date
			)
	return [
		{
			"customer": customer,
			"month": month,
			**g,
			"otif_percent": 100.0 * g["otif"] / g["orders"],
			"otif_first_percent": 100.0 * g["otif_first"] / g["orders"],
		}
		for (customer, month), g in sorted(groups.items())
	]


def chart(rows):
	months = sorted({r["month"] for r in rows})
	due = {m: sum(r["orders"] for r in rows if r["month"] == m) for m in months}
	otif = {m: sum(r["otif"] for r in rows if r["month"] == m) for m in months}
	return {
		"data": {
			"labels": months,
			"datasets": [
				{"name": _("Orders Due"), "values": [due[m] for m in months]},
				{"name": _("On Time In Full"), "values": [otif[m] for m in months]},
			],
		},
		"type": "bar",
	}
