"""Each order's stage moves on the company's clock, kept packed on its Created timeline entry (the column
`stage_moves`) as they happen, so that the flow map of a year reads one row per order and runs no clock
(`core.flowmap.timed_moves`, `pack`). `storage.write_timeline` calls `refresh` whenever it writes a Created
entry or a stage move (the live path, the backfill, the repair and the bulk generator all write there);
the patch `stage_moves` calls `fill` for the entries written before. The flow map counts an order whose
entry holds nothing (yet) on the clock, as it always did, so the two give the same numbers.

The hours are those of the company's calendar when the move was written, as a handoff keeps its response
hours; after the calendar changes, `fill(only_missing=False)` counts every order again."""

from collections import defaultdict

import frappe
from frappe.utils import get_datetime

from order_coordination.core.constants import DT_TIMELINE, TIMELINE_CREATED, TIMELINE_STAGE
from order_coordination.core.flowmap import pack, timed_moves
from order_coordination.reporting import calendar_for

FLOW_ACTIONS = (TIMELINE_CREATED, TIMELINE_STAGE)
BATCH = 2000  # orders per read
WRITE_BATCH = 500  # rows per update statement


def refresh(names) -> None:
	"""Pack again the stage moves of these orders onto their Created entries, where they changed."""
	names = sorted({name for name in names if name})
	for start in range(0, len(names), BATCH):
		_refresh(names[start : start + BATCH])


def fill(only_missing: bool = True) -> int:
	"""Pack the moves of every order whose Created entry holds none (every order with
	`only_missing=False`); returns how many orders were read. Commits after each batch: a patch, never a
	request."""
	condition = "and stage_moves is null" if only_missing else ""
	names = frappe.db.sql_list(
		f"""select distinct order_coordination from `tab{DT_TIMELINE}`
		where action = %s {condition} order by order_coordination""",
		TIMELINE_CREATED,
	)
	for start in range(0, len(names), BATCH):
		_refresh(names[start : start + BATCH])
		frappe.db.commit()  # nosemgrep: a patch over every order, in batches
	return len(names)


def _refresh(names: list[str]) -> None:
	created, moves = {}, defaultdict(list)
	for row, order, company, action, at, stage_from, stage_to, kept in frappe.db.sql(
		f"""select name, order_coordination, company, action, at, stage_from, stage_to, stage_moves
		from `tab{DT_TIMELINE}` where order_coordination in %(names)s
		and (action = %(created)s
			or (action = %(stage)s and stage_from is not null and stage_to is not null))""",
		{"names": tuple(names), "created": TIMELINE_CREATED, "stage": TIMELINE_STAGE},
	):
		at = get_datetime(at)
		if action == TIMELINE_CREATED:
			created[row] = (order, company, at, kept)
		else:
			moves[order].append((at, stage_from, stage_to))
	changed = []
	for row, (order, company, started, kept) in created.items():
		if started is None:
			continue
		text = pack(*timed_moves(started, moves[order], calendar_for(company)))
		if text != kept:
			changed.append((row, text))
	for start in range(0, len(changed), WRITE_BATCH):
		part = changed[start : start + WRITE_BATCH]
		frappe.db.sql(
			f"""update `tab{DT_TIMELINE}` set stage_moves = case name {" ".join(["when %s then %s"] * len(part))}
			end where name in %s""",
			(*(value for pair in part for value in pair), tuple(row for row, _text in part)),
		)
