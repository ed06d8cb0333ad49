"""Each order's stage moves on the clock, packed onto its Created timeline entry for the flow map, for the
orders written before the app kept them (`insight.moves`; batches of 2,000 orders, one update statement per
500 entries)."""

from order_coordination.insight.moves import fill


def execute():
	fill()
