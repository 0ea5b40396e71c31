"""Tests for pipeline.normalize.companies: cleaning, keys, parents, placeholders, token weights.

Real employers appear only as company names (the alias table is about them); every other name is
invented ("Acme", "Globex", "Zeta Analytics").
"""

from __future__ import annotations

import re
from importlib import resources

import numpy as np
import pandas as pd
import pytest
from cleanco import basename
from cleanco.clean import prepare_default_terms
from hypothesis import given
from hypothesis import strategies as st

from pipeline.errors import SettingsError
from pipeline.normalize.companies import (
    PARENT_CREDIT,
    SIBLING_CREDIT,
    CompanyTokenWeights,
    check_aliases,
    clean_company,
    company_key,
    company_keys,
    company_similarities,
    company_similarity,
    employer_kind,
    employer_kinds,
    is_school_name,
    parent_key,
)
from pipeline.normalize.companies import _basename as fast_basename
from pipeline.text.placeholders import is_placeholder

FULL, PARENT, SIBLING, NONE = 1.0, PARENT_CREDIT, SIBLING_CREDIT, 0.0

PAIRS = [
    ("Amazon Web Services (AWS)", "Amazon", PARENT),
    ("AWS", "Amazon Web Services, Inc.", FULL),
    ("Google", "Alphabet Inc.", PARENT),
    ("Google LLC", "Google", FULL),
    ("Google Canada", "Google LLC", FULL),
    ("YouTube", "Google", PARENT),
    ("YouTube", "Alphabet", PARENT),  # grandparent still counts as the parent side
    ("Google DeepMind", "DeepMind", FULL),
    ("DeepMind", "Alphabet Inc.", PARENT),
    ("Waymo", "Verily Life Sciences", SIBLING),
    ("Waymo", "YouTube", SIBLING),
    ("Facebook", "Meta", FULL),
    ("Meta Platforms, Inc.", "Facebook, Inc.", FULL),
    ("Instagram", "Meta", PARENT),
    ("WhatsApp", "Instagram", SIBLING),
    ("Oculus VR", "Reality Labs", FULL),
    ("Twitter", "X Corp.", FULL),
    ("Twitch", "Amazon.com, Inc.", PARENT),
    ("Whole Foods Market", "AWS", SIBLING),
    ("LinkedIn", "Microsoft Corporation", PARENT),
    ("GitHub, Inc.", "LinkedIn", SIBLING),
    ("Microsoft Canada", "Microsoft", FULL),
    ("Red Hat", "IBM", PARENT),
    ("International Business Machines Corporation", "IBM", FULL),
    ("J.P. Morgan", "JPMorgan Chase & Co.", FULL),
    ("JP Morgan Chase", "Chase", FULL),
    ("Goldman Sachs & Co. LLC", "Goldman Sachs", FULL),
    ("Goldman Sachs", "Morgan Stanley", NONE),
    ("Merrill Lynch", "Bank of America", PARENT),
    ("BofA", "Bank of America Corporation", FULL),
    ("RBC", "Royal Bank of Canada", FULL),
    ("RBC Capital Markets", "Royal Bank of Canada", PARENT),
    ("RBC Capital Markets", "RBC Wealth Management", SIBLING),
    ("Bank of Montreal", "Royal Bank of Canada", NONE),
    ("BMO", "Bank of Montreal", FULL),
    ("TD Securities", "The Toronto-Dominion Bank", PARENT),
    ("TD Canada Trust", "TD Bank Group", FULL),
    ("Scotiabank", "The Bank of Nova Scotia", FULL),
    ("CIBC World Markets", "CIBC Capital Markets", FULL),
    ("Ernst & Young LLP", "EY", FULL),
    ("Ernst and Young", "EY Canada", FULL),
    ("PricewaterhouseCoopers LLP", "PwC", FULL),
    ("Price Waterhouse Coopers", "PwC Canada", FULL),
    ("KPMG LLP", "KPMG Canada", FULL),
    ("Deloitte Consulting", "Deloitte", PARENT),  # service line: partial, see the module docstring
    ("Deloitte Canada", "Deloitte LLP", FULL),  # country member firm: the same employer
    ("Deloitte Digital", "Deloitte Consulting LLP", SIBLING),
    ("McKinsey & Company", "McKinsey", FULL),
    ("The Boston Consulting Group", "BCG", FULL),
    ("Bain & Company", "Bain Capital", NONE),
    ("Apple", "Applied Materials", NONE),
    ("Salesforce.com", "Slack Technologies, LLC", PARENT),
    ("Tableau Software", "Slack", SIBLING),
    ("Cerner", "Oracle", PARENT),
    ("Open Text Corporation", "OpenText", FULL),
    ("NVIDIA Corporation", "Nvidia", FULL),
    ("Uber Technologies Inc", "Uber", FULL),
    ("Intel", "Intact Financial Corporation", NONE),
    ("Google", "Amazon", NONE),
    ("Shopify", "Wealthsimple", NONE),
    ("Cohere Inc.", "Cohere", FULL),
    ("Netflix, Inc.", "Netflix", FULL),
    ("Acme Widgets Inc.", "ACME Widgets, Ltd.", FULL),  # unknown firms fall back to the clean name
    ("Acme Widgets", "Acme Gadgets", NONE),
    ("Air Canada", "Canada", NONE),  # a country word is only dropped to reach a known alias
    ("Self-employed", "Self-employed", NONE),  # placeholders never match, not even themselves
    ("Stealth Startup", "Stealth Startup", NONE),
    ("Citigroup Inc.", "Citi", FULL),
    ("National Bank Financial", "National Bank of Canada", FULL),
    ("HSBC Bank Canada", "HSBC", FULL),
]


