# Copyright (c) 2026, order_coordination contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import get_time

from order_coordination.coordination import clear_policy_cache, matrix_of, translated_errors
from order_coordination.core import constants as C
from order_coordination.core.responsibility import preset_matrix, validate_matrix
from order_coordination.departments import all_departments


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
		if get_time(self.work_end) <= get_time(self.work_start):
			frappe.throw(_("The working day must end after it starts"), frappe.ValidationError)
		with translated_errors():
			validate_matrix(matrix_of(self))

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
		for stage in C.STAGES:
			if stage not in have:
				self.append(
					"stage_slas",
					{
						"stage": stage,
						"acceptance_hours": C.DEFAULT_ACCEPTANCE_HOURS,
						"completion_hours": C.DEFAULT_COMPLETION_HOURS[stage],
					},
				)

	def on_update(self):
		clear_policy_cache()

	def on_trash(self):
		clear_policy_cache()
