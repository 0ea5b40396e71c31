"""Changes between consecutive generated exports: each change found once, nothing else."""

from __future__ import annotations

import pandas as pd
from history_exports import RUN_DATES, record

from pipeline import history
from pipeline.history.changes import compare, relink

V1_TO_V2 = [
    ("into_target", "Pia Lindqvist"),
    ("job_change", "Ilsa Brandt"),
    ("promotion", "Oren Vasquez"),
    ("new_connection", "Yara Haddad"),
    ("newly_alum", "Bruno Achterberg"),
    ("left", "Tomas Keller"),
]
V2_TO_V3 = [
    ("out_of_target", "Pia Lindqvist"),
    ("job_change", "Jonas Weber"),
    ("new_connection", "Zane Okafor"),
    ("left", "Greta Olsen"),
]


def found(changes: pd.DataFrame) -> list[tuple[str, str]]:
    return list(zip(changes["kind"], changes["name"], strict=True))


def test_two_exports_each_change_found_once_and_nothing_else(tmp_path, history_settings):
    db = tmp_path / "history.sqlite"
    first = record(tmp_path, 1, history_settings, db)
    assert first.since is None and first.changes.empty
    second = record(tmp_path, 2, history_settings, db)
    assert second.since == RUN_DATES[1].isoformat()
    assert found(second.changes) == V1_TO_V2  # in KINDS order, once each
    row = second.changes.set_index("name").loc["Oren Vasquez"]
    assert row["before"] == "Entry: Data Scientist at TD"
    assert row["after"] == "Senior: Senior Data Scientist at TD"
    left = second.changes.set_index("name").loc["Tomas Keller"]
    assert pd.isna(left["rank"]) and left["rank_before"] > 0
    assert second.summary() == (
        "Since your run of 2026-06-01: 1 person moved to a target employer; 1 person changed "
        "jobs; 1 person promoted; 1 new connection; 1 connection found in an alumni list; "
        "1 person left your files."
    )


def test_three_exports_last_two_and_since_the_first(tmp_path, history_settings):
    db = tmp_path / "history.sqlite"
    for k in (1, 2):
        record(tmp_path, k, history_settings, db)
    third = record(tmp_path, 3, history_settings, db)
    assert found(third.changes) == V2_TO_V3
    # Jonas Weber has no LinkedIn address: his id (name, year, employer) changed with the job.
    jonas = third.changes.set_index("name").loc["Jonas Weber"]
    assert jonas["before"] == "Engineering Manager at Telus"

    # The command's view: the last two runs, then everything since the first run.
    assert found(history.changes_since(db, settings=history_settings.history).changes) == V2_TO_V3
    since_first = history.changes_since(db, RUN_DATES[1], history_settings.history).changes
    assert sorted(found(since_first)) == sorted(
        [
            ("job_change", "Ilsa Brandt"),
            ("job_change", "Pia Lindqvist"),  # Deloitte -> Wealthsimple: neither a target
            ("job_change", "Jonas Weber"),
            ("promotion", "Oren Vasquez"),
            ("new_connection", "Yara Haddad"),
            ("new_connection", "Zane Okafor"),
            ("newly_alum", "Bruno Achterberg"),
            ("left", "Tomas Keller"),
            ("left", "Greta Olsen"),
        ]
    )
    assert [r.run_date for r in history.runs(db).itertuples()] == [
        d.isoformat() for d in RUN_DATES.values()
    ]


def test_an_unchanged_rerun_reports_nothing(tmp_path, history_settings):
    db = tmp_path / "history.sqlite"
    record(tmp_path, 2, history_settings, db)
    again = record(tmp_path / "again", 2, history_settings, db)
    assert again.changes.empty
    assert again.summary().endswith("nothing changed.")


def _row(pid: str, **kw) -> dict:
    base = dict(
        prospect_id=pid,
        name=pid.title(),
        name_key=pid,
        company="Acme",
        company_key="acme",
        title="Analyst",
        seniority="Entry",
        school="",
        grad_year=None,
        is_connection=1,
        is_alum=0,
        connected_on=None,
        warmth=1.0,
        score=0.5,
        rank=1,
    )
    return base | kw


def test_rank_moves_beyond_the_setting_only_for_people_without_another_change():
    old = pd.DataFrame([_row("a", rank=1), _row("b", rank=2), _row("c", rank=3)])
    new = pd.DataFrame(
        [
            _row("a", rank=13),  # moved 12 > 10
            _row("b", rank=12),  # moved exactly 10: not more than 10
            _row("c", rank=30, company="Beta", company_key="beta"),  # a job change says it
        ]
    )
    out = compare(old, new, set(), rank_move=10)
    assert found(out) == [("job_change", "C"), ("rank_move", "A")]
    assert out.set_index("name").loc["A", "after"] == "rank 13"
    assert found(compare(old, new, set(), rank_move=0)) == [("job_change", "C")]


def test_relink_joins_a_vanished_id_to_a_new_one_only_when_unique():
    old = pd.DataFrame(
        [
            _row("p-1", name_key="sam lee", grad_year=2019),
            _row("p-2", name_key="kim ono", grad_year=2018),
            _row("p-3", name_key="kim ono", grad_year=2018, company_key="x"),
        ]
    )
    new = pd.DataFrame(
        [
            _row("sam-lee", name_key="sam lee", grad_year=2019, company_key="beta"),
            _row("p-9", name_key="kim ono", grad_year=2018, company_key="y"),
        ]
    )
    # Two old "kim ono 2018" records: ambiguous, so neither is joined to the new one.
    assert relink(old, new) == {"p-1": "sam-lee"}


def test_moves_are_judged_by_the_newer_runs_targets():
    old = pd.DataFrame([_row("a")])
    new = pd.DataFrame([_row("a", company="Shopify", company_key="shopify")])
    assert found(compare(old, new, {"shopify"})) == [("into_target", "A")]
    assert found(compare(new, old, {"shopify"})) == [("out_of_target", "A")]
    assert found(compare(old, new, set())) == [("job_change", "A")]
    senior = pd.DataFrame([_row("a", seniority="Manager", title="Analytics Manager")])
    assert found(compare(old, senior, set())) == [("promotion", "A")]
    assert compare(senior, old, set()).empty  # a step down is no promotion
    # the same title read at a higher level (a class year linked since) is no promotion
    reread = pd.DataFrame([_row("a", seniority="Senior")])
    assert compare(old, reread, set()).empty
