"""OCEL 2.0 as written: the object and event types of the order log, and the two writers of the
standard's formats (JSON, written as it comes; SQLite, with its table per type, event_object and
object_object), each taking one object or event at a time so that memory stays flat."""

import json
import sqlite3

from order_coordination.core import constants
from order_coordination.core import events as ev

EPOCH = "1970-01-01T00:00:00"
# Object types, with their attributes (name -> OCEL type) and the prefix of their ids.
OBJECT_TYPES = {
	"Sales Order": (
		"so",
		{
			"customer": "string",
			"company": "string",
			"stage": "string",
			"status": "string",
			"holder": "string",
			"delivery_date": "string",
		},
	),
	"Work Order": ("wo", {}),
	"Delivery Note": ("dn", {}),
	"Delivery Trip": ("trip", {}),
	"Shipment": ("shp", {}),
	"Department": ("dept", {}),
	"Handoff": (
		"ho",
		{
			"from_department": "string",
			"to_department": "string",
			"stage": "string",
			"status": "string",
			"due_by": "time",
			"response_hours": "float",
		},
	),
	"Promise Change": (
		"pc",
		{"old_date": "string", "new_date": "string", "reason": "string", "status": "string"},
	),
}
DOCUMENTS = {"Work Order", "Delivery Note", "Delivery Trip", "Shipment"}
REFERENCED = {
	**{d: d for d in DOCUMENTS},
	constants.DT_ORDER_HANDOFF: "Handoff",
	constants.DT_PROMISE_CHANGE: "Promise Change",
}
EVENT_ATTRIBUTES = {"note": "string", "user": "string"}
# Event types by their name in lower case: the timeline's actions, and what happened to a document (a label
# the same as an action but for its case, "Delivery confirmed", is that action: SQLite's table names, and
# a reader's eye, do not tell case apart).
EVENT_TYPES = {
	name.lower(): name for name in reversed([*constants.TIMELINE_ACTIONS, *ev.EVENT_LABELS.values()])
}


def type_map(name: str) -> str:
	"""The table suffix OCEL 2.0's SQLite format names a type by: its letters and digits."""
	return "".join(ch for ch in name if ch.isalnum())


# --- writing ---------------------------------------------------------------------------------------------


class JsonWriter:
	"""OCEL 2.0 JSON, written as it comes: the types, then the objects, then the events."""

	def __init__(self, path: str):
		self.file = open(path, "w", encoding="utf-8")
		self.first = True

	def begin(self):
		types = {
			"objectTypes": [
				{"name": t, "attributes": [{"name": n, "type": k} for n, k in attrs.items()]}
				for t, (_prefix, attrs) in OBJECT_TYPES.items()
			],
			"eventTypes": [
				{"name": t, "attributes": [{"name": n, "type": k} for n, k in EVENT_ATTRIBUTES.items()]}
				for t in EVENT_TYPES.values()
			],
		}
		self.file.write(json.dumps(types)[:-1] + ', "objects": [')

	def section(self, name: str):
		self.file.write(f'], "{name}": [')
		self.first = True

	def _write(self, item: dict):
		self.file.write(("" if self.first else ",\n") + json.dumps(item, default=str))
		self.first = False

	def object(self, obj: dict):
		self._write(
			{
				"id": obj["id"],
				"type": obj["type"],
				"attributes": [{"name": n, "time": t, "value": v} for n, t, v in obj["attributes"]],
				"relationships": [{"objectId": o, "qualifier": q} for o, q in obj["relationships"]],
			}
		)

	def event(self, event: dict):
		self._write(
			{
				"id": event["id"],
				"type": event["type"],
				"time": event["time"],
				"attributes": [{"name": n, "value": v} for n, v in event["attributes"]],
				"relationships": [{"objectId": o, "qualifier": q} for o, q in event["relationships"]],
			}
		)

	def end(self):
		self.file.write("]}")
		self.file.close()


class SqliteWriter:
	"""OCEL 2.0 SQLite: event and object tables with a table per type, event_object and object_object."""

	def __init__(self, path: str):
		self.db = sqlite3.connect(path)

	def begin(self):
		q = self.db.execute
		q("create table event (ocel_id text primary key, ocel_type text)")
		q("create table event_map_type (ocel_type text primary key, ocel_type_map text)")
		q("create table object (ocel_id text primary key, ocel_type text)")
		q("create table object_map_type (ocel_type text primary key, ocel_type_map text)")
		q("create table event_object (ocel_event_id text, ocel_object_id text, ocel_qualifier text)")
		q("create table object_object (ocel_source_id text, ocel_target_id text, ocel_qualifier text)")
		for name in EVENT_TYPES.values():
			q("insert into event_map_type values (?, ?)", (name, type_map(name)))
			columns = "".join(f', "{n}" text' for n in EVENT_ATTRIBUTES)
			q(
				f'create table "event_{type_map(name)}" (ocel_id text primary key, ocel_time timestamp{columns})'
			)
		for name, (_prefix, attrs) in OBJECT_TYPES.items():
			q("insert into object_map_type values (?, ?)", (name, type_map(name)))
			columns = "".join(f', "{n}" {"real" if k == "float" else "text"}' for n, k in attrs.items())
			q(
				f'create table "object_{type_map(name)}" (ocel_id text, ocel_time timestamp, ocel_changed_field text{columns})'
			)

	def section(self, name: str):
		self.db.commit()

	def object(self, obj: dict):
		q = self.db.execute
		table = f'"object_{type_map(obj["type"])}"'
		q("insert into object values (?, ?)", (obj["id"], obj["type"]))
		first = {n: v for n, t, v in obj["attributes"] if t == EPOCH}
		names = list(first)
		columns = "".join(f', "{n}"' for n in names)
		q(
			f"insert into {table} (ocel_id, ocel_time, ocel_changed_field{columns}) values (?, ?, null{', ?' * len(names)})",
			(obj["id"], "1970-01-01 00:00:00", *first.values()),
		)
		for n, t, v in obj["attributes"]:
			if t != EPOCH:
				q(
					f'insert into {table} (ocel_id, ocel_time, ocel_changed_field, "{n}") values (?, ?, ?, ?)',
					(obj["id"], t.replace("T", " "), n, v),
				)
		self.db.executemany(
			"insert into object_object values (?, ?, ?)",
			[(obj["id"], o, qual) for o, qual in obj["relationships"]],
		)

	def event(self, event: dict):
		q = self.db.execute
		q("insert into event values (?, ?)", (event["id"], event["type"]))
		values = dict(event["attributes"])
		q(
			f'insert into "event_{type_map(event["type"])}" values (?, ?{", ?" * len(EVENT_ATTRIBUTES)})',
			(event["id"], event["time"].replace("T", " "), *(values.get(n) for n in EVENT_ATTRIBUTES)),
		)
		self.db.executemany(
			"insert into event_object values (?, ?, ?)",
			[(event["id"], o, qual) for o, qual in event["relationships"]],
		)

	def end(self):
		self.db.commit()
		self.db.close()
