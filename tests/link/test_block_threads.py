"""Blocking's rules making their pairs on two threads (``block._side_by_side``, from
``block.THREADED`` records on) give what one rule after another gives, and a rule's error
reaches the caller as it is."""

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from pipeline.errors import InputError
from pipeline.link import block
from pipeline.link.block import RULES, SortedNeighbourhood, candidate_pairs
from tests.link.generated import blocking_frame


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return blocking_frame(150, 900)


def _candidates(frame, rules, threaded: bool, monkeypatch, texts=None):
    monkeypatch.setattr(block, "THREADED", 0 if threaded else 10**12)
    return candidate_pairs(frame, rules, ("connections",), texts)


@pytest.mark.parametrize("shared", [False, True])
def test_threads_give_the_rules_pairs_counts_and_skipped_keys_one_after_another_do(
    frame, shared, monkeypatch
):
    texts_serial, texts_threaded = ({}, {}) if shared else (None, None)
    serial = _candidates(frame, RULES, False, monkeypatch, texts_serial)
    threaded = _candidates(frame, RULES, True, monkeypatch, texts_threaded)
    pd.testing.assert_frame_equal(threaded.pairs, serial.pairs)
    assert list(threaded.per_rule.items()) == list(serial.per_rule.items())
    assert list(threaded.skipped_keys.items()) == list(serial.skipped_keys.items())
    assert len(serial.pairs) > 100 and sum(serial.per_rule.values()) > len(serial.pairs)
    if shared:  # the shared codes (and per-record arrays): the same made, equal
        assert texts_threaded.keys() == texts_serial.keys()
        for key, made in texts_serial.items():
            mine = texts_threaded[key]
            assert np.array_equal(getattr(mine, "codes", mine), getattr(made, "codes", made)), key


@dataclass(frozen=True)
class _Failing(SortedNeighbourhood):
    def key_pairs(self, uniques: np.ndarray) -> np.ndarray:
        raise InputError("a rule that cannot make its pairs")


@pytest.mark.parametrize("threaded", [False, True])
def test_a_rules_error_reaches_the_caller_as_it_is(frame, threaded, monkeypatch):
    rules = (*RULES[:3], _Failing("failing", "first_last"), *RULES[3:])
    with pytest.raises(InputError, match=r"^a rule that cannot make its pairs$"):
        _candidates(frame, rules, threaded, monkeypatch, {})


@pytest.mark.parametrize("fails", [False, True])
def test_work_beside_runs_on_the_other_thread_and_changes_nothing(frame, fails, monkeypatch):
    """``beside`` (the comparisons' per-run work) is made on a thread of its own while the
    rules' codes are made, threaded only; its error says nothing (the work's own step meets it
    again); the candidates are those made without it."""
    import threading

    ran: list = []

    def work():
        ran.append(threading.current_thread() is threading.main_thread())
        if fails:
            raise InputError("work beside failed")

    alone = _candidates(frame, RULES, True, monkeypatch, {})
    monkeypatch.setattr(block, "THREADED", 0)
    threaded = candidate_pairs(frame, RULES, ("connections",), {}, [work])
    assert ran == [False]
    pd.testing.assert_frame_equal(threaded.pairs, alone.pairs)
    assert threaded.per_rule == alone.per_rule and threaded.skipped_keys == alone.skipped_keys
    monkeypatch.setattr(block, "THREADED", 10**12)
    serial = candidate_pairs(frame, RULES, ("connections",), {}, [work])
    assert ran == [False]  # one after another: left to its step
    pd.testing.assert_frame_equal(serial.pairs, alone.pairs)
