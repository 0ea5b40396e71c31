"""Training without labels: u from random pairs, m by expectation–maximisation.

The Fellegi–Sunter model needs, per comparison level, m (how often true matches show it) and u
(how often non-matches do). u is measured on random pairs of records, which are almost all
non-matches. m is estimated by EM on the candidate pairs, splink-style, in sessions: each session
takes the pairs that agree strongly on one anchor comparison (the name, then the employer),
leaves that comparison out of the model (blocking on it made its agreement meaningless there)
and estimates m for all the others. A comparison's m is the mean over the sessions that
estimated it.

Pairs fall in groups (the two files they join: connections x alumni, alumni x alumni) whose
matches look different: a connection's LinkedIn is current where its alumni record is not, so
true connection-alumni links show "different employer" more often than duplicates inside one
alumni list. Each group with enough pairs gets its own m, pulled towards the pooled m as if by
GROUP_PRIOR_PAIRS matches (and its own match share in each session); a smaller group uses the
pooled m.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from pipeline.link.block import file_codes, unique_records
from pipeline.link.classify import group_ids, group_rows
from pipeline.link.compare import compare
from pipeline.link.em_coded import Coded
from pipeline.link.levels import NULL, Comparison, Rows

#: (anchor comparison, the levels 0..n that count as strong agreement, comparisons the session
#: may not estimate). Pairs agreeing on the employer were proposed for their similar names, so
#: that session says nothing about names; identifiers (URL, email) are the best name teachers.
SESSIONS: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    ("name", 3, ()),  # exact, former name, spelled by an address, nickname
    ("job", 1, ("name",)),
    ("linkedin_slug", 0, ("email",)),
    ("email", 0, ("linkedin_slug",)),
)
#: Random pairs for u: at most this many, and no more than PAIRS_PER_RECORD per record. The u of a
#: file of n records is that of its own n * (n - 1) / 2 pairs, and past a few dozen pairs per
#: record more of them repeat the same records' values (the sample's 1,787 records: the same
#: links and duplicates from 40,000 to 200,000 pairs, for every seed tried). From 5,000 records
#: the cap is the one that counts (Febrl3's 5,000, Febrl4's 10,000, the accuracy benchmark's
#: 23,000: the same draws as before there was a per-record bound).
U_PAIRS = 200_000
PAIRS_PER_RECORD = 40
U_PRIOR_PAIRS = 2000.0  # u is pulled towards u_prior as if by this many random pairs
PRIOR_PAIRS = 30.0  # EM's m is pulled towards a comparison's m_prior as if by this many matches
GROUP_PRIOR_PAIRS = 100.0  # a group's m is pulled towards the pooled m as if by this many matches
MIN_GROUP_PAIRS = 50  # a group of fewer candidate pairs in a session keeps the pooled m


def random_pairs(
    frame: pd.DataFrame,
    n: int,
    seed: int = 0,
    unique_sources: Sequence[str] = ("connections",),
    cache: dict | None = None,
) -> pd.DataFrame:
    """About ``n`` random pairs of distinct records (left < right), pairs inside one file of a
    unique source left out, as ``left``/``right`` positions; every pair (in order) when there
    are no more than ``n``. ``cache``: the run's per-record work (``block.once_per_run``)."""
    size = len(frame)
    if size < 2:
        return pd.DataFrame({"left": np.zeros(0, "int64"), "right": np.zeros(0, "int64")})
    if size * (size - 1) // 2 <= n:
        # n draws would find (almost) every pair anyway: take each once, no draws.
        left, right = np.triu_indices(size, 1)
        keep = np.ones(len(left), dtype=bool)
    else:
        rng = np.random.default_rng(seed)
        a, b = rng.integers(0, size, n), rng.integers(0, size, n)
        left, right = np.minimum(a, b), np.maximum(a, b)
        keep = left != right
        # Distinct pairs only: in a small file the same few pairs would otherwise be counted often.
        keep &= ~pd.Series(left * size + right).duplicated().to_numpy()
    if {"source", "source_file"} <= set(frame.columns):
        unique = unique_records(frame, unique_sources, cache)
        files = file_codes(frame, cache)
        keep &= ~(unique[left] & unique[right] & (files[left] == files[right]))
    return pd.DataFrame({"left": left[keep], "right": right[keep]}).astype("int64")


