"""A decision being built: the state as it changes and the effects collected on the way.

Event handlers (`lifecycle`) and department actions (`actions`) both change an order through a `Draft`,
then `settle` it: the stage, holder and status are derived from the new facts, and what changed is noted
in the timeline.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from .constants import (
	DT_ORDER_HANDOFF,
	DT_PROMISE_CHANGE,
	HANDOFF_ACCEPTED,
	HANDOFF_CANCELLED,
	HANDOFF_REJECTED,
	NOTICE_EXCEPTION,
	NOTICE_HANDOFF,
	NOTICE_PROMISE,
	NOTICE_STAGE,
	PRODUCTION_STAGES,
	PROMISE_ACCEPTED,
	PROMISE_CANCELLED,
	PROMISE_DECLINED,
	STAGES,
	TIMELINE_EXCEPTION_RAISED,
	TIMELINE_EXCEPTION_RESOLVED,
	TIMELINE_HANDOFF_ACCEPTED,
	TIMELINE_HANDOFF_CANCELLED,
	TIMELINE_HANDOFF_REJECTED,
	TIMELINE_HANDOFF_SENT,
	TIMELINE_PROMISE_ACCEPTED,
	TIMELINE_PROMISE_DECLINED,
	TIMELINE_PROMISE_PROPOSED,
	TIMELINE_PROMISE_WITHDRAWN,
	TIMELINE_STAGE,
	TIMELINE_STATUS,
)
from .derive import derive_stage, derive_status, wanted_holder
from .model import (
	AnswerHandoff,
	AnswerPromise,
	Decision,
	Handoff,
	Notify,
	OpenException,
	OrderState,
	PromiseProposal,
	RaiseException,
	ResolveException,
	SendHandoff,
	SendPromise,
	TimelineEntry,
)
from .policy import Policy
from .responsibility import accountable_for, audience
from .sla import add_working_hours


class Draft:
	"""A decision being built: the state as it changes and the effects collected on the way."""

	def __init__(self, state: OrderState, event_at: datetime, user: str | None, ref=(None, None), *, policy):
		self.policy = policy  # decides who is told (the matrix and the kinds of notice it sends)
		self.before = state
		self.state = state
		self.at = event_at
		self.user = user
		self.ref_doctype, self.ref_name = ref
		self.effects: list = []
		# An outside report (a carrier's event) is recorded even when it changes nothing of the order:
		# its source guarantees it is new (one report per id), so there is no replay to swallow.
		self.always_record = False

	def add_entry(self, action: str, **kw):
		kw.setdefault("ref_doctype", self.ref_doctype)
		kw.setdefault("ref_name", self.ref_name)
		kw.setdefault("user", self.user)
		self.effects.append(TimelineEntry(action=action, at=self.at, **kw))

	def update(self, **changes):
		self.state = replace(self.state, **changes)

	def notify(
		self, kind: str, subject: str, args: tuple, addressees=(), actor=None, stage=None, informing=True
	):
		"""Tell whoever must act (`addressees`) and, as the policy's matrix says, the departments
		responsible, accountable or informed for the stage concerned."""
		departments = audience(
			self.policy.matrix,
			stage or self.state.stage,
			addressees,
			actor,
			informing and self.policy.informs(kind),
			path=[s for s in STAGES if self.state.needs_manufacturing or s not in PRODUCTION_STAGES],
		)
		if departments:
			self.effects.append(Notify(departments, subject, tuple(args)))

	def send(self, to_department: str, note: str | None = None):
		stage = self.state.stage
		handoff = Handoff(
			from_department=self.state.responsible,
			to_department=to_department,
			stage=stage,
			sent_on=self.at,
			due_by=due_by(self.at, self.policy.acceptance_for(stage), self.policy),
		)
		self.update(pending=handoff)
		self.effects.append(SendHandoff(handoff, self.user, note, self.ref_doctype, self.ref_name))
		self.add_entry(
			TIMELINE_HANDOFF_SENT,
			department=handoff.from_department,
			note=join_notes(f"{handoff.from_department} → {to_department}", note),
		)
		self.notify(
			NOTICE_HANDOFF,
			"Order {0} was handed off to {1}",
			(self.state.sales_order, to_department),
			addressees=(to_department,),
			actor=handoff.from_department,
		)

	def answer(self, status: str, reason: str | None = None, note: str | None = None):
		handoff = self.state.pending
		self.effects.append(AnswerHandoff(handoff, status, self.at, self.user, reason))
		if not self.ref_doctype:  # a department's own action: the handoff itself is what it acted on
			self.ref_doctype, self.ref_name = DT_ORDER_HANDOFF, handoff.name
		changes = {"pending": None}
		if status == HANDOFF_ACCEPTED:
			changes["responsible"] = handoff.to_department
		self.update(**changes)
		action = {
			HANDOFF_ACCEPTED: TIMELINE_HANDOFF_ACCEPTED,
			HANDOFF_REJECTED: TIMELINE_HANDOFF_REJECTED,
			HANDOFF_CANCELLED: TIMELINE_HANDOFF_CANCELLED,
		}[status]
		department = handoff.from_department if status == HANDOFF_CANCELLED else handoff.to_department
		self.add_entry(action, department=department, note=join_notes(reason, note))
		if status == HANDOFF_REJECTED:
			self.notify(
				NOTICE_HANDOFF,
				"{0} rejected the handoff of order {1}: {2}",
				(handoff.to_department, self.state.sales_order, reason),
				addressees=(handoff.from_department,),
				actor=handoff.to_department,
			)

	def propose_promise(self, proposal: PromiseProposal, note: str | None = None):
		"""Send a new delivery date for the other side to answer; a pending one it replaces is withdrawn."""
		if self.state.pending_promise:
			self.answer_promise(PROMISE_CANCELLED, note="Replaced by a newer proposal")
		self.update(pending_promise=proposal)
		self.effects.append(SendPromise(proposal, self.user, note))
		self.add_entry(
			TIMELINE_PROMISE_PROPOSED,
			department=proposal.from_department,
			note=join_notes(promise_move(proposal), proposal.reason, note),
		)
		self.notify(
			NOTICE_PROMISE,
			"{0} proposes to deliver order {1} on {2} instead of {3}",
			(proposal.from_department, self.state.sales_order, proposal.new_date, proposal.old_date or "-"),
			addressees=(proposal.to_department,),
			actor=proposal.from_department,
		)

	def answer_promise(
		self, status: str, reason: str | None = None, note: str | None = None, new_promise=None
	):
		"""Accept, decline or withdraw the pending promise change; an accepted one moves the promise to
		`new_promise` (what ERPNext's lines say once the new dates are written)."""
		proposal = self.state.pending_promise
		self.effects.append(AnswerPromise(proposal, status, self.at, self.user, reason))
		changes = {"pending_promise": None}
		if status == PROMISE_ACCEPTED:
			changes["delivery_date"] = new_promise or proposal.new_date
		self.update(**changes)
		action = {
			PROMISE_ACCEPTED: TIMELINE_PROMISE_ACCEPTED,
			PROMISE_DECLINED: TIMELINE_PROMISE_DECLINED,
			PROMISE_CANCELLED: TIMELINE_PROMISE_WITHDRAWN,
		}[status]
		department = proposal.from_department if status == PROMISE_CANCELLED else proposal.to_department
		self.add_entry(
			action,
			department=department,
			note=join_notes(promise_move(proposal), proposal.reason, reason, note),
			ref_doctype=DT_PROMISE_CHANGE,
			ref_name=proposal.name,
		)
		if status == PROMISE_ACCEPTED:
			self.notify(
				NOTICE_PROMISE,
				"Order {0} will now be delivered on {1} (was {2}): {3}",
				(self.state.sales_order, proposal.new_date, proposal.old_date or "-", proposal.reason),
				addressees=(proposal.from_department,),
				actor=proposal.to_department,
			)
		elif status == PROMISE_DECLINED:
			self.notify(
				NOTICE_PROMISE,
				"{0} declined to move the delivery of order {1} to {2}: {3}",
				(proposal.to_department, self.state.sales_order, proposal.new_date, reason),
				addressees=(proposal.from_department,),
				actor=proposal.to_department,
				informing=False,
			)

	def raise_exception(self, exc: OpenException, raised_by: str, description: str):
		self.update(open_exceptions=(*self.state.open_exceptions, exc))
		self.effects.append(RaiseException(exc, raised_by, description, self.at, self.user))
		self.add_entry(
			TIMELINE_EXCEPTION_RAISED, department=raised_by, note=join_notes(exc.exception_type, description)
		)
		self.notify(
			NOTICE_EXCEPTION,
			"{0} raised on order {1}",
			(exc.exception_type, self.state.sales_order),
			addressees=(exc.responsible_department, self.state.responsible),
			actor=raised_by,
		)

	def resolve_exception(self, exc: OpenException, resolution: str):
		self.update(open_exceptions=tuple(e for e in self.state.open_exceptions if e is not exc))
		self.effects.append(ResolveException(exc, resolution, self.at, self.user))
		self.add_entry(
			TIMELINE_EXCEPTION_RESOLVED,
			department=exc.responsible_department,
			note=join_notes(exc.exception_type, resolution),
		)
		self.notify(
			NOTICE_EXCEPTION,
			"{0} on order {1} was resolved: {2}",
			(exc.exception_type, self.state.sales_order, resolution),
			addressees=(self.state.responsible,),
			actor=exc.responsible_department,
		)

	def settle(self, stage_moved_by_event: bool = True) -> Decision:
		"""Derive stage, holder and status from the new facts, and log what changed."""
		old = self.before
		stage = derive_stage(self.state)
		if stage != self.state.stage:
			self.add_entry(
				TIMELINE_STAGE, stage_from=self.state.stage, stage_to=stage, department=self.state.responsible
			)
			self.update(stage=stage, stage_since=self.at)
			self.notify(NOTICE_STAGE, "Order {0} moved to {1}", (self.state.sales_order, stage))
			if stage_moved_by_event:
				self.follow_stage()
		if not self.state.is_active and self.state.pending:
			self.answer(HANDOFF_CANCELLED, note="Order no longer active")
		if not self.state.is_active and self.state.pending_promise:
			self.answer_promise(PROMISE_CANCELLED, note="Order no longer active")
		self.update(accountable=accountable_for(self.policy.matrix, self.state.stage))
		status = derive_status(self.state, self.at, self.policy)
		if status != self.state.status:
			if self.state.status:
				self.add_entry(
					TIMELINE_STATUS, note=f"{self.state.status} → {status}", department=self.state.responsible
				)
			self.update(status=status)
		if self.state == old and not (self.always_record and self.effects):
			return Decision(old, ())
		return Decision(self.state, tuple(self.effects))

	def follow_stage(self):
		"""A new stage may need another department: hand the order on, replacing a stale handoff."""
		wanted = wanted_holder(self.state, self.policy)
		pending = self.state.pending
		if pending and pending.to_department != wanted:
			self.answer(HANDOFF_CANCELLED, note="Superseded by a stage change")
		if wanted and wanted != self.state.responsible and not self.state.pending:
			self.send(wanted)


def due_by(start: datetime, hours: float, policy: Policy) -> datetime:
	return add_working_hours(start, hours, policy.calendar)


def promise_move(proposal: PromiseProposal) -> str:
	lines = f" ({len(proposal.items)} lines)" if proposal.items else ""
	return f"{proposal.old_date or '-'} → {proposal.new_date}{lines}"


def join_notes(*parts: str | None) -> str | None:
	text = ": ".join(p for p in parts if p)
	return text or None
