"""LinkedIn connections: Connections.csv in any of its real variants, or the whole archive.

Columns are mapped by name, never by position; the header is found by its content (see
readers.read_text_table). Every data row ends up in People or in the Ledger.

Several exports joined into one file (with `cat`, or pasted together in Excel) are read as one:
each repeated header starts a new section mapped by *its own* column names (an old export without
URL can follow a current one), the repeated preamble lines are set aside, and a connection that
appears twice is a "duplicate of row N".
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline import schema
from pipeline.errors import InputError
from pipeline.ingest import clean, kinds
from pipeline.ingest.archive import Export, mb, open_export
from pipeline.ingest.dates import parse_dates
from pipeline.ingest.display_names import clean_names_frame
from pipeline.ingest.ledger import (
    FileReport,
    Ingested,
    duplicate_reasons,
    ledger_rows,
    people_frame,
    split_rows,
)
from pipeline.ingest.readers import TextTable, clean_header, decode, read_text_table
from pipeline.ingest.table import MAX_COLUMNS
from pipeline.safety import check_input
from pipeline.text.arrow_text import text_series

SOURCE = "connections"

#: Header text (lower case, single spaces) -> raw column. Other columns are kept as extras.
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
    "tags": "tags",
}
_TARGETS = tuple(dict.fromkeys(COLUMNS.values()))
_STANDARD = ("First Name", "Last Name", "URL", "Email Address", "Company", "Position")
_NAME_COLUMNS = ("first name", "last name")  # one is enough: users delete columns
# Columns only a LinkedIn export has: any two (or Connected On with two of its usual neighbours)
# say a renamed file with a deleted column is still connections, not an alumni list.
_DISTINCTIVE = frozenset({"connected on", "url", "email address"})
_USUAL = frozenset({"first name", "last name", "company", "position"})
_RESERVED = frozenset(
    c.lower() for c in (*schema.PEOPLE, *schema.NORMALIZED, "company_placeholder", "tags")
)
_WHAT = "a LinkedIn connections export (Connections.csv with First Name, Last Name, Company …)"
# LinkedIn's preamble ("Notes:" and the sentence about e-mail addresses) repeated mid-file.
_PREAMBLE = re.compile(r"(?i)^(?:notes:?|when exporting your connection data\b.*)$", re.DOTALL)
# `cat` on exports without a trailing newline glues the next "Notes:" to the last date.
_GLUED_NOTES = re.compile(r"(?i)\s*notes:\s*$")
_ENCODINGS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with BOM",
    "utf-16": "UTF-16 (Excel “Unicode text”)",
    "utf-16-le": "UTF-16 LE",
    "utf-16-be": "UTF-16 BE",
    "cp1252": "Windows-1252 (cp1252)",
    "cp1250": "Windows-1250 (cp1250)",
}
_DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


def _norm(header: str) -> str:
    return re.sub(r"\s+", " ", str(header)).strip().lower()


def score_header(cells: Sequence[str]) -> float:
    """How many distinct connections columns a candidate header row names.

    Example: score_header(["First Name", "Last Name", "Company", "Notes"]) -> 3.0.
    """
    return float(len({COLUMNS[n] for n in map(_norm, cells) if n in COLUMNS}))


def read_connections(data: bytes, name: str) -> Ingested:
    """Read one Connections.csv (its bytes) into People rows and Ledger lines.

    Raises InputError naming the file when it is empty, binary or has no connections header.
    Example: read_connections(Path("Connections.csv").read_bytes(), "Connections.csv").people
    -> one row per named connection, source_row 5 for the first row of a current export.
    """
    table = read_text_table(data, name, score_header, min_score=3, what=_WHAT)
    return connections_from_table(table)


def _sections(rows: pd.DataFrame, first_header: Sequence[str]) -> list[tuple[int, list[str]]]:
    """(first body row, header names) per section; a repeated header row starts a new section."""
    # Only rows holding a "First Name" cell can be a header: look at those few closely.
    spellings = ["First Name", "first name", "FIRST NAME", "First name", "First  Name"]
    maybe = np.zeros(len(rows), dtype=bool)
    for column in rows.columns:
        maybe |= rows[column].isin(spellings).to_numpy()
    sections = [(0, list(first_header))]
    for i in np.flatnonzero(maybe):
        cells = rows.iloc[i].tolist()
        names = set(map(_norm, cells))
        if score_header(cells) >= 3 and {"first name", "last name"} <= names:
            sections.append((int(i) + 1, clean_header(cells)))
    return sections


def _raw_columns(
    rows: pd.DataFrame, sections: list[tuple[int, list[str]]], name: str, header_line: int
) -> tuple[dict[str, pd.Series], dict[str, pd.Series]]:
    """The raw text of each COLUMNS target, and of the user's own columns, section by section."""
    n = len(rows)
    targets = {t: np.full(n, "", dtype=object) for t in _TARGETS}
    extras: dict[str, np.ndarray] = {}
    bounds = [start for start, _ in sections[1:]] + [n + 1]
    for (start, header), stop in zip(sections, bounds, strict=True):
        stop -= 1  # the next section's header row belongs to neither
        positions = {_norm(h): j for j, h in enumerate(header) if j < rows.shape[1]}
        if not any(c in positions for c in _NAME_COLUMNS):
            raise InputError(
                f"{name} has no column of names (First Name or Last Name) in its header on line "
                f"{header_line}, so no connection can be named; export Connections.csv again "
                "from LinkedIn (Settings → Data privacy → Get a copy of your data)."
            )
        block = rows.iloc[start:stop]
        for h, j in positions.items():
            values = block.iloc[:, j].to_numpy(dtype=object)
            if h in COLUMNS:
                targets[COLUMNS[h]][start:stop] = values
            elif not h.startswith("column "):  # "column N": cells past the header's end
                label = header[j]
                extras.setdefault(label, np.full(n, "", dtype=object))[start:stop] = values
    as_series = {k: text_series(v) for k, v in targets.items()}
    return as_series, {k: text_series(v) for k, v in extras.items()}


