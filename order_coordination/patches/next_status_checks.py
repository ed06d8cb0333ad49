"""The status and next status check of every open order, worked out once at the upgrade that brought the
next check: from then on the sweep reads only the orders whose check has come (or that an event touched),
instead of every open order on its first run."""

from order_coordination.sweep import recheck_statuses


def execute():
	recheck_statuses(commit=True)
