"""Schema 4's pieces against row-by-row oracles: ``delta.compare`` (who is new, who changed a
stable column, who left, whose old row to keep), the volatile blob (encoded with pyarrow,
decoded with the standard library), and ``may_differ`` given the delta's flags."""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from benchmarks.bench_history import first_run, next_run
from pipeline.history import delta, store, volatile
from pipeline.history.differ import may_differ
from pipeline.history.snapshot import columnar


def _table(frame: pd.DataFrame) -> pa.Table:
    frame = frame.reindex(columns=list(store.PROSPECT_COLUMNS))
    table = columnar(store._in_key_order(frame), store.PROSPECT_COLUMNS)
    assert table is not None
    return table


ODD = ["é-1", "😀-2", "z-3", "A-4"]


def _pair(n: int = 400) -> tuple[pa.Table, pa.Table]:
    rng = np.random.default_rng(4)
    old = first_run(n, rng)
    new = next_run(old, 1, rng).set_index("prospect_id", drop=False)
    old = old.set_index("prospect_id", drop=False)
    same = [p for p in old.index[:50] if p in new.index]
    old = old.astype({"grad_year": "Int64"})
    new = new.astype({"grad_year": "Int64"})
    new.loc[same[0], "grad_year"] = pd.NA  # present -> missing
    old.loc[same[0], "grad_year"] = 2019
    old.loc[same[1], "title"], new.loc[same[1], "title"] = None, None  # missing on both
    old.loc[same[1], "company_key"] = new.loc[same[1], "company_key"]
    old.loc[same[1], "seniority"] = new.loc[same[1], "seniority"]
    new.loc[same[2], "school"] = "Other"
    new.loc[same[3], "rank"] = 9999  # a volatile column only: no change
    for frame in (old, new):  # ids that sort differently by bytes, code points and locale
        frame["prospect_id"] = frame["prospect_id"].replace(dict(zip(same[:4], ODD, strict=True)))
    return _table(old.reset_index(drop=True)), _table(new.reset_index(drop=True))


def _oracle(old: pa.Table, new: pa.Table) -> tuple[list[bool], list[bool]]:
    before = {r["prospect_id"]: r for r in old.to_pylist()}
    after = {r["prospect_id"]: r for r in new.to_pylist()}
    changed = [
        r["prospect_id"] not in before
        or any(before[r["prospect_id"]][c] != r[c] for c in delta.STABLE)
        for r in new.to_pylist()
    ]
    gone = [pid not in after for pid in before]
    return changed, gone


@pytest.mark.parametrize("sizes", [(9999, 9999), (0, 9999), (9999, 0), (1, 1)])
def test_the_delta_is_who_is_new_changed_or_gone(sizes):
    old, new = _pair()
    old, new = old.slice(0, sizes[0]), new.slice(0, sizes[1])
    found = delta.compare(old, new)
    assert found is not None
    changed, gone = _oracle(old, new)
    assert found.changed.tolist() == changed and found.gone.tolist() == gone
    if sizes == (9999, 9999):
        assert 0 < sum(changed) < len(new) and 0 < sum(gone) < len(old)
        flags = dict(zip(new["prospect_id"].to_pylist(), changed, strict=True))
        assert flags["é-1"] and not flags["😀-2"] and flags["z-3"] and not flags["A-4"]
    # the old rows kept: everyone gone, and everyone on both sides who changed
    in_new = set(new["prospect_id"].to_pylist())
    moved = {p for p, c in zip(new["prospect_id"].to_pylist(), changed, strict=True) if c}
    expected = [r for r in old.to_pylist() if r["prospect_id"] not in in_new
                or r["prospect_id"] in moved]  # fmt: skip
    assert found.copies().to_pylist() == expected


def _same_people(rows: int) -> tuple[pa.Table, pa.Table]:
    """A run and the next on the same files: the same people in the same order, a few stable
    cells changed (present -> missing, missing on both, another school), a volatile one too."""
    old, _ = _pair()
    old = old.slice(0, rows)
    new = old.to_pandas(types_mapper=pd.ArrowDtype)
    if rows > 4:
        new.loc[0, "grad_year"] = pd.NA
        new.loc[1, "title"] = None
        new.loc[2, "school"] = "Other"
        new.loc[3, "rank"] = 9999
        new.loc[4, "name"] = "Someone Else"
    return old, pa.Table.from_pandas(new, schema=old.schema, preserve_index=False)


