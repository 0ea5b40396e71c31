"""A run without a previous workbook never imports openpyxl (about a tenth of a second or more
at start-up on this machine): ingest reads spreadsheets with python-calamine, export writes with
XlsxWriter, and only reading the previous workbook needs openpyxl."""

from __future__ import annotations

import subprocess
import sys

from openpyxl.utils import get_column_letter as openpyxls

from pipeline.ingest.previous import get_column_letter


def test_importing_a_run_imports_no_openpyxl():
    probe = (
        "import sys, pipeline.run, pipeline.cli; "
        "print(sorted(m for m in sys.modules if m.startswith('openpyxl')))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_column_letters_are_openpyxls():
    for n in (*range(1, 800), 16_383, 16_384):
        assert get_column_letter(n) == openpyxls(n)
