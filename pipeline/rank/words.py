"""The words a user reads: one plain sentence of why, and a first line for the message.

Both are built only from fields of the prospect and the user; they never invent a fact. Each
piece (school, job, stage, reach, greeting, tie, topic) is phrased once per distinct value, kept
as coded text (codes into the phrases), and Arrow joins each row's pieces: no Python string is
made per prospect, so a million prospects take about a second each. ``why`` and ``opener`` of
the same rows may share a ``Memo``: each column is then factorized once for both (or not at all
when ``take_rows`` gave its codes), and the job's (title, employer) pairs found once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.normalize.titles import split_headline
from pipeline.rank.features import SENIOR_LEADERS
from pipeline.schema import FEATURES
from pipeline.text.arrow_text import STR, distinct_rows, text_series

MAX_OPENER = 300
#: Every column ``why`` and ``opener`` read (beside the strengths ``why`` is given): rank takes
#: these rows first and the others meanwhile, so a column read here must be listed here.
READS = (
    "title", "company", "company_clean", "school", "degree", "grad_year", "seniority",
    "years_ahead", "location", "intro_via", "is_connection", "is_alum", "first_name",
    "full_name", *FEATURES,
)  # fmt: skip
ASK = "I'd value 15 minutes of your perspective on "

#: Coded text worked out for one frame's rows, by column name (or a derived piece's name): what
#: ``take_rows(..., coded=memo)`` gave (Arrow codes and dictionary), or (codes, values) once made.
Memo = dict


def _coded(
    frame: pd.DataFrame, column: str, memo: Memo | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(codes, values): the column's text, stripped, a missing value as "", is ``values[codes]``.
    Arrow text is factorized where it lies: no Python string per row is made. With ``memo``
    (made for ``frame``'s rows), the column is factorized once, or read from the codes
    ``take_rows`` left there."""
    if memo is not None and column in memo:
        found = memo[column]
        if isinstance(found[0], pa.Array):  # take_rows' codes (nulls: missing) and dictionary
            indices, dictionary = found
            uniq = dictionary.to_pylist()
            codes = indices.fill_null(len(uniq)).to_numpy(zero_copy_only=False)
            values = np.array([*(u.strip() for u in uniq), ""], dtype=object)
            found = memo[column] = (codes.astype(np.intp, copy=False), values)
        return found
    if column not in frame:
        return np.zeros(len(frame), dtype=np.intp), np.array([""], dtype=object)
    codes, uniq = pd.factorize(frame[column], use_na_sentinel=True)
    values = np.array([*(str(u).strip() for u in uniq.tolist()), ""], dtype=object)
    coded = np.where(codes < 0, len(values) - 1, codes), values
    if memo is not None:
        memo[column] = coded
    return coded


def _text(frame: pd.DataFrame, column: str, memo: Memo | None = None) -> np.ndarray:
    codes, values = _coded(frame, column, memo)
    return values[codes]


def _remembered(memo: Memo | None, key: str, make):
    """``make()``, kept in ``memo`` under ``key`` (made anew without a memo)."""
    if memo is None:
        return make()
    if key not in memo:
        memo[key] = make()
    return memo[key]


def _mapped(coded: tuple[np.ndarray, np.ndarray], fn) -> tuple[np.ndarray, np.ndarray]:
    """``fn`` applied to each distinct value of coded text, the codes kept."""
    codes, values = coded
    return codes, np.array([fn(v) for v in values.tolist()], dtype=object)


def _pairs(
    a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray], fn
) -> tuple[np.ndarray, np.ndarray]:
    """``fn(a, b)`` once per distinct pair of values of two coded texts, as coded text."""
    return _phrased(_pair_codes(a, b), fn)