def level_shares(levels: pd.DataFrame, comparisons: Sequence[Comparison], weights=None):
    """Per comparison, the (weighted) share of pairs at each level, NULL pairs left out, with
    SMOOTH pseudo-counts. ``weights`` (one per pair) defaults to 1."""
    w = np.ones(len(levels)) if weights is None else np.asarray(weights, dtype=float)
    coded = Coded.of(levels, comparisons)
    return {name: share for name, (share, _) in coded.level_shares(comparisons, w).items()}


def estimate_u(
    frame: pd.DataFrame,
    comparisons: Sequence[Comparison],
    n_pairs: int = U_PAIRS,
    seed: int = 0,
    unique_sources: Sequence[str] = ("connections",),
    cache: dict | None = None,
    per_record: int = PAIRS_PER_RECORD,
) -> dict[str, np.ndarray]:
    """u per comparison level, from random pairs of ``frame`` (normalized, with blocking keys):
    ``n_pairs`` of them, or ``per_record`` per record when that is fewer (see U_PAIRS).
    ``cache``: per-record work already done on ``frame`` (see ``compare``).

    >>> # u["name"][0] is the chance two random records share a name key
    """
    pairs = u_pairs(frame, n_pairs, seed, unique_sources, per_record)
    return u_of(compare(frame, pairs, comparisons, cache), comparisons)


def u_pairs(
    frame: pd.DataFrame,
    n_pairs: int = U_PAIRS,
    seed: int = 0,
    unique_sources: Sequence[str] = ("connections",),
    per_record: int = PAIRS_PER_RECORD,
    cache: dict | None = None,
) -> pd.DataFrame:
    """The random pairs ``estimate_u`` compares (``left``/``right`` positions into ``frame``;
    ``cache``: the run's per-record work, see ``random_pairs``)."""
    return random_pairs(frame, min(n_pairs, per_record * len(frame)), seed, unique_sources, cache)


def u_of(levels: pd.DataFrame, comparisons: Sequence[Comparison]) -> dict[str, np.ndarray]:
    """u per comparison level from the levels of ``u_pairs`` (see ``estimate_u``)."""
    shares = level_shares(levels, comparisons)
    out = {}
    for c in comparisons:  # MAP: U_PRIOR_PAIRS pseudo-pairs at the prior's shares
        seen = float((levels[c.name] != NULL).sum())
        out[c.name] = (shares[c.name] * seen + U_PRIOR_PAIRS * _u_prior(c)) / (seen + U_PRIOR_PAIRS)
    return out


def _u_prior(comparison: Comparison) -> np.ndarray:
    n = len(comparison.levels)
    if len(comparison.u_prior) == n:
        u = np.asarray(comparison.u_prior, dtype=float)
    else:
        u = np.full(n, 0.05 / max(n - 1, 1))
        u[-1] = 0.95
    return u / u.sum()


def _initial_m(comparison: Comparison) -> np.ndarray:
    """The comparison's m_prior, else a prior favouring the strong levels (0.5, 0.25, ...)."""
    if len(comparison.m_prior) == len(comparison.levels):
        m = np.asarray(comparison.m_prior, dtype=float)
    else:
        m = 0.5 ** np.arange(1, len(comparison.levels) + 1)
        m[-1] = 0.05
    return m / m.sum()


def em_session(
    levels: pd.DataFrame,
    comparisons: Sequence[Comparison],
    u: Mapping[str, np.ndarray],
    m: Mapping[str, np.ndarray] | None = None,
    iterations: int = 30,
    tolerance: float = 1e-4,
) -> tuple[dict[str, np.ndarray], float]:
    """EM for m (u fixed) and the match share over ``levels`` (pairs x comparisons).

    Returns (m per comparison, share of matches among these pairs).
    """
    pooled, _, share = em_groups(levels, comparisons, u, None, m, iterations, tolerance)
    return pooled, share


