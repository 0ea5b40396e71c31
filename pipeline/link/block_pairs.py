"""The pairs of records a blocking rule's keys make (``link.block_rules``): every pair of a
block, a True entry against a False one of a block (a former last name against last names),
the records of pairs of keys, and the union of the rules' pairs; each from one sort of
integer codes, never a Python loop over pairs.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from pipeline.text.csr import ragged

#: The odd multiplier by which a block's entries are hashed into its signature (``_without_twins``)
_HASH = 0x9E3779B97F4A7C15
EMPTY = pd.DataFrame({"left": np.zeros(0, "int64"), "right": np.zeros(0, "int64")})


def distinct(values: np.ndarray, kind: Literal["quicksort", "stable"] = "quicksort") -> np.ndarray:
    """``np.unique(values)`` for integers: numpy 2.4 hashes them first, many times slower.
    ``kind`` "stable" (timsort) where ``values`` are sorted runs: it merges them."""
    values = np.sort(values, kind=kind)
    return values[np.r_[True, values[1:] != values[:-1]]] if len(values) else values


def _expand(codes: np.ndarray, key_pairs: np.ndarray, max_block: int) -> pd.DataFrame:
    """Record pairs behind pairs of key codes (a key shared by > max_block records is skipped)."""
    if not len(key_pairs):
        return EMPTY.copy()
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


def _sized_pairs(
    key: np.ndarray, pos: np.ndarray, max_block: int
) -> tuple[pd.DataFrame, np.ndarray]:
    """All pairs of two different positions sharing a key (codes >= 0), by the pair's earlier
    position, then key, then its later position, leaving out keys with one entry or more than
    ``max_block``; and the number of entries of each key present (in key order). Sizes count
    every entry, a record repeating a first-name variant twice included; a repeat makes no
    pair.

    One sort of the entries (key and position as one integer) gives the blocks, their sizes
    and the order of their pairs: counting the keys, then sorting the usable entries and
    finding each block's end by a binary search cost three passes.
    """
    left, right, sizes = _sized_arrays(key, pos, max_block)
    return pd.DataFrame({"left": left, "right": right}), sizes


def _sized_arrays(
    key: np.ndarray, pos: np.ndarray, max_block: int, twins: bool = False
) -> tuple[np.ndarray, ...]:
    """``_sized_pairs`` as the pairs' left and right positions (int64 arrays).

    ``twins``: a block whose records are those of an earlier block (a name's first-name
    variants: "John Smith"'s records share every one of its variants' keys) makes no pairs,
    its twin's being the same pairs; a fourth array then gives per pair how many blocks made
    it (its own and its twins), so the pairs made are counted as before."""
    none = np.zeros(0, "int64")
    n = int(pos.max(initial=0)) + 1
    packed = np.sort(key.astype("int64") * n + pos)
    if not len(packed):
        return (none, none.copy(), none.copy()) + ((none.copy(),) if twins else ())
    k = packed // n
    start = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
    sizes = np.diff(np.r_[start, len(k)])
    usable = np.repeat((sizes > 1) & (sizes <= max_block), sizes)
    usable[1:] &= packed[1:] != packed[:-1]  # a repeated entry once
    packed, k = packed[usable], k[usable]
    if not len(packed):
        return (none, none.copy(), sizes) + ((none.copy(),) if twins else ())
    block = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
    length = np.diff(np.r_[block, len(k)])
    at = packed - k * n
    made = None
    if twins:
        at, block, length, made = _without_twins(at, block, length)
    # each entry meets its block's later entries; entries taken by position, so that the pairs
    # come by left (a record in one block: by left, then right), as the union sorts them
    order = position_order(at, n)
    after = np.repeat(block + length, length)[order] - order - 1
    pairs = np.repeat(at[order], after), at[ragged(order + 1, after)], sizes
    if made is None:
        return pairs
    return (*pairs, np.repeat(np.repeat(made, length)[order], after))


def _without_twins(
    at: np.ndarray, block: np.ndarray, length: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The blocks (entries ``at``, by block then position; each block's start and length) less
    those whose entries equal an earlier block's, and per block left how many blocks it stands
    for. Blocks are matched by their length and a sum of their entries hashed, then compared
    entry by entry: a block matched by the hash alone stays."""
    hashed = at.astype(np.uint64) * np.uint64(_HASH)
    hashed ^= hashed >> np.uint64(29)
    signature = np.add.reduceat(hashed, block)
    group = pd.DataFrame({"length": length, "signature": signature})
    first = group.groupby(["length", "signature"], sort=False).ngroup().to_numpy()
    # groups are numbered as they first come: the earliest block of each, by its number
    twin = np.unique(first, return_index=True)[1][first]
    maybe = np.flatnonzero(twin != np.arange(len(block)))
    if not len(maybe):
        return at, block, length, np.ones(len(block), dtype=np.int64)
    own = ragged(block[maybe], length[maybe])
    theirs = ragged(block[twin[maybe]], length[maybe])
    differ = np.repeat(np.arange(len(maybe)), length[maybe])[at[own] != at[theirs]]
    same = np.ones(len(maybe), dtype=bool)
    same[differ] = False
    gone = maybe[same]
    made = np.bincount(twin[gone], minlength=len(block)) + 1
    kept = np.ones(len(block), dtype=bool)
    kept[gone] = False
    entries = np.repeat(kept, length)
    length = length[kept]
    return at[entries], np.cumsum(length) - length, length, made[kept]


