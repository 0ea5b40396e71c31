"""Write the shortlist workbook (and a CSV of the shortlist), atomically, keeping a backup.

Sheets: Shortlist (``pipeline.export.shortlist``), Intro paths, Employers (the LAMP view, with
a chart), All candidates, Matches, Ingest report, Settings, Archived and Added by you. With the
previous workbook, the user's columns are carried over (``pipeline.export.carryover``). Written
with XlsxWriter through ``pipeline.export.sheets``; every value goes through
``pipeline.export.cells``, which keeps hostile text inert; the only formulas are our own Follow
up on dates.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from functools import partial
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pandas as pd

from pipeline import schema
from pipeline.export import audit, overview
from pipeline.export.carryover import carry_over
from pipeline.export.cells import safe_link
from pipeline.export.files import (
    Alongside,
    check_unchanged,
    files_beside,
    latest_backup,
    refuse_if_open,
    replace_atomically,
)
from pipeline.export.matches import write_matches_csv
from pipeline.export.sheets import FEATURE_HEADERS, Book, write_user_sheet
from pipeline.export.shortlist import follow_up_formula, shortlist_headers, shortlist_sheet
from pipeline.export.table_csv import Chunks, write_table_csv
from pipeline.export.whatchanged import Later, WhatChanged, what_changed_sheet
from pipeline.ingest.previous import Previous
from pipeline.text.arrow_text import distinct_rows, taken_series
from pipeline.workbook_contract import ID_HEADER, LINK_HEADER, SHORTLIST_SHEET, STATUS_CHOICES

# The names tests and callers import from here, wherever they are defined.
__all__ = [
    "ALL_CANDIDATES_ROWS",
    "FEATURE_HEADERS",
    "ID_HEADER",
    "OPTIONAL_FEATURES",
    "SHORTLIST_SHEET",
    "STATUS_CHOICES",
    "core_frame",
    "follow_up_formula",
    "ordered",
    "shortlist_headers",
    "write_csv",
    "write_workbook",
]

#: Features shown only when the settings give them something to measure.
OPTIONAL_FEATURES = ("location_fit", "industry_fit")


def _text(series: pd.Series) -> pd.Series:
    if isinstance(series.dtype, pd.StringDtype):  # text already: no round trip through objects
        return series.fillna("").str.strip()
    return series.astype("object").where(series.notna(), "").astype(str).str.strip()


def _flag(series: pd.Series) -> pd.Series:
    return series.eq(True).fillna(False).astype(bool)


def ordered(ranked: pd.DataFrame) -> pd.DataFrame:
    """``ranked`` best rank first (unranked last), on a fresh 0..n-1 index."""
    schema.check(ranked, schema.RANKED, "Ranked")
    # The order from the rank column alone; a frame already in that order (write_workbook hands
    # core_frame one) is not moved: each move of a wide frame costs seconds at 200,000 rows.
    ranks = ranked["rank"].reset_index(drop=True)
    if _in_order(ranks):  # what the stable sort would find, without sorting a million ranks
        return ranked.reset_index(drop=True)
    positions = ranks.sort_values(kind="stable", na_position="last").index.to_numpy()
    if (positions == np.arange(len(positions))).all():
        return ranked.reset_index(drop=True)
    return ranked.take(positions).reset_index(drop=True)


def _in_order(ranks: pd.Series) -> bool:
    """Whether a stable sort of ``ranks`` (missing last) leaves every row where it is: the
    present ranks first, in increasing order (ties kept), then the missing ones. False when
    it cannot tell (values that do not compare): the sort then decides."""
    missing = ranks.isna().to_numpy(dtype=bool)
    present = len(ranks) - int(missing.sum())
    if missing[:present].any():
        return False
    try:
        return bool(ranks.iloc[:present].is_monotonic_increasing)
    except TypeError:
        return False


def added_by_hand(record_ids: pd.Series) -> pd.Series:
    """Whether each prospect's record ids hold a record the user added ("manual:"): text found
    where it lies (the stripped text holds it exactly when the text does: "manual:" holds no
    blank), a missing value False."""
    if isinstance(record_ids.dtype, pd.StringDtype):
        found = record_ids.str.contains("manual:", regex=False)
        return found.fillna(False).astype(bool)
    return _text(record_ids).str.contains("manual:", regex=False)


def _rows(frame: pd.DataFrame, mask: pd.Series) -> pd.DataFrame:
    """``frame[mask]`` (``mask`` on frame's 0..n-1 index): a slice, with nothing copied, when
    the rows kept are the first ones (the ranked before the left-out, as write_workbook has
    them); else the rows taken from the slice up to the last one kept. (Arrow takes rows from
    text in several chunks by joining the chunks first: a million texts per column copied for
    the fifty on the Shortlist, when the left-out make a second chunk.)"""
    keep = mask.to_numpy(dtype=bool)
    kept = np.flatnonzero(keep)
    end = int(kept[-1]) + 1 if len(kept) else 0
    if len(kept) == end:
        return frame.iloc[:end]
    return frame.iloc[:end][keep[:end]]


def core_frame(ranked: pd.DataFrame) -> pd.DataFrame:
    """The columns shown for each candidate, labelled for people, best rank first.

    ``ranked`` must have the columns of ``schema.RANKED``. The result has CORE_HEADERS (Rank,
    Name, Title … Opener), LinkedIn (the safe profile address or None) and ID_HEADER.

    >>> row = {c: None for c in schema.RANKED} | {"rank": 1, "full_name": "Ada Park",
    ...        "is_connection": True, "school": "UBC", "grad_year": 2019}
    >>> core_frame(pd.DataFrame([row]))[["Name", "School", "Warmth"]].iloc[0].tolist()
    ['Ada Park', 'UBC 2019', '1st-degree connection']
    """
    df = ordered(ranked)
    name = _text(df["full_name"])
    blank = name == ""
    if blank.any():  # the first and last name, only for those without a full name
        first, last = _text(df["first_name"][blank]), _text(df["last_name"][blank])
        name = name.where(~blank, (first + " " + last).str.strip())
    school = _school_years(df)
    added = added_by_hand(df["record_ids"])
    kinds = [_flag(df["is_connection"]), _flag(df["is_alum"]), added, _text(df["intro_via"]) != ""]
    warmth = taken_series(  # five labels, taken into place in Arrow (no object per row)
        ["1st-degree connection", "Alum", "Added by you", "Intro possible", "Cold"],
        np.select(kinds, range(4), 4),
        index=df.index,
    )
    return pd.DataFrame(
        {
            "Rank": pd.to_numeric(df["rank"], errors="coerce").round().astype("Int64"),
            "Name": name,
            "Title": df["title"],
            "Company": df["company"],
            "Seniority": df["seniority"],
            "Years ahead": pd.to_numeric(df["years_ahead"], errors="coerce"),
            "School": school,
            "Warmth": warmth,
            "Intro via": df["intro_via"],
            "Score": pd.to_numeric(df["score"], errors="coerce"),
            **{h: pd.to_numeric(df[f], errors="coerce") for f, h in FEATURE_HEADERS.items()},
            "Why": df["why"],
            "Opener": df["opener"],
            LINK_HEADER: _links(_text(df["linkedin_slug"])),
            ID_HEADER: df["prospect_id"],
        },
        copy=False,
    )


def _school_years(df: pd.DataFrame) -> pd.Series:
    """ "School 2019" for each row (school and graduation year, either may be missing), made once
    per distinct (school, year) by the same steps and taken into place: a million rows hold a
    few hundred pairs."""
    school_codes, schools = pd.factorize(df["school"], use_na_sentinel=False)
    year_codes, years = pd.factorize(df["grad_year"], use_na_sentinel=False)
    which, first = distinct_rows(school_codes, year_codes)
    name = _text(pd.Series(schools.take(school_codes[first])))
    year = pd.Series(years.take(year_codes[first]))
    year = pd.to_numeric(year, errors="coerce").astype("Int64").astype("string")
    pairs = (name + " " + year.fillna("")).str.strip()
    return pd.Series(pairs.array.take(which), index=df.index, copy=False)


def _links(slugs: pd.Series) -> pd.Series:
    """``safe_link`` of each slug's profile address (None for none), as objects: a plain ASCII
    slug is its own address, lower-cased (what safe_link gives, without a call per person);
    any other slug is checked by safe_link once per distinct slug. Most people have none ("")."""
    links = np.full(len(slugs), None, dtype=object)
    present = (slugs != "").to_numpy(dtype=bool)
    some = slugs[present]
    plain = some.str.fullmatch(r"[A-Za-z0-9_-]{1,100}").to_numpy(dtype=bool)
    found = ("https://www.linkedin.com/in/" + some[plain].str.lower()).to_numpy(dtype=object)
    codes, odd = pd.factorize(some[~plain])
    checked = [safe_link("https://www.linkedin.com/in/" + quote(s, safe="")) for s in odd]
    where = np.flatnonzero(present)
    links[where[plain]] = found
    links[where[~plain]] = np.array([*checked, None], dtype=object)[codes]
    return pd.Series(links, index=slugs.index, dtype=object)


#: At most this many rows on the All candidates sheet; beyond it, the best per employer (and
#: everyone in a CSV beside the workbook). Excel's own limit is 1,048,576 rows.
ALL_CANDIDATES_ROWS = 20_000
PER_EMPLOYER = 10
#: At most this many pairs on the Matches sheet; beyond it, the least certain ones (those worth a
#: look: a reviewer checks the pairs near the threshold, not thousands at p 0.999), and every
#: pair in a CSV beside the workbook. A cell costs XlsxWriter about 6 us: 26,000 pairs x 27
#: columns at the large size took 4.4 s of export, for a sheet nobody reads to the end.
MATCHES_ROWS = 5_000


def write_workbook(
    path: Path,
    ranked: pd.DataFrame,
    *,
    top_n: int = 50,
    ledger: pd.DataFrame | None = None,
    counts: pd.DataFrame | None = None,
    matches: pd.DataFrame | None = None,
    settings_rows: Sequence[tuple[str, str]] = (),
    inputs: Sequence[tuple[str, str]] = (),
    version: str = "",
    today: date | None = None,
    previous: Previous | None = None,
    filtered: pd.DataFrame | None = None,
    targets: pd.DataFrame | None = None,
    features: Sequence[str] | None = None,
    all_rows: int = ALL_CANDIDATES_ROWS,
    matches_rows: int = MATCHES_ROWS,
    messages: list[str] | None = None,
    what_changed: WhatChanged | Callable[[], WhatChanged | None] | None = None,
) -> Path:
    """Write the workbook to ``path`` atomically and return ``path``.

    ``ranked`` must have the columns of ``schema.RANKED`` (rank 1 is best); ``ledger`` those of
    ``schema.LEDGER``; ``counts`` is one row per input file (file, read, accepted, rejected …);
    ``matches`` is linked record pairs (``Linked.matches``). ``settings_rows`` and ``inputs``
    are (key, value) and (file name, SHA-256) pairs. ``previous`` (``ingest.previous.Previous``)
    carries the user's columns over; ``filtered`` (prospects the settings left out, with
    ``filtered_because``) lets hand-added people stay shown and archived rows say why;
    ``targets`` (employer, key, motivation, posting) fills the Employers sheet's LAMP scores.
    ``features``: the signal columns to show (default: all but location and industry fit, which
    mean something only when the settings name locations or industries). ``all_rows``: the most
    rows on All candidates (beyond, the best per employer, and everyone in
    ``<name>.all-candidates.csv``). ``matches_rows``: the most pairs on Matches (beyond, the
    least certain, and every pair in ``<name>.matches.csv``). ``messages`` receives lines for
    the user (notes carried over, the backup, a capped sheet). Raises OutputError when the file
    is open in Excel or LibreOffice, or when the previous workbook changed on disk since it was
    read.
    ``what_changed`` (from ``pipeline.history``), when it has rows, comes first as What changed;
    a function giving it is called once the CSVs beside are begun (``whatchanged.Later``).

    Usage (not run as a doctest: it needs a run's files or frames):

        write_workbook(Path("out/shortlist.xlsx"), ranked, top_n=25)
        # -> PosixPath('out/shortlist.xlsx')
    """
    path = Path(path)
    refuse_if_open(path)
    say = messages.append if messages is not None else (lambda _line: None)
    today = today or date.today()
    if features is None:
        features = [f for f in schema.FEATURES if f not in OPTIONAL_FEATURES]
    ranked = _with_left_out(ordered(ranked), filtered)
    core = core_frame(ranked)
    manual = added_by_hand(ranked["record_ids"])
    shown_all = ranked["_left_out"] == ""
    candidates = pd.concat(
        [core[["Name", "Company", "School"]], ranked[["prospect_id", "linkedin_slug"]]], axis=1
    ).assign(record_ids=ranked["record_ids"], left_out=ranked["_left_out"].where(~manual, ""))
    rows = previous.rows if previous is not None else pd.DataFrame()
    carried = carry_over(candidates, rows, previous.headers if previous else {}, today)
    on_list = (
        (pd.Series(np.arange(len(ranked))) < top_n) & shown_all
        | core[ID_HEADER].astype(str).isin(carried.values.index) & shown_all
        | manual
    )
    everyone = _rows(core, shown_all)
    shown = _rows(ranked, shown_all)
    in_sheet = _all_candidates_rows(shown, all_rows)
    changed = Later(what_changed)
    all_csv = None
    beside: list[Callable[[], object]] = []  # the CSVs, written while the workbook is
    chunks = Chunks()  # whose rows this thread helps make once the workbook is written
    if not in_sheet.all():
        all_csv = files_beside(path)[0]
        beside.append(
            partial(write_table_csv, all_csv, everyone.copy(deep=False), chunks, changed.get)
        )
        say(
            f"All candidates: {len(everyone):,} people are more than a sheet should hold; the "
            f"sheet has the best {PER_EMPLOYER} per employer ({int(in_sheet.sum()):,} rows), "
            f"and everyone is in {all_csv.name} beside the workbook."
        )

    matches_csv, pairs = None, matches
    if matches is not None and len(matches) > matches_rows:
        matches_csv = files_beside(path)[1]
        beside.append(
            partial(_sorted_matches_csv, matches.copy(deep=False), matches_csv, changed.get)
        )
        least = np.argsort(matches["probability"].to_numpy(dtype=float), kind="stable")
        pairs = matches.iloc[np.sort(least[:matches_rows])]
        say(
            f"Matches: {len(matches):,} linked or nearly linked pairs are more than a sheet "
            f"should hold; the sheet has the {matches_rows:,} least certain (the ones worth "
            f"checking), and every pair is in {matches_csv.name} beside the workbook."
        )

    def write(target: Path, side: Alongside) -> None:
        shown_changes = changed.get()
        with Book(target) as book:
            if shown_changes:
                what_changed_sheet(book, shown_changes)
            shortlist_sheet(book, _rows(core, on_list), carried, features)
            overview.intro_paths_sheet(book, _rows(ranked, on_list), shown)
            overview.employers_sheet(book, shown, targets)
            audit.all_candidates_sheet(
                book, everyone[in_sheet.to_numpy()], total=len(everyone), csv_name=all_csv
            )
            audit.matches_sheet(
                book, pairs, total=None if matches is None else len(matches), csv_name=matches_csv
            )
            audit.ingest_sheet(book, counts, ledger)
            audit.settings_sheet(book, settings_rows, inputs, version, today)
            audit.archived_sheet(book, carried)
            audit.added_sheet(book, carried.added)
            for title, grid in previous.user_sheets if previous is not None else ():
                write_user_sheet(book, title, grid)
        side.wait()  # the CSVs whole before the workbook replaces the old one

    expected = previous.signature if previous is not None else None
    same_file = previous is not None and _same(previous.path, path)
    # The CSVs beside the workbook are written on a second thread while it is written (Arrow
    # leaves Python's lock; XlsxWriter's cells hold it), with the errors they had when written
    # first: a CSV that fails leaves the old workbook as it was.
    with Alongside(beside, [chunks.help]) as side:
        replace_atomically(
            path,
            partial(write, side=side),
            backup=True,
            check=(lambda: check_unchanged(path, expected)) if same_file else None,
        )
    kept = int(carried.values.notna().any(axis=1).sum()) if len(carried.values) else 0
    if previous is not None:
        archived = len(carried.archived)
        say(
            f"Carried over your notes on {kept:,} people"
            + (f"; {archived:,} more are on the Archived sheet." if archived else ".")
        )
    backup = latest_backup(path)
    if backup is not None and same_file:
        say(f"The previous workbook is kept as {backup}.")
    return path


def _sorted_matches_csv(
    matches: pd.DataFrame, path: Path, check: Callable[[], object] | None = None
) -> None:
    ordered_ = matches.sort_values("probability", ascending=False, kind="stable")
    write_matches_csv(ordered_, path, check)


def _same(a: object, b: Path) -> bool:
    try:
        return a is not None and Path(a).resolve() == b.resolve()  # type: ignore[arg-type]
    except OSError:
        return False


def _all_candidates_rows(ranked: pd.DataFrame, limit: int) -> pd.Series:
    """Which of ``ranked`` (best first) go on the All candidates sheet: everyone up to
    ``limit``; beyond it, the best PER_EMPLOYER of each employer, best first, at most ``limit``."""
    n = len(ranked)
    if n <= limit:
        return pd.Series(True, index=range(n))
    key = _text(ranked["company_key"]).where(lambda k: k != "", _text(ranked["company"]))
    codes = pd.factorize(key)[0]  # grouped by codes, not by a million text objects
    nth = pd.Series(codes).groupby(codes).cumcount().to_numpy()
    keep = nth < PER_EMPLOYER
    keep &= np.cumsum(keep) <= limit
    return pd.Series(keep, index=range(n))


def _with_left_out(ranked: pd.DataFrame, filtered: pd.DataFrame | None) -> pd.DataFrame:
    """Ranked, plus the prospects the settings left out (unranked, at the end), with
    ``_left_out`` saying why ("" for the ranked)."""
    ranked = ranked.assign(_left_out="")
    if filtered is None or filtered.empty:
        return ranked
    out = filtered.reindex(columns=ranked.columns).assign(
        _left_out=filtered.get("filtered_because", pd.Series("left out", index=filtered.index)),
        rank=pd.array([pd.NA] * len(filtered), dtype="Int64"),  # (not object: 1,000,000 ranks)
        opener="",
    )
    out["why"] = "Left out by your settings (" + out["_left_out"].astype(str) + ")."
    return pd.concat([ranked, out], ignore_index=True)


def write_csv(path: Path, ranked: pd.DataFrame, *, top_n: int = 50) -> Path:
    """Write the top ``top_n`` of ``ranked`` as UTF-8 CSV with a BOM (so Excel reads the accents).

    Same columns as the Shortlist sheet without the user's columns, LinkedIn (the profile
    address) third. Formula-like text starts with ``'``. ``ranked`` must have ``schema.RANKED``.
    """
    core = core_frame(ranked).head(top_n)
    core = core.round({"Years ahead": 1, "Score": 2, **{h: 2 for h in FEATURE_HEADERS.values()}})
    core.insert(2, LINK_HEADER, core.pop(LINK_HEADER))
    return write_table_csv(path, core)
