"""``coded._plain`` asks Arrow from ``_ARROW_PLAIN`` distinct values on; it must say what the
Python maps say, value by value (the rule written here once more as the oracle)."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.ingest import coded

VALUES = [
    "", "a", "Acme Inc.", " lead", "trail ", "two  spaces", "one space", "tab\there", "new\nline",
    "\x7f", "\x1f", "Zoë", "Zoe\u00a0Li", "émile", "李", "ID-0017", "ID-0017", "a@b.org", "  ",
    " ", "~!@#$%^&*()_+", "x\u200b",
]  # fmt: skip


def _oracle(values: list[str]) -> list[bool]:
    return [v.isascii() and v.isprintable() and "  " not in v and v == v.strip() for v in values]


@pytest.mark.parametrize("values", [VALUES, VALUES[:1], VALUES[11:12], []], ids=len)
def test_plain_by_arrow_is_the_python_rule(values, monkeypatch):
    monkeypatch.setattr(coded, "_ARROW_PLAIN", 0)
    array = np.array(values, dtype=object)
    assert coded._plain(array).tolist() == _oracle(values)
    assert coded._plain_arrow(array).tolist() == _oracle(values)


def test_plain_arrow_leaves_values_that_are_not_text_to_python():
    assert coded._plain_arrow(np.array(["a", None], dtype=object)) is None
    assert coded._plain_arrow(np.array(["a", 3], dtype=object)) is None
