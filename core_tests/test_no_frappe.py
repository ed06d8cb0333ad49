import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[1] / "order_coordination" / "core"


def test_core_never_imports_frappe():
	offenders = []
	for path in CORE.rglob("*.py"):
		for node in ast.walk(ast.parse(path.read_text())):
			names = []
			if isinstance(node, ast.Import):
				names = [alias.name for alias in node.names]
			elif isinstance(node, ast.ImportFrom):
				names = [node.module or ""]
				if (
					node.level == 0
					and (node.module or "").startswith("order_coordination")
					and not (node.module or "").startswith("order_coordination.core")
				):
					offenders.append(f"{path.name}: {node.module}")
			offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in ("frappe", "erpnext")]
	assert not offenders
	assert list(CORE.rglob("*.py")), "the core has modules"
