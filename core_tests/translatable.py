"""Finds the app's user-facing strings: what `_()` / `__()` wrap, the core's messages, and the labels,
options and descriptions of the app's doctypes and custom fields."""

import ast
import json
import re
from pathlib import Path

from order_coordination.core.constants import CUSTOMER_STAGES

APP = Path(__file__).resolve().parents[1] / "order_coordination"
JINJA_CALL = re.compile(r"""\b_\(\s*(["'])((?:\\.|(?!\1).)*)\1""")
JS_CALL = re.compile(r"""__\(\s*(["'`])((?:\\.|(?!\1).)*)\1""")


# Helpers of ours that translate a label they are given.
LABEL_TAKERS = ("_text", "_record", "_department")
# Values shown translated although no source line wraps them: names the app creates or reports.
SHOWN_VALUES = {
	"Sales",
	"Production",
	"Logistics",
	"Refused",
	"Damaged",
	"Partially Delivered",
	"Waiting for Acceptance",
	"Held",
	"On Time",
	"Due Soon",
	# The customer's page: stages in customer words.
	*CUSTOMER_STAGES,
}


def _python_strings(path: Path) -> set[str]:
	found = set()
	tree = ast.parse(path.read_text())
	core = "core" in path.parts
	for node in ast.walk(tree):
		# The core's reasons, kept as named templates (REASON_...) and translated where they are shown.
		if core and isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
			if any(getattr(t, "id", "").startswith("REASON_") for t in node.targets):
				found.add(node.value.value)
		if isinstance(node, ast.Dict):
			for key, value in zip(node.keys, node.values, strict=True):
				if getattr(key, "value", None) == "subject" and isinstance(value, ast.Constant):
					found.add(value.value)
		if not isinstance(node, ast.Call) or not node.args:
			continue
		name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
		first = node.args[0]
		if name == "_" and isinstance(first, ast.Constant) and isinstance(first.value, str):
			found.add(first.value)
		if name in LABEL_TAKERS:
			found |= {
				a.value for a in node.args[1:] if isinstance(a, ast.Constant) and isinstance(a.value, str)
			}
		if core and name in ("CoordinationError", "BadEvent", "BadSignature", "Notify", "notify"):
			args = node.args if name in ("CoordinationError", "BadEvent", "BadSignature") else node.args[1:2]
			for arg in args[:1]:
				if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
					found.add(arg.value)
	return found


def _doctype_strings(data: dict) -> set[str]:
	found = {data.get("name")} if data.get("doctype") == "DocType" else set()
	for field in data.get("fields", []):
		for key in ("label", "description"):
			if field.get(key):
				found.add(field[key])
		if field.get("fieldtype") == "Select" and field.get("options"):
			found.update(o for o in field["options"].split("\n") if o)
	return found


def strings() -> set[str]:
	found: set[str] = set()
	for path in APP.rglob("*.py"):
		if "test_" in path.name or "benchmarks" in path.parts:
			continue
		found |= _python_strings(path)
	for path in APP.rglob("*.js"):
		if "dist" in path.parts or "node_modules" in path.parts:
			continue  # built bundles repeat the sources
		found |= {m.group(2) for m in JS_CALL.finditer(path.read_text())}
	for path in APP.rglob("*.html"):  # Jinja templates of the portal
		found |= {m.group(2) for m in JINJA_CALL.finditer(path.read_text())}
	for path in (APP / "order_coordination").rglob("*.json"):
		data = json.loads(path.read_text())
		if isinstance(data, dict):
			found |= _doctype_strings(data)
			if data.get("doctype") == "Workspace":
				found |= {data.get("label")} | {
					link.get("label") for link in data.get("links", []) if link.get("label")
				}
				found |= {s.get("label") for s in data.get("shortcuts", []) if s.get("label")}
			if data.get("doctype") in ("Number Card", "Dashboard Chart", "Report"):
				found.add(
					data.get("label") or data.get("chart_name") or data.get("report_name") or data.get("name")
				)
	from order_coordination.core.events import EVENT_LABELS
	from order_coordination.setup.custom_fields import CUSTOM_FIELDS

	found |= set(EVENT_LABELS.values())

	for fields in CUSTOM_FIELDS.values():
		found |= _doctype_strings({"fields": fields})
	return {s for s in found | SHOWN_VALUES if s and s.strip()}
