"""What-if: replay a company's period under another policy (an existing one, or a draft of changes over
it) beside the policies its orders really ran under, and adopt a draft as the company's new policy version.

Only a Coordination Manager (or System Manager) replays or adopts. The orders are those of the period the
user may read (`period`); a period of more than INLINE_ORDERS orders is replayed in a job on the long
queue, which tells the user when it is done (`replay_result` then gives the figures). What a replay cannot
know is said with its figures."""

import frappe
from frappe import _
from frappe.utils import get_datetime, getdate, now_datetime

from order_coordination.core import constants
from order_coordination.core import replay as rp
from order_coordination.core.responsibility import preset_matrix
from order_coordination.departments import all_departments, is_coordination_admin
from order_coordination.errors import translated_errors
from order_coordination.insight.histories import histories
from order_coordination.insight.period import Period, clean_period, orders_sql
from order_coordination.policies import policy_from, policy_of_order, read_policy, version_name, with_history

INLINE_ORDERS = 2000
BATCH = 500
RESULT_KEY = "order_coordination:replay:"
REALTIME_EVENT = "order_coordination_replay"
CHANGE_KEYS = (
	"model",
	"matrix",
	"acceptance_hours",
	"completion_hours",
	"promise_owner",
	"promise_proposers",
	"notices",
)


def check_manager():
	if not is_coordination_admin():
		frappe.throw(_("Only coordination managers replay or change policies"), frappe.PermissionError)


def draft_snapshot(company: str, policy=None, changes=None) -> dict:
	"""The policy values a replay or an adoption uses: the named Coordination Policy's (the company's own by
	default) with `changes` over them, checked; ValidationError for anything the rules cannot use."""
	if policy not in (None, ""):
		if not isinstance(policy, str) or not frappe.db.exists(constants.DT_POLICY, policy):
			frappe.throw(_("Coordination Policy {0} does not exist").format(policy), frappe.ValidationError)
		frappe.has_permission(constants.DT_POLICY, "read", doc=policy, throw=True)
	snapshot = dict(read_policy(policy or company))
	changes = frappe.parse_json(changes) if isinstance(changes, str) else (changes or {})
	if not isinstance(changes, dict):
		frappe.throw(_("Policy changes must be field names with values"), frappe.ValidationError)
	unknown = set(changes) - set(CHANGE_KEYS)
	if unknown:
		frappe.throw(
			_("{0} is not a policy field a draft may change").format(sorted(unknown)[0]),
			frappe.ValidationError,
		)
	departments = set(all_departments())
	if "model" in changes:
		if changes["model"] not in constants.OWNERSHIP_MODELS:
			frappe.throw(_("Unknown ownership model {0}").format(changes["model"]), frappe.ValidationError)
		snapshot["model"] = changes["model"]
		snapshot["matrix"] = preset_matrix(changes["model"], all_departments())
	if "matrix" in changes:
		snapshot["matrix"] = _matrix(changes["matrix"], departments)
	for key in ("acceptance_hours", "completion_hours"):
		if key in changes:
			hours = changes[key]
			if not isinstance(hours, dict) or not set(hours) <= set(constants.STAGES):
				frappe.throw(_("SLA hours are given per stage"), frappe.ValidationError)
			snapshot[key] = {**snapshot[key], **hours}
	if "promise_owner" in changes:
		snapshot["promise_owner"] = _department(changes["promise_owner"], departments)
		if "promise_proposers" not in changes:
			snapshot["promise_proposers"] = [
				d for d in snapshot["promise_proposers"] if d != changes["promise_owner"]
			]
	if "promise_proposers" in changes:
		proposers = changes["promise_proposers"]
		if not isinstance(proposers, list):
			frappe.throw(_("Those who may propose dates are a list of departments"), frappe.ValidationError)
		snapshot["promise_proposers"] = [_department(d, departments) for d in proposers]
		if snapshot["promise_owner"] in snapshot["promise_proposers"]:
			frappe.throw(
				_("{0} owns the promise: it answers proposals and cannot also be one that proposes").format(
					snapshot["promise_owner"]
				),
				frappe.ValidationError,
			)
	if "notices" in changes:
		notices = changes["notices"]
		if not isinstance(notices, dict) or not set(notices) <= set(constants.NOTICE_KINDS):
			frappe.throw(_("Notices are switched per kind of event"), frappe.ValidationError)
		snapshot["notices"] = {**snapshot["notices"], **{k: bool(v) for k, v in notices.items()}}
	policy_from(snapshot)  # refuses, translated, what the rules cannot use (hours, matrix)
	return snapshot


