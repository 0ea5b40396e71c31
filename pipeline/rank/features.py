"""Ranking features: each a declared signal in [0, 1] with a weight in the settings.

A feature is a function (prospects, context) -> (values, evidence), declared in FEATURES with the
condition under which it carries information (role fit needs target roles …); adding a signal is
adding an entry. ``evidence`` is short text quoted by explanations. A value of NaN means "unknown":
the score then leaves the feature out for that person instead of counting it as a zero.

Every feature works per distinct value (title, employer, location) and maps back, so 200,000
prospects with 20,000 distinct titles cost 20,000 comparisons per target.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process

from pipeline.normalize.companies import company_keys, company_similarities
from pipeline.normalize.titles import expand_abbreviations, role_family
from pipeline.rank.ahead import years_ahead
from pipeline.rank.context import Context, context, target_companies
from pipeline.rank.industries import industry_of, matching_industries
from pipeline.rank.roles import synonym_fit
from pipeline.text.arrow_text import STR, distinct_rows, taken_series, text_series
from pipeline.text.csr import dense_product
from pipeline.text.tfidf import char_wb_tfidf

__all__ = ["FEATURES", "SENIOR_LEADERS", "Context", "Signal", "context", "target_companies"]

SENIOR_LEADERS = ("Director", "VP", "CXO", "Partner", "Owner")
WARMTH = {"connection": 1.0, "alum+intro": 0.7, "alum": 0.6, "intro": 0.4, "cold": 0.1}
FAMILY_CREDIT = 0.8  # same role family, different title ("ML Engineer" for "data scientist")
TFIDF_CREDIT = 0.8  # most a look-alike title earns from character n-grams alone
OTHER_FAMILY = 0.5  # most a title in another role family earns from its words
NEAR = 60  # partial_ratio below which a title cannot look like a role in TF-IDF terms
PAST_CREDIT = 0.5  # a past employer at a target ("ex-Google") is half a current one
PROGRAM_BONUS = 0.2  # shares the school (0.8) and the program or degree too (1.0)
UNKNOWN_STAGE = 0.3
MENTION = 0.25  # weaker signals get no evidence text: "fits 'product manager'" at 0.02 misleads
#: Where a career-stage estimate came from, in a user's words.
STAGE_SOURCE = {
    "grad_year": "graduation year",
    "history": "work history",
    "title prior": "job title, rough",
}

Values = tuple[np.ndarray, pd.Series]


def _text(series: pd.Series) -> pd.Series:
    """The column as text, a missing value as ""."""
    if series.dtype == "str":  # already text: Arrow fills the gaps (no round trip via objects)
        return series.fillna("")
    return series.astype("object").where(series.notna(), "").astype(STR)


def _none(p: pd.DataFrame) -> Values:
    """A feature the targets do not use: unknown (a blank cell in the workbook), not 0."""
    return np.full(len(p), np.nan), text_series("", p.index)


def _directional(texts: list[str], targets: list[str]) -> np.ndarray:
    """token_set_ratio / 100, scaled down when the text is shorter than the target.

    token_set_ratio is 100 whenever one token set contains the other, so "Manager" would fully
    fit "product manager"; the length factor keeps containment one-way (the text holds the target).
    """
    sims = process.cdist(
        texts, targets, scorer=fuzz.token_set_ratio, processor=default_process, workers=-1
    )
    sims = sims / 100.0
    lengths = np.array([len(t) for t in texts], dtype=float)[:, None]
    wanted = np.array([max(len(t), 1) for t in targets], dtype=float)[None, :]
    return sims * np.minimum(1.0, lengths / wanted)


def role_fit(p: pd.DataFrame, ctx: Context) -> Values:
    """Best fit of the title to any target role, the strongest of four views: fuzzy token-set on
    the expanded title (one-way, so "Sr. Data Scientist II" fits "data scientist" fully but
    "Manager" does not fit "product manager"), the same role family (0.8), TF-IDF character
    n-gram similarity (at most 0.8: catches "Data Scientist/ML" and typos), and a declared
    synonym of the role (1.0: "User Researcher" for "UX Researcher", rank/roles.py)."""
    if not ctx.target_roles or not len(p):
        return _none(p)
    roles = [expand_abbreviations(r).lower() for r in ctx.target_roles]
    # Every view reads the title and its role family only: each distinct pair is scored once
    # (a few hundred for a million people) and the rows take their pair's value and phrase.
    title_text, family_text = _text(p["title_clean"]), _text(p["role_family"])
    codes, first = distinct_rows(title_text, family_text)
    written = title_text.take(first).tolist()
    # Scored per distinct lower-case title, in order of first appearance (TF-IDF's document
    # frequencies count each title once).
    t_codes, uniq = pd.factorize(pd.Series([t.lower() for t in written], dtype=object))
    titles = list(uniq)
    fuzzy = np.clip((_directional(titles, roles) - 0.6) / 0.4, 0, 1)
    look = np.zeros_like(fuzzy)
    # Character n-grams are built in Python: only titles that share a stretch of text with a
    # role (partial_ratio, in C++) can reach the cosine that counts, so only those are vectorised.
    near = process.cdist(titles, roles, scorer=fuzz.partial_ratio, processor=default_process)
    near = np.flatnonzero((near >= NEAR).any(axis=1))
    if len(near):
        subset = [titles[i] for i in near]
        # scikit-learn's TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4),
        # sublinear_tf=True), without importing scikit-learn (1.3-2 s of every run)
        both = char_wb_tfidf([*subset, *roles], (3, 4), sublinear_tf=True)
        count = np.arange(len(subset) + len(roles))
        cos = dense_product(both.take(count[: len(subset)]), both.take(count[len(subset) :]))
        look[near] = np.clip((cos - 0.6) / 0.35, 0, 1) * TFIDF_CREDIT
    families = np.array([role_family(r) for r in ctx.target_roles])
    fam_of = family_text.take(first).to_numpy(dtype=object)[:, None]
    fam = ((fam_of == families[None, :]) & (fam_of != "Unknown")) * FAMILY_CREDIT
    # Words alone mislead ("Product Marketing Manager" holds every word of "product manager"):
    # a title whose known role family differs from the role's keeps at most OTHER_FAMILY.
    other = (fam_of != families[None, :]) & (fam_of != "Unknown") & (families != "Unknown")
    # A declared synonym of the role ("User Researcher" for "UX Researcher") fits it fully.
    synonym, _ = synonym_fit(pd.Series(written, dtype=object), tuple(ctx.target_roles))
    views = np.stack([fuzzy[t_codes], fam, look[t_codes], synonym])  # (view, pair, role)
    views[[0, 2]] = np.where(other[None], np.minimum(views[[0, 2]], OTHER_FAMILY), views[[0, 2]])
    combined = views.max(axis=0)
    best_role = combined.argmax(axis=1)
    rows = np.arange(len(first))
    value = combined[rows, best_role]
    how = views[:, rows, best_role].argmax(axis=0)
    words = np.array(
        ["title fits '", "same role family as '", "title resembles '", "title is a variant of '"],
        dtype=object,
    )
    # Each (view, role) phrase is made once; pairs pick theirs.
    phrases = (words[:, None] + np.array(ctx.target_roles, dtype=object)[None, :] + "'").ravel()
    evidence = np.where(value >= MENTION, phrases[how * len(ctx.target_roles) + best_role], "")
    return value[codes], taken_series(evidence, codes, p.index)


def _lamp_scale(targets: pd.DataFrame) -> np.ndarray:
    """LAMP motivation and posting (1-3 each) scale credit between 0.7 and 1; unscored = 1."""
    m, s = targets["motivation"].to_numpy(float), targets["posting"].to_numpy(float)
    return np.where((m + s) > 0, 0.7 + 0.3 * (m + s) / 6, 1.0)


def _best_target(keys: list[str], targets: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(best credit, index of the best target) for each key, comparing unique keys only."""
    n, t = len(keys), len(targets)
    if not n:
        return np.zeros(0), np.zeros(0, dtype=int)
    left = pd.Series(np.repeat(np.array(keys, dtype=object), t))
    right = pd.Series(np.tile(targets["key"].to_numpy(dtype=object), n))
    sims = company_similarities(left, right).reshape(n, t) * _lamp_scale(targets)[None, :]
    return sims.max(axis=1), sims.argmax(axis=1)


