# Copyright (c) 2026, order_coordination contributors
# For license information, please see license.txt

from frappe.model.document import Document


class OrderPromiseChangeItem(Document):
	pass
