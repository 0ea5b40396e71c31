"""Carry the user's own columns from the previous workbook to the same people in the new one.

A previous row finds its person by, in order: the hand-added record it became (``_record``), the
"ID (keep)" column (prospect_id), the LinkedIn profile (its LinkedIn cell or the Name hyperlink),
name and company, then name and school. So a person who changed jobs, moved in the ranking or was
linked a little differently keeps their Status, dates, notes and added columns. Fallback keys that
are ambiguous among the new candidates (two "Sam Lee" at Acme) are not used.

Nothing is dropped: a row with edits that finds nobody (the person left the data, or the settings
now leave them out), or whose edits differ from another row matched to the same person, goes to
the Archived sheet with the reason; archived rows come back when their person does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import quote, unquote

import numpy as np
import pandas as pd
from anyascii import anyascii

from pipeline.export.cells import safe_link
from pipeline.text.arrow_text import STR, text_series
from pipeline.workbook_contract import (
    ADDED_HEADERS,
    ADDED_SHEET,
    ALL_SHEET,
    ARCHIVE_HEADERS,
    ARCHIVED_ON,
    ARCHIVED_SHEET,
    ARCHIVED_WHY,
    FOLLOW_UP,
    ID_HEADER,
    KNOWN_HEADERS,
    LINK_HEADER,
    SHORTLIST_SHEET,
    STATUS_CHOICES,
    USER_COLUMNS,
)

#: (label, candidate columns, row columns) of each way to find a person, most reliable first.
LEVELS = (
    ("hand-added record", ("record",), ("_record",)),
    ("ID", ("prospect_id",), ("_id",)),
    ("LinkedIn profile", ("_url",), ("_url",)),
    ("name and company", ("_name", "_company"), ("_name", "_company")),
    ("name and school", ("_name", "_school"), ("_name", "_school")),
)
_SHEET_ORDER = {SHORTLIST_SHEET: 0, ARCHIVED_SHEET: 1, ADDED_SHEET: 2, ALL_SHEET: 3}
#: Our Follow up on formula, for any row (see workbook.follow_up_formula); nothing else is ours.
_OUR_FORMULA = re.compile(
    r'=IFERROR\(IF\(OR\(([A-Z]{1,3})(\d+)="",(?:\1\2="[A-Za-z ]+",?)*'  # Status settled
    r'(?:[A-Z]{1,3}\d+="[A-Za-z ]+",?)*\),"",'
    r"IF\(TODAY\(\)<=WORKDAY\(\1\2,3\),WORKDAY\(\1\2,3\),WORKDAY\(\1\2,7\)\)\),\"\"\)"
)
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_PROFILE = "https://www.linkedin.com/in/"  # safe_link's addresses all start so


@dataclass(frozen=True)
class Carried:
    """``values``: per prospect_id (index) the user's columns to show; ``columns``: those columns
    (USER_COLUMNS, then the ones the user added); ``archived`` and ``added``: the rows of the
    Archived and Added by you sheets (``archived["_comments"]``: each row's cell comments);
    ``matched``: how many rows each level matched."""

    values: pd.DataFrame
    columns: tuple[str, ...]
    archived: pd.DataFrame
    added: pd.DataFrame
    matched: dict[str, int]
    #: per prospect_id, the user's cell comments {header: text} to put back on their row.
    comments: pd.Series = field(default_factory=lambda: pd.Series(dtype=object))


def _present(value: object) -> bool:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return False
    return not (isinstance(value, str) and not value.strip())


def is_our_formula(value: object) -> bool:
    """The Follow up on formula we write, exactly (its text is not an edit of the user's; a
    formula of the user's own, even one using WORKDAY, is).

    >>> is_our_formula("=WORKDAY(J2,5)")
    False
    """
    return isinstance(value, str) and _OUR_FORMULA.fullmatch(value.replace(" ", "")) is not None


def _key(values: pd.Series) -> pd.Series:
    """Lower-case ASCII words: "José  Núñez-Park" -> "jose nunez park". By Arrow for text
    that is ASCII already (anyascii leaves it as it is: a column of everyone ranked takes no
    Python call per person), once per distinct value for the rest (other scripts, accents,
    missing values, numbers a user typed)."""
    text = values.astype(STR)
    plain = values.notna() & text.str.isascii()
    if not isinstance(values.dtype, pd.StringDtype):  # a workbook's cells: text only
        plain &= values.map(lambda v: isinstance(v, str)).astype(bool)
    plain = plain.to_numpy(bool)
    out = text.str.lower().str.replace(r"[^0-9a-z]+", " ", regex=True).str.strip(" ")
    if not plain.all():
        rest = values[~plain]
        words = {v: _NON_ALNUM.sub(" ", anyascii(str(v)).lower()).strip() for v in rest.unique()}
        out = out.astype(object)
        out[~plain] = rest.map(words).fillna("").to_numpy(object)
        out = out.astype(STR)
    return out


def _url(values: pd.Series) -> pd.Series:
    return values.map(lambda v: safe_link(v) or "" if isinstance(v, str) else "").astype(STR)


def user_columns(headers: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """USER_COLUMNS, then every column the user added to Shortlist or Archived, in their order."""
    extra = [
        h
        for sheet in (SHORTLIST_SHEET, ARCHIVED_SHEET, ALL_SHEET)
        for h in headers.get(sheet, ())
        if h not in KNOWN_HEADERS and not h.startswith("_")
    ]
    return (*USER_COLUMNS, *dict.fromkeys(extra))


def _user_values(rows: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """The user's columns with defaults blanked: our formula and "To contact" are no edits."""
    values = rows.reindex(columns=list(columns)).astype(object)
    values = values.where(values.map(_present), None)
    values[FOLLOW_UP] = values[FOLLOW_UP].where(~values[FOLLOW_UP].map(is_our_formula), None)
    values["Status"] = values["Status"].where(values["Status"] != STATUS_CHOICES[0], None)
    return values


def _candidate_keys(candidates: pd.DataFrame) -> pd.DataFrame:
    slugs = candidates["linkedin_slug"].fillna("").astype(STR)
    url = slugs.map(lambda s: safe_link(_PROFILE + quote(s)) if s else "")
    keys = pd.DataFrame(
        {
            "prospect_id": candidates["prospect_id"].astype(STR),
            "_url": url.fillna("").astype(STR),
            "_name": _key(candidates["Name"]),
            "_company": _key(candidates["Company"]),
            "_school": _key(candidates["School"]),
            "record": candidates["record_ids"].fillna("").astype(STR).str.split("|"),
        }
    )
    return keys.explode("record").reset_index(drop=True)


def _row_keys(rows: pd.DataFrame) -> pd.DataFrame:
    link = rows[LINK_HEADER].where(rows[LINK_HEADER].map(_present), rows["_link"])
    ids = rows[ID_HEADER].map(lambda v: str(v).strip() if _present(v) else "")
    return pd.DataFrame(
        {
            "_record": rows["_record"].fillna("").astype(STR),
            "_id": ids.astype(STR),
            "_url": _url(link),
            "_name": _key(rows["Name"].fillna("")),
            "_company": _key(rows.get("Company", pd.Series("", index=rows.index)).fillna("")),
            "_school": _key(rows.get("School", pd.Series("", index=rows.index)).fillna("")),
        },
        index=rows.index,
    )


def _joined(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.Series:
    out = frame[columns[0]].astype(STR)
    for column in columns[1:]:
        out = out + "\x1f" + frame[column].astype(STR)
    return out


def _may_match(candidates: pd.DataFrame, row_keys: pd.DataFrame) -> np.ndarray:
    """Per candidate, whether a key of theirs may equal a previous row's at some level: a few
    tests made on everyone ranked, so that each level's keys (a Python call per person:
    seconds at 200,000) are made only for these. Each level's matches and its test of
    ambiguity (another candidate with the key) read only candidates that share a row's key, and
    every such candidate is kept here, so the matches are those of all candidates."""
    keep = np.zeros(len(candidates), dtype=bool)
    ids = set(row_keys["_id"]) - {""}
    if ids:
        keep |= candidates["prospect_id"].astype(STR).isin(ids).to_numpy(bool)
    records = set(row_keys["_record"]) - {""}
    if records:
        parts = candidates["record_ids"].fillna("").astype(STR).str.split("|")
        hit = parts.explode().isin(records)
        keep |= hit.groupby(level=0, sort=False).any().reindex(candidates.index).to_numpy(bool)
    # A candidate's address is safe_link of their slug: the row's slug, unquoted, is the
    # candidate's slug lower-cased (Python's and Arrow's lower-casing agree on ASCII; a slug
    # in other letters is always kept)
    slugs = {unquote(u.removeprefix(_PROFILE)) for u in row_keys["_url"] if u}
    if slugs:
        slug = candidates["linkedin_slug"].fillna("").astype(STR)
        keep |= (~slug.str.isascii() | slug.str.lower().isin(slugs)).to_numpy(bool)
    names = set(row_keys["_name"]) - {""}
    if names:
        keep |= _key(candidates["Name"]).isin(names).to_numpy(bool)
    return keep


def _match(rows: pd.DataFrame, candidates: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(prospect_id or "" per row, the level that matched)."""
    row_keys = _row_keys(rows)
    cand_keys = _candidate_keys(candidates[_may_match(candidates, row_keys)])
    target = text_series("", rows.index)
    level = text_series("", rows.index)
    for label, cand_cols, row_cols in LEVELS:
        cand = cand_keys[list(dict.fromkeys([*cand_cols, "prospect_id"]))].drop_duplicates()
        cand = cand[(cand[list(cand_cols)] != "").all(axis=1)]
        joined = _joined(cand, cand_cols)
        unique = cand[~joined.duplicated(keep=False)]
        lookup = dict(zip(joined.loc[unique.index], unique["prospect_id"], strict=True))
        todo = (target == "") & (row_keys[list(row_cols)] != "").all(axis=1)
        found = _joined(row_keys[todo], row_cols).map(lookup).dropna()
        target[found.index] = found.astype(STR)
        level[found.index] = label
    return target, level


def carry_over(
    candidates: pd.DataFrame,
    rows: pd.DataFrame,
    headers: dict[str, tuple[str, ...]],
    today: date,
) -> Carried:
    """Match the previous workbook's rows to the new candidates and sort out what goes where.

    ``candidates``: one row per person who may be shown, with prospect_id, linkedin_slug,
    record_ids and the display columns Name, Company and School, plus ``left_out`` ("" when the
    person is shown, else why the settings leave them out). ``rows``: ``Previous.rows``.

    Usage (not run as a doctest: it needs a run's files or frames):

        carried = carry_over(candidates, prev.rows, prev.headers, today)
        carried.values.loc["ada-park", "Status"]
        # -> 'Contacted'
    """
    columns = user_columns(headers)
    if rows.empty:
        empty = pd.DataFrame(columns=list(columns), dtype=object)
        archived = pd.DataFrame(columns=[*ARCHIVE_HEADERS, *columns, ARCHIVED_ON, ARCHIVED_WHY])
        return Carried(empty, columns, archived, pd.DataFrame(columns=list(ADDED_HEADERS)), {})
    rows = rows.reset_index(drop=True)
    values = _user_values(rows, columns)
    # Cell comments travel with their row like any edit: {header: text} per row.
    values["_comments"] = rows["_comments"] if "_comments" in rows.columns else None
    values["_comments"] = values["_comments"].where(values["_comments"].map(bool), None)
    edited = values.notna().any(axis=1)
    target, level = _match(rows, candidates)
    # Only the people the old rows point at: the candidates are every person (a million at the
    # large size), and a dict of them all cost ~1.5 s of Python objects on every rerun.
    named = candidates[candidates["prospect_id"].isin(target.unique())]
    left_out = dict(zip(named["prospect_id"], named["left_out"].fillna(""), strict=True))
    reason = target.map(lambda t: left_out.get(t, "")).fillna("")
    shown = (target != "") & (reason == "")

    # Per person, the best row first: Shortlist before Archived before Added, best key first.
    order = pd.DataFrame(
        {
            "sheet": rows["_sheet"].map(_SHEET_ORDER),
            "level": level.map({lab: i for i, (lab, _, _) in enumerate(LEVELS)}),
            "row": rows["_row"],
        }
    )
    ranked_rows = order[shown].sort_values(["sheet", "level", "row"], kind="stable").index
    chosen = values.loc[ranked_rows].groupby(target[ranked_rows]).first()
    # A second row for the same person whose edits differ would lose them: archive it instead.
    best = chosen.reindex(target[ranked_rows]).set_axis(ranked_rows)
    mine = values.loc[ranked_rows]
    differs = (mine.notna() & (mine.astype(str) != best.astype(str))).any(axis=1)

    why = text_series("", rows.index)
    why[differs[differs].index] = "linked to the same person as another row; edits kept here"
    gone = (target == "") & edited
    why[gone] = "no longer in your files"
    nameless = ~rows[ID_HEADER].map(_present).astype(bool) & ~rows["Name"].map(_present).astype(
        bool
    )
    why[gone & nameless] = "a row without a name or ID"
    above = rows["_above"].eq(True) if "_above" in rows.columns else pd.Series(False, rows.index)
    why[gone & above] = "typed above the header row"
    why[(target != "") & ~shown & edited] = "left out by your settings: " + reason
    # Earlier archived rows that stay archived keep their date and reason.
    was_archived = rows["_sheet"] == ARCHIVED_SHEET
    stays = was_archived & (why != "")
    keep_reason = rows.get(ARCHIVED_WHY, pd.Series(None, index=rows.index))
    why[stays & keep_reason.map(_present)] = keep_reason[stays & keep_reason.map(_present)]
    archive_mask = (why != "") & (rows["_sheet"] != ADDED_SHEET)
    archived = _archived(rows[archive_mask], values[archive_mask], why, columns, today)
    return Carried(
        chosen.reindex(columns=list(columns)),
        columns,
        archived,
        _added(rows, headers.get(ADDED_SHEET, ()), today),
        level[level != ""].value_counts().to_dict(),
        chosen["_comments"].dropna() if "_comments" in chosen else pd.Series(dtype=object),
    )


def _archived(
    rows: pd.DataFrame, values: pd.DataFrame, why: pd.Series, columns: tuple[str, ...], today: date
) -> pd.DataFrame:
    def col(name: str) -> pd.Series:
        return rows[name] if name in rows.columns else pd.Series(None, index=rows.index)

    link = col(LINK_HEADER).where(col(LINK_HEADER).map(_present), col("_link"))
    out = pd.DataFrame({h: col(h) for h in ARCHIVE_HEADERS[:-1]}, index=rows.index)
    out[LINK_HEADER] = link
    for c in columns:
        out[c] = values[c] if c != FOLLOW_UP else values[c].where(values[c].notna(), None)
    out["Status"] = out["Status"].where(out["Status"].notna(), col("Status"))
    on = col(ARCHIVED_ON)
    out["_comments"] = values["_comments"]
    out[ARCHIVED_ON] = on.where(on.map(_present), today)
    out[ARCHIVED_WHY] = why[rows.index]
    out[ID_HEADER] = col(ID_HEADER)
    return out.reset_index(drop=True)


def _added(rows: pd.DataFrame, headers: tuple[str, ...], today: date) -> pd.DataFrame:
    """Added by you: its earlier rows as they were, then the named people typed into Shortlist."""
    before = rows[rows["_sheet"] == ADDED_SHEET]
    new = rows[
        (rows["_sheet"] == SHORTLIST_SHEET)
        & (rows["_record"] != "")
        & rows["Name"].map(_present).astype(bool)
    ]
    link = new[LINK_HEADER].where(new[LINK_HEADER].map(_present).astype(bool), new["_link"])
    new = new.assign(**{LINK_HEADER: _url(link), "Added on": today})
    extra = [c for c in headers if c not in ADDED_HEADERS]
    cols = [*ADDED_HEADERS, *extra]
    return pd.concat([before.reindex(columns=cols), new.reindex(columns=cols)], ignore_index=True)
