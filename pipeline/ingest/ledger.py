"""The Ledger: every input row is either a person or a line here with its reason.

Readers build one ``Ingested`` per file; ``combine`` joins them. For each file, read = accepted +
rejected, which ``FileReport`` checks when it is made.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline import schema
from pipeline.text.arrow_text import STR, is_arrow_text, repeated, text_series
from pipeline.text.placeholders import is_placeholder


@dataclass(frozen=True)
class FileReport:
    """What ingest did with one file (or one sheet): counts, and how it read the file."""

    file: str
    kind: str  # "connections", "alumni", "targets", "profile"
    read: int
    accepted: int
    rejected: int
    details: Mapping[str, str] = field(default_factory=dict)  # encoding, delimiter, header line …

    def __post_init__(self) -> None:
        if self.read != self.accepted + self.rejected:  # a bug, never a user's mistake
            raise AssertionError(f"{self.file}: read {self.read} != accepted + rejected")


@dataclass(frozen=True)
class Ingested:
    """People rows, the Ledger, and one report per file read."""

    people: pd.DataFrame
    ledger: pd.DataFrame
    reports: tuple[FileReport, ...] = ()


def split_rows(
    rows: pd.DataFrame, lines: np.ndarray, reasons: pd.Series, source_file: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split ``rows`` into accepted rows and Ledger lines by ``reasons`` ("" = accepted).

    Returns (accepted rows with a ``source_row`` column, ledger of the rejected ones).
    """
    rejected = reasons.to_numpy() != ""
    accepted = rows.loc[~rejected].copy()
    accepted["source_row"] = lines[~rejected].astype("int64")
    ledger = ledger_rows(source_file, lines[rejected], reasons[rejected], outcome="rejected")
    return accepted, ledger


def ledger_rows(
    source_file: str, lines: Iterable[int], reasons: Iterable[str], outcome: str
) -> pd.DataFrame:
    lines = np.asarray(list(lines), dtype="int64")
    reasons = list(reasons)
    return pd.DataFrame(
        {
            "source_file": text_series([source_file] * len(lines)),
            "source_row": lines,
            "outcome": text_series([outcome] * len(lines)),
            "reason": text_series(reasons),
        }
    )


def duplicate_reasons(
    keys: pd.Series, lines: np.ndarray, what: str = "duplicate of row"
) -> pd.Series:
    """Per row whose non-empty key appeared earlier: "duplicate of row N", N its first line."""
    keys = keys.reset_index(drop=True)
    nonempty = keys != ""
    first_line = pd.Series(lines).groupby(keys.where(nonempty)).transform("first")
    dup = nonempty & keys.duplicated(keep="first")
    out = text_series([""] * len(keys))
    out[dup] = what + " " + first_line[dup].astype("int64").astype(str)
    return out


def combine(parts: Iterable[Ingested]) -> Ingested:
    """Join several files' results into one, People in the canonical column order first.

    Extra columns one file lacks are "" there; company_placeholder is filled for every row; a
    record_id already used by an earlier file (two Connections.csv) gets its file name added,
    "connections:Connections (1).csv:5", so that record ids stay unique within a run.
    """
    parts = list(parts)
    people = _unique_ids([p.people for p in parts if len(p.people)])
    ledgers = [p.ledger for p in parts if len(p.ledger)]
    frame = pd.concat(people, ignore_index=True) if people else people_frame({}, 0)
    ledger = pd.concat(ledgers, ignore_index=True) if ledgers else schema.empty(schema.LEDGER)
    ordered = [*schema.PEOPLE, *(c for c in frame.columns if c not in schema.PEOPLE)]
    frame = frame.reindex(columns=ordered)
    if "company_placeholder" in frame.columns:
        missing = frame["company_placeholder"].isna()
        if missing.any():  # each file's People have their flags: only the rows of none need them
            company = frame.loc[missing, "company"].fillna("").astype(STR)
            flags = placeholder_flags(company)
            frame["company_placeholder"] = frame["company_placeholder"].where(~missing, flags)
        frame["company_placeholder"] = frame["company_placeholder"].astype("bool")
    for col in frame.columns[len(schema.PEOPLE) :]:
        if frame[col].dtype == "str" or frame[col].dtype == object:
            frame[col] = _no_missing(frame[col])
    reports = tuple(r for p in parts for r in p.reports)
    return Ingested(schema.check(frame, schema.PEOPLE, "People"), ledger, reports)


