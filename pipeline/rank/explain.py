"""One person's score, feature by feature: value, weight, contribution and evidence.

``find`` looks a person up by ID or name among the ranked and the filtered prospects; ``report``
is the text ``prospects explain`` prints.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.errors import InputError
from pipeline.rank.context import Context
from pipeline.rank.features import FEATURES
from pipeline.rank.score import active_weights, contributions
from pipeline.text.fold import fold


class NoSuchProspect(InputError):
    """Nobody matches the name or ID asked about."""


def scored(ranked: pd.DataFrame, filtered: pd.DataFrame) -> pd.DataFrame:
    """Everyone who was scored: the ranked prospects, then the filtered ones (rank NaN)."""
    return pd.concat([ranked, filtered], ignore_index=True)


def find(people: pd.DataFrame, who: str) -> pd.DataFrame:
    """The rows matching ``who``: an exact prospect_id, else every person whose name holds all the
    words of ``who`` (case and accents ignored: "jose gar" finds "José García"). Best rank first.

    ``people`` needs prospect_id, full_name and rank. Raises NoSuchProspect when none match.

    >>> f = pd.DataFrame({"prospect_id": ["a1", "b2"], "full_name": ["José García", "Jo Ng"],
    ...                   "rank": [2, 1]})
    >>> find(f, "jose").prospect_id.tolist(), find(f, "b2").full_name.tolist()
    (['a1'], ['Jo Ng'])
    """
    by_id = people[people["prospect_id"].astype(str) == who.strip()]
    if len(by_id):
        return by_id.head(1)
    words = fold(who).split()
    names = people["full_name"].fillna("").astype(str).map(fold)
    hit = np.ones(len(people), dtype=bool)
    for word in words:
        hit &= names.str.contains(word, regex=False).to_numpy()
    found = people[hit] if words else people.iloc[:0]
    if found.empty:
        raise NoSuchProspect(
            "Nobody in the shortlist or the filtered prospects matches that name or ID; "
            "try part of the name, or the ID (keep) column of the workbook."
        )
    return found.sort_values("rank", na_position="last", kind="stable")


def candidates_text(found: pd.DataFrame) -> str:
    """A short table of the people a name matched, to pick an ID from."""
    lines = [f"{len(found)} people match; run again with one of these IDs:"]
    for _, row in found.iterrows():  # a handful of people, printed for the user to choose
        rank = "filtered" if pd.isna(row["rank"]) else f"rank {int(row['rank'])}"
        job = " at ".join(str(x) for x in (row["title"], row["company"]) if x)
        lines.append(
            f"  {row['prospect_id']}  {row['full_name']}  ({job or 'no job given'}; {rank})"
        )
    return "\n".join(lines)


def _number(value: float, width: int = 6) -> str:
    return f"{'–':>{width}}" if pd.isna(value) else f"{value:>{width}.2f}"


def report(row: pd.Series, ctx: Context, total: int | None = None) -> str:
    """Every feature of one scored person with its value, weight, contribution and evidence,
    then the score, the reason it was filtered (if it was), why, introductions and opener.

    ``row`` is one row of the Ranked (or filtered) frame; ``ctx`` the run's Context, whose
    settings give the weights (a feature the targets do not use weighs nothing).
    """
    weights = active_weights(ctx)
    frame = row.to_frame().T
    for name in FEATURES:
        frame[name] = pd.to_numeric(frame[name], errors="coerce")
    share = contributions(frame, weights).iloc[0]
    rank = (
        f"filtered out: {row['filtered_because']}"
        if pd.isna(row.get("rank"))
        else f"rank {int(row['rank'])}" + (f" of {total:,}" if total else "")
    )
    job = " at ".join(str(x) for x in (row["title"], row["company"]) if x)
    facts = [job, " ".join(str(x) for x in (row["school"], _year(row["grad_year"])) if x)]
    lines = [
        f"{row['full_name']} (ID {row['prospect_id']}): {rank}, score {row['score']:.2f}",
        "  " + " · ".join(f for f in [*facts, str(row.get("location") or "")] if f),
        "",
        f"  {'feature':<13}{'value':>6}{'weight':>8}{'share':>8}  evidence",
    ]
    for name, signal in FEATURES.items():
        value, weight = row[name], weights.get(name, 0.0)
        evidence = str(row.get(f"{name}_evidence") or "")
        if weight <= 0:
            note = "weight 0 in the settings" if signal.active(ctx) else "no targets for it"
            evidence = f"({note})" if not evidence else f"{evidence} (not counted: {note})"
        elif pd.isna(value):
            evidence = f"{evidence} (unknown: not counted)".strip()
        part = share.get(name, np.nan) if weight > 0 and not pd.isna(value) else np.nan
        lines.append(
            f"  {name:<13}{_number(value)}{weight:>8.2f}{_number(part, 8)}  {evidence}".rstrip()
        )
    lines += [
        f"  {'score':<13}{'':>6}{'':>8}{_number(row['score'], 8)}  "
        "(the weighted mean of the known features; the shares add up to it)",
        "",
    ]
    level = _level_line(row)
    if level:
        lines.append(f"  Level: {level}")
    for label, column in (("Why", "why"), ("Intro via", "intro_via"), ("Opener", "opener")):
        text = row.get(column)
        if isinstance(text, str) and text:
            lines.append(f"  {label}: {text}")
    return "\n".join(lines)


def _level_line(row: pd.Series) -> str:
    """The career level, its probability and what decided it: "Senior (p 0.99): title has no
    level word; 9 years since the first degree"."""
    level = str(row.get("seniority") or "")
    if not level or level == "Unknown":
        return ""
    p = pd.to_numeric(row.get("seniority_p"), errors="coerce")
    basis = str(row.get("seniority_basis") or "")
    head = level if pd.isna(p) else f"{level} (p {p:.2f})"
    return f"{head}: {basis}" if basis else head


def _year(value: object) -> str:
    number = pd.to_numeric(value, errors="coerce")
    return "" if pd.isna(number) else str(int(number))


class AmbiguousName(InputError):
    """Several people match the name asked about."""
