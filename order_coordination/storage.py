"""How the app's own rows are written: plain inserts and updates without document hooks (these rows are
ours, and they are written on the path of every ERPNext submit), the timeline in one statement, and the
batch writer of the backfill.

Plain SQL skips what Frappe's save would do, so this module does it where it matters: user text is kept
as plain text (markup removed whatever its shape; Frappe's own sanitiser lets JSON-shaped text through
untouched), and every row carries the company and
customer of its order, so that User Permissions apply to it as they do to the order itself.
"""

from __future__ import annotations

from collections import defaultdict

import frappe
from frappe.utils import now_datetime

from order_coordination.core.constants import (
	DT_EXCEPTION,
	DT_ORDER_COORDINATION,
	DT_ORDER_HANDOFF,
	DT_PROMISE_CHANGE,
	DT_TIMELINE,
	HANDOFF_ACCEPTED,
	TIMELINE_CREATED,
	TIMELINE_STAGE,
)
from order_coordination.typed_text import clean_text, cleaned


def insert_row(doctype: str, name: str, row: dict) -> str:
	"""One plain INSERT of a new row of ours, named and stamped as `insert` would, user text sanitised and
	empty numbers stored as 0 as `insert` would; columns not given keep their defaults. On the path of every
	ERPNext submit, where building a document only to insert it shows."""
	now, user = now_datetime(), frappe.session.user
	numeric = {f.fieldname for f in frappe.get_meta(doctype).fields if f.fieldtype in NUMERIC}
	values = {
		"name": name,
		"owner": user,
		"creation": now,
		"modified": now,
		"modified_by": user,
		"docstatus": 0,
		"idx": 0,
		**{k: _or_zero(v, k in numeric) for k, v in cleaned(row).items()},
	}
	bulk_insert(doctype, list(values), [tuple(values.values())])
	return name


def update_row(doctype: str, name: str, values: dict, touch: bool = True) -> None:
	"""One plain UPDATE of our own columns (names from our code, never from input): on the submit path,
	the query builder's work per statement shows."""
	values = cleaned(values)
	if touch:
		values = {**values, "modified": now_datetime(), "modified_by": frappe.session.user}
	assignments = ", ".join(f"`{column}` = %s" for column in values)
	frappe.db.sql(f"update `tab{doctype}` set {assignments} where name = %s", (*values.values(), name))


# The complete hours of a handoff handed on whose acceptance did not begin its receiver's stretch (the
# report works them out from its times): a Float column holds no null.
HOURS_NOT_KEPT = -1


# Handoffs, exceptions and promise changes are named at random behind a readable prefix: a naming series would lock one
# row of tabSeries from every submit that hands an order on until its commit, across all orders.
NAME_PREFIXES = {DT_ORDER_HANDOFF: "OH-", DT_EXCEPTION: "OE-", DT_PROMISE_CHANGE: "PC-"}


def new_name(doctype: str) -> str:
	return NAME_PREFIXES[doctype] + frappe.generate_hash(length=10).upper()


def bulk_insert(doctype: str, fields, rows, chunk: int = 2000, ignore: bool = False) -> None:
	"""Multi-row INSERTs with driver-escaped values (our column names only): several times faster than
	building the same statement with the query builder, which matters to the backfill. With `ignore`, a row
	whose name is already stored is skipped."""
	columns = ", ".join(f"`{field}`" for field in fields)
	row_marks = "(" + ", ".join(["%s"] * len(fields)) + ")"
	for start in range(0, len(rows), chunk):
		part = rows[start : start + chunk]
		frappe.db.sql(
			f"insert {'ignore ' if ignore else ''}into `tab{doctype}` ({columns}) values {', '.join([row_marks] * len(part))}",
			[value for row in part for value in row],
		)


# The timeline entries whose writing changes an order's stage moves as the flow map keeps them.
FLOW_ACTIONS = (TIMELINE_CREATED, TIMELINE_STAGE)