def test_the_pair_table_is_big_enough() -> None:
    assert len(PAIRS) >= 45


@pytest.mark.parametrize(("a", "b", "expected"), PAIRS)
def test_company_pairs(a: str, b: str, expected: float) -> None:
    key_a, key_b = company_key(a), company_key(b)
    assert company_similarity(key_a, key_b) == expected
    assert company_similarity(key_b, key_a) == expected


def test_company_similarities_is_the_scalar_rule_over_series() -> None:
    left = pd.Series([company_key(a) for a, _, _ in PAIRS])
    right = pd.Series([company_key(b) for _, b, _ in PAIRS], index=range(100, 100 + len(PAIRS)))
    assert company_similarities(left, right).tolist() == [e for _, _, e in PAIRS]


def test_credits_are_ordered() -> None:
    assert 1.0 > PARENT_CREDIT > SIBLING_CREDIT > 0.0


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Google LLC", "google"),
        ("Alphabet Inc.", "alphabet"),
        ("J.P. Morgan", "jpmorgan chase"),
        ("JPMorgan Chase & Co.", "jpmorgan chase"),
        ("JP Morgan Chase", "jpmorgan chase"),
        ("Ernst & Young", "ey"),
        ("Twitter", "x"),
        ("Facebook", "meta"),
        ("Amazon Web Services (AWS)", "aws"),
        ("Royal Bank (RBC)", "rbc"),
        ("Zeta Analytics (ZA)", "zeta analytics"),  # an unknown acronym changes nothing
        ("Hydro-Québec", "hydro quebec"),
        ("𝐀𝐜𝐦𝐞 Widgets Inc.", "acme widgets"),  # math-bold letters fold through NFKC
        ("🚀 Globex Rockets", "globex rockets"),
    ],
)
def test_company_key(name: str, key: str) -> None:
    assert company_key(name) == key
    assert re.fullmatch(r"[a-z0-9]+( [a-z0-9]+)*", key)


PLACEHOLDERS = [
    "Self-employed",
    "Self Employed Consultant",
    "Freelance",
    "Freelance Graphic Designer",
    "Stealth Startup",
    "Stealth",
    "Stealth AI Startup",
    "Confidential",
    "Retired",
    "-",
    ".",
    "--",
    "N/A",
    "Unemployed",
    "Looking for new opportunities",
    "Open to work",
    "Various",
]


@pytest.mark.parametrize("name", PLACEHOLDERS)
def test_placeholders_have_no_key(name: str) -> None:
    assert is_placeholder(name)
    assert company_key(name) == ""


@pytest.mark.parametrize(
    "name",
    [
        "OpenText",
        "Open Text",
        "Stealthwerks",
        "Independent Electricity System Operator",
        "Acme",
        "",
    ],
)
def test_not_placeholders(name: str) -> None:
    assert not is_placeholder(name)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Amazon Web Services (AWS)", "Amazon Web Services"),  # cleanco alone gives "...(AWS"
        ("Amazon Web Services (AWS", "Amazon Web Services"),  # already mangled upstream
        ("Acme Co., Ltd.", "Acme"),  # repeated until stable
        ("Globex Inc. (Canada)", "Globex (Canada)"),  # other brackets are kept, after cleaning
        ("Initech GmbH", "Initech"),
        ("Initech S.A.", "Initech"),
        ("Initech S.p.A.", "Initech"),
        ("Initech plc", "Initech"),
        ("Initech LLP", "Initech"),
        ("Initech Corp", "Initech"),
        ("  Vandelay\u200b   Industries  Inc. ", "Vandelay Industries"),
        ("Acme®", "Acme"),
        ("Company", "Company"),  # nothing but a legal word: kept, not emptied
        ("Limited", "Limited"),
        ("Ltd Inc", "Ltd Inc"),
        ("(AWS)", "(AWS)"),
        ("Bain & Company", "Bain"),
    ],
)
def test_clean_company(raw: str, clean: str) -> None:
    assert clean_company(raw) == clean


