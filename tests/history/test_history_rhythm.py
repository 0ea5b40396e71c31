"""Keep in touch: last contacted, replies, the re-contact cadence's Due reason, 3B7 follow-ups."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pandas as pd
from history_exports import RUN_DATES, load_settings, mark_contacts, write_version

from pipeline import history, run
from pipeline.history import rhythm


def marks(*rows: tuple) -> pd.DataFrame:
    cols = ["run_id", "run_date", "prospect_id", "status", "contacted_on", "follow_up_on"]
    return pd.DataFrame([r + (None,) * (6 - len(r)) for r in rows], columns=cols).assign(
        interested="yes", notes_hash=None
    )


def test_contact_log_takes_the_latest_contact_and_a_reply_after_it():
    log = rhythm.contact_log(
        marks(
            (1, "2026-03-01", "ada", "Contacted", "2026-02-20"),
            (2, "2026-04-01", "ada", "Replied", "2026-02-20"),
            (3, "2026-06-01", "ada", "Contacted", "2026-05-30"),  # wrote again; no reply yet
            (2, "2026-04-01", "bo", "Replied", "2026-03-10"),
        )
    )
    assert log.loc["ada", "last_contacted"] == pd.Timestamp("2026-05-30")
    assert not log.loc["ada", "replied"]  # the reply came before the latest contact
    assert log.loc["bo", "replied"] and log.loc["ada", "status"] == "Contacted"


def test_due_after_the_cadence_for_interested_people_not_set_to_not_now():
    log = rhythm.contact_log(
        marks(
            (1, "2026-03-01", "ada", "Replied", "2026-03-01"),
            (1, "2026-03-01", "bo", "Not now", "2026-03-01"),
            (1, "2026-03-01", "cy", "Replied", "2026-05-01"),
        )
    )
    due = rhythm.due(log, date(2026, 5, 30), days=90)
    assert due.index.tolist() == ["ada"]
    assert due.loc["ada", "reason"] == (
        "Due: last contacted 2026-03-01, 90 days ago (they replied); you re-contact after 90 days."
    )
    assert rhythm.due(log, date(2026, 5, 30), days=0).empty
    assert rhythm.due(log, date(2026, 5, 30), days=90, interested=("maybe",)).empty


def test_follow_ups_due_match_the_workbooks_3b7_formula():
    # Contacted Wednesday 2026-09-02: WORKDAY +3 = Monday 09-07, +7 = Friday 09-11.
    one = marks((1, "x", "ada", "Contacted", "2026-09-02"))
    assert rhythm.follow_ups_due(one, date(2026, 9, 4)).empty
    assert rhythm.follow_ups_due(one, date(2026, 9, 7)).tolist() == ["ada"]  # 3 days: due
    assert rhythm.follow_ups_due(one, date(2026, 9, 8)).empty  # next: the 7-day one
    assert rhythm.follow_ups_due(one, date(2026, 9, 11)).tolist() == ["ada"]
    settled = marks((1, "x", "ada", "Replied", "2026-09-02"))
    assert rhythm.follow_ups_due(settled, date(2026, 9, 11)).empty
    typed = marks((1, "x", "ada", "Contacted", "2026-09-02", "2026-09-30"))
    assert rhythm.follow_ups_due(typed, date(2026, 9, 11)).empty  # the user's own date wins
    # From a Saturday, Excel counts from the Friday before: WORKDAY(Sat 09-05, 3) = Wed 09-09.
    weekend = marks((1, "x", "ada", "Contacted", "2026-09-05"))
    assert rhythm.follow_ups_due(weekend, date(2026, 9, 9)).tolist() == ["ada"]


def test_statuses_typed_in_the_workbook_give_a_due_reason_on_the_shortlist(tmp_path):
    history_settings = load_settings(tmp_path)
    db, book = tmp_path / "history.sqlite", tmp_path / "shortlist.xlsx"
    first = run.shortlist(write_version(tmp_path / "v1", 1), history_settings, today=RUN_DATES[1])
    pending = history.prepare(first, db, now=datetime(2026, 6, 1, 9))
    run.write(first, book)
    pending.commit()

    mark_contacts(book, notes="met for coffee")

    inputs = replace(write_version(tmp_path / "v2", 2), previous=book)
    second = run.shortlist(inputs, history_settings, today=RUN_DATES[2])
    pending = history.prepare(second, db, now=datetime(2026, 9, 10, 9))
    assert pending.due.index.tolist() == ["oren-vasquez"]
    assert pending.overdue.tolist() == ["lotte-vermeer"]
    assert pending.summary().endswith("1 follow-up overdue; 1 due to be contacted again.")
    ranked = pending.with_due(second.ranked).set_index("prospect_id")
    assert ranked.loc["oren-vasquez", "why"].startswith(
        "Due: last contacted 2026-06-02, 100 days ago (they replied); you re-contact after 90"
    )
    assert not ranked.loc["lotte-vermeer", "why"].startswith("Due")
    pending.commit()
    stored = history.person(db, "oren-vasquez")
    assert stored["status"].fillna("").tolist() == ["", "Replied"]  # as read at each run
    notes = pd.read_sql_query("SELECT notes_hash FROM marks", __import__("sqlite3").connect(db))
    assert notes["notes_hash"].str.fullmatch("[0-9a-f]{16}").any()  # a hash, never the text
    assert b"met for coffee" not in db.read_bytes()
