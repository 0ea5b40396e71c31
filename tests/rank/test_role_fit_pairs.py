"""``features.role_fit`` scores each distinct (title, role family) pair once; it must give what
the row-by-row way gave (kept here: every view per row, the TF-IDF over the distinct lower-case
titles), on titles that differ only in case, a title under two families, missing values,
non-ASCII, duplicates, one row."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process

from pipeline.normalize.titles import expand_abbreviations, role_family
from pipeline.rank import features
from pipeline.rank.context import Context
from pipeline.rank.roles import synonym_fit
from pipeline.settings import from_dict
from pipeline.text.csr import dense_product
from pipeline.text.tfidf import char_wb_tfidf

ROLES = ("data scientist", "UX Researcher", "product manager")
CTX = Context(from_dict({}), target_roles=ROLES)


def _old_role_fit(p: pd.DataFrame, ctx: Context) -> tuple[np.ndarray, list[str]]:
    text = features._text
    roles = [expand_abbreviations(r).lower() for r in ctx.target_roles]
    codes, titles = pd.factorize(text(p["title_clean"]).str.lower())
    titles = list(titles)
    fuzzy = np.clip((features._directional(titles, roles) - 0.6) / 0.4, 0, 1)
    look = np.zeros_like(fuzzy)
    near = process.cdist(titles, roles, scorer=fuzz.partial_ratio, processor=default_process)
    near = np.flatnonzero((near >= features.NEAR).any(axis=1))
    if len(near):
        subset = [titles[i] for i in near]
        both = char_wb_tfidf([*subset, *roles], (3, 4), sublinear_tf=True)
        count = np.arange(len(subset) + len(roles))
        cos = dense_product(both.take(count[: len(subset)]), both.take(count[len(subset) :]))
        look[near] = np.clip((cos - 0.6) / 0.35, 0, 1) * features.TFIDF_CREDIT
    families = np.array([role_family(r) for r in ctx.target_roles])
    fam_of = text(p["role_family"]).to_numpy()[:, None]
    fam = ((fam_of == families[None, :]) & (fam_of != "Unknown")) * features.FAMILY_CREDIT
    other = (fam_of != families[None, :]) & (fam_of != "Unknown") & (families != "Unknown")
    synonym, _ = synonym_fit(text(p["title_clean"]), tuple(ctx.target_roles))
    views = np.stack([fuzzy[codes], fam, look[codes], synonym])
    capped = np.minimum(views[[0, 2]], features.OTHER_FAMILY)
    views[[0, 2]] = np.where(other[None], capped, views[[0, 2]])
    combined = views.max(axis=0)
    best = combined.argmax(axis=1)
    rows = np.arange(len(p))
    value = combined[rows, best]
    how = views[:, rows, best].argmax(axis=0)
    words = [
        "title fits '",
        "same role family as '",
        "title resembles '",
        "title is a variant of '",
    ]
    evidence = [
        f"{words[h]}{ctx.target_roles[b]}'" if v >= features.MENTION else ""
        for v, h, b in zip(value, how, best, strict=True)
    ]
    return value, evidence


ROWS = [  # title_clean, role_family
    ("senior data scientist", "Data & analytics"),
    ("Senior Data Scientist", "Data & analytics"),  # only the case differs
    ("senior data scientist", "Engineering"),  # the same title under another family
    ("user researcher", "Design"),
    ("product marketing manager", "Marketing"),
    (None, None),
    ("", "Unknown"),
    ("científica de datos", "Data & analytics"),
    ("data scientist/ml", "Unknown"),
    ("senior data scientist", "Data & analytics"),  # a duplicate
    ("store manager", "Operations"),
]


@pytest.mark.parametrize("rows", [ROWS, ROWS[:1], ROWS[5:6], ROWS[::-1]], ids=range(4))
def test_role_fit_by_pairs_is_the_row_by_row_fit(rows):
    titles, families = zip(*rows, strict=True)
    p = pd.DataFrame(
        {"title_clean": pd.Series(titles, dtype="str"), "role_family": pd.Series(families)},
        index=[5 * i + 2 for i in range(len(rows))],
    )
    value, evidence = features.role_fit(p, CTX)
    want_value, want_evidence = _old_role_fit(p, CTX)
    np.testing.assert_array_equal(value, want_value)
    assert evidence.tolist() == want_evidence and evidence.index.equals(p.index)
