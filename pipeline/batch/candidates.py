"""Candidate generation: the alumni worth scoring for one student, found by indexes, never a scan.

Three indexes over the prepared prospects, built once per worker (``Index.of``):

- company: ``company_key`` and ``company_parent`` -> rows, so a target employer finds its own
  people, its aliases (keys are canonical) and its parent's or subsidiaries' people;
- role family -> rows ordered by class year, so a target role finds the people of its family in
  the class-year band around "about ``years_ahead`` ahead" with one binary search per family.

A student's candidates are the union: everyone at a target employer (any year: senior leaders
there count too), and the target role families' people in the band; at most ``MAX_CANDIDATES``,
the nearest to the target class year first when there are more (a large database has tens of
thousands of data scientists in a 12-year band). Only they are ranked, so a student's cost
follows the number of candidates, not the size of the database.

``draw`` turns the chosen rows into the frames a run works on (``Pool``), with years ahead
recomputed for the student.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.batch.dataset import Prepared, load
from pipeline.ingest import ledger as ledger_mod
from pipeline.normalize.titles import role_family
from pipeline.rank.ahead import AHEAD_COLUMNS
from pipeline.rank.context import Context

MAX_CANDIDATES = 1_000  # per student: what rank and the workbook cost is bounded by
BAND_TOLERANCES = 2.0  # the band reaches this many tolerances either side of years_ahead


@dataclass(frozen=True)
class Index:
    """Row positions of the prepared prospects by employer key and by role family, and of each
    prospect's records and match pairs (so drawing them costs what the candidates cost)."""

    by_company: dict[str, np.ndarray]
    family_rows: dict[str, np.ndarray]  # rows of each family, ordered by grad_year
    family_years: dict[str, np.ndarray]  # their grad years (float, NaN last)
    years: np.ndarray  # grad_year of every prospect (float, NaN unknown)
    records: tuple[np.ndarray, np.ndarray]  # record rows ordered by prospect, offsets
    matches: tuple[np.ndarray, np.ndarray]  # match rows ordered by prospect, offsets
    size: int

    @classmethod
    def of(cls, prepared: Prepared) -> Index:
        """Build the indexes of a dataset (prospects need company_key, company_parent,
        role_family, grad_year)."""
        prospects = prepared.prospects
        by_company: dict[str, list[np.ndarray]] = {}
        for column in ("company_key", "company_parent"):
            if column not in prospects:
                continue
            for key, rows in prospects.groupby(column, sort=False).indices.items():
                if key:
                    by_company.setdefault(str(key), []).append(rows)
        years = prospects["grad_year"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        family_rows, family_years = {}, {}
        for family, rows in prospects.groupby("role_family", sort=False).indices.items():
            order = rows[np.argsort(years[rows], kind="stable")]
            family_rows[str(family)] = order
            family_years[str(family)] = years[order]
        position = pd.Series(np.arange(len(prospects)), index=prospects["prospect_id"].to_numpy())
        owner = prepared.records["prospect_id"].map(position).to_numpy()
        place = pd.Series(
            owner,
            index=prepared.records["source_file"]
            + "#"
            + prepared.records["source_row"].astype(str),
        )
        m = prepared.matches
        sides = [
            place.reindex(m[f"{s}_file"] + "#" + m[f"{s}_row"].astype(str)).to_numpy()
            for s in ("left", "right")
        ]
        pair_rows = np.tile(np.arange(len(m)), 2)
        pair_owner = np.concatenate(sides)
        known = ~np.isnan(pair_owner.astype(float))
        return cls(
            by_company={k: np.unique(np.concatenate(v)) for k, v in by_company.items()},
            family_rows=family_rows,
            family_years=family_years,
            years=years,
            records=_grouped(owner, np.arange(len(owner)), len(prospects)),
            matches=_grouped(pair_owner[known].astype(np.int64), pair_rows[known], len(prospects)),
            size=len(prospects),
        )

    def candidates(self, ctx: Context, budget: int = MAX_CANDIDATES) -> np.ndarray:
        """Sorted row positions of the student's candidates (see the module doc): everyone at
        a target employer first, then the target families' people in the class-year band, the
        nearest to the target year first, up to ``budget`` rows in all."""
        targets = ctx.target_companies
        keys = targets["key"].tolist() if "key" in targets else []
        at_target = [self.by_company[k] for k in keys if k in self.by_company]
        t = ctx.settings.targets
        band = band_of(ctx.my_grad_year, t.years_ahead, t.years_tolerance)
        in_family: list[np.ndarray] = []
        for family in dict.fromkeys(role_family(r) for r in ctx.target_roles):
            if family == "Unknown" or family not in self.family_rows:
                continue
            rows, years = self.family_rows[family], self.family_years[family]
            if band is None:  # the student's year unknown: the whole family
                in_family.append(rows)
                continue
            lo, hi = (
                np.searchsorted(years, band[0], "left"),
                np.searchsorted(years, band[1], "right"),
            )
            in_family.append(rows[lo:hi])
        chosen = (
            [self._nearest(np.unique(np.concatenate(at_target)), ctx, budget)] if at_target else []
        )
        left = budget - sum(len(c) for c in chosen)
        if in_family and left > 0:
            rows = np.setdiff1d(np.unique(np.concatenate(in_family)), chosen[0] if chosen else [])
            chosen.append(self._nearest(rows, ctx, left))
        if not chosen:
            return np.zeros(0, dtype=np.int64)
        return np.unique(np.concatenate(chosen)).astype(np.int64)

    def _nearest(self, rows: np.ndarray, ctx: Context, budget: int) -> np.ndarray:
        """At most ``budget`` of ``rows``: those whose class year is nearest the target's."""
        if len(rows) <= budget:
            return rows
        target = (ctx.my_grad_year or 0) - ctx.settings.targets.years_ahead
        distance = np.abs(self.years[rows] - target) if ctx.my_grad_year else np.zeros(len(rows))
        order = np.argsort(np.nan_to_num(distance, nan=np.inf), kind="stable")
        return np.sort(rows[order[:budget]])

    def records_of(self, rows: np.ndarray) -> np.ndarray:
        """Record positions of the prospects at ``rows``."""
        return _take(self.records, rows)

    def matches_of(self, rows: np.ndarray) -> np.ndarray:
        """Match pair positions touching a record of the prospects at ``rows`` (each once)."""
        return np.unique(_take(self.matches, rows))


def _grouped(owner: np.ndarray, items: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``items`` ordered by ``owner`` and the offsets of each owner 0..n-1 in that order."""
    order = np.argsort(owner, kind="stable")
    offsets = np.searchsorted(owner[order], np.arange(n + 1), "left")
    return items[order], offsets


def _take(grouped: tuple[np.ndarray, np.ndarray], rows: np.ndarray) -> np.ndarray:
    """Concatenated items of the owners ``rows``, without a Python loop over them."""
    items, offsets = grouped
    starts, ends = offsets[rows], offsets[np.asarray(rows) + 1]
    keep = ends > starts
    starts, ends = starts[keep], ends[keep]
    if not len(starts):
        return np.zeros(0, dtype=np.int64)
    # positions start..end-1 of every owner: steps of 1, with a jump at each owner's start
    lengths = ends - starts
    steps = np.ones(int(lengths.sum()), dtype=np.int64)
    steps[0] = starts[0]
    steps[np.cumsum(lengths)[:-1]] = starts[1:] - ends[:-1] + 1
    return items[np.cumsum(steps)]


def band_of(grad_year: int | None, ahead: float, tolerance: float) -> tuple[float, float] | None:
    """Class years about ``ahead`` years before the student's, ``BAND_TOLERANCES`` tolerances
    either side: (2020 - 5 - 6, 2020 - 5 + 6) for a 2020 graduate, or None when unknown.

    >>> band_of(2026, 5.0, 3.0)
    (2015.0, 2027.0)
    """
    if not grad_year:
        return None
    width = BAND_TOLERANCES * tolerance
    return (grad_year - ahead - width, grad_year - ahead + width)


@lru_cache(maxsize=2)
def _index(path: Path, stamp: int) -> Index:
    return Index.of(load(path))


def index_of(prepared: Prepared) -> Index:
    """The indexes of a loaded dataset (cached per process, like the dataset itself)."""
    return _index(prepared.path, (prepared.path / "meta.json").stat().st_mtime_ns)


@dataclass(frozen=True)
class Pool:
    """Alumni drawn from prepared datasets for one run: frames ready for link or rank."""

    records: pd.DataFrame  # normalized People of the chosen prospects' records
    raw: pd.DataFrame  # the same records as ingest made them (to normalize and link again)
    prospects: pd.DataFrame
    matches: pd.DataFrame
    ingested: ledger_mod.Ingested  # the datasets' ledger and reports, no People
    sources: tuple[tuple[str, str], ...]
    sizes: tuple[int, ...]  # prospects in each dataset (for the cost figures)


def draw(paths: Sequence[Path], ctx: Context, *, indexed: bool = False) -> Pool:
    """The prepared datasets' alumni for a run: all of them, or (``indexed``) only the
    candidates ``Index.candidates`` finds for the user in ``ctx``. Years ahead are rank's."""
    records: list[pd.DataFrame] = []
    raws: list[pd.DataFrame] = []
    prospects: list[pd.DataFrame] = []
    matches: list[pd.DataFrame] = []
    parts: list[ledger_mod.Ingested] = []
    sources: list[tuple[str, str]] = []
    sizes: list[int] = []
    for path in paths:
        prepared = load(path)
        if indexed:
            index = index_of(prepared)
            rows = index.candidates(ctx)
            p = prepared.prospects.iloc[rows]
            r = prepared.records.iloc[np.sort(index.records_of(rows))]
            m = prepared.matches.iloc[index.matches_of(rows)]
        else:
            p, r, m = prepared.prospects, prepared.records, prepared.matches
        raws.append(r[[c for c in prepared.raw_columns if c in r.columns]])
        records.append(r.drop(columns="prospect_id"))
        prospects.append(p)
        matches.append(m)
        parts.append(prepared.ingested())
        sources += prepared.sources
        sizes.append(len(prepared.prospects))
    return Pool(
        records=_no_user(pd.concat(records, ignore_index=True)),
        raw=pd.concat(raws, ignore_index=True),
        prospects=_no_user(pd.concat(prospects, ignore_index=True)),
        matches=pd.concat(matches, ignore_index=True),
        ingested=ledger_mod.combine(parts),
        sources=tuple(sources),
        sizes=tuple(sizes),
    )


def _no_user(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame without years ahead: a dataset prepared by an older version stored them (all
    unknown, it had no user); rank works them out for this user."""
    return frame.drop(columns=[c for c in AHEAD_COLUMNS if c in frame.columns])
