"""``clean.linkedin_slug`` finds ASCII URLs' slugs by Arrow's RE2 and the others by Python's re:
the same slugs as the Python regex over every URL (the old code, kept here as the oracle)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.ingest import clean
from pipeline.text.arrow_text import STR


def _old_linkedin_slug(urls: pd.Series) -> pd.Series:
    urls = urls.astype(STR).fillna("")
    slugs = urls.str.extract(clean._SLUG, expand=False).fillna("").astype(STR)
    coded = slugs.str.contains("%", regex=False) | ~slugs.str.isascii()
    if coded.any():
        slugs[coded] = slugs[coded].map(clean._decode)
    return slugs.str.strip().str.lower().astype(STR)


URLS = [
    "https://ca.linkedin.com/in/Mar%C3%ADa-G/?lipi=x",
    "https://www.LINKEDIN.com/in/Jane-Doe",
    "linkedin.com/pub/old-one/1/2",
    "see linkedin.com/in/a b",
    "x\x1clinkedin.com/in/after-fs",  # Python's \s holds \x1c-\x1f and \v; RE2's does not
    "x\x0blinkedin.com/in/after-vt",
    "linkedin.com/in/cut\x1fhere",
    "linkedin.com/in/tab\there",
    "xlinkedin.com/in/not",
    "linked\u212ain.com/in/kelvin",  # the Kelvin sign: left to Python
    "linkedin.com/in/josé",
    "https://www.linkedin.com/in/\u00a0nbsp",
    "linkedin.com/in/",
    "n/a",
    "",
    None,
]


@pytest.mark.parametrize("dtype", ["str", object])
def test_slugs_as_the_python_regex_found_them(dtype):
    urls = pd.Series(URLS * 2, dtype=dtype, index=range(10, 10 + 2 * len(URLS)), name="URL")
    new, old = clean.linkedin_slug(urls), _old_linkedin_slug(urls)
    pd.testing.assert_series_equal(new, old, check_exact=True)
    assert new.iloc[4] == "after-fs" and new.iloc[5] == "after-vt"


PIECES = st.sampled_from(
    ["linkedin.com/in/", "LinkedIn.COM/pub/", "/", ".", "@", " ", "\x1c", "\x0b", "\t", "?", "#",
     "a", "Z", "%C3%A9", "é", "\u212a", "\u2003", "-", "linked", "in.com/in/"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(PIECES, max_size=8).map("".join), max_size=20))
def test_any_urls(urls):
    column = pd.Series(urls, dtype="str")
    pd.testing.assert_series_equal(
        clean.linkedin_slug(column), _old_linkedin_slug(column), check_exact=True
    )
