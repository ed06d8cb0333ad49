"""The one place that turns the core's decisions into documents, timeline rows and notifications.

Every path (ERPNext document events, whitelisted actions, the sweep) goes through `load` (which locks the
order's row, so two users acting at once are serialised) and `save`. Writes happen in the caller's
transaction; notifications and realtime updates are queued to run after commit.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from contextlib import contextmanager
from datetime import time

import frappe
from frappe import _
from frappe.utils import getdate, now_datetime

from order_coordination.core import constants as C
from order_coordination.core import lifecycle
from order_coordination.core.errors import CoordinationError
from order_coordination.core.events import Event
from order_coordination.core.policy import Policy
from order_coordination.core.responsibility import Matrix, preset_matrix
from order_coordination.core.serialize import facts_of, fields_of, state_from
from order_coordination.core.sla import Calendar, working_hours_between
from order_coordination.departments import all_departments, department_users  # noqa: F401 (re-exported)


class OrderBusyError(frappe.ValidationError):
	"""Another change holds the order's lock: retryable."""

	http_status_code = 409


class Order:
	"""An order loaded for change: its record, its state, the policy it started under, and what writes
	its decisions (now, or in a batch with other orders')."""

	def __init__(self, doc, state, policy: Policy, writer=None):
		self.doc = doc
		self.state = state
		self.policy = policy
		self.writer = writer or WRITER


# --- errors -----------------------------------------------------------------------------------------


@contextmanager
def translated_errors():
	"""Show the core's refusals as translated ValidationErrors."""
	try:
		yield
	except CoordinationError as e:
		frappe.throw(_(e.template).format(*[_(str(a)) for a in e.args_]), frappe.ValidationError)


# --- policy -----------------------------------------------------------------------------------------


POLICY_CACHE = "order_coordination:policy_snapshot"


def policy_snapshot(company: str | None) -> dict:
	"""The company's policy as plain values (cached; cleared when a policy or department changes)."""
	key = company or ""
	snapshot = frappe.cache.hget(POLICY_CACHE, key)
	if snapshot is None:
		snapshot = _policy_snapshot(company)
		frappe.cache.hset(POLICY_CACHE, key, snapshot)
	return snapshot


def clear_policy_cache(doc=None, method=None):
	"""Forget cached policies now, and again when the transaction ends: a read in between may have cached
	what a rollback then undoes."""
	frappe.cache.delete_value(POLICY_CACHE)
	frappe.db.after_commit.add(_forget_policies)
	frappe.db.after_rollback.add(_forget_policies)


def _forget_policies():
	frappe.cache.delete_value(POLICY_CACHE)


SNAPSHOT_CACHE = "order_coordination:policy_by_snapshot"


def snapshot_name(snapshot: dict, company: str | None) -> str:
	"""The stored, frozen copy of a policy version: one row per distinct version, named by its hash."""
	text = json.dumps(snapshot, sort_keys=True)
	name = hashlib.sha1(text.encode()).hexdigest()[:20]
	if not hasattr(frappe.local, "oc_known_snapshots"):
		frappe.local.oc_known_snapshots = set()
	known = frappe.local.oc_known_snapshots  # this transaction wrote or saw it: no need to look again
	if name not in known and frappe.cache.hget(SNAPSHOT_CACHE, name) is None:
		if not frappe.db.exists(C.DT_POLICY_SNAPSHOT, name):
			row = frappe.new_doc(C.DT_POLICY_SNAPSHOT)
			row.update({"name": name, "company": company, "policy": snapshot.get("name"), "snapshot": text})
			_insert(row)
			frappe.db.after_rollback.add(lambda: frappe.cache.hdel(SNAPSHOT_CACHE, name))
		frappe.db.after_commit.add(lambda: frappe.cache.hset(SNAPSHOT_CACHE, name, snapshot))
		frappe.db.after_rollback.add(lambda: known.discard(name))
	known.add(name)
	return name


def policy_of_order(row) -> Policy:
	"""The policy an order started under (frozen versions never change, so they are cached for good)."""
	name = row.get("policy_snapshot")
	snapshot = frappe.cache.hget(SNAPSHOT_CACHE, name) if name else None
	if snapshot is None and name:
		text = frappe.db.get_value(C.DT_POLICY_SNAPSHOT, name, "snapshot")
		if text:
			snapshot = json.loads(text)
			frappe.cache.hset(SNAPSHOT_CACHE, name, snapshot)
	return policy_from(snapshot or policy_snapshot(row.get("company")))