@pytest.mark.parametrize("rows", [0, 1, 400])
def test_the_same_people_in_the_same_order_are_compared_where_they_are(rows):
    old, new = _same_people(rows)
    assert delta.in_same_order(old["prospect_id"], new["prospect_id"])
    found = delta.compare(old, new)
    assert found is not None
    changed, gone = _oracle(old, new)
    assert found.changed.tolist() == changed and found.gone.tolist() == gone
    assert found.at.tolist() == list(range(rows)) and found.at.dtype == np.int64
    if rows == 400:
        assert changed[:5] == [old["grad_year"][0].as_py() is not None, True, True, False, True]
    assert found.copies().to_pylist() == [
        r for r, c in zip(old.to_pylist(), changed, strict=True) if c
    ]


def test_other_people_or_another_order_are_not_the_same_order():
    old, _ = _same_people(400)
    ids = old["prospect_id"]
    assert not delta.in_same_order(ids, ids.slice(1))
    assert not delta.in_same_order(ids, pa.chunked_array([ids.to_pylist()[::-1]]))
    other = ids.to_pylist()
    other[200] = "someone-else"
    assert not delta.in_same_order(ids, pa.chunked_array([other]))
    assert not delta.in_same_order(
        pa.chunked_array([[None]], pa.string()), pa.chunked_array([[None]], pa.string())
    )


def test_tables_of_other_columns_give_no_delta():
    old, new = _pair()
    assert delta.compare(old, new.drop_columns(["school"])) is None
    assert (
        delta.compare(old.cast(old.schema.set(8, pa.field("grad_year", pa.float64()))), new) is None
    )


@pytest.mark.parametrize("rows", [0, 1, 400])
def test_the_volatile_blob_reads_back_as_sqlite_gives_the_cells(rows):
    _old, new = _pair()
    new = new.slice(3, rows)  # a slice: its buffers start inside Arrow's
    found = volatile.decode(volatile.encode(new))
    assert found.ids == new["prospect_id"].to_pylist()
    expected = new.select(["warmth", "score", "rank"]).to_pylist()
    assert [found.values(i) for i in range(len(found.ids))] == expected


def test_missing_volatile_cells_read_back_as_none():
    table = pa.table({"prospect_id": ["b", "ä", "x"], "rank": pa.array([None, 2, 3], pa.int64()),
                      "score": [float("nan"), None, 0.5], "warmth": [None, 1.0, 2.0]})  # fmt: skip
    found = volatile.decode(volatile.encode(table))
    assert found.ids == ["b", "ä", "x"]
    assert [found.values(i) for i in range(3)] == [
        {"warmth": None, "score": None, "rank": None},
        {"warmth": 1.0, "score": None, "rank": 2},
        {"warmth": 2.0, "score": 0.5, "rank": 3},
    ]


@pytest.mark.parametrize("damage", ["truncated", "not zlib", "short"])
def test_a_damaged_volatile_blob_is_reported_not_decoded(damage):
    _old, new = _pair()
    blob = volatile.encode(new)
    raw = zlib.decompress(blob)
    bad = {"truncated": blob[: len(blob) // 2], "not zlib": b"garbage" * 10,
           "short": zlib.compress(raw[:-8])}[damage]  # fmt: skip
    with pytest.raises(volatile.Damaged):
        volatile.decode(bad)


@pytest.mark.parametrize("within", [0, 100])
def test_may_differ_given_the_delta_finds_what_it_finds_alone(within):
    old, new = _pair()
    found = delta.compare(old, new)
    assert found is not None
    frames = [t.to_pandas(types_mapper=pd.ArrowDtype) for t in (old, new)]
    keep = {"é-1", "person-000300"}
    alone = may_differ(*frames, keep, 10, within)
    given = may_differ(*frames, keep, 10, within, at=found.at, changed=found.changed)
    assert given == alone
    assert len(alone[1]) > 4
