"""The carriers' endpoint at the path carriers are given: `order_coordination.carrier.receive_events`.
The door itself lives in `carriers.door`; this path stays so that no carrier's integration breaks."""

from order_coordination.carriers.door import receive_events

__all__ = ["receive_events"]