def _policy_snapshot(company: str | None) -> dict:
	"""The policy as plain values, recorded on each order when it starts."""
	name = company if company and frappe.db.exists(C.DT_POLICY, company) else None
	if not name:
		model = C.SALES_LED
		return {
			"name": None,
			"model": model,
			"matrix": preset_matrix(model, all_departments()),
			"acceptance_hours": {s: C.DEFAULT_ACCEPTANCE_HOURS for s in C.STAGES},
			"completion_hours": dict(C.DEFAULT_COMPLETION_HOURS),
			"work_start": "09:00:00",
			"work_end": "17:00:00",
			"holiday_list": None,
		}
	doc = frappe.get_cached_doc(C.DT_POLICY, name)
	return {
		"name": doc.name,
		"model": doc.ownership_model,
		"matrix": matrix_of(doc),
		"acceptance_hours": {row.stage: row.acceptance_hours for row in doc.stage_slas},
		"completion_hours": {row.stage: row.completion_hours for row in doc.stage_slas},
		"work_start": str(doc.work_start or "09:00:00"),
		"work_end": str(doc.work_end or "17:00:00"),
		"holiday_list": doc.holiday_list,
	}


def matrix_of(policy_doc) -> Matrix:
	matrix: Matrix = {stage: {} for stage in C.STAGES}
	for row in policy_doc.matrix:
		matrix.setdefault(row.stage, {})[row.department] = row.responsibility
	return matrix


def _time(value: str) -> time:
	parts = [int(float(p)) for p in str(value).split(":")]
	return time(*(parts + [0, 0])[:3])


def calendar_of(snapshot: dict) -> Calendar:
	holiday_list = snapshot.get("holiday_list")
	if not hasattr(frappe.local, "oc_calendars"):
		frappe.local.oc_calendars = {}  # one request, one calendar per holiday list
	cache = frappe.local.oc_calendars
	key = (holiday_list, snapshot.get("work_start"), snapshot.get("work_end"))
	if key not in cache:
		start, end = (
			_time(snapshot.get("work_start") or "09:00:00"),
			_time(snapshot.get("work_end") or "17:00:00"),
		)
		if holiday_list:
			# A Holiday List carries the weekly offs as dates too.
			days = frappe.get_all("Holiday", filters={"parent": holiday_list}, pluck="holiday_date")
			cache[key] = Calendar(start, end, frozenset(), frozenset(getdate(d) for d in days))
		else:
			cache[key] = Calendar(start, end)
	return cache[key]


def policy_from(snapshot: dict) -> Policy:
	with translated_errors():
		return Policy(
			model=snapshot["model"],
			matrix=snapshot["matrix"],
			acceptance_hours=snapshot.get("acceptance_hours") or {},
			completion_hours=snapshot.get("completion_hours") or {},
			calendar=calendar_of(snapshot),
		)


# --- loading ----------------------------------------------------------------------------------------


def exists(sales_order: str) -> bool:
	return bool(frappe.db.exists(C.DT_ORDER_COORDINATION, sales_order))


def load(sales_order: str, lock: bool = True) -> Order | None:
	"""Load an order in one read; with `lock`, its row stays locked until the transaction ends, and the
	read sees the latest commit rather than this transaction's snapshot."""
	try:
		row = frappe.db.get_value(
			C.DT_ORDER_COORDINATION, sales_order, LOAD_FIELDS, as_dict=True, for_update=lock
		)
	except (frappe.QueryTimeoutError, frappe.QueryDeadlockError):
		# Nothing of this change is written yet: say so, and that trying again will do.
		frappe.throw(
			_("Order {0} is being changed by someone else right now. Please try again in a moment.").format(
				sales_order
			),
			OrderBusyError,
		)
	if not row:
		return None
	# The row itself stands in for the document: only these fields are read or written from here on.
	state = state_from(row.name, row, json.loads(row.facts or "{}"))
	return Order(row, state, policy_of_order(row))


# --- the two entry points ---------------------------------------------------------------------------


