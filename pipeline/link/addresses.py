"""The name an e-mail address spells: a second, independent spelling of a person's name.

An address such as ``william.tinren59@...`` was typed once, when the person made it, and keeps
the spelling they gave: a list's later typo in the name ("Tniren"), or a married name entered
over the maiden one, leave the address as it was. So where two records' names differ, one
record's address spelling the OTHER record's name (and not its own) says the two names are one
person's name: the pair is as good as an exact name match, and as rare by accident as that
name (the name comparison's level "same name as an e-mail address spells it", term-frequency
adjusted on the name). A namesake's neighbour in spelling ("Li Xu" against "Li Wu") has an
address that spells its own name, not the other.

Only the address's local part is read, once per distinct address: its letter words
("william.tinren59" -> "william", "tinren"; digits dropped; fewer than two words, e.g. "jsmith",
say nothing). The last word (or all words after the first run together: "santanaacevedo")
must be the other's last name, the first word start with the other's first initial. The domain
is not read: a free-mail domain says nothing about a person, and on the synthetic benchmark the
domains are an artefact of the generator (invented people at example.com, namesakes at
example.org), so a domain comparison would learn the generator rather than people.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.text.names import fold_name


def _per_value(values: pd.Series, text) -> np.ndarray:
    """``text`` (string work on a Series) on the distinct values only, spread back to rows."""
    codes, uniques = pd.factorize(values.fillna("").astype("str"))
    return text(pd.Series(uniques, dtype="str")).to_numpy(dtype=object)[codes]


def _address_words(emails: pd.Series) -> pd.DataFrame:
    """first and last letter word of each address's local part ("" when fewer than two
    words), and the words after the first run together; worked out once per distinct address."""
    codes, uniques = pd.factorize(emails.fillna("").astype("str"))
    local = pd.Series(uniques, dtype="str").str.split("@").str[0].map(fold_name)
    words = local.str.replace(r"\d+", " ", regex=True).str.split()
    two = (words.str.len() >= 2).to_numpy()
    table = {
        "first": np.where(two, words.str[0].fillna("").to_numpy(dtype=object), ""),
        "last": np.where(two, words.str[-1].fillna("").to_numpy(dtype=object), ""),
        "joined": np.where(two, words.str[1:].str.join("").fillna("").to_numpy(dtype=object), ""),
    }
    return pd.DataFrame(
        {k: np.asarray(v, dtype=object)[codes] for k, v in table.items()}, index=emails.index
    )


def _spells(words: pd.DataFrame, frame: pd.DataFrame) -> np.ndarray:
    """True where the address words spell ``frame``'s name (row i against row i)."""
    last = frame["last_key"].fillna("").astype("str")
    last_word = _per_value(last, lambda s: s.str.split().str[-1].fillna(""))
    compact = _per_value(last, lambda s: s.str.replace(" ", "", regex=False))
    initial = _per_value(frame["first_key"], lambda s: s.str[:1])
    has = (words["last"].to_numpy(dtype=object) != "") & (compact != "") & (initial != "")
    same_last = (words["last"].to_numpy(dtype=object) == last_word) | (
        words["joined"].to_numpy(dtype=object) == compact
    )
    same_initial = words["first"].str[:1].to_numpy(dtype=object) == initial
    return has & same_last & same_initial


def spelled_by_address(a: pd.DataFrame, b: pd.DataFrame) -> np.ndarray:
    """True where one record's e-mail address spells the other record's name and not its own
    (rows of ``a`` and ``b`` aligned; both have email, first_key and last_key). The name
    comparison's level "same name as an e-mail address spells it" reads it."""
    wa, wb = _address_words(a["email"]), _address_words(b["email"])
    a_other, a_own = _spells(wa, b), _spells(wa, a)
    b_other, b_own = _spells(wb, a), _spells(wb, b)
    return (a_other & ~a_own) | (b_other & ~b_own)
