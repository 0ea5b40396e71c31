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
