app_name = "order_coordination"
app_title = "Order Coordination"
app_publisher = "order_coordination contributors"
app_description = (
	"Cross-department order coordination for ERPNext: who holds each order, every handoff, on time or late"
)
app_email = "maintainers@order-coordination.invalid"
app_license = "mit"

# Spelled with the organisation, as hrms does: a bare "erpnext" makes install-app ask GitHub who owns it.
required_apps = ["frappe/erpnext"]

export_python_type_annotations = True

boot_session = "order_coordination.boot.boot_session"

app_include_js = "order_coordination.bundle.js"
app_include_css = "order_coordination.bundle.css"

# One file per ERPNext doctype whose form shows the coordination panel.
doctype_js = {
	"Sales Order": "public/js/erpnext/sales_order.js",
	"Work Order": "public/js/erpnext/work_order.js",
	"Delivery Note": "public/js/erpnext/delivery_note.js",
	"Delivery Trip": "public/js/erpnext/delivery_trip.js",
}

after_install = "order_coordination.setup.install.after_install"
after_migrate = "order_coordination.setup.install.after_migrate"
before_uninstall = "order_coordination.setup.install.before_uninstall"
before_tests = "order_coordination.setup.install.before_tests"

# ERPNext writes statuses with db_set, which runs on_change (not on_update): on_change sees every change
# of Sales Orders, Work Orders, Delivery Trips and Shipments, submission and cancellation included.
doc_events = {
	"Sales Order": {
		"on_change": "order_coordination.erpnext.sales_order.on_change",
		"before_validate": "order_coordination.erpnext.sales_order.before_validate",
		"before_update_after_submit": "order_coordination.erpnext.sales_order.before_update_after_submit",
		"on_trash": "order_coordination.erpnext.sales_order.on_trash",
	},
	"Work Order": {"on_change": "order_coordination.erpnext.work_order.on_change"},
	"Delivery Note": {
		"on_submit": "order_coordination.erpnext.delivery_note.on_submit",
		"on_cancel": "order_coordination.erpnext.delivery_note.on_cancel",
	},
	"Delivery Trip": {"on_change": "order_coordination.erpnext.delivery_trip.on_change"},
	"Shipment": {"on_change": "order_coordination.erpnext.shipment.on_change"},
	"Coordination Policy": {"validate": "order_coordination.doorstep.requirements.validate_policy"},
}

# Our rows name ERPNext documents (timeline references, the order they belong to) for the record: they
# never stop a user from deleting a draft or cancelled document. A deleted Sales Order takes its rows
# with it (its on_trash); rows that mention another deleted document stay as history.
ignore_links_on_delete = [
	"Order Coordination",
	"Order Handoff",
	"Order Exception",
	"Order Timeline Entry",
	"Coordination Outbox",
	"Carrier Event",
]

# The customer's order page in ERPNext's portal, in its menu, and linked from ERPNext's own order page.
website_route_rules = [{"from_route": "/track/<sales_order>", "to_route": "track"}]
portal_menu_items = [
	{"title": "Order Status", "route": "/track", "reference_doctype": "Sales Order", "role": "Customer"}
]
update_website_context = "order_coordination.customers.page.link_order_page"

scheduler_events = {
	"cron": {
		# Escalate overdue handoffs and recompute At Risk / Overdue as time passes.
		"*/15 * * * *": ["order_coordination.sweep.run"],
	},
	# Learn each company's typical stage durations from its history.
	"daily": ["order_coordination.insight.tuning.learn_all"],
}

# A carrier event that belongs to no one company (unmatched, of an account serving several) shows a
# carrier's raw text that no User Permission could scope: only coordination managers read it.
permission_query_conditions = {
	"Carrier Event": "order_coordination.carriers.feed.event_conditions",
	"Delivery Attempt": "order_coordination.doorstep.access.attempt_conditions",
}
has_permission = {
	"Carrier Event": "order_coordination.carriers.feed.may_read_event",
	"Delivery Attempt": "order_coordination.doorstep.access.may_touch_attempt",
}

# The app's own read paths read the primary while the site's read replica cannot be reached.
before_request = ["order_coordination.replica.before_request"]

# The customer's page and its refresh send no Referrer (the address of a tracking link holds its token).
after_request = ["order_coordination.customers.page.after_request"]
