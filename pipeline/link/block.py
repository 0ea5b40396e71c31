"""Blocking: candidate pairs from declared rules, never the full product of two files.

A rule is a value with a name and a ``pairs(frame)`` method (the kinds are in
``link.block_rules``: ``Equal``, ``SortedNeighbourhood``, ``NameNeighbours``). The union of their
pairs is the candidate set; the count per rule is reported. The keys the default rules block on
are derived in ``link.block_keys``. Pairs between two records of a file that holds each person
once (``unique_sources``) are never candidates: a LinkedIn export has one row per member.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath

import numpy as np
import pandas as pd

from pipeline.errors import InputError
from pipeline.link.block_keys import blocking_columns, former_keys, last_families, soundex
from pipeline.link.block_pairs import EMPTY, distinct
from pipeline.link.block_rules import BlockingRule, Equal, NameNeighbours, SortedNeighbourhood
from pipeline.link.ngrams import nearest_keys
from pipeline.text.arrow_text import STR
from pipeline.threads import in_order

__all__ = [
    "RULES",
    "BlockingRule",
    "Candidates",
    "Equal",
    "NameNeighbours",
    "SortedNeighbourhood",
    "blocking_columns",
    "candidate_pairs",
    "declared_rules",
    "file_codes",
    "former_keys",
    "last_families",
    "nearest_keys",
    "once_per_run",
    "soundex",
    "unique_records",
]

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
    texts: dict | None = None,
    beside: Sequence[Callable[[], object]] = (),
) -> Candidates:
    """Pairs (i < j, positions in ``frame``) that at least one rule proposes.

    Rules whose columns ``frame`` lacks are skipped. Pairs of two records of the same file of a
    unique source (``frame`` has ``source`` and ``source_file`` for that) are dropped.
    ``texts`` (a dict the caller keeps, as ``compare``'s ``cache``): the codes of each text
    column, made once per run and shared with the comparisons. ``beside``: the run's later
    work that reads no pairs (``compare.work_ahead``), made on the second thread while the
    rules' shared codes are made, where the rules run on two threads (else left to its steps;
    its errors too: they are met again there).

    >>> f = pd.DataFrame({"name_key": ["ann lee", "ann lee", "bo wu"]})
    >>> candidate_pairs(f, [Equal("name", ("name_key",))]).pairs.values.tolist()
    [[0, 1]]
    """
    allowed = _allowed(frame, unique_sources, texts)
    # One int64 per pair (left * n + right) makes the union a single sort instead of a
    # frame-wide hash.
    n = max(len(frame), 1)
    codes: dict = {}  # the key columns' codes, shared by the Equal rules
    usable = [rule for rule in rules if set(rule.needs) <= set(frame.columns)]

    def pairs_of(rule: BlockingRule) -> tuple[np.ndarray, int, int | None]:
        """The rule's distinct pairs as left * n + right, how many it proposed, and the keys
        it skipped (Equal rules)."""
        skipped, times = None, [None]
        if isinstance(rule, Equal):
            # a "first-name variant" rule's key whose records are another's makes no pairs:
            # 3.4 of the 4.8 million pairs "same last name and a first-name variant" made at
            # large came again from a key of the same records; ``times`` counts them
            times = []
            left, right, skipped, ordered = rule._arrays(frame, codes, texts, times)
            if not ordered:
                left, right = _ordered_arrays(left, right)
        else:
            pairs = rule.pairs(frame, texts)
            left, right = _ordered_arrays(pairs["left"].to_numpy(), pairs["right"].to_numpy())
        keep = allowed(left, right)
        # the pairs the rule proposed, each as often as keys made it
        count = int(keep.sum()) if times[0] is None else int(times[0][keep].sum())
        # each rule's pairs made distinct on their own (most come by left already, an Equal
        # rule's: see _sized_arrays; the stable sort, timsort, merges such runs): the union
        # then merges 9.3 million pairs at large, not 21 million
        return distinct(left[keep] * n + right[keep], kind="stable"), count, skipped

    made = _side_by_side(pairs_of, usable, frame, codes, texts, beside)
    found = [pairs for pairs, _, _ in made]
    per_rule = {rule.name: count for rule, (_, count, _) in zip(usable, made, strict=True)}
    skipped = {
        rule.name: count
        for rule, (_, _, count) in zip(usable, made, strict=True)
        if count is not None
    }
    if not found:
        return Candidates(EMPTY.copy(), per_rule, skipped)
    union = distinct(np.concatenate(found), kind="stable")  # sorted runs, merged
    pairs = pd.DataFrame({"left": union // n, "right": union % n})
    return Candidates(pairs, per_rule, skipped)


#: From this many records on, the rules make their pairs on two threads (numpy's sorts and
#: Arrow leave the GIL); below, the thread costs more than it saves.
THREADED = 100_000


def _side_by_side(
    make, rules: list[BlockingRule], frame: pd.DataFrame, codes: dict, texts, beside=()
):
    """``[make(rule) for rule in rules]``, on two threads from THREADED records on: each
    rule's shared codes made first, one rule after another (then the rules only read them),
    the work ``beside`` on the other thread meanwhile; the rules that run longest (nearest
    names, the sorted neighbourhood) started first; the results in the rules' order whichever
    thread made them."""
    threaded = len(frame) >= THREADED and len(rules) >= 2
    if threaded:

        def ready(part: str) -> None:
            if part == "rules":
                for rule in rules:
                    rule.prepare(frame, codes, texts)
                return
            for work in beside:  # an error there is met again where the work is asked for
                with contextlib.suppress(Exception):
                    work()

        in_order(ready, ["rules", "beside"] if beside else ["rules"], threaded=True)
    first = sorted(range(len(rules)), key=lambda i: isinstance(rules[i], Equal))
    return in_order(make, rules, threaded=threaded, start=first)


def unique_records(
    frame: pd.DataFrame, unique_sources: Sequence[str], cache: dict | None = None
) -> np.ndarray:
    """True for each record of a file that holds each person once: its ``source`` kind
    ("connections", "alumni") or its ``source_file`` (the name, with or without extension,
    any case) is listed in ``unique_sources``. All False without a ``source`` column.
    ``cache``: the run's per-record work on ``frame`` (``levels.Rows``' cache), where the
    answer is kept (read-only) for the run's other steps, which ask seven times."""
    return once_per_run(
        cache, ("unique records", tuple(unique_sources)), _unique_records, frame, unique_sources
    )


