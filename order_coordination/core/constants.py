"""Every name the app uses for stages, statuses, departments and fields, in one place."""

# Stages, in the order an order moves through them.
ORDER_RECEIVED = "Order Received"
PRODUCTION_PLANNING = "Production Planning"
IN_PRODUCTION = "In Production"
READY_TO_SHIP = "Ready to Ship"
PARTIALLY_SHIPPED = "Partially Shipped"
SHIPPED = "Shipped"
DELIVERED = "Delivered"
COMPLETED = "Completed"

STAGES = (
	ORDER_RECEIVED,
	PRODUCTION_PLANNING,
	IN_PRODUCTION,
	READY_TO_SHIP,
	PARTIALLY_SHIPPED,
	SHIPPED,
	DELIVERED,
	COMPLETED,
)
PRODUCTION_STAGES = (PRODUCTION_PLANNING, IN_PRODUCTION)

# Order statuses: how the order is doing, beside where it is.
STATUS_OPEN = "Open"
STATUS_AT_RISK = "At Risk"
STATUS_OVERDUE = "Overdue"
STATUS_ON_HOLD = "On Hold"
STATUS_COMPLETED = "Completed"
STATUS_CANCELLED = "Cancelled"
# The two views of the Promise Reliability report.
PROMISE_RELIABILITY_VIEWS = ("Department", "Customer")
ORDER_STATUSES = (
	STATUS_OPEN,
	STATUS_AT_RISK,
	STATUS_OVERDUE,
	STATUS_ON_HOLD,
	STATUS_COMPLETED,
	STATUS_CANCELLED,
)

# Departments created on install; admins may add more.
SALES = "Sales"
PRODUCTION = "Production"
LOGISTICS = "Logistics"
DEFAULT_DEPARTMENTS = (SALES, PRODUCTION, LOGISTICS)
DEFAULT_DEPARTMENT_ROLES = {
	SALES: ("Sales User", "Sales Manager"),
	PRODUCTION: ("Manufacturing User", "Manufacturing Manager"),
	LOGISTICS: ("Stock User", "Stock Manager", "Delivery User"),
}
# Reading rights the install grants on ERPNext doctypes, so that every role above can open what its
# department carries; ERPNext's standard gives them none of these. Only reading: making documents stays
# with the roles ERPNext gives it to.
# - Sales Order: Production opens the orders it takes on and makes their Work Orders from them (the
#   "Create > Work Order" button needs read on the order); Logistics makes Delivery Notes from them
#   (ERPNext's mapper refuses a source document the user may not read).
# - Work Order: Manufacturing Manager has no right on it at all in ERPNext's standard.
# - Customer: a Delivery Note checks read on its customer when it is made or saved (party details).
# - Address, Contact: making a Delivery Note from an order renders the customer's shipping address and
#   contact, which checks read on them (ERPNext gives the Stock roles none: found by the busy day's run).
PERMISSION_GRANTS = {
	("Sales Order", "Manufacturing User"): ("read", "report"),
	("Sales Order", "Manufacturing Manager"): ("read", "report"),
	("Work Order", "Manufacturing Manager"): ("read", "report"),
	("Sales Order", "Stock Manager"): ("read", "report"),
	("Sales Order", "Delivery User"): ("read", "report"),
	("Customer", "Delivery User"): ("read", "report"),
	("Address", "Stock User"): ("read",),
	("Address", "Stock Manager"): ("read",),
	("Address", "Delivery User"): ("read",),
	("Contact", "Stock User"): ("read",),
	("Contact", "Stock Manager"): ("read",),
	("Contact", "Delivery User"): ("read",),
}

# Ownership models: who is accountable for the order as a whole.
SALES_LED = "Sales-led"
PRODUCTION_LED = "Production-led"
LOGISTICS_LED = "Logistics-led"
SHARED = "Shared"
OWNERSHIP_MODELS = (SALES_LED, PRODUCTION_LED, LOGISTICS_LED, SHARED)

# Responsibility matrix cells.
RESPONSIBLE = "Responsible"
ACCOUNTABLE = "Accountable"
INFORMED = "Informed"
MATRIX_ROLES = (RESPONSIBLE, ACCOUNTABLE, INFORMED)

