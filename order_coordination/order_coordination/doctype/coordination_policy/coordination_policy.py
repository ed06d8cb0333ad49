# Copyright (c) 2026, order_coordination contributors
# For license information, please see license.txt

from datetime import date, datetime, timedelta

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cint, get_time

from order_coordination.core import constants
from order_coordination.core.errors import CoordinationError
from order_coordination.core.policy import MAX_SLA_HOURS, check_sla_hours
from order_coordination.core.responsibility import preset_matrix, validate_matrix
from order_coordination.departments import all_departments
from order_coordination.errors import translated_errors
from order_coordination.policies import clear_policy_cache, matrix_of


class CoordinationPolicy(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from order_coordination.order_coordination.doctype.coordination_matrix_row.coordination_matrix_row import (
			CoordinationMatrixRow,
		)
		from order_coordination.order_coordination.doctype.coordination_stage_sla.coordination_stage_sla import (
			CoordinationStageSLA,
		)

		company: DF.Link
		holiday_list: DF.Link
		matrix: DF.Table[CoordinationMatrixRow]
		ownership_model: DF.Literal["Sales-led", "Production-led", "Logistics-led", "Shared"]
		stage_slas: DF.Table[CoordinationStageSLA]
		tracking_link_days: DF.Int
		work_end: DF.Time
		work_start: DF.Time
	# end: auto-generated types

	def before_validate(self):
		# Frappe gives every Time field of a document made in Python the current time, microseconds
		# included, whatever its default; nobody types microseconds, so such a value is not a choice.
		for fieldname, default in (("work_start", "09:00:00"), ("work_end", "17:00:00")):
			if self.is_new() and "." in str(self.get(fieldname) or ""):
				self.set(fieldname, default)

	def validate(self):
		if not self.matrix or self.has_value_changed("ownership_model"):
			self.apply_preset()
		self.fill_stage_slas()
		# Every Sales Order of the company computes its due times from this policy: a value the clock
		# cannot use would make each of them fail, so it is refused here, where it is typed.
		self.validate_working_day()
		self.validate_holiday_list()
		self.validate_stage_slas()
		self.validate_promise()
		with translated_errors():
			validate_matrix(matrix_of(self))

	def validate_working_day(self):
		start, end = get_time(self.work_start), get_time(self.work_end)
		if end <= start:
			frappe.throw(_("The working day must end after it starts"), frappe.ValidationError)
		# Both ends are times of one day, so the day is under 24 hours; a day of minutes would stretch
		# the longest SLA over decades.
		if datetime.combine(date.min, end) - datetime.combine(date.min, start) < timedelta(hours=1):
			frappe.throw(_("The working day must last at least one hour"), frappe.ValidationError)

	def validate_holiday_list(self):
		# Link validation can be skipped by a caller (ignore_links); the clock cannot do without the list.
		if self.holiday_list and not frappe.db.exists("Holiday List", self.holiday_list):
			frappe.throw(
				_("Holiday List {0} does not exist").format(self.holiday_list), frappe.ValidationError
			)

	def validate_stage_slas(self):
		seen = set()
		for row in self.stage_slas:
			if row.stage and row.stage in seen:  # a row without a stage fails Frappe's mandatory check
				frappe.throw(
					_("Row {0}: stage {1} already has a service level row").format(row.idx, _(row.stage)),
					frappe.ValidationError,
				)
			seen.add(row.stage)
			for fieldname in ("acceptance_hours", "completion_hours"):
				value = row.get(fieldname)
				try:
					# Frappe stores an empty Float as 0.
					check_sla_hours(row.stage, 0 if value is None else value)
				except CoordinationError:
					frappe.throw(
						_("Row {0}: {1} for {2} must be between 0 and {3}, not {4}").format(
							row.idx, _(row.meta.get_label(fieldname)), _(row.stage), MAX_SLA_HOURS, value
						),
						frappe.ValidationError,
					)

	def validate_promise(self):
		if not self.promise_owner:
			self.promise_owner = constants.DEFAULT_PROMISE_OWNER
		proposers = [row.department for row in self.promise_proposers]
		if self.promise_owner in proposers:
			frappe.throw(
				_("{0} owns the promise: it answers proposals and cannot also be one that proposes").format(
					self.promise_owner
				),
				frappe.ValidationError,
			)
		if len(set(proposers)) != len(proposers):
			frappe.throw(_("A department is listed twice among those that may propose dates"))
		if (
			not constants.MIN_TRACKING_LINK_DAYS
			<= cint(self.tracking_link_days)
			<= constants.MAX_TRACKING_LINK_DAYS
		):
			frappe.throw(
				_("A tracking link stays valid for {0} to {1} days").format(
					constants.MIN_TRACKING_LINK_DAYS, constants.MAX_TRACKING_LINK_DAYS
				),
				frappe.ValidationError,
			)
		if self.notify_customer_of_new_date and not self.customer_notice_template:
			frappe.throw(
				_("Choose the Email Template the customer's notice of a new date is written with"),
				frappe.ValidationError,
			)

	def apply_preset(self):
		"""Fill the matrix with the ownership model's preset, over every department."""
		self.set("matrix", [])
		for stage, row in preset_matrix(self.ownership_model, all_departments()).items():
			for department, responsibility in row.items():
				self.append(
					"matrix", {"stage": stage, "department": department, "responsibility": responsibility}
				)

	def fill_stage_slas(self):
		have = {row.stage for row in self.stage_slas}
		for stage in constants.STAGES:
			if stage not in have:
				self.append(
					"stage_slas",
					{
						"stage": stage,
						"acceptance_hours": constants.DEFAULT_ACCEPTANCE_HOURS,
						"completion_hours": constants.DEFAULT_COMPLETION_HOURS[stage],
					},
				)

	def on_update(self):
		clear_policy_cache()

	def on_trash(self):
		clear_policy_cache()
