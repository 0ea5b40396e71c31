"""The prepared alumni database: read, normalized and deduplicated once, kept as Parquet.

``prepare`` runs ingest -> normalize -> link on the alumni lists (the same stage functions a single
run calls) and writes a folder (``alumni.parquet/``) that later runs read instead of the
spreadsheets:

    records/    one row per accepted input row: People + normalized columns + ``prospect_id``
    prospects/  one row per real person (schema.PROSPECTS plus normalize's extras)
    matches/    linked record pairs at or above the review band (the Matches sheet)
    ledger/     rows set aside, with their reason (the Ingest report)
    meta.json   format version, per-file reports, the input files' names and SHA-256, the
                counts a run reports, the prepare date and each column's dtype

Every table is written by ``dask.dataframe`` in partitions of at most ``PARTITION_ROWS`` rows
(one file each), so a cluster's workers can read them from a shared path in parallel.
Nothing personal goes to meta.json: counts, file names and hashes only.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd

from pipeline import __version__
from pipeline.errors import InputError, OutputError
from pipeline.ingest import ledger as ledger_mod
from pipeline.settings import Settings

FORMAT = 1
MARKER = "meta.json"
PARTITION_ROWS = 250_000
TABLES = ("records", "prospects", "matches", "ledger")


@dataclass(frozen=True)
class Prepared:
    """A prepared alumni database, read back: the frames of ``prepare`` and its report."""

    path: Path
    records: pd.DataFrame  # normalized People of the alumni lists, with prospect_id
    prospects: pd.DataFrame  # schema.PROSPECTS (+ normalize's extras), one row per person
    matches: pd.DataFrame  # Linked.matches
    ledger: pd.DataFrame  # schema.LEDGER
    reports: tuple[ledger_mod.FileReport, ...]
    sources: tuple[tuple[str, str], ...]  # (file name, SHA-256) of the alumni lists
    prepared_on: date
    raw_columns: tuple[str, ...]  # the records' columns as ingest made them (before normalize)

    def ingested(self, people: pd.DataFrame | None = None) -> ledger_mod.Ingested:
        """The Ingest report's part of this dataset (its People are ``people``, default none)."""
        if people is None:
            people = ledger_mod.people_frame({}, 0)
        return ledger_mod.Ingested(people, self.ledger, self.reports)


@dataclass(frozen=True)
class PrepareReport:
    """What ``prepare`` did, in counts (no personal data): for the terminal."""

    files: int
    read: int
    set_aside: int
    records: int
    prospects: int
    reasons: dict[str, int]
    out: Path

    def lines(self) -> list[str]:
        merged = self.records - self.prospects
        out = [
            f"Read {self.read:,} rows from {self.files} file(s): {self.records:,} people, "
            f"{self.set_aside:,} set aside.",
            *(f"    {count:,} × {reason}" for reason, count in self.reasons.items()),
            f"Merged {merged:,} duplicate records: {self.prospects:,} distinct alumni.",
        ]
        return out


def is_dataset(path: Path) -> bool:
    """A folder written by ``prepare`` (it holds meta.json)."""
    return Path(path).is_dir() and (Path(path) / MARKER).is_file()


def prepare(
    paths: Sequence[Path],
    settings: Settings,
    out: Path,
    *,
    today: date | None = None,
    progress: Callable[[str], None] | None = None,
) -> PrepareReport:
    """Read, normalize and deduplicate alumni lists once; write the dataset folder ``out``.

    The folder is written beside ``out`` under a temporary name and renamed at the end, so an
    interrupted prepare leaves the previous dataset as it was. ``out`` must not be one of the
    inputs, nor an existing file or folder that is not a dataset.

    Usage (not run as a doctest: it needs a run's files or frames):

        prepare([Path("alumni.xlsx")], Settings(), Path("alumni.parquet"))
    """
    from pipeline.ingest.alumni import read_alumni
    from pipeline.link import link
    from pipeline.normalize import normalize
    from pipeline.safety import file_signature as sha256

    out = Path(out)
    say = progress or (lambda _m: None)
    _check_out(out, paths)
    today = today or date.today()
    max_bytes = settings.ingest.max_archive_mb * 1_000_000
    school = (settings.me.schools or ("",))[0]
    parts = []
    for path in map(Path, paths):
        if not path.is_file():
            raise InputError(f"{path.name} does not exist or is not a file; check the path.")
        say(f"Reading {path.name}")
        parts.append(
            read_alumni(
                path, overrides=settings.alumni.columns, default_school=school, max_bytes=max_bytes
            )
        )
    ingested = ledger_mod.combine(parts)
    say("Normalizing names, companies, titles and schools")
    # No user yet: years ahead are filled per student (the batch knows each one's year).
    people = normalize(ingested.people, settings, today, my_career_years=float("nan"))
    say("Deduplicating the alumni records")
    linked = link(people, settings)
    prospects = unique_ids(linked.prospects.reset_index(drop=True))
    owner = prospects[["prospect_id", "record_ids"]].assign(
        record_id=prospects["record_ids"].str.split("|")
    )
    owner = owner.explode("record_id").set_index("record_id")["prospect_id"]
    records = people.reset_index(drop=True).assign(
        prospect_id=people["record_id"].map(owner).fillna("").to_numpy()
    )
    matches = linked.matches[linked.matches["probability"] >= settings.match.review_band]
    counts = ledger_mod.counts_frame(ingested.reports)
    reasons = ingested.ledger.loc[ingested.ledger["outcome"] == "rejected", "reason"]
    report = PrepareReport(
        files=len(paths),
        read=int(counts["read"].sum()),
        set_aside=int(counts["rejected"].sum()),
        records=len(records),
        prospects=len(prospects),
        reasons={str(k): int(v) for k, v in reasons.value_counts().items()},
        out=out,
    )
    meta = {
        "format": FORMAT,
        "version": __version__,
        "prepared_on": today.isoformat(),
        "sources": [[Path(p).name, sha256(Path(p))] for p in paths],
        "reports": [
            {
                **{k: getattr(r, k) for k in ("file", "kind", "read", "accepted", "rejected")},
                "details": dict(r.details),
            }
            for r in ingested.reports
        ],
        "counts": {k: v for k, v in report.__dict__.items() if k not in ("out", "reasons")},
        "reasons": report.reasons,
        "raw_columns": list(ingested.people.columns),
    }
    say(f"Writing {out.name}")
    frames = {"records": records, "prospects": prospects, "matches": matches}
    frames["ledger"] = ingested.ledger
    _write(out, frames, meta)
    return report


