"""Every command on every hostile file, as a user runs it: a separate process under a 4 GB
address-space limit (`prlimit --as=4000000000`), 60 s of CPU at most (a process over it is
killed: exit -9 fails the test), exit 0 or 1, and never a traceback, a Rust panic or an
allocation abort (issue 16's acceptance).

The files are made small at test time (tests/cli/hostile.py); a zip bomb's size is in its
central directory, not on disk.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.cli import hostile

ROOT = Path(__file__).resolve().parents[2]
# 4 GB of address space, and 60 s of CPU: the machine running the suite may be shared, so a
# wall-clock bound (for hangs, which use no CPU) is looser.
LIMIT = ["prlimit", "--as=4000000000", "--cpu=60"]
CRASH_SIGNS = ("Traceback", "panicked", "memory allocation of", "MemoryError", "core dumped")


def _commands(path: Path, out: Path) -> list[list[str]]:
    return [
        ["inspect", str(path)],
        ["ingest", str(path), "--out", str(out / f"{path.stem}-people.csv")],
        ["shortlist", str(path), "--out", str(out / f"{path.stem}-as-export.xlsx")],
        ["shortlist", "-a", str(path), "--out", str(out / f"{path.stem}-as-alumni.xlsx")],
        ["link", str(path), "--out", str(out / f"{path.stem}-matches.csv")],
    ]


def _run(args: list[str]) -> tuple[list[str], int, str]:
    code = f"from pipeline.cli import app\napp({args!r})"
    try:
        done = subprocess.run(
            [*LIMIT, sys.executable, "-c", code],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        return args, -1, "hung: no end after 300 s"
    return args, done.returncode, done.stdout + done.stderr


@pytest.mark.skipif(shutil.which("prlimit") is None, reason="needs util-linux prlimit")
def test_every_command_on_every_hostile_file_ends_cleanly(tmp_path: Path) -> None:
    files = tmp_path / "files"
    out = tmp_path / "out"
    files.mkdir()
    out.mkdir()
    paths = [make(files) for make in hostile.MAKERS] + [Path("/dev/zero")]
    jobs = [args for path in paths for args in _commands(path, out)]
    with ThreadPoolExecutor(max_workers=2) as pool:  # the machine is shared: two at a time
        results = list(pool.map(_run, jobs))
    bad = []
    for args, code, output in results:
        crashed = [sign for sign in CRASH_SIGNS if sign in output]
        if code not in (0, 1) or crashed:
            bad.append(f"{' '.join(args)} -> exit {code} {crashed}: {output[-300:]}")
        elif code == 1:
            errors = [line for line in output.splitlines() if line.startswith("Error: ")]
            if len(errors) != 1:
                bad.append(f"{' '.join(args)} -> {len(errors)} error lines: {output[-300:]}")
    assert not bad, "\n".join(bad)
    assert len(results) == len(paths) * 5