def company_fit(p: pd.DataFrame, ctx: Context) -> Values:
    """Works at a target employer (1.0) or an alias of one (Facebook for "Meta"); its parent or
    subsidiary gets partial credit (Alphabet for "Google": 0.6); a past employer from a headline
    ("ex-Google") half of that. LAMP motivation and posting scale the credit between 0.7 and 1."""
    targets = ctx.target_companies
    if targets.empty or not len(p):
        return _none(p)
    employers = targets["employer"].to_numpy(dtype=object)
    codes, keys = pd.factorize(_text(p["company_key"]))
    credit, which = _best_target(list(keys), targets)
    now, now_t = credit[codes], which[codes]
    past = _text(p["past_companies"]) if "past_companies" in p else pd.Series("", index=p.index)
    past = past[past != ""]  # most people have no past employer in their headline
    exploded = past.str.split("|").explode()
    exploded = exploded[exploded.str.strip() != ""]
    then = np.zeros(len(p))
    then_t = np.zeros(len(p), dtype=int)
    if len(exploded):
        pkeys = company_keys(exploded.astype(STR), ctx.settings.normalize.company_aliases)
        pcodes, puniq = pd.factorize(pkeys["company_key"])
        pcredit, pwhich = _best_target(list(puniq), targets)
        per = pd.DataFrame(
            {"pos": p.index.get_indexer(exploded.index), "c": pcredit[pcodes], "t": pwhich[pcodes]}
        )
        best = per.sort_values("c", ascending=False).drop_duplicates("pos")
        then[best["pos"].to_numpy()] = best["c"].to_numpy() * PAST_CREDIT
        then_t[best["pos"].to_numpy()] = best["t"].to_numpy()
    use_past = then > now
    value = np.maximum(now, then)
    # Evidence only for the people with credit (most have none): strings per row are slow.
    hit = np.flatnonzero(value > 0)
    use_past, now, now_t = use_past[hit], now[hit], now_t[hit]
    which = np.where(use_past, then_t[hit], now_t)
    target = employers[which]
    m = targets["motivation"].to_numpy()[which]
    s = targets["posting"].to_numpy()[which]
    lamp = np.where(
        m + s > 0, " (LAMP motivation " + m.astype(str) + ", posting " + s.astype(str) + ")", ""
    )
    company = _text(p.get("company_clean", p["company"])).to_numpy(dtype=object)[hit]
    exact = now >= _lamp_scale(targets)[now_t] - 1e-9
    found = np.select(
        [use_past, exact],
        ["formerly at target " + target, "target employer " + target],
        default=company + " is related to target " + target + " (partial credit)",
    )
    evidence = np.full(len(p), "", dtype=object)
    evidence[hit] = found + lamp
    return value, text_series(evidence, p.index)


