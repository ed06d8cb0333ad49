"""The number cards' methods at their first paths (`order_coordination.dashboard.*`), for a site whose
cards were made before the code moved to `insight.numbers`."""

from order_coordination.insight.numbers import (
	orders_at_risk,
	orders_on_hold,
	orders_overdue,
	overdue_handoffs,
	pending_for_logistics,
	pending_for_production,
	pending_for_sales,
)

__all__ = [
	"orders_at_risk",
	"orders_on_hold",
	"orders_overdue",
	"overdue_handoffs",
	"pending_for_logistics",
	"pending_for_production",
	"pending_for_sales",
]
