import frappe
from erpnext.selling.doctype.sales_order.sales_order import make_delivery_note
from frappe.desk.form.load import getdoc
from frappe.permissions import add_permission, add_user_permission, reset_perms, update_permission_property

from order_coordination.compat import TestCase, declare_test_records
from order_coordination.core import constants
from order_coordination.departments import COORDINATION_MANAGER
from order_coordination.setup.permissions import (
	LEDGER_PARENT,
	apply_grants,
	granted,
	held_rights,
	read_ledger,
	remove_grants,
)
from order_coordination.tests.utils import (
	STOCKED,
	make_order,
	make_user,
	make_work_orders_for,
)

declare_test_records(__name__, ["Sales Order", "Work Order", "Delivery Note"])

GRANT_DOCTYPES = sorted({doctype for doctype, _role in constants.PERMISSION_GRANTS})
OTHER_COMPANY = "_Test Company 1"
OTHER_CUSTOMER = "_Test Customer 1"


def snapshot():
	"""The permission rules of the granted doctypes and the app's ledger, exactly (names included)."""
	return (
		frappe.get_all(
			"Custom DocPerm", filters={"parent": ["in", GRANT_DOCTYPES]}, fields="*", order_by="name"
		),
		frappe.get_all("DefaultValue", filters={"parent": LEDGER_PARENT}, fields="*", order_by="name"),
	)


def restore(state):
	rules, ledger = state
	frappe.db.delete("Custom DocPerm", {"parent": ["in", GRANT_DOCTYPES]})
	frappe.db.delete("DefaultValue", {"parent": LEDGER_PARENT})
	for doctype, rows in (("Custom DocPerm", rules), ("DefaultValue", ledger)):
		for row in rows:
			frappe.get_doc({**row, "doctype": doctype}).db_insert()
	for doctype in GRANT_DOCTYPES:
		frappe.clear_cache(doctype=doctype)


def start_from_standard(apply=True):
	"""ERPNext's standard rules on the granted doctypes, then (by default) the install's grants."""
	for doctype in GRANT_DOCTYPES:
		reset_perms(doctype)
		frappe.clear_cache(doctype=doctype)
	frappe.db.delete("DefaultValue", {"parent": LEDGER_PARENT})
	if apply:
		apply_grants()


def custom_rule(doctype, role):
	return frappe.db.get_value(
		"Custom DocPerm",
		{"parent": doctype, "role": role, "permlevel": 0, "if_owner": 0},
		["name", "read", "report", "print", "write"],
		as_dict=True,
	)


