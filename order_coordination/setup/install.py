"""Install and uninstall: custom fields as code, the default departments, and the backfill."""

import json

import frappe
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

from order_coordination.core import constants
from order_coordination.departments import COORDINATION_MANAGER
from order_coordination.setup.custom_fields import CUSTOM_FIELDS
from order_coordination.setup.permissions import apply_grants, remove_grants


def after_install():
	after_migrate()


def after_migrate():
	make_roles()
	make_indexes()
	make_custom_fields()
	make_default_departments()
	apply_grants()
	make_kanban_board()
	start_backfill()


def start_backfill():
	"""Queue the backfill while open orders lack a record (the sweep checks again every 15 minutes)."""
	from order_coordination.setup.backfill import count_pending, enqueue_backfill

	if count_pending():
		try:
			enqueue_backfill()
		except Exception:
			# No queue during this migrate: the sweep starts it.
			frappe.log_error(title="Order Coordination: backfill left to the sweep")


def make_roles():
	from order_coordination.doorstep.roles import make_driver_role

	make_driver_role()
	# The integration role has no desk and no permission of its own: it may only call the carriers' endpoint.
	for role, desk_access in ((COORDINATION_MANAGER, 1), (constants.INTEGRATION_ROLE, 0)):
		if not frappe.db.exists("Role", role):
			frappe.get_doc({"doctype": "Role", "role_name": role, "desk_access": desk_access}).insert(
				ignore_permissions=True
			)


# Indexes for the queue, the sweep and the reports, beyond the single-column ones of the doctypes.
INDEXES = {
	constants.DT_ORDER_HANDOFF: (
		("status", "to_department", "due_by"),
		("order_coordination", "sent_on"),
		("sent_on",),
		# The flow map reads a period's handoffs from the index alone.
		(
			"order_coordination",
			"status",
			"from_department",
			"to_department",
			"responded_on",
			"response_hours",
		),
	),
	constants.DT_ORDER_COORDINATION: (
		("responsible_department", "status", "delivery_date"),
		("status", "company"),
		("status", "next_status_check"),
	),
	# The flow map, the replay and the export find a period's orders by their Created entry (with the moves
	# the flow map keeps there, from the index alone: it replaced `oc_company_action_at`, patch
	# flow_map_indexes), and read each order's stage moves from an index that holds every column they need.
	constants.DT_TIMELINE: (
		("company", "action", "at", "order_coordination", "stage_moves"),
		("order_coordination", "action", "at", "idx", "stage_from", "stage_to"),
	),
	# Carrier events find their Shipment by its AWB number, and a shipment's latest event by time.
	"Shipment": (("awb_number",),),
	constants.DT_CARRIER_EVENT: (("shipment", "state", "occurred_at"), ("state", "occurred_at")),
}


def make_indexes():
	for doctype, indexes in INDEXES.items():
		for fields in indexes:
			frappe.db.add_index(doctype, list(fields), index_name=("oc_" + "_".join(fields))[:64])


def make_custom_fields():
	create_custom_fields(CUSTOM_FIELDS, ignore_validate=True, update=True)


def make_default_departments():
	for name in constants.DEFAULT_DEPARTMENTS:
		if frappe.db.exists(constants.DT_DEPARTMENT, name):
			continue
		doc = frappe.new_doc(constants.DT_DEPARTMENT)
		doc.department_name = name
		for role in constants.DEFAULT_DEPARTMENT_ROLES[name]:
			if frappe.db.exists("Role", role):
				doc.append("roles", {"role": role})
		doc.insert(ignore_permissions=True)


KANBAN_BOARD = "Orders by Stage"
STAGE_INDICATORS = ("Gray", "Blue", "Blue", "Orange", "Yellow", "Purple", "Green", "Green")


def make_kanban_board():
	"""The board of orders by stage. Cards move with the orders' documents, not by dragging: nobody may
	edit a coordination record directly."""
	# Cards: the customer (the record's title), who holds the order and the promised date, without labels
	# that would cut them short.
	fields = json.dumps(["responsible_department", "delivery_date", "status"])
	if frappe.db.exists("Kanban Board", KANBAN_BOARD):
		frappe.db.set_value("Kanban Board", KANBAN_BOARD, {"fields": fields, "show_labels": 0})
		return
	board = frappe.new_doc("Kanban Board")
	board.kanban_board_name = KANBAN_BOARD
	board.reference_doctype = constants.DT_ORDER_COORDINATION
	board.field_name = "stage"
	board.private = 0
	board.show_labels = 0
	board.fields = fields
	for stage, indicator in zip(constants.STAGES, STAGE_INDICATORS, strict=True):
		board.append("columns", {"column_name": stage, "status": "Active", "indicator": indicator})
	board.insert(ignore_permissions=True)


def before_uninstall():
	"""Remove our fields and granted permissions from ERPNext doctypes; ERPNext's documents stay as they are."""
	for doctype, fields in CUSTOM_FIELDS.items():
		for field in fields:
			name = frappe.db.get_value("Custom Field", {"dt": doctype, "fieldname": field["fieldname"]})
			if name:
				frappe.delete_doc("Custom Field", name, ignore_permissions=True, force=True)
		frappe.clear_cache(doctype=doctype)
	frappe.delete_doc_if_exists("Kanban Board", KANBAN_BOARD)
	remove_grants()


def before_tests():
	"""Tests need a completed ERPNext setup; run ERPNext's own preparation (only our app's hook runs
	when tests are run with --app order_coordination)."""
	from erpnext.setup.utils import before_tests as erpnext_before_tests

	erpnext_before_tests()
	make_roles()
	make_custom_fields()
	make_default_departments()
