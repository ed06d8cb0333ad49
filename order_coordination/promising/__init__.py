"""Promising: the delivery date the customer is promised, and how the departments agree on moving it.

It owns the negotiated promise (`negotiation`: proposal rows, accepted dates written into the Sales Order
and its open Work Orders the way a user would, the customer's notice, the history the panel shows), and
the earliest feasible delivery at order entry (`feasible`: per line and for the order, what binds it and
a trace, from what `supply` loads of ERPNext set-wise: stock, reservations, open orders, Purchase Orders,
lead times, BOMs, workstations and their booked load; nothing is reserved or moved by asking). Its doors
are the names below: what the engine writes for a proposal and its answer, what the panel's actions in
`api` (propose, accept, decline a new date) check and write, and `earliest_delivery` (whitelisted, public
as `order_coordination.api.earliest_delivery`), `answer_for` and `feasible_of` for the app's own use;
`after_submit.check_after_submit` is queued by its path after a submit. The rules are the core's: who may propose and what an answer does (`core.promise`), applied through
`coordination`; netting and finite placement (`core.feasibility`, `core.capacity`).
"""

from order_coordination.promising.feasible import answer_for, earliest_delivery, feasible_of
from order_coordination.promising.negotiation import (
	answer_proposal,
	check_lines,
	insert_proposal,
	notify_customer,
	promise_changes,
	save_new_date,
	with_new_date,
)

__all__ = [
	"answer_for",
	"answer_proposal",
	"check_lines",
	"earliest_delivery",
	"feasible_of",
	"insert_proposal",
	"notify_customer",
	"promise_changes",
	"save_new_date",
	"with_new_date",
]
