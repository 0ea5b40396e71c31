"""The links behind one prospect, as text for ``prospects explain``: which records were joined,
each comparison's level and the bits it added, and the candidates considered but not linked."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

_META = {
    "left_file", "left_row", "left_name", "right_file", "right_row", "right_name",
    "probability", "linked", "prior weight",
}  # fmt: skip


def comparison_names(matches: pd.DataFrame) -> list[str]:
    """The comparisons of a Matches frame (``link.explain``'s layout), in their order."""
    return [c for c in matches.columns if c not in _META and not c.endswith(" weight")]


def _where(file: str, row: object) -> str:
    return f"{file} row {row}"


def _evidence(pair: pd.Series, comparisons: Sequence[str]) -> str:
    parts = [
        f"{c}: {pair[c]} {pair[f'{c} weight']:+.1f}"
        for c in comparisons
        if isinstance(pair[c], str) and pair[c]
    ]
    return "evidence in bits: " + " · ".join([*parts, f"prior {pair['prior weight']:+.1f}"])


def links_text(
    matches: pd.DataFrame, records: pd.DataFrame, threshold: float, shown: int = 3
) -> str:
    """The records of one prospect and the pairs that joined them, each with its comparison
    levels and their weights in bits (what the probability was made of), then up to ``shown``
    pairs involving its records that stayed below ``threshold``.

    ``matches`` is Linked.matches (``link.explain`` with names); ``records`` the prospect's
    records with source_file and source_row.

    >>> # links_text(result.linked.matches, people[people.record_id.isin(ids)], 0.7)
    """
    mine = set(zip(records["source_file"], records["source_row"], strict=True))
    left = [k in mine for k in zip(matches["left_file"], matches["left_row"], strict=True)]
    right = [k in mine for k in zip(matches["right_file"], matches["right_row"], strict=True)]
    touching = matches[pd.Series(left, index=matches.index) | pd.Series(right, index=matches.index)]
    comparisons = comparison_names(matches)
    places = " · ".join(_where(f, r) for f, r in sorted(mine, key=str))
    lines = [f"  Records ({len(mine)}): {places}"]
    joined = touching[touching["linked"].astype(bool)]
    for _, pair in joined.iterrows():
        lines += [
            f"  Linked: {_where(pair['left_file'], pair['left_row'])} and "
            f"{_where(pair['right_file'], pair['right_row'])}, probability "
            f"{pair['probability']:.2f}",
            f"    {_evidence(pair, comparisons)}",
        ]
    if len(mine) == 1 and joined.empty:
        lines.append("  No record in another file was linked to this one.")
    considered = touching[~touching["linked"].astype(bool)].head(shown)
    for _, pair in considered.iterrows():
        lines += [
            f"  Not linked: {_where(pair['left_file'], pair['left_row'])} "
            f"({pair.get('left_name', '')}) and {_where(pair['right_file'], pair['right_row'])} "
            f"({pair.get('right_name', '')}), probability {pair['probability']:.2f} "
            + (
                f"(below the threshold {threshold:g})"
                if pair["probability"] < threshold
                else "(another link was stronger)"
            ),
            f"    {_evidence(pair, comparisons)}",
        ]
    return "\n".join(lines)
