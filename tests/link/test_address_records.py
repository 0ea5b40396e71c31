"""The address name level per record (``addresses.address_names`` + ``spelled``) says what the
per-pair rule it replaced said, on every pair of a table of odd and hostile records: missing
values, one-letter words, digits inside and around words, several "@", Unicode spaces and
letters, compound and particle names, "?" for lost letters, variants present and absent."""

import itertools

import numpy as np
import pandas as pd
import pytest

from pipeline.link.addresses import address_names, address_words, spelled, spelled_by_address
from pipeline.link.levels import pair_codes
from pipeline.text.names import fold_name

# --- the per-pair rule as it was before (commit 4b1d045), kept here as the oracle ----------
_old_SPLIT = r"[.\-_+\s]+"


def _old_per_value(values: pd.Series, text) -> np.ndarray:
    """``text`` (string work on a Series) on the distinct values only, spread back to rows."""
    codes, uniques = pd.factorize(values.fillna("").astype("str"))
    return text(pd.Series(uniques, dtype="str")).to_numpy(dtype=object)[codes]


def _old_words(values: pd.Series, email: bool) -> pd.DataFrame:
    """first and last name word of each address's local part (``email``) or URL slug ("" when
    fewer than two), and the words after the first run together; once per distinct value."""
    codes, uniques = pd.factorize(values.fillna("").astype("str"))
    text = pd.Series(uniques, dtype="str")
    if email:
        text = text.str.split("@").str[0]
    tokens = text.str.split(_old_SPLIT, regex=True).explode()
    tokens = tokens.fillna("")
    if email:  # "tinren59": a number after the name; in a URL a word with digits is its suffix
        tokens = tokens.str.strip("0123456789")
    tokens = tokens[(tokens != "") & ~tokens.str.contains(r"\d", regex=True)]
    folded = tokens.map(fold_name).str.replace(" ", "", regex=False)
    folded = folded[folded != ""]
    grouped = folded.groupby(level=0)
    count = grouped.size().reindex(range(len(text)), fill_value=0).to_numpy()
    two = count >= 2
    first = grouped.first().reindex(range(len(text)), fill_value="").to_numpy(dtype=object)
    last = grouped.last().reindex(range(len(text)), fill_value="").to_numpy(dtype=object)
    rest = folded[folded.groupby(level=0).cumcount() > 0].groupby(level=0).agg("".join)
    joined = rest.reindex(range(len(text)), fill_value="").to_numpy(dtype=object)
    table = {
        "first": np.where(two, first, ""),
        "last": np.where(two, last, ""),
        "joined": np.where(two, joined, ""),
    }
    return pd.DataFrame(
        {k: np.asarray(v, dtype=object)[codes] for k, v in table.items()}, index=values.index
    )


def _old_in_variants(words: pd.Series, variants: pd.Series) -> np.ndarray:
    """True where the word is one of the "|"-joined first-name variants (once per distinct
    pair of values)."""
    inverse, uw, uv = pair_codes(words, variants)
    hit = np.array(
        [w != "" and w in v.split("|") for w, v in zip(uw, uv, strict=True)] + [False], dtype=bool
    )
    return hit[inverse] if len(inverse) else np.zeros(0, dtype=bool)