def _department(value, departments: set) -> str:
	if not isinstance(value, str) or value not in departments:
		frappe.throw(_("{0} is not a coordination department").format(value), frappe.ValidationError)
	return value


def _matrix(matrix, departments: set) -> dict:
	if not isinstance(matrix, dict) or set(matrix) != set(constants.STAGES):
		frappe.throw(_("The responsibility matrix needs a row for every stage"), frappe.ValidationError)
	for row in matrix.values():
		if not isinstance(row, dict):
			frappe.throw(_("The responsibility matrix needs a row for every stage"), frappe.ValidationError)
		for department in row:
			_department(department, departments)
	return {stage: dict(row) for stage, row in matrix.items()}


def period_records(period: Period) -> list:
	values = {}
	return frappe.db.sql(
		f"""select oc.name, c.started, oc.original_delivery_date, oc.needs_manufacturing, oc.owner, oc.company,
			oc.policy_snapshot
		from {orders_sql(period, values)} join `tabOrder Coordination` oc on oc.name = c.name
		order by c.started, oc.name""",
		values,
		as_dict=True,
	)


def run_replay(period: Period, snapshot: dict, until=None, progress=None) -> dict:
	"""Replay every order of the period under each one's own policy and under `snapshot`, and compare."""
	until = get_datetime(until) if until else now_datetime()
	what_if = with_history(policy_from(snapshot), period.company)
	records = period_records(period)
	actual_runs, what_if_runs = [], []
	for start in range(0, len(records), BATCH):
		batch = records[start : start + BATCH]
		found = histories(batch)
		for record in batch:
			real = policy_of_order(record)
			history = found[record.name]
			with translated_errors():
				actual_runs.append(rp.replay_order(history, real, until))
				what_if_runs.append(rp.replay_order(history, what_if, until, real=real))
		if progress:
			progress(min(start + BATCH, len(records)), len(records))
	result = rp.compare(actual_runs, what_if_runs)
	result["cannot_know"] = _(
		"A replay keeps what people really did, when they did it: under other rules they might have acted "
		"sooner, later or not at all, and customers and suppliers might have answered differently. Facts of "
		"ERPNext's documents are taken as they happened; acts the other policy does not allow are left out."
	)
	result["until"] = str(until)
	result["orders"] = len(records)
	result["draft"] = {key: snapshot.get(key) for key in CHANGE_KEYS}
	return result


@frappe.read_only()
def count_orders(period: Period) -> int:
	values = {}
	return frappe.db.sql(f"select count(*) from {orders_sql(period, values)}", values)[0][0]


@frappe.read_only()
def replay_on_replica(period: Period, snapshot: dict, until=None, progress=None) -> dict:
	return run_replay(period, snapshot, until, progress)


@frappe.whitelist(methods=["POST"])
def replay_policy(company, from_date, to_date, policy=None, changes=None):
	"""Actual vs what-if for the company's orders that started in the period; for a long period the id of
	the job that works it out (its figures then come from `replay_result`)."""
	check_manager()
	period = clean_period(company, from_date, to_date)
	snapshot = draft_snapshot(period.company, policy, changes)
	count = count_orders(period)
	if count <= INLINE_ORDERS:
		return replay_on_replica(period, snapshot)
	job_id = f"oc_replay_{frappe.generate_hash(length=10)}"
	frappe.enqueue(
		"order_coordination.insight.whatif.replay_job",
		queue="long",
		timeout=3600,
		job_id=job_id,
		period=dict(period),
		snapshot=snapshot,
		key=job_id,
		until=str(now_datetime()),
	)
	return {"job": job_id, "orders": count}


