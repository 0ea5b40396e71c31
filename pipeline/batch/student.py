"""One student's shortlist in a batch: the single run's code on candidates from the indexes.

``run_student`` is what each Dask task runs. It calls ``run.shortlist`` (ingest of the student's
own files, candidates drawn from the prepared alumni by the indexes, link when the student has
a LinkedIn export, rank) and ``run.write`` (the same workbook a single run writes, carrying the
student's notes over from the workbook already in the folder). It never raises: a failure is an
``Outcome`` whose ``error`` is one sentence without personal data.

A workbook is *complete* when its ``.done/<file>.json`` record exists with the batch's
fingerprint: the workbook is renamed into place first (atomically), the record after it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
from anyascii import anyascii

from pipeline.batch.students import student_settings
from pipeline.errors import ProspectsError
from pipeline.settings import Settings

TOP = 10  # the top of a shortlist the summary and the popular-alumni cap look at
RANKING = 50  # prospects a student's first pass reports, for the cap's reassignment
DONE = ".done"


@dataclass(frozen=True)
class Job:
    """What every student of a batch shares (small and picklable: sent to each task)."""

    alumni: tuple[str, ...]  # prepared dataset folders (a shared path on a cluster)
    settings: Settings
    out_dir: str
    today: date
    fingerprint: str  # of the datasets, the settings and the cap: what "complete" means


@dataclass
class Outcome:
    """A student's result for the summary: counts, the top prospects, or the error."""

    student_id: str
    file: str
    status: str  # "done", "failed", "skipped" (complete from an earlier run)
    error: str = ""
    candidates: int = 0
    ranked: int = 0
    seconds: float = 0.0
    top: list[dict] = field(default_factory=list)  # prospect_id, name, company, title, score
    ranking: list[str] = field(default_factory=list)  # first RANKING prospect ids (first pass)


def file_name(name: str, student_id: str) -> str:
    """A safe workbook name from the student's name and id: 'ada-park-S0012.xlsx'.

    >>> file_name("Zoë O'Brien / Ph.D.", "2026/17")
    'zoe-o-brien-ph-d-2026-17.xlsx'
    """

    def slug(text: str, limit: int) -> str:
        return re.sub(r"[^a-z0-9]+", "-", anyascii(text).lower()).strip("-")[:limit].strip("-")

    return f"{slug(name, 40) or 'student'}-{slug(student_id, 24) or 'id'}.xlsx"


def fingerprint(alumni: tuple[str, ...], settings: Settings, cap: int | None) -> str:
    """What a complete workbook was made from, besides the student's own row and files."""
    from pipeline.batch.dataset import MARKER
    from pipeline.settings import to_dict

    parts = [Path(p, MARKER).read_text(encoding="utf-8") for p in alumni]
    parts += [json.dumps(to_dict(settings), sort_keys=True, default=str), str(cap)]
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def student_key(student: dict, job: Job) -> str:
    """The fingerprint of one student's work: the batch's, their row, their files' times."""
    files = [student.get("lamp_file") or "", student.get("linkedin_export") or ""]
    stamps = [str(Path(f).stat().st_mtime_ns) if f and Path(f).exists() else "" for f in files]
    row = json.dumps(student, sort_keys=True, default=str)
    return hashlib.sha256("\x00".join([job.fingerprint, row, *stamps]).encode()).hexdigest()


def complete(student: dict, job: Job) -> Outcome | None:
    """The recorded outcome when this student's workbook is complete for this batch, else None."""
    name = file_name(student["name"], student["student_id"])
    record = Path(job.out_dir, DONE, name + ".json")
    if not record.is_file() or not Path(job.out_dir, name).is_file():
        return None
    try:
        saved = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if saved.get("key") != student_key(student, job):
        return None
    outcome = Outcome(**saved["outcome"])
    outcome.status = "skipped"
    return outcome


def run_student(
    student: dict,
    job: Job,
    *,
    held_back: tuple[str, ...] | None = None,
    write: bool = True,
) -> Outcome:
    """Rank one student's candidates and (``write``) write their workbook; never raises.

    ``student`` is a row of ``Students.table`` as a dict. ``held_back``: prospect ids left out
    of this student's list because they are already in the top 10 of as many students as the
    cap allows (they move to the left-out rows, with that reason).
    """
    from pipeline import run

    name = file_name(student["name"], student["student_id"])
    outcome = Outcome(str(student["student_id"]), name, "done")
    started = time.perf_counter()
    try:
        settings = student_settings(job.settings, pd.Series(student))
        out = Path(job.out_dir, name)
        export = student.get("linkedin_export") or None
        inputs = run.Inputs(
            Path(export) if export else None,
            tuple(Path(p) for p in job.alumni),
            None,
            out if out.is_file() else None,
        )
        result = run.shortlist(inputs, settings, today=job.today, indexed=True)
        if held_back:
            result = _hold_back(result, set(held_back))
        ranked = result.ranked
        outcome.candidates = len(result.linked.prospects)
        outcome.ranked = len(ranked)
        outcome.ranking = ranked["prospect_id"].head(RANKING).astype(str).tolist()
        head = ranked.head(TOP)
        outcome.top = [
            {
                "prospect_id": str(r.prospect_id),
                "name": str(r.full_name),
                "company": str(r.company),
                "title": str(r.title),
                "score": float(r.score),
                "is_alum": bool(r.is_alum),
            }
            for r in head.itertuples()
        ]
        if write:
            run.write(result, out)
            outcome.seconds = round(time.perf_counter() - started, 3)
            _record(student, job, outcome)
    except ProspectsError as error:  # the user's kind of problem: its sentence names no person
        outcome.status, outcome.error = "failed", error.message
    except Exception as error:
        outcome.status = "failed"
        outcome.error = f"internal error ({type(error).__name__}); please report it"
    outcome.seconds = round(time.perf_counter() - started, 3)
    return outcome


def _hold_back(result, ids: set[str]):
    """The run's result with ``ids`` moved from the ranking to the left-out prospects."""
    from dataclasses import replace

    ranked = result.ranked
    out = ranked["prospect_id"].astype(str).isin(ids).to_numpy()
    if not out.any():
        return result
    moved = ranked.loc[out].assign(
        filtered_because="in the top 10 of as many students as the centre's cap allows"
    )
    kept = ranked.loc[~out].reset_index(drop=True)
    kept["rank"] = range(1, len(kept) + 1)
    filtered = pd.concat([result.filtered, moved], ignore_index=True)
    return replace(result, ranked=kept, filtered=filtered)


def _record(student: dict, job: Job, outcome: Outcome) -> None:
    """Write the .done record atomically, after the workbook: the student is complete."""
    folder = Path(job.out_dir, DONE)
    folder.mkdir(parents=True, exist_ok=True)
    data = {"key": student_key(student, job), "outcome": asdict(outcome)}
    handle, temp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as fh:
        json.dump(data, fh)
    os.replace(temp, folder / (outcome.file + ".json"))