def position_order(values: np.ndarray, bound: int) -> np.ndarray:
    """``np.argsort(values, kind="stable")`` for integers 0 <= values < ``bound``: where each
    value is there once, by placing each at its value; else by 16 bits at a time, as numpy's
    stable sort of 16-bit integers counts rather than compares."""
    values = np.asarray(values)
    if len(values) <= bound <= len(values) * 4:  # more values than room: some repeat
        place = np.full(bound, -1, dtype=np.intp)
        place[values] = np.arange(len(values))
        order = place[place >= 0]
        if len(order) == len(values):
            return order
    if bound > 1 << 32:
        return np.argsort(values, kind="stable")
    order = np.argsort((values & 0xFFFF).astype(np.uint16), kind="stable")
    if bound <= 1 << 16:
        return order
    high = (values[order] >> 16).astype(np.uint16)
    return order[np.argsort(high, kind="stable")]


def _self_pairs(key: np.ndarray, pos: np.ndarray, side: np.ndarray) -> pd.DataFrame:
    """All pairs of positions sharing a key where a True entry (left) meets a False one, by
    block, then by the pair's earlier entry, then its later one (entries by position then
    side): ``_cross_arrays``' pairs in that order."""
    n = int(pos.max(initial=0)) + 1
    entries = distinct((key * n + pos) * 2 + side.astype("int64"))  # repeats dropped
    first, second = _crossing(entries, n)
    order = np.lexsort((np.maximum(first, second), np.minimum(first, second)))
    at = entries // 2 % n
    return pd.DataFrame({"left": at[first][order], "right": at[second][order]})


def _cross_arrays(
    key: np.ndarray, pos: np.ndarray, side: np.ndarray, max_block: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The pairs of positions sharing a key where a True entry (left) meets a False one, the
    keys with one entry or more than ``max_block`` left out, in no set order; and per key
    present (in key order) its entries and its False entries (repeats counted). One sort of
    the entries (key, position and side as one integer) gives all of them."""
    n = int(pos.max(initial=0)) + 1
    packed = np.sort((key.astype("int64") * n + pos) * 2 + side)
    k = packed // (2 * n)
    start = np.flatnonzero(np.r_[True, k[1:] != k[:-1]]) if len(k) else np.zeros(0, "int64")
    sizes = np.diff(np.r_[start, len(k)])
    own = sizes - (np.add.reduceat(packed % 2, start) if len(k) else sizes)
    usable = np.repeat((sizes > 1) & (sizes <= max_block), sizes)
    usable[1:] &= packed[1:] != packed[:-1]  # a repeated entry once
    entries = packed[usable]
    first, second = _crossing(entries, n)
    at = entries // 2 % n
    return at[first], at[second], sizes, own


def _crossing(entries: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Of distinct sorted entries ((key * n + position) * 2 + side), the pairs (indices) of a
    True entry and a False one of a block at different positions, by True entry.

    Each True entry meets its block's False entries (a block of a common last name holds
    hundreds of records, and a former name a few), never every pair of a block."""
    key, pos, flag = entries // (2 * n), entries // 2 % n, entries % 2
    start = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else np.zeros(0, int)
    block = np.repeat(np.arange(len(start)), np.diff(np.r_[start, len(key)]))
    false = np.flatnonzero(flag == 0)  # by block, then position
    false_count = np.bincount(block[false], minlength=len(start))
    false_start = np.cumsum(false_count) - false_count
    true = np.flatnonzero(flag == 1)
    meets = false_count[block[true]]
    first = np.repeat(true, meets)
    second = false[ragged(false_start[block[true]], meets)]
    keep = pos[first] != pos[second]
    return first[keep], second[keep]
