"""pipeline chooses Arrow's allocator (jemalloc) before pandas loads, unless the user chose one
(ARROW_DEFAULT_MEMORY_POOL); a fresh process, as `prospects` starts."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import pipeline

PROBE = "import pipeline, pandas, pyarrow; print(pyarrow.default_memory_pool().backend_name)"


def _backend(env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


@pytest.mark.skipif(sys.platform not in ("linux", "darwin"), reason="jemalloc: Linux, macOS")
def test_a_run_allocates_arrow_text_with_jemalloc():
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    assert _backend(env) == pipeline.ARROW_ALLOCATOR == "jemalloc"


def test_the_users_choice_of_allocator_is_kept():
    env = {**os.environ, "ARROW_DEFAULT_MEMORY_POOL": "system"}
    assert _backend(env) == "system"
