from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.rank.explain import NoSuchProspect, find

runner = CliRunner()
FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "ranking"
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


def test_explain_shows_how_the_records_were_linked():
    result = runner.invoke(app, ["explain", "Camila Dubois"])  # the bundled sample
    assert result.exit_code == 0, result.output
    out = result.stdout.split("How its records were linked:")[1]
    assert "Records (2): Connections.csv row 6 · alumni.xlsx [Alumni] row 275" in out
    linked = out.split("Linked: ")[1]
    assert linked.startswith("Connections.csv row 6 and alumni.xlsx [Alumni] row 275")
    assert "linkedin_slug: same +" in linked and "name: exact +" in linked
    assert "prior -" in linked


def test_links_text_lists_the_candidates_left_apart():
    from pipeline.link.audit import links_text

    matches = pd.DataFrame(
        {
            "left_file": ["c.csv", "c.csv"],
            "left_row": [2, 2],
            "left_name": ["Ann Lee", "Ann Lee"],
            "right_file": ["a.csv", "a.csv"],
            "right_row": [7, 9],
            "right_name": ["Ann Lee", "Anne Lee"],
            "probability": [0.98, 0.4],
            "linked": [True, False],
            "name": ["exact", "close spelling"],
            "job": ["same employer", ""],
            "name weight": [15.0, 9.0],
            "job weight": [3.5, 0.0],
            "prior weight": [-12.0, -12.0],
        }
    )
    records = pd.DataFrame({"source_file": ["c.csv", "a.csv"], "source_row": [2, 7]})
    text = links_text(matches, records, threshold=0.7)
    assert "Records (2): a.csv row 7 · c.csv row 2" in text
    assert "Linked: c.csv row 2 and a.csv row 7, probability 0.98" in text
    assert "name: exact +15.0 · job: same employer +3.5 · prior -12.0" in text
    # the near miss is shown with its reason, and its empty job level is left out
    assert "Not linked: c.csv row 2 (Ann Lee) and a.csv row 9 (Anne Lee), probability 0.40" in text
    assert "(below the threshold 0.7)" in text
    assert "name: close spelling +9.0 · prior -12.0" in text


def test_explain_shows_the_level_its_probability_and_what_decided_it():
    # Dov Eskel: "Mechanical Engineer", class of 2012: no level word, fourteen years out.
    result = runner.invoke(app, ["explain", "Dov Eskel", *INPUTS])
    assert result.exit_code == 0, result.output
    level = next(line for line in result.stdout.splitlines() if "Level:" in line)
    assert "Level: Senior (p 0." in level
    assert "title has no level word; 14 years since the first degree" in level
