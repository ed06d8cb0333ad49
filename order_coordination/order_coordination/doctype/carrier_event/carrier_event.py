# Copyright (c) 2026, order_coordination contributors
# For license information, please see license.txt

from frappe.model.document import Document


class CarrierEvent(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		applied_on: DF.Datetime | None
		carrier_account: DF.Link | None
		carrier_status: DF.Data | None
		description: DF.SmallText | None
		event_id: DF.Data
		location: DF.Data | None
		occurred_at: DF.Datetime | None
		received_by: DF.Link | None
		sales_orders: DF.SmallText | None
		shipment: DF.Link | None
		state: DF.Literal["Queued", "Applied", "Superseded", "Unmatched"]
		status: DF.Literal[
			"In Transit", "Out for Delivery", "Delivered", "Failed Attempt", "Returned", "Lost", "Damaged"
		]
		tracking_number: DF.Data | None
	# end: auto-generated types

	pass
