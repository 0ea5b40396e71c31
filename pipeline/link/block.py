"""Blocking: candidate pairs from declared rules, never the full product of two files.

A rule is a value with a name and a ``pairs(frame)`` method. ``Equal`` pairs records whose key
columns are equal; ``SortedNeighbourhood`` pairs records whose keys sort next to each other;
``NameNeighbours`` pairs records whose name keys are nearest neighbours on TF-IDF character
n-grams. The union of their pairs is the candidate set; the count per rule is reported.
Pairs between two records of a file that holds each person once (``unique_sources``) are never
candidates: a LinkedIn export has one row per member.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

_EMPTY = pd.DataFrame({"left": np.zeros(0, "int64"), "right": np.zeros(0, "int64")})


@dataclass(frozen=True)
class Equal:
    """Records whose (non-empty) values of ``columns`` are all equal.

    With ``multi``, that column holds "|"-joined values and each value is a key of its own.
    A key shared by more than ``max_block`` records is too common to block on and is skipped.
    """

    name: str
    columns: tuple[str, ...]
    max_block: int = 300
    multi: str = ""
    also: tuple[str, ...] = ()  # other columns whose values must equal ``columns``' (a former
    # last name against a last name); then only such cross pairs are kept

    @property
    def needs(self) -> tuple[str, ...]:
        return (*self.columns, *self.also, *((self.multi,) if self.multi else ()))

    def pairs(self, frame: pd.DataFrame) -> pd.DataFrame:
        key = _keys(frame, self.columns, self.multi)
        if self.also:
            other = _keys(frame, self.also, self.multi)
            key = pd.concat([key, other])
            side = np.r_[np.zeros(len(key) - len(other), bool), np.ones(len(other), bool)]
        sizes = key.map(key.value_counts()).to_numpy()
        usable = (sizes > 1) & (sizes <= self.max_block)
        if not self.also:
            return _self_pairs(key[usable])
        return _self_pairs(key[usable], side[usable])

    def skipped(self, frame: pd.DataFrame) -> int:
        key = _keys(frame, self.columns, self.multi)
        counts = key.value_counts()
        return int((counts > self.max_block).sum())


@dataclass(frozen=True)
class SortedNeighbourhood:
    """Records whose ``column`` values are within ``window`` places of each other once the
    distinct values are sorted: catches a typo after the first letters ("smiht" next to "smith")."""

    name: str
    column: str
    window: int = 3
    max_block: int = 300

    @property
    def needs(self) -> tuple[str, ...]:
        return (self.column,)

    def pairs(self, frame: pd.DataFrame) -> pd.DataFrame:
        codes, uniques = _codes(frame[self.column])
        order = np.argsort(np.asarray(uniques, dtype=object), kind="stable")
        left = [order[: -step or None] for step in range(1, self.window)]
        right = [order[step:] for step in range(1, self.window)]
        key_pairs = np.column_stack([np.concatenate(left), np.concatenate(right)])
        return _expand(codes, key_pairs, self.max_block)


@dataclass(frozen=True)
class NameNeighbours:
    """The ``k`` nearest name keys by cosine similarity of TF-IDF character n-grams.

    Computed over distinct keys as a sparse product in chunks, keeping each key's top ``k`` above
    ``min_similarity``: typos, transpositions and dropped letters anywhere in the name. N-grams
    shared by more than ``max_df`` of the keys carry little and are left out of the product.
    """

    name: str
    column: str = "name_key"
    k: int = 5
    min_similarity: float = 0.6
    max_df: float = 0.05
    max_block: int = 100
    chunk: int = 2000

    @property
    def needs(self) -> tuple[str, ...]:
        return (self.column,)

    def pairs(self, frame: pd.DataFrame) -> pd.DataFrame:
        codes, uniques = _codes(frame[self.column])
        if len(uniques) < 2:
            return _EMPTY.copy()
        key_pairs = nearest_keys(
            list(uniques), self.k, self.min_similarity, self.max_df, self.chunk
        )
        return _expand(codes, key_pairs, self.max_block)


BlockingRule = Equal | SortedNeighbourhood | NameNeighbours

RULES: tuple[BlockingRule, ...] = (
    Equal("same LinkedIn slug", ("linkedin_slug",)),
    Equal("same email", ("email",)),
    Equal("same name key", ("name_key",)),
    Equal(
        "same last name and a first-name variant",
        ("last_key",),
        max_block=50,
        multi="first_name_variants",
    ),
    Equal(
        "former name and a first-name variant",
        ("last_key",),
        multi="first_name_variants",
        also=("former_key",),
    ),
    Equal(
        "same sounding last name and first name",
        ("last_phonetic", "first_key"),
        max_block=40,
    ),
    SortedNeighbourhood("sorted neighbourhood of first + last", "first_last", 3, max_block=40),
    NameNeighbours("nearest names (TF-IDF character n-grams)", k=3, max_block=40),
)


@dataclass(frozen=True)
class Candidates:
    pairs: pd.DataFrame  # columns left, right: positional indices into the frame, left < right
    per_rule: dict[str, int]  # pairs each rule produced (before the union)
    skipped_keys: dict[str, int]  # per Equal rule, keys skipped for being too common


def candidate_pairs(
    frame: pd.DataFrame,
    rules: Sequence[BlockingRule] = RULES,
    unique_sources: Sequence[str] = ("connections",),
) -> Candidates:
    """Pairs (i < j, positions in ``frame``) that at least one rule proposes.

    Rules whose columns ``frame`` lacks are skipped. Pairs of two records of the same file of a
    unique source (``frame`` has ``source`` and ``source_file`` for that) are dropped.

    >>> f = pd.DataFrame({"name_key": ["ann lee", "ann lee", "bo wu"]})
    >>> candidate_pairs(f, [Equal("name", ("name_key",))]).pairs.values.tolist()
    [[0, 1]]
    """
    allowed = _allowed(frame, unique_sources)
    found: list[pd.DataFrame] = []
    per_rule: dict[str, int] = {}
    skipped: dict[str, int] = {}
    for rule in rules:
        if not set(rule.needs) <= set(frame.columns):
            continue
        pairs = _ordered(rule.pairs(frame))
        pairs = pairs[allowed(pairs)]
        per_rule[rule.name] = len(pairs)
        if isinstance(rule, Equal):
            skipped[rule.name] = rule.skipped(frame)
        found.append(pairs)
    if not found:
        return Candidates(_EMPTY.copy(), per_rule, skipped)
    both = np.concatenate([p.to_numpy(dtype="int64") for p in found])
    # One int64 per pair makes the union a single np.unique instead of a frame-wide hash.
    n = max(len(frame), 1)
    union = np.unique(both[:, 0] * n + both[:, 1])
    pairs = pd.DataFrame({"left": union // n, "right": union % n})
    return Candidates(pairs, per_rule, skipped)


def blocking_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """The derived keys the default rules block on, added to a copy of a normalized frame.

    Adds first_initial, last_phonetic (Soundex of the last name key), first_last and former_key
    (the key of a former last name, from ``former_name``, when present).
    """
    out = frame.copy()
    out["first_initial"] = out["first_key"].str[:1]
    last_codes, last_uniques = pd.factorize(out["last_key"].astype("str"))
    out["last_phonetic"] = np.asarray([soundex(v) for v in last_uniques], dtype=object)[last_codes]
    out["last_phonetic"] = out["last_phonetic"].astype("str")
    out["first_last"] = (out["first_key"] + " " + out["last_key"]).str.strip()
    out["former_key"] = former_keys(out)
    return out


def former_keys(frame: pd.DataFrame) -> pd.Series:
    """Key of the former (maiden) last name of each record, "" when none.

    From normalize's ``name_key_alternates`` ("first former-last" keys, "|"-joined; the first
    one is taken, its first-name part dropped), else from a raw ``former_name`` (a last name
    "Okafor" or a whole name "Ada Okafor": its last word).
    """
    from pipeline.normalize.names import name_key

    if "name_key_alternates" in frame.columns:
        alt = frame["name_key_alternates"].fillna("").astype("str").str.split("|").str[0]
        first = frame["first_key"].fillna("").astype("str")
        codes, uniques = pd.factorize(pd.Series(list(zip(first, alt, strict=True))))
        keys = [a[len(f) :].strip() if f and a.startswith(f + " ") else a for f, a in uniques]
        return pd.Series(np.asarray(keys, dtype=object)[codes], index=frame.index, dtype="str")
    if "former_name" not in frame.columns:
        return pd.Series("", index=frame.index, dtype="str")
    raw = frame["former_name"].fillna("").astype("str")
    codes, uniques = pd.factorize(raw)
    keys = [name_key("", str(v).split()[-1]) if str(v).strip() else "" for v in uniques]
    return pd.Series(np.asarray(keys, dtype=object)[codes], index=frame.index, dtype="str")


MAX_NGRAM_KEYS = 1000
_SOUNDEX = str.maketrans("bfpvcgjkqsxzdtlmnr", "111122222222334556", "aeiouyhw")


@lru_cache(maxsize=1 << 16)
def soundex(key: str) -> str:
    """American Soundex of the first word of a key: ``soundex("robert") == "r163"``.

    Letters h and w do not separate equal codes, vowels do (the standard rule)."""
    word = "".join(ch for ch in key.split(" ")[0] if "a" <= ch <= "z") if key else ""
    if not word:
        return ""
    codes = []
    previous = word[0].translate(_SOUNDEX)
    for ch in word[1:]:
        if ch in "hw":
            continue
        code = ch.translate(_SOUNDEX)
        if code and code != previous:
            codes.append(code)
        previous = code
    return (word[0] + "".join(codes) + "000")[:4]


def nearest_keys(
    keys: list[str], k: int, min_similarity: float, max_df: float = 0.05, chunk: int = 2000
) -> np.ndarray:
    """Index pairs (i, j), i != j, where j is among the ``k`` keys most similar to i.

    >>> nearest_keys(["anna smith", "ana smith", "bo wu"], 1, 0.5).tolist()
    [[0, 1], [1, 0]]
    """
    vectorizer = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(2, 3),
        # An n-gram in thousands of keys makes the product quadratic and says little: the cap
        # is a share of the keys, and at most MAX_NGRAM_KEYS of them.
        max_df=min(max_df, MAX_NGRAM_KEYS / len(keys)) if len(keys) > 200 else 1.0,
        dtype=np.float32,
    )  # fmt: skip
    try:
        matrix = vectorizer.fit_transform(keys).tocsr()
    except ValueError:  # every n-gram too common, or none at all
        return np.zeros((0, 2), dtype="int64")
    transposed = matrix.T.tocsc()
    found: list[np.ndarray] = []
    for start in range(0, matrix.shape[0], chunk):
        sims = (matrix[start : start + chunk] @ transposed).tocoo()
        rows, cols, vals = sims.row + start, sims.col, sims.data
        keep = (vals >= min_similarity) & (rows != cols)
        rows, cols, vals = rows[keep], cols[keep], vals[keep]
        order = np.lexsort((-vals, rows))  # per row, most similar first
        rows, cols = rows[order], cols[order]
        first = np.r_[0, np.flatnonzero(np.diff(rows)) + 1] if len(rows) else np.zeros(0, int)
        rank = np.arange(len(rows)) - np.repeat(first, np.diff(np.r_[first, len(rows)]))
        found.append(np.column_stack([rows[rank < k], cols[rank < k]]))
    return np.concatenate(found).astype("int64") if found else np.zeros((0, 2), "int64")


def _codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the distinct non-empty values (-1 for empty) and those values."""
    text = values.fillna("").astype("str").to_numpy(dtype=object)
    codes, uniques = pd.factorize(np.where(text == "", None, text), use_na_sentinel=True)
    return codes, np.asarray(uniques, dtype=object)