# What a reader of the timeline sees, in order; the row also carries its order's company and customer.
TIMELINE_FIELDS = (
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
TIMELINE_COLUMNS = (
	"name",
	"idx",
	"creation",
	"modified",
	"owner",
	"modified_by",
	"order_coordination",
	"sales_order",
	"company",
	"customer",
	*TIMELINE_FIELDS,
)


def write_timeline(entries) -> None:
	"""Append timeline rows in one statement. Each entry is (order, TimelineEntry), where the order is a
	mapping with the record's `name`, `sales_order`, `company` and `customer`."""
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
			order.get("name"),
			order.get("sales_order"),
			order.get("company"),
			order.get("customer"),
			entry.at,
			entry.action,
			entry.stage_from,
			entry.stage_to,
			entry.department,
			entry.user or user,
			entry.ref_doctype,
			entry.ref_name,
			clean_text(entry.note),
		)
		for idx, (order, entry) in enumerate(entries, 1)
	]
	bulk_insert(DT_TIMELINE, TIMELINE_COLUMNS, rows)
	_pack_stage_moves({order.get("name") for order, entry in entries if entry.action in FLOW_ACTIONS})


def write_timeline_of_records(entry, source: str, condition: str, values, note: str | None = None) -> None:
	"""Append a timeline entry to every record `oc` that `source` (a FROM clause naming the records `oc`)
	and `condition` select (SQL with `%s` marks, filled from `values` in order), in one statement that reads
	each record's own name, company, customer and holder: the sweep writes tens of thousands of them without
	sending them back and forth. The entry's department is the record's holder; `note`, if given, is SQL
	for each row's note (made of values the app chose, never of user text)."""
	now, user = now_datetime(), frappe.session.user
	from_record = {
		"name": "left(sha2(concat(%s, oc.name), 256), 16)",
		"order_coordination": "oc.name",
		"sales_order": "oc.sales_order",
		"company": "oc.company",
		"customer": "oc.customer",
		"department": "oc.responsible_department",
		"note": note,
	}
	given = {
		"idx": 0,
		"creation": now,
		"modified": now,
		"owner": user,
		"modified_by": user,
		"at": entry.at,
		"action": entry.action,
		"stage_from": entry.stage_from,
		"stage_to": entry.stage_to,
		"user": entry.user or user,
		"reference_doctype": entry.ref_doctype,
		"reference_name": entry.ref_name,
		"note": clean_text(entry.note),
	}
	select = [from_record.get(column) or "%s" for column in TIMELINE_COLUMNS]
	selected = [frappe.generate_hash(length=10)]  # the run's salt for the rows' names
	selected += [given[column] for column in TIMELINE_COLUMNS if not from_record.get(column)]
	frappe.db.sql(
		f"""insert into `tab{DT_TIMELINE}` ({", ".join(f"`{c}`" for c in TIMELINE_COLUMNS)})
		select {", ".join(select)} from {source} where {condition}""",
		(*selected, *values),
	)
	if entry.action in FLOW_ACTIONS:
		_pack_stage_moves(frappe.db.sql_list(f"select oc.name from {source} where {condition}", values))


def _pack_stage_moves(names) -> None:
	"""Each order's stage moves kept on its Created entry for the flow map (`insight.moves`), for the
	orders a Created entry or a stage move was just written for."""
	if names:
		from order_coordination.insight.moves import refresh  # insight reads through storage's neighbours

		refresh(names)


class Writer:
	"""Writes rows as decisions are made: the path of live ERPNext events and department actions."""

	silent = False  # a batch of history sends no notifications

	def insert(self, doctype: str, row: dict) -> str:
		return insert_row(doctype, new_name(doctype), row)

	def update(self, doctype: str, name: str, values: dict) -> None:
		update_row(doctype, name, values)

	def record(self, doc, new: bool, fields) -> None:
		if new:
			insert_row(DT_ORDER_COORDINATION, doc.name, {k: v for k, v in doc.items() if k != "name"})
		else:
			update_row(DT_ORDER_COORDINATION, doc.name, {k: doc.get(k) for k in fields})

	def timeline(self, entries) -> None:
		write_timeline(entries)

	def handed_on(self, record: str, department: str, at, hours) -> None:
		"""The accepted handoffs of an order to `department` not yet handed on were handed on `at`, by a
		handoff sent then; `hours` is (the acceptance, its working hours) for the one that began the
		department's stretch. With `hours` None, the handoff sent `at` was withdrawn: they are not."""
		if hours is None:
			frappe.db.sql(
				f"""update `tab{DT_ORDER_HANDOFF}` set handed_on = null, complete_hours = 0
				where order_coordination = %s and to_department = %s and handed_on = %s""",
				(record, department, at),
			)
			return
		accepted_at, held = hours
		held = HOURS_NOT_KEPT if held is None else held
		frappe.db.sql(
			f"""update `tab{DT_ORDER_HANDOFF}` set handed_on = %s,
				complete_hours = if(responded_on <=> %s, %s, %s)
			where order_coordination = %s and to_department = %s and status = %s
				and handed_on is null and responded_on <= %s""",
			(at, accepted_at, held, HOURS_NOT_KEPT, record, department, HANDOFF_ACCEPTED, at),
		)

	def mirror_on_sales_order(self, sales_order: str, values: dict) -> None:
		"""The Sales Order's read-only copy of stage, status and holder (its list and form show them)."""
		update_row("Sales Order", sales_order, values, touch=False)


