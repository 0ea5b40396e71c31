"""Blocking rule kinds: each a value with a name and a ``pairs(frame)`` method.

``Equal`` pairs records whose key columns are equal; ``SortedNeighbourhood`` pairs records whose
keys sort next to each other; ``NameNeighbours`` pairs records whose name keys are nearest
neighbours on TF-IDF character n-grams. Pairs are positions into the frame, columns ``left`` and
``right``; every kind works on the codes of the distinct keys, never on a Python loop over pairs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline.link.block_pairs import _cross_arrays, _expand, _sized_arrays
from pipeline.link.levels import Rows
from pipeline.link.ngrams import nearest_keys
from pipeline.text.arrow_text import STR
from pipeline.text.csr import ragged

_NO_ROWS = np.zeros(0, dtype=np.intp)  # a Rows made only for its per-record work
#: From this many entries on, a "first-name variant" rule's keys of the same records as another
#: key's make no pairs (``Equal._arrays``' ``made``); below, finding them costs more than it saves
TWINS = 100_000


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

    def prepare(self, frame: pd.DataFrame, cache: dict, texts: dict | None) -> None:
        """Makes into ``cache`` and ``texts`` all that ``_arrays`` reads of them, so that
        rules then make their pairs side by side, reading them only."""
        _key_parts(frame, self.columns, self.multi, self.also, cache, texts)

    def skipped(self, frame: pd.DataFrame) -> int:
        key = _keys(frame, self.columns, self.multi)[0]
        return int((np.bincount(key) > self.max_block).sum())

    def _blocks(
        self, frame: pd.DataFrame, cache: dict | None = None, texts: dict | None = None
    ) -> tuple[pd.DataFrame, int]:
        """The pairs and the number of keys skipped, from one pass over the keys. ``cache``:
        the columns' codes other rules made on ``frame`` (see ``_keys``); ``texts``: the run's
        codes of each column (``text_codes``)."""
        left, right, skipped, _ = self._arrays(frame, cache, texts)
        return pd.DataFrame({"left": left, "right": right}), skipped

    def _arrays(
        self,
        frame: pd.DataFrame,
        cache: dict | None = None,
        texts: dict | None = None,
        made: list | None = None,
    ) -> tuple[np.ndarray, np.ndarray, int, bool]:
        """``_blocks`` as the pairs' left and right positions (int64), the keys skipped, and
        whether every pair's left is below its right already (no ``also``): blocking then
        takes them as they come, without a frame of millions of pairs made and read again.
        ``made`` (a list): with ``multi``, a key whose records are another key's makes no
        pairs (see ``_sized_arrays``' twins), and the list is given per pair how many keys
        made it (else None): the pairs then hold each pair, not each once per shared key."""
        # the keys are only sorted, so they need not be dense
        key, pos, side = _keys(
            frame, self.columns, self.multi, self.also, cache, dense=False, texts=texts
        )
        if not self.also and self.multi and made is not None and len(key) >= TWINS:
            left, right, sizes, times = _sized_arrays(key, pos, self.max_block, twins=True)
            made.append(times)
            return left, right, int((sizes > self.max_block).sum()), True
        if made is not None:
            made.append(None)
        if not self.also:  # sizes and pairs from one sort of the entries
            left, right, sizes = _sized_arrays(key, pos, self.max_block)
            return left, right, int((sizes > self.max_block).sum()), True
        left, right, sizes, own = _cross_arrays(key, pos, side, self.max_block)
        return left, right, int((own > self.max_block).sum()), False


class _KeyPairs:
    """A rule over the distinct values of one column: ``key_pairs`` pairs those values (codes
    into them), and each pair of values becomes the pairs of their records."""

    column: str
    max_block: int

    @property
    def needs(self) -> tuple[str, ...]:
        return (self.column,)

    def key_pairs(self, uniques: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def prepare(self, frame: pd.DataFrame, cache: dict, texts: dict | None) -> None:
        """Makes into ``texts`` the codes ``pairs`` reads (see ``Equal.prepare``)."""
        if texts is not None and _all_text(frame, (self.column,)):
            Rows(frame, _NO_ROWS, _NO_ROWS, texts).text(_coded_twin(frame, self.column, texts))

    def pairs(self, frame: pd.DataFrame, texts: dict | None = None) -> pd.DataFrame:
        """``texts``: the run's per-record work on ``frame`` (``levels.Rows``), whose codes of
        the column are read instead of factorizing it again."""
        if texts is not None and _all_text(frame, (self.column,)):
            codes, uniques = text_codes(frame, self.column, texts)
        else:
            codes, uniques = _codes(frame[self.column])
        return _expand(codes, self.key_pairs(uniques), self.max_block)


@dataclass(frozen=True)
class SortedNeighbourhood(_KeyPairs):
    """Records whose ``column`` values are within ``window`` places of each other once the
    distinct values are sorted: catches a typo after the first letters ("smiht" next to "smith")."""

    name: str
    column: str
    window: int = 3
    max_block: int = 300

    def key_pairs(self, uniques: np.ndarray) -> np.ndarray:
        order = text_order(uniques)
        left = [order[: -step or None] for step in range(1, self.window)]
        right = [order[step:] for step in range(1, self.window)]
        return np.column_stack([np.concatenate(left), np.concatenate(right)])


@dataclass(frozen=True)
class NameNeighbours(_KeyPairs):
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

    def key_pairs(self, uniques: np.ndarray) -> np.ndarray:
        if len(uniques) < 2:
            return np.zeros((0, 2), dtype="int64")
        return nearest_keys(list(uniques), self.k, self.min_similarity, self.max_df, self.chunk)


BlockingRule = Equal | SortedNeighbourhood | NameNeighbours


def text_order(values: np.ndarray) -> np.ndarray:
    """``np.argsort(values, kind="stable")`` for an object array of str, sorted by Arrow: UTF-8
    bytes sort as Python's code points do, in C++ rather than a Python comparison per step.
    Text UTF-8 cannot hold (a lone surrogate) is sorted by numpy."""
    import pyarrow as pa
    import pyarrow.compute as pc

    values = np.asarray(values, dtype=object)
    try:
        text = pa.array(values, pa.large_string())
    except (pa.ArrowException, UnicodeEncodeError):
        return np.argsort(values, kind="stable")
    if text.null_count:  # not text: numpy's order, as before
        return np.argsort(values, kind="stable")
    return pc.sort_indices(text).to_numpy().astype("int64")


def _codes(values: pd.Series, text: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the distinct non-empty values as strings (-1 for missing or empty) and those
    values, in order of first appearance: an object array of str, or with ``text`` False
    pandas' array as factorize made it (an Equal rule only compares codes: a million distinct
    e-mail addresses made Python strings cost 0.3 s)."""
    codes, uniques = pd.factorize(values.astype(STR))
    if text:
        uniques = np.asarray(uniques, dtype=object)
    empty = np.flatnonzero(np.asarray(uniques == "", dtype=bool))
    if len(empty):
        codes = np.where(codes == empty[0], -1, codes - (codes > empty[0]))
        uniques = uniques[np.arange(len(uniques)) != empty[0]]
    return codes, uniques


def text_codes(frame: pd.DataFrame, column: str, texts: dict) -> tuple[np.ndarray, np.ndarray]:
    """``_codes(frame[column])`` (codes of the non-empty values, -1 for missing or empty, and
    those values in order of first appearance) from the run's codes of the column
    (``levels.Rows.text``, kept in ``texts``): a column is factorized once per run, not once by
    blocking and again by the comparisons and the weights."""
    text = Rows(frame, _NO_ROWS, _NO_ROWS, texts).text(_coded_twin(frame, column, texts))
    codes, values = text.codes.astype("int64"), text.values
    if text.empty >= 0:  # "" (and a missing value, read as "") is no key
        codes = np.where(codes == text.empty, -1, codes - (codes > text.empty))
        values = np.delete(values, text.empty)
    return codes, values


def _coded_twin(frame: pd.DataFrame, column: str, texts: dict) -> str:
    """A column of ``frame`` coded already in ``texts`` whose values are ``column``'s, else
    ``column``: its codes are those ``column``'s would be (first_last is name_key wherever
    both are made from first_key and last_key), for a comparison of the text rather than a
    factorization of a million records."""
    if ("text", column) in texts:
        return column
    for key in list(texts):
        if not (isinstance(key, tuple) and len(key) == 2 and key[0] == "text"):
            continue
        other = key[1]
        if (
            other in frame.columns
            and frame[other].dtype == frame[column].dtype
            and frame[other].equals(frame[column])  # the text compared, not hashed
        ):
            return other
    return column


def _all_text(frame: pd.DataFrame, names: Sequence[str]) -> bool:
    """Whether ``text_codes`` may stand in for ``_codes`` on the columns ``names``: they are
    text (another dtype's values would be written as text otherwise once missing values are
    filled)."""
    return all(frame[c].dtype == STR for c in names)


def _stacked_codes(
    frame: pd.DataFrame, names: Sequence[str], texts: dict
) -> tuple[np.ndarray, np.ndarray]:
    """``_codes`` of the columns ``names`` stacked (one after the other), from each column's
    ``text_codes``: the later columns' distinct values looked up among the earlier ones', so
    equal text is an equal code across them (in another numbering than factorizing the stack
    gives: the rules only compare codes)."""
    codes, values = text_codes(frame, names[0], texts)
    stacked = [codes]
    for name in names[1:]:
        more, extra = text_codes(frame, name, texts)
        at = pd.Index(values).get_indexer(extra) if len(values) else np.full(len(extra), -1)
        new = at < 0
        at[new] = len(values) + np.arange(int(new.sum()))
        values = np.concatenate([values, extra[new]])
        stacked.append(np.where(more >= 0, np.append(at, -1)[more], -1))
    return np.concatenate(stacked), values


def unique_inverse(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(values, return_inverse=True)`` for integers: the distinct values sorted and
    each value's position among them, found by hashing and sorting only the distinct values
    (np.unique sorts every value: 1.2 s for 7.8 million pair groups)."""
    values = np.asarray(values)
    codes, uniques = pd.factorize(values, sort=True)
    return np.asarray(uniques, dtype=values.dtype), codes.astype(np.intp, copy=False)


def _keys(
    frame: pd.DataFrame,
    columns: Sequence[str],
    multi: str,
    also: Sequence[str] = (),
    cache: dict | None = None,
    dense: bool = True,
    texts: dict | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Entries (key code, position, side) of the records' blocking keys, those with an empty
    part left out. With ``multi``, one entry per "|"-separated value of that column (repeats
    kept); with ``also``, the keys of those columns follow as side True, coded like the keys
    of ``columns``. ``cache`` (a dict kept over the rules of one run) holds each column's codes
    and each ``multi`` column's split, so a column several rules read is factorized once.
    ``dense`` False: key codes of several parts may be any non-negative integers below
    2**62 / len(frame) (see ``_combine``), not 0 to the number of keys. ``texts``: the run's
    codes of each column (``text_codes``), read instead of factorizing the columns."""
    n = len(frame)
    cache = {} if cache is None else cache
    parts = _key_parts(frame, columns, multi, also, cache, texts)
    if multi and len(parts) == 1 and not dense:
        made = _variant_keys(parts[0], cache, multi, n)
        if made is not None:
            return made
    # the records (of the stacked sides) behind the entries: those with no empty part, as an
    # entry with one has no key (most records have no former name, many no employer)
    entry = np.flatnonzero(np.logical_and.reduce([c >= 0 for c, _ in parts]))
    if multi:
        values, lengths, variant, variants = cache["split", multi]
        value = values[entry % n] if n else values[:0]
        count = np.r_[lengths, 0][value]  # -1 (no value): none
        pieces = ragged(np.r_[np.cumsum(lengths) - lengths, 0][value], count)  # -1: none
        entry = np.repeat(entry, count)
        parts = [(c[entry], u) for c, u in parts] + [(variant[pieces], variants)]
    else:
        parts = [(c[entry], u) for c, u in parts]
    key = _combine(parts, room=0 if dense else max(n, 1))
    keep = key >= 0
    return key[keep], entry[keep] % n, entry[keep] >= n


def _variant_keys(
    part: tuple[np.ndarray, np.ndarray], cache: dict, multi: str, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """``_keys`` (``dense`` False) of one column's codes ``part`` (its sides stacked) and the
    ``multi`` column's values, from every record's values of ``multi`` split once per run
    (``_pieces``, kept in ``cache`` by ``_key_parts``: four rules read them), not per rule: the same
    entries in the same order, and keys ``_combine`` makes, where it would combine them as one
    mixed-radix number; None where it would not (a "\x1f" in a value, too many values)."""
    variants = cache["split", multi][3]
    codes, uniques = part
    radix = max(len(variants), 1)
    if max(len(uniques), 1) * radix >= 2**62 // max(n, 1) or any(
        _holds(u, "\x1f") for u in (uniques, variants)
    ):
        return None
    record, variant = cache["pieces", multi]
    keys, positions, sides = [], [], []
    for side in range(len(codes) // n if n else 0):  # the sides one after the other
        own = codes[side * n + record]
        at = np.flatnonzero(own >= 0)
        key = own[at].astype("int64")
        key *= radix
        key += variant[at]
        keys.append(key)
        positions.append(record[at])
        sides.append(np.full(len(at), side == 1))
    if not keys:
        return np.zeros(0, "int64"), np.zeros(0, "int64"), np.zeros(0, bool)
    return np.concatenate(keys), np.concatenate(positions), np.concatenate(sides)


def _pieces(
    values: np.ndarray, lengths: np.ndarray, variant: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Each record's non-empty "|"-separated values, by record then place (repeats kept): the
    record (int64) and the value's code, from the codes of the records' distinct values
    (``values``, -1 for none), each one's count of parts (``lengths``) and their codes in a
    row (``variant``, -1 for an empty part)."""
    count = np.r_[lengths, 0][values[:n]]  # -1 (no value): none
    pieces = ragged(np.r_[np.cumsum(lengths) - lengths, 0][values[:n]], count)
    record = np.repeat(np.arange(n, dtype="int64"), count)
    code = variant[pieces]
    given = code >= 0
    return record[given], code[given]


def _key_parts(
    frame: pd.DataFrame,
    columns: Sequence[str],
    multi: str,
    also: Sequence[str],
    cache: dict,
    texts: dict | None,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The codes of each part of ``_keys``' keys, the sides stacked, and the split of the
    ``multi`` column: what ``cache`` lacks of them made into it."""
    n = len(frame)
    sides = (columns, also) if also else (columns,)

    def coded(i: int) -> tuple[np.ndarray, np.ndarray]:
        # One factorization per part over all sides: a former last name meets a last name
        # by value.
        names = tuple(s[i] for s in sides)
        if ("codes", names) not in cache and ("codes", names[::-1]) in cache and len(names) == 2:
            # the same values stacked the other way round ("first and last names swapped"):
            # equal codes stay equal, so the halves are swapped rather than factorized again
            codes, uniques = cache["codes", names[::-1]]
            cache["codes", names] = np.concatenate([codes[n:], codes[:n]]), uniques
        if ("codes", names) not in cache and texts is not None and _all_text(frame, names):
            cache["codes", names] = _stacked_codes(frame, names, texts)
        if ("codes", names) not in cache:
            stacked = frame[names[0]] if len(names) == 1 else pd.concat([frame[c] for c in names])
            cache["codes", names] = _codes(stacked, text=False)
        return cache["codes", names]

    parts = [coded(i) for i in range(len(columns))]
    if multi and ("split", multi) not in cache:
        if texts is not None and _all_text(frame, (multi,)):
            values, uniques = text_codes(frame, multi, texts)
        else:
            values, uniques = _codes(frame[multi])
        split = [str(v).split("|") for v in uniques]  # each distinct value once
        lengths = np.array([len(v) for v in split], dtype="int64")
        words = _codes(pd.Series([w for v in split for w in v], dtype=STR))
        cache["split", multi] = values, lengths, *words
        cache["pieces", multi] = _pieces(values, lengths, words[0], n)
    return parts


def _combine(parts: list[tuple[np.ndarray, np.ndarray]], room: int = 0) -> np.ndarray:
    """Codes of the combined values of several parts (codes, values), -1 where a part is -1:
    equal codes exactly where the parts' values joined with "\x1f" are equal. ``room`` > 0:
    the codes need not be dense, only below 2**62 / ``room`` (a caller multiplies them by
    it), so where the parts' codes fit, they are combined as one mixed-radix number without
    hashing them (a third of a blocking rule's time on a million records)."""
    codes = parts[0][0]
    if len(parts) == 1:
        return codes
    valid = np.logical_and.reduce([c >= 0 for c, _ in parts])
    radix = [max(len(u), 1) for _, u in parts]
    if any(_holds(u, "\x1f") for _, u in parts):  # only then could two joins collide
        text = [np.asarray(u, dtype=object) for _, u in parts]
        joined = text[0][parts[0][0][valid]]
        for (c, _), u in zip(parts[1:], text[1:], strict=True):
            joined = joined + "\x1f" + u[c[valid]]
        joined = pd.factorize(joined)[0]
    elif room and math.prod(radix) < 2**62 // room:
        joined = parts[0][0][valid].astype("int64")
        for (c, _), size in zip(parts[1:], radix[1:], strict=True):
            joined *= size
            joined += c[valid]
    else:
        joined = parts[0][0][valid]
        for c, u in parts[1:]:  # refactorized at each step, so the product cannot overflow
            joined = pd.factorize(joined * len(u) + c[valid])[0]
    codes = np.full(len(valid), -1, dtype="int64")
    codes[valid] = joined
    return codes


def _holds(values, part: str) -> bool:
    """Whether some value of ``values`` (an object array of str, or pandas' text array)
    holds ``part``."""
    if isinstance(values, np.ndarray):
        return part in "".join(values)
    return bool(pd.Series(values).str.contains(part, regex=False).any())
