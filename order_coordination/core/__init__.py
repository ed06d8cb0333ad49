"""The coordination rules, in plain Python.

Nothing in this package imports frappe: every rule the app applies is a function of values, so it is tested
with pytest in milliseconds. The Frappe layer translates ERPNext events into `events.Event` values, asks
`lifecycle.apply` what they mean and writes the answer.
"""
