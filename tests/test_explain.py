from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.rank.explain import NoSuchProspect, find

runner = CliRunner()
FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "ranking"
INPUTS = [
    str(FIXTURE / "Connections.csv"),
    "--alumni",
    str(FIXTURE / "alumni.csv"),
    "--config",
    str(FIXTURE / "settings.toml"),
]
FEATURES = ("role_fit", "company_fit", "school_fit", "stage_fit", "warmth", "location_fit")


def test_explain_prints_every_feature_weight_share_and_evidence():
    result = runner.invoke(app, ["explain", "Gil Eskel", *INPUTS])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("Gil Eskel (ID ")
    assert "feature" in out and "weight" in out and "share" in out and "evidence" in out
    rows = {line.split()[0]: line for line in out.splitlines()[4:] if line.strip()}
    for name in FEATURES:
        assert name in rows
    assert "title fits 'machine learning engineer'" in rows["role_fit"]  # Staff ML Engineer
    assert "target employer Shopify" in rows["company_fit"]
    assert "alum of University of Toronto" in rows["school_fit"]
    assert "no targets for it" in rows["industry_fit"]  # the persona names no industries
    # The shares are the weighted mean's parts: they add up to the score.
    shares = [float(rows[n].split()[3]) for n in FEATURES]
    score = float(rows["score"].split()[1])
    assert sum(shares) == pytest.approx(score, abs=0.02)
    assert "Why: " in out and "Opener: Hi Gil" in out


def test_explain_a_filtered_person_says_why_they_were_left_out():
    result = runner.invoke(app, ["explain", "recruiter-less name that matches nobody", *INPUTS])
    assert result.exit_code == 1
    filtered = runner.invoke(app, ["explain", "Oren Abara", *INPUTS])
    assert filtered.exit_code == 0, filtered.output
    assert "filtered out: excluded" in filtered.stdout.splitlines()[0]


def test_explain_an_ambiguous_name_lists_the_candidates_and_exits_1():
    result = runner.invoke(app, ["explain", "Xavi", *INPUTS])
    assert result.exit_code == 1
    assert "people match; run again with one of these IDs" in result.stdout
    assert result.stdout.count("Xavi ") >= 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Xavi" not in lines[0]  # no personal data in the error line


def test_explain_on_the_bundled_sample_by_default():
    result = runner.invoke(app, ["explain", "Emeka Moreau"])
    assert result.exit_code == 0, result.output
    assert "rank 1 of" in result.stdout.splitlines()[0]


def test_find_by_id_then_by_all_words_of_a_name_ignoring_accents():
    people = pd.DataFrame(
        {
            "prospect_id": ["jose-g", "jo-ng", "ana"],
            "full_name": ["José García", "Jo Ng", "Ana Josefsson"],
            "rank": [2, 1, None],
        }
    )
    assert find(people, "jo-ng")["full_name"].tolist() == ["Jo Ng"]
    assert find(people, "JOSE garcia")["prospect_id"].tolist() == ["jose-g"]
    assert find(people, "jo")["prospect_id"].tolist() == ["jo-ng", "jose-g", "ana"]
    with pytest.raises(NoSuchProspect):
        find(people, "Zed")
