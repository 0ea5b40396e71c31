"""The name an e-mail address or a LinkedIn URL spells: a second spelling of a person's name.

An address such as ``william.tinren59@...`` was typed once, when the person made it, and keeps
the spelling they gave: a list's later typo in the name ("Tniren"), or a married name entered
over the maiden one, leave the address as it was. A LinkedIn URL (``/in/jonathan-clark-1f3a2``)
is made from the name its owner signed up with and kept when they later show a nickname ("Jon
Clark"). So where two records' names differ, one record's address or URL spelling the OTHER
record's name (and not its own) says the two names are one person's name: the pair is as good
as an exact name match, and as rare by accident as that name (the name comparison's level "same
name as an e-mail address or URL spells it", term-frequency adjusted on the name). A namesake's
neighbour in spelling ("Li Xu" against "Li Wu") has an address that spells its own name.

Only the words are read, once per distinct value: an address's local part or a URL's slug split
at dots, hyphens and underscores; in an address digits at a word's ends are dropped and words
with digits inside left out, in a URL every word with a digit (its suffix: "1f3a2") is left out
("william.tinren59" -> william, tinren; fewer than two words, as "jsmith", say nothing). The
last word (or all words after the first run together: "santanaacevedo") must be the other's
last name; the first word the other's first name, one of
its nickname variants, or its initial alone. "Its own name" is read strictly (the first word
the record's own first name): "william.tinren" on a "Will Tinren" record tells the full name.

The domain is not read: a free-mail domain says nothing about a person, and on the synthetic
benchmark the domains are an artefact of the generator (invented people at example.com,
namesakes at example.org), so a domain comparison would learn the generator rather than people.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.link.levels import pair_codes
from pipeline.text.names import fold_name

_SPLIT = r"[.\-_+\s]+"


def _per_value(values: pd.Series, text) -> np.ndarray:
    """``text`` (string work on a Series) on the distinct values only, spread back to rows."""
    codes, uniques = pd.factorize(values.fillna("").astype("str"))
    return text(pd.Series(uniques, dtype="str")).to_numpy(dtype=object)[codes]


def _words(values: pd.Series, email: bool) -> pd.DataFrame:
    """first and last name word of each address's local part (``email``) or URL slug ("" when
    fewer than two), and the words after the first run together; once per distinct value."""
    codes, uniques = pd.factorize(values.fillna("").astype("str"))
    text = pd.Series(uniques, dtype="str")
    if email:
        text = text.str.split("@").str[0]
    tokens = text.str.split(_SPLIT, regex=True).explode()
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


def _in_variants(words: pd.Series, variants: pd.Series) -> np.ndarray:
    """True where the word is one of the "|"-joined first-name variants (once per distinct
    pair of values)."""
    inverse, uw, uv = pair_codes(words, variants)
    hit = np.array(
        [w != "" and w in v.split("|") for w, v in zip(uw, uv, strict=True)] + [False], dtype=bool
    )
    return hit[inverse] if len(inverse) else np.zeros(0, dtype=bool)


def _spells(words: pd.DataFrame, frame: pd.DataFrame, strict: bool) -> np.ndarray:
    """True where the words spell ``frame``'s name (row i against row i): the last name, and
    the first name exactly or by its initial alone, or (not ``strict``) by a variant."""
    last = frame["last_key"].fillna("").astype("str")
    last_word = _per_value(last, lambda s: s.str.split().str[-1].fillna(""))
    compact = _per_value(last, lambda s: s.str.replace(" ", "", regex=False))
    first_key = frame["first_key"].fillna("").astype("str")
    given = _per_value(first_key, lambda s: s.str.split().str[0].fillna(""))
    initial = _per_value(first_key, lambda s: s.str[:1])
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
            out[open_] = _in_variants(
                words["first"].iloc[open_].reset_index(drop=True),
                frame["first_name_variants"].iloc[open_].reset_index(drop=True),
            )
    return out


def spelled_by_address(a: pd.DataFrame, b: pd.DataFrame) -> np.ndarray:
    """True where one record's e-mail address or LinkedIn URL spells the other record's name
    and not its own (rows of ``a`` and ``b`` aligned; both have first_key and last_key, and
    email, linkedin_slug, first_name_variants where known). The name comparison's level "same
    name as an e-mail address or URL spells it" reads it."""
    out = np.zeros(len(a), dtype=bool)
    for column, email in (("email", True), ("linkedin_slug", False)):
        if column not in a.columns:
            continue
        wa, wb = _words(a[column], email), _words(b[column], email)
        out |= _spells(wa, b, strict=False) & ~_spells(wa, a, strict=True)
        out |= _spells(wb, a, strict=False) & ~_spells(wb, b, strict=True)
    return out
