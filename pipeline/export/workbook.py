"""Write the shortlist workbook (and a CSV of the shortlist), atomically, keeping a backup.

Sheets: Shortlist (an Excel table laid out for the decision: who, why, how to reach them, the
user's status and follow-up, then their notes; the signals behind the score in a collapsed
column group; "ID (keep)" hidden), Intro paths, Employers (the LAMP view, with a chart), All
candidates, Matches, Ingest report, Settings, Archived and Added by you. With the previous
workbook, the user's columns are carried over (``pipeline.export.carryover``). Written with
XlsxWriter through ``pipeline.export.sheets``; every value goes through
``pipeline.export.cells``, which keeps hostile text inert; the only formulas are our own Follow
up on dates.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pandas as pd
from xlsxwriter.utility import xl_col_to_name

from pipeline import schema
from pipeline.export import audit, overview
from pipeline.export.carryover import Carried, carry_over
from pipeline.export.cells import safe_csv_column, safe_csv_text, safe_link, safe_text
from pipeline.export.files import check_unchanged, latest_backup, refuse_if_open, replace_atomically
from pipeline.export.sheets import (
    FEATURE_HEADERS,
    Book,
    Col,
    col,
    put_comments,
    set_columns,
    write_grid,
    write_user_sheet,
)
from pipeline.export.whatchanged import WhatChanged, what_changed_sheet
from pipeline.ingest.previous import Previous
from pipeline.workbook_contract import (
    FOLLOW_UP,
    ID_HEADER,
    INTEREST_CHOICES,
    LINK_HEADER,
    SHORTLIST_SHEET,
    SHORTLIST_TABLE,
    STATUS_CHOICES,
    STATUS_SETTLED,
    USER_COLUMNS,
)

FOLLOW_UP_NOTE = (
    "The 3B7 routine: 3 business days after Contacted on with no reply, write to a second "
    "person at that employer; after 7, one follow-up to this person. Computed from Contacted on; "
    "type your own date over it if you like."
)
NAME_NOTE = (
    "Add someone by hand (a referral): type their name, and if you can their title, company, "
    "LinkedIn address and who referred you, in an empty row at the bottom. The next run ranks "
    "them and lists them under Added by you."
)
ID_NOTE = "Keep this column: it carries your notes over to the same person on the next run."
SIGNALS_NOTE = "The signals behind the score: click [+] above the columns to show them."
#: The Shortlist, left to right: who and why, how to reach them, the user's columns (Status and
#: Follow up on first), the opener; then the signals (a collapsed group); the hidden key last.
DECISION_HEADERS = ("Rank", "Name", "Title", "Company", "Why", "Warmth", "Intro via")
SHORTLIST_USER_ORDER = ("Status", FOLLOW_UP, "Contacted on", "Notes", "Interested", "Referred by")
SIGNAL_HEADERS = (
    *("Seniority", "Years ahead", "School", "Score", *FEATURE_HEADERS.values()),
    LINK_HEADER,
)
#: Features shown only when the settings give them something to measure.
OPTIONAL_FEATURES = ("location_fit", "industry_fit")
_DUE_LOOK = {"bg_color": "#FFC7CE", "font_color": "#9C0006"}


def _text(series: pd.Series) -> pd.Series:
    return series.astype("object").where(series.notna(), "").astype(str).str.strip()


def _flag(series: pd.Series) -> pd.Series:
    return series.eq(True).fillna(False).astype(bool)


def ordered(ranked: pd.DataFrame) -> pd.DataFrame:
    """``ranked`` best rank first (unranked last), on a fresh 0..n-1 index."""
    schema.check(ranked, schema.RANKED, "Ranked")
    return ranked.sort_values("rank", kind="stable", na_position="last").reset_index(drop=True)


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
    name = name.where(
        name != "", (_text(df["first_name"]) + " " + _text(df["last_name"])).str.strip()
    )
    year = pd.to_numeric(df["grad_year"], errors="coerce").astype("Int64").astype("string")
    school = (_text(df["school"]) + " " + year.fillna("")).str.strip()
    added = _text(df["record_ids"]).str.contains("manual:", regex=False)
    warmth = np.select(
        [_flag(df["is_connection"]), _flag(df["is_alum"]), added, _text(df["intro_via"]) != ""],
        ["1st-degree connection", "Alum", "Added by you", "Intro possible"],
        "Cold",
    )
    slugs = _text(df["linkedin_slug"])
    # A plain ASCII slug is its own address (what safe_link gives, without a call per person);
    # anything else is checked by safe_link.
    plain = slugs.str.fullmatch(r"[A-Za-z0-9_-]{1,100}")
    link = ("https://www.linkedin.com/in/" + slugs.str.lower()).where(plain, None)
    odd = set(slugs[~plain])
    links = {s: safe_link("https://www.linkedin.com/in/" + quote(s, safe="")) for s in odd}
    link = link.where(plain, slugs.map(links)).astype(object)
    link = link.where(link.notna(), None)
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
            LINK_HEADER: link,
            ID_HEADER: df["prospect_id"],
        }
    )


def follow_up_formula(status: str, contacted: str) -> Callable[[int], str]:
    """Row -> the 3B7 date: 3 business days after Contacted on while that is today or later,
    then 7; empty once the Status is settled or when Contacted on is empty or not a date.

    Built only from the two column letters and the row number: never from any cell's text.
    """
    settled = ",".join(f'{status}{{r}}="{s}"' for s in STATUS_SETTLED)
    c = f"{contacted}{{r}}"
    template = (
        f'=IFERROR(IF(OR({c}="",{settled}),"",'
        f'IF(TODAY()<=WORKDAY({c},3),WORKDAY({c},3),WORKDAY({c},7))),"")'
    )
    return lambda r: template.replace("{r}", str(int(r)))


def _table_headers(headers: Sequence[str]) -> list[str]:
    """Table column names: one line, unique ignoring case (Excel repairs the file otherwise)."""
    seen: set[str] = set()
    out = []
    for header in headers:
        name = " ".join((safe_text(header) or "Column").split())[:255]
        base, n = name, 2
        while name.lower() in seen:
            name, n = f"{base} ({n})", n + 1
        seen.add(name.lower())
        out.append(name)
    return out


def shortlist_headers(extras: Sequence[str], features: Sequence[str]) -> list[str]:
    """The Shortlist's headers in order (before de-duplication for the table): decision columns,
    the user's columns and ``extras`` (columns the user added), Opener, the signals for
    ``features``, ID (keep)."""
    signals = [
        h
        for h in SIGNAL_HEADERS
        if h not in FEATURE_HEADERS.values() or h in (FEATURE_HEADERS[f] for f in features)
    ]
    return [*DECISION_HEADERS, *SHORTLIST_USER_ORDER, *extras, "Opener", *signals, ID_HEADER]


def _shortlist_sheet(
    book: Book, core: pd.DataFrame, carried: Carried, features: Sequence[str]
) -> None:
    ids = core[ID_HEADER].astype(str)
    user = carried.values.reindex(ids).reset_index(drop=True)
    user["Status"] = user["Status"].where(user["Status"].notna(), STATUS_CHOICES[0])
    extras = [c for c in carried.columns if c not in USER_COLUMNS]
    sources = shortlist_headers(extras, features)
    headers = _table_headers(sources)
    letter = {s: xl_col_to_name(i) for i, s in enumerate(sources)}
    notes = {FOLLOW_UP: FOLLOW_UP_NOTE, "Name": NAME_NOTE, ID_HEADER: ID_NOTE}
    formula = follow_up_formula(letter["Status"], letter["Contacted on"])
    signals = set(SIGNAL_HEADERS)
    cols: list[Col] = []
    for header, source in zip(headers, sources, strict=True):
        if source in carried.columns:
            extra = {"formula": formula} if source == FOLLOW_UP else {}
            values = user[source].tolist()
            cols.append(col(header, values, user=True, note=notes.get(source), **extra))
        elif source == "Name":
            cols.append(col(header, core["Name"].tolist(), links=core[LINK_HEADER].tolist(),
                            note=NAME_NOTE))  # fmt: skip
        elif source == LINK_HEADER:
            links = core[LINK_HEADER].tolist()
            cols.append(col(header, links, links=links, level=1))
        elif source == ID_HEADER:
            cols.append(col(header, ids.tolist(), note=ID_NOTE, hidden=True))
        else:
            cols.append(col(header, core[source].tolist(), level=int(source in signals)))
    ws = book.sheet(SHORTLIST_SHEET, table=True)
    n = len(core)
    last_row = max(n, 1)  # a table needs one body row, even an empty one
    set_columns(book, ws, cols)
    ws.add_table(
        0,
        0,
        last_row,
        len(cols) - 1,
        {
            "name": SHORTLIST_TABLE,
            "style": "Table Style Medium 2",
            "columns": [{"header": h, "header_format": book.fmt(**_HEADER)} for h in headers],
        },
    )
    put_comments(ws, 0, cols, carried.comments.reindex(ids).tolist())
    write_grid(book, ws, cols, freeze=(1, 2), top=True, heights=True, autofilter=False,
               widths=False)  # fmt: skip
    # The first screen and the first printed page: who, why, how to reach, status, notes.
    first_page = max(i for i, s in enumerate(sources) if s == "Notes")
    ws.print_area(0, 0, last_row, first_page)
    ws.fit_to_pages(1, 0)
    ws.write_comment(0, len(DECISION_HEADERS) + len(SHORTLIST_USER_ORDER) + len(extras) + 1,
                     SIGNALS_NOTE, {"author": "prospects"})  # fmt: skip
    for header, choices in (("Status", STATUS_CHOICES), ("Interested", INTEREST_CHOICES)):
        c = sources.index(header)
        ws.data_validation(
            1,
            c,
            last_row + 100,  # room for the people the user types in at the bottom
            c,
            {
                "validate": "list",
                "source": list(choices),
                "ignore_blank": True,
                "error_type": "warning",
                "error_message": "Choose from the list, or keep your own word.",
            },
        )
    score = sources.index("Score")
    ws.conditional_format(
        1, score, last_row, score,
        {"type": "data_bar", "min_type": "num", "min_value": 0, "max_type": "num",
         "max_value": 1, "bar_color": "#5B9BD5", "data_bar_2010": False},
    )  # fmt: skip
    f = letter[FOLLOW_UP]
    ws.conditional_format(
        1, sources.index(FOLLOW_UP), last_row, sources.index(FOLLOW_UP),
        {"type": "formula", "criteria": f"=AND(ISNUMBER({f}2),{f}2<=TODAY())",
         "format": book.fmt(**_DUE_LOOK)},
    )  # fmt: skip


_HEADER = {
    "bold": True,
    "font_color": "#FFFFFF",
    "bg_color": "#1F4E78",
    "text_wrap": True,
    "valign": "vcenter",
}

#: At most this many rows on the All candidates sheet; beyond it, the best per employer (and
#: everyone in a CSV beside the workbook). Excel's own limit is 1,048,576 rows.
ALL_CANDIDATES_ROWS = 20_000
PER_EMPLOYER = 10


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
    messages: list[str] | None = None,
    what_changed: WhatChanged | None = None,
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
    ``<name>.all-candidates.csv``). ``messages`` receives lines for the user (notes carried
    over, the backup, a capped sheet). Raises OutputError when the file is open in Excel or
    LibreOffice, or when the previous workbook changed on disk since it was read.
    ``what_changed`` (from ``pipeline.history``), when it has rows, comes first as What changed.

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
    manual = _text(ranked["record_ids"]).str.contains("manual:", regex=False)
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
    everyone = core[shown_all]
    in_sheet = _all_candidates_rows(ranked[shown_all], all_rows)
    all_csv = None
    if not in_sheet.all():
        all_csv = path.with_name(f"{path.stem}.all-candidates.csv")
        _write_table_csv(all_csv, everyone)
        say(
            f"All candidates: {len(everyone):,} people are more than a sheet should hold; the "
            f"sheet has the best {PER_EMPLOYER} per employer ({int(in_sheet.sum()):,} rows), "
            f"and everyone is in {all_csv.name} beside the workbook."
        )

    def write(target: Path) -> None:
        with Book(target) as book:
            if what_changed:
                what_changed_sheet(book, what_changed)
            _shortlist_sheet(book, core[on_list], carried, features)
            overview.intro_paths_sheet(book, ranked[on_list], ranked[shown_all])
            overview.employers_sheet(book, ranked[shown_all], targets)
            audit.all_candidates_sheet(
                book, everyone[in_sheet.to_numpy()], total=len(everyone), csv_name=all_csv
            )
            audit.matches_sheet(book, matches)
            audit.ingest_sheet(book, counts, ledger)
            audit.settings_sheet(book, settings_rows, inputs, version, today)
            audit.archived_sheet(book, carried)
            audit.added_sheet(book, carried.added)
            for title, grid in previous.user_sheets if previous is not None else ():
                write_user_sheet(book, title, grid)

    expected = previous.signature if previous is not None else None
    same_file = previous is not None and _same(previous.path, path)
    replace_atomically(
        path,
        write,
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
    nth = key.groupby(key.to_numpy()).cumcount().to_numpy()
    keep = nth < PER_EMPLOYER
    keep &= np.cumsum(keep) <= limit
    return pd.Series(keep, index=range(n))


def _write_table_csv(path: Path, frame: pd.DataFrame) -> Path:
    """``frame`` as UTF-8 CSV with a BOM, every field through ``safe_csv_text``."""

    def write(target: Path) -> None:
        with open(target, "w", encoding="utf-8-sig", newline="") as handle:
            out = csv.writer(handle, lineterminator="\r\n")
            out.writerow([safe_csv_text(c) for c in frame.columns])
            columns = [safe_csv_column(frame[c]) for c in frame.columns]
            out.writerows(zip(*columns, strict=True))

    return replace_atomically(path, write, backup=False)


def _with_left_out(ranked: pd.DataFrame, filtered: pd.DataFrame | None) -> pd.DataFrame:
    """Ranked, plus the prospects the settings left out (unranked, at the end), with
    ``_left_out`` saying why ("" for the ranked)."""
    ranked = ranked.assign(_left_out="")
    if filtered is None or filtered.empty:
        return ranked
    out = filtered.reindex(columns=ranked.columns).assign(
        _left_out=filtered.get("filtered_because", pd.Series("left out", index=filtered.index)),
        rank=pd.NA,
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

    def write(target: Path) -> None:
        with open(target, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow([safe_csv_text(c) for c in core.columns])
            columns = [safe_csv_column(core[c]) for c in core.columns]
            writer.writerows(zip(*columns, strict=True))

    return replace_atomically(path, write, backup=False)
