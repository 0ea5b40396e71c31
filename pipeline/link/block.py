"""Blocking: candidate pairs from declared rules, never the full product of two files.

A rule is a value with a name and a ``pairs(frame)`` method. ``Equal`` pairs records whose key
columns are equal; ``SortedNeighbourhood`` pairs records whose keys sort next to each other;
``NameNeighbours`` pairs records whose name keys are nearest neighbours on TF-IDF character
n-grams. The union of their pairs is the candidate set; the count per rule is reported.
Pairs between two records of a file that holds each person once (``unique_sources``) are never
candidates: a LinkedIn export has one row per member.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePath

import jellyfish
import numpy as np
import pandas as pd

from pipeline.errors import InputError
from pipeline.link.ngrams import nearest_keys, ragged

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
        return self._blocks(frame)[0]

    def skipped(self, frame: pd.DataFrame) -> int:
        key = _keys(frame, self.columns, self.multi)[0]
        return int((np.bincount(key) > self.max_block).sum())

    def _blocks(self, frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
        """The pairs and the number of keys skipped, from one pass over the keys."""
        key, pos, side = _keys(frame, self.columns, self.multi, self.also)
        # Sizes count every entry, a record repeating a first-name variant twice included.
        sizes = np.bincount(key, minlength=key.max(initial=-1) + 1)
        own = np.bincount(key[~side], minlength=len(sizes)) if self.also else sizes
        usable = ((sizes > 1) & (sizes <= self.max_block))[key]
        skipped = int((own > self.max_block).sum())
        return _self_pairs(key[usable], pos[usable], side[usable] if self.also else None), skipped


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
        ("last_family",),
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
        "same sounding last name and a first-name variant",
        ("last_phonetic",),
        max_block=15,
        multi="first_name_variants",
    ),
    # a nickname and a typo in the last name at once ("Will Michell", "William Mitchell"): the
    # employer and the first name still agree when the alumni list is up to date
    Equal(
        "same employer and a first-name variant",
        ("company_key",),
        max_block=15,
        multi="first_name_variants",
    ),
    # first and last name written the other way round ("Wu Carlos" against "Carlos Wu")
    Equal(
        "first and last names swapped", ("first_key", "last_key"), also=("last_key", "first_key")
    ),
    SortedNeighbourhood("sorted neighbourhood of first + last", "first_last", 3, max_block=40),
    NameNeighbours("nearest names (TF-IDF character n-grams)", k=3, max_block=40),
)


# Declared columns block on normalized name keys, not on the names as shown.
KEY_OF = {"first_name": "first_key", "last_name": "last_key", "name": "name_key"}
DECLARED_MAX_BLOCK = 300  # a [match.blocking] rule's key shared by more records is skipped
DEFAULT_MAX_BLOCK = 50  # the rule added for a compared column: stricter, nobody asked for it


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
        if isinstance(rule, Equal):
            pairs, skipped[rule.name] = rule._blocks(frame)
        else:
            pairs = rule.pairs(frame)
        pairs = _ordered(pairs)
        pairs = pairs[allowed(pairs)]
        per_rule[rule.name] = len(pairs)
        found.append(pairs)
    if not found:
        return Candidates(_EMPTY.copy(), per_rule, skipped)
    both = np.concatenate([p.to_numpy(dtype="int64") for p in found])
    # One int64 per pair makes the union a single sort instead of a frame-wide hash.
    n = max(len(frame), 1)
    union = _distinct(both[:, 0] * n + both[:, 1])
    pairs = pd.DataFrame({"left": union // n, "right": union % n})
    return Candidates(pairs, per_rule, skipped)


def blocking_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """The derived keys the default rules block on, added to a copy of a normalized frame.

    Adds first_initial, last_phonetic (Soundex of the last name key), first_last, last_family
    (see ``last_families``) and former_key (the key of a former last name, from
    ``former_name``, when present).
    """
    out = frame.copy()
    out["first_initial"] = out["first_key"].str[:1]
    last_codes, last_uniques = pd.factorize(out["last_key"].astype("str"))
    out["last_phonetic"] = np.asarray([soundex(v) for v in last_uniques], dtype=object)[last_codes]
    out["last_phonetic"] = out["last_phonetic"].astype("str")
    out["first_last"] = (out["first_key"] + " " + out["last_key"]).str.strip()
    out["last_family"] = last_families(out["last_key"])
    out["former_key"] = former_keys(out)
    return out


def last_families(last: pd.Series) -> pd.Series:
    """The family of each last-name key: the shared key of its spellings in other
    romanisations (Lee, Yi, Rhee -> "lee"; data/surname_variants.csv), else the key itself."""
    from pipeline.text.names import surname_families

    codes, uniques = pd.factorize(last.fillna("").astype("str"))
    table = surname_families()
    families = np.asarray([table.get(v, v) for v in uniques], dtype=object)
    return pd.Series(families[codes] if len(codes) else [], index=last.index, dtype="str")


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


@lru_cache(maxsize=1 << 16)
def soundex(key: str) -> str:
    """American Soundex (jellyfish, MIT) of the first word of a key, lower-case, "" when none.

    >>> soundex("robert"), soundex("rupert smith"), soundex("pfister"), soundex("")
    ('r163', 'r163', 'p236', '')
    """
    word = "".join(ch for ch in key.split(" ")[0] if "a" <= ch <= "z") if key else ""
    return jellyfish.soundex(word).lower() if word else ""


def unique_records(frame: pd.DataFrame, unique_sources: Sequence[str]) -> np.ndarray:
    """True for each record of a file that holds each person once: its ``source`` kind
    ("connections", "alumni") or its ``source_file`` (the name, with or without extension,
    any case) is listed in ``unique_sources``. All False without a ``source`` column."""
    if "source" not in frame.columns or not unique_sources:
        return np.zeros(len(frame), dtype=bool)
    wanted = {str(u).strip().casefold() for u in unique_sources}
    out = frame["source"].astype("str").str.casefold().isin(wanted).to_numpy().copy()
    if "source_file" in frame.columns:
        codes, files = pd.factorize(frame["source_file"].fillna("").astype("str"))
        names = [PurePath(f).name.casefold() for f in files]
        hit = np.array([n in wanted or n.rsplit(".", 1)[0] in wanted for n in names], dtype=bool)
        if len(hit):
            out |= hit[codes]
    return out


def declared_rules(
    frame_columns: Sequence[str],
    blocking: Mapping[str, Sequence[str]] = {},
    compared: Sequence[str] = (),
) -> tuple[BlockingRule, ...]:
    """Blocking rules from the settings: each ``[match.blocking]`` entry (name = columns) is an
    ``Equal`` rule; each column of a declared comparison that no rule blocks on gets
    "same <column>" (capped at DEFAULT_MAX_BLOCK records a value: a city shared by thousands
    says nothing). first_name / last_name / name block on their normalized keys.

    >>> declared = {"zip, dob": ["zip", "dob"]}
    >>> [r.name for r in declared_rules(["dob", "city", "zip"], declared, ["dob", "city"])]
    ['zip, dob', 'same city']
    """
    known = set(frame_columns)
    rules: list[BlockingRule] = []
    for name, columns in blocking.items():
        resolved = tuple(KEY_OF.get(c, c) for c in columns)
        missing = [c for c in columns if KEY_OF.get(c, c) not in known]
        if missing or not resolved:
            raise InputError(
                f"[match.blocking] '{name}' names the column '{(missing or [''])[0]}', which no "
                "input file has; check its spelling against the file's header."
            )
        rules.append(Equal(name, resolved, max_block=DECLARED_MAX_BLOCK))
    blocked = {c for r in rules if isinstance(r, Equal) for c in r.columns}
    for column in compared:
        if column in known and KEY_OF.get(column, column) not in blocked:
            rules.append(Equal(f"same {column}", (column,), max_block=DEFAULT_MAX_BLOCK))
    return tuple(rules)


def _codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the distinct non-empty values as strings (-1 for missing or empty) and those
    values, in order of first appearance."""
    codes, uniques = pd.factorize(values.astype("str"))
    uniques = np.asarray(uniques, dtype=object)
    empty = np.flatnonzero(uniques == "")
    if len(empty):
        codes = np.where(codes == empty[0], -1, codes - (codes > empty[0]))
        uniques = np.delete(uniques, empty[0])
    return codes, uniques