def school_fit(p: pd.DataFrame, ctx: Context) -> Values:
    """Shares the user's school (0.8), and the program or degree too (1.0)."""
    shared = p["is_alum"].to_numpy(dtype=bool) | p["school_key"].isin(ctx.my_school_keys).to_numpy()
    value = shared * 0.8
    # Each text column factorized once: the program test and the evidence read its codes.
    coded = {c: pd.factorize(_text(p[c])) for c in ("school", "major", "degree")}
    distinct = {c: np.asarray(uniq, dtype=object) for c, (_, uniq) in coded.items()}
    same_program = np.zeros(len(p), dtype=bool)
    if ctx.my_programs and len(p):
        for column in ("major", "degree"):
            codes, uniq = coded[column]
            lower = pd.Series(uniq, dtype=STR).str.lower().tolist()
            sims = _directional(lower, [x.lower() for x in ctx.my_programs]).max(axis=1)
            same_program |= ((sims >= 0.85) & (distinct[column] != ""))[codes]
        value = value + shared * same_program * PROGRAM_BONUS
    # Evidence for the alumni only, phrased once per (school, program, same program or not).
    rows = np.flatnonzero(shared)
    school, major, degree = (coded[c][0][rows] for c in ("school", "major", "degree"))
    codes, first = distinct_rows(school, major, degree, same_program[rows])
    phrases = []
    for name, m, d, same in zip(
        distinct["school"][school[first]], distinct["major"][major[first]],
        distinct["degree"][degree[first]], same_program[rows][first], strict=True,
    ):  # fmt: skip
        text = "alum of " + (name or ctx.my_school or "your school")
        phrases.append(f"{text}, same program ({m or d})" if same else text)
    which = np.full(len(p), len(phrases))  # everyone else: no evidence
    which[rows] = codes
    return value, taken_series(np.array([*phrases, ""], dtype=object), which, p.index)