# Handoffs.
HANDOFF_PENDING = "Pending"
HANDOFF_ACCEPTED = "Accepted"
HANDOFF_REJECTED = "Rejected"
HANDOFF_CANCELLED = "Cancelled"

# Exceptions.
MATERIAL_SHORTAGE = "Material Shortage"
PRODUCTION_DELAY = "Production Delay"
QUALITY_ISSUE = "Quality Issue"
DELIVERY_FAILED = "Delivery Failed"
CUSTOMER_CHANGE = "Customer Change"
DAMAGED_IN_TRANSIT = "Damaged in Transit"
LOST_IN_TRANSIT = "Lost in Transit"
OTHER = "Other"
EXCEPTION_TYPES = (
	MATERIAL_SHORTAGE,
	PRODUCTION_DELAY,
	QUALITY_ISSUE,
	DELIVERY_FAILED,
	CUSTOMER_CHANGE,
	DAMAGED_IN_TRANSIT,
	LOST_IN_TRANSIT,
	OTHER,
)
EXCEPTION_OPEN = "Open"
EXCEPTION_RESOLVED = "Resolved"

# Promise changes: a department proposes a new delivery date, the department that owns the customer
# promise answers it (or, for a customer's request, the other way round).
CAPACITY = "Capacity"
CARRIER = "Carrier"
CUSTOMER_REQUEST = "Customer Request"
PROMISE_REASONS = (CAPACITY, MATERIAL_SHORTAGE, CARRIER, CUSTOMER_REQUEST, OTHER)
PROMISE_PENDING = "Pending"
PROMISE_ACCEPTED = "Accepted"
PROMISE_DECLINED = "Declined"
PROMISE_CANCELLED = "Cancelled"
DEFAULT_PROMISE_OWNER = SALES
DEFAULT_PROMISE_PROPOSERS = (PRODUCTION, LOGISTICS)

# What the matrix tells departments about; each kind may be switched off per policy.
NOTICE_STAGE = "stage_changes"
NOTICE_HANDOFF = "handoffs"
NOTICE_EXCEPTION = "exceptions"
NOTICE_PROMISE = "promise_changes"
NOTICE_DELIVERY = "delivery_outcomes"
NOTICE_KINDS = (NOTICE_STAGE, NOTICE_HANDOFF, NOTICE_EXCEPTION, NOTICE_PROMISE, NOTICE_DELIVERY)
# Stage changes are on every panel and board as they happen; mail about each would be noise by default.
DEFAULT_NOTICES = {kind: kind != NOTICE_STAGE for kind in NOTICE_KINDS}

# Delivery outcomes reported by Logistics (or by a Delivery Trip / Shipment).
OUTCOME_DELIVERED = "Delivered"
OUTCOME_PARTIALLY_DELIVERED = "Partially Delivered"
OUTCOME_REFUSED = "Refused"
OUTCOME_DAMAGED = "Damaged"
DELIVERY_OUTCOMES = (OUTCOME_DELIVERED, OUTCOME_PARTIALLY_DELIVERED, OUTCOME_REFUSED, OUTCOME_DAMAGED)

# Sales Order states as the coordination layer sees them.
SO_OPEN = "open"
SO_ON_HOLD = "on_hold"
SO_AWAITING_PAYMENT = "awaiting_payment"  # v16: "To Pay", the customer's advance is awaited
SO_CLOSED = "closed"
SO_COMPLETED = "completed"
SO_CANCELLED = "cancelled"

# Work Order states as the coordination layer sees them.
WO_SUBMITTED = "submitted"
WO_IN_PROCESS = "in_process"
WO_STOPPED = "stopped"
WO_COMPLETED = "completed"

