"""cli.common.startup_imports: the first imports load without the cyclic collector and are frozen
out of later collections; collection itself is on again afterwards, as it was."""

from __future__ import annotations

import gc
import subprocess
import sys

from pipeline.cli.common import startup_imports

CHILD = """
import gc, sys
from pipeline.cli.common import startup_imports
{before}
assert "pandas" not in sys.modules
counts = []
gc.callbacks.append(lambda phase, info: phase == "start" and counts.append(info))
with startup_imports():
    import pandas
print(gc.isenabled(), gc.get_freeze_count() > 50_000, len(counts))
"""


def _child(before: str = "") -> str:
    done = subprocess.run(
        [sys.executable, "-c", CHILD.format(before=before)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout.strip()


def test_pandas_loads_without_collections_then_frozen_and_collection_back_on():
    assert _child() == "True True 0"


def test_collection_left_off_when_it_was_off():
    assert _child("gc.disable()") == "False True 0"


def test_nothing_changes_where_pandas_is_loaded():
    import pandas  # noqa: F401  (loaded, as in a notebook)

    frozen, enabled = gc.get_freeze_count(), gc.isenabled()
    with startup_imports():
        pass
    assert (gc.get_freeze_count(), gc.isenabled()) == (frozen, enabled)