def em_groups(
    levels: pd.DataFrame,
    comparisons: Sequence[Comparison],
    u: Mapping[str, np.ndarray],
    groups: np.ndarray | None = None,
    m: Mapping[str, np.ndarray] | None = None,
    iterations: int = 30,
    tolerance: float = 1e-4,
    min_pairs: int = MIN_GROUP_PAIRS,
) -> tuple[dict[str, np.ndarray], dict[int, dict[str, np.ndarray]], float]:
    """EM for m (u fixed) over ``levels`` (pairs x comparisons), per group of pairs.

    ``groups`` (one id per pair): each group of at least ``min_pairs`` pairs, when there are
    two groups or more, gets its own m and match share; its m-step is its own weighted level
    shares pulled towards the pooled m as if by GROUP_PRIOR_PAIRS matches, so a group with few
    matches stays near the pooled m. The pooled m is estimated from all pairs as without
    groups. Returns (pooled m, {group id: m} for the groups with their own, pooled match share).
    """
    pooled = {
        c.name: np.asarray((m or {}).get(c.name, _initial_m(c)), dtype=float) for c in comparisons
    }
    one = np.zeros(len(levels), "int64")
    ids, codes = group_rows(one if groups is None else np.asarray(groups))
    counts = np.bincount(codes, minlength=len(ids))
    big = [k for k in range(len(ids)) if len(ids) > 1 and counts[k] >= min_pairs]
    own: list[dict[str, np.ndarray] | None] = [None] * len(ids)
    for k in big:
        own[k] = dict(pooled)
    shares = np.full(len(ids), 0.3)
    share = 0.3
    initial = {c.name: _initial_m(c) for c in comparisons}
    # A pair's posterior is that of its combination of group and levels (Coded.patterns), so
    # both steps run over the few thousand combinations, each weighted by its count of pairs:
    # the same sums as over the millions of pairs, added in another order (m moves in the
    # last bits only; tests/link/test_em_coded.py compares with the sum over pairs).
    coded = Coded.of(levels, comparisons)
    pattern, first = coded.patterns(codes)
    count = np.bincount(pattern, minlength=len(first)).astype(float)
    distinct, their = coded.subset(first), codes[first]
    parts = [(mine, distinct.subset(mine), counts[k]) for k, mine in ((k, their == k) for k in big)]
    for _ in range(iterations):
        odds = np.log2(shares / (1 - shares))[their]
        odds += distinct.log_ratio(comparisons, pooled, u, own if big else None, their)
        posterior = count / (1.0 + np.exp2(-np.clip(odds, -60, 60)))  # matches per pattern
        new_share = float(np.clip(posterior.sum() / len(levels), 1e-6, 1 - 1e-6))
        new_shares = np.full(len(ids), new_share)
        new_m = distinct.map_shares(comparisons, posterior, initial, PRIOR_PAIRS)
        new_own: list[dict[str, np.ndarray] | None] = [None] * len(ids)
        for k, (mine, rows, size) in zip(big, parts, strict=True):
            theirs = posterior[mine]
            new_shares[k] = np.clip(theirs.sum() / size, 1e-6, 1 - 1e-6)
            new_own[k] = rows.map_shares(comparisons, theirs, new_m, GROUP_PRIOR_PAIRS)
        delta = max(
            [np.abs(new_m[k] - pooled[k]).max() for k in pooled]
            + [np.abs(new_own[k][n] - own[k][n]).max() for k in big for n in pooled]  # type: ignore[index]
            + [0.0]
        )
        pooled, own, share, shares = new_m, new_own, new_share, new_shares
        if delta < tolerance:
            break
    by_group = {int(ids[k]): own[k] for k in big}
    return pooled, by_group, share  # type: ignore[return-value]


def estimate_m(
    levels: pd.DataFrame,
    comparisons: Sequence[Comparison],
    u: Mapping[str, np.ndarray],
    sessions: Sequence[tuple[str, int, tuple[str, ...]]] = SESSIONS,
    min_pairs: int = 30,
) -> dict[str, np.ndarray]:
    """m per comparison level by EM on candidate pairs, in anchor sessions (see module doc).

    A comparison no session could estimate keeps its prior ``m_prior``.
    """
    return estimate_m_groups(levels, comparisons, u, None, sessions, min_pairs)[0]