def start(sales_order_doc, event: Event, writer=None) -> Order:
	"""Create the coordination record of a submitted Sales Order."""
	snapshot = policy_snapshot(sales_order_doc.company)
	policy = policy_from(snapshot)
	with translated_errors():
		decision = lifecycle.start_order(event, policy)
	doc = frappe.new_doc(C.DT_ORDER_COORDINATION)
	doc.update(
		{
			"name": sales_order_doc.name,
			"sales_order": sales_order_doc.name,
			"company": sales_order_doc.company,
			"customer": sales_order_doc.customer,
			"ownership_model": snapshot["model"],
			"policy": snapshot["name"],
			"policy_snapshot": snapshot_name(snapshot, sales_order_doc.company),
		}
	)
	order = Order(doc, decision.state, policy, writer)
	save(order, decision, new=True)
	return order


def apply_event(sales_order: str, event: Event) -> lifecycle.Decision | None:
	"""Apply an ERPNext event to an order that has a coordination record."""
	decisions = apply_events(sales_order, [event])
	return decisions[0] if decisions else None


def apply_events(sales_order: str, events: list[Event]) -> list[lifecycle.Decision]:
	order = load(sales_order)
	if not order:
		return []
	decisions = []
	for event in events:
		with translated_errors():
			decision = lifecycle.apply(order.state, event, order.policy)
		save(order, decision)
		decisions.append(decision)
	return decisions


def decide(order: Order, action, *args, **kwargs) -> lifecycle.Decision:
	"""Run a department action of the core on a loaded order and save what it decided."""
	with translated_errors():
		decision = action(order.state, *args, **kwargs)
	save(order, decision)
	return decision


# --- writing ----------------------------------------------------------------------------------------


def save(order: Order, decision: lifecycle.Decision, new: bool = False) -> None:
	"""Write a decision: its effects, then the record's new state. Plain inserts and updates, without
	document hooks: these rows are ours, and this runs on the path of every ERPNext submit."""
	if not decision.changed:
		return
	state, writer = decision.state, order.writer
	notices, logs = [], []
	for effect in decision.effects:
		if isinstance(effect, lifecycle.Log):
			logs.append(effect)
		elif isinstance(effect, lifecycle.SendHandoff):
			name = writer.insert(C.DT_ORDER_HANDOFF, _handoff_row(order, effect))
			if state.pending is effect.handoff:
				state = _with_pending_name(state, name)
		elif isinstance(effect, lifecycle.AnswerHandoff):
			writer.update(C.DT_ORDER_HANDOFF, effect.handoff.name, _answer_values(order, effect))
		elif isinstance(effect, lifecycle.RaiseException):
			name = writer.insert(C.DT_EXCEPTION, _exception_row(order, effect))
			state = _with_exception_name(state, effect.exception, name)
		elif isinstance(effect, lifecycle.ResolveException):
			_resolve_exception(order, effect)
		elif isinstance(effect, lifecycle.Notify):
			notices.append(effect)
	values = fields_of(state)
	values["facts"] = json.dumps(facts_of(state), sort_keys=True)
	values["expected_finish"] = _expected_finish(state, order.policy)
	order.doc.update(values)
	writer.record(order.doc, new)
	writer.logs([(order.doc.name, order.doc.sales_order, log) for log in logs])
	shown = (state.stage, state.status, state.responsible)
	if new or shown != (order.state.stage, order.state.status, order.state.responsible):
		writer.show(
			order.doc.sales_order,
			dict(zip((C.FIELD_STAGE, C.FIELD_STATUS, C.FIELD_RESPONSIBLE), shown, strict=True)),
		)
	order.state = state
	if not writer.silent:
		_after_commit(order, notices)


class Writer:
	"""Writes rows as decisions are made: the path of live ERPNext events and department actions."""

	silent = False  # a batch of history sends no notifications

	def insert(self, doctype: str, row: dict) -> str:
		doc = frappe.new_doc(doctype)
		doc.update(row)
		doc.name = new_name(doctype)
		_insert(doc)
		return doc.name

	def update(self, doctype: str, name: str, values: dict) -> None:
		_update(doctype, name, values)

	def record(self, doc, new: bool) -> None:
		if new:
			_insert(doc)
		else:
			_update(C.DT_ORDER_COORDINATION, doc.name, {k: doc.get(k) for k in RECORD_FIELDS})

	def logs(self, entries) -> None:
		_write_logs_rows(entries)

	def show(self, sales_order: str, values: dict) -> None:
		_update("Sales Order", sales_order, values, touch=False)


