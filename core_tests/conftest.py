import os
import sys
from pathlib import Path

from hypothesis import settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# In CI the same examples every run, so that a submission lands or fails on its own merits; on a
# developer's machine hypothesis keeps exploring new ones.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
	settings.load_profile("ci")