def estimate_m_groups(
    levels: pd.DataFrame,
    comparisons: Sequence[Comparison],
    u: Mapping[str, np.ndarray],
    groups: np.ndarray | None,
    sessions: Sequence[tuple[str, int, tuple[str, ...]]] = SESSIONS,
    min_pairs: int = 30,
    frame: pd.DataFrame | None = None,
    cache: dict | None = None,
) -> tuple[dict[str, np.ndarray], dict[int, dict[str, np.ndarray]]]:
    """m per comparison level, pooled and per group of pairs (``groups``: one id per row of
    ``levels``; see ``em_groups``). A group's m for a comparison is the mean over the sessions
    that estimated it for that group (the pooled m where none did): a session where the group
    was too small would lend it the other group's m.
    With ``frame`` (the records ``levels.left``/``right`` point into), a session's pairs are
    shown to the comparisons that also read its anchor's columns as ``blinded`` does
    (``cache``: the per-record work ``compare`` did on ``frame``).
    Returns (pooled m, {group id: m}) with only the groups some session estimated.
    """
    estimates: dict[str, list[np.ndarray]] = {c.name: [] for c in comparisons}
    all_groups = [] if groups is None else group_ids(groups).tolist()
    group_estimates: dict[int, dict[str, list[np.ndarray]]] = {
        int(g): {c.name: [] for c in comparisons} for g in all_groups
    }
    estimated: set[int] = set()  # groups some session gave their own m
    for anchor, strong, excluded in sessions:
        if anchor not in levels.columns:
            continue
        level = levels[anchor].to_numpy()
        strong_pairs = (level != NULL) & (level <= strong)
        chosen = levels[strong_pairs]
        others = [c for c in comparisons if c.name != anchor]
        if len(chosen) < min_pairs or not others:
            continue
        if frame is not None:  # once the session is sure to run: blinding costs a compare
            chosen = blinded(frame, chosen, comparisons, anchor, cache)
        session_groups = None if groups is None else np.asarray(groups)[strong_pairs]
        session_m, by_group, _ = em_groups(chosen, others, u, session_groups)
        estimated |= set(by_group)
        for c in others:
            if c.name in excluded or (chosen[c.name] != NULL).sum() < min_pairs:
                continue
            estimates[c.name].append(session_m[c.name])
            for g in by_group:
                group_estimates[g][c.name].append(by_group[g][c.name])
    out = {}
    for c in comparisons:
        m = np.mean(estimates[c.name], axis=0) if estimates[c.name] else _initial_m(c)
        out[c.name] = _constrain(c, m, u)
    per_group = {}
    for g in sorted(estimated):
        lists = group_estimates[g]
        mean = {n: np.mean(v, axis=0) for n, v in lists.items() if v}
        per_group[g] = {c.name: _constrain(c, mean[c.name], u) if c.name in mean else out[c.name]
                        for c in comparisons}  # fmt: skip
    return out, per_group


