"""``block._allowed`` (pairs inside one file of a unique source left out) against the plain
rule, record by record: a pair is out where both its records are in one such file; whether
each such file's records are in a row (then ranges are compared) or scattered."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.link.block import _allowed, unique_records


@pytest.mark.parametrize("seed", range(30))
def test_allowed_is_the_plain_rule(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 80))
    files = np.array(["Connections.csv", "other.csv", "alumni.csv", "B/connections.csv"])
    kinds = {"Connections.csv": "connections", "B/connections.csv": "connections"}
    which = rng.integers(0, len(files), n)
    if seed % 2:  # each file's records in a row, as a run reads them
        which = np.sort(which)
    frame = pd.DataFrame({"source_file": files[which]})
    frame["source"] = [kinds.get(f, "alumni") for f in frame["source_file"]]
    unique = unique_records(frame, ("connections",))
    left = rng.integers(0, n, 500)
    right = rng.integers(0, n, 500)
    left, right = np.minimum(left, right), np.maximum(left, right)
    left, right = left[left < right], right[left < right]
    same = frame["source_file"].to_numpy()
    want = ~(unique[left] & unique[right] & (same[left] == same[right]))
    assert _allowed(frame, ("connections",))(left, right).tolist() == want.tolist()