def _update(doctype: str, name: str, values: dict, touch: bool = True) -> None:
	"""One plain UPDATE of our own columns (names from this module, never from input): on the submit
	path, the query builder's work per statement shows."""
	if touch:
		values = {**values, "modified": now_datetime(), "modified_by": frappe.session.user}
	assignments = ", ".join(f"`{column}` = %s" for column in values)
	frappe.db.sql(f"update `tab{doctype}` set {assignments} where name = %s", (*values.values(), name))


# Handoffs and exceptions are named at random behind a readable prefix: a naming series would lock one
# row of tabSeries from every submit that hands an order on until its commit, across all orders.
NAME_PREFIXES = {C.DT_ORDER_HANDOFF: "OH-", C.DT_EXCEPTION: "OE-"}


def new_name(doctype: str) -> str:
	return NAME_PREFIXES[doctype] + frappe.generate_hash(length=10).upper()


WRITER = Writer()
LOAD_FIELDS = ["name", "sales_order", "company", "customer", "policy_snapshot"]
RECORD_FIELDS = (
	"stage",
	"status",
	"responsible_department",
	"accountable_department",
	"stage_since",
	"delivery_date",
	"needs_manufacturing",
	"per_produced",
	"per_delivered",
	"last_outcome",
	"facts",
	"expected_finish",
)
LOAD_FIELDS += RECORD_FIELDS


def _insert(doc) -> None:
	"""Insert one of our own rows: named and stamped as `insert` would, without its hooks."""
	if not doc.name:
		doc.set_new_name()
	doc.set_user_and_timestamp()
	doc.db_insert()


def _with_pending_name(state, name):
	from dataclasses import replace

	return replace(state, pending=replace(state.pending, name=name))


def _with_exception_name(state, exception, name):
	from dataclasses import replace

	return replace(
		state,
		open_exceptions=tuple(replace(e, name=name) if e is exception else e for e in state.open_exceptions),
	)


def _expected_finish(state, policy):
	from order_coordination.core.jeopardy import expected_finish

	if not state.is_active or lifecycle.is_shipped(state):
		return None
	return expected_finish(
		state.stage,
		state.stage_since or now_datetime(),
		now_datetime(),
		policy,
		state.needs_manufacturing,
		[
			wo.planned_end
			for wo in state.work_orders.values()
			if wo.planned_end and wo.state != C.WO_COMPLETED
		],
	)


LOG_FIELDS = (
	"name",
	"idx",
	"creation",
	"modified",
	"owner",
	"modified_by",
	"order_coordination",
	"sales_order",
	"at",
	"action",
	"stage_from",
	"stage_to",
	"department",
	"user",
	"reference_doctype",
	"reference_name",
	"note",
)
TIMELINE_FIELDS = LOG_FIELDS[LOG_FIELDS.index("at") :]  # what a reader of the timeline sees


def _write_logs_rows(entries: list[tuple[str, str, lifecycle.Log]]) -> None:
	"""Append timeline rows, (order, sales order, log) each, in one statement."""
	if not entries:
		return
	now, user = now_datetime(), frappe.session.user
	rows = [
		(
			frappe.generate_hash(length=12),
			idx,
			now,
			now,
			user,
			user,
			order,
			sales_order,
			log.at,
			log.action,
			log.stage_from,
			log.stage_to,
			log.department,
			log.user or user,
			log.ref_doctype,
			log.ref_name,
			log.note,
		)
		for idx, (order, sales_order, log) in enumerate(entries, 1)
	]
	bulk_insert(C.DT_TIMELINE, LOG_FIELDS, rows)


def bulk_insert(doctype: str, fields, rows, chunk: int = 2000) -> None:
	"""Multi-row INSERTs with driver-escaped values (our column names only): several times faster than
	building the same statement with the query builder, which matters to the backfill."""
	columns = ", ".join(f"`{field}`" for field in fields)
	row_marks = "(" + ", ".join(["%s"] * len(fields)) + ")"
	for start in range(0, len(rows), chunk):
		part = rows[start : start + chunk]
		frappe.db.sql(
			f"insert into `tab{doctype}` ({columns}) values {', '.join([row_marks] * len(part))}",
			[value for row in part for value in row],
		)


