"""The history's name key of each name (``name_keys``): lower-case ASCII words, "José  Núñez-Park"
-> "jose nunez park". An ASCII name goes through ``ascii_keys``, numpy over its bytes in one
pass for all of them; any other name through anyascii once per distinct name.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from anyascii import anyascii

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def name_keys(names: pd.Series) -> pd.Series:
    """Lower-case ASCII words: "José  Núñez-Park" -> "jose nunez park". ``names``: text.

    The rule, row by row: ``re.sub(r"[^0-9a-z]+", " ", anyascii(name).lower()).strip()``.
    """
    names = names.astype("str")
    text = pa.array(names.array)  # pandas' Arrow text: maybe chunked, large
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    # Every name through the bytes' rule (right for the ASCII ones), then the others' keys put
    # in their places: one pass over the keys, not the names split and taken back in order.
    keys = ascii_keys(text.cast(pa.string())) if len(text) else pa.array([], pa.string())
    other = ~names.str.isascii().fillna(False).to_numpy(dtype=bool)
    if other.any():
        odd = names[other]
        uniques = {v: _NON_ALNUM.sub(" ", anyascii(v).lower()).strip() for v in odd.unique()}
        found = pa.array(odd.map(uniques).to_numpy(dtype=object), type=pa.string())
        keys = pc.replace_with_mask(keys, pa.array(other), found)
    return pd.Series(pd.array(keys, dtype=names.dtype), index=names.index)


#: Each byte's lower-case letter or digit (A-Z lowered), 0 for any other byte.
_WORD_BYTE = np.zeros(256, np.uint8)
_WORD_BYTE[np.frombuffer(b"0123456789abcdefghijklmnopqrstuvwxyz", np.uint8)] = np.frombuffer(
    b"0123456789abcdefghijklmnopqrstuvwxyz", np.uint8
)
_WORD_BYTE[np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", np.uint8)] = np.frombuffer(
    b"abcdefghijklmnopqrstuvwxyz", np.uint8
)


def ascii_keys(text: pa.StringArray) -> pa.StringArray:
    """The name key of each ASCII text (no nulls): A-Z lowered, each run of bytes other than
    0-9 a-z that has a letter or digit on both sides (in the same text) one space, the others
    dropped; as ``str.lower``, the regex above and ``str.strip`` give it. A few numpy passes
    over the texts' bytes (Arrow's layout: offsets into one buffer), where Arrow's regex took
    a quarter of a second at a million names: each byte's letter (a table), the first byte of
    each run after a letter kept as a space, and the one such space that ends a text (no
    letter after it in that text) dropped."""
    n = len(text)
    offsets = np.frombuffer(text.buffers()[1], np.int32, n + 1, 4 * text.offset)
    start, stop = int(offsets[0]), int(offsets[-1])
    data = text.buffers()[2]
    raw = np.frombuffer(data, np.uint8, stop - start, start) if stop > start else np.zeros(0, "u1")
    offsets = offsets - np.int32(start)  # int32 throughout: the text is under 2 GiB
    low = _WORD_BYTE[raw]
    word = low != 0
    space = np.zeros(len(raw), bool)  # the first byte after a letter or digit, in its text
    np.greater(word[:-1], word[1:], out=space[1:])  # a letter, then not one
    space[offsets[:-1][np.diff(offsets) > 0]] = False
    keep = word | space
    kept = np.zeros(len(raw) + 1, np.int32)
    np.cumsum(keep, out=kept[1:])
    out_offsets = kept[offsets]
    low[space] = 32
    out = low[keep]
    ends = out_offsets[1:]
    last = ends[ends > out_offsets[:-1]] - 1  # each text's last byte kept, where it has one
    trailing = last[out[last] == 32]  # a space with no letter after it in its text
    if len(trailing):
        drop = np.zeros(len(out), bool)
        drop[trailing] = True
        out = out[~drop]
        out_offsets = out_offsets - np.searchsorted(trailing, out_offsets).astype(np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(out_offsets), pa.py_buffer(out))


__all__ = ["ascii_keys", "name_keys"]
