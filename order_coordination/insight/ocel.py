"""The period's log as OCEL 2.0 (the object-centric event log standard, JSON or SQLite), for any
process-mining tool: PM4Py, Celonis, ocpa.

Objects: Sales Orders (customer and company; stage, status, holder and delivery date over time), the Work
Orders, Delivery Notes, Delivery Trips and Shipments the timeline names, the Departments, each Handoff and
Promise Change. Events: every timeline entry, with its time and qualified relations to the order, the
department and the document it names. Object-to-object relations tie an order to its documents, handoffs
and promise changes, and those to their departments.

A job on the long queue writes it to a private File, batch by batch of orders (JSON written as it goes,
SQLite through the standard library), so its memory stays flat however long the period; the user sees its
progress and is told the File when done."""

import hashlib
import os
from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import get_datetime, now_datetime

from order_coordination.core import constants
from order_coordination.core import events as ev
from order_coordination.departments import all_departments
from order_coordination.insight.ocel_format import (
	DOCUMENTS,
	EPOCH,
	EVENT_TYPES,
	OBJECT_TYPES,
	REFERENCED,
	JsonWriter,
	SqliteWriter,
)
from order_coordination.insight.period import Period, clean_period, orders_sql

BATCH = 500
REALTIME_EVENT = "order_coordination_ocel"
FORMATS = ("json", "sqlite")
HANDOFF_ACTIONS = (
	constants.TIMELINE_HANDOFF_SENT,
	constants.TIMELINE_HANDOFF_ACCEPTED,
	constants.TIMELINE_HANDOFF_REJECTED,
	constants.TIMELINE_HANDOFF_CANCELLED,
	constants.TIMELINE_HANDOFF_ESCALATED,
)


def oid(object_type: str, name: str) -> str:
	return f"{OBJECT_TYPES[object_type][0]}:{name}"


def stamp(value) -> str:
	return get_datetime(value).isoformat()


def event_type(action: str, note: str | None) -> str:
	"""A document's event is named by what happened to it ("Work Order submitted"); others by their action."""
	if action == constants.TIMELINE_DOCUMENT and note in ev.EVENT_LABELS.values():
		return EVENT_TYPES[note.lower()]
	return action


# --- reading, a batch of orders at a time -------------------------------------------------------------


def batches(period: Period):
	values = {}
	names = frappe.db.sql_list(f"select c.name from {orders_sql(period, values)} order by c.name", values)
	for start in range(0, len(names), BATCH):
		yield names[start : start + BATCH], len(names)


