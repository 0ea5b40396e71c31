"""Company cells that name no employer ("Self-employed", "Stealth Startup", "-").

Ingest uses it to tell a ghost row from a person; normalize gives such companies the key "".
Table: ``pipeline/data/company_placeholders.csv``.
"""

from __future__ import annotations

from functools import cache

from pipeline.text.fold import fold
from pipeline.text.tables import read_table

__all__ = ["is_placeholder"]


@cache
def _placeholders() -> tuple[frozenset[str], tuple[str, ...]]:
    """(exact folded placeholders, folded prefixes that make a placeholder when they lead)."""
    table = read_table("company_placeholders.csv")
    exact = frozenset(
        fold(t) for t, m in zip(table["text"], table["match"], strict=True) if m == "exact"
    )
    prefixes = tuple(
        fold(t) for t, m in zip(table["text"], table["match"], strict=True) if m == "prefix"
    )
    return exact, prefixes


def is_placeholder(name: str) -> bool:
    """True for text that names no employer: "Self-employed", "Stealth AI Startup", "-", "N/A".

    An empty cell is missing, not a placeholder.

    >>> is_placeholder("Freelance Designer"), is_placeholder("."), is_placeholder("OpenText")
    (True, True, False)
    """
    if not isinstance(name, str) or not name.strip():
        return False
    folded = fold(name)
    exact, prefixes = _placeholders()
    return (
        not folded
        or folded in exact
        or any(folded == p or folded.startswith(p + " ") for p in prefixes)
    )