def _unique_records(frame: pd.DataFrame, unique_sources: Sequence[str]) -> np.ndarray:
    if "source" not in frame.columns or not unique_sources:
        return np.zeros(len(frame), dtype=bool)
    wanted = {str(u).strip().casefold() for u in unique_sources}
    # casefolded per distinct kind (a few), not per record: a million records' took 0.3 s,
    # and a run asks seven times
    codes, kinds = pd.factorize(frame["source"].astype(STR))
    hit = np.array([k.casefold() in wanted for k in kinds.tolist()], dtype=bool)
    out = np.append(hit, False)[codes]  # a missing kind (code -1) is no unique source
    if "source_file" in frame.columns:
        codes, files = pd.factorize(frame["source_file"].fillna("").astype(STR))
        names = [PurePath(f).name.casefold() for f in files]
        hit = np.array([n in wanted or n.rsplit(".", 1)[0] in wanted for n in names], dtype=bool)
        if len(hit):
            out |= hit[codes]
    return out


def once_per_run(cache: dict | None, key: tuple, make, *args) -> np.ndarray:
    """``make(*args)``, an array per record of the run's frame, kept in ``cache`` (the run's
    per-record work, ``levels.Rows``' cache) under ``key`` and read-only there, so the run's
    steps share it; without ``cache``, made afresh."""
    if cache is None:
        return make(*args)
    if key not in cache:
        made = make(*args)
        made.flags.writeable = False
        cache[key] = made
    return cache[key]


def file_codes(frame: pd.DataFrame, cache: dict | None = None) -> np.ndarray:
    """The file of each record as a code (all 0 without a source_file column), in the
    narrowest signed integers that hold them (a missing file is -1): looked up per pair, a
    table of a byte per record stays in the cache where one of eight did not. ``cache``: the
    run's per-record work on ``frame``, where the codes are kept once made (``once_per_run``)."""
    return once_per_run(cache, ("file codes",), _file_codes, frame)


def _file_codes(frame: pd.DataFrame) -> np.ndarray:
    if "source_file" not in frame.columns:
        return np.zeros(len(frame), dtype=np.int8)
    codes, files = pd.factorize(frame["source_file"].astype(STR))
    return codes.astype(np.min_scalar_type(-len(files) - 1))


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


def _ordered_arrays(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """left < right (int64) of each pair of two different positions."""
    left = left.astype("int64", copy=False)
    right = right.astype("int64", copy=False)
    keep = left != right
    return np.minimum(left, right)[keep], np.maximum(left, right)[keep]


def _allowed(frame: pd.DataFrame, unique_sources: Sequence[str], cache: dict | None = None):
    """A mask function of (left, right) positions: False for pairs inside one file of a
    unique source. ``cache``: the run's per-record work (``once_per_run``)."""
    if not {"source", "source_file"} <= set(frame.columns) or not unique_sources:
        return lambda left, right: np.ones(len(left), dtype=bool)
    unique = unique_records(frame, unique_sources, cache)
    # a record's file where it holds each person once, else -1: a pair is left out where
    # both records show the same file (two lookups per pair, not four)
    own_file = np.where(unique, file_codes(frame, cache), -1).astype(np.int32)
    ranges = _ranges(own_file)
    if ranges is not None:  # each such file's records in a row (a LinkedIn export's are)
        return lambda left, right: _outside(ranges, left, right)

    def mask(left: np.ndarray, right: np.ndarray) -> np.ndarray:
        at = own_file[left]
        return (at != own_file[right]) | (at < 0)

    return mask


def _ranges(own_file: np.ndarray) -> list[tuple[int, int]] | None:
    """Per file (code >= 0 in ``own_file``), the positions [start, end) of its records where
    they are one run each; None where some file's records are not."""
    at = np.flatnonzero(own_file >= 0)
    if not len(at):
        return []
    codes = own_file[at]
    edge = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1], True])
    start, last = at[edge[:-1]], at[edge[1:] - 1]
    if len(edge) - 1 != len(np.unique(codes)) or np.any(last - start != np.diff(edge) - 1):
        return None
    return list(zip(start.tolist(), (last + 1).tolist(), strict=True))


def _outside(ranges: list[tuple[int, int]], left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """True for pairs (left < right) not both inside one of ``ranges``."""
    inside = np.zeros(len(left), dtype=bool)
    for start, end in ranges:
        inside |= (right < end) if start == 0 else (left >= start) & (right < end)
    return ~inside