# App doctypes.
DT_ORDER_COORDINATION = "Order Coordination"
DT_ORDER_HANDOFF = "Order Handoff"
DT_DEPARTMENT = "Coordination Department"
DT_POLICY = "Coordination Policy"
DT_EXCEPTION = "Order Exception"
DT_TIMELINE = "Order Timeline Entry"
DT_MATRIX_ROW = "Coordination Matrix Row"
DT_STAGE_SLA = "Coordination Stage SLA"
DT_DEPARTMENT_ROLE = "Coordination Department Role"
DT_POLICY_SNAPSHOT = "Coordination Policy Snapshot"
DT_OUTBOX = "Coordination Outbox"
DT_PROMISE_CHANGE = "Order Promise Change"
DT_PROMISE_CHANGE_ITEM = "Order Promise Change Item"
DT_CARRIER_EVENT = "Carrier Event"
DT_CARRIER_ACCOUNT = "Carrier Account"
DT_CARRIER_STATUS_MAP = "Carrier Status Mapping"
DT_TRACKING_LINK = "Order Tracking Link"
OUTBOX_PENDING = "Pending"
OUTBOX_SENT = "Sent"

# Custom field names on ERPNext doctypes.
FIELD_STAGE = "oc_stage"
FIELD_RESPONSIBLE = "oc_responsible_department"
FIELD_STATUS = "oc_coordination_status"
FIELD_SECTION = "oc_section"
FIELD_COLUMN = "oc_column"
# The Sales Order's read-only copy of its record: only the app writes them.
SALES_ORDER_MIRROR_FIELDS = (FIELD_STAGE, FIELD_STATUS, FIELD_RESPONSIBLE)

# Timeline actions.
TIMELINE_CREATED = "Created"
TIMELINE_STAGE = "Stage Changed"
TIMELINE_STATUS = "Status Changed"
TIMELINE_HANDOFF_SENT = "Handoff Sent"
TIMELINE_HANDOFF_ACCEPTED = "Handoff Accepted"
TIMELINE_HANDOFF_REJECTED = "Handoff Rejected"
TIMELINE_HANDOFF_CANCELLED = "Handoff Cancelled"
TIMELINE_HANDOFF_ESCALATED = "Handoff Escalated"
TIMELINE_EXCEPTION_RAISED = "Exception Raised"
TIMELINE_EXCEPTION_RESOLVED = "Exception Resolved"
TIMELINE_DELIVERY_CONFIRMED = "Delivery Confirmed"
TIMELINE_DATE_CHANGED = "Delivery Date Changed"
TIMELINE_DOCUMENT = "Document Event"
TIMELINE_PROMISE_PROPOSED = "Promise Change Proposed"
TIMELINE_PROMISE_ACCEPTED = "Promise Change Accepted"
TIMELINE_PROMISE_DECLINED = "Promise Change Declined"
TIMELINE_PROMISE_WITHDRAWN = "Promise Change Withdrawn"
TIMELINE_PROMISE_ESCALATED = "Promise Change Escalated"
TIMELINE_CARRIER = "Carrier Update"
TIMELINE_ACTIONS = (
	TIMELINE_CREATED,
	TIMELINE_STAGE,
	TIMELINE_STATUS,
	TIMELINE_HANDOFF_SENT,
	TIMELINE_HANDOFF_ACCEPTED,
	TIMELINE_HANDOFF_REJECTED,
	TIMELINE_HANDOFF_CANCELLED,
	TIMELINE_HANDOFF_ESCALATED,
	TIMELINE_EXCEPTION_RAISED,
	TIMELINE_EXCEPTION_RESOLVED,
	TIMELINE_DELIVERY_CONFIRMED,
	TIMELINE_DATE_CHANGED,
	TIMELINE_DOCUMENT,
	TIMELINE_PROMISE_PROPOSED,
	TIMELINE_PROMISE_ACCEPTED,
	TIMELINE_PROMISE_DECLINED,
	TIMELINE_PROMISE_WITHDRAWN,
	TIMELINE_PROMISE_ESCALATED,
	TIMELINE_CARRIER,
)