def blinded(
    frame: pd.DataFrame,
    pairs: pd.DataFrame,
    comparisons: Sequence[Comparison],
    anchor: str,
    cache: dict | None = None,
) -> pd.DataFrame:
    """``pairs`` (levels: left, right, one column per comparison) with each comparison that
    also reads the columns of comparison ``anchor`` recomputed as if one record of each pair
    did not carry them: the record of the file that carries them less often (the right one on a
    tie). ``frame``: the records ``left``/``right`` point into (with ``source_file``);
    ``cache``: the per-record work ``compare`` did on it (see ``Rows.taken``).

    A session's pairs agree on its anchor, and a comparison that reads the anchor's columns
    sees that agreement: the name level "spelled by an e-mail address or URL" takes every pair
    sharing a URL whose names differ (the URL spells the name on both sides), so EM there never
    sees a typo or a nickname among matches and learns their m near zero, and the address
    level's far too high. Most pairs outside the session have the identifier on one side at
    most (a LinkedIn URL on the connection's, seldom in an alumni list), which is what the
    comparisons are shown here.

    Only an anchor over one column (an identifier: a URL, an e-mail address, a declared date
    of birth) is hidden so: an anchor over several (the employer and title) lives on in columns
    made from them (the seniority a title says), which would still show the agreement; such a
    session leaves out what it cannot judge (SESSIONS' third entry).
    """
    by_name = {c.name: c for c in comparisons}
    if anchor not in by_name or pairs.empty or len(by_name[anchor].columns) != 1:
        return pairs
    hidden = [col for col in by_name[anchor].columns if col in frame.columns]
    seeing = [
        c for c in comparisons
        if c.name != anchor and set(hidden) & {*c.columns, *c.optional}
    ]  # fmt: skip
    if not seeing:
        return pairs
    left, right = pairs["left"].to_numpy(), pairs["right"].to_numpy()
    files = file_codes(frame, cache)
    carried = np.zeros(len(frame), dtype=bool)
    texts = Rows(frame, left[:0], right[:0], {} if cache is None else cache)
    for col in hidden:  # the run's codes of the column: "" (or missing) is the empty code
        text = texts.text(col)
        carried |= text.codes != text.empty
    share = np.bincount(files, weights=carried) / np.maximum(np.bincount(files), 1)
    blind_left = share[files[left]] < share[files[right]]
    # each pair's two records as rows of their own (a record may be blinded in one pair only)
    n = len(pairs)
    # the columns the comparisons shown them read (``Comparison.columns`` and ``optional``),
    # not every column of the records
    read = dict.fromkeys(c for s in seeing for c in (*s.columns, *s.optional) if c in frame)
    rows = frame[list(read)].iloc[np.r_[left, right]].reset_index(drop=True)
    blind = np.r_[blind_left, ~blind_left]
    for col in hidden:
        rows[col] = rows[col].mask(blind)
    at = pd.DataFrame({"left": np.arange(n), "right": np.arange(n, 2 * n)})
    # the per-record work on the columns not hidden, taken from the run's (``cache``)
    taken = Rows(frame, left, right, cache).taken(np.r_[left, right], hidden) if cache else {}
    redone = compare(rows, at, seeing, taken)
    return pairs.assign(**{c.name: redone[c.name].to_numpy() for c in seeing})


def _constrain(c: Comparison, m: np.ndarray, u: Mapping[str, np.ndarray]) -> np.ndarray:
    """``m`` with the comparison's ``fixed`` levels at their prior and ``relative`` ones at
    their ratio to u."""
    if c.fixed:  # those levels keep the prior; the others share what is left
        prior, fixed = _initial_m(c), list(c.fixed)
        free = np.ones(len(m), bool)
        free[fixed] = False
        m = m.copy()
        m[free] *= (1 - prior[fixed].sum()) / m[free].sum()
        m[fixed] = prior[fixed]
    for level, ratio in c.relative:
        m = m.copy()
        m[level] = u[c.name][level] * ratio
        rest = np.arange(len(m)) != level
        m[rest] *= (1 - m[level]) / m[rest].sum()
    return m


def estimate_prior(
    match_weight: np.ndarray, groups: np.ndarray, possible: Mapping[int, float], iterations=50
) -> dict[int, float]:
    """Per group of pairs (e.g. connections x alumni, alumni x alumni), the probability that two
    random records of that group match: expected matches among the candidates over all possible
    pairs, found as a fixed point (the expectation depends on the prior it estimates).

    ``match_weight`` is each candidate pair's summed log2(m/u); ``possible`` the number of
    pairs each group could form.
    """
    priors: dict[int, float] = {}
    for g, total in possible.items():
        w = match_weight[groups == g]
        if not len(w) or total <= 0:
            priors[g] = 1e-9
            continue
        prior = min(0.5 * len(w) / total, 0.5)
        odds = np.empty(len(w))  # every step in place: the same floats, no array made per step
        for _ in range(iterations):
            np.add(np.log2(prior / (1 - prior)), w, out=odds)
            np.clip(odds, -60, 60, out=odds)
            np.negative(odds, out=odds)
            np.exp2(odds, out=odds)
            np.add(1.0, odds, out=odds)
            expected = float(np.divide(1.0, odds, out=odds).sum())
            new = float(np.clip(expected / total, 1e-12, 0.5))
            if abs(np.log(new / prior)) < 1e-4:
                prior = new
                break
            prior = new
        priors[g] = prior
    return priors