def _joined_rows(
    rows: pd.DataFrame, sections: list[tuple[int, list[str]]]
) -> tuple[np.ndarray, np.ndarray]:
    """Masks of the rows that are a repeated header, and a repeated Notes preamble line."""
    header_rows = np.zeros(len(rows), dtype=bool)
    header_rows[[start - 1 for start, _ in sections[1:]]] = True
    if not len(rows):
        return header_rows, header_rows
    first_cell = rows.iloc[:, 0].str.strip()
    rest_empty = (rows.iloc[:, 1:] == "").all(axis=1).to_numpy()
    return header_rows, first_cell.str.fullmatch(_PREAMBLE).to_numpy() & rest_empty


def _identity(slug: pd.Series, fields: Sequence[pd.Series]) -> pd.Series:
    """The LinkedIn slug, or for rows without one, every field joined (older exports)."""
    key = slug.copy()
    no_url = (slug == "").to_numpy()
    if no_url.any():
        joined = ["row:" + "\x1f".join(t) for t in zip(*(f[no_url] for f in fields), strict=True)]
        key[no_url] = text_series(joined, key.index[no_url])
    return key


def connections_from_table(table: TextTable) -> Ingested:
    """People and Ledger from a parsed connections table (any variant, columns by name).

    `table.rows` holds the file's cells as text; People gets first_name, last_name, full_name,
    credentials, linkedin_slug, email, company, title, connected_on, the boolean
    company_placeholder, and the file's other columns (Tags, the user's own) as extras.
    """
    rows = table.rows.reset_index(drop=True)
    n = len(rows)
    sections = _sections(rows, list(rows.columns))
    raw, extras = _raw_columns(rows, sections, table.name, table.header_line)

    names = clean_names_frame(
        clean.text(raw["first_name"]), clean.text(raw["last_name"]), fix_case=False
    )
    url = clean.text(raw["url"])
    company = clean.text(raw["company"])
    title = clean.text(raw["title"])
    mail = clean.email(raw["email"])
    when = clean.text(raw["connected_on"])
    glued = when.str.endswith(":")
    if glued.any():
        when[glued] = when[glued].str.replace(_GLUED_NOTES, "", regex=True)
    dates = parse_dates(when)
    slug = clean.linkedin_slug(url)

    header_rows, preamble = _joined_rows(rows, sections)
    has_name = (names["full_name"] != "").to_numpy()
    anything_else = ((url != "") | (company != "") | (title != "") | (mail != "")).to_numpy()
    has_date = dates.dates.notna().to_numpy() | dates.unparsed.to_numpy()
    reasons = np.full(n, "", dtype=object)
    reasons[~has_name & ~anything_else & has_date] = "ghost row (deleted member: only a date)"
    reasons[~has_name & ~anything_else & ~has_date] = "empty row"
    reasons[~has_name & anything_else] = "no name"
    reasons[preamble] = "LinkedIn's Notes preamble again (exports joined into one file)"
    reasons[header_rows] = "header row again (exports joined into one file)"
    reasons = text_series(reasons)
    # Zero duplicate URLs in real exports: a repeated slug means exports were joined. Without a
    # URL (older exports) a row repeated in every field is the same connection.
    key = _identity(slug, (names["full_name"], company, title, mail, when))
    dup = duplicate_reasons(key.where(reasons == "", ""), table.lines)
    reasons = reasons.where(dup == "", dup)

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
    if any("tags" in map(_norm, header) for _, header in sections):
        columns["tags"] = clean.text(raw["tags"])
    for label, values in extras.items():
        # The user's own columns, never in place of ours ("School" is not our school column).
        taken = label.lower() in _RESERVED or label in columns
        columns[f"{label} (from file)" if taken else label] = clean.text(values)
    full = people_frame(columns, n)
    accepted, ledger = split_rows(full, table.lines, reasons, table.name)
    accepted["source"] = SOURCE
    accepted["source_file"] = table.name
    accepted["record_id"] = SOURCE + ":" + accepted["source_row"].astype(str)
    bad_dates = dates.unparsed.to_numpy() & (reasons == "").to_numpy()
    notes = ledger_rows(
        table.name,
        table.lines[bad_dates],
        ["unparseable date kept empty"] * int(bad_dates.sum()),
        "kept",
    )
    details = _details(table, sections, dates.formats, int(dates.unparsed.sum()), list(extras))
    rejected = int((reasons != "").sum())
    report = FileReport(table.name, SOURCE, n, len(accepted), rejected, details)
    ledger = pd.concat([ledger, notes], ignore_index=True)
    return Ingested(accepted.reset_index(drop=True), ledger, (report,))