class TestPermissionGrants(TestCase):
	def setUp(self):
		self.addCleanup(restore, snapshot())
		apply_grants()  # what install and every migrate do; a no-op on a site that has them

	def test_each_role_reads_what_it_is_granted_and_no_more(self):
		start_from_standard()
		for (doctype, role), rights in constants.PERMISSION_GRANTS.items():
			user = make_user(f"oc-perm-{frappe.scrub(role)}@example.com", role)
			rule = frappe.db.get_value("Custom DocPerm", custom_rule(doctype, role).name, "*", as_dict=True)
			self.assertEqual(
				{r for r in frappe.permissions.rights if rule.get(r)}, set(rights), (doctype, role)
			)
			with self.set_user(user):
				for right in rights:
					self.assertTrue(frappe.has_permission(doctype, right), (doctype, role, right))
				self.assertFalse(frappe.has_permission(doctype, "write"), (doctype, role))
				self.assertFalse(frappe.has_permission(doctype, "delete"), (doctype, role))

	def test_production_opens_its_order_and_makes_its_work_order(self):
		so = make_order(qty=2)
		user = make_user("oc-perm-production@example.com", "Manufacturing User")
		with self.set_user(user):
			getdoc("Sales Order", so.name)  # the form, with its onload
			self.assertEqual(
				frappe.get_list("Sales Order", filters={"name": so.name}, pluck="name"), [so.name]
			)
			(wo,) = make_work_orders_for(so)  # ERPNext's "Create > Work Order", as this user
		self.assertEqual(
			frappe.db.get_value("Work Order", wo.name, ["sales_order", "owner", "docstatus"]),
			(so.name, user, 1),
		)

	def test_manufacturing_manager_follows_the_orders_work_orders(self):
		so = make_order(qty=1)
		(wo,) = make_work_orders_for(so, submit=False)
		user = make_user("oc-perm-production-manager@example.com", "Manufacturing Manager")
		with self.set_user(user):
			getdoc("Sales Order", so.name)
			getdoc("Work Order", wo.name)

	def test_logistics_makes_delivery_notes_from_its_orders(self):
		so = make_order(item_code=STOCKED, qty=1)
		for role in ("Delivery User", "Stock Manager"):
			user = make_user(f"oc-perm-logistics-{frappe.scrub(role)}@example.com", role)
			with self.set_user(user):
				getdoc("Sales Order", so.name)
				dn = make_delivery_note(so.name)  # ERPNext's mapper checks read on the order
				dn.insert()  # and the Delivery Note read on its customer
			self.assertEqual(dn.items[0].against_sales_order, so.name, role)

	def test_user_permissions_still_bound_what_is_granted(self):
		if not frappe.db.exists("Company", OTHER_COMPANY) or not frappe.db.exists("Customer", OTHER_CUSTOMER):
			self.skipTest(f"needs ERPNext's test records {OTHER_COMPANY} and {OTHER_CUSTOMER}")
		so = make_order(qty=1)
		production = make_user("oc-perm-production@example.com", "Manufacturing User")
		add_user_permission("Company", OTHER_COMPANY, production, ignore_permissions=True)
		delivery = make_user("oc-perm-delivery@example.com", "Delivery User")
		add_user_permission("Company", so.company, delivery, ignore_permissions=True)
		with self.set_user(production):
			self.assertFalse(frappe.has_permission("Sales Order", "read", so.name))
			self.assertEqual(frappe.get_list("Sales Order", filters={"name": so.name}), [])
		with self.set_user(delivery):
			self.assertTrue(frappe.has_permission("Sales Order", "read", so.name))
		add_user_permission("Customer", OTHER_CUSTOMER, delivery, ignore_permissions=True)
		with self.set_user(delivery):
			self.assertFalse(frappe.has_permission("Sales Order", "read", so.name))
			self.assertEqual(frappe.get_list("Sales Order", filters={"name": so.name}), [])

	def test_applying_again_changes_nothing(self):
		before = snapshot()
		self.assertEqual({(e["doctype"], e["role"]) for e in read_ledger()}, set(constants.PERMISSION_GRANTS))
		apply_grants()
		apply_grants()
		self.assertEqual(snapshot(), before)

	def test_uninstall_takes_back_exactly_what_it_added(self):
		start_from_standard()
		so = make_order(qty=1)
		user = make_user("oc-perm-production@example.com", "Manufacturing User")
		with self.set_user(user):
			self.assertTrue(frappe.has_permission("Sales Order", "read", so.name))
		self.assertEqual(len(read_ledger()), len(constants.PERMISSION_GRANTS))

		remove_grants()

		for doctype in GRANT_DOCTYPES:  # back to following ERPNext's standard rules
			self.assertFalse(frappe.db.exists("Custom DocPerm", {"parent": doctype}), doctype)
		self.assertEqual(read_ledger(), [])
		with self.set_user(user):
			self.assertFalse(frappe.has_permission("Sales Order", "read", so.name))

	def test_an_administrators_extra_right_and_own_rule_are_left_alone(self):
		start_from_standard()
		update_permission_property("Sales Order", "Manufacturing User", 0, "print", 1)
		add_permission("Sales Order", "Quality Manager", 0)
		frappe.clear_cache(doctype="Sales Order")

		apply_grants()
		self.assertEqual(custom_rule("Sales Order", "Manufacturing User").print, 1)
		remove_grants()

		widened = custom_rule("Sales Order", "Manufacturing User")
		self.assertEqual((widened.read, widened.report, widened.print), (1, 1, 1))
		self.assertTrue(custom_rule("Sales Order", "Quality Manager"))
		self.assertIsNone(custom_rule("Sales Order", "Manufacturing Manager"))  # held only the grant
		self.assertFalse(frappe.db.exists("Custom DocPerm", {"parent": "Work Order"}))

	def test_an_administrators_rule_gets_only_the_granted_rights_and_keeps_its_own(self):
		start_from_standard(apply=False)
		add_permission("Sales Order", "Manufacturing User", 0, ptype="print")
		for right in ("read", "export"):  # Frappe's defaults for a new rule
			update_permission_property("Sales Order", "Manufacturing User", 0, right, 0)
		frappe.clear_cache(doctype="Sales Order")

		apply_grants()
		rule = custom_rule("Sales Order", "Manufacturing User")
		self.assertEqual((rule.read, rule.report, rule.print, rule.write), (1, 1, 1, 0))
		remove_grants()

		rule = custom_rule("Sales Order", "Manufacturing User")
		self.assertEqual((rule.read, rule.report, rule.print), (0, 0, 1))
		self.assertTrue(frappe.db.exists("Custom DocPerm", {"parent": "Sales Order"}))  # still customized

	def test_a_grant_an_administrator_took_back_stays_taken_back(self):
		start_from_standard()
		frappe.delete_doc("Custom DocPerm", custom_rule("Customer", "Delivery User").name, force=True)
		frappe.clear_cache(doctype="Customer")

		apply_grants()

		self.assertIsNone(custom_rule("Customer", "Delivery User"))
		self.assertEqual(held_rights("Customer", "Delivery User"), set())
		review = {(g["doctype"], g["role"]): g for g in granted()}
		self.assertFalse(review["Customer", "Delivery User"]["in_place"])
		self.assertTrue(review["Customer", "Delivery User"]["added_by_app"])
		self.assertTrue(review["Sales Order", "Delivery User"]["in_place"])

	def test_only_coordination_administrators_review_the_grants(self):
		with self.set_user(make_user("oc-perm-production@example.com", "Manufacturing User")):
			self.assertRaises(frappe.PermissionError, granted)
		with self.set_user(make_user("oc-perm-coordinator@example.com", COORDINATION_MANAGER)):
			review = granted()
		self.assertEqual({(g["doctype"], g["role"]) for g in review}, set(constants.PERMISSION_GRANTS))
		self.assertTrue(all(g["in_place"] for g in review))