class BatchWriter(Writer):
	"""Collects the rows of many orders' decisions and writes them in a few statements: the backfill's
	writer."""

	silent = True

	def __init__(self):
		self.rows: dict[str, dict[str, dict]] = defaultdict(dict)
		self.entries: list = []
		self.mirrored: dict[str, dict] = {}

	def insert(self, doctype: str, row: dict) -> str:
		name = new_name(doctype)
		self.rows[doctype][name] = {**cleaned(row), "name": name}
		return name

	def update(self, doctype: str, name: str, values: dict) -> None:
		if name in self.rows[doctype]:
			self.rows[doctype][name].update(cleaned(values))
		else:
			super().update(doctype, name, values)

	def record(self, doc, new: bool, fields) -> None:
		if new or doc.name in self.rows[DT_ORDER_COORDINATION]:
			self.rows[DT_ORDER_COORDINATION][doc.name] = dict(doc)
		else:
			super().record(doc, new, fields)

	def timeline(self, entries) -> None:
		self.entries += entries

	def handed_on(self, record: str, department: str, at, hours) -> None:
		rows = [
			row
			for row in self.rows[DT_ORDER_HANDOFF].values()
			if row.get("order_coordination") == record and row.get("to_department") == department
		]
		if not rows and record not in self.rows[DT_ORDER_COORDINATION]:
			super().handed_on(record, department, at, hours)
			return
		for row in rows:
			if hours is None:
				if row.get("handed_on") == at:
					row.update(handed_on=None, complete_hours=0)
			elif (
				row.get("status") == HANDOFF_ACCEPTED
				and not row.get("handed_on")
				and row.get("responded_on")
				and row["responded_on"] <= at
			):
				kept = (
					hours[1] if row["responded_on"] == hours[0] and hours[1] is not None else HOURS_NOT_KEPT
				)
				row.update(handed_on=at, complete_hours=kept)

	def mirror_on_sales_order(self, sales_order: str, values: dict) -> None:
		self.mirrored[sales_order] = values

	def orders(self) -> set[str]:
		return set(self.rows[DT_ORDER_COORDINATION])

	def drop_orders(self, names: set[str]) -> None:
		"""Forget what was collected for these orders (they got their record another way meanwhile)."""
		for doctype, rows in self.rows.items():
			key = "name" if doctype == DT_ORDER_COORDINATION else "order_coordination"
			for name in [n for n, row in rows.items() if row.get(key) in names]:
				del rows[name]
		self.entries = [(order, entry) for order, entry in self.entries if order.get("name") not in names]
		for name in names:
			self.mirrored.pop(name, None)

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
		write_timeline(self.entries)
		by_values = defaultdict(list)
		for sales_order, values in self.mirrored.items():
			by_values[tuple(sorted(values.items()))].append(sales_order)
		for values, names in by_values.items():
			assignments = ", ".join(f"`{field}` = %s" for field, _value in values)
			frappe.db.sql(
				f"update `tabSales Order` set {assignments} where name in %s",
				(*(value for _field, value in values), tuple(names)),
			)
		self.__init__()


NO_VALUE = ("Section Break", "Column Break", "Tab Break", "HTML", "Table", "Table MultiSelect", "Button")
NUMERIC = ("Check", "Int", "Float", "Percent", "Currency")


def _or_zero(value, numeric: bool):
	return (value or 0) if numeric else value
