"""Feedback from the first moment: a line before the slow imports, then a line (or a live bar)
per stage, and "still …" lines through a long stage when stderr is not a terminal.

How fast the first line comes is measured by benchmarks/first_line.py, not here."""

from __future__ import annotations

import io
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline import progress as progress_mod
from pipeline.progress import Progress, is_progress_line, without_progress

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("pandas", "numpy", "sklearn", "scipy", "rapidfuzz", "openpyxl", "python_calamine")


def test_the_cli_module_imports_nothing_heavy():
    code = f"import sys, pipeline.cli; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_help_imports_nothing_heavy():
    code = (
        "import sys\nfrom pipeline.cli import app\n"
        "try:\n    app(['shortlist', '--help'])\nexcept SystemExit:\n    pass\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_shortlist_in_a_pipe_prints_a_line_per_stage_with_elapsed_time(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "shortlist", "--out", str(tmp_path / "s.xlsx")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert lines[0].startswith("… Starting up (0.")  # before pandas is even imported
    stages = [line.split(" (")[0] for line in lines if " s)" in line]
    assert stages == [
        "… Starting up",
        "… Reading the LinkedIn export",
        "… Reading alumni.xlsx",
        "… Normalizing names, companies, titles and schools",
        "… Linking records of the same person",
        "… Ranking",
        "… Writing the workbook",
    ]
    seconds = [float(line.rsplit("(", 1)[1].split(" s)")[0]) for line in lines if " s)" in line]
    assert seconds == sorted(seconds)  # time since Enter, growing
    assert all(is_progress_line(line) for line in lines)
    assert "Wrote" in done.stdout  # results stay on stdout
    assert not any(map(is_progress_line, done.stdout.splitlines()))


def test_a_long_stage_prints_still_lines_when_not_on_a_terminal(monkeypatch):
    monkeypatch.setattr(progress_mod, "HEARTBEAT", 0.6)
    out = io.StringIO()
    with Progress(out, live=False) as p:
        p("Ranking")
        time.sleep(2.0)
        p("Writing the workbook")
    lines = out.getvalue().splitlines()
    assert lines[0] == "… Ranking (0.0 s)"
    assert any(line.startswith("… still ranking: ") for line in lines[1:-1])
    assert lines[-1].startswith("… Writing the workbook (")


def test_on_a_terminal_a_live_bar_moves_and_each_stage_leaves_its_time():
    out = io.StringIO()
    with Progress(out, live=True, total=3) as p:
        p("Reading the LinkedIn export")
        time.sleep(0.35)  # the live line is redrawn while the stage runs
        p("Ranking")
    text = out.getvalue()
    assert text.count("\r") >= 3  # redrawn in place
    assert "1/3 Reading the LinkedIn export" in text and "2/3 Ranking" in text
    assert "[" in text and "█" in text  # the bar fills as stages finish
    finished = [line for line in text.split("\n") if line.endswith(" s")]
    assert any("Reading the LinkedIn export: 0." in line for line in finished)
    assert any("Ranking: 0." in line for line in finished)


@pytest.mark.parametrize("live", [True, False])
def test_progress_survives_a_closed_stream(live):
    stream = io.StringIO()
    stream.close()
    with Progress(stream, live=live) as p:
        p("Ranking")  # nothing to write to: no exception


def test_without_progress_keeps_the_error_line():
    text = "… Starting up (0.0 s)\nError: alumni.xlsx does not exist.\n"
    assert without_progress(text) == "Error: alumni.xlsx does not exist.\n"