def _old_spells(words: pd.DataFrame, frame: pd.DataFrame, strict: bool) -> np.ndarray:
    """True where the words spell ``frame``'s name (row i against row i): the last name, and
    the first name exactly or by its initial alone, or (not ``strict``) by a variant."""
    last = frame["last_key"].fillna("").astype("str")
    last_word = _old_per_value(last, lambda s: s.str.split().str[-1].fillna(""))
    compact = _old_per_value(last, lambda s: s.str.replace(" ", "", regex=False))
    first_key = frame["first_key"].fillna("").astype("str")
    given = _old_per_value(first_key, lambda s: s.str.split().str[0].fillna(""))
    initial = _old_per_value(first_key, lambda s: s.str[:1])
    w_first = words["first"].to_numpy(dtype=object)
    w_last = words["last"].to_numpy(dtype=object)
    has = (w_last != "") & (compact != "") & (initial != "")
    same_last = (w_last == last_word) | (words["joined"].to_numpy(dtype=object) == compact)
    as_initial = (words["first"].str.len().to_numpy() == 1) & (words["first"].str[:1] == initial)
    same_first = (w_first == given) | as_initial.to_numpy(dtype=bool)
    out = has & same_last & same_first
    if not strict and "first_name_variants" in frame.columns:
        open_ = np.flatnonzero(has & same_last & ~same_first)
        if len(open_):
            out[open_] = _old_in_variants(
                words["first"].iloc[open_].reset_index(drop=True),
                frame["first_name_variants"].iloc[open_].reset_index(drop=True),
            )
    return out


def old_spelled_by_address(a: pd.DataFrame, b: pd.DataFrame) -> np.ndarray:
    """True where one record's e-mail address or LinkedIn URL spells the other record's name
    and not its own (rows of ``a`` and ``b`` aligned; both have first_key and last_key, and
    email, linkedin_slug, first_name_variants where known). The name comparison's level "same
    name as an e-mail address or URL spells it" reads it."""
    out = np.zeros(len(a), dtype=bool)
    for column, email in (("email", True), ("linkedin_slug", False)):
        if column not in a.columns:
            continue
        wa, wb = _old_words(a[column], email), _old_words(b[column], email)
        out |= _old_spells(wa, b, strict=False) & ~_old_spells(wa, a, strict=True)
        out |= _old_spells(wb, a, strict=False) & ~_old_spells(wb, b, strict=True)
    return out


# --- the table ---------------------------------------------------------------------------
RECORDS = [
    # email, linkedin_slug, first_key, last_key, first_name_variants
    ("william.tinren59@gmail.com", "", "will", "tinren", "will|william|bill"),
    ("", "william-tinren-1f3a2", "william", "tinren", "william|will|bill"),
    ("w.tinren@x.org", "", "walter", "tinren", "walter|walt"),
    ("w.tinren@x.org", "w-tinren", "bob", "tinren", "bob|robert"),  # another's initial
    ("bill.tinren@x.org", "bill-tinren", "will", "tinren", "will|william|bill"),
    ("maria.santana.acevedo@x.org", "maria-santana-acevedo", "maria", "santana", "maria|mary"),
    ("", "", "maria", "santana acevedo", "maria|mary"),
    ("maria_santana-acevedo7@x.org", "", "mary", "acevedo", "mary|maria"),
    ("li.xu@gmail.com", "li-xu", "li", "xu", "li"),
    ("li.wu@gmail.com", None, "li", "wu", "li"),
    (None, None, "li", "wu", None),
    ("jsmith@gmail.com", "jsmith", "john", "smith", "john|jon|jack"),
    ("j.smith@gmail.com", "j-smith-2", "john", "smith", "john|jon|jack"),
    ("jon.smith@gmail.com", "jon-smith", "jonathan", "smith", "jonathan|jon"),
    ("a@b@c.smith@x.org", "", "a", "smith", "a"),
    ("12.34@x.org", "1a2-b3c", "ann", "lee", "ann|anna"),
    ("ann9.lee9@x.org", "ann-lee-99", "anna", "lee", "anna|ann"),
    ("ann.l3e@x.org", "", "ann", "lee", "ann|anna"),
    ("anne\u00a0marie.o\u2019brien@x.org", "", "anne marie", "obrien", "anne marie|anne"),
    ("anne.marie.obrien@x.org", "anne-marie-obrien", "anne", "obrien", "anne|ann"),
    ("zoë.ødegård@x.no", "zoe-odegard", "zoe", "odegard", "zoe"),
    ("thi.nguy?n@x.vn", "", "thi", "nguy?n", "thi"),
    ("thi.nguyen@x.vn", "", "thi", "nguyen", "thi"),
    ("van.der.berg@x.nl", "", "jan", "van der berg", "jan|johannes"),
    ("jan.vanderberg@x.nl", "", "jan", "berg", "jan"),
    ("", "", "", "", ""),
    (" . @x.org", "-", " ", " ", "|"),
    ("s.devika@x.in", "", "devika", "s", "devika"),
    ("devika.s@x.in", "devika-s", "devika", "sharma", "devika"),
    ("x.y@x.org", "x-y", "x", "y", "x"),
    ("..jo..ann..@x.org", "__jo__ann__", "jo", "ann", "jo|joann|joanne"),
    ("JO.ANN@X.ORG", "JO-ANN", "jo", "ann", None),
]
COLUMNS = ["email", "linkedin_slug", "first_key", "last_key", "first_name_variants"]


