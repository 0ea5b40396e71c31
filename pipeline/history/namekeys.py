"""The history's name key of each name (``name_keys``): lower-case ASCII words, "José  Núñez-Park"
-> "jose nunez park". An ASCII name goes through ``ascii_keys``, numpy over its bytes in one
pass for all of them; any other name through anyascii once per distinct name.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
from anyascii import anyascii

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def name_keys(names: pd.Series) -> pd.Series:
    """Lower-case ASCII words: "José  Núñez-Park" -> "jose nunez park". ``names``: text.

    The rule, row by row: ``re.sub(r"[^0-9a-z]+", " ", anyascii(name).lower()).strip()``.
    """
    names = names.astype("str")
    ascii_ = names.str.isascii().fillna(False).to_numpy(dtype=bool)
    keys = []
    if ascii_.any():
        plain = pa.array(names[ascii_].array)  # pandas' Arrow text: maybe chunked, large
        if isinstance(plain, pa.ChunkedArray):
            plain = plain.combine_chunks()
        keys.append(ascii_keys(plain.cast(pa.string())))
    if not ascii_.all():
        other = names[~ascii_]
        uniques = {v: _NON_ALNUM.sub(" ", anyascii(v).lower()).strip() for v in other.unique()}
        keys.append(pa.array(other.map(uniques).to_numpy(dtype=object), type=pa.string()))
    found = pa.concat_arrays(keys) if keys else pa.array([], pa.string())
    if 0 < ascii_.sum() < len(names):  # back in the names' order: ASCII ones first so far
        where = np.empty(len(names), np.int64)
        where[np.concatenate([np.flatnonzero(ascii_), np.flatnonzero(~ascii_)])] = np.arange(
            len(names)
        )
        found = found.take(pa.array(where))
    return pd.Series(pd.array(found, dtype=names.dtype), index=names.index)


def ascii_keys(text: pa.StringArray) -> pa.StringArray:
    """The name key of each ASCII text (no nulls): A-Z lowered, each run of bytes other than
    0-9 a-z that has a letter or digit on both sides (in the same text) one space, the others
    dropped; as ``str.lower``, the regex above and ``str.strip`` give it. A few numpy passes
    over the texts' bytes (Arrow's layout: offsets into one buffer), where Arrow's regex took
    a quarter of a second at a million names."""
    n = len(text)
    offsets = np.frombuffer(text.buffers()[1], np.int32, n + 1, 4 * text.offset)
    start, stop = int(offsets[0]), int(offsets[-1])
    data = text.buffers()[2]
    raw = np.frombuffer(data, np.uint8, stop - start, start) if stop > start else np.zeros(0, "u1")
    offsets = offsets - np.int32(start)  # int32 throughout: the text is under 2 GiB
    upper = (raw >= 65) & (raw <= 90)
    low = raw + upper.view(np.uint8) * np.uint8(32)
    word = ((low >= 48) & (low <= 57)) | ((low >= 97) & (low <= 122))
    seen = np.zeros(len(raw) + 1, np.int32)  # letters and digits before each byte
    np.cumsum(word, out=seen[1:])
    lengths = np.diff(offsets)
    ends = np.repeat(offsets[1:], lengths)  # each byte's text's end
    later = seen[ends] > seen[1:]  # a letter or digit after this byte in its text
    first = np.zeros(len(raw), bool)  # the byte after a letter or digit, in the same text
    first[1:] = word[:-1]
    first[offsets[:-1][lengths > 0]] = False
    space = ~word & first & later
    keep = word | space
    kept = np.zeros(len(raw) + 1, np.int32)
    np.cumsum(keep, out=kept[1:])
    out_offsets = kept[offsets]
    out = np.where(space, np.uint8(32), low)[keep]
    return pa.StringArray.from_buffers(n, pa.py_buffer(out_offsets), pa.py_buffer(out))


__all__ = ["ascii_keys", "name_keys"]