def _no_missing(values: pd.Series) -> pd.Series:
    """``values`` as text with "" for a missing cell. Arrow text is filled chunk by chunk: a
    chunk with no gap is kept as it is (the million rows of an alumni list's extra column, beside
    the connections' rows that lack it), not copied whole as ``fillna`` copies it."""
    if is_arrow_text(values.dtype):
        filled = pc.fill_null(pa.array(values.array), "")
        return pd.Series(pd.array(filled, dtype=STR), values.index, name=values.name, copy=False)
    return (values.fillna("") if values.hasnans else values).astype(STR)


def _unique_ids(frames: list[pd.DataFrame]) -> list[pd.DataFrame]:
    """Each file's People; a file whose record ids an earlier file already used gets longer ones.

    The whole file is renamed, never single rows, so its ids keep one form.
    """
    # The ids seen so far as one Arrow array, checked by hashing in C (pc.is_in): a Python set
    # filled and probed one Arrow string at a time took about 2 s for a 1,000,000-row list,
    # and Index.isin still made a pyarrow scalar of every id seen.
    used = pa.array([], type=pa.large_string())
    out = []
    for k, frame in enumerate(frames):
        ids = frame["record_id"].astype(STR)
        if _any_used(ids, used):
            frame = frame.copy()
            ids = (
                frame["source"] + ":" + frame["source_file"] + ":" + frame["source_row"].astype(str)
            )
            if _any_used(ids, used):  # the same file name twice (two archives)
                ids = ids + f"#{k + 1}"
            frame["record_id"] = ids.astype(STR)
        if k < len(frames) - 1:  # the last file's ids are never looked up
            used = pa.concat_arrays([used, _arrow(ids)])
        out.append(frame)
    return out


def _arrow(ids: pd.Series) -> pa.Array:
    array = pa.array(ids)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    return array.cast(pa.large_string())


def _any_used(ids: pd.Series, used: pa.Array) -> bool:
    """Whether any of ``ids`` is in ``used`` (``set(used) & set(ids)`` is not empty)."""
    return len(used) > 0 and bool(pc.any(pc.is_in(_arrow(ids), value_set=used)).as_py())


def placeholder_flags(company: pd.Series) -> pd.Series:
    """True where the company text names no employer ("Freelance", "Stealth Startup", "-").

    Computed once per distinct value. Example: placeholder_flags(pd.Series(["Self-employed",
    "Acme", ""])).tolist() -> [True, False, False].
    """
    # Codes into the distinct values (Arrow's own factorize for text): a dict mapped over a
    # million Arrow strings made each a Python object first. A missing value is one of them.
    codes, uniques = pd.factorize(company, use_na_sentinel=False)
    flags = np.fromiter((bool(is_placeholder(u)) for u in uniques), bool, len(uniques))
    return pd.Series(flags[codes], index=company.index, copy=False)


def reason_lines(ledger: pd.DataFrame, source_file: str, *, show: int = 5) -> list[str]:
    """One line per (outcome, reason) of a file: count, reason and the first few line numbers.

    Example: reason_lines(ledger, "Connections.csv") ->
    ["rejected: 2 × ghost row (deleted member: only a date), lines 57, 203"].
    """
    rows = ledger[ledger["source_file"] == source_file]
    out = []
    for (outcome, reason), group in rows.groupby(["outcome", "reason"], sort=False):
        lines = sorted(group["source_row"].astype("int64").tolist())
        where = ", ".join(map(str, lines[:show]))
        if len(lines) > show:
            where += f" and {len(lines) - show:,} more"
        label = "line" if len(lines) == 1 else "lines"
        out.append(f"{outcome}: {len(lines):,} × {reason}, {label} {where}")
    return out


