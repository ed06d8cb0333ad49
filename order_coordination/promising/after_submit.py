"""The job queued after a Sales Order's submit is committed (never run inside the submit): the order's
earliest feasible delivery becomes a fact of its coordination record.

A module of its own, outside the package's doors in `__init__`: it writes through `dispatch`, which the
engine's own modules import, so importing it with the package would make a circle.
"""

import frappe

from order_coordination import coordination, dispatch
from order_coordination.core import events as ev
from order_coordination.promising.feasible import answer_for


def check_after_submit(sales_order: str) -> None:
	"""Queued after a submit's commit: the order's earliest feasible delivery becomes a fact of its record
	(a date after the promise puts it At Risk with that reason, until a Work Order plan tells more)."""
	if not coordination.exists(sales_order):
		return
	doc = frappe.get_doc("Sales Order", sales_order)
	if doc.docstatus != 1:
		return
	found = answer_for(doc)["earliest_date"]
	dispatch.apply_events(
		sales_order, [coordination.event_from(doc, ev.FEASIBILITY_CHECKED, feasible_date=found)]
	)