def objects_of(names: list[str], seen: set):
	"""The objects of a batch of orders, each with its attributes over time and its relations."""
	args = {"names": tuple(names)}
	orders = frappe.db.sql(
		"""select name, customer, company, original_delivery_date from `tabOrder Coordination`
		where name in %(names)s""",
		args,
		as_dict=True,
	)
	changes, related = defaultdict(list), defaultdict(list)
	for name, at, action, stage_to, department, note, ref_doctype, ref_name in frappe.db.sql(
		"""select order_coordination, at, action, stage_to, department, note, reference_doctype, reference_name
		from `tabOrder Timeline Entry` where order_coordination in %(names)s order by at, idx""",
		args,
	):
		when = stamp(at)
		if action == constants.TIMELINE_CREATED and stage_to:
			changes[name].append(("stage", EPOCH, stage_to))  # where it started: its first value
		elif action == constants.TIMELINE_STAGE and stage_to:
			changes[name].append(("stage", when, stage_to))
		elif action == constants.TIMELINE_STATUS and note and "→" in note:
			changes[name].append(("status", when, note.split("→")[-1].strip()))
		elif action == constants.TIMELINE_HANDOFF_ACCEPTED and department:
			changes[name].append(("holder", when, department))
		elif action == constants.TIMELINE_DATE_CHANGED and note and "→" in note:
			changes[name].append(("delivery_date", when, note.split("→")[-1].strip()))
		if ref_doctype in DOCUMENTS and ref_name:
			related[name].append((ref_doctype, ref_name))
	handoffs, promises = defaultdict(list), defaultdict(list)
	for h in frappe.db.sql(
		"""select order_coordination as parent, name, from_department, to_department, stage, status, due_by,
			response_hours
		from `tabOrder Handoff` where order_coordination in %(names)s order by sent_on""",
		args,
		as_dict=True,
	):
		handoffs[h.parent].append(h)
	for p in frappe.db.sql(
		"""select order_coordination as parent, name, old_date, new_date, reason, status,
			proposed_by_department, to_department
		from `tabOrder Promise Change` where order_coordination in %(names)s order by proposed_on""",
		args,
		as_dict=True,
	):
		promises[p.parent].append(p)
	for row in orders:
		relations = []
		for doctype, ref in dict.fromkeys(related[row.name]):
			relations.append((oid(doctype, ref), doctype.lower()))
			key = oid(doctype, ref)
			if key not in seen:  # a delivery or trip of several orders is one object
				seen.add(key)
				yield {"id": key, "type": doctype, "attributes": [], "relationships": []}
		attributes = [("customer", EPOCH, row.customer), ("company", EPOCH, row.company)]
		if row.original_delivery_date:
			attributes.append(("delivery_date", EPOCH, str(row.original_delivery_date)))
		attributes += changes[row.name]
		for h in handoffs[row.name]:
			relations.append((oid("Handoff", h.name), "handoff"))
			yield {
				"id": oid("Handoff", h.name),
				"type": "Handoff",
				"attributes": [
					(k, EPOCH, str(h[k]) if k == "due_by" and h[k] else h[k])
					for k in OBJECT_TYPES["Handoff"][1]
					if h[k] is not None
				],
				"relationships": [
					(oid("Department", h.from_department), "from"),
					(oid("Department", h.to_department), "to"),
				],
			}
		for p in promises[row.name]:
			relations.append((oid("Promise Change", p.name), "promise change"))
			yield {
				"id": oid("Promise Change", p.name),
				"type": "Promise Change",
				"attributes": [
					(k, EPOCH, str(p[k])) for k in OBJECT_TYPES["Promise Change"][1] if p[k] is not None
				],
				"relationships": [
					(oid("Department", p.proposed_by_department), "proposed by"),
					(oid("Department", p.to_department), "answered by"),
				],
			}
		yield {
			"id": oid("Sales Order", row.name),
			"type": "Sales Order",
			"attributes": attributes,
			"relationships": relations,
		}


def events_of(names: list[str]):
	"""The timeline entries of a batch of orders as events. A handoff's entries name it: its answer by
	reference, its sending by the moment it was sent."""
	handoffs = {}
	for order, name, sent_on, responded_on in frappe.db.sql(
		"""select order_coordination, name, sent_on, responded_on from `tabOrder Handoff`
		where order_coordination in %(names)s""",
		{"names": tuple(names)},
	):
		handoffs[(order, constants.TIMELINE_HANDOFF_SENT, get_datetime(sent_on))] = name
		if responded_on:
			handoffs[(order, "answer", get_datetime(responded_on))] = name
	for entry in frappe.db.sql(
		"""select name, order_coordination, at, action, department, user, note, reference_doctype,
			reference_name
		from `tabOrder Timeline Entry` where order_coordination in %(names)s order by at, idx""",
		{"names": tuple(names)},
		as_dict=True,
	):
		relations = [(oid("Sales Order", entry.order_coordination), "order")]
		if entry.department:
			relations.append((oid("Department", entry.department), "department"))
		kind = REFERENCED.get(entry.reference_doctype)
		if kind and entry.reference_name:
			relations.append((oid(kind, entry.reference_name), kind.lower()))
		if kind != "Handoff" and entry.action in HANDOFF_ACTIONS:
			key = (
				constants.TIMELINE_HANDOFF_SENT
				if entry.action == constants.TIMELINE_HANDOFF_SENT
				else "answer"
			)
			handoff = handoffs.get((entry.order_coordination, key, get_datetime(entry.at)))
			if handoff:
				relations.append((oid("Handoff", handoff), "handoff"))
		attributes = [(k, v) for k, v in (("note", entry.note), ("user", entry.user)) if v]
		yield {
			"id": f"ev:{entry.name}",
			"type": event_type(entry.action, entry.note),
			"time": stamp(entry.at),
			"attributes": attributes,
			"relationships": relations,
		}