def _details(
    table: TextTable,
    sections: list[tuple[int, list[str]]],
    formats: dict[str, int],
    unparsed: int,
    extras: list[str],
) -> dict[str, str]:
    """How the file was read, in words a user recognises (shown by `prospects ingest`)."""
    header = {_norm(h) for h in sections[0][1]}
    standard = [c for c in _STANDARD if c != "URL"]
    if "url" in header or "profile url" in header:
        era, standard = "current layout with URL (mid-2023 on)", list(_STANDARD)
    elif "tags" in header:
        era = "2016–2018 layout (no URL, Tags column)"
    else:
        era = "older layout without URL (before mid-2023)"
    layout = era + (f", {len(sections)} exports joined" if len(sections) > 1 else "")
    base, _, how = table.encoding.partition(", ")  # "utf-8, 21 lines partly in cp1252"
    encoding = ", ".join(filter(None, [_ENCODINGS.get(base, base), how]))
    delimiter = _DELIMITERS.get(table.delimiter, repr(table.delimiter))
    if table.wrapped:
        delimiter += ", rows wrapped whole in quotes"
    above = table.header_line - 1
    skipped = f" (the {above} lines above it skipped)" if above > 1 else ""
    skipped = " (the line above it skipped)" if above == 1 else skipped
    dates = ", ".join(f"{k} ({v:,})" for k, v in formats.items()) or "none"
    if unparsed:
        dates += f"; {unparsed:,} unreadable, kept empty"
    details = {
        "format": layout,
        "encoding": f"{encoding}, {table.newline} line endings" if table.newline else encoding,
        "delimiter": delimiter,
        "header line": str(table.header_line) + skipped,
        "date formats": dates,
    }
    missing = [c for c in [*standard, "Connected On"] if _norm(c) not in header]
    if missing:
        details["columns missing"] = ", ".join(missing)
    if table.columns_dropped:
        details["columns not read"] = f"{table.columns_dropped:,} past the {MAX_COLUMNS:,}th"
    kept = [c for c in extras if _norm(c) != "tags"]
    if kept:
        details["extra columns kept"] = ", ".join(kept)
    return details


