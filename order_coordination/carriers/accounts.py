"""What a Carrier Account allows its integration user: whether it may call at all, whether it must sign,
in which time zone it stamps, what its status words mean, and which Shipments it may report on.

Whether an account may call and must sign is read afresh on every request (an admin who disables an
account or gives it a secret is obeyed at once); the rest is cached per version of the account (its
`modified`), so a saved account is never read stale either.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import frappe
from frappe.utils import get_system_timezone
from frappe.utils.password import decrypt

from order_coordination.core.carrier import serves
from order_coordination.core.constants import DT_CARRIER_ACCOUNT, DT_CARRIER_STATUS_MAP

CACHE = "order_coordination:carrier_account"
COMPANIES = "Carrier Account Company"


def account_of(user: str) -> frappe._dict | None:
	"""The integration user's account as it is now: name, enabled, allow_unsigned and its shared secret
	(read in one statement, on every request), and, cached by version, carrier, companies, mapping and
	time_zone."""
	rows = frappe.db.sql(
		f"""select ca.name, ca.enabled, ca.allow_unsigned, ca.modified, auth.password as secret
		from `tab{DT_CARRIER_ACCOUNT}` ca
		left join `__Auth` auth on auth.doctype = %(doctype)s and auth.name = ca.name
			and auth.fieldname = 'shared_secret' and auth.encrypted = 1
		where ca.integration_user = %(user)s limit 1""",
		{"doctype": DT_CARRIER_ACCOUNT, "user": user},
		as_dict=True,
	)
	if not rows:
		return None
	row = rows[0]
	row.secret = decrypt(row.secret, key=f"{DT_CARRIER_ACCOUNT}.shared_secret") if row.secret else None
	return frappe._dict(row, **scope_of(row.name, row.modified))


def scope_of(name: str, modified=None) -> dict | None:
	"""The account's carrier, companies, status words and time zone, cached per version (None: no such
	account)."""
	modified = modified or frappe.db.get_value(DT_CARRIER_ACCOUNT, name, "modified")
	if not modified:
		return None
	version = str(modified)
	cached = frappe.cache.hget(CACHE, name)
	if cached and cached["version"] == version:
		return cached
	carrier, time_zone = frappe.db.get_value(DT_CARRIER_ACCOUNT, name, ["carrier", "time_zone"])
	rows = frappe.get_all(
		DT_CARRIER_STATUS_MAP,
		filters={"parent": name, "parenttype": DT_CARRIER_ACCOUNT},
		fields=["carrier_status", "status"],
		order_by="idx asc",
	)
	scope = {
		"version": version,
		"carrier": carrier,
		"companies": sorted(
			frappe.get_all(
				COMPANIES, filters={"parent": name, "parenttype": DT_CARRIER_ACCOUNT}, pluck="company"
			)
		),
		"mapping": {r.carrier_status: r.status for r in rows},
		"time_zone": time_zone,
	}
	frappe.cache.hset(CACHE, name, scope)
	return scope


def zone_of(account) -> ZoneInfo:
	"""Where the account's stamps without an offset were taken: its time zone, else the system's."""
	for name in (account.get("time_zone"), get_system_timezone()):
		if name:
			try:
				return ZoneInfo(name)
			except (ZoneInfoNotFoundError, ValueError):
				continue
	return ZoneInfo("UTC")


def serves_shipment(account, shipment) -> bool:
	"""`shipment`: a row with carrier, service_provider and company (facts.submitted_shipments)."""
	return serves(
		account["carrier"],
		account["companies"],
		(shipment.carrier, shipment.service_provider),
		shipment.company,
	)


def only_company(account) -> str | None:
	"""The company an account's unmatched events belong to, where it serves exactly one."""
	companies = account.get("companies") or []
	return companies[0] if len(companies) == 1 else None
