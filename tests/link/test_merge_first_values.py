"""A prospect's shown values (``link.merge._first_non_empty``) are what grouping every column gave:
per cluster, each column's first value not missing nor "", records by source rank then row."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.link.merge import _first_non_empty, _first_values


def _by_grouping(frame, labels, columns, order):
    """The rule as it was: sort the records, blank "" text, then groupby(...).first()."""
    codes, sources = pd.factorize(frame["source"].astype("str"), use_na_sentinel=False)
    ranks = np.array([order.index(s) if s in order else len(order) for s in sources], dtype=float)
    by = np.lexsort((frame["source_row"].to_numpy(), ranks[codes], labels))
    part = frame[[c for c in columns if c in frame.columns]].take(by)
    blank = part.apply(lambda s: s.where(s.astype("str") != "") if s.dtype == "str" else s)
    return blank.groupby(np.asarray(labels)[by]).first()


@pytest.mark.parametrize("seed", range(8))
def test_first_values_equal_the_grouped_ones(seed):
    rng = np.random.default_rng(seed)
    n = 300
    text = np.array(["", "ann", "bo", "Ann", " ", "zoë"], dtype=object)
    frame = pd.DataFrame(
        {
            "source": rng.choice(["alumni", "connections", "manual", "other"], n),
            "source_row": rng.integers(0, 40, n),  # repeats: ties keep frame order
            "name": pd.Series(text[rng.integers(0, len(text), n)], dtype="str"),
            "email": pd.Series(
                np.where(rng.random(n) < 0.5, None, text[rng.integers(0, len(text), n)]),
                dtype="str",
            ),
            "year": pd.array(np.where(rng.random(n) < 0.6, None, rng.integers(1990, 2026, n))),
            "score": np.where(rng.random(n) < 0.5, np.nan, rng.random(n)),
            "when": pd.to_datetime(
                np.where(rng.random(n) < 0.5, None, "2024-01-0" + rng.integers(1, 9, n).astype(str))
            ).astype("datetime64[s]"),
            "flag": rng.random(n) < 0.5,
        }
    )
    frame["year"] = frame["year"].astype("Int64")
    labels = rng.integers(0, 90, n)  # some labels hold one record, some none of a kind
    columns = ("name", "email", "year", "score", "when", "flag", "absent")
    order = ("connections", "manual", "alumni")
    got = _first_non_empty(frame, labels, columns, order)
    expected = _by_grouping(frame, labels, columns, order)
    pd.testing.assert_frame_equal(got, expected)
    assert got["email"].isna().any() and got["name"].notna().any()


def test_no_records():
    frame = pd.DataFrame(
        {"source": pd.Series([], dtype="str"), "source_row": np.zeros(0, int), "name": []}
    ).astype({"name": "str"})
    got = _first_non_empty(frame, np.zeros(0, int), ("name",), ("alumni",))
    assert len(got) == 0 and list(got.columns) == ["name"]


@pytest.mark.parametrize("seed", range(4))
def test_text_fill_fills_only_text_clusters_without_a_value(seed):
    """``_first_values(..., text_fill="")``: the grouped values, "" where a text column's
    cluster has none, other columns still missing there."""
    rng = np.random.default_rng(seed)
    n = 200
    frame = pd.DataFrame(
        {
            "source": rng.choice(["alumni", "connections"], n),
            "source_row": rng.integers(0, 40, n),
            "email": pd.Series(np.where(rng.random(n) < 0.7, None, "a@b.c"), dtype="str"),
            "score": np.where(rng.random(n) < 0.7, np.nan, rng.random(n)),
        }
    )
    labels = rng.integers(0, 80, n)
    order = ("connections", "alumni")
    clusters, got = _first_values(frame, labels, ("email", "score"), order, "")
    expected = _by_grouping(frame, labels, ("email", "score"), order)
    assert clusters.equals(expected.index)
    pd.testing.assert_series_equal(got["email"], expected["email"].fillna(""), check_names=False)
    pd.testing.assert_series_equal(got["score"], expected["score"], check_names=False)
    assert (got["email"] == "").any() and got["score"].isna().any()


def _merged_by_grouping(frame, labels, conf):
    """``_merge``'s own columns as they were made: pandas' groupby per column, the record ids
    of a cluster of several joined from the Python strings of every record."""
    import pyarrow as pa
    import pyarrow.compute as pc

    grouped = frame.groupby(labels)
    source = frame["source"]
    record_ids = grouped["record_id"].first().astype("str")
    several = np.flatnonzero((np.bincount(labels) > 1)[labels])
    if len(several):
        members = several[np.argsort(labels[several], kind="stable")]
        sorted_labels = labels[members]
        starts = np.flatnonzero(np.r_[True, sorted_labels[1:] != sorted_labels[:-1]])
        cluster, size = sorted_labels[starts], np.diff(np.r_[starts, len(members)])
        ids = pa.array(frame["record_id"].astype("str").to_numpy(dtype=object)[members])
        lists = pa.ListArray.from_arrays(pa.array(np.r_[0, np.cumsum(size)], pa.int32()), ids)
        record_ids.loc[cluster] = pc.binary_join(lists, "|").to_numpy(zero_copy_only=False)
    return pd.DataFrame(
        {
            "prospect_id": grouped["prospect_id"].first().astype("str"),
            "is_connection": (source == "connections").groupby(labels).any(),
            "is_alum": (source == "alumni").groupby(labels).any(),
            "record_ids": record_ids,
        }
    )


@pytest.mark.parametrize("seed", range(6))
def test_merge_ids_and_sources_equal_the_grouped_ones(seed):
    import pyarrow as pa

    from pipeline.link.merge import _merge

    rng = np.random.default_rng(seed)
    n = 400
    ids = np.array([f"r{i}" for i in range(n)], dtype=object)
    # a missing prospect id: first() passes over it
    prospect = rng.choice(["p1", "p2", ""] if seed % 2 else ["p1", "p2", "", None], n)
    frame = pd.DataFrame(
        {
            "source": rng.choice(["alumni", "connections", "manual"], n),
            "source_row": rng.integers(0, 40, n),
            # in two Arrow chunks, as a column of several files is
            "record_id": pd.Series(
                pd.array(pa.chunked_array([pa.array(ids[:99]), pa.array(ids[99:])]), dtype="str")
            ),
            "prospect_id": pd.Series(prospect, dtype="str"),
            "first_name": pd.Series(rng.choice(["ann", "", None], n), dtype="str"),
        }
    )
    # labels out of frame order, some absent, clusters of one record and of many
    labels = rng.permutation(np.r_[np.arange(150), rng.integers(0, 170, n - 150)])
    conf = rng.random(170)
    got = _merge(frame, labels, conf)
    expected = _merged_by_grouping(frame, labels, conf).fillna("").reset_index(drop=True)
    for column in expected.columns:
        pd.testing.assert_series_equal(got[column], expected[column], check_names=False)
    assert (got["record_ids"].str.contains("|", regex=False)).any()
    clusters = np.unique(labels)
    assert np.array_equal(got["match_confidence"].to_numpy(), conf[clusters])