# Carrier events: what a carrier or 3PL reports about a shipment, in its own order of arrival.
CARRIER_IN_TRANSIT = "In Transit"
CARRIER_OUT_FOR_DELIVERY = "Out for Delivery"
CARRIER_DELIVERED = "Delivered"
CARRIER_FAILED_ATTEMPT = "Failed Attempt"
CARRIER_RETURNED = "Returned"
CARRIER_LOST = "Lost"
CARRIER_DAMAGED = "Damaged"
CARRIER_STATUSES = (
	CARRIER_IN_TRANSIT,
	CARRIER_OUT_FOR_DELIVERY,
	CARRIER_DELIVERED,
	CARRIER_FAILED_ATTEMPT,
	CARRIER_RETURNED,
	CARRIER_LOST,
	CARRIER_DAMAGED,
)
# A stored carrier event: waiting to be applied, applied, or for no Shipment we know (kept for review).
CARRIER_EVENT_QUEUED = "Queued"
CARRIER_EVENT_APPLIED = "Applied"
CARRIER_EVENT_SUPERSEDED = "Superseded"
CARRIER_EVENT_UNMATCHED = "Unmatched"
MAX_CARRIER_BATCH = 500
# The longest note, reason or description a person may type (the desk's dialogs check it before sending).
MAX_TEXT = 2000
INTEGRATION_ROLE = "Coordination Integration"
SIGNATURE_HEADER = "X-Carrier-Signature"

# What the customer sees: the stages in customer words, in order.
CUSTOMER_RECEIVED = "Received"
CUSTOMER_IN_PRODUCTION = "In Production"
CUSTOMER_READY = "Ready"
CUSTOMER_SHIPPED = "Shipped"
CUSTOMER_DELIVERED = "Delivered"
CUSTOMER_STAGES = (
	CUSTOMER_RECEIVED,
	CUSTOMER_IN_PRODUCTION,
	CUSTOMER_READY,
	CUSTOMER_SHIPPED,
	CUSTOMER_DELIVERED,
)
DEFAULT_TRACKING_LINK_DAYS = 30
# The translation context of the words the customer's page shows (stages, carrier statuses): the same
# English words in the desk are ERPNext's ("Delivered" is 已送达 for the customer, 已出货 on ERPNext's status).
CUSTOMER_WORDS_CONTEXT = "Customer order page"
MIN_TRACKING_LINK_DAYS, MAX_TRACKING_LINK_DAYS = 1, 365

# Default SLA hours (working hours) per stage: to accept a handoff into it, and to finish it.
DEFAULT_ACCEPTANCE_HOURS = 8.0
DEFAULT_COMPLETION_HOURS = {
	ORDER_RECEIVED: 8.0,
	PRODUCTION_PLANNING: 16.0,
	IN_PRODUCTION: 40.0,
	READY_TO_SHIP: 16.0,
	PARTIALLY_SHIPPED: 24.0,
	SHIPPED: 24.0,
	DELIVERED: 0.0,
	COMPLETED: 0.0,
}

# The driver at the doorstep (doorstep/): what a driver reports at a stop of a Delivery Trip.
ATTEMPT_DELIVERED = "Delivered"
ATTEMPT_FAILED = "Failed Attempt"
ATTEMPT_REFUSED = "Refused"
ATTEMPT_OUTCOMES = (ATTEMPT_DELIVERED, ATTEMPT_FAILED, ATTEMPT_REFUSED)
DEFAULT_FAILURE_REASONS = ("Nobody home", "Refused", "Wrong address", "No access", "Damaged", "Other")
# Farther than this from the stop's coordinates, an attempt is flagged (never refused).
DEFAULT_FAR_METRES = 200.0
# A drawn signature is a few kilobytes; a PNG data URL larger than this is not one.
MAX_SIGNATURE_BYTES = 300_000
DT_DELIVERY_ATTEMPT = "Delivery Attempt"
DT_DOORSTEP_REQUIREMENT = "Doorstep Requirement"
DT_FAILURE_REASON = "Doorstep Failure Reason"
# The role a driver's user holds: the driver's page and their own attempts, nothing of the desk.
DRIVER_ROLE = "Delivery Driver"

# The earliest feasible delivery (promising/feasible, core/feasibility): what binds a line's date.
FEASIBLE_STOCK = "Stock"
FEASIBLE_PURCHASE_ORDER = "Purchase Order"
FEASIBLE_LEAD_TIME = "Purchase Lead Time"
FEASIBLE_WORKSTATION = "Workstation"
FEASIBLE_DELIVERY = "Delivery"
FEASIBLE_KINDS = (
	FEASIBLE_STOCK,
	FEASIBLE_PURCHASE_ORDER,
	FEASIBLE_LEAD_TIME,
	FEASIBLE_WORKSTATION,
	FEASIBLE_DELIVERY,
)
