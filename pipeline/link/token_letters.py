"""Which pairs of names cannot reach a token-set similarity: letters counted once per name.

rapidfuzz's ``token_set_ratio`` of a candidate pair is the name comparison's test for "same
words, other order" (>= 0.95). Most of a million candidate pairs are nowhere near it, and
scoring each costs a microsecond of C++ plus the work of handing it over. A bound rules most
of them out from per-name counts alone, and only the rest are scored, so every pair's level is
what scoring them all gives.

The bound. rapidfuzz splits each text into its set of words, then takes the largest of: the
similarity of the sorted words only one text has (``diff_ab`` against ``diff_ba``), and that of
the shared words against the shared words plus one side's own; 100 when one set holds the
other. With A the text of a name's distinct words joined by a space (length LA) and D_A the
letters of A that B's letters cannot cover (a letter counted as often as it occurs, spaces left
out), every letter of D_A is in ``diff_ab``, so D_A <= len(diff_ab) = ab. A score of at least
0.95 then needs D_A <= 0.1 * LA or D_B <= 0.1 * LB:

- one set holding the other: that side's diff is empty, so its D is 0;
- shared words (length s = LA - 1 - ab) against shared plus A's own: 1 - (1 + ab) / (s + LA)
  >= 0.95 gives 1.05 ab <= 0.1 LA - 1.05, so ab < 0.1 LA (B's own alike);
- the two diffs: 1 - indel / (LA + LB) >= 0.95 needs indel <= 0.05 (LA + LB), and an indel
  distance is at least the letters either side cannot cover, D_A + D_B, so one of D_A / LA and
  D_B / LB is at most 0.05.

Letters are counted in ``BUCKETS`` classes (code point modulo BUCKETS: a to z each its own),
which can only lower D, so the bound still holds. A name whose text might be split otherwise
than by Python's ``str.split`` on " " (any other white space, a control or format character,
a word repeated) is never ruled out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

BUCKETS = 32
LIMIT = 10  # D * LIMIT <= L: D at most a tenth of the text (see the module doc: >= 0.95 only)
_CHUNK = 250_000  # pairs at a time: a (pairs x BUCKETS) difference held at once
# space, printable ASCII, and letters below U+1680 (the first white space past Latin-1) but not
# the C1 controls, NEL (U+0085) or the no-break space (U+00A0)
_PLAIN = "^[ !-~\u00a1-\u167f]*$"


@dataclass(frozen=True)
class TokenLetters:
    """Per distinct text: its letters by class (``counts``, texts x BUCKETS, capped at 127),
    the length of its distinct words joined by a space (``length``), and whether the bound may
    rule it out (``plain``)."""

    counts: np.ndarray
    length: np.ndarray
    plain: np.ndarray
    present: np.ndarray | None = None  # ``present_classes(counts)``, made once with them


def present_classes(counts: np.ndarray) -> np.ndarray:
    """Per text, the classes it has a letter of (counts > 0) as the low 32 bits of one uint64,
    and those it has two letters of or more (counts > 1) as the high 32 bits. For two texts,
    the bits of one the other lacks count, per class, min(a, 2) - min(b, 2) where that is
    positive: at most the letters of that class the other cannot cover (a - b)."""
    bits = np.zeros(len(counts), np.uint64)
    for shift, least in ((0, 1), (32, 2)):
        packed = np.packbits(counts >= least, axis=1, bitorder="little")  # texts x 4 bytes
        words = np.ascontiguousarray(packed).view("<u4").reshape(len(counts))
        bits |= words.astype(np.uint64) << np.uint64(shift)
    return bits


def character_classes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per text (an object array of str), its length in code points (as Python and rapidfuzz
    count them) and the classes of all its characters, the space included, as the bits of one
    uint32 (``present_classes``' classes).

    >>> [a.tolist() for a in character_classes(np.array(["ab", "", "a "], dtype=object))]
    [[2, 0, 2], [6, 0, 3]]
    """
    length = np.fromiter(map(len, values), np.int64, len(values))
    # a lone surrogate is one code point to Python and rapidfuzz: kept as one here too
    points = np.frombuffer("".join(values).encode("utf-32-le", "surrogatepass"), np.uint32)
    bits = np.left_shift(np.uint32(1), (points % BUCKETS).astype(np.uint32))
    classes = np.zeros(len(values), np.uint32)
    given = np.flatnonzero(length)
    if len(given):
        starts = (np.cumsum(length) - length)[given]
        classes[given] = np.bitwise_or.reduceat(bits, starts)
    return length, classes