def _pair_codes(
    a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, list[object], list[object]]:
    """(codes, left values, right values): each row's pair of values of two coded texts as a
    code into the distinct pairs."""
    # The codes are already small integers: each pair is one integer, factorized once (the
    # pairs numbered in order of first appearance, as distinct_rows numbers them).
    width = np.int64(len(b[1]))
    which, pairs = pd.factorize(a[0].astype(np.int64) * width + b[0])
    pairs = np.asarray(pairs, dtype=np.int64)
    return which, a[1][pairs // width].tolist(), b[1][pairs % width].tolist()


def _job_pairs(r: pd.DataFrame, memo: Memo | None) -> tuple[np.ndarray, list, list]:
    """The (title, employer) pairs that why's job and opener's topic are phrased from."""
    return _remembered(memo, " job", lambda: _pair_codes(_title(r, memo), _company(r, memo)))


def _phrased(pairs: tuple[np.ndarray, list, list], fn) -> tuple[np.ndarray, np.ndarray]:
    """``fn(left, right)`` once per distinct pair (``_pair_codes``), as coded text."""
    which, left, right = pairs
    return which, np.array([fn(x, y) for x, y in zip(left, right, strict=True)], dtype=object)


def _num(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)


def _years(n: int) -> str:
    return f"{abs(n)} year{'' if abs(n) == 1 else 's'}"


def _stage_words(key: str) -> str:
    """The stage phrase for a key: "L<seniority>" (a senior leader), "" (unknown) or years."""
    if key.startswith("L"):
        return f"a senior leader ({key[1:]})"
    if not key:
        return ""
    n = int(key)
    if n == 0:
        return "at about your career stage"
    return f"about {_years(n)} {'behind' if n < 0 else 'ahead of'} you"


def _company(r: pd.DataFrame, memo: Memo | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The employer without its legal form ("Shopify", not "Shopify Inc."), as coded text."""
    return _pairs(_coded(r, "company_clean", memo), _coded(r, "company", memo), lambda c, k: c or k)


def _school_coded(
    r: pd.DataFrame, my_school: str, memo: Memo | None = None
) -> tuple[np.ndarray, np.ndarray]:
    # Phrased for the alumni only, once per distinct (school, degree, year).
    rows = np.flatnonzero(_num(r, "school_fit") > 0)
    (school, schools) = _coded(r, "school", memo)
    (degree, degrees) = _coded(r, "degree", memo)
    school, degree, years = school[rows], degree[rows], _num(r, "grad_year")[rows]
    which, first = distinct_rows(school, degree, years)
    phrases = []
    for name, kind, y in zip(
        schools[school[first]], degrees[degree[first]], years[first].tolist(), strict=True
    ):
        year = "" if np.isnan(y) or y == -1 else str(y)[:-2]
        detail = " ".join(filter(None, (kind, year)))
        phrases.append(
            (name or my_school or "your school") + " alum" + (f" ({detail})" if detail else "")
        )
    codes = np.full(len(r), len(phrases))  # everyone else: no school part
    codes[rows] = which
    return codes, np.array([*phrases, ""], dtype=object)


def _title(r: pd.DataFrame, memo: Memo | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The title as written, without a headline's extras ("Senior PM @ Shopify | ex-Google"),
    as coded text."""
    return _mapped(_coded(r, "title", memo), lambda t: split_headline(t)[0] or t)


def _job(title: str, company: str) -> str:
    if title and company:
        return f"{title} at {company}"
    return title or (f"works at {company}" if company else "")


def _stage_coded(r: pd.DataFrame, memo: Memo | None = None) -> tuple[np.ndarray, np.ndarray]:
    ahead = _num(r, "years_ahead")
    seniority = _text(r, "seniority", memo)
    unknown = np.isnan(ahead)
    senior = pd.Series(seniority, dtype=object).isin(SENIOR_LEADERS).to_numpy()  # hashed
    leader = senior & (unknown | (ahead > 10))
    n = np.round(np.nan_to_num(ahead)).astype(np.int64)
    # The key _stage_words reads ("L<seniority>", "" or the rounded years) is made once per
    # distinct (kind, level, years), not as a string per prospect.
    kind = np.where(leader, 0, np.where(unknown, 1, 2))
    which, first = distinct_rows(kind, np.where(leader, seniority, ""), np.where(unknown, 0, n))
    keys = [
        "L" + str(level) if k == 0 else "" if k == 1 else str(v)
        for k, level, v in zip(kind[first].tolist(), seniority[first].tolist(),
                               n[first].tolist(), strict=True)
    ]  # fmt: skip
    return which, np.array([_stage_words(key) for key in keys], dtype=object)


def _reach_coded(r: pd.DataFrame, memo: Memo | None = None) -> tuple[np.ndarray, np.ndarray]:
    """How the user reaches each prospect, as coded text: the first introducer's phrase once
    per distinct intro path, then the three fixed phrases."""
    codes, via = _mapped(_coded(r, "intro_via", memo), lambda t: t.split(" (", 1)[0])
    fixed = ["1st-degree connection", "fellow alum, not yet connected", "no connection yet"]
    phrases = np.array([*("intro possible via " + v for v in via.tolist()), *fixed], dtype=object)
    k = len(via)
    which = np.select(
        [r["is_connection"].to_numpy(bool), via[codes] != "", r["is_alum"].to_numpy(bool)],
        [k, codes, k + 1],
        k + 2,
    )
    return which, phrases


def why(
    ranked: pd.DataFrame,
    strengths: pd.DataFrame | None = None,
    my_school: str = "",
    memo: Memo | None = None,
) -> pd.Series:
    """One sentence per prospect from its strongest signals, strongest first, e.g. "Waterloo alum
    (BASc 2021), Data Scientist at Shopify, about 5 years ahead of you; 1st-degree connection".

    ``ranked`` needs title, company, school, degree, grad_year, seniority, years_ahead, school_fit,
    is_connection, is_alum, intro_via; ``strengths`` (each feature's contribution to the score,
    from score.contributions) orders the parts; without it the features' values do. ``memo``:
    coded text shared with ``opener`` of the same rows (see ``Memo``).
    """
    if not len(ranked):
        return text_series([], ranked.index)
    s = strengths if strengths is not None else ranked
    get = lambda c: s[c].fillna(0).to_numpy(float) if c in s else np.zeros(len(ranked))  # noqa: E731
    job = _phrased(_job_pairs(ranked, memo), _job)
    parts = [_school_coded(ranked, my_school, memo), job, _stage_coded(ranked, memo)]
    strength = np.stack(
        [get("school_fit"), get("role_fit") + get("company_fit") + 1e-6, get("stage_fit")]
    )
    if "location_fit" in s and (s["location_fit"].fillna(0) > 0).any():
        codes, where = _coded(ranked, "location", memo)
        places = np.array([*("in " + w for w in where.tolist()), ""], dtype=object)
        parts.append((np.where(get("location_fit") > 0, codes, len(where)), places))
        strength = np.vstack([strength, get("location_fit")])
    order = np.argsort(-strength, axis=0, kind="stable")  # per prospect, strongest part first
    # All parts' phrases in one table twice: after ", " (an empty phrase stays empty), then bare.
    # Each row's i-th strongest part is a code into it: bare for its first non-empty part, after
    # ", " for the rest. Then the reach: after "; ", or capitalized when no part says anything.
    # One Arrow join of the taken phrases makes every sentence (no Python string per row).
    phrases = [p for _, part in parts for p in part.tolist()]
    said = np.array([p != "" for p in phrases], dtype=bool)
    table = pa.array([*(f", {p}" if p else "" for p in phrases), *phrases], type=pa.large_string())
    starts = np.cumsum([0, *(len(part) for _, part in parts)])[:-1]
    codes = np.stack([c + start for (c, _), start in zip(parts, starts, strict=True)])
    chosen = np.take_along_axis(codes, order, axis=0)  # (i-th strongest part, prospect)
    filled = said[chosen]
    anything = filled.any(axis=0)
    rows = np.flatnonzero(anything)
    chosen[filled.argmax(axis=0)[rows], rows] += len(phrases)  # the first one said: bare
    which, reach = _reach_coded(ranked, memo)
    ends = pa.array(
        [*("; " + r for r in reach.tolist()), *(r.capitalize() for r in reach.tolist())],
        type=pa.large_string(),
    )
    pieces = [table.take(pa.array(c)) for c in chosen]
    pieces.append(ends.take(pa.array(np.where(anything, which, which + len(reach)))))
    out = pc.binary_join_element_wise(*pieces, _large(""))
    return pd.Series(pd.array(out, dtype=STR), index=ranked.index)


def _large(text: str) -> pa.Scalar:
    return pa.scalar(text, pa.large_string())


def _short(school: str) -> str:
    short = school.replace("University of ", "").replace(" University", "").strip()
    return short or school


def _truncate(lines: pa.Array, limit: int) -> pa.Array:
    """Lines over ``limit`` characters cut at a word, with an ellipsis."""
    over = pc.greater(pc.utf8_length(lines), limit)
    long = lines.filter(over).to_pylist()  # the rare overlong line only
    if not long:
        return lines
    cut = [line[: limit - 1].rsplit(" ", 1)[0] + "…" for line in long]
    return pc.replace_with_mask(lines, over, pa.array(cut, type=lines.type))


def _intro_words(intro: str) -> str:
    """The tie an introduction path gives: the first introducer and their (past) employer."""
    first = intro.split("; ", 1)[0]
    if " (" not in first:
        return ""
    name, where = first.split(" (", 1)
    where = where.removesuffix(")")
    if where.startswith("formerly "):
        return f"my connection {name} used to work at {where.removeprefix('formerly ')}, and "
    return f"my connection {name} also works at {where}, and "


def _topic(pair: str) -> str:
    title, _, company = pair.partition("\x1f")
    if title and company:
        return f"your path to {title} at {company}"
    if company:
        return f"your work at {company}"
    return f"your work as {title}" if title else "your career path"


def opener(
    ranked: pd.DataFrame,
    my_school: str = "",
    i_am_student: bool = True,
    memo: Memo | None = None,
) -> pd.Series:
    """A first line for the outreach message from the strongest shared tie, under 300 characters.

    The tie is only ever a fact in the data, strongest first: the shared school (the prospect's,
    or the user's own school for a row from the user's alumni list), a connection of the user's
    who works or worked at the prospect's employer, the LinkedIn connection itself. Then the
    question: their path to their title at their employer, as the data gives them. ``memo``:
    coded text shared with ``why`` of the same rows (see ``Memo``).
    """
    if not len(ranked):
        return text_series([], ranked.index)
    me = "student" if i_am_student else "alum"
    # Each greeting, tie and topic is phrased once per distinct value; Arrow joins each row's
    # three phrases (no Python string per row).
    first = _coded(ranked, "first_name", memo)
    nameless = np.flatnonzero(first[1][first[0]] == "")
    full = _coded(ranked.iloc[nameless], "full_name")  # the full name only where no first name
    full_codes = np.zeros(len(ranked), dtype=np.intp)
    full_codes[nameless] = full[0]
    greeting = _pairs(
        first, (full_codes, full[1]), lambda f, n: f"Hi {f or n}, " if f or n else "Hi, "
    )
    school_codes, school = _mapped(
        _coded(ranked, "school", memo), lambda s: _short(s if s != "" else my_school)
    )
    alum = (_num(ranked, "school_fit") > 0) & (school[school_codes] != "")
    intro_codes, intro = _mapped(_coded(ranked, "intro_via", memo), _intro_words)
    connected = ranked["is_connection"].to_numpy(bool)
    ties = [f"as a {s} {me} reaching out to a fellow alum, " for s in school.tolist()]
    k, m = len(ties), len(intro)
    tie_codes = np.where(
        alum,
        school_codes,
        np.where(intro[intro_codes] != "", k + intro_codes, np.where(connected, k + m, k + m + 1)),
    )
    tie = (
        tie_codes,
        np.array([*ties, *intro.tolist(), "since we're connected here, ", ""], object),
    )
    # \x1f joins title and employer into one key, as _topic reads them.
    topic = _phrased(_job_pairs(ranked, memo), lambda t, c: _topic(f"{t}\x1f{c}"))
    pieces = [_arrow(codes, phrases) for codes, phrases in (greeting, tie, topic)]
    lines = pc.binary_join_element_wise(
        pieces[0], pieces[1], _large(ASK), pieces[2], _large("."), _large("")
    )
    return pd.Series(pd.array(_truncate(lines, MAX_OPENER), dtype=STR), index=ranked.index)


def _arrow(codes: np.ndarray, phrases: np.ndarray) -> pa.Array:
    """Coded text as an Arrow text array: the phrases taken by the codes."""
    return pa.array(phrases, type=pa.large_string()).take(pa.array(codes))