def stage_fit(p: pd.DataFrame, ctx: Context) -> Values:
    """A bell curve peaking at the target years ahead; the tolerance and the estimate's own
    uncertainty (career_years_sd) set its width. Senior leaders (Director and above) keep a floor
    of their own however far ahead; people behind the user count half unless the user asks for
    peers (then everyone from the user's stage up to the target counts fully). Unknown: 0.3."""
    t = ctx.settings.targets
    # score_features has worked out years_ahead; a frame without it (a test's) gets it here.
    known = p if "years_ahead" in p else years_ahead(p, ctx.my_career_years)
    ahead = known["years_ahead"].to_numpy(dtype=float)
    sd_est = (
        p["career_years_sd"].astype(float).fillna(3.0).to_numpy() if "career_years_sd" in p else 3.0
    )
    sd = np.sqrt(t.years_tolerance**2 + sd_est**2)
    distance = ahead - t.years_ahead
    if t.include_peers:  # from the user's own stage up to the target, everyone counts fully
        distance = np.where(ahead > t.years_ahead, distance, np.where(ahead >= 0, 0.0, ahead))
    value = np.exp(-0.5 * (distance / sd) ** 2)
    if not t.include_peers:
        value = np.where(ahead < 0, value * 0.5, value)
    leader = p["seniority"].isin(SENIOR_LEADERS).to_numpy()
    value = np.where(leader, np.maximum(value, t.senior_leaders), value)
    value = np.where(np.isnan(ahead), np.where(leader, t.senior_leaders, UNKNOWN_STAGE), value)
    source = _text(p.get("career_years_source", pd.Series("", index=p.index)))
    seniority = _text(p["seniority"])
    # The evidence is phrased once per distinct (years, side, source, leader, level): a few
    # hundred phrases for a million people.
    years = np.abs(np.round(ahead))
    codes, first = distinct_rows(years, ahead < 0, source, leader, seniority)
    phrases = []
    for n, behind, src, lead, level in zip(
        years[first], (ahead < 0)[first], source.iloc[first].tolist(), leader[first],
        seniority.iloc[first].tolist(), strict=True,
    ):  # fmt: skip
        side = " years behind" if behind else " years ahead"
        text = "stage unknown" if np.isnan(n) else (
            f"about {int(n)}{side} (from {STAGE_SOURCE.get(src, 'estimate')})"
        )  # fmt: skip
        phrases.append(f"{text}; senior leader ({level})" if lead else text)
    return value, taken_series(np.array(phrases, dtype=object), codes, p.index)


