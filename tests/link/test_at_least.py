"""``link._at_least`` finds the pairs a threshold keeps from their odds, as working out every
pair's probability did (the old code kept here as the oracle), on random and hostile odds and
thresholds."""

import numpy as np
import pytest

from pipeline.link import _at_least


def _as_before(bits: np.ndarray, threshold: float) -> np.ndarray:
    chance = np.clip(np.asarray(bits, dtype=float), -60, 60)
    for step in (np.negative, np.exp2):
        step(chance, out=chance)
    np.divide(1.0, np.add(1.0, chance, out=chance), out=chance)
    return np.flatnonzero(chance >= threshold)


THRESHOLDS = [0.5, 0.8, 0.9, 0.99, 1e-300, 1e-18, 0.0, 1.0, 1 - 2**-53, 1 - 2**-40, 2**-1074,
              1.5, -0.1, float("nan"), 0.999999]  # fmt: skip


@pytest.mark.parametrize("threshold", THRESHOLDS)
@pytest.mark.parametrize("seed", range(3))
def test_the_pairs_kept_are_those_every_probability_kept(threshold, seed):
    rng = np.random.default_rng(seed)
    with np.errstate(divide="ignore"):
        cut = np.log2(threshold / (1 - threshold)) if 0 < threshold < 1 else 0.0
    bits = np.concatenate(
        [
            rng.normal(0, 30, 3000),
            cut + rng.normal(0, 1e-12, 500),  # at the threshold's own odds, to the last bits
            np.nextafter(cut, [-np.inf, np.inf] * 50),
            cut - 1 + rng.normal(0, 1e-9, 100),
            [np.nan, np.inf, -np.inf, 60, -60, 61, -61, 53, 54, 1e308, -1e308, 0.0, -0.0],
            rng.uniform(-200, 200, 1000),
        ]
    )
    rng.shuffle(bits)
    np.testing.assert_array_equal(_at_least(bits, threshold), _as_before(bits, threshold))


def test_no_pairs():
    assert len(_at_least(np.zeros(0), 0.5)) == 0