def is_connections_header(names: set[str]) -> bool:
    """Whether header cells (lower case) are a connections export's, even with a column deleted.

    "Connected On" is what only a LinkedIn export has: an alumni list with First Name, Last Name
    and Company must not be read as connections. Example: is_connections_header({"first name",
    "company", "position", "connected on"}) -> True; {"first name", "last name", "company"} ->
    False.
    """
    distinctive = len(names & _DISTINCTIVE)
    has_name = bool(names & set(_NAME_COLUMNS))
    return (distinctive >= 2 and bool(names & _USUAL)) or (
        "connected on" in names and has_name and len(names & _USUAL) >= 2
    )


def looks_like_connections(path: Path, *, head_bytes: int = 65_536) -> bool:
    """Whether a CSV/text file is a LinkedIn connections export, by its content, not its name.

    A user may rename Connections.csv ("my contacts.csv"); its header still names First Name,
    Last Name and Connected On within its first 60 lines. Unreadable or
    binary files are simply "no". Example: looks_like_connections(Path("contacts.csv")) -> True.
    """
    try:
        check_input(Path(path))
        with Path(path).open("rb") as stream:
            head = stream.read(head_bytes)
        text, _encoding = decode(head, Path(path).name)
    except (OSError, InputError):
        return False
    lines = text.splitlines()[:60]
    for delimiter in (",", ";", "\t", "|"):
        for line in lines:
            cells = next(csv.reader([line.strip().strip('"')], delimiter=delimiter), [])
            names = set(map(_norm, cells))
            if is_connections_header(names):
                return True
    return False


def read_export(path: Path, *, max_bytes: int) -> tuple[Ingested, Export | None]:
    """Connections from a Connections.csv, an archive zip or an extracted archive folder.

    Returns the ingested connections and, for an archive, the Export (for the user's profile).
    Example: read_export(Path("Basic_LinkedInDataExport_11-28-2026.zip"), max_bytes=500_000_000)
    -> (Ingested with one FileReport for Connections.csv, Export of the archive).
    """
    read, export = export_reader(path, max_bytes=max_bytes)
    return read(), export


def export_reader(path: Path, *, max_bytes: int) -> tuple[Callable[[], Ingested], Export | None]:
    """``read_export`` in two steps: the checks and the archive's directory now (their errors
    now), the connections when the returned function is called (their errors then), so that
    ``read_inputs`` can read them on a second thread while it reads Me and the alumni lists."""
    path = check_input(Path(path))
    if not path.exists():
        raise InputError(f"{path.name} does not exist; check the path to your LinkedIn export.")
    kinds.check_export(path)  # an alumni workbook here: say where it belongs
    if path.is_file() and path.suffix.lower() != ".zip":
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(
                f"{path.name} is {mb(size)}, more than the {mb(max_bytes)} allowed; raise "
                "[ingest] max_archive_mb in the settings if the file is genuine."
            )
        return lambda: read_connections(path.read_bytes(), path.name), None
    export = open_export(path, max_bytes=max_bytes)
    member = export.members.get("connections")
    if member is None:  # export.read gives None for it
        raise InputError(
            f"{export.name} holds no Connections.csv; download the archive again with "
            "Connections selected (Settings → Data privacy → Get a copy of your data)."
        )

    def read() -> Ingested:
        return read_connections(export.read("connections") or b"", Path(member).name)

    return read, export