@pytest.mark.parametrize(
    ("key", "parent"),
    [
        ("google", "alphabet"),
        ("youtube", "google"),
        ("deepmind", "google"),
        ("aws", "amazon"),
        ("instagram", "meta"),
        ("linkedin", "microsoft"),
        ("github", "microsoft"),
        ("deloitte consulting", "deloitte"),
        ("rbc capital markets", "rbc"),
        ("jpmorgan chase", ""),
        ("alphabet", ""),
        ("acme widgets", ""),
        ("", ""),
    ],
)
def test_parent_key(key: str, parent: str) -> None:
    assert parent_key(key) == parent


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("University of Waterloo", True),
        ("McGill University", True),
        ("MIT", True),
        ("Polytechnique Montréal", True),
        ("Collège Boréal", True),
        ("School of Continuing Studies", True),
        ("Northfield Community College", True),
        ("UBC", True),
        ("Shopify", False),
        ("Vector Institute", False),
        ("Bank of Montreal", False),
        ("Schoolhouse Robotics Inc.", False),
        ("", False),
    ],
)
def test_is_school_name(name: str, expected: bool) -> None:
    assert is_school_name(name) is expected


def test_extra_aliases_beat_the_shipped_table() -> None:
    extra = {"Globex Labs": "globex", "Goog": "Alphabet Inc.", "Chase": "Chase Widgets"}
    assert company_key("Globex Labs Inc.", extra) == "globex"
    assert company_key("Goog", extra) == "alphabet"  # a name is resolved to its key
    assert company_key("Chase", extra) == "chase widgets"
    assert company_key("Chase") == "jpmorgan chase"  # without them, the shipped table


def test_company_keys_on_a_series_with_repeats() -> None:
    names = pd.Series(
        ["Google LLC", "Freelance", None, "Google LLC", "University of Waterloo", "Globex Labs"],
        index=[10, 11, 12, 13, 14, 15],
        dtype="str",
    )
    before = names.copy()
    out = company_keys(names, {"Globex Labs": "globex"})
    pd.testing.assert_series_equal(names, before)
    assert out.index.tolist() == names.index.tolist()
    assert out.columns.tolist() == ["company_clean", "company_key", "company_parent",
                                    "company_is_placeholder", "company_is_school",
                                    "company_key_source"]  # fmt: skip
    assert out["company_clean"].tolist()[:2] == ["Google", "Freelance"]
    assert out["company_key"].tolist() == [
        "google", "", "", "google", "university of waterloo", "globex"
    ]  # fmt: skip
    assert out["company_parent"].tolist() == ["alphabet", "", "", "alphabet", "", ""]
    assert out["company_is_placeholder"].tolist() == [False, True, False, False, False, False]
    assert out["company_is_school"].tolist() == [False, False, False, False, True, False]
    assert out["company_is_school"].dtype == bool
    assert out["company_key_source"].tolist() == [
        "alias", "placeholder", "empty", "alias", "name", "alias"
    ]  # fmt: skip


def test_company_keys_on_an_empty_series() -> None:
    out = company_keys(pd.Series([], dtype="str"))
    assert len(out) == 0 and "company_key" in out.columns


KEYS = [
    "acme technologies", "acme group", "bank of montreal", "royal bank", "globex solutions",
    "initech solutions", "umbrella health", "vandelay industries", "hooli", "stark", "wayne group",
]  # fmt: skip


def test_token_weights_rare_words_count_generic_words_barely() -> None:
    weights = CompanyTokenWeights.fit(KEYS)
    a = pd.Series(["Acme Technologies", "Bank of Montreal", "Globex Solutions", "hooli", "stark"])
    b = pd.Series(["Acme Group", "Royal Bank", "Initech Solutions", "hooli", "wayne group"])
    scores = weights.similarity(a, b)
    assert isinstance(scores, np.ndarray) and scores.shape == (5,)
    assert scores[0] > 0.9  # shared rare "acme"
    assert scores[1] < 0.1  # shared generic "bank" only
    assert scores[2] < 0.1  # shared generic "solutions" only
    assert scores[3] == pytest.approx(1.0)
    assert scores[4] == 0.0
    assert ((scores >= 0.0) & (scores <= 1.0)).all()


