"""One stage outside link (ingest, normalize, rank, export) on saved inputs: wall and CPU seconds,
peak memory, and whether its output equals another version's.

    python benchmarks/stage_cpu.py save --inputs DIR [--size real] [--files DIR]
    python benchmarks/stage_cpu.py STAGE --inputs DIR --out DIR [--code DIR]
    python benchmarks/stage_cpu.py compare --out DIR DIR

``save`` runs the whole pipeline once on a benchmark size (TODAY as in benchmarks/measure.py),
or on the archive and alumni file in ``--files`` (a folder of out/bench/ that an earlier
generator made), and pickles what each stage was given into ``--inputs``; STAGE then runs that
stage alone, in this fresh process, on those inputs, and writes its output into ``--out``:
ingest's People, Ledger and report (counts and details per file), normalize's People, rank's
Ranked and Filtered (pickled frames), export's workbook and All candidates CSV. ``--code DIR``
runs the pipeline package found in DIR (an older commit unpacked with ``git archive``), so two
versions run on the same inputs.
``compare A B`` says whether two such output folders are the same: frames by pandas.testing
(exact), the workbook by its XML parts (all but docProps/core.xml, which holds the time) and the
CSV byte for byte. On a shared machine wall time moves with the load; CPU seconds of one stage
move less.
"""

from __future__ import annotations

import argparse
import os
import pickle
import resource
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STAGES = ("ingest", "normalize", "rank", "export")


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def save(size: str, folder: Path, made: Path | None = None) -> None:
    """Run ``size`` once (on the files in ``made`` when given) and pickle each stage's arguments
    (and the Result, for export)."""
    from benchmarks import inputs
    from benchmarks.measure import TODAY
    from pipeline import run, settings

    spec = inputs.SIZES[size]
    if made is None:
        files = inputs.files(spec)
    else:
        files = inputs.Files(
            made / inputs.ZIP_NAME, made / f"alumni.{spec.alumni_format}", made, made
        )
    given: dict[str, object] = {}
    originals = {name: getattr(run, name) for name in ("normalize", "link", "rank")}

    def keeping(name):
        def call(*args):
            given[name] = args
            return originals[name](*args)

        return call

    for name in originals:
        setattr(run, name, keeping(name))  # shortlist looks its stages up in pipeline.run
    config = settings.load(run.SAMPLE_CONFIG)
    inputs_ = run.Inputs(files.export, (files.alumni,))
    given["export"] = run.shortlist(inputs_, config, today=TODAY)
    given["ingest"] = (inputs_, config)
    folder.mkdir(parents=True, exist_ok=True)
    for name, value in given.items():
        (folder / f"{name}.pkl").write_bytes(pickle.dumps(value, protocol=5))
    print(f"saved {', '.join(sorted(given))} into {folder}")


def stage(name: str, folder: Path, out: Path) -> None:
    """Run stage ``name`` on the saved inputs; print its seconds; write its output."""
    from pipeline import run

    given = _with_new_fields(pickle.loads((folder / f"{name}.pkl").read_bytes()))
    out.mkdir(parents=True, exist_ok=True)
    frames: dict[str, object] = {}
    wall, cpu = time.perf_counter(), _cpu()
    if name == "ingest":
        from pipeline.ingest.inputs import read_inputs

        read = read_inputs(*given)
        frames = {"people": read.ingested.people, "ledger": read.ingested.ledger}
        frames["reports"] = _reports_frame(read.ingested.reports)
    elif name == "normalize":
        frames = {"people": run.normalize(*given)}
    elif name == "rank":
        ranked, filtered = run.rank(*given)
        frames = {"ranked": ranked, "filtered": filtered}
    else:
        for old in out.glob("export*"):
            old.unlink()
        run.write(given, out / "export.xlsx")
    wall, cpu = time.perf_counter() - wall, _cpu() - cpu
    if frames:
        (out / f"{name}.pkl").write_bytes(pickle.dumps(frames, protocol=5))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(
        f"{name}: {wall:.2f} s wall, {cpu:.2f} s CPU, peak {peak:.2f} GiB, "
        f"load {os.getloadavg()[0]:.1f}"
    )


def _with_new_fields(given: object) -> object:
    """A Result pickled before a field was added to it, that field given its default (the
    saved inputs predate Result.signatures: run.write then hashes the files itself)."""
    import dataclasses

    if dataclasses.is_dataclass(given) and not isinstance(given, type):
        for field in dataclasses.fields(given):
            if field.name in vars(given):
                continue
            if field.default_factory is not dataclasses.MISSING:
                object.__setattr__(given, field.name, field.default_factory())
            elif field.default is not dataclasses.MISSING:
                object.__setattr__(given, field.name, field.default)
    return given


def _reports_frame(reports: tuple) -> object:
    """Ingest's report, one row per file read (its counts and every detail), as a frame."""
    import pandas as pd

    rows = [
        {"file": r.file, "kind": r.kind, "read": r.read, "accepted": r.accepted,
         "rejected": r.rejected, **{f"details: {k}": str(v) for k, v in r.details.items()}}
        for r in reports
    ]  # fmt: skip
    return pd.DataFrame(rows)


def compare(a: Path, b: Path) -> None:
    """Whether two output folders of ``stage`` hold the same frames, workbook and CSV."""
    import pandas as pd

    for mine in sorted(a.glob("*.pkl")):
        left, right = (pickle.loads(p.read_bytes()) for p in (mine, b / mine.name))
        for key, frame in left.items():
            pd.testing.assert_frame_equal(frame, right[key], check_exact=True)
            print(f"{mine.stem} {key}: equal ({len(frame):,} rows)")
    for mine in sorted(a.glob("export*")):
        theirs = b / mine.name
        if mine.suffix == ".xlsx":
            with zipfile.ZipFile(mine) as x, zipfile.ZipFile(theirs) as y:
                names = x.namelist()
                assert names == y.namelist(), f"{mine.name}: different parts"
                parts = [n for n in names if n != "docProps/core.xml"]
                differ = [n for n in parts if x.read(n) != y.read(n)]
            assert not differ, f"{mine.name}: {differ} differ"
            print(f"{mine.name}: {len(parts)} XML parts equal (docProps/core.xml left out)")
        else:
            assert mine.read_bytes() == theirs.read_bytes(), f"{mine.name} differs"
            print(f"{mine.name}: equal, byte for byte ({mine.stat().st_size:,} bytes)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("save", *STAGES, "compare"))
    parser.add_argument("folders", nargs="*", type=Path, help="compare: the two --out folders")
    parser.add_argument("--size", choices=("small", "real", "large"), default="real")
    parser.add_argument("--inputs", type=Path, help="where save puts the stages' inputs")
    parser.add_argument("--files", type=Path, help="save: a folder of inputs already made")
    parser.add_argument("--out", type=Path, help="where a stage writes its output")
    parser.add_argument("--code", type=Path, help="directory holding the pipeline to measure")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.code:
        sys.path.insert(0, str(args.code.resolve()))
    import pipeline

    print(f"pipeline from {Path(pipeline.__file__).parent}", file=sys.stderr)
    if args.what == "save":
        save(args.size, args.inputs, args.files)
    elif args.what == "compare":
        compare(*args.folders)
    else:
        stage(args.what, args.inputs, args.out)


if __name__ == "__main__":
    main()
