"""LinkedIn connections: Connections.csv in any of its real variants, or the whole archive.

Columns are mapped by name, never by position; the header is found by its content (see
readers.read_text_table). Every data row ends up in People or in the Ledger.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from pipeline.errors import InputError
from pipeline.ingest import clean
from pipeline.ingest.archive import Export, open_export
from pipeline.ingest.dates import parse_dates
from pipeline.ingest.ledger import (
    FileReport,
    Ingested,
    duplicate_reasons,
    ledger_rows,
    people_frame,
    split_rows,
)
from pipeline.ingest.readers import TextTable, read_text_table
from pipeline.normalize.names import clean_names_frame

SOURCE = "connections"

#: Header text (lower case, single spaces) -> People column. Tags and user columns are kept as-is.
COLUMNS = {
    "first name": "first_name",
    "last name": "last_name",
    "url": "url",
    "profile url": "url",
    "email address": "email",
    "email": "email",
    "company": "company",
    "position": "title",
    "connected on": "connected_on",
}
_REQUIRED = ("first name", "last name")
_WHAT = "a LinkedIn connections export (Connections.csv with First Name, Last Name, Company …)"


def score_header(cells: Sequence[str]) -> float:
    """How many distinct connections columns a candidate header row names."""
    names = {re.sub(r"\s+", " ", c).strip().lower() for c in cells}
    return float(len({COLUMNS[n] for n in names if n in COLUMNS}))


def read_connections(data: bytes, name: str) -> Ingested:
    """Read one Connections.csv (bytes) into People rows and Ledger lines."""
    table = read_text_table(data, name, score_header, min_score=3, what=_WHAT)
    return connections_from_table(table)


def connections_from_table(table: TextTable) -> Ingested:
    """People and Ledger from a parsed connections table (any variant, columns by name)."""
    by_name = {re.sub(r"\s+", " ", c).strip().lower(): c for c in table.rows.columns}
    missing = [c for c in _REQUIRED if c not in by_name]
    if missing:
        raise InputError(
            f"{table.name} has no '{missing[0].title()}' column in its header on line "
            f"{table.header_line}; expected {_WHAT}."
        )
    rows = table.rows.reset_index(drop=True)
    n = len(rows)

    def col(header: str) -> pd.Series:
        column = by_name.get(header)
        return rows[column] if column is not None else pd.Series([""] * n, dtype="str")

    def mapped(target: str) -> pd.Series:
        headers = [h for h, t in COLUMNS.items() if t == target and h in by_name]
        return col(headers[0]) if headers else pd.Series([""] * n, dtype="str")

    names = clean_names_frame(clean.text(col("first name")), clean.text(col("last name")))
    url = clean.text(mapped("url"))
    company = clean.text(mapped("company"))
    title = clean.text(mapped("title"))
    mail = clean.email(mapped("email"))
    dates = parse_dates(clean.text(mapped("connected_on")))
    slug = clean.linkedin_slug(url)

    has_name = (names["full_name"] != "").to_numpy()
    anything_else = ((url != "") | (company != "") | (title != "") | (mail != "")).to_numpy()
    has_date = dates.dates.notna().to_numpy() | dates.unparsed.to_numpy()
    reasons = pd.Series([""] * n, dtype="str")
    reasons[~has_name & ~anything_else & has_date] = "ghost row (deleted member: only a date)"
    reasons[~has_name & ~anything_else & ~has_date] = "empty row"
    reasons[~has_name & anything_else] = "no name"
    # Zero duplicate URLs in real exports: a repeated slug means the file was concatenated twice.
    dup = duplicate_reasons(slug.where(reasons == "", ""), table.lines)
    reasons = reasons.where(dup == "", dup)

    lines = table.lines
    columns = {
        "first_name": names["first_name"],
        "last_name": names["last_name"],
        "full_name": names["full_name"],
        "credentials": names["credentials"],
        "linkedin_slug": slug,
        "email": mail,
        "company": company,
        "title": title,
        "connected_on": dates.dates.astype("datetime64[s]"),
    }
    full = people_frame(columns, n)
    accepted, ledger = split_rows(full, lines, reasons, table.name)
    accepted["source"] = SOURCE
    accepted["source_file"] = table.name
    accepted["record_id"] = SOURCE + ":" + accepted["source_row"].astype(str)
    bad_dates = dates.unparsed.to_numpy() & (reasons == "").to_numpy()
    notes = ledger_rows(
        table.name, lines[bad_dates], ["unparseable date kept empty"] * int(bad_dates.sum()), "kept"
    )
    details = {
        "encoding": table.encoding,
        "delimiter": {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}.get(
            table.delimiter, repr(table.delimiter)
        ),
        "header line": str(table.header_line),
        "date formats": ", ".join(f"{k} ({v})" for k, v in dates.formats.items()) or "none",
        "columns": ", ".join(map(str, rows.columns)),
    }
    report = FileReport(table.name, SOURCE, n, len(accepted), int((reasons != "").sum()), details)
    ledger = pd.concat([ledger, notes], ignore_index=True)
    return Ingested(accepted.reset_index(drop=True), ledger, (report,))


def read_export(path: Path, *, max_bytes: int) -> tuple[Ingested, Export | None]:
    """Connections from a Connections.csv, an archive zip or an extracted archive folder.

    Returns the ingested connections and, for an archive, the Export (for the user's profile).
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path.name} does not exist; check the path to your LinkedIn export.")
    if path.is_file() and path.suffix.lower() != ".zip":
        if path.stat().st_size > max_bytes:
            raise InputError(
                f"{path.name} is larger than the size limit; raise [ingest] max_archive_mb."
            )
        return read_connections(path.read_bytes(), path.name), None
    export = open_export(path, max_bytes=max_bytes)
    data = export.read("connections")
    if data is None:
        raise InputError(
            f"{export.name} holds no Connections.csv; download the archive again with "
            "Connections selected (Settings → Data privacy → Get a copy of your data)."
        )
    return read_connections(data, Path(export.members["connections"]).name), export
