from pipeline import Inputs, load_settings, schema, shortlist
from pipeline.run import SAMPLE_CONFIG


def test_the_sample_runs_end_to_end_and_accounts_for_every_row(today):
    result = shortlist(Inputs.sample(), load_settings(SAMPLE_CONFIG), today=today)
    counts = result.counts
    assert (counts["read"] == counts["accepted"] + counts["rejected"]).all()
    assert counts["accepted"].sum() == len(result.ingested.people)
    assert counts["rejected"].sum() == (result.ingested.ledger["outcome"] == "rejected").sum()
    prospects = result.linked.prospects
    assert len(prospects) < len(result.people)  # connections who are alumni were linked
    assert (prospects["is_connection"] & prospects["is_alum"]).sum() >= 60
    assert list(result.ranked.columns[: len(schema.RANKED)]) == list(schema.RANKED)
    assert len(result.ranked) + len(result.filtered) == len(prospects)
    top = result.ranked.head(10)
    assert top["role_fit"].min() > 0.5  # the sample targets data and product roles
    summary = result.summary()
    assert "Read 1,800 rows" in summary and "shortlisted the top 50" in summary


def test_me_comes_from_the_archive(today):
    result = shortlist(Inputs.sample(), load_settings(SAMPLE_CONFIG), today=today)
    assert result.profile.name == "Avery Chen"
    assert result.context.my_grad_year == 2025
    assert result.context.i_am_student


def test_a_list_that_gave_no_one_is_named_in_the_summary(tmp_path, today):
    import pandas as pd

    from pipeline.ingest.inputs import SAMPLE_ALUMNI, SAMPLE_EXPORT

    header_only = tmp_path / "empty.csv"
    header_only.write_text("First Name,Last Name,Class Year\n")
    nameless = tmp_path / "nameless.csv"
    pd.DataFrame(
        {"First Name": ["", ""], "Last Name": ["", ""], "Class Year": [2010, 2011]}
    ).to_csv(nameless, index=False)
    inputs = Inputs(SAMPLE_EXPORT, (SAMPLE_ALUMNI, header_only, nameless))
    lines = shortlist(inputs, load_settings(SAMPLE_CONFIG), today=today).summary().splitlines()
    assert lines[1] == (
        "empty.csv has no rows below its header, so no one was read from it; check that it is "
        "the file you meant."
    )
    assert lines[2] == "All 2 rows of nameless.csv were set aside; the Ingest report says why."
    assert lines[3].startswith("Matched ")


def test_the_summary_names_no_file_when_every_file_gave_someone(today):
    lines = shortlist(Inputs.sample(), load_settings(SAMPLE_CONFIG), today=today).summary()
    assert "no one was read" not in lines and "were set aside;" not in lines
    assert lines.splitlines()[1].startswith("Matched ")