def test_token_weights_fitted_rarity_matters() -> None:
    # Neither word is on the generic list: "zenith" is common in this corpus, "apex" is rare.
    weights = CompanyTokenWeights.fit(["zenith apex", "zenith one", "zenith two", "zenith three"])
    scores = weights.similarity(
        pd.Series(["zenith apex", "zenith apex"]), pd.Series(["zenith", "apex"])
    )
    assert scores[1] > scores[0]


def test_token_weights_need_aligned_series() -> None:
    weights = CompanyTokenWeights.fit(KEYS)
    with pytest.raises(ValueError, match="same length"):
        weights.similarity(pd.Series(["acme"]), pd.Series(["acme", "hooli"]))


def _aliases() -> pd.DataFrame:
    path = resources.files("pipeline.data").joinpath("company_aliases.csv")
    with resources.as_file(path) as csv_path:
        return pd.read_csv(csv_path, dtype=str, keep_default_na=False)


def test_alias_table_is_consistent() -> None:
    table = _aliases()
    assert table.columns.tolist() == ["alias", "key", "parent", "relation", "note"]
    assert len(table) >= 80
    assert set(table["relation"]) <= {"same", "subsidiary", "rename", "member firm"}
    assert table["key"].str.fullmatch(r"[a-z0-9]+( [a-z0-9]+)*").all()
    assert set(table["parent"]) - {""} <= set(table["key"])
    assert not table["alias"].str.lower().duplicated().any()
    # every shipped alias resolves to its own row's key
    assert [company_key(a) for a in table["alias"]] == table["key"].tolist()


def test_token_weights_fit_on_company_keys_as_link_uses_them() -> None:
    keys = company_keys(
        pd.Series(["Acme Technologies Inc.", "Acme Group", "Royal Bank of Canada", "", None,
                   "Freelance", "Globex Bank"])
    )["company_key"]  # fmt: skip
    weights = CompanyTokenWeights.fit(keys)  # blanks and placeholders ("") are skipped
    scores = weights.similarity(
        pd.Series(["acme technologies", "globex bank", ""]), pd.Series(["acme", "rbc", "acme"])
    )
    assert scores[0] > 0.9 and scores[1] == 0.0 and scores[2] == 0.0


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("RBC", "bank"), ("RBC Capital Markets", "bank"), ("J.P. Morgan", "bank"),
        ("Merrill Lynch", "bank"), ("Citigroup", "bank"), ("TD Securities", "bank"),
        ("Shopify", ""), ("Intact Financial Corporation", ""), ("", ""),
    ],
)  # fmt: skip
def test_employer_kind(name: str, kind: str) -> None:
    assert employer_kind(company_key(name)) == kind


def test_employer_kinds_on_a_series() -> None:
    keys = pd.Series(["rbc", None, "shopify", "rbc"], index=[4, 5, 6, 7])
    assert employer_kinds(keys).tolist() == ["bank", "", "", "bank"]
    assert employer_kinds(keys).index.tolist() == [4, 5, 6, 7]


def test_employer_kind_table_names_real_keys() -> None:
    path = resources.files("pipeline.data").joinpath("employer_kinds.csv")
    with resources.as_file(path) as csv_path:
        table = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    # each listed key is what company_key gives for that name, so the lookup can ever hit
    assert all(re.fullmatch(r"[a-z0-9]+( [a-z0-9]+)*", k) for k in table["key"])
    assert table["key"].is_unique


@pytest.mark.parametrize("aliases", [{"": "Acme"}, {"Acme": "--"}, {"®": "Acme"}])
def test_bad_user_aliases_raise_a_settings_error(aliases: dict[str, str]) -> None:
    with pytest.raises(SettingsError, match="company_aliases"):
        check_aliases(aliases)


_TERMS = [" ".join(parts) for _, parts in prepare_default_terms()]


@given(
    st.lists(st.sampled_from(_TERMS), max_size=3),
    st.sampled_from(["", ".", ",", " ", "Inc.", "S.A.", "GmbH & Co. KG"]),
)
def test_fast_basename_is_cleancos_basename(terms: list[str], tail: str) -> None:
    name = " ".join(["Acme", *terms, tail]).strip()
    assert fast_basename(name) == basename(name)
