"""``cluster.prospect_ids`` found per cluster in numpy gives the ids grouping the frame gave, made
distinct where two clusters draw one id as the rule written cluster by cluster does."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pytest

from pipeline.link.cluster import prospect_ids


def _by_grouping(frame: pd.DataFrame, labels: np.ndarray) -> pd.Series:
    """The rule as it was written first: groupby(label).first() of slug, alumni id, position."""
    slug = frame["linkedin_slug"].where(frame["linkedin_slug"] != "")
    ext = frame.get("alumni_record", pd.Series("", index=frame.index)).fillna("").astype("str")
    ext = ("alumni:" + ext).where(ext != "")
    at = np.arange(len(frame))
    by = pd.DataFrame({"label": labels, "slug": slug.to_numpy(), "ext": ext.to_numpy(), "at": at})
    first = by.groupby("label")[["slug", "ext", "at"]].first()
    ids = first["slug"].fillna(first["ext"]).astype(object)
    need = ids.isna().to_numpy()
    at = first["at"].to_numpy()[need]
    names = frame["name_key"].to_numpy(dtype=object)[at]
    years = frame["grad_year"].astype("str").to_numpy(dtype=object)[at]
    companies = frame["company_key"].to_numpy(dtype=object)[at]
    ids[need] = [
        "p-" + hashlib.sha1(f"{k}|{y}|{c}".encode()).hexdigest()[:12]
        for k, y, c in zip(names, years, companies, strict=True)
    ]
    ids = _distinct_by_loop(frame, labels, ids)
    return pd.Series(ids.reindex(labels).to_numpy(), index=frame.index, dtype="str")


def _distinct_by_loop(frame: pd.DataFrame, labels: np.ndarray, ids: pd.Series) -> pd.Series:
    """The clusters sharing an id, one at a time: the one with a connection, else the one whose
    first record comes first, keeps it; the others get "~" + 8 hex of their first record's
    name|year|company, then "~2", "~3" ... while that is taken."""
    source = frame.get("source", pd.Series("", index=frame.index)).fillna("").to_numpy()
    ids = ids.copy()
    members = {c: np.flatnonzero(labels == c) for c in ids.index}
    groups: dict[str, list] = {}
    for c, v in ids.items():
        groups.setdefault(v, []).append(c)
    moved = []  # in the order the suffixes are settled: by id, then as the clusters are preferred
    for v, clusters in sorted(groups.items()):
        if len(clusters) < 2:
            continue
        connected = {c: (source[members[c]] == "connections").any() for c in clusters}
        clusters.sort(key=lambda c: (not connected[c], members[c][0]))
        for c in clusters[1:]:
            i = members[c][0]
            key = f"{frame['name_key'].iloc[i]}|{frame['grad_year'].astype('str').iloc[i]}|"
            key += f"{frame['company_key'].iloc[i]}"
            ids[c] = f"{v}~" + hashlib.sha1(key.encode()).hexdigest()[:8]
            moved.append(c)
    taken = {v for c, v in ids.items() if c not in moved}
    for c in moved:
        base, step = ids[c], 2
        while ids[c] in taken:
            ids[c], step = f"{base}~{step}", step + 1
        taken.add(ids[c])
    return ids


def _frame(rng: np.random.Generator, n: int, alumni: bool) -> pd.DataFrame:
    pick = lambda values: [values[i] for i in rng.integers(0, len(values), n)]  # noqa: E731
    frame = pd.DataFrame(
        {
            "linkedin_slug": pd.Series(pick(["", None, "ann-lee", "bo-wu-1", "zoë"]), dtype="str"),
            "name_key": pd.Series(pick(["ann lee", "bo wu", "", None, "李 小龙"]), dtype="str"),
            "grad_year": pd.array(pick([2015, None, 1999]), dtype="Int64"),
            "company_key": pd.Series(pick(["acme", "", None]), dtype="str"),
        },
        index=pd.RangeIndex(n) * 3,  # not positions
    )
    if alumni:
        frame["alumni_record"] = pd.Series(pick(["", None, "A7", "B12"]), dtype="str").to_numpy()
    frame["source"] = pick(["connections", "alumni", "alumni"])  # drawn last: the draws above stay
    return frame


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("alumni", [True, False])
def test_ids_equal_the_grouped_ones(seed, alumni):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 120))
    frame = _frame(rng, n, alumni)
    labels = rng.integers(0, max(n // 3, 1), n) * 2  # gaps between labels, some alone
    got = prospect_ids(frame, labels)
    pd.testing.assert_series_equal(got, _by_grouping(frame, labels))
    assert got.str.startswith("p-").any() or n < 5
    per_cluster = pd.Series(got.to_numpy()).groupby(labels).first()
    assert per_cluster.is_unique  # one id per person, never two people under one id


def test_the_connection_keeps_its_slug():
    """An alum whose LinkedIn column names a connection's slug, not linked to it (the real
    benchmark's typo'd duplicate row): the connection's person keeps the slug, the alum gets it
    with a suffix, and ids stay one per person."""
    frame = pd.DataFrame(
        {
            "linkedin_slug": pd.Series(["kat-t-417ab", "kat-t-417ab", ""], dtype="str"),
            "name_key": pd.Series(["kat tavor", "kat tavro", "kat tavor"], dtype="str"),
            "grad_year": pd.array([2025, 2025, 2025], dtype="Int64"),
            "company_key": pd.Series(["anan", "anan", "kanak"], dtype="str"),
            "source": ["alumni", "alumni", "connections"],
            "alumni_record": pd.Series(["130228", "111568", ""], dtype="str").to_numpy(),
        }
    )
    labels = np.array([0, 1, 1])  # the alum alone, then the connection with its other row
    got = prospect_ids(frame, labels).tolist()
    suffix = hashlib.sha1(b"kat tavor|2025|anan").hexdigest()[:8]
    assert got == [f"kat-t-417ab~{suffix}", "kat-t-417ab", "kat-t-417ab"]


def test_ids_taken_by_a_suffix_move_on():
    """Three clusters of one name, year and employer and no slug or record id: one hash. The
    cluster whose first record comes first keeps it, the next gets the digest suffix and the
    last, whose digest is the same, "~2" after that."""
    frame = pd.DataFrame(
        {
            "linkedin_slug": pd.Series(["", "", ""], dtype="str"),
            "name_key": pd.Series(["bo wu"] * 3, dtype="str"),
            "grad_year": pd.array([None] * 3, dtype="Int64"),
            "company_key": pd.Series([""] * 3, dtype="str"),
        }
    )
    got = prospect_ids(frame, np.array([5, 1, 3])).tolist()
    digest = hashlib.sha1(b"bo wu|nan|").hexdigest()  # a missing year reads "nan", as before
    base = "p-" + digest[:12]
    assert got == [base, f"{base}~{digest[:8]}", f"{base}~{digest[:8]}~2"]


def test_no_records():
    frame = _frame(np.random.default_rng(0), 0, True)
    got = prospect_ids(frame, np.zeros(0, dtype=np.int32))
    assert len(got) == 0 and got.dtype == "str"


def test_a_suffixed_id_that_another_cluster_holds_moves_on():
    """The alum moved off a connection's slug would take "<slug>~<digest>", which a third
    cluster's slug already is: it gets "~2" after that, as the cluster-by-cluster rule gives."""
    suffix = hashlib.sha1(b"kat tavro|2025|anan").hexdigest()[:8]
    frame = pd.DataFrame(
        {
            "linkedin_slug": pd.Series(["kat-t", "kat-t", f"kat-t~{suffix}"], dtype="str"),
            "name_key": pd.Series(["kat tavor", "kat tavro", "kim lee"], dtype="str"),
            "grad_year": pd.array([2025, 2025, 2020], dtype="Int64"),
            "company_key": pd.Series(["anan", "anan", "kanak"], dtype="str"),
            "source": ["connections", "alumni", "alumni"],
        }
    )
    labels = np.array([0, 1, 2])
    got = prospect_ids(frame, labels)
    pd.testing.assert_series_equal(got, _by_grouping(frame, labels))
    assert got.tolist() == ["kat-t", f"kat-t~{suffix}~2", f"kat-t~{suffix}"]
