"""Carriers: what carriers and 3PLs report about the shipments they carry, taken in and applied.

It owns the carriers' door (`door.receive_events`, reached at its public path
`order_coordination.carrier.receive_events`), what a Carrier Account allows its integration user
(`accounts`: whether it may call, must sign, which Shipments it may report on), and the feed (`feed`:
events stored once, matched to Shipments, applied to them and their orders in a job after commit, and
who may read them). The rules it applies (checking an event, which one is current, signatures, whose
Shipment it is) are the core's (`core.carrier`); orders change only through `dispatch`. The engine's
doors into it are the names below: a Shipment that got a tracking number picks up the events kept for it,
and the sweep applies what a queue outage left.
"""

from order_coordination.carriers.feed import apply_queued, requeue_unmatched, resume_queued

__all__ = ["apply_queued", "requeue_unmatched", "resume_queued"]
