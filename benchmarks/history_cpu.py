"""CPU of the run history at a benchmark size, as `prospects shortlist` pays it (issue 18).

    python benchmarks/history_cpu.py --save out/h34/real.pkl [--size real]
    python benchmarks/history_cpu.py --load out/h34/real.pkl
    PYTHONPATH=OTHER_TREE python benchmarks/history_cpu.py --load out/h34/real.pkl

``--save`` runs the stages once (``run.shortlist``) and keeps what the history reads of the
Result (ranked, filtered, settings, inputs, target keys); ``--load`` then times, with
``time.process_time`` (and wall time), ``history.for_run`` and ``Pending.commit`` as the CLI
calls them, on a fresh history, twice: the second run reads the first's, as every timed run
of ``benchmarks/run.py`` after the first does (its history stays beside its output). With
PYTHONPATH set to another tree (``git archive COMMIT pipeline | tar -x -C DIR``) the same saved
Result goes through that tree's history, for a before/after on one input.
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

if "PYTHONPATH" not in os.environ:  # else the tree named there is the one measured
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def save(path: Path, size: str) -> None:
    from benchmarks import inputs
    from pipeline import run

    files = inputs.files(inputs.SIZES[size])
    result = run.shortlist_files(files.export, [files.alumni], run.SAMPLE_CONFIG)
    kept = SimpleNamespace(
        settings=result.settings,
        today=result.today,
        inputs=result.inputs,
        previous=result.previous,
        ranked=result.ranked,
        filtered=result.filtered,
        context=SimpleNamespace(target_companies=result.context.target_companies),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(kept))
    print(f"saved {len(result.ranked):,} ranked, {len(result.filtered):,} filtered to {path}")


def load(path: Path) -> None:
    import pipeline
    from pipeline import history

    result = pickle.loads(path.read_bytes())  # our own file, made by --save
    lines = []
    with tempfile.TemporaryDirectory() as folder:
        workbook = Path(folder) / "shortlist.xlsx"
        for k in (1, 2):
            c0, w0 = time.process_time(), time.perf_counter()
            pending = history.for_run(result, workbook, None, off=False, say=print)
            c1, w1 = time.process_time(), time.perf_counter()
            pending.what_changed()
            pending.with_due(result.ranked)
            pending.summary()
            c2, w2 = time.process_time(), time.perf_counter()
            pending.commit()
            c3, w3 = time.process_time(), time.perf_counter()
            lines.append(
                f"run {k}: for_run {c1 - c0:.2f} s CPU ({w1 - w0:.2f} wall), report "
                f"{c2 - c1:.2f}, commit {c3 - c2:.2f} s CPU ({w3 - w2:.2f} wall)"
            )
        size = history.default_path(workbook).stat().st_size / 2**20
    where = Path(pipeline.__file__).parent.parent
    print(f"{where}: " + "; ".join(lines) + f"; file {size:.1f} MiB; load {os.getloadavg()[0]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--save", type=Path, help="run the stages and keep the Result here")
    group.add_argument("--load", type=Path, help="time the history on a saved Result")
    parser.add_argument("--size", default="real", choices=("small", "real", "large"))
    args = parser.parse_args()
    save(args.save, args.size) if args.save else load(args.load)


if __name__ == "__main__":
    main()
