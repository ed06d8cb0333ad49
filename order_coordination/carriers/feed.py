"""What carriers sent: each event stored once, matched to its Shipment, then applied to the Shipment and
to the orders it carries.

The request only stores (one multi-row INSERT, one query to match tracking numbers) and commits: the
carrier's answer does not wait for the orders. Applying happens in a background job right after commit,
event by event in the order they occurred. Nothing is lost between the two: a stored event stays Queued
until it is applied, and the sweep starts the job again for any that a queue outage or an error left.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import timedelta

import frappe
from frappe.utils import convert_utc_to_system_timezone, now_datetime
from frappe.utils.background_jobs import get_job_status
from rq.job import JobStatus

from order_coordination.carriers.accounts import only_company, scope_of, serves_shipment
from order_coordination.core import events as ev
from order_coordination.core.carrier import SHIPMENT_STATUS, CarrierEvent, info_of, is_current
from order_coordination.core.constants import (
	CARRIER_EVENT_APPLIED,
	CARRIER_EVENT_QUEUED,
	CARRIER_EVENT_SUPERSEDED,
	CARRIER_EVENT_UNMATCHED,
	DT_CARRIER_EVENT,
)
from order_coordination.core.draft import join_notes
from order_coordination.dispatch import apply_or_backfill
from order_coordination.errors import left_to_the_sweep
from order_coordination.facts import latest_carrier_events, orders_of_delivery_notes, submitted_shipments
from order_coordination.storage import bulk_insert

APPLY_JOB = "order_coordination_carrier_events"
FIELDS = (
	"name",
	"event_id",
	"tracking_number",
	"status",
	"carrier_status",
	"occurred_at",
	"location",
	"description",
	"state",
	"shipment",
	"company",
	"carrier_account",
	"received_by",
	"owner",
	"modified_by",
	"creation",
	"modified",
)


def key_of(source: str, event_id: str) -> str:
	"""The stored event's name: one per Carrier Account and event id (events stored before accounts were
	required are named after their integration user)."""
	return hashlib.sha256(f"{source}\x00{event_id}".encode()).hexdigest()[:32]


def store(events: list[tuple[CarrierEvent, str]], account, user: str) -> dict:
	"""Keep the events not seen before; `events`: (event, the carrier's own status word); `account`: the
	Carrier Account they came through (accounts.account_of). An event is matched only to a
	Shipment the account serves; any other stays Unmatched, for that account alone. Returns the counts of
	the carrier's answer."""
	source = account.name
	batch: dict[str, tuple[CarrierEvent, str]] = {}
	for event, word in events:
		batch.setdefault(key_of(source, event.event_id), (event, word))
	known = set()
	if batch:
		known = set(
			frappe.db.sql_list(f"select name from `tab{DT_CARRIER_EVENT}` where name in %s", (tuple(batch),))
		)
	new = {key: value for key, value in batch.items() if key not in known}
	shipments = {
		number: served[-1]
		for number, rows in submitted_shipments({event.tracking_number for event, _ in new.values()}).items()
		if (served := [row for row in rows if serves_shipment(account, row)])
	}
	now, rows, unmatched, alone = now_datetime(), [], 0, only_company(account)
	for key, (event, word) in new.items():
		shipment = shipments.get(event.tracking_number)
		unmatched += not shipment
		rows.append(
			(
				key,
				event.event_id,
				event.tracking_number,
				event.status,
				word,
				convert_utc_to_system_timezone(event.occurred_at).replace(tzinfo=None),
				event.location,
				event.description,
				CARRIER_EVENT_QUEUED if shipment else CARRIER_EVENT_UNMATCHED,
				shipment.name if shipment else None,
				# User Permissions on Company apply to an event as to its Shipment's orders.
				shipment.company if shipment else alone,
				account.name,
				user,
				user,
				user,
				now,
				now,
			)
		)
	if rows:
		# A duplicate that a concurrent request stored a moment ago is ignored here, not applied twice.
		bulk_insert(DT_CARRIER_EVENT, FIELDS, rows, ignore=True)
	if len(rows) > unmatched:
		enqueue_apply()
	return {
		"accepted": len(rows) - unmatched,
		"duplicates": len(events) - len(new),
		"unmatched": unmatched,
	}


def enqueue_apply() -> None:
	"""Apply queued events after commit; a queue that is down leaves them to the sweep."""

	def enqueue():
		with left_to_the_sweep("Order Coordination: carrier events left to the sweep"):
			# A job still waiting in the queue will find these events too; one already running may have
			# read the queue before they were stored, so another is started beside it (they share no work:
			# each shipment is locked by the job applying it).
			status = get_job_status(APPLY_JOB)
			if status != JobStatus.QUEUED:
				frappe.enqueue(
					"order_coordination.carriers.feed.apply_queued",
					queue="short",
					job_id=None if status == JobStatus.STARTED else APPLY_JOB,
				)

	frappe.db.after_commit.add(enqueue)


def requeue_unmatched(tracking_number: str, shipment: str) -> int:
	"""A Shipment now has a tracking number that events were kept for: queue those whose account serves
	it (another carrier's events for the same number stay Unmatched)."""
	row = next(
		(r for r in submitted_shipments([tracking_number])[tracking_number] if r.name == shipment), None
	)
	accounts = frappe.db.sql_list(
		f"""select distinct carrier_account from `tab{DT_CARRIER_EVENT}`
		where state = %s and tracking_number = %s and ifnull(carrier_account, '') != ''""",
		(CARRIER_EVENT_UNMATCHED, tracking_number),
	)
	serving = tuple(a for a in accounts if row and (scope := scope_of(a)) and serves_shipment(scope, row))
	if not serving:
		return 0
	frappe.db.sql(
		f"""update `tab{DT_CARRIER_EVENT}` set state = %s, shipment = %s, company = %s
		where state = %s and tracking_number = %s and carrier_account in %s""",
		(CARRIER_EVENT_QUEUED, shipment, row.company, CARRIER_EVENT_UNMATCHED, tracking_number, serving),
	)
	count = frappe.db.sql("select row_count()")[0][0]
	if count:
		enqueue_apply()
	return count


def apply_queued(limit: int = 5000) -> int:
	"""The background job: apply queued events, shipment by shipment, oldest first. Each shipment is one
	transaction; an error leaves that shipment's events queued for the next run (and logged)."""
	rows = frappe.db.sql(
		f"""select name, event_id, tracking_number, status, occurred_at, location, description, shipment,
			received_by
		from `tab{DT_CARRIER_EVENT}` where state = %s order by occurred_at, creation limit %s""",
		(CARRIER_EVENT_QUEUED, limit),
		as_dict=True,
	)
	by_shipment = defaultdict(list)
	for row in rows:
		by_shipment[row.shipment].append(row)
	applied = 0
	for shipment, events in by_shipment.items():
		try:
			applied += apply_to_shipment(shipment, events)
			frappe.db.commit()  # nosemgrep: a background job; one shipment per transaction
		except Exception:
			frappe.db.rollback()
			frappe.log_error(title=f"Order Coordination: carrier events of Shipment {shipment} not applied")
	return applied


def apply_to_shipment(shipment: str, events: list) -> int:
	# Lock the Shipment's row: two jobs never apply the same shipment's events at once.
	frappe.db.sql("select name from `tabShipment` where name = %s for update", shipment)
	names = [e.name for e in events]
	# A locking read: it sees what another job committed while this one waited for the Shipment. A plain
	# read would see this transaction's snapshot, taken when the job read the queue, and apply the other
	# job's events a second time (found by the busy day's run: two jobs, one shipment).
	still = set(
		frappe.db.sql_list(
			f"select name from `tab{DT_CARRIER_EVENT}` where name in %s and state = %s for update",
			(tuple(names), CARRIER_EVENT_QUEUED),
		)
	)
	notes = frappe.get_all("Shipment Delivery Note", {"parent": shipment}, pluck="delivery_note")
	orders = orders_of_delivery_notes(notes)
	latest, shown, now = latest_carrier_events([shipment]).get(shipment), None, now_datetime()
	reports, marks = [], {CARRIER_EVENT_APPLIED: [], CARRIER_EVENT_SUPERSEDED: []}
	for row in events:
		if row.name not in still:
			continue  # another run applied it meanwhile
		current = is_current(row.status, row.occurred_at, latest)
		if current:
			latest = (row.status, row.occurred_at)
			shown = row
		reports.append(
			ev.Event(
				ev.CARRIER_REPORTED,
				now,
				row.received_by,
				"Shipment",
				shipment,
				carrier_status=row.status,
				note=join_notes(row.location, row.description),
				superseded=not current,
			)
		)
		marks[CARRIER_EVENT_APPLIED if current else CARRIER_EVENT_SUPERSEDED].append(row.name)
	# Each order is loaded (and locked) once for all of the shipment's events, applied in order.
	for sales_order in orders:
		if reports:
			apply_or_backfill(sales_order, reports)  # uncontained: a failure undoes the whole shipment
	# The events carry their orders' company and customer, so that User Permissions apply to them.
	company, customer = (
		frappe.db.get_value("Sales Order", orders[0], ["company", "customer"]) if orders else (None, None)
	)
	for state, names in marks.items():
		if names:
			frappe.db.sql(
				f"""update `tab{DT_CARRIER_EVENT}` set state = %s, sales_orders = %s,
				company = coalesce(%s, company), customer = coalesce(%s, customer), applied_on = %s, modified = %s where name in %s""",
				(state, ", ".join(orders), company, customer, now, now, tuple(names)),
			)
	if shown:
		show_carrier_status(shipment, shown.status, info_of(_as_event(shown)))
	return len(still)


def _as_event(row) -> CarrierEvent:
	return CarrierEvent(
		row.event_id, row.tracking_number, row.status, row.occurred_at, row.location, row.description
	)


def show_carrier_status(shipment: str, status: str, info: str) -> None:
	"""ERPNext's own tracking fields of the Shipment follow the carrier. Written without the Shipment's
	hooks: its on_change would confirm the delivery a second time, and this event already did."""
	frappe.db.set_value(
		"Shipment",
		shipment,
		{"tracking_status": SHIPMENT_STATUS[status], "tracking_status_info": info},
		update_modified=True,
	)


def has_queued(older_than_minutes: int = 2) -> bool:
	since = now_datetime() - timedelta(minutes=older_than_minutes)
	return bool(
		frappe.db.sql(
			f"select 1 from `tab{DT_CARRIER_EVENT}` where state = %s and creation < %s limit 1",
			(CARRIER_EVENT_QUEUED, since),
		)
	)


def resume_queued() -> None:
	"""The sweep's step: events a queue outage or an error left are applied now."""
	if has_queued():
		apply_queued()


# --- who reads the events -------------------------------------------------------------------------------

MANAGERS = frozenset({"System Manager", "Coordination Manager"})


def reads_every_event(user: str | None) -> bool:
	return bool(MANAGERS & set(frappe.get_roles(user)))


def event_conditions(user: str | None = None) -> str:
	"""List and report views: an event with no company is shown to coordination managers only (User
	Permissions on Company scope the rest)."""
	if reads_every_event(user):
		return ""
	return f"ifnull(`tab{DT_CARRIER_EVENT}`.company, '') != ''"


def may_read_event(doc, ptype=None, user=None) -> bool:
	return bool(doc.get("company")) or reads_every_event(user)
