# Copyright (c) 2026, order_coordination contributors
# For license information, please see license.txt

from frappe.model.document import Document

from order_coordination.policies import clear_policy_cache
from order_coordination.typed_text import refuse_markup


class CoordinationDepartment(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from order_coordination.order_coordination.doctype.coordination_department_role.coordination_department_role import (
			CoordinationDepartmentRole,
		)

		department_name: DF.Data
		erpnext_department: DF.Link
		escalation_user: DF.Link
		parent_coordination_department: DF.Link
		roles: DF.Table[CoordinationDepartmentRole]
	# end: auto-generated types

	def validate(self):
		refuse_markup(self, "department_name")

	def on_update(self):
		clear_policy_cache()

	def on_trash(self):
		clear_policy_cache()
