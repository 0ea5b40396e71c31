"""Link alone on a benchmark size: wall and CPU seconds, peak memory, accuracy, and whether the
prospects and matches equal another version's.

    python benchmarks/link_cpu.py real [--save FILE | --check FILE] [--code DIR] [--inputs DIR]

The whole run's stage times move with the machine's load (it is shared); CPU seconds of link
alone move less, so a before/after of link's code is compared on them. ``--code DIR`` runs the
pipeline package found in DIR (e.g. an older commit unpacked with ``git archive``) on the same
inputs; ``--save`` writes the Prospects and Matches frames, ``--check`` says whether this
version's equal them (every column and value exact, but for the probabilities and weights,
which may move in the last bits: see ``same_frames``).
"""

from __future__ import annotations

import argparse
import pickle
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", choices=("small", "real", "large"))
    parser.add_argument("--save", type=Path)
    parser.add_argument("--check", type=Path)
    parser.add_argument("--code", type=Path, help="directory holding the pipeline to measure")
    parser.add_argument(
        "--inputs",
        type=Path,
        help="a size's folder in out/bench/ to read instead of the current generator's (so a "
        "before/after pair reads the same files after fixtures/linkage/generate.py changed)",
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.code:
        sys.path.insert(0, str(args.code.resolve()))

    from benchmarks import inputs
    from benchmarks.measure import TODAY, accuracy
    from pipeline import run, settings

    files = inputs.files(inputs.SIZES[args.size])
    if args.inputs:
        found = inputs.in_folder(args.inputs, inputs.SIZES[args.size])
        if found is None:
            parser.error(f"{args.inputs} holds no finished {args.size} inputs")
        files = found
    config = settings.load(run.SAMPLE_CONFIG)
    timing: dict[str, float] = {}
    original = run.link

    def timed_link(people, match_settings):
        wall, cpu = time.perf_counter(), time.process_time()
        linked = original(people, match_settings)
        timing["wall"], timing["cpu"] = time.perf_counter() - wall, time.process_time() - cpu
        return linked

    run.link = timed_link  # shortlist looks link up in pipeline.run
    result = run.shortlist(run.Inputs(files.export, (files.alumni,)), config, today=TODAY)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    cross, dups = accuracy(result, files)
    print(
        f"link: {timing['wall']:.2f} s wall, {timing['cpu']:.2f} s CPU; peak of the run "
        f"{peak:.2f} GiB; connection <-> alumni P {cross['precision']:.4f} R "
        f"{cross['recall']:.4f}; alumni duplicates P {dups['precision']:.4f} R "
        f"{dups['recall']:.4f}"
    )
    frames = (result.linked.prospects, result.linked.matches)
    if args.save:
        args.save.write_bytes(pickle.dumps(frames))
    if args.check:
        saved = pickle.loads(args.check.read_bytes())
        for name, mine, theirs in zip(("prospects", "matches"), frames, saved, strict=True):
            print(f"{name}: {same_frames(mine, theirs)} ({len(mine):,} rows)")


#: Columns a change of a sum's order (EM's) may move in the last bits; every other is exact.
SCORES = ("probability", "match_confidence")
RTOL = 1e-9


def same_frames(mine, theirs) -> str:
    """Raises unless ``mine`` equals ``theirs``: every value exact, but for the scores (SCORES
    and the "<comparison> weight" columns), which may differ by RTOL at most; says which."""
    import numpy as np
    import pandas as pd

    scores = [c for c in theirs.columns if c in SCORES or c.endswith(" weight")]
    exact = [c for c in theirs.columns if c not in scores]
    pd.testing.assert_index_equal(mine.columns, theirs.columns)
    pd.testing.assert_frame_equal(mine[exact], theirs[exact], check_exact=True)
    pd.testing.assert_frame_equal(mine[scores], theirs[scores], check_exact=False, rtol=RTOL)
    a, b = mine[scores].to_numpy(float), theirs[scores].to_numpy(float)
    moved = ~((a == b) | (np.isnan(a) & np.isnan(b)))
    if not moved.any():
        return "equal, bit for bit"
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.nanmax(np.abs(a - b)[moved] / np.abs(b)[moved])
    return f"equal but for {moved.sum():,} score values in the last bits (max rel {rel:.1e})"


if __name__ == "__main__":
    main()
