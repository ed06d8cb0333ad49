"""The index of the timeline by company, action and time gives way to the one that also holds each order
and the stage moves the flow map keeps (`setup.install.INDEXES`, made after the migration): MariaDB would
otherwise keep choosing the shorter one and read every Created entry's row."""

import frappe

from order_coordination.core.constants import DT_TIMELINE


def execute():
	frappe.db.sql_ddl(f"alter table `tab{DT_TIMELINE}` drop index if exists `oc_company_action_at`")
