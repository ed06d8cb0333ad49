"""A busy day in ten minutes: the whole app under many hands at once, with faults in the middle, and a
check afterwards that every promise held (docs/operations.md, "A busy day").

	bash scripts/busy-day /opt/bench16 test_site          # about 25 minutes; a development site only

- `run`: the orchestrator (plain Python, no Frappe): starts the site as production runs it (gunicorn with 4
  workers, 2 short/default and 1 long RQ workers, the scheduler, socket.io), prepares it, sends the traffic,
  injects the faults, waits for the site to catch up, runs the checker and writes the report.
- `site`: what the traffic needs on the site (users of each department with API keys, items, stock, a
  vehicle, shipments a carrier reports on, tracking links), made through ERPNext's own functions.
- `traffic`: the load generator, a seeded Python client of ours over HTTP (why not Locust: the run must be
  repeatable from a seed and keep a history of every acknowledged action for the checker, which Locust's
  randomised, gevent-patched users do not give; and it adds no dependency).
- `invariants`: the checker, reading only the database (and the client's history of acknowledged actions).
"""
