"""Promising: the delivery date the customer is promised, and how the departments agree on moving it.

It owns the negotiated promise (`negotiation`: proposal rows, accepted dates written into the Sales Order
and its open Work Orders the way a user would, the customer's notice, the history the panel shows), and
is where the feasible delivery date at order entry belongs. Its doors are the names below: what the engine writes
for a proposal and its answer, and what the panel's actions in `api` (propose, accept, decline a new date)
check and write; the rules (who may propose, what an answer does) are the core's
(`core.promise`), applied through `coordination`.
"""

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
	"answer_proposal",
	"check_lines",
	"insert_proposal",
	"notify_customer",
	"promise_changes",
	"save_new_date",
	"with_new_date",
]
