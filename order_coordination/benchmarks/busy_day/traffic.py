"""The busy day's load generator: every department's users, a carrier, customers and managers over HTTP at
once, each a thread with its own seeded random choices, bounded in time. No Frappe here: it is a client.

Every request is recorded (role, endpoint, status, milliseconds, the error's kind); every action the site
acknowledged (an order submitted, a handoff accepted, a carrier batch accepted…) is kept as history, which
the checker holds against the database afterwards: an acknowledged action must be there, once.

	env/bin/python -m order_coordination.benchmarks.busy_day.traffic http://127.0.0.1:8010 plan.json 600 out.json [--erpnext-only] [--seed 7]
"""

import json
import random
import sys
import threading
import time

from order_coordination.benchmarks.busy_day.client import Client, Day, Recorder
from order_coordination.benchmarks.busy_day.roles import (
	administrator,
	carrier,
	customer,
	logistics,
	manager,
	production,
	sales,
)


def run(
	base: str,
	plan: dict,
	seconds: float,
	seed: int = 7,
	erpnext_only: bool = False,
	events: dict | None = None,
):
	"""Send the day's traffic for `seconds`. `events` may name times (seconds from the start) for the
	long report and the administrator's saves. Returns the recorder."""
	recorder = Recorder()
	start = time.time()
	day = Day(plan, start + seconds, erpnext_only)
	events = events or {}
	keys = plan["keys"]
	crew = [("sales", sales)] * 3 + [("production", production)] * 2 + [("logistics", logistics)] * 2
	crew += [("manager", manager)]
	if not erpnext_only:
		crew += [("carrier", carrier), ("customer", customer), ("customer", customer)]
	threads = []
	for i, (role, work) in enumerate(crew):
		token = None if role == "customer" else keys[role]
		args = [Client(base, plan["site"], token, recorder, role), random.Random(seed * 1000 + i), day]
		if work is manager and "long_report" in events:
			args.append(start + events["long_report"])
		threads.append(threading.Thread(target=work, args=args, name=f"{role}-{i}", daemon=True))
	if not erpnext_only:
		saves = [start + t for t in events.get("policy_saves", (seconds * 0.3, seconds * 0.6))]
		client = Client(base, plan["site"], keys["admin"], recorder, "admin")
		threads.append(threading.Thread(target=administrator, args=(client, random.Random(seed), day, saves)))
	for thread in threads:
		thread.start()
	for thread in threads:
		thread.join(timeout=seconds + 120)
	return recorder


def main(argv):
	base, plan_path, seconds, out = argv[:4]
	erpnext_only = "--erpnext-only" in argv
	seed = int(argv[argv.index("--seed") + 1]) if "--seed" in argv else 7
	with open(plan_path) as f:
		plan = json.load(f)
	recorder = run(base, plan, float(seconds), seed=seed, erpnext_only=erpnext_only)
	with open(out, "w") as f:
		json.dump({"requests": recorder.requests, "acks": recorder.acks}, f)
	print(json.dumps({"requests": len(recorder.requests), "acks": len(recorder.acks)}))


if __name__ == "__main__":
	main(sys.argv[1:])
