"""Insight: what the company's history says about how its orders flow, for whoever manages them.

It owns how orders flow (`flow`: lead times per department pair, the hours each department held orders and
who waited on whom, counted for the reports and the charts alike), the workspace's numbers (`numbers`: the
number cards' and charts' sources, counting only what each user may see, read from a replica where there
is one) and what is typical here (`tuning`: the stage
durations learned nightly from each company's history, the policy's tuning view and its suggested hours).
The reports themselves are Frappe script reports (`order_coordination/order_coordination/report/`); all of
them read through the shared `reporting` (filters checked, rows the user may see). The flow map and
what-if replay belong here too.
"""
