"""The batch engine: every student's shortlist as independent Dask tasks, then the summary.

With no scheduler address the tasks run on this machine: a ``dask.distributed.LocalCluster`` of
one worker process per core (``--workers 1``: Dask's synchronous scheduler, in this process); with
``tcp://HOST:8786`` (or ``DASK_SCHEDULER_ADDRESS``) they run on that dask.distributed cluster,
whose workers read the prepared alumni from the same (shared) path. Dask does the scheduling:
there is no pool, queue or socket of our own.

With a cap on popular alumni the work has two passes: the first ranks every student (no
workbook), the driver then walks the students in table order and holds an alum back from a
student's top 10 once they are in the top 10 of ``cap`` students already; the second ranks
again with those held back and writes the workbooks. Without a cap, one pass.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipeline.batch.dataset import load
from pipeline.batch.student import TOP, Job, Outcome, complete, fingerprint, run_student
from pipeline.batch.students import Students
from pipeline.errors import InputError, OutputError
from pipeline.settings import Settings

ADDRESS_VARIABLE = "DASK_SCHEDULER_ADDRESS"


@dataclass(frozen=True)
class BatchResult:
    """Every student's outcome (table order), the students set aside, where things went."""

    outcomes: tuple[Outcome, ...]
    students: Students
    held_back: dict[str, tuple[str, ...]]
    demand: dict[str, int]  # prospect id -> students whose first-pass top 10 holds them
    cap: int | None
    summary: Path
    seconds: float
    engine: str

    def lines(self) -> list[str]:
        """Counts for the terminal (no personal data)."""
        by = {s: sum(o.status == s for o in self.outcomes) for s in ("done", "skipped", "failed")}
        nobody = sum(o.status != "failed" and o.ranked == 0 for o in self.outcomes)
        rep = self.students.report
        return [
            f"Students: {rep.read:,} rows, {rep.accepted:,} accepted, {rep.rejected:,} set aside.",
            f"Workbooks: {by['done']:,} written, {by['skipped']:,} already complete, "
            f"{by['failed']:,} failed; {nobody:,} found nobody ({self.engine}, "
            f"{self.seconds:.1f} s).",
            f"Wrote {self.summary}",
        ]


def scheduler_address(flag: str | None) -> str | None:
    """The cluster to use: the flag, else DASK_SCHEDULER_ADDRESS, else None (local)."""
    return flag or os.environ.get(ADDRESS_VARIABLE) or None


def run_batch(
    students: Students,
    alumni: Sequence[Path],
    out_dir: Path,
    settings: Settings,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    resume: bool = False,
    cap: int | None = None,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BatchResult:
    """Write every accepted student's workbook and ``summary.xlsx`` into ``out_dir``.

    ``students`` from ``read_students``; ``alumni`` prepared datasets (``prepare``);
    ``progress(done, total)`` is called as students finish.
    """
    from pipeline.batch.summary import write_summary

    started = time.perf_counter()
    shared = tuple(str(Path(p).resolve()) for p in alumni)  # strings: sent to every task
    if not shared:
        raise InputError("batch needs a prepared alumni dataset; give --alumni alumni.parquet.")
    for path in shared:
        load(Path(path))  # a wrong path is a one-sentence error here, not one per student
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir.name} is a file; --out must be a folder.")
    out_dir.mkdir(parents=True, exist_ok=True)
    if cap is not None and cap < 1:
        raise InputError("--cap must be at least 1 (students per alum).")
    job = Job(shared, settings, str(out_dir.resolve()), today or date.today(),
              fingerprint(shared, settings, cap))  # fmt: skip
    rows = students.table.to_dict("records")
    address = scheduler_address(scheduler)
    engine = _Engine(address, workers)
    try:
        outcomes: list[Outcome | None] = [complete(r, job) if resume else None for r in rows]
        todo = [i for i, o in enumerate(outcomes) if o is None]
        held: dict[str, tuple[str, ...]] = {}
        demand: dict[str, int] = {}
        total = len(todo) * (2 if cap is not None else 1)
        report = _counter(progress, total, len(rows) - len(todo))
        if cap is not None and todo:
            first = engine.map([rows[i] for i in todo], job, [None] * len(todo), False, report)
            ranking = {rows[i]["student_id"]: o.ranking for i, o in zip(todo, first, strict=True)}
            held, demand = allocate(
                [(r["student_id"], ranking.get(r["student_id"])) for r in rows], cap
            )
        done = engine.map(
            [rows[i] for i in todo],
            job,
            [held.get(rows[i]["student_id"], ()) for i in todo],
            True,
            report,
        )
        for i, outcome in zip(todo, done, strict=True):
            outcomes[i] = outcome
    finally:
        engine.close()
    final = tuple(o for o in outcomes if o is not None)
    if not demand:
        demand = _demand(final)
    summary = write_summary(out_dir / "summary.xlsx", final, students, held, demand, cap)
    return BatchResult(final, students, held, demand, cap, summary,
                       time.perf_counter() - started, engine.name)  # fmt: skip


