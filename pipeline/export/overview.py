"""The planning sheets: Intro paths (who can introduce you to whom) and Employers (the LAMP view).

LAMP (Steve Dalton, *The 2-Hour Job Search*): list target employers, note Alumni/advocacy,
Motivation (1-3) and Posting (1-3), sort by Motivation, then Posting, then Alumni, and work the
top of the list first.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from xlsxwriter.utility import xl_rowcol_to_cell

from pipeline.export.sheets import Book, Col, write_grid

#: LinkedIn's seniority levels grouped into career stages for the chart.
STAGES = {
    "Early career": ("Unpaid", "Training", "Entry"),
    "Mid career": ("Senior", "Manager"),
    "Leader": ("Director", "VP", "CXO", "Partner", "Owner"),
}
CHART_EMPLOYERS = 15


def _text(series: pd.Series) -> pd.Series:
    if isinstance(series.dtype, pd.StringDtype):  # text already: no round trip through objects
        return series.fillna("").str.strip()
    return series.astype("object").where(series.notna(), "").astype(str).str.strip()


def intro_paths(shown: pd.DataFrame, everyone: pd.DataFrame) -> pd.DataFrame:
    """One row per (prospect, connection who could introduce them), from ``intro_via``.

    ``shown``: the Shortlist's people; ``everyone``: all ranked people, to say how each
    introducer relates to the user. Both need full_name, title, company, rank, intro_via,
    is_connection, is_alum.

    Usage (not run as a doctest: it needs a run's files or frames):

        intro_paths(shown, ranked).columns.tolist()
        # -> ['Rank', 'Prospect', 'Their title', 'Company', 'Who can introduce', 'Their relation']
    """
    # Only the columns used: each step over all the ranked frame's columns costs more here.
    shown = shown[["rank", "full_name", "title", "company"]].assign(
        _via=_text(shown["intro_via"]).str.split("; ")
    )
    rows = shown.explode("_via")
    rows = rows[_text(rows["_via"]) != ""]
    conn = everyone.loc[
        everyone["is_connection"].eq(True).to_numpy(), ["full_name", "company", "title", "is_alum"]
    ]
    label = _text(conn["full_name"]) + " (" + _text(conn["company"]) + ")"
    relation = ("1st-degree connection" + np.where(conn["is_alum"].eq(True), ", alum", "")) + (
        _text(conn["title"]).map(lambda t: f", {t}" if t else "")
    )
    by_label = pd.Series(relation.to_numpy(), index=label.to_numpy())
    by_label = by_label[~by_label.index.duplicated()]
    return pd.DataFrame(
        {
            "Rank": pd.to_numeric(rows["rank"], errors="coerce").astype("Int64"),
            "Prospect": rows["full_name"],
            "Their title": rows["title"],
            "Company": rows["company"],
            "Who can introduce": rows["_via"],
            "Their relation": rows["_via"]
            .map(by_label)
            .astype(object)
            .fillna("1st-degree connection"),
        }
    ).reset_index(drop=True)


def intro_paths_sheet(book: Book, shown: pd.DataFrame, everyone: pd.DataFrame) -> None:
    frame = intro_paths(shown, everyone)
    widths = {"Rank": 6, "Prospect": 24, "Their title": 30, "Company": 22, "Their relation": 50}
    cols = [
        Col(h, frame[h].tolist(), widths.get(h, 36), "0" if h == "Rank" else None, h != "Rank")
        for h in frame.columns
    ]
    write_grid(book, book.sheet("Intro paths"), cols, top=True, heights=True)


def employers(ranked: pd.DataFrame, targets: pd.DataFrame | None) -> pd.DataFrame:
    """The LAMP view: one row per employer with prospects, and per target employer.

    ``ranked`` needs company, company_key, seniority, is_alum, is_connection, full_name, rank;
    ``targets`` (optional) employer, key, motivation, posting. Sorted by Motivation, then
    Posting, then Alumni (the LAMP order), then the number of prospects.
    """
    # Only the columns used: every pandas step over the whole ranked frame (some sixty columns)
    # costs more than the counting itself.
    used = ["company_key", "company", "seniority", "is_alum", "is_connection", "full_name", "rank"]
    people = ranked.loc[(_text(ranked["company_key"]) != "").to_numpy(), used]
    key = people["company_key"]
    codes, keys = pd.factorize(key, sort=True)  # the order crosstab and groupby give the keys
    n, columns = len(keys), [*STAGES, "Unknown"]
    seniority = people["seniority"]
    stage = np.select(
        [seniority.isin(levels).to_numpy() for levels in STAGES.values()],
        range(len(STAGES)),
        len(STAGES),  # Unknown
    )
    counts = np.bincount(codes * len(columns) + stage, minlength=n * len(columns))
    best = people[["full_name", "rank"]].sort_values("rank", kind="stable").groupby(key).first()
    frame = pd.DataFrame(
        {
            "Employer": most_common(people["company"], key),
            "Prospects": np.bincount(codes, minlength=n),
            "Alumni": np.bincount(codes[people["is_alum"].eq(True).to_numpy()], minlength=n),
            "Connections": np.bincount(
                codes[people["is_connection"].eq(True).to_numpy()], minlength=n
            ),
            **dict(zip(columns, counts.reshape(n, len(columns)).T, strict=True)),
        },
        index=pd.Index(keys, name=key.name),
    )
    frame["Best contact"] = best["full_name"]
    frame["Their rank"] = pd.to_numeric(best["rank"], errors="coerce")
    if targets is not None and len(targets):
        scores = targets.set_index("key")[["employer", "motivation", "posting"]]
        frame = frame.join(scores, how="outer")
        frame["Employer"] = frame["employer"].where(frame["employer"].notna(), frame["Employer"])
        frame = frame.drop(columns="employer")
    else:
        frame["motivation"] = np.nan
        frame["posting"] = np.nan
    frame = frame.rename(columns={"motivation": "Motivation", "posting": "Posting"})
    number = ["Prospects", "Alumni", "Connections", *STAGES, "Unknown"]
    frame[number] = frame[number].fillna(0).astype(int)
    for c in ("Motivation", "Posting"):
        frame[c] = pd.to_numeric(frame[c], errors="coerce").where(lambda s: s > 0)
    frame = frame.sort_values(
        ["Motivation", "Posting", "Alumni", "Prospects", "Employer"],
        ascending=[False, False, False, False, True],
        na_position="last",
        kind="stable",
    )
    order = ["Employer", "Motivation", "Posting", "Alumni", "Connections", "Prospects"]
    return frame[[*order, *STAGES, "Unknown", "Best contact", "Their rank"]].reset_index(drop=True)


def most_common(values: pd.Series, by: pd.Series) -> pd.Series:
    """Per value of ``by`` (ascending), the most frequent of ``values`` beside it, the first in
    sort order among equally frequent ones: ``values.groupby(by).agg(lambda s:
    s.mode().iloc[0])`` counted on codes for all groups at once (missing keys and values are
    not counted), not a Series.mode per group.

    >>> by = pd.Series(["k", "k", "k", "k", "j"])
    >>> most_common(pd.Series(["b", "a", "b", "a", "c"]), by).to_dict()
    {'j': 'c', 'k': 'a'}
    """
    keys_at, keys = pd.factorize(by, sort=True)  # codes in sort order; missing is -1
    names_at, names = pd.factorize(values, sort=True)
    counted = (keys_at >= 0) & (names_at >= 0)
    pairs, counts = np.unique(
        keys_at[counted].astype(np.int64) * len(names) + names_at[counted], return_counts=True
    )
    key, name = np.divmod(pairs, max(len(names), 1))
    order = np.lexsort((name, -counts, key))  # per key: most frequent, then first in order
    first = order[np.r_[True, key[order][1:] != key[order][:-1]]] if len(order) else order
    index = pd.Index(np.asarray(keys, dtype=object)[key[first]], name=by.name)
    return pd.Series(np.asarray(names, dtype=object)[name[first]], index=index, name=values.name)


def employers_sheet(book: Book, ranked: pd.DataFrame, targets: pd.DataFrame | None) -> None:
    frame = employers(ranked, targets)
    widths = {"Employer": 28, "Best contact": 24}
    cols = [
        Col(h, frame[h].tolist(), widths.get(h, 11), None if h in widths else "0")
        for h in frame.columns
    ]
    ws = book.sheet("Employers")
    write_grid(book, ws, cols)
    shown = min(len(frame), CHART_EMPLOYERS)
    if not shown:
        return
    first_stage = frame.columns.get_loc("Early career")
    chart = book.wb.add_chart({"type": "bar", "subtype": "stacked"})
    colours = ("#A9D18E", "#5B9BD5", "#1F4E78", "#BFBFBF")
    for j, colour in zip(range(first_stage, first_stage + 4), colours, strict=True):
        chart.add_series(
            {
                "name": ["Employers", 0, j],
                "categories": ["Employers", 1, 0, shown, 0],
                "values": ["Employers", 1, j, shown, j],
                "fill": {"color": colour},
                "gap": 60,
            }
        )
    chart.set_title({"name": f"Prospects by employer and career stage (top {shown})"})
    chart.set_x_axis({"name": "Prospects"})
    chart.set_y_axis({"reverse": True})  # the first employer on top, as in the table
    chart.set_size({"width": 680, "height": int(340 + shown * 13)})
    ws.insert_chart(xl_rowcol_to_cell(1, len(cols) + 1), chart)