def counts_frame(reports: Iterable[FileReport]) -> pd.DataFrame:
    """One row per file: file, kind, read, accepted, rejected, then how it was read."""
    rows = [
        {
            "file": r.file,
            "kind": r.kind,
            "read": r.read,
            "accepted": r.accepted,
            "rejected": r.rejected,
            "how it was read": "; ".join(f"{k}: {v}" for k, v in r.details.items()),
        }
        for r in reports
    ]
    columns = ["file", "kind", "read", "accepted", "rejected", "how it was read"]
    return pd.DataFrame(rows, columns=columns)


def people_frame(columns: Mapping[str, object], n: int) -> pd.DataFrame:
    """A People frame of ``n`` rows from the given columns; the rest empty, typed as schema says.

    The boolean company_placeholder follows the canonical columns (computed from company unless
    given), then any extra columns. Example: people_frame({"company": ["Freelance"]}, 1)
    has company "Freelance" and company_placeholder True.
    """
    data: dict[str, object] = {}
    for col in schema.PEOPLE:
        if col in columns:
            data[col] = columns[col]
        elif col == "grad_year":
            data[col] = pd.array([pd.NA] * n, dtype="Int64")
        elif col == "connected_on":
            data[col] = pd.Series([pd.NaT] * n, dtype="datetime64[s]")
        elif col == "source_row":
            data[col] = np.zeros(n, dtype="int64")
        else:
            data[col] = repeated("", n)
    frame = pd.DataFrame({k: _values(v) for k, v in data.items()})
    for col in schema.PEOPLE:
        if col not in ("grad_year", "connected_on", "source_row"):
            frame[col] = frame[col].astype(STR)
    if "company_placeholder" not in columns:
        # Placeholders stay as typed in `company` but are flagged so they never count as employers.
        frame["company_placeholder"] = placeholder_flags(frame["company"]).to_numpy()
    extras = {k: _values(v) for k, v in columns.items() if k not in schema.PEOPLE}
    if extras:
        frame = pd.concat([frame, pd.DataFrame(extras)], axis=1)
    return frame


def _values(v: object) -> object:
    if isinstance(v, pd.Series):
        # A text column keeps its Arrow strings: to NumPy objects and back to text cost about a
        # second per 200,000 rows of an alumni list, for the same column.
        return v.array if v.dtype == "str" else v.to_numpy()
    return v


EXCEL_ROWS = 1_048_576  # rows in one worksheet (Excel and LibreOffice)


def fit_ledger(ledger: pd.DataFrame, max_rows: int) -> pd.DataFrame:
    """The Ledger in at most ``max_rows`` rows: as it is when it fits; else each (file,
    outcome, reason) keeps its first rows while the budget lasts, and the rest of the group is
    one summary row saying how many rows it stands for and their lines.

    ``ledger`` has the schema.LEDGER columns. Example: 1,050,000 "no name" rows with
    max_rows=1,048,000 -> 1,047,999 rows as they are, then "no name (and 2,001 more rows like
    it, lines … to …)".
    """
    if len(ledger) <= max_rows:
        return ledger
    keys = ["source_file", "outcome", "reason"]
    groups = ledger.groupby(keys, sort=False, dropna=False)
    n_groups = groups.ngroups
    budget = max(max_rows - n_groups, 0)  # one summary row per group at most
    nth = groups.cumcount().to_numpy()
    sizes = groups["source_row"].transform("size").to_numpy()
    per_group = max(budget // max(n_groups, 1), 0)
    keep = (nth < per_group) | (sizes <= per_group)
    kept = ledger.loc[keep]
    rest = ledger.loc[~keep]
    if rest.empty:
        return kept
    summary = rest.groupby(keys, sort=False, dropna=False).agg(
        source_row=("source_row", "min"), last=("source_row", "max"), n=("source_row", "size")
    )
    summary = summary.reset_index()
    summary["reason"] = (
        summary["reason"].astype(STR)
        + " (and "
        + summary["n"].map("{:,}".format)
        + " more rows like it, lines "
        + summary["source_row"].astype(STR)
        + " to "
        + summary["last"].astype(STR)
        + ": more than a sheet holds)"
    )
    out = pd.concat([kept, summary[list(schema.LEDGER)]], ignore_index=True)
    return out.astype({c: ledger[c].dtype for c in schema.LEDGER})
