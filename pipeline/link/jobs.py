"""The job comparison: employer and title as one comparison, and the same-title test the
seniority comparison shares."""

from __future__ import annotations

import numpy as np
import pandas as pd
from rapidfuzz.fuzz import token_sort_ratio

from pipeline.link.levels import NULL, Rows, distinct_codes, similarity
from pipeline.normalize.companies import CompanyTokenWeights, company_similarities
from pipeline.text.arrow_text import STR

JOB_LEVELS = (
    "same employer and title",
    "same employer",
    "parent or subsidiary",
    "similar employer name",
    "same title only",
    "retired in one, working in the other",
    "different",
)

# An alumni list that says "Retired" is newer than any current job elsewhere: a LinkedIn profile
# with a working employer is another person far more often than the same one.
_RETIRED = r"^\s*retired\b"


def _says_retired(companies: pd.Series) -> pd.Series:
    return companies.str.contains(_RETIRED, case=False)


def same_title(x: pd.Series, y: pd.Series) -> np.ndarray:
    """Two cleaned titles that are the same title: the same words in any order, a typo apart
    (token-sort similarity >= 0.9). One title's words inside the other's are not the same
    title: "Associate Professor" is not "Professor", "Senior Engineer" not "Engineer"."""
    return similarity(x, y, token_sort_ratio) >= 0.9


def job_level(
    a: pd.DataFrame | None, b: pd.DataFrame | None, rows: Rows | None = None
) -> np.ndarray:
    """Employer and title as one comparison: an alumni list's outdated job differs in both, and
    counting that twice would bury every alum who changed jobs. For the pairs ``rows`` (else
    aligned pair frames ``a`` and ``b``).

    A pair's level depends on its two employers (their keys, and whether a record says
    "Retired") and its two titles only: each side is worked out once per distinct pair of them,
    as a small state, and the level looked up from the two states (``_LEVEL``). Per pair, a few
    passes over integer codes, not a pass per condition over millions of pairs."""
    rows = Rows.of_pairs(a, b) if rows is None else rows
    employer, e_inverse = _employer_states(rows)
    title, t_inverse = _title_states(rows)
    state = employer.take(e_inverse)
    state *= np.int8(3)
    state += title.take(t_inverse)
    return _LEVEL.take(state)


def _employer_states(rows: Rows) -> tuple[np.ndarray, np.ndarray]:
    """Per distinct pair of employers, (company level + 1) * 2 + retired, where the company
    level is NULL without a key on both sides, else 0-3 (the same, parent or subsidiary, a
    similar name, another), and retired says that one record says "Retired" and the other has
    an employer; and each pair's index into them. The word weights behind "a similar name" are
    fitted on the distinct pairs of keys, each key as many times as it has distinct partners."""
    keys = rows.text("company_key")
    n = max(len(keys.values), 1)
    width = np.int64(2 * n)

    def make(frame: pd.DataFrame) -> np.ndarray:  # per record: key code * 2 + says "Retired"
        code = keys.codes.astype(np.int64) * 2
        if "company" in frame.columns:
            code += rows.per_record("company", _says_retired).astype(bool)
        return code

    code = rows.once(("employer codes", "company_key", "company"), make)
    joint = code[rows.left]
    joint *= width  # in place: each temporary of millions of pairs is fresh memory
    joint += code[rows.right]
    inverse, joint = distinct_codes(joint, int(width) ** 2)
    (kx, sx), (ky, sy) = (np.divmod(side, 2) for side in np.divmod(joint, width))
    k_inverse, k_joint = distinct_codes(kx * n + ky, n * n)
    ix, iy = np.divmod(k_joint, n)
    company = np.full(len(ix), NULL, dtype=np.int8)
    both = (ix != keys.empty) & (iy != keys.empty)
    if both.any():
        ux, uy = (pd.Series(keys.values[i[both]], dtype=STR) for i in (ix, iy))
        sim = company_similarities(ux, uy)
        partners = np.bincount(ix, minlength=n) + np.bincount(iy, minlength=n)
        cosine = CompanyTokenWeights.fit_counted(keys.values, partners).similarity(ux, uy)
        company[both] = np.select([sim >= 1.0, sim > 0, cosine >= 0.6], [0, 1, 2], default=3)
    retired = (sx.astype(bool) & (ky != keys.empty)) | (sy.astype(bool) & (kx != keys.empty))
    return ((company[k_inverse] + 1) * 2 + retired).astype(np.int8), inverse


def _title_states(rows: Rows) -> tuple[np.ndarray, np.ndarray]:
    """Per distinct pair of titles, 0 where either is empty, 1 for the same title
    (``same_title``), 2 for another; and each pair's index into them."""
    inverse, ix, iy = rows._distinct("title_clean", "title_clean")
    text = rows.text("title_clean")
    state = np.zeros(len(ix), dtype=np.int8)
    both = (ix != text.empty) & (iy != text.empty)
    if both.any():
        x, y = (pd.Series(text.strings.array.take(i[both])) for i in (ix, iy))
        state[both] = np.where(same_title(x, y), 1, 2)
    return state, inverse


def _levels_of(company: np.ndarray, title: np.ndarray, retired: np.ndarray) -> np.ndarray:
    """The level of pairs of employer level ``company`` (NULL, or 0-3 as in
    ``_employer_states``), title state ``title`` (as in ``_title_states``) and ``retired``."""
    same = title == 1
    # with no employer to compare, two different titles still differ
    other_title = (company == NULL) & (title == 2)
    # Placeholders ("Self-employed", "Retired") have no company_key, so they never agree; only
    # "Retired" against a real employer is evidence, and against.
    return np.select(
        [(company == 0) & same, company == 0, company == 1, company == 2, same, retired,
         (company == 3) | other_title],
        [0, 1, 2, 3, 4, 5, 6],
        default=NULL,
    )  # fmt: skip


# the level of each state: employer state (company level + 1) * 2 + retired, times 3, plus the
# title state; no employer nor title on either side is NULL
_COMPANY, _RETIRED_STATE, _TITLE = np.meshgrid(
    np.arange(-1, 4), np.arange(2), np.arange(3), indexing="ij"
)
_LEVEL = _levels_of(_COMPANY.ravel(), _TITLE.ravel(), _RETIRED_STATE.ravel() == 1).astype(np.int8)
