"""The read-only floor: read exactly a run's input files into DataFrames, and nothing else.

    python benchmarks/floor.py EXPORT ALUMNI...

What any tool must pay before it can do anything with the files: the LinkedIn archive's CSV
members (Connections.csv with pandas, past LinkedIn's three-line note; Profile, Positions and
Education) and every alumni file (.xlsx/.xls/.ods with python-calamine, .csv with pandas), as
strings. ``benchmarks/run.py`` runs it beside ``prospects shortlist`` on the same files, in the
same invocation and alternating with it, so each size reports the pipeline's time as a multiple
of this floor. Prints one line: the rows read per file.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import pandas as pd

NOTE_LINES = 3  # "Notes:", LinkedIn's note, a blank line; the header is line 4


def read_csv_text(data: bytes, skip: int = 0) -> pd.DataFrame:
    return pd.read_csv(
        io.BytesIO(data), dtype=str, keep_default_na=False, skiprows=skip, encoding="utf-8"
    )


def read_export(path: Path) -> dict[str, int]:
    """Every CSV member of the archive (or folder, or a bare Connections.csv)."""
    if path.suffix.lower() == ".csv":
        members = {path.name: path.read_bytes()}
    elif path.is_dir():
        members = {p.name: p.read_bytes() for p in path.rglob("*.csv")}
    else:
        with zipfile.ZipFile(path) as z:
            members = {n: z.read(n) for n in z.namelist() if n.lower().endswith(".csv")}
    rows = {}
    for name, data in members.items():
        skip = NOTE_LINES if data.startswith(b"Notes:") else 0
        rows[name] = len(read_csv_text(data, skip))
    return rows


def read_alumni(path: Path) -> int:
    if path.suffix.lower() == ".csv":
        return len(read_csv_text(path.read_bytes()))
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    total = 0
    for name in book.sheet_names:
        rows = book.get_sheet_by_name(name).to_python()
        total += len(pd.DataFrame(rows[1:], columns=rows[0] if rows else None))
    return total


def main(argv: list[str]) -> None:
    export, *alumni = (Path(a) for a in argv)
    rows = read_export(export)
    rows |= {p.name: read_alumni(p) for p in alumni}
    print(", ".join(f"{name} {n:,}" for name, n in rows.items()))


if __name__ == "__main__":
    main(sys.argv[1:])
