"""The benchmark's input files at fixed sizes, generated once and cached in out/bench/.

    small  the bundled sample (pipeline/sample/): its archive, alumni.xlsx and truth.csv;
    real   30,000 connections (LinkedIn's maximum) in an archive zip, 200,000-row alumni .xlsx;
    large  30,000 connections in an archive zip, 1,000,000-row alumni .csv.

The people come from fixtures/linkage/generate.py (``make``): seeded, invented, with the hard
cases of real files (nicknames, maiden names, credentials, outdated employers, typos, namesakes,
duplicates) and the ground truth. The connections are written as LinkedIn writes them today
(Notes preamble, header on line 4, ``Connected On`` as ``08 Jan 2024``, LF, no trailing newline)
into ``Basic_LinkedInDataExport_11-28-2026.zip`` beside the sample user's Profile, Positions and
Education files. The truth is written in the rows a person sees in those files (``source_row``:
line 5 is the first connection, row 2 the first alumni record), like the sample's truth.csv.

A size's folder is ``out/bench/<size>-<seed>-<hash of generate.py>/`` and holds a ``done`` marker
written last, so an interrupted generation is redone and a changed generator gets new files.
"""

from __future__ import annotations

import hashlib
import sys
import time
import zipfile
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "out" / "bench"
SAMPLE = ROOT / "pipeline" / "sample"
GENERATOR = ROOT / "fixtures" / "linkage" / "generate.py"
ZIP_NAME = "Basic_LinkedInDataExport_11-28-2026.zip"
CONNECTIONS_FIRST_LINE = 5  # Notes:, the note, a blank line, the header
ALUMNI_FIRST_ROW = 2  # header on row 1 (xlsx) or line 1 (csv)


@dataclass(frozen=True)
class Size:
    name: str
    connections: int
    alumni: int
    alumni_format: str  # "xlsx" or "csv"
    repeat: int  # runs measured by default (each a fresh process)


SIZES = {
    "small": Size("small", 0, 0, "xlsx", 5),
    "real": Size("real", 30_000, 200_000, "xlsx", 3),
    "large": Size("large", 30_000, 1_000_000, "csv", 2),
}
SEED = 20261128


@dataclass(frozen=True)
class Files:
    """A size's inputs: the archive, the alumni file, and the truth as source rows
    (``truth``: connections_row, alumni_row; ``duplicates``: alumni_row_a, alumni_row_b)."""

    export: Path
    alumni: Path
    truth: Path
    duplicates: Path
    generated_s: float = 0.0  # seconds spent generating now (0 when cached)


def files(size: Size, seed: int = SEED) -> Files:
    """The inputs of ``size``, generated into out/bench/ unless already there."""
    if size.name == "small":
        return Files(
            SAMPLE / ZIP_NAME,
            SAMPLE / "alumni.xlsx",
            SAMPLE / "truth.csv",
            SAMPLE / "alumni_duplicates.csv",
        )
    digest = hashlib.sha256(GENERATOR.read_bytes()).hexdigest()[:8]
    folder = OUT / f"{size.name}-{seed}-{digest}"
    found = _layout(folder, size)
    if (folder / "done").exists():
        return found
    start = time.perf_counter()
    folder.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(GENERATOR.parent))
    import generate  # fixtures/linkage/generate.py

    bench = generate.make(size.connections, size.alumni, seed)
    write_export(bench.connections, found.export)
    if size.alumni_format == "xlsx":
        write_xlsx(bench.alumni, found.alumni)
    else:
        bench.alumni.to_csv(found.alumni, index=False, lineterminator="\n")
    pd.DataFrame(
        {
            "connections_row": bench.truth["connections_row"] + CONNECTIONS_FIRST_LINE - 1,
            "alumni_row": bench.truth["alumni_row"] + ALUMNI_FIRST_ROW - 1,
            "kind": bench.truth["kind"],
        }
    ).to_csv(found.truth, index=False)
    (bench.duplicates[["alumni_row_a", "alumni_row_b"]] + ALUMNI_FIRST_ROW - 1).to_csv(
        found.duplicates, index=False
    )
    (folder / "done").write_text("ok\n")
    return replace(found, generated_s=time.perf_counter() - start)


def in_folder(folder: Path, size: Size) -> Files | None:
    """The inputs of ``size`` already generated in ``folder`` (an older generator's, say), or
    None when the folder holds no finished generation."""
    if size.name == "small":
        return files(size)
    return _layout(folder, size) if (folder / "done").exists() else None


def _layout(folder: Path, size: Size) -> Files:
    return Files(
        folder / ZIP_NAME,
        folder / f"alumni.{size.alumni_format}",
        folder / "truth.csv",
        folder / "alumni_duplicates.csv",
    )


def _linkedin_note() -> str:
    """LinkedIn's note above the header: the fixtures' one copy (fixtures/sample/_names.py)."""
    if str(GENERATOR.parent) not in sys.path:
        sys.path.insert(0, str(GENERATOR.parent))
    import generate  # fixtures/linkage/generate.py, which loads the sample's vocabulary

    return generate.vocab.LINKEDIN_NOTE


def connections_csv(connections: pd.DataFrame, seed: int = SEED) -> bytes:
    """``connections`` (First Name, Last Name, URL, Email Address, Company, Position) as today's
    Connections.csv: the preamble, ``Connected On`` newest first, LF, no trailing newline."""
    rng = np.random.default_rng(seed)
    days = np.cumsum(rng.random(len(connections)) < 0.05)  # a few connections a day
    when = pd.Timestamp(date(2026, 11, 27)) - pd.to_timedelta(days, unit="D")
    body = connections.assign(**{"Connected On": when.strftime("%d %b %Y")}).to_csv(
        index=False, lineterminator="\n"
    )
    return f"Notes:\n{_linkedin_note()}\n\n{body.rstrip(chr(10))}".encode()


def write_export(connections: pd.DataFrame, path: Path) -> None:
    """The archive zip: Connections.csv plus the sample user's other files (Profile ...)."""
    with zipfile.ZipFile(SAMPLE / ZIP_NAME) as sample:
        others = [(n, sample.read(n)) for n in sample.namelist() if n != "Connections.csv"]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("Connections.csv", connections_csv(connections))
        for name, data in others:
            z.writestr(name, data)


def write_xlsx(frame: pd.DataFrame, path: Path) -> None:
    """One sheet, header on row 1; openpyxl's write-only mode streams rows (fast, little RAM)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Alumni")
    sheet.append(list(frame.columns))
    columns = [frame[c].to_numpy(dtype=object) for c in frame.columns]
    for row in zip(*columns, strict=True):
        # numpy ints become Python ints so Excel stores numbers, not text
        sheet.append([v.item() if isinstance(v, np.generic) else v for v in row])
    book.save(path)
