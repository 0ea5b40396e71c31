"""Score, filter, diversify: the weighted mean of the features, then the ranked order."""

from __future__ import annotations

from functools import cache
from importlib import resources

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.normalize.companies import company_key
from pipeline.rank.context import Context
from pipeline.settings import Settings
from pipeline.text.arrow_text import STR, text_series


def active_weights(ctx: Context) -> dict[str, float]:
    """Weight of each feature, 0 for features without information: with no target roles (or
    companies, locations, industries) that feature would be 0 for everyone and only dilute the
    score. With target industries but no target company, industry_fit also takes company_fit's
    weight: the industry is then the user's employer target.

    >>> from pipeline.settings import Settings
    >>> active_weights(Context(Settings()))["role_fit"]
    0.0
    """
    from pipeline.rank.features import FEATURES

    weights = {k: float(v) for k, v in vars(ctx.settings.weights).items()}
    active = {name: weights[name] if s.active(ctx) else 0.0 for name, s in FEATURES.items()}
    # Industries are where a user with no company in mind wants to work: the employer signal's
    # weight goes to them then, rather than vanishing (a user targeting "fintech" cares about
    # the employer as much as one naming Wealthsimple).
    if active.get("company_fit") == 0.0 and active.get("industry_fit", 0.0) > 0.0:
        active["industry_fit"] += weights.get("company_fit", 0.0)
    return active


def contributions(features: pd.DataFrame, weights: dict[str, float]) -> pd.DataFrame:
    """Each feature's share of the score: weight × value / the weights of the known features.

    A NaN feature (unknown location …) contributes nothing and leaves the denominator, so it
    neither helps nor hurts. The contributions of a row sum to its score.
    """
    names = [n for n, w in weights.items() if w > 0]
    values = features[names].to_numpy(dtype=float) if names else np.zeros((len(features), 0))
    w = np.array([weights[n] for n in names], dtype=float)
    known = ~np.isnan(values)
    total = (known * w).sum(axis=1)
    share = (
        np.where(known, np.nan_to_num(values) * w, 0.0) / np.where(total > 0, total, 1.0)[:, None]
    )
    return pd.DataFrame(share, columns=names, index=features.index)


def weighted_score(features: pd.DataFrame, weights: dict[str, float]) -> np.ndarray:
    """Weighted mean of the feature columns over the known ones, in [0, 1].

    >>> f = pd.DataFrame({"a": [1.0, 1.0], "b": [0.0, np.nan]})
    >>> weighted_score(f, {"a": 1.0, "b": 1.0}).tolist()
    [0.5, 1.0]
    """
    return score_of(contributions(features, weights))


def score_of(shares: pd.DataFrame) -> np.ndarray:
    """The score from each feature's share of it (``contributions``): their sum, to 4 places."""
    if not len(shares):
        return np.array([])
    return np.round(shares.sum(axis=1).to_numpy(), 4)


@cache
def _generic_words() -> frozenset[str]:
    """Words too common in employer names to tell two apart ("group", "financial")."""
    with resources.as_file(resources.files("pipeline.data") / "company_generic_words.csv") as f:
        table = pd.read_csv(f, dtype=str, keep_default_na=False)
    return frozenset(table.loc[table["kind"] == "generic", "word"])


def _same(key: str, wanted: frozenset[str]) -> bool:
    """Same key, or one key is the other plus generic words ("manulife financial")."""
    if key in wanted:
        return True
    words = key.split()
    for other in wanted:
        theirs = other.split()
        short, long = (words, theirs) if len(words) <= len(theirs) else (theirs, words)
        if long[: len(short)] == short and set(long[len(short) :]) <= _generic_words():
            return True
    return False


def same_employer(keys: pd.Series, wanted: set[str]) -> np.ndarray:
    """Whether each company key names one of ``wanted``: the same key, or the same name with
    only generic words added ("Manulife Financial" for "Manulife"). Checked per distinct key.

    >>> same_employer(pd.Series(["manulife financial", "manulife", "sun life"]), {"manulife"})
    array([ True,  True, False])
    """
    if not wanted:
        return np.zeros(len(keys), dtype=bool)
    codes, uniq = pd.factorize(keys.fillna("").astype(STR))
    frozen = frozenset(wanted)
    hits = np.array([bool(k) and _same(k, frozen) for k in uniq] + [False], dtype=bool)
    return hits[codes]


