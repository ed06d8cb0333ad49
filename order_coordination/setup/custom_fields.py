"""Custom fields this app adds to ERPNext doctypes: one definition, applied on install and migrate,
removed on uninstall."""

from order_coordination.core import constants


def _coordination_tab(insert_after: str, with_state: bool) -> list[dict]:
	fields = [
		{
			"fieldname": constants.FIELD_SECTION,
			"fieldtype": "Tab Break",
			"label": "Coordination",
			"insert_after": insert_after,
		},
		{
			"fieldname": "oc_panel",
			"fieldtype": "HTML",
			"label": "Coordination Panel",
			"insert_after": constants.FIELD_SECTION,
		},
	]
	if with_state:
		after = "oc_panel"
		for fieldname, fieldtype, label, options in (
			(constants.FIELD_STAGE, "Select", "Coordination Stage", "\n" + "\n".join(constants.STAGES)),
			(
				constants.FIELD_STATUS,
				"Select",
				"Coordination Status",
				"\n" + "\n".join(constants.ORDER_STATUSES),
			),
			(constants.FIELD_RESPONSIBLE, "Link", "Responsible Department", constants.DT_DEPARTMENT),
		):
			fields.append(
				{
					"fieldname": fieldname,
					"fieldtype": fieldtype,
					"label": label,
					"options": options,
					"insert_after": after,
					"read_only": 1,
					"no_copy": 1,
					"allow_on_submit": 1,
					"print_hide": 1,
					"in_standard_filter": 1,
					"search_index": 1 if fieldname == constants.FIELD_STAGE else 0,
				}
			)
			after = fieldname
	return fields


CUSTOM_FIELDS = {
	"Sales Order": _coordination_tab("party_account_currency", with_state=True),
	"Work Order": _coordination_tab("amended_from", with_state=False),
	"Delivery Note": _coordination_tab("instructions", with_state=False),
}