def token_letters(values: np.ndarray, strings: pd.Series | None = None) -> TokenLetters:
    """``TokenLetters`` of distinct texts (an object array of str), by Arrow and numpy: no
    Python per text. ``strings``: the same texts as Arrow text (``levels.Text.strings``), read
    as they are instead of made again from the Python strings (0.1 s at large)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(values)
    none = TokenLetters(np.zeros((n, BUCKETS), np.int8), np.zeros(n, np.int64), np.zeros(n, bool))
    if not n:
        return none
    try:
        if strings is None:
            text = pa.array(values, pa.large_string())
        else:
            text = pa.array(strings).cast(pa.large_string())
    except (pa.ArrowException, UnicodeEncodeError):  # a lone surrogate: rule nothing out
        return none
    plain = pc.match_substring_regex(text, _PLAIN).to_numpy(zero_copy_only=False).copy()
    lists = pc.split_pattern(text, " ")
    words = pc.list_flatten(lists)
    owner = pc.list_parent_indices(lists).to_numpy()
    size = pc.utf8_length(words).to_numpy()
    real = size > 0  # "" between two spaces, or at either end, is no word
    owner, size = owner[real], size[real]
    word_codes = pc.dictionary_encode(words.filter(pa.array(real))).indices.to_numpy()
    # a word twice in one text: its set has it once, its letters count it twice. Two words of
    # one text side by side are compared directly (most names have two); texts of three or
    # more words are hashed
    count = np.bincount(owner, minlength=n)
    twice = (owner[1:] == owner[:-1]) & (word_codes[1:] == word_codes[:-1])
    plain[owner[1:][twice]] = False
    many = np.flatnonzero(count[owner] >= 3)
    if len(many):
        joint = owner[many].astype(np.int64) * (len(word_codes) + 1) + word_codes[many]
        plain[owner[many][pd.Series(joint).duplicated().to_numpy()]] = False
    length = np.bincount(owner, weights=size, minlength=n).astype(np.int64) + np.maximum(
        count - 1, 0
    )
    points = np.frombuffer("".join(values).encode("utf-32-le"), np.uint32)
    counts = _counts(points, pc.utf8_length(text).to_numpy(), n)
    return TokenLetters(counts, length, plain, present_classes(counts))


#: Texts counted at a time by ``_counts``: their letters' temporaries stay in the CPU's cache
#: (one count array of every text at once is tens of megabytes of fresh memory)
STEP = 8192


def _counts(points: np.ndarray, characters: np.ndarray, n: int) -> np.ndarray:
    """(n x BUCKETS) int8: how many letters of each text (``characters`` code points each, in
    ``points`` one text after another) fall in each class, spaces left out, capped at 127
    (min(a, 127) - min(b, 127) is never more than a - b, so D can only shrink)."""
    out = np.zeros((n, BUCKETS), np.int8)
    ends = np.cumsum(characters, dtype=np.int64)
    width = BUCKETS + 1  # one more class, for the space, dropped
    for lo in range(0, n, STEP):
        hi = min(lo + STEP, n)
        begin = ends[lo - 1] if lo else 0
        some = points[begin : ends[hi - 1]]
        bucket = (some % BUCKETS).astype(np.intp)
        bucket[some == ord(" ")] = BUCKETS
        bucket += np.repeat(np.arange(0, (hi - lo) * width, width), characters[lo:hi])
        counts = np.bincount(bucket, minlength=(hi - lo) * width).reshape(hi - lo, width)
        out[lo:hi] = np.minimum(counts[:, :BUCKETS], 127)
    return out


def may_reach(letters: TokenLetters, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """False where the texts coded ``x`` and ``y`` (codes into the values ``letters`` was made
    of, pair by pair) cannot have a token-set similarity of 0.95 or more; True where they
    may."""
    out = np.ones(len(x), dtype=bool)
    # the letters one side cannot cover are its letters less those both hold: one minimum per
    # class, not a difference and two maxima (a third of the time)
    total = letters.counts.sum(axis=1, dtype=np.int64)
    present = present_classes(letters.counts) if letters.present is None else letters.present
    # D * LIMIT <= L as D <= L // LIMIT, one integer per text, the most a text that is not
    # plain can be (never ruled out): two gathers per pair, not six
    room = np.where(letters.plain, letters.length // LIMIT, np.iinfo(np.int32).max)
    room = room.astype(np.int32)
    for start in range(0, len(x), _CHUNK):
        a, b = x[start : start + _CHUNK], y[start : start + _CHUNK]
        # first a looser bound from one word per text: each class where one side has a letter
        # (or two) and the other none (or fewer than two) holds a letter the other cannot
        # cover (two: a bit each), so a pair it rules out the counts rule out too, and most
        # pairs (two names of other letters) need no counts
        bits_a, bits_b = present[a], present[b]
        room_a, room_b = room[a], room[b]
        open_ = np.bitwise_count(bits_a & ~bits_b) <= room_a
        open_ |= np.bitwise_count(bits_b & ~bits_a) <= room_b
        at = np.flatnonzero(open_)
        a, b, room_a, room_b = a[at], b[at], room_a[at], room_b[at]
        shared = np.minimum(letters.counts[a], letters.counts[b]).sum(axis=1, dtype=np.int64)
        open_[at] = (total[a] - shared <= room_a) | (total[b] - shared <= room_b)
        out[start : start + _CHUNK] = open_
    return out
