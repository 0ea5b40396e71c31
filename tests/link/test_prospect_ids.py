"""``cluster.prospect_ids`` found per cluster in numpy gives the ids grouping the frame gave."""

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
    return pd.Series(ids.reindex(labels).to_numpy(), index=frame.index, dtype="str")


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


def test_no_records():
    frame = _frame(np.random.default_rng(0), 0, True)
    got = prospect_ids(frame, np.zeros(0, dtype=np.int32))
    assert len(got) == 0 and got.dtype == "str"
