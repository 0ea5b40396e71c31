"""The library side of ``prospects inspect``: how an alumni list will be read, shown to its owner.

``inspect_file`` returns what ingest decided (sheets read and skipped, header row, each column's
field with its confidence and how it was decided, counts and reasons, and the first rows as they
will be read after cleaning); ``render`` prints it with rich. The sample rows hold personal data:
they go to the user's own terminal because the user asked for them, never to a log.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.table import Table
from rich.text import Text

from pipeline.ingest.alumni import alumni_from_table, find_tables
from pipeline.ingest.alumni_fields import FIELDS, IGNORE, ColumnMap
from pipeline.safety import plain
from pipeline.settings import Settings

SAMPLE_SIZE = 5


@dataclass(frozen=True)
class TableView:
    """What ingest decided for one table (a CSV, or one sheet)."""

    label: str
    sheet: str
    how: str  # "xlsx", "utf-8, delimiter ','" …
    header_row: int
    mapping: tuple[ColumnMap, ...]
    read: int
    accepted: int
    reasons: Mapping[str, int]  # reason -> rows set aside
    sample: pd.DataFrame  # the first accepted rows, cleaned, SAMPLE_COLUMNS that are filled
    sheet_year: int | None = None


@dataclass(frozen=True)
class Inspection:
    file: str
    tables: tuple[TableView, ...]
    skipped: tuple[tuple[str, str], ...]


def inspect_file(path: Path, settings: Settings | None = None) -> Inspection:
    """Read an alumni list as ``prospects shortlist`` would, and describe every decision.

    Example: inspect_file(Path("alumni.xlsx")).tables[0].mapping[0] ->
    ColumnMap(column="Constituent ID", field="record_id", confidence=1.0, via="exact synonym").
    """
    settings = settings or Settings()
    layout = find_tables(
        path, settings.alumni.columns, max_bytes=settings.ingest.max_archive_mb * 1_000_000
    )
    school = settings.me.schools[0] if settings.me.schools else ""
    views = []
    for found in layout.tables:
        ingested = alumni_from_table(found, school)
        table = found.table
        how = table.encoding
        if table.delimiter:
            how += ", delimiter " + {"\t": "tab"}.get(table.delimiter, repr(table.delimiter))
        views.append(
            TableView(
                label=table.name,
                sheet=table.sheet,
                how=how,
                header_row=table.header_line,
                mapping=found.mapping,
                read=len(table.rows),
                accepted=len(ingested.people),
                reasons=ingested.ledger["reason"].value_counts(sort=False).to_dict(),
                sample=sample_rows(ingested.people.head(SAMPLE_SIZE), bool(table.sheet)),
                sheet_year=found.sheet_year if "grad_year" not in found.by_field else None,
            )
        )
    return Inspection(layout.file, tuple(views), layout.skipped)


def sample_rows(people: pd.DataFrame, sheet: bool) -> pd.DataFrame:
    """A few People rows composed for reading in a terminal; columns the file leaves empty go.

    Needs the People columns plus given_name, former_name and class_years (as read_alumni gives).
    """

    def join(*parts: str, sep: str = ", ") -> str:
        return sep.join(p for p in parts if p)

    rows = []
    cells = people.astype(object).where(people.notna(), "")  # an unknown class year shows blank
    for p in cells.to_dict("records"):
        name = p["full_name"]
        if p["given_name"] and p["given_name"] != p["first_name"]:
            name += f" (given name {p['given_name']})"
        if p["former_name"]:
            name += f" (formerly {p['former_name']})"
        years = [y for y in str(p["class_years"]).split("|") if y and y != str(p["grad_year"])]
        grad = join(str(p["grad_year"]), f"also {', '.join(years)}" if years else "", sep=" ")
        rows.append(
            {
                "row" if sheet else "line": str(p["source_row"]),
                "name": name,
                "class": grad,
                "degree, program": join(p["degree"], p["major"]),
                "employer": p["company"],
                "title": p["title"],
                "location": p["location"],
                "email, LinkedIn": join(
                    p["email"], p["linkedin_slug"] and "in/" + p["linkedin_slug"]
                ),
            }
        )
    frame = pd.DataFrame(rows)
    return frame[[c for c in frame.columns if (frame[c] != "").any()]] if len(frame) else frame


_VIA_STYLE = {"exact synonym": "green", "settings": "cyan", "unmapped": "dim"}


def _field_text(cm: ColumnMap) -> Text:
    if cm.field == IGNORE:
        return Text("ignored (dropped)", style="dim")
    if not cm.field:
        return Text("kept as extra", style="dim")
    return Text(cm.field, style="bold")


def _how_text(cm: ColumnMap) -> Text:
    if cm.via.startswith(("fuzzy", "synonym")):
        return Text(cm.via, style="yellow")
    return Text(cm.via, style=_VIA_STYLE.get(cm.via, "dim"))


def render(inspection: Inspection, console: Console | None = None) -> None:
    """Print an Inspection: one block per table, then how to change a mapping."""
    console = console or Console(highlight=False)
    inspection = _printable(inspection)
    console.print(Text(inspection.file, style="bold underline"))
    sheets = [v.sheet for v in inspection.tables if v.sheet]
    if sheets:
        console.print(f"Sheets read: {', '.join(sheets)}")
    for sheet, why in inspection.skipped:
        console.print(Text(f"Sheet skipped: {sheet} ({why})", style="dim"))
    for view in inspection.tables:
        console.print()
        where = f"Sheet “{view.sheet}”" if view.sheet else view.label
        row = "row" if view.sheet else "line"
        console.rule(Text(f"{where} · header on {row} {view.header_row}", style="bold"))
        set_aside = view.read - view.accepted
        line = f"Read as {view.how}. {_n(view.read, 'row')}: {_n(view.accepted, 'person')}"
        if set_aside:
            reasons = ", ".join(f"{n:,} × {r}" for r, n in sorted(view.reasons.items()))
            line += f", {set_aside:,} set aside ({reasons})"
        console.print(line + ".")
        if view.sheet_year is not None:
            console.print(f"Class year {view.sheet_year} for every row, from the sheet name.")
        columns = Table(title="Columns", title_justify="left", show_edge=False, pad_edge=False)
        for heading in ("column in the file", "read as"):
            columns.add_column(heading, justify="left")
        columns.add_column("confidence", justify="right")
        columns.add_column("decided by")
        for cm in view.mapping:
            sure = f"{cm.confidence:.2f}" if cm.field not in ("", IGNORE) else ""
            columns.add_row(cm.column, _field_text(cm), sure, _how_text(cm))
        console.print(columns)
        if len(view.sample):
            sample = Table(
                title=f"First {len(view.sample)} people as they will be read",
                title_justify="left",
                show_edge=False,
                pad_edge=False,
            )
            for heading in view.sample.columns:
                sample.add_column(heading, overflow="fold")
            for cells in view.sample.itertuples(index=False):
                sample.add_row(*map(str, cells))
            console.print(sample)
    console.print()
    _print_hint(inspection, console)


def _printable(inspection: Inspection) -> Inspection:
    """The same Inspection with every text from the file made safe for a terminal (plain)."""
    views = []
    for v in inspection.tables:
        mapping = tuple(dataclasses.replace(cm, column=plain(cm.column)) for cm in v.mapping)
        sample = v.sample.rename(columns=plain).map(lambda c: plain(str(c)))
        views.append(
            dataclasses.replace(
                v, label=plain(v.label), sheet=plain(v.sheet), mapping=mapping, sample=sample
            )
        )
    skipped = tuple((plain(s), why) for s, why in inspection.skipped)
    return Inspection(plain(inspection.file), tuple(views), skipped)


def _n(count: int, word: str) -> str:
    plural = {"person": "people"}.get(word, word + "s")
    return f"{count:,} {word if count == 1 else plural}"


def _print_hint(inspection: Inspection, console: Console) -> None:
    mapping = [cm for v in inspection.tables for cm in v.mapping]
    mapped = min(
        (cm for cm in mapping if cm.field not in ("", IGNORE)),
        key=lambda cm: cm.confidence,
        default=ColumnMap("Pref Class Year", "grad_year", 1.0, ""),
    )
    extra = next((cm.column for cm in mapping if not cm.field), mapping[-1].column)
    console.print("To change a mapping, add to your settings file (then run inspect again):")
    lines = (
        (f'"{mapped.column}" = "{mapped.field}"', "read this column as this field"),
        (f'"{extra}" = "ignore"', "drop this column"),
    )
    width = max(len(line) for line, _ in lines) + 3
    console.print(Text("[alumni.columns]", style="cyan"))
    for line, why in lines:
        console.print(Text(line.ljust(width), style="cyan") + Text(f"# {why}", style="dim"))
    console.print(Text(f"Fields: {', '.join(FIELDS)}, ignore, extra.", style="dim"))
