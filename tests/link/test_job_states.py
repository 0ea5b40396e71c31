"""The job comparison worked out per distinct pair of employers and of titles, the level looked
up from the two states (``link.jobs``), against the earlier code that tested each condition on
every pair (kept here as the oracle), on hostile records."""

import numpy as np
import pandas as pd
import pytest

from pipeline.link.jobs import _LEVEL, _levels_of, _says_retired, job_level, same_title
from pipeline.link.levels import NULL, Rows
from pipeline.normalize.companies import CompanyTokenWeights, company_similarities
from pipeline.text.arrow_text import STR

KEYS = ["google", "alphabet", "waymo", "acme technologies", "acme group", "royal bank", "",
        None, "Acme Group", "ümlaut ag", "acme"]  # fmt: skip
COMPANIES = ["Retired", "  retired teacher", "RETIRED", "Self-employed", "Google", "", None,
             "retiredness inc", "Acme"]  # fmt: skip
TITLES = ["data analyst", "analyst data", "data analist", "professor", "associate professor",
          "", None, "Data Analyst", "vp, sales"]  # fmt: skip


def _old_job_level(rows: Rows) -> np.ndarray:
    """The job comparison as it was: every condition tested over every pair."""
    left, right = rows.left, rows.right
    given = [c for c in ("company_key", "title_clean", "company") if c in rows.frame.columns]
    if all(rows.empty(c, side).all() for side in (left, right) for c in given):
        return np.full(len(left), NULL)
    inverse, ix, iy = rows._distinct("company_key", "company_key")
    keys = rows.text("company_key").values
    ux, uy = keys[ix], keys[iy]
    sim = company_similarities(pd.Series(ux, dtype=STR), pd.Series(uy, dtype=STR))
    partners = np.bincount(ix, minlength=len(keys)) + np.bincount(iy, minlength=len(keys))
    weights = CompanyTokenWeights.fit_counted(keys, partners)
    cosine = weights.similarity(pd.Series(ux, dtype=STR), pd.Series(uy, dtype=STR))
    company = np.select([sim >= 1.0, sim > 0, cosine >= 0.6], [0, 1, 2], default=3)[inverse]
    no_key = rows.empty("company_key", left) | rows.empty("company_key", right)
    company = np.where(no_key, NULL, company)
    both_titles = ~(rows.empty("title_clean", left) | rows.empty("title_clean", right))
    title = np.zeros(len(left), dtype=bool)
    if both_titles.any():
        title[both_titles] = rows.subset(np.flatnonzero(both_titles)).on_distinct(
            "title_clean", same_title
        )
    other_title = (company == NULL) & both_titles & ~title
    retired = np.zeros(len(left), dtype=bool)
    if "company" in rows.frame.columns:
        says = rows.per_record("company", _says_retired).astype(bool)
        ka, kb = ~rows.empty("company_key", left), ~rows.empty("company_key", right)
        retired = (says[left] & kb) | (says[right] & ka)
    return np.select(
        [(company == 0) & title, company == 0, company == 1, company == 2, title, retired,
         (company == 3) | other_title],
        [0, 1, 2, 3, 4, 5, 6],
        default=NULL,
    )  # fmt: skip


def _frame(rng: np.random.Generator, n: int, company: bool = True) -> pd.DataFrame:
    def pick(pool):
        return pd.Series(rng.choice(np.array(pool, dtype=object), n), dtype="str")

    frame = pd.DataFrame({"company_key": pick(KEYS), "title_clean": pick(TITLES)})
    if company:
        frame["company"] = pick(COMPANIES)
    return frame


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("company", [True, False])
def test_job_levels_are_the_old_conditions_pair_by_pair(seed, company):
    rng = np.random.default_rng(seed)
    frame = _frame(rng, 40, company)
    left, right = (a.ravel() for a in np.meshgrid(np.arange(40), np.arange(40)))
    some = rng.integers(0, 40, (2, 300))  # and pairs repeated, in no order
    for lefts, rights in ((left, right), (some[0], some[1])):
        got = job_level(None, None, Rows(frame, lefts, rights, {}))
        expected = _old_job_level(Rows(frame, lefts, rights, {}))
        assert got.tolist() == expected.tolist()
    expected = _old_job_level(Rows(frame, left, right, {}))
    if company:  # every level and NULL reached
        assert set(expected.tolist()) == {NULL, 0, 1, 2, 3, 4, 5, 6}


@pytest.mark.parametrize(
    "columns",
    [
        {"company_key": ["", None], "title_clean": [None, ""], "company": ["Retired", ""]},
        {"company_key": ["", ""], "title_clean": ["", "cto"], "company": ["", ""]},
        {"company_key": ["acme", None], "title_clean": ["", ""], "company": ["Retired", ""]},
        {"company_key": ["acme", "acme"], "title_clean": [None, None]},
    ],
)
def test_records_without_an_employer_or_a_title(columns):
    frame = pd.DataFrame({k: pd.Series(v, dtype="str") for k, v in columns.items()})
    left, right = np.array([0, 1, 0, 1]), np.array([1, 0, 0, 1])
    for lefts, rights in ((left, right), (left[:0], right[:0])):
        got = job_level(None, None, Rows(frame, lefts, rights, {}))
        assert got.tolist() == _old_job_level(Rows(frame, lefts, rights, {})).tolist()


def test_the_level_table_is_the_conditions_of_each_state():
    for company in range(-1, 4):
        for retired in (0, 1):
            for title in range(3):
                state = ((company + 1) * 2 + retired) * 3 + title
                one = _levels_of(np.array([company]), np.array([title]), np.array([retired == 1]))
                assert _LEVEL[state] == one[0]


def test_word_weights_are_fitted_on_the_same_counts(monkeypatch):
    """Each key counted once per distinct partner, a partner without a key included: the
    levels rarely show a change of the counts, so the fit's arguments are compared."""
    from pipeline.link import jobs

    seen = []
    fit = CompanyTokenWeights.fit_counted.__func__

    def spy(cls, keys, counts):
        seen.append((list(keys), np.asarray(counts).tolist()))
        return fit(cls, keys, counts)

    monkeypatch.setattr(jobs.CompanyTokenWeights, "fit_counted", classmethod(spy))
    frame = _frame(np.random.default_rng(7), 40)
    some = np.random.default_rng(8).integers(0, 40, (2, 300))
    job_level(None, None, Rows(frame, some[0], some[1], {}))
    _old_job_level(Rows(frame, some[0], some[1], {}))
    assert len(seen) == 2 and seen[0] == seen[1]
