"""Splink 5 (DuckDB) on Febrl, as its own documentation sets it up; run by benchmarks/febrl.py.

    python benchmarks/splink_febrl.py link dataset4a.csv dataset4b.csv --out pairs.csv
    python benchmarks/splink_febrl.py dedupe dataset3.csv --out pairs.csv

Writes the record ids of the pairs at or above match probability 0.9 that end in one cluster
(``rec_id_l``, ``rec_id_r``). Needs the bench dependency group (``uv run --group bench``).
"""

from __future__ import annotations

import argparse
import logging

import pandas as pd
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

THRESHOLD = 0.9


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["link", "dedupe"])
    parser.add_argument("files", nargs="+")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    db = DuckDBAPI()
    frames = [
        db.register(pd.read_csv(f, dtype=str, keep_default_na=False).replace("", None))
        for f in args.files
    ]
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="link_only" if args.mode == "link" else "dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "surname"),
            "l.given_name = r.surname and l.surname = r.given_name",
            block_on("date_of_birth"),
            block_on("state", "address_1"),
            block_on("street_number", "address_1"),
            block_on("postcode"),
        ],
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
            ),
            cl.DamerauLevenshteinAtThresholds("street_number", [1]),
            cl.PostcodeComparison("postcode"),
            cl.ExactMatch("state"),
            cl.NameComparison("suburb"),
            cl.DamerauLevenshteinAtThresholds("address_1", [1, 2]),
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(frames if len(frames) > 1 else frames[0], settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("date_of_birth", "surname"), block_on("given_name", "surname", "postcode")],
        recall=0.8,
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("date_of_birth"), estimate_without_term_frequencies=True
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("given_name", "surname"), estimate_without_term_frequencies=True
    )
    pairs = linker.inference.predict(threshold_match_probability=THRESHOLD)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        pairs, threshold_match_probability=THRESHOLD
    ).as_pandas_dataframe()
    ids = clusters[["rec_id", "cluster_id"]]
    joined = ids.merge(ids, on="cluster_id", suffixes=("_l", "_r"))
    joined = joined[joined["rec_id_l"] < joined["rec_id_r"]]
    joined[["rec_id_l", "rec_id_r"]].to_csv(args.out, index=False)


if __name__ == "__main__":
    main()