def _distinct(values: np.ndarray) -> np.ndarray:
    """``np.unique(values)`` for integers: numpy 2.4 hashes them first, many times slower."""
    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]] if len(values) else values


def _expand(codes: np.ndarray, key_pairs: np.ndarray, max_block: int) -> pd.DataFrame:
    """Record pairs behind pairs of key codes (a key shared by > max_block records is skipped)."""
    if not len(key_pairs):
        return _EMPTY.copy()
    counts = np.bincount(codes[codes >= 0], minlength=int(key_pairs.max()) + 1)
    # Records grouped by code: those of code c are order[starts[c] : starts[c] + counts[c]].
    order = np.argsort(codes, kind="stable")[np.count_nonzero(codes < 0) :]
    starts = np.cumsum(counts) - counts
    sizes = np.where(counts > max_block, 0, counts)
    a, b = key_pairs[:, 0], key_pairs[:, 1]
    product = sizes[a] * sizes[b]
    pair = np.repeat(np.arange(len(a)), product)
    each = ragged(0, product)  # walks a's records x b's records
    width = sizes[b][pair]
    left = order[starts[a][pair] + each // width]
    right = order[starts[b][pair] + each % width]
    return pd.DataFrame({"left": left.astype("int64"), "right": right.astype("int64")})


def _keys(
    frame: pd.DataFrame, columns: Sequence[str], multi: str, also: Sequence[str] = ()
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Entries (key code, position, side) of the records' blocking keys, those with an empty
    part left out. With ``multi``, one entry per "|"-separated value of that column (repeats
    kept); with ``also``, the keys of those columns follow as side True, coded like the keys
    of ``columns``."""
    n = len(frame)
    sides = (columns, also) if also else (columns,)
    # One factorization per part over all sides: a former last name meets a last name by value.
    parts = [_codes(pd.concat([frame[s[i]] for s in sides])) for i in range(len(columns))]
    entry = np.arange(n * len(sides))  # the record (of the stacked sides) behind each entry
    if multi:
        values, uniques = _codes(frame[multi])
        split = [str(v).split("|") for v in uniques]  # each distinct value once, not per record
        lengths = np.array([len(v) for v in split], dtype="int64")
        variant, variants = _codes(pd.Series([w for v in split for w in v], dtype="str"))
        count = np.tile(np.where(values >= 0, lengths[values], 0), len(sides))
        first = np.tile((np.cumsum(lengths) - lengths)[values], len(sides))
        pieces = ragged(first, count)
        entry = np.repeat(entry, count)
        parts = [(c[entry], u) for c, u in parts] + [(variant[pieces], variants)]
    key = _combine(parts)
    keep = key >= 0
    return key[keep], entry[keep] % n, entry[keep] >= n


def _combine(parts: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Codes of the combined values of several parts (codes, values), -1 where a part is -1:
    equal codes exactly where the parts' values joined with "\x1f" are equal."""
    codes = parts[0][0]
    if len(parts) == 1:
        return codes
    valid = np.logical_and.reduce([c >= 0 for c, _ in parts])
    if any("\x1f" in v for _, u in parts for v in u):  # only then could two joins collide
        joined = parts[0][1][parts[0][0][valid]]
        for c, u in parts[1:]:
            joined = joined + "\x1f" + u[c[valid]]
        joined = pd.factorize(joined)[0]
    else:
        joined = parts[0][0][valid]
        for c, u in parts[1:]:  # refactorized at each step, so the product cannot overflow
            joined = pd.factorize(joined * len(u) + c[valid])[0]
    codes = np.full(len(valid), -1, dtype="int64")
    codes[valid] = joined
    return codes


def _self_pairs(key: np.ndarray, pos: np.ndarray, side: np.ndarray | None = None) -> pd.DataFrame:
    """All pairs of positions sharing a key (each block with itself; blocks are small); with
    ``side``, only pairs where a True entry (left) meets a False one."""
    n = int(pos.max(initial=0)) + 1
    flag = np.zeros(len(key), "int64") if side is None else side.astype("int64")
    entries = _distinct((key * n + pos) * 2 + flag)  # by key then position, repeats dropped
    key, pos, flag = entries // (2 * n), entries // 2 % n, entries % 2
    after = np.searchsorted(key, key, side="right") - np.arange(len(key)) - 1  # later in block
    first = np.repeat(np.arange(len(key)), after)
    second = ragged(np.arange(len(key)) + 1, after)
    if side is None:
        return pd.DataFrame({"left": pos[first], "right": pos[second]})
    keep = (flag[first] != flag[second]) & (pos[first] != pos[second])
    first, second = first[keep], second[keep]
    swap = flag[second] == 1
    return pd.DataFrame(
        {
            "left": np.where(swap, pos[second], pos[first]),
            "right": np.where(swap, pos[first], pos[second]),
        }
    )


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
    unique = unique_records(frame, unique_sources)
    file_codes = pd.factorize(frame["source_file"])[0]

    def mask(pairs: pd.DataFrame) -> np.ndarray:
        left, right = pairs["left"].to_numpy(), pairs["right"].to_numpy()
        same_file = file_codes[left] == file_codes[right]
        return ~(same_file & unique[left] & unique[right])

    return mask
