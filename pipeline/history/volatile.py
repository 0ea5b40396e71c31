"""A run's volatile columns (rank, score, warmth) for everyone in it, with their prospect_ids,
as one blob the standard library decodes (zlib and ``array``): `prospects changes` reads rank
moves from it without pandas, numpy or pyarrow (schema 4, ``pipeline.history.store``).

Layout, before zlib: a header of four little-endian 64-bit integers (people, bytes of the ids'
offsets, bytes of the ids' text, 0), the ids as Arrow lays out text (n + 1 32-bit offsets into
their UTF-8 bytes), then the ranks (64-bit integers, NO_RANK for none) and the scores and
warmths (64-bit floats, NaN for none, which SQLite stores as NULL too).
"""

from __future__ import annotations

import struct
import sys
import zlib
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa

FORMAT = "ids-rank-score-warmth-zlib/1"
NO_RANK = -(2**63)
_HEAD = struct.Struct("<4q")


class Damaged(ValueError):
    """A blob that does not decode (the file is damaged)."""


@dataclass(frozen=True)
class Volatile:
    """A run's people (prospect_id order) and their rank, score and warmth (None for none)."""

    ids: list[str]
    rank: Sequence[int]  # NO_RANK for none
    score: Sequence[float]  # NaN for none
    warmth: Sequence[float]

    def values(self, i: int) -> dict[str, object]:
        """The volatile cells of the i-th person as SQLite gives them."""
        r, s, w = self.rank[i], self.score[i], self.warmth[i]
        return {
            "warmth": None if w != w else w,
            "score": None if s != s else s,
            "rank": None if r == NO_RANK else r,
        }

    def index(self) -> dict[str, int]:
        return {pid: i for i, pid in enumerate(self.ids)}


def encode(table: pa.Table) -> bytes:
    """``table``'s prospect_id, rank, score and warmth (SQLite's types) as the blob."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    ids = table["prospect_id"].combine_chunks().cast(pa.string())
    n = len(ids)
    if n:  # Arrow's own buffers (a slice starts inside them): offsets rebased to 0
        _validity, offsets_buffer, text_buffer = ids.buffers()
        offsets = np.frombuffer(offsets_buffer, dtype=np.int32, count=n + 1, offset=4 * ids.offset)
        text_bytes = text_buffer.to_pybytes()[int(offsets[0]) : int(offsets[-1])]
        offsets_bytes = (offsets - offsets[0]).astype("<i4").tobytes()
    else:
        offsets_bytes, text_bytes = struct.pack("<i", 0), b""
    parts = [_HEAD.pack(n, len(offsets_bytes), len(text_bytes), 0), offsets_bytes, text_bytes]
    rank = pc.fill_null(table["rank"].combine_chunks().cast(pa.int64()), NO_RANK)
    parts.append(_le(rank))
    for column in ("score", "warmth"):
        values = table[column].combine_chunks().cast(pa.float64())
        parts.append(_le(pc.fill_null(values, float("nan"))))
    return zlib.compress(b"".join(parts), 1)


def _le(values: pa.Array) -> bytes:
    data = values.to_numpy(zero_copy_only=False)
    return data.astype(data.dtype.newbyteorder("<"), copy=False).tobytes()


def decode(blob: bytes) -> Volatile:
    """The blob's people and values; Damaged when it does not decode whole."""
    try:
        raw = zlib.decompress(blob)
        n, n_offsets, n_text, _ = _HEAD.unpack_from(raw, 0)
        at = _HEAD.size
        offsets = _array("i", raw[at : at + n_offsets])
        at += n_offsets
        text = raw[at : at + n_text]
        at += n_text
        columns = []
        for code in ("q", "d", "d"):
            columns.append(_array(code, raw[at : at + 8 * n]))
            at += 8 * n
    except (zlib.error, struct.error, ValueError) as exc:
        raise Damaged(str(exc)) from None
    if len(offsets) != n + 1 or at != len(raw) or any(len(c) != n for c in columns):
        raise Damaged("lengths")
    if text.isascii():
        whole = text.decode("ascii")
        ids = [whole[offsets[i] : offsets[i + 1]] for i in range(n)]
    else:
        try:
            ids = [text[offsets[i] : offsets[i + 1]].decode() for i in range(n)]
        except UnicodeDecodeError:
            raise Damaged("text") from None
    return Volatile(ids, *columns)


def _array(code: str, data: bytes) -> array:
    found = array(code)
    found.frombytes(data)
    if sys.byteorder != "little":
        found.byteswap()
    return found
