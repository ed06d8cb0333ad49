# Copyright (c) 2026, order_coordination contributors
# For license information, please see license.txt

"""Working hours each department held orders in the period, and who waited on whom: the time a handoff
lay pending is time its sender waited on its receiver.

Counted by `insight.flow.held_hours`, as the workspace's chart counts them."""

from frappe import _

from order_coordination.core import constants
from order_coordination.insight.flow import held_hours as data
from order_coordination.reporting import clean_filters


def execute(filters=None):
	filters = clean_filters(filters)
	return columns(), data(filters)


def columns():
	hours = {"fieldtype": "Float", "precision": 1, "width": 140}
	return [
		{
			"fieldname": "department",
			"label": _("Department"),
			"fieldtype": "Link",
			"options": constants.DT_DEPARTMENT,
			"width": 140,
		},
		{"fieldname": "orders", "label": _("Orders Held"), "fieldtype": "Int", "width": 100},
		{"fieldname": "hours_held", "label": _("Working Hours Held"), **hours},
		{"fieldname": "hours_per_order", "label": _("Hours per Order"), **hours},
		{"fieldname": "others_waited", "label": _("Hours Others Waited on It"), **hours},
		{"fieldname": "waited_on_others", "label": _("Hours It Waited on Others"), **hours},
		{
			"fieldname": "waited_most_on",
			"label": _("Waited Most On"),
			"fieldtype": "Link",
			"options": constants.DT_DEPARTMENT,
			"width": 140,
		},
	]