def _frame(columns=COLUMNS) -> pd.DataFrame:
    return pd.DataFrame(RECORDS, columns=COLUMNS, dtype="str")[list(columns)]


@pytest.mark.parametrize(
    "columns",
    [
        COLUMNS,
        ["email", "first_key", "last_key"],  # no variants, no URL
        ["linkedin_slug", "first_key", "last_key", "first_name_variants"],
    ],
)
def test_per_record_equals_the_per_pair_rule_on_every_pair(columns):
    frame = _frame(columns)
    every = itertools.product(range(len(frame)), repeat=2)
    left, right = (np.array(v) for v in zip(*every, strict=True))
    a = frame.iloc[left].reset_index(drop=True)
    b = frame.iloc[right].reset_index(drop=True)
    expected = old_spelled_by_address(a, b)
    assert expected.sum() >= 10  # the table has pairs the level takes, not only refusals
    assert spelled(address_names(frame), left, right).tolist() == expected.tolist()
    assert spelled_by_address(a, b).tolist() == expected.tolist()


@pytest.mark.parametrize("email", [True, False])
def test_address_words_equal_the_per_pair_words(email):
    values = pd.Series([r[0 if email else 1] for r in RECORDS] * 2, dtype="str")
    expected = _old_words(values, email)
    got = address_words(values, email)
    pd.testing.assert_frame_equal(
        got.astype(object), expected.astype(object), check_index_type=False
    )


def test_no_pairs_and_no_address_columns():
    frame = _frame(["first_key", "last_key"])
    names = address_names(frame)
    assert spelled(names, np.arange(3), np.arange(3)).tolist() == [False] * 3
    empty = np.zeros(0, dtype=np.int64)
    assert spelled(address_names(_frame()), empty, empty).tolist() == []


@pytest.mark.parametrize("email", [True, False])
@pytest.mark.parametrize("seed", range(4))
def test_address_words_split_by_arrow_equal_pythons(email, seed):
    # random addresses of separators, digits, letters of both cases, several "@", and now and
    # then a character outside printable ASCII (a Unicode space or digit, a control character,
    # an accented letter), which sends its value through Python's re instead of Arrow's RE2
    rng = np.random.default_rng(seed)
    common = [*"abcxyzAZ09.-_+ @@", "ann", "lee", "bo", "12", "x9y"]
    rare = ["\u00a0", "\u2003", "\u0663", "\x0b", "\x1f", "\t", "é", "İ", "ß", "?"]
    values = []
    for _ in range(400):
        pieces = rng.choice(common, size=rng.integers(0, 12)).tolist()
        if rng.random() < 0.2:
            pieces.insert(int(rng.integers(0, len(pieces) + 1)), str(rng.choice(rare)))
        values.append("".join(pieces))
    values = pd.Series([*values, None, ""], dtype="str")
    expected = _old_words(values, email)
    assert (expected["joined"] != expected["last"]).sum() >= 10  # some have three words or more
    got = address_words(values, email)
    pd.testing.assert_frame_equal(
        got.astype(object), expected.astype(object), check_index_type=False
    )
