"""nameparser (about 30 ms at start-up) is imported only when a one-cell name column is parsed:
reading the bundled sample (separate first and last name columns) never loads it, and the
first full name parsed does."""

from __future__ import annotations

import ast
import subprocess
import sys


def _modules_after(code: str) -> list[str]:
    loaded = "print(sorted(m for m in sys.modules if m.startswith('nameparser')))"
    probe = f"import sys\n{code}\n{loaded}"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return ast.literal_eval(done.stdout.strip().splitlines()[-1])  # a list of module names


def test_reading_the_sample_imports_no_nameparser():
    code = (
        "import pipeline.cli\n"
        "from pipeline import run\n"
        "from pipeline.ingest import Inputs, read_inputs\n"
        "read = read_inputs(Inputs.sample(), run.load_settings(run.SAMPLE_CONFIG))\n"
        "assert len(read.ingested.people) > 1700, len(read.ingested.people)\n"
    )
    assert _modules_after(code) == []


def test_a_full_name_loads_it_and_parses():
    code = (
        "from pipeline.ingest.display_names import parse_full_name\n"
        "assert parse_full_name('Dr. Jane Q. Doe, PhD') == ('Jane', 'Doe', '')\n"
        "assert parse_full_name('DOE, Jane M.') == ('Jane', 'DOE', '')\n"
        "assert parse_full_name('J. Robert Doe') == ('J. Robert', 'Doe', '')\n"
        "assert parse_full_name('  ') == ('', '', '')\n"
    )
    assert "nameparser" in _modules_after(code)