def _expand(codes: np.ndarray, key_pairs: np.ndarray, max_block: int) -> pd.DataFrame:
    """Record pairs behind pairs of key codes (a key shared by > max_block records is skipped)."""
    if not len(key_pairs):
        return _EMPTY.copy()
    positions = pd.DataFrame({"code": codes, "pos": np.arange(len(codes), dtype="int64")})
    positions = positions[positions["code"] >= 0]
    sizes = positions["code"].map(positions["code"].value_counts())
    positions = positions[sizes <= max_block]
    keys = pd.DataFrame(key_pairs, columns=["a", "b"])
    joined = keys.merge(positions.rename(columns={"code": "a", "pos": "left"}), on="a")
    joined = joined.merge(positions.rename(columns={"code": "b", "pos": "right"}), on="b")
    return joined[["left", "right"]].astype("int64")


def _keys(frame: pd.DataFrame, columns: Sequence[str], multi: str) -> pd.Series:
    """The blocking key of each record (index: its position), records with an empty part left
    out; with ``multi``, one entry per value of that column."""
    parts = frame[list(columns)].astype("str").set_axis(np.arange(len(frame)))
    if multi:
        values = frame[multi].astype("str").str.split("|").set_axis(np.arange(len(frame)))
        parts = parts.assign(_multi=values).explode("_multi").fillna("")
    usable = (parts != "").all(axis=1).to_numpy()
    parts = parts[usable]
    if parts.shape[1] == 1:
        return parts.iloc[:, 0]
    key = parts.iloc[:, 0]
    for col in parts.columns[1:]:
        key = key + "\x1f" + parts[col]
    return key