def replay_job(period: dict, snapshot: dict, key: str, until: str):
	"""Background job: the replay of a long period, kept for its user for an hour."""
	period = Period(period)
	user = frappe.session.user

	def progress(done, total):
		frappe.publish_realtime(REALTIME_EVENT, {"job": key, "done": done, "total": total}, user=user)

	result = replay_on_replica(period, snapshot, until, progress)
	frappe.cache.set_value(RESULT_KEY + key, {"user": user, "result": result}, expires_in_sec=3600)
	frappe.publish_realtime(REALTIME_EVENT, {"job": key, "finished": True}, user=user)


@frappe.whitelist()
def replay_result(job):
	"""The figures of a finished replay job of this user; None while it runs."""
	check_manager()
	kept = frappe.cache.get_value(RESULT_KEY + str(job)) if isinstance(job, str) else None
	if not kept or kept.get("user") != frappe.session.user:
		return None
	return kept["result"]


@frappe.whitelist()
def draft_basis(company):
	"""What the page's what-if form starts from: the company's policy (model, who does each stage, SLA hours,
	promise owner, notices) and the choices it offers."""
	check_manager()
	company = clean_period(company, getdate(), getdate()).company
	snapshot = read_policy(company)
	return {
		"policy": {key: snapshot.get(key) for key in CHANGE_KEYS},
		"departments": all_departments(),
		"stages": list(constants.STAGES),
		"models": list(constants.OWNERSHIP_MODELS),
		"presets": {model: preset_matrix(model, all_departments()) for model in constants.OWNERSHIP_MODELS},
		"notice_kinds": list(constants.NOTICE_KINDS),
	}


@frappe.whitelist(methods=["POST"])
def adopt_policy(company, changes=None, policy=None):
	"""Make the draft the company's Coordination Policy: saved as a new version, so orders already running
	keep the one they started under. Returns the new version's name."""
	check_manager()
	period_company = clean_period(company, getdate(), getdate()).company
	snapshot = draft_snapshot(period_company, policy, changes)
	if frappe.db.exists(constants.DT_POLICY, period_company):
		doc = frappe.get_doc(constants.DT_POLICY, period_company)
	else:
		doc = frappe.new_doc(constants.DT_POLICY)
		doc.company = period_company
	if doc.ownership_model != snapshot["model"] and not doc.is_new():
		# A new model presets its matrix when saved: saved first, so the draft's own matrix stays after it.
		doc.ownership_model = snapshot["model"]
		doc.save()
	doc.ownership_model = snapshot["model"]
	doc.set("matrix", [])
	for stage, row in snapshot["matrix"].items():
		for department, responsibility in row.items():
			doc.append("matrix", {"stage": stage, "department": department, "responsibility": responsibility})
	by_stage = {row.stage: row for row in doc.get("stage_slas") or []}
	for stage in constants.STAGES:
		values = {
			"acceptance_hours": snapshot["acceptance_hours"].get(stage, constants.DEFAULT_ACCEPTANCE_HOURS),
			"completion_hours": snapshot["completion_hours"].get(stage, 0),
		}
		if stage in by_stage:
			by_stage[stage].update(values)
		else:
			doc.append("stage_slas", {"stage": stage, **values})
	doc.promise_owner = snapshot["promise_owner"]
	doc.set("promise_proposers", [{"department": d} for d in snapshot["promise_proposers"]])
	for kind, on in snapshot["notices"].items():
		doc.set(f"notify_{kind}", int(bool(on)))
	if doc.is_new():
		doc.insert()
	else:
		doc.save()
	return version_name(read_policy(period_company))
