"""The derived keys the default blocking rules use: initials, Soundex, surname families, and
former (maiden) last names."""

from __future__ import annotations

from functools import lru_cache

import jellyfish
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.text.arrow_text import STR, taken_series
from pipeline.threads import beside

#: From this many records on, ``blocking_columns`` makes the last name's keys on a second
#: thread while this one makes the first name's and the former last names (Arrow's kernels
#: leave the GIL); below, the thread costs more than it saves.
THREADED = 100_000


def blocking_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """The derived keys the default rules block on, added to a copy of a normalized frame.

    Adds first_initial, last_phonetic (Soundex of the last name key), first_last, last_family
    (see ``last_families``) and former_key (the key of a former last name, from
    ``former_name``, when present).
    """
    with beside(threaded=len(frame) >= THREADED) as start:
        # none reads another's columns; the last name's, made first before, on the other
        # thread meanwhile (its error, as before, comes first)
        last = start(_last_keys, frame)
        first_initial = frame["first_key"].str[:1]
        first_last = (frame["first_key"] + " " + frame["last_key"]).str.strip()
        former = former_keys(frame)  # reads columns normalize made, none of these
        phonetic, family = last.result()
    keys = {
        "first_initial": first_initial,
        "last_phonetic": phonetic,
        "first_last": first_last,
        "last_family": family,
        "former_key": former,
    }
    if any(k in frame.columns for k in keys):  # made before: replaced in place
        return frame.assign(**keys)
    # added in one concat: five columns inserted one at a time cost twice as much
    return pd.concat([frame, pd.DataFrame(keys, index=frame.index)], axis=1)


def _last_keys(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """``blocking_columns``' last_phonetic and last_family: the last name's keys once per
    distinct last name, taken by its code in Arrow."""
    last_codes, last_uniques = pd.factorize(frame["last_key"].fillna("").astype(STR))
    last_uniques = np.asarray(last_uniques, dtype=object)
    phonetic = taken_series(soundexes(last_uniques), last_codes, frame.index)
    return phonetic, taken_series(_families(last_uniques), last_codes, frame.index)


def last_families(last: pd.Series) -> pd.Series:
    """The family of each last-name key: the shared key of its spellings in other
    romanisations (Lee, Yi, Rhee -> "lee"; data/surname_variants.csv), else the key itself."""
    codes, uniques = pd.factorize(last.fillna("").astype(STR))
    families = _families(np.asarray(uniques, dtype=object))
    return pd.Series(families[codes] if len(codes) else [], index=last.index, dtype=STR)


def _families(keys: np.ndarray) -> np.ndarray:
    """``last_families`` of distinct last-name keys (an object array of str)."""
    from pipeline.text.names import surname_families

    table = surname_families()
    return np.asarray([table.get(v, v) for v in keys], dtype=object)


def former_keys(frame: pd.DataFrame) -> pd.Series:
    """Key of the former (maiden) last name of each record, "" when none.

    From normalize's ``name_key_alternates`` ("first former-last" keys, "|"-joined; the first
    one is taken, its first-name part dropped), else from a raw ``former_name`` (a last name
    "Okafor" or a whole name "Ada Okafor": its last word).
    """
    from pipeline.normalize.names import name_key

    if "name_key_alternates" in frame.columns:
        alternates = frame["name_key_alternates"].fillna("").astype(STR)
        # only the records with an alternate (8% at large) read further: the rest have ""
        rows = np.flatnonzero((alternates != "").to_numpy(dtype=bool))
        # the first alternate split off once per distinct value, not per record
        alt_codes, alt_values = pd.factorize(alternates.iloc[rows])
        firsts = pc.list_element(pc.split_pattern(pa.array(alt_values), "|", max_splits=1), 0)
        first = frame["first_key"].fillna("").astype(STR).iloc[rows]
        # once per distinct (first, alternate) pair, found by integer codes, not Python tuples;
        # each record's first alternate coded through its value's (not made text per record)
        fc, fu = pd.factorize(first)
        first_codes, au = pd.factorize(pd.Series(firsts, dtype=STR))
        ac = first_codes[alt_codes] if len(alt_codes) else alt_codes
        codes, combos = pd.factorize(fc.astype(np.int64) * max(len(au), 1) + ac)
        fs = np.asarray(fu, dtype=object)[combos // max(len(au), 1)]
        alts = np.asarray(au, dtype=object)[combos % max(len(au), 1)]
        keys = [
            a[len(f) :].strip() if f and a.startswith(f + " ") else a
            for f, a in zip(fs, alts, strict=True)
        ]
        each = np.full(len(frame), len(keys), dtype=np.intp)  # "" after the keys
        each[rows] = codes
        return taken_series(np.asarray([*keys, ""], dtype=object), each, frame.index)
    if "former_name" not in frame.columns:
        return pd.Series("", index=frame.index, dtype=STR)
    raw = frame["former_name"].fillna("").astype(STR)
    codes, uniques = pd.factorize(raw)
    keys = [name_key("", str(v).split()[-1]) if str(v).strip() else "" for v in uniques]
    return pd.Series(np.asarray(keys, dtype=object)[codes], index=frame.index, dtype=STR)


def soundexes(keys: np.ndarray) -> np.ndarray:
    """``soundex`` of each of ``keys`` (an object array of str): the first word's letters a to
    z kept by Arrow, then jellyfish once per distinct word (many last names share one: "o'neil"
    and "oneil"), not a Python step per letter of each name.

    >>> soundexes(np.array(["rupert smith", "", "o'neil", "éa"], dtype=object)).tolist()
    ['r163', '', 'o540', 'a000']
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    keys = np.asarray(keys, dtype=object)
    try:
        text = pa.array(keys, pa.large_string())
    except (pa.ArrowException, UnicodeEncodeError):  # text UTF-8 cannot hold: one at a time
        return np.asarray([soundex(k) for k in keys], dtype=object)
    first = pc.list_element(pc.split_pattern(text, " ", max_splits=1), 0)
    words = pc.replace_substring_regex(first, "[^a-z]+", "")
    codes, distinct = pd.factorize(words.to_numpy(zero_copy_only=False))
    coded = np.asarray([jellyfish.soundex(w).lower() if w else "" for w in distinct], dtype=object)
    return coded[codes] if len(codes) else np.zeros(0, dtype=object)


@lru_cache(maxsize=1 << 16)
def soundex(key: str) -> str:
    """American Soundex (jellyfish, MIT) of the first word of a key, lower-case, "" when none.

    >>> soundex("robert"), soundex("rupert smith"), soundex("pfister"), soundex("")
    ('r163', 'r163', 'p236', '')
    """
    word = "".join(ch for ch in key.split(" ")[0] if "a" <= ch <= "z") if key else ""
    return jellyfish.soundex(word).lower() if word else ""