def allocate(
    rankings: Sequence[tuple[str, Sequence[str] | None]], cap: int
) -> tuple[dict[str, tuple[str, ...]], dict[str, int]]:
    """Which alumni to hold back from whose top 10 so that none is in more than ``cap``.

    ``rankings``: (student id, prospect ids best first, or None for a student with no
    ranking), in the order students get their turn (the table's). Returns the held-back ids
    per student and the demand (students whose own top 10 held each alum before the cap).

    >>> allocate([("a", ["x", "y"]), ("b", ["x", "z"])], cap=1)[0]
    {'b': ('x',)}
    """
    demand: dict[str, int] = {}
    taken: dict[str, int] = {}
    held: dict[str, tuple[str, ...]] = {}
    for student, ranking in rankings:
        if not ranking:
            continue
        for pid in ranking[:TOP]:
            demand[pid] = demand.get(pid, 0) + 1
        chosen, skipped = 0, []
        for pid in ranking:
            if chosen == TOP:
                break
            if taken.get(pid, 0) >= cap:
                skipped.append(pid)
                continue
            taken[pid] = taken.get(pid, 0) + 1
            chosen += 1
        if skipped:
            held[student] = tuple(skipped)
    return held, demand


def _demand(outcomes: Sequence[Outcome]) -> dict[str, int]:
    demand: dict[str, int] = {}
    for o in outcomes:
        for t in o.top:
            demand[t["prospect_id"]] = demand.get(t["prospect_id"], 0) + 1
    return demand


def _counter(
    progress: Callable[[int, int], None] | None, total: int, already: int
) -> Callable[[], None]:
    state = {"done": 0}
    if progress is not None:
        progress(0, total)

    def tick() -> None:
        state["done"] += 1
        if progress is not None:
            progress(state["done"], total)

    del already
    return tick


class _Engine:
    """Dask, local or distributed: ``map`` runs ``run_student`` over students, in order."""

    def __init__(self, address: str | None, workers: int | None) -> None:
        self.client = None
        self.cluster = None
        self.workers = workers or os.cpu_count() or 1
        if address:
            from distributed import Client

            try:
                self.client = Client(address, timeout="20s", set_as_default=False)
            except (OSError, TimeoutError) as error:
                raise InputError(
                    f"No Dask scheduler answers at {address}; start one (dask scheduler) or "
                    "drop --scheduler to run on this machine."
                ) from error
            self.name = f"Dask cluster at {address}"
        elif self.workers > 1:
            # Dask's local cluster: one single-threaded worker process per core (the ranking
            # holds the GIL), kept for both passes so each reads the alumni dataset once.
            from distributed import Client, LocalCluster

            self.cluster = LocalCluster(
                n_workers=self.workers, threads_per_worker=1, processes=True,
                host="127.0.0.1", dashboard_address=None, silence_logs=logging.ERROR,
            )  # fmt: skip
            self.client = Client(self.cluster, set_as_default=False)
            self.name = f"Dask on this machine, {self.workers} worker processes"
        else:
            self.name = "Dask in this process (synchronous)"

    def map(
        self,
        students: list[dict],
        job: Job,
        held: list[tuple[str, ...] | None],
        write: bool,
        tick: Callable[[], None],
    ) -> list[Outcome]:
        if not students:
            return []
        if self.client is not None:
            from distributed import as_completed

            futures = [
                self.client.submit(
                    run_student,
                    s,
                    job,
                    held_back=h,
                    write=write,
                    pure=False,
                    key=f"student-{write}-{i}",
                )
                for i, (s, h) in enumerate(zip(students, held, strict=True))
            ]
            for _ in as_completed(futures, loop=self.client.loop):
                tick()
            return self.client.gather(futures)
        import dask
        from dask.callbacks import Callback

        tasks = [
            dask.delayed(run_student, pure=False)(s, job, held_back=h, write=write,
                                                  dask_key_name=f"student-{write}-{i}")
            for i, (s, h) in enumerate(zip(students, held, strict=True))
        ]  # fmt: skip

        class Ticks(Callback):
            def _posttask(self, key, result, dsk, state, worker_id):
                if str(key).startswith("student-"):
                    tick()

        with Ticks():
            return list(dask.compute(*tasks, scheduler="sync"))

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def terminal_progress() -> Callable[[int, int], None]:
    """A progress bar of students done on a terminal; a line per 5 % otherwise (stderr)."""
    if sys.stderr.isatty():
        from rich.progress import Progress

        bar = Progress(transient=True)
        task = bar.add_task("Students", total=None)
        bar.start()

        def show(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)
            if done >= total:
                bar.stop()

        return show
    last = {"step": -1}

    def lines(done: int, total: int) -> None:
        step = 20 if total == 0 else done * 20 // total
        if step != last["step"]:
            last["step"] = step
            print(f"{step * 5:3d} % of students done ({done:,}/{total:,})", file=sys.stderr)

    return lines