def _handoff_row(order: Order, effect: lifecycle.SendHandoff) -> dict:
	h = effect.handoff
	return {
		"order_coordination": order.doc.name,
		"sales_order": order.doc.sales_order,
		"from_department": h.from_department,
		"to_department": h.to_department,
		"stage": h.stage,
		"status": C.HANDOFF_PENDING,
		"sent_by": effect.user or frappe.session.user,
		"sent_on": h.sent_on,
		"due_by": h.due_by,
		"note": effect.note,
		"reference_doctype": effect.ref_doctype,
		"reference_name": effect.ref_name,
	}


def _answer_values(order: Order, effect: lifecycle.AnswerHandoff) -> dict:
	h = effect.handoff
	values = {
		"status": effect.status,
		"responded_on": effect.at,
		"responded_by": effect.user or frappe.session.user,
	}
	if effect.reason:
		values["reason"] = effect.reason
	if effect.status != C.HANDOFF_CANCELLED:
		values["on_time"] = int(effect.at <= h.due_by)
		values["response_hours"] = round(
			working_hours_between(h.sent_on, effect.at, order.policy.calendar), 3
		)
	return values


def _exception_row(order: Order, effect: lifecycle.RaiseException) -> dict:
	e = effect.exception
	return {
		"sales_order": order.doc.sales_order,
		"order_coordination": order.doc.name,
		"exception_type": e.exception_type,
		"status": C.EXCEPTION_OPEN,
		"raised_by_department": effect.raised_by_department,
		"responsible_department": e.responsible_department,
		"description": effect.description,
		"raised_by": effect.user or frappe.session.user,
		"raised_on": effect.at,
		"reference_doctype": e.ref_doctype,
		"reference_name": e.ref_name,
	}


def _resolve_exception(order: Order, effect: lifecycle.ResolveException) -> None:
	e = effect.exception
	name = e.name or frappe.db.get_value(
		C.DT_EXCEPTION,
		{
			"order_coordination": order.doc.name,
			"status": C.EXCEPTION_OPEN,
			"exception_type": e.exception_type,
			"reference_doctype": e.ref_doctype,
			"reference_name": e.ref_name,
		},
	)
	if name:
		order.writer.update(
			C.DT_EXCEPTION,
			name,
			{
				"status": C.EXCEPTION_RESOLVED,
				"resolution": effect.resolution,
				"resolved_by": effect.user or frappe.session.user,
				"resolved_on": effect.at,
			},
		)


# --- after commit -----------------------------------------------------------------------------------


def _after_commit(order: Order, notices: list[lifecycle.Notify]) -> None:
	payload = {
		"sales_order": order.doc.sales_order,
		"stage": order.state.stage,
		"status": order.state.status,
		"responsible_department": order.state.responsible,
	}
	# Open panels of this order (they subscribe to its record's room), and open lists and boards.
	frappe.publish_realtime(
		"order_coordination_update",
		payload,
		doctype=C.DT_ORDER_COORDINATION,
		docname=order.doc.name,
		after_commit=True,
	)
	frappe.publish_realtime(
		"list_update",
		{"doctype": C.DT_ORDER_COORDINATION, "name": order.doc.name, "user": frappe.session.user},
		after_commit=True,
	)
	if notices:
		queue_notifications(
			[
				{
					"sales_order": order.doc.sales_order,
					"departments": list(n.departments),
					"users": [],
					"subject": n.subject,
					"args": [str(a) for a in n.args],
				}
				for n in notices
			]
		)


def queue_notifications(items: list[dict]) -> None:
	"""Keep the notifications in the outbox, in this transaction, and send them after commit. If the queue
	is down then, the sweep sends them later; the outbox row makes sure nobody gets one twice."""
	row = frappe.new_doc(C.DT_OUTBOX)
	row.update(
		{
			"sales_order": items[0].get("sales_order") if len(items) == 1 else None,
			"status": C.OUTBOX_PENDING,
			"payload": json.dumps(items),
		}
	)
	_insert(row)
	frappe.db.after_commit.add(lambda: _enqueue_delivery(row.name))


def _enqueue_delivery(name: str) -> None:
	# Runs after commit: a queue that is down must never undo or block the ERPNext document.
	try:
		frappe.enqueue("order_coordination.coordination.deliver_outbox", queue="short", names=[name])
	except Exception:
		frappe.log_error(title="Order Coordination: notifications left in the outbox for the sweep")