def _self_pairs(key: pd.Series, side: np.ndarray | None = None) -> pd.DataFrame:
    """All pairs of positions sharing a key value (a self-join within each block); with
    ``side`` (bool per key), only pairs where a True key meets a False one."""
    df = pd.DataFrame({"key": key.to_numpy(), "pos": key.index.to_numpy(dtype="int64")})
    df["side"] = False if side is None else side
    df = df.drop_duplicates()
    joined = df.merge(df, on="key", suffixes=("_l", "_r"))
    joined = joined[joined["pos_l"] != joined["pos_r"]]
    if side is None:
        joined = joined[joined["pos_l"] < joined["pos_r"]]
    else:
        joined = joined[joined["side_l"] & ~joined["side_r"]]
    return pd.DataFrame({"left": joined["pos_l"].to_numpy(), "right": joined["pos_r"].to_numpy()})


def _ordered(pairs: pd.DataFrame) -> pd.DataFrame:
    left, right = pairs["left"].to_numpy(), pairs["right"].to_numpy()
    keep = left != right
    return pd.DataFrame(
        {"left": np.minimum(left, right)[keep], "right": np.maximum(left, right)[keep]}
    )


def _allowed(frame: pd.DataFrame, unique_sources: Sequence[str]):
    """A mask function: False for pairs inside one file of a unique source."""
    if not {"source", "source_file"} <= set(frame.columns) or not unique_sources:
        return lambda pairs: np.ones(len(pairs), dtype=bool)
    unique = frame["source"].isin(list(unique_sources)).to_numpy()
    file_codes = pd.factorize(frame["source_file"])[0]

    def mask(pairs: pd.DataFrame) -> np.ndarray:
        left, right = pairs["left"].to_numpy(), pairs["right"].to_numpy()
        same_file = file_codes[left] == file_codes[right]
        return ~(same_file & unique[left] & unique[right])

    return mask
