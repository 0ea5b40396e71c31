"""``cluster.one_to_one`` keeps the links the rounds over (record, file) pairs kept when each
round compared MultiIndexes of the frame's columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.link.block import unique_records
from pipeline.link.cluster import one_to_one


def _by_frames(links: pd.DataFrame, frame: pd.DataFrame, unique_sources) -> pd.DataFrame:
    """The rule as it was written first: rounds of mutual best choices over frame columns."""
    if links.empty:
        return links
    unique = unique_records(frame, unique_sources)
    files = pd.factorize(frame["source_file"].astype("str"))[0]
    left, right = links["left"].to_numpy(), links["right"].to_numpy()
    same_file = files[left] == files[right]
    bound = ~same_file & (unique[left] | unique[right])
    rest = links[~bound & ~(same_file & unique[left])]
    cand = links[bound].copy()
    cand["lf"], cand["rf"] = files[cand["left"].to_numpy()], files[cand["right"].to_numpy()]
    cand = cand.sort_values("probability", ascending=False, kind="stable")
    accepted = []
    while len(cand):
        take = cand[~cand.duplicated(["left", "rf"]) & ~cand.duplicated(["right", "lf"])]
        accepted.append(take)
        used_l = pd.MultiIndex.from_frame(take[["left", "rf"]])
        used_r = pd.MultiIndex.from_frame(take[["right", "lf"]])
        cand = cand[
            ~pd.MultiIndex.from_frame(cand[["left", "rf"]]).isin(used_l)
            & ~pd.MultiIndex.from_frame(cand[["right", "lf"]]).isin(used_r)
        ]
    chosen = pd.concat(accepted) if accepted else cand
    return pd.concat([rest, chosen[links.columns]], ignore_index=True)


def _frame(rng: np.random.Generator, n: int) -> pd.DataFrame:
    files = rng.choice(["c.csv", "a.xlsx", "b.xlsx", "Ålumni.csv"], n)
    source = np.where(files == "c.csv", "connections", "alumni")
    return pd.DataFrame({"source": source, "source_file": files}).astype("str")


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("unique", [("connections",), ("connections", "b"), ()])
def test_the_same_links_as_the_frame_rounds(seed, unique):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 60))
    frame = _frame(rng, n)
    k = int(rng.integers(0, 150))
    a, b = rng.integers(0, n, k), rng.integers(0, n, k)
    keep = a != b
    links = pd.DataFrame(
        {
            "left": np.minimum(a, b)[keep],
            "right": np.maximum(a, b)[keep],
            # few distinct values: many ties, which the stable sort settles by order
            "probability": rng.choice([0.5, 0.7, 0.9, 0.99], keep.sum()),
        }
    )
    links = pd.concat([links, links.iloc[: len(links) // 4]], ignore_index=True)  # repeats
    got = one_to_one(links, frame, unique)
    pd.testing.assert_frame_equal(got, _by_frames(links, frame, unique))


def test_no_links_and_one_link():
    frame = pd.DataFrame({"source": ["connections", "alumni"], "source_file": ["c", "a"]})
    empty = pd.DataFrame({"left": [], "right": [], "probability": []})
    assert one_to_one(empty, frame).empty
    one = pd.DataFrame({"left": [0], "right": [1], "probability": [0.9]})
    pd.testing.assert_frame_equal(one_to_one(one, frame), _by_frames(one, frame, ("connections",)))
