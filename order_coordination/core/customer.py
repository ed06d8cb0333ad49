"""What a customer may see of an order: its stage in customer words, the promised date and whether it
moved, and its shipments. Built from values only, and from an allow-list: nothing about departments,
people, handoffs, exceptions, reasons or notes can reach the page, because nothing of them is read here.
"""

from __future__ import annotations

from datetime import date

from .constants import (
	COMPLETED,
	CUSTOMER_DELIVERED,
	CUSTOMER_IN_PRODUCTION,
	CUSTOMER_READY,
	CUSTOMER_RECEIVED,
	CUSTOMER_SHIPPED,
	CUSTOMER_STAGES,
	DELIVERED,
	IN_PRODUCTION,
	ORDER_RECEIVED,
	PARTIALLY_SHIPPED,
	PRODUCTION_PLANNING,
	READY_TO_SHIP,
	SHIPPED,
	STATUS_CANCELLED,
)

CUSTOMER_STAGE = {
	ORDER_RECEIVED: CUSTOMER_RECEIVED,
	PRODUCTION_PLANNING: CUSTOMER_IN_PRODUCTION,
	IN_PRODUCTION: CUSTOMER_IN_PRODUCTION,
	READY_TO_SHIP: CUSTOMER_READY,
	PARTIALLY_SHIPPED: CUSTOMER_SHIPPED,
	SHIPPED: CUSTOMER_SHIPPED,
	DELIVERED: CUSTOMER_DELIVERED,
	COMPLETED: CUSTOMER_DELIVERED,
}

# The fields of a shipment the page may show.
SHIPMENT_FIELDS = ("carrier", "tracking_number", "tracking_url", "status", "updated_on")


def safe_url(url: str | None) -> str | None:
	"""A tracking URL the page may link to: http(s) only, one line; anything else is not shown."""
	url = (url or "").strip()
	if not url.lower().startswith(("https://", "http://")) or any(c in url for c in "\n\r\"'<> "):
		return None
	return url


def customer_stage(stage: str) -> str:
	return CUSTOMER_STAGE.get(stage, CUSTOMER_RECEIVED)


def pipeline(stage: str, needs_manufacturing: bool) -> list[dict]:
	"""The steps the customer sees, each done, current or to come. An order served from stock never
	goes through production, so it is not shown a production step."""
	steps = [s for s in CUSTOMER_STAGES if needs_manufacturing or s != CUSTOMER_IN_PRODUCTION]
	current = customer_stage(stage)
	if current not in steps:
		current = CUSTOMER_READY
	at = steps.index(current)
	delivered = current == CUSTOMER_DELIVERED
	return [
		{"stage": s, "state": "done" if i < at or delivered else ("current" if i == at else "todo")}
		for i, s in enumerate(steps)
	]


def customer_view(
	stage: str,
	status: str,
	needs_manufacturing: bool,
	promised: date | None,
	first_promised: date | None,
	per_delivered: float,
	shipments: list[dict],
	today: date | None = None,
) -> dict:
	"""The page's content. `shipments`: dicts from the Frappe layer; only SHIPMENT_FIELDS are kept.
	`today`: the customer is told when the promised date has passed without the order arriving."""
	delivered = customer_stage(stage) == CUSTOMER_DELIVERED
	return {
		"stage": customer_stage(stage),
		"steps": pipeline(stage, needs_manufacturing),
		"cancelled": status == STATUS_CANCELLED,
		"promised_date": promised,
		"date_moved": bool(promised and first_promised and promised != first_promised),
		"delivered": delivered,
		"overdue": bool(
			today and promised and promised < today and not delivered and status != STATUS_CANCELLED
		),
		# ERPNext's "delivered" percentage counts what left on Delivery Notes: to the customer, shipped.
		"per_shipped": round(float(per_delivered or 0), 1),
		"shipments": [{k: s.get(k) for k in SHIPMENT_FIELDS} for s in shipments],
	}