def unique_ids(prospects: pd.DataFrame) -> pd.DataFrame:
    """Prospects whose ``prospect_id`` is unique: a repeated id (two people link left apart
    who share a LinkedIn address) gets "-2", "-3" … after the first, in row order, so each
    record belongs to one prospect and a student's notes to one person.

    >>> unique_ids(pd.DataFrame({"prospect_id": ["a", "b", "a"]}))["prospect_id"].tolist()
    ['a', 'b', 'a-2']
    """
    ids = prospects["prospect_id"].astype("str")
    again = ids.duplicated(keep="first")
    if not again.any():
        return prospects
    n = ids.groupby(ids).cumcount() + 1
    out = prospects.copy()
    out["prospect_id"] = ids.where(~again, ids + "-" + n.astype(str)).astype("str")
    return out


def _check_out(out: Path, paths: Sequence[Path]) -> None:
    resolved = {Path(p).resolve() for p in paths}
    if out.resolve() in resolved or any(out.resolve() in p.parents for p in resolved):
        raise OutputError(f"{out.name} is one of the inputs; choose another --out.")
    if out.exists() and not is_dataset(out):
        raise OutputError(
            f"{out.name} exists and is not a prepared alumni dataset; choose another --out."
        )


def _write(out: Path, frames: dict[str, pd.DataFrame], meta: dict) -> None:
    import dask.dataframe as dd

    out.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}."))
    try:
        dtypes = {}
        for name, frame in frames.items():
            frame = frame.reset_index(drop=True)
            dtypes[name] = {c: str(t) for c, t in frame.dtypes.items()}
            parts = max(1, -(-len(frame) // PARTITION_ROWS))
            dd.from_pandas(frame, npartitions=parts, sort=False).to_parquet(
                temp / name, write_index=False, compute_kwargs={"scheduler": "sync"}
            )
        meta["dtypes"] = dtypes
        (temp / MARKER).write_text(json.dumps(meta, indent=1), encoding="utf-8")
        if out.exists():  # a previous dataset: replaced only once the new one is whole
            old = out.with_name(f".{out.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(out, old)
            os.replace(temp, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(temp, out)
    finally:
        shutil.rmtree(temp, ignore_errors=True)


def load(path: Path) -> Prepared:
    """Read a prepared dataset (cached per process: a worker reads it once per batch)."""
    path = Path(path).resolve()
    if not is_dataset(path):
        raise InputError(
            f"{path.name} is not a prepared alumni dataset; make one with prospects prepare."
        )
    return _load(path, (path / MARKER).stat().st_mtime_ns)


@lru_cache(maxsize=2)
def _load(path: Path, _stamp: int) -> Prepared:
    try:
        meta = json.loads((path / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise InputError(
            f"{path.name}/{MARKER} cannot be read; run prospects prepare again."
        ) from error
    if meta.get("format") != FORMAT:
        raise InputError(f"{path.name} was made by another version; run prospects prepare again.")
    frames = {}
    for name in TABLES:
        # pyarrow reads the partitions (on a cluster each worker, from the shared path) and the
        # worker keeps the frames for all its students; dask.dataframe's planner would add
        # seconds per table for nothing here.
        frame = pd.read_parquet(path / name, engine="pyarrow")
        frames[name] = frame.reset_index(drop=True).astype(meta["dtypes"][name])
    reports = tuple(
        ledger_mod.FileReport(**{**r, "details": dict(r.get("details", {}))})
        for r in meta["reports"]
    )
    return Prepared(
        path=path,
        records=frames["records"],
        prospects=frames["prospects"],
        matches=frames["matches"],
        ledger=frames["ledger"],
        reports=reports,
        sources=tuple((str(n), str(h)) for n, h in meta["sources"]),
        prepared_on=date.fromisoformat(meta["prepared_on"]),
        raw_columns=tuple(meta["raw_columns"]),
    )