def deliver_outbox(names: list[str] | None = None) -> int:
	"""Send pending notifications. Claiming, sending and marking happen in one transaction: a second
	deliverer waits on the rows and then finds them sent; a crash leaves them pending."""
	condition = "and name in %(names)s" if names else ""
	rows = frappe.db.sql(
		f"""select name, payload from `tabCoordination Outbox`
		where status = %(pending)s {condition} order by creation limit 500 for update""",
		{"pending": C.OUTBOX_PENDING, "names": tuple(names or ())},
		as_dict=True,
	)
	for row in rows:
		send_notifications(json.loads(row.payload or "[]"))
		frappe.db.sql(
			"""update `tabCoordination Outbox` set status = %s, sent_on = %s, attempts = attempts + 1
			where name = %s""",
			(C.OUTBOX_SENT, now_datetime(), row.name),
		)
	return len(rows)


def send_notifications(items: list[dict]) -> None:
	from frappe.desk.doctype.notification_log.notification_log import make_notification_logs

	for item in items:
		users = list(
			dict.fromkeys((item.get("users") or []) + department_users(item.get("departments") or []))
		)
		if not users:
			continue
		subject = _(item["subject"]).format(*[_(a) for a in item["args"]])
		make_notification_logs(
			{
				"subject": subject,
				"type": "Alert",
				"document_type": C.DT_ORDER_COORDINATION,
				"document_name": item["sales_order"],
				"email_content": subject,
				"from_user": "Administrator",
			},
			users,
		)


# --- batches ----------------------------------------------------------------------------------------


class BatchWriter(Writer):
	"""Collects the rows of many orders' decisions and writes them in a few statements: the backfill's
	writer."""

	silent = True

	def __init__(self):
		self.rows: dict[str, dict[str, dict]] = defaultdict(dict)
		self.entries: list = []
		self.shown: dict[str, dict] = {}

	def insert(self, doctype: str, row: dict) -> str:
		name = new_name(doctype)
		self.rows[doctype][name] = {**row, "name": name}
		return name

	def update(self, doctype: str, name: str, values: dict) -> None:
		if name in self.rows[doctype]:
			self.rows[doctype][name].update(values)
		else:
			super().update(doctype, name, values)

	def record(self, doc, new: bool) -> None:
		if new or doc.name in self.rows[C.DT_ORDER_COORDINATION]:
			self.rows[C.DT_ORDER_COORDINATION][doc.name] = {
				k: v for k, v in doc.as_dict().items() if k not in ("doctype", "__islocal", "__unsaved")
			}
		else:
			super().record(doc, new)

	def logs(self, entries) -> None:
		self.entries += entries

	def show(self, sales_order: str, values: dict) -> None:
		self.shown[sales_order] = values

	def flush(self) -> None:
		now, user = now_datetime(), frappe.session.user
		for doctype, rows in self.rows.items():
			if not rows:
				continue
			meta = frappe.get_meta(doctype)
			columns = {f.fieldname: f.fieldtype for f in meta.fields if f.fieldtype not in NO_VALUE}
			fields = ["name", "creation", "modified", "owner", "modified_by", "docstatus", "idx"]
			own = sorted({k for row in rows.values() for k in row} & set(columns))
			fields += own
			zero = {f for f in own if columns[f] in NUMERIC}  # not-null columns, as insert would fill them
			values = [
				(name, now, now, user, user, 0, 0, *(_or_zero(row.get(f), f in zero) for f in own))
				for name, row in rows.items()
			]
			bulk_insert(doctype, fields, values)
		_write_logs_rows(self.entries)
		by_values = defaultdict(list)
		for sales_order, shown in self.shown.items():
			by_values[tuple(sorted(shown.items()))].append(sales_order)
		for shown, names in by_values.items():
			assignments = ", ".join(f"`{field}` = %s" for field, _value in shown)
			frappe.db.sql(
				f"update `tabSales Order` set {assignments} where name in %s",
				(*(value for _field, value in shown), tuple(names)),
			)
		self.__init__()


NO_VALUE = ("Section Break", "Column Break", "Tab Break", "HTML", "Table", "Table MultiSelect", "Button")
NUMERIC = ("Check", "Int", "Float", "Percent", "Currency")


def _or_zero(value, numeric: bool):
	return (value or 0) if numeric else value