def write_log(period: Period, path: str, fmt: str, progress=None) -> dict:
	"""Write the period's log to `path`; the counts of objects and events written."""
	writer = JsonWriter(path) if fmt == "json" else SqliteWriter(path)
	writer.begin()
	counts = {"objects": 0, "events": 0, "orders": 0}
	for department in all_departments():
		writer.object(
			{"id": oid("Department", department), "type": "Department", "attributes": [], "relationships": []}
		)
		counts["objects"] += 1
	seen = set()
	for names, total in batches(period):
		for obj in objects_of(names, seen):
			writer.object(obj)
			counts["objects"] += 1
		counts["orders"] += len(names)
		if progress:
			progress(counts["orders"], 2 * total)
	writer.section("events")
	done = 0
	for names, total in batches(period):
		for event in events_of(names):
			writer.event(event)
			counts["events"] += 1
		done += len(names)
		if progress:
			progress(total + done, 2 * total)
	writer.end()
	return counts


# --- the door and the job -------------------------------------------------------------------------------


@frappe.whitelist(methods=["POST"])
def export_ocel(company, from_date, to_date, format="json", filters=None):
	"""Queue the export of the company's orders that started in the period; the job's id. The user is told
	the private File when it is written."""
	period = clean_period(company, from_date, to_date, filters)
	if format not in FORMATS:
		frappe.throw(_("The export is written as JSON or SQLite"), frappe.ValidationError)
	job_id = f"oc_ocel_{frappe.generate_hash(length=10)}"
	frappe.enqueue(
		"order_coordination.insight.ocel.export_job",
		queue="long",
		timeout=4 * 3600,
		job_id=job_id,
		period=dict(period),
		fmt=format,
		key=job_id,
	)
	return job_id


def export_job(period: dict, fmt: str, key: str):
	"""Background job: write the log to a private File of the user who asked for it."""
	period = Period(period)
	user = frappe.session.user
	extension = "jsonocel" if fmt == "json" else "sqlite"
	stamp_ = now_datetime().strftime("%Y%m%d-%H%M%S")
	file_name = (
		f"ocel-{frappe.scrub(period.company)}-{period.from_date}-{period.to_date}-{stamp_}.{extension}"
	)
	path = frappe.get_site_path("private", "files", file_name)

	def progress(done, total):
		percent = round(100 * done / total) if total else 100
		frappe.publish_progress(percent, title=_("Exporting the event log"), description=f"{done}/{total}")
		frappe.publish_realtime(REALTIME_EVENT, {"job": key, "percent": percent}, user=user)

	try:
		counts = write_on_replica(period, path, fmt, progress)
		file = frappe.get_doc(
			{
				"doctype": "File",
				"file_name": file_name,
				"file_url": f"/private/files/{file_name}",
				"is_private": 1,
				"file_size": os.path.getsize(path),
				"content_hash": file_hash(path),  # else Frappe reads the whole file into memory to hash it
			}
		)
		file.insert(ignore_permissions=True)  # the user's own export, made for them by this job
		# Frappe commits when the job ends.
	except Exception:
		if os.path.exists(path):
			os.remove(path)
		frappe.publish_realtime(REALTIME_EVENT, {"job": key, "failed": True}, user=user)
		raise
	frappe.publish_realtime(
		REALTIME_EVENT, {"job": key, "file_url": file.file_url, "file": file.name, **counts}, user=user
	)
	return file.name


@frappe.read_only()
def write_on_replica(period: Period, path: str, fmt: str, progress=None) -> dict:
	return write_log(period, path, fmt, progress)


def file_hash(path: str) -> str:
	digest = hashlib.md5(usedforsecurity=False)
	with open(path, "rb") as f:
		for chunk in iter(lambda: f.read(1 << 20), b""):
			digest.update(chunk)
	return digest.hexdigest()
