"""Doorstep: what the driver at the door reports, offline first, with proof; and what the order makes of it.

It owns the Delivery Attempt (one per id the phone made: outcome, reason, recipient, signature and photos
as private files, position, distance from the stop, device and server time), what a company requires at
the doorstep (`requirements`, from its Coordination Policy), who drives (`drivers`: the user of a Driver,
through its Employee) and the driver's page (`www/driver`, its service worker from `page`).
Its doors:
- `record.record_delivery_attempt`, public as `order_coordination.api.record_delivery_attempt` (POST, the
  trip's driver only): keeps the attempt, ticks the stop visited through ERPNext's save of the trip, and
  tells the order (the core's `core.doorstep` says what each outcome means);
- `trips.my_trips` (GET, a driver): the driver's trips and stops for the page to keep on the phone;
- `page.service_worker` (GET): the page's service worker, its scope widened to /driver;
- `proof.trip_proofs` / `proof.note_proofs` (desk readers of the trip or note): each stop's proof;
- for the engine and the customer's page: `proof.reported_stops` (stops a driver reported on: the
  attempt told their orders, the trip's change has nothing to add) and `proof.customer_lines` (what the
  customer reads about the latest attempt);
- `access`: who reads and attaches to attempts (hooked as the doctype's permission rules).
Photos come through Frappe's own upload (`/api/method/upload_file`, private, attached to the attempt).
"""

from order_coordination.doorstep.proof import customer_lines, reported_stops

__all__ = ["customer_lines", "reported_stops"]