def excluded(
    prospects: pd.DataFrame, settings: Settings, my_employers: tuple[str, ...] = ()
) -> pd.Series:
    """Why each prospect is filtered out ("" when kept): an excluded employer (named in settings,
    or the user's own current employer), or an excluded role family.

    ``prospects`` needs company_key, company_parent and role_family.
    """
    t = settings.targets
    aliases = settings.normalize.company_aliases
    keys = {company_key(c, aliases) for c in t.exclude_companies} - {""}
    mine = set(my_employers) - {""} if t.exclude_my_employer else set()
    parent = (
        prospects["company_parent"] if "company_parent" in prospects else prospects["company_key"]
    )
    reason = text_series("", prospects.index)
    at_excluded = same_employer(prospects["company_key"], keys) | parent.isin(keys).to_numpy()
    reason[at_excluded] = "excluded employer"
    at_mine = same_employer(prospects["company_key"], mine) & (reason == "").to_numpy()
    reason[at_mine] = "works at your current employer"
    families = {f.lower() for f in t.exclude_role_families}
    in_family = prospects["role_family"].str.lower().isin(families).to_numpy()
    reason[in_family & (reason == "").to_numpy()] = "excluded role family"
    return reason


def diversify(ranked: pd.DataFrame, max_per_company: int) -> pd.DataFrame:
    """Order by score, but at most ``max_per_company`` people per employer before everyone else
    (the LAMP habit: a few contacts at each of the top employers, and the next person at an
    employer once the first has not replied). Unknown employers are not capped; 0 = no cap.
    ``ranked`` needs score, prospect_id and company_key.

    >>> f = pd.DataFrame({"prospect_id": list("abc"), "score": [.9, .8, .7],
    ...                   "company_key": ["g", "g", "s"]})
    >>> diversify(f, 1)["prospect_id"].tolist()
    ['a', 'c', 'b']
    """
    return ranked.take(diversified_order(ranked, max_per_company))


def diversified_order(
    ranked: pd.DataFrame, max_per_company: int, places: np.ndarray | None = None
) -> np.ndarray:
    """The positions of ``ranked``'s rows in ``diversify``'s order (``ranked.take`` of them is
    ``diversify``). Sorted on the three columns it reads only: a ranked frame has a hundred
    columns, and moving all of them for each sort cost seconds at 200,000 people. ``places``
    (``id_places`` of the rows' prospect_id, worked out beforehand) stand for the IDs.

    >>> f = pd.DataFrame({"prospect_id": list("abc"), "score": [.9, .8, .7],
    ...                   "company_key": ["g", "g", "s"]})
    >>> diversified_order(f, 1).tolist()
    [0, 2, 1]
    """
    order = _by_score(ranked[["score", "prospect_id"]].reset_index(drop=True), places)
    if max_per_company <= 0:
        return order
    # Employers as integer codes in score order: no text is moved or grouped.
    codes, keys = pd.factorize(ranked["company_key"])  # a missing key: -1, never capped
    codes = codes[order]
    nth = pd.Series(codes).groupby(codes).cumcount().to_numpy()
    capped = np.append(np.asarray(keys != "", dtype=bool), False)  # "": unknown, not capped
    over = (nth >= max_per_company) & capped[codes]
    # Beyond the cap, people come back in rounds: every employer's 4th before anyone's 5th.
    rounds = np.where(over, nth // max_per_company, 0)
    again = np.argsort(rounds, kind="stable")
    return order[again]


def _text_ids(ids: pd.Series) -> pa.Array | None:
    """The IDs as Arrow text, or None when they are not all text (or missing)."""
    try:
        return pa.array(ids, type=pa.large_string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None


def id_places(ids: pd.Series) -> np.ndarray | None:
    """Each row's place (0, 1 ...) in the IDs' ascending order, missing IDs last, equal IDs in
    their rows' order; None when the IDs are not all text. Sorting by these integers is sorting
    by the IDs (stably): ``diversified_order`` reads them instead of the text when given.

    >>> id_places(pd.Series(["b", "a", None, "a"])).tolist()
    [2, 0, 3, 1]
    """
    text = _text_ids(ids)
    if text is None:
        return None
    places = np.empty(len(text), dtype=np.int64)
    places[pc.sort_indices(text).to_numpy()] = np.arange(len(text))
    return places


def _by_score(frame: pd.DataFrame, places: np.ndarray | None = None) -> np.ndarray:
    """Positions of ``frame``'s rows by score (best first, unknown last), then prospect_id: a
    stable sort, in Arrow when the IDs are text (pandas sorts a million text IDs by making them
    a Categorical first, a second and more), or by their ``places`` when given."""
    ids = pa.array(places) if places is not None else _text_ids(frame["prospect_id"])
    if ids is None:  # IDs that are not all text
        order = frame.sort_values(["score", "prospect_id"], ascending=[False, True], kind="stable")
        return order.index.to_numpy()
    score = pa.array(frame["score"].to_numpy(dtype=float), from_pandas=True)  # NaN: null, last
    table = pa.table({"score": score, "id": ids})
    keys = [("score", "descending"), ("id", "ascending")]
    return pc.sort_indices(table, sort_keys=keys).to_numpy()  # nulls last by default