def warmth(p: pd.DataFrame, ctx: Context) -> Values:
    """1st-degree connection (1.0), then alum (0.6, 0.7 with an introduction), then reachable
    through an introduction (0.4), then cold (0.1)."""
    conn = p["is_connection"].to_numpy(dtype=bool)
    alum = p["is_alum"].to_numpy(dtype=bool)
    intro = (_text(p["intro_via"]) != "").to_numpy() if "intro_via" in p else np.zeros(len(p), bool)
    kinds = list(WARMTH)  # connection, alum+intro, alum, intro, cold
    kind = np.select([conn, alum & intro, alum, intro], [0, 1, 2, 3], 4)
    value = np.array([WARMTH[k] for k in kinds])[kind]
    words = {
        "connection": "1st-degree connection",
        "alum+intro": "fellow alum, intro possible",
        "alum": "fellow alum",
        "intro": "intro possible",
        "cold": "no connection yet",
    }
    return value, taken_series(np.array([words[k] for k in kinds], dtype=object), kind, p.index)


def location_fit(p: pd.DataFrame, ctx: Context) -> Values:
    """1 when the location names a target location ("Toronto, ON, Canada" for "Toronto"), 0 when it
    names another place, NaN (neutral: left out of the score) when unknown, as for every
    LinkedIn connection."""
    if not ctx.target_locations or not len(p):
        return _none(p)
    where = _text(p["location"]).str.strip()
    codes, places = pd.factorize(where.str.lower())
    targets = [t.lower() for t in ctx.target_locations]
    sims = _directional(list(places), targets)
    hit = (sims.max(axis=1) >= 0.9)[codes]
    best = np.array(ctx.target_locations, dtype=object)[sims.argmax(axis=1)[codes]]
    known = (where != "").to_numpy()
    value = np.where(known, hit.astype(float), np.nan)
    evidence = np.select(
        [~known, hit],
        ["location unknown", "in " + where + " (target " + best + ")"],
        "in " + where + ", outside the target locations",
    )
    return value, text_series(evidence, p.index)


def industry_fit(p: pd.DataFrame, ctx: Context) -> Values:
    """1 when the employer's industry (an ``industry`` column, else pipeline/data's table of
    employers) is a target industry ("fintech" matches Financial services), 0 for another
    industry, NaN (neutral) when unknown."""
    if not ctx.target_industries or not len(p):
        return _none(p)
    industry = industry_of(p)
    wanted = matching_industries(ctx.target_industries)
    known = (industry != "").to_numpy()
    hit = industry.isin(list(wanted)).to_numpy()
    value = np.where(known, hit.astype(float), np.nan)
    target = industry.map(wanted).fillna("")
    evidence = np.select(
        [~known, hit],
        ["industry unknown", "industry " + industry + " (target " + target + ")"],
        "industry " + industry + ", not a target",
    )
    return value, text_series(evidence, p.index)


@dataclass(frozen=True)
class Signal:
    """A declared ranking feature: its function, and when it carries information."""

    name: str
    compute: Callable[[pd.DataFrame, Context], Values]
    active: Callable[[Context], bool] = lambda ctx: True
    doc: str = ""
    #: Reads the career level (seniority ...) that rank works out again (``levels.relevel``):
    #: worked out once that is known; the others meanwhile, on the prospects as they came.
    reads_level: bool = False


FEATURES: dict[str, Signal] = {
    s.name: s
    for s in (
        Signal("role_fit", role_fit, lambda c: bool(c.target_roles), "title vs target roles"),
        Signal("company_fit", company_fit, lambda c: not c.target_companies.empty, "employer"),
        Signal("school_fit", school_fit, doc="shares your school (and program)"),
        Signal("stage_fit", stage_fit, doc="years ahead of you", reads_level=True),
        Signal("warmth", warmth, doc="how reachable"),
        Signal("location_fit", location_fit, lambda c: bool(c.target_locations), "location"),
        Signal("industry_fit", industry_fit, lambda c: bool(c.target_industries), "industry"),
    )
}
