"""Where the real size's missed links are lost: each true connection-alum pair that does not end
in one prospect, classed by the step that lost it (bench only).

    python benchmarks/link_misses.py [--ceiling]

Runs ingest and normalize on the ``real`` inputs (benchmarks/inputs.py: 30,000 connections,
200,000 alumni, truth.csv), scores them with ``pipeline.link.score`` and the sample settings,
and puts every missed true pair in one class:

- not proposed: blocking never made it a candidate; for each, the ``Equal`` rule whose key the
  two records share and that key's block size against the rule's cap (a cap that a common key
  passes at 200,000 rows but not at 20,000);
- scored below: its weights plus prior (before rivals) fall under ``[match] threshold``;
- pulled below by rivals: above on its own, under once its records' other candidates count
  (``cluster.rivals``);
- lost to one-to-one or a chain guard: its probability is above, yet it is not kept;

by the generator's kind (fixtures/linkage/generate.py: outdated employer, maiden name ...).
``--ceiling`` adds how many of them a model fitted WITH the true labels recovers: the boosted
trees of benchmarks/link_ceiling.py over levels, namesake counts, rivals and career facts,
two folds split by connection, cut at the best threshold that keeps precision >= 0.99 pair by
pair. Pairs it misses too are not resolvable from the data at that precision.

Diagnosis, 2026-12-03 (main at 4a6b693: P 0.9944, R 0.9079, 63 wrong, 1,128 missed of 12,254):

| class | missed | outdated employer | maiden name | nickname | typo | plain | trees recover |
|---|---:|---:|---:|---:|---:|---:|---:|
| not proposed | 14 | 0 | 0 | 0 | 13 | 1 | 0 |
| scored below the threshold | 1,108 | 770 | 142 | 115 | 76 | 5 | 528 |
| pulled below by rivals | 6 | 1 | 2 | 0 | 2 | 1 | 3 |
| lost to one-to-one or a chain guard | 0 | | | | | | 0 |

Blocking is not it: of the 14 never proposed (typos in the name), 4 share a key with the alum
under "same sounding last name and a first-name variant", in blocks of 20 to 57 records against
its cap of 15 (a cap a common key passes at 20,000 rows but not at 200,000); the other 10 share
no Equal rule's key. Almost all are scored below: an alumni record holding an earlier job
(another employer, a junior title) leaves only the name and the career stage to speak, and
most of them are their connection's best candidate. The labelled trees reach R 0.947 at
P >= 0.99 pair by pair (0.930 at 0.995; our own ranking 0.931 and 0.902): 597 of the 1,128
are not resolvable from these files at that precision, and issue 15's "R >= 0.95 at
P >= 0.99" at this size asks for more than the evidence holds.

Tried, not kept: the term-frequency floor (``classify.TF_FLOOR``, a share of 1e-7 at any
size) holds a name seen once on each side to one weight while the prior falls with the files'
size, so a rare-name, old-job pair loses 3.3 bits from 23,000 records to 230,000. A floor of at
most 0.0023 of a record in large files (1e-7 at 23,000) left the 8 seeds, the sample and
Febrl unchanged and gave P 0.9938, R 0.9319 (71 wrong, 834 missed; duplicates P 0.9982,
R 0.9638) here, but at 30,000 x 1,000,000 P 0.9927 -> 0.9865 (R 0.851 -> 0.905): 146 of its
152 wrong links are links of their own (108 on the exact name), 149 of their connections have
no true alum (the generator's namesakes, 3% of connections whatever the list's size, which
the files cannot tell from a rare name), so past 230,000 records the fixed floor is what
holds precision.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

from benchmarks import inputs  # noqa: E402
from benchmarks.measure import TODAY  # noqa: E402
from pipeline import run, settings  # noqa: E402
from pipeline.link import score  # noqa: E402
from pipeline.link.block import RULES, Equal  # noqa: E402
from pipeline.link.block_rules import _keys  # noqa: E402

CLASSES = (
    "not proposed",
    "scored below the threshold",
    "pulled below by rivals",
    "lost to one-to-one or a chain guard",
)


class _Normalized(Exception):
    """Raised by the wrapped link to stop shortlist once People are normalized."""

    def __init__(self, people: pd.DataFrame) -> None:
        self.people = people


def normalized_real():
    """The real size's normalized People, its ingest Ledger, the settings and the truth (as
    source rows) and the truth files."""
    files = inputs.files(inputs.SIZES["real"])
    config = settings.load(run.SAMPLE_CONFIG)
    original, ledger = run.link, {}
    original_read = run.read_inputs

    def read(*args, **kwargs):
        found = original_read(*args, **kwargs)
        ledger["ledger"] = found.ingested.ledger
        return found

    def stop(people, _settings):
        raise _Normalized(people)

    run.link, run.read_inputs = stop, read
    try:
        run.shortlist(run.Inputs(files.export, (files.alumni,)), config, today=TODAY)
    except _Normalized as done:
        return done.people, ledger["ledger"], config, files
    finally:
        run.link, run.read_inputs = original, original_read
    raise RuntimeError("link was never reached")


def _positions(frame: pd.DataFrame, ledger: pd.DataFrame):
    """A function from (source, source rows) to positions in ``frame`` (NaN: not there). An
    alumni row ingest dropped as an exact duplicate stands for the row it repeats."""
    same = ledger["reason"].astype("str").str.extract(r"^exact duplicate of row (\d+)$")[0]
    of = pd.Series(pd.to_numeric(same[same.notna()]).to_numpy(), ledger["source_row"][same.notna()])
    at = pd.Series(np.arange(len(frame)), pd.MultiIndex.from_arrays(
        [frame["source"].astype("str"), frame["source_row"]]))  # fmt: skip

    def find(source: str, rows: pd.Series) -> np.ndarray:
        if source == "alumni":
            rows = rows.map(of).fillna(rows).astype(int)
        return at.reindex(pd.MultiIndex.from_arrays([[source] * len(rows), rows])).to_numpy()

    return find


def truth_positions(frame: pd.DataFrame, ledger: pd.DataFrame, files) -> pd.DataFrame:
    """The true pairs as positions into ``frame`` (c: connection, a: alum) with their kind."""
    truth = pd.read_csv(files.truth)
    find = _positions(frame, ledger)
    c, a = find("connections", truth["connections_row"]), find("alumni", truth["alumni_row"])
    return pd.DataFrame({"c": c.astype(int), "a": a.astype(int), "kind": truth["kind"]})


def alumni_persons(frame: pd.DataFrame, ledger: pd.DataFrame, files) -> np.ndarray:
    """Per record of ``frame``, its person when the list's TRUE duplicates are joined
    (``link_ceiling.alumni_people``)."""
    from benchmarks.link_ceiling import alumni_people

    duplicates = pd.read_csv(files.duplicates)
    find = _positions(frame, ledger)
    a, b = find("alumni", duplicates["alumni_row_a"]), find("alumni", duplicates["alumni_row_b"])
    both = ~(np.isnan(a) | np.isnan(b)) & (a != b)
    return alumni_people(len(frame), a[both].astype(int), b[both].astype(int))


def classify_misses(scored, truth: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """``truth`` with ``missed``, ``pair`` (row in scored.pairs, -1: not a candidate) and
    ``loss`` (one of CLASSES, "" when found)."""
    n, labels = len(scored.frame), scored.labels
    pairs = scored.pairs
    index = pd.Series(
        np.arange(len(pairs)), pairs["left"].to_numpy() * n + pairs["right"].to_numpy()
    )
    lo, hi = np.minimum(truth["c"], truth["a"]), np.maximum(truth["c"], truth["a"])
    at = index.reindex(lo * n + hi).fillna(-1).to_numpy(dtype=int)
    bits = scored.contributions.sum(axis=1).to_numpy() + scored.prior
    raw = 1 / (1 + np.exp2(-np.clip(bits, -60, 60)))
    prob, linked = pairs["probability"].to_numpy(), pairs["linked"].to_numpy()
    take = np.maximum(at, 0)
    missed = labels[truth["c"]] != labels[truth["a"]]
    loss = np.select(
        [~missed, at < 0, raw[take] < threshold, prob[take] < threshold, ~linked[take]],
        ["", CLASSES[0], CLASSES[1], CLASSES[2], CLASSES[3]],
        "linked, another cluster",
    )
    return truth.assign(missed=missed, pair=at, loss=loss)


def shared_keys(frame: pd.DataFrame, left: np.ndarray, right: np.ndarray) -> pd.DataFrame:
    """Per pair (positions), each default Equal rule whose key both records carry, with the
    largest such key's block size and the rule's cap: which cap, if any, cut the pair."""
    rows = []
    for rule in (r for r in RULES if isinstance(r, Equal)):
        if not set(rule.needs) <= set(frame.columns):
            continue
        key, pos, _side = _keys(frame, rule.columns, rule.multi, rule.also)
        sizes = np.bincount(key)
        entries = pd.DataFrame({"key": key, "pos": pos}).drop_duplicates()
        mine = pd.DataFrame({"i": np.arange(len(left)), "l": left, "r": right})
        both = mine.merge(entries, left_on="l", right_on="pos").merge(
            entries, left_on=["r", "key"], right_on=["pos", "key"]
        )
        largest = both.assign(block=sizes[both["key"].to_numpy()]).groupby("i")["block"].max()
        rows += [(int(i), rule.name, int(b), rule.max_block) for i, b in largest.items()]
    return pd.DataFrame(rows, columns=["pair", "rule", "block", "cap"])


def ceiling_recovers(
    scored, truth: pd.DataFrame, person: np.ndarray, precision: float = 0.99
) -> np.ndarray:
    """Per true pair, whether boosted trees fitted with the labels (two folds by connection)
    rank it above the lowest cut that keeps ``precision`` pair by pair. Prints the trees' best
    recall pair by pair and as prospects (``link_ceiling.as_prospects``: one-to-one, the true
    duplicates joined through ``person``), and ours the same two ways."""
    from benchmarks import link_ceiling as lc

    f, pairs = scored.frame, scored.pairs
    n = len(f)
    src = f["source"].astype("str").to_numpy()
    left, right = pairs["left"].to_numpy(), pairs["right"].to_numpy()
    group = np.where(src[left] == src[right], "within", "cross")
    true_keys = np.minimum(truth["c"], truth["a"]) * n + np.maximum(truth["c"], truth["a"])
    y = pd.Series(left * n + right).isin(true_keys).to_numpy()
    x, categorical, cols = lc.features(scored, group)
    keep = np.flatnonzero(lc.plausible(scored) & (group == "cross"))
    use = [c for g in lc.GROUPS for c in cols[g] if x[c].iloc[keep].notna().any()]
    connection = np.where(src[left] == "connections", left, right)[keep]
    fold = connection * 2654435761 % 2**32 % 2
    p = np.zeros(len(keep))
    for k in (0, 1):
        model = lc._fit(x[use].iloc[keep[fold != k]], y[keep[fold != k]], categorical)
        p[fold == k] = model.predict_proba(x[use].iloc[keep[fold == k]])[:, 1]
    order = np.argsort(-p, kind="stable")
    hits = np.cumsum(y[keep][order])
    ok = np.flatnonzero(hits / np.arange(1, len(hits) + 1) >= precision)
    cut = p[order][ok.max()] if len(ok) else np.inf
    print(f"labelled trees: best recall at P >= {precision}: {hits[ok].max() / len(truth):.4f}")
    alum = np.where(src[left] == "connections", right, left)[keep]
    ours = pairs["probability"].to_numpy()[keep]
    for tag, ranking in (("labelled trees", p), ("ours", ours)):
        best = lc.as_prospects(ranking, connection, alum, y[keep], person, len(truth), precision)
        print(
            f"{tag}: best recall at P >= {precision} as prospects (one-to-one, the true"
            f" duplicates joined): {best:.4f}"
        )
    above = np.zeros(len(pairs), dtype=bool)
    above[keep] = p >= cut
    return np.where(truth["pair"] >= 0, above[np.maximum(truth["pair"], 0)], False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ceiling", action="store_true", help="also fit the labelled trees")
    args = parser.parse_args()
    people, ledger, config, files = normalized_real()
    scored = score(people, config)
    truth = classify_misses(
        scored, truth_positions(scored.frame, ledger, files), config.match.threshold
    )
    missed = truth[truth["missed"]]
    print(f"true pairs {len(truth):,}, missed {len(missed):,}")
    print(pd.crosstab(missed["loss"], missed["kind"], margins=True).to_string())
    lost = missed[missed["loss"] == CLASSES[0]]
    keys = shared_keys(scored.frame, lost["c"].to_numpy(), lost["a"].to_numpy())
    print(f"not proposed: {len(lost)}; Equal rules whose key they share:")
    print(keys.to_string() if len(keys) else "  none (no cap cut them)")
    alumni = scored.frame["source"].astype("str").to_numpy() == "alumni"
    names = scored.frame["name_key"].astype("str")
    counts = names[alumni].value_counts()
    namesakes = names.iloc[missed["c"].to_numpy()].map(counts).fillna(0).astype(int)
    print("missed pairs by alumni carrying the connection's exact name:")
    print(namesakes.clip(upper=10).value_counts().sort_index().to_string())
    if args.ceiling:
        person = alumni_persons(scored.frame, ledger, files)
        truth["recovered"] = ceiling_recovers(scored, truth, person)
        missed = truth[truth["missed"]]
        print(pd.crosstab(missed["loss"], missed["recovered"], margins=True).to_string())


if __name__ == "__main__":
    main()
