"""Jobs queued before the carriers' code moved to `carriers.feed` name this path: they still run."""

from order_coordination.carriers.feed import apply_queued

__all__ = ["apply_queued"]
