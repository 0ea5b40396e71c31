"""Nothing lost across reruns: the user's columns, added columns and hand-added people survive.

The end-to-end test runs the real pipeline on a tiny synthetic Connections.csv, edits the
workbook with openpyxl as a user would in Excel, reruns on a changed export and reads it back.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from fixtures.common import table
from pipeline import run
from pipeline.errors import InputError
from pipeline.export.carryover import carry_over, is_our_formula
from pipeline.ingest.previous import read_previous
from pipeline.settings import load
from pipeline.workbook_contract import ID_HEADER

PREAMBLE = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses are '
    'missing."\n\n'
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
)
# first, last, slug, company, title
FIRST = table("""
Ada | Park | ada-park | Shopify | Data Scientist
Bo  | Lind | bo-lind  | Acme    | Product Manager
Cy  | Moss | cy-moss  | Globex  | Data Analyst
Di  | Vale | di-vale  | Initech | Machine Learning Engineer
Ed  | Rune | ed-rune  | Hooli   | Senior Data Scientist
""")


def export(path: Path, people: list[tuple[str, str, str, str, str]]) -> Path:
    lines = [
        f"{f},{last},https://www.linkedin.com/in/{slug},,{company},{title},08 Jan 2024"
        for f, last, slug, company, title in people
    ]
    path.write_text(PREAMBLE + "\n".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def produce(today):
    def build(tmp: Path, people: list, out: Path, previous: Path | None = None) -> Path:
        csv = export(tmp / "Connections.csv", people)
        inputs = run.Inputs(csv, previous=previous)
        result = run.shortlist(inputs, load(None), today=today)
        return run.write(result, out)

    return build


def table(ws) -> list[dict]:
    header = [c.value for c in ws[1]]
    return [dict(zip(header, (c.value for c in row), strict=True)) for row in ws.iter_rows(2)]


def by_id(rows: list[dict]) -> dict[str, dict]:
    return {r[ID_HEADER]: r for r in rows if r.get(ID_HEADER)}


@pytest.fixture
def edited(tmp_path: Path, produce) -> Path:
    """A produced workbook, edited as a user would: statuses, dates, notes, a column, a row."""
    out = produce(tmp_path, FIRST, tmp_path / "shortlist.xlsx")
    wb = load_workbook(out)
    ws = wb["Shortlist"]
    header = [c.value for c in ws[1]]
    col = {h: i + 1 for i, h in enumerate(header)}
    new_col = ws.max_column + 1
    ws.cell(1, new_col, "My score")
    for r in range(2, ws.max_row + 1):
        pid = ws.cell(r, col[ID_HEADER]).value
        if pid == "ada-park":
            ws.cell(r, col["Status"], "Contacted")
            ws.cell(r, col["Contacted on"], dt.datetime(2026, 11, 2))
            ws.cell(r, col["Notes"], "Met at the meetup; =ask about teams")
            ws.cell(r, new_col, 5)
        elif pid == "bo-lind":
            ws.cell(r, col["Status"], "Replied")
            ws.cell(r, col["Interested"], "yes")
        elif pid == "cy-moss":  # will leave the data
            ws.cell(r, col["Notes"], "Moved abroad?")
            ws.cell(r, col["Status"], "Not now")
        elif pid == "di-vale":  # will change jobs
            ws.cell(r, col["Notes"], "Great intro call")
            ws.cell(r, col["Follow up on"], dt.datetime(2026, 12, 1))  # typed over our formula
    # A referral typed into the first empty row, without an ID.
    row = ws.max_row + 1
    ws.cell(row, col["Name"], "Fay Quill")
    ws.cell(row, col["Company"], "Umbrella")
    ws.cell(row, col["Title"], "Data Scientist")
    ws.cell(row, col["LinkedIn"], "https://www.linkedin.com/in/fay-quill/")
    ws.cell(row, col["Referred by"], "Ada Park")
    ws.cell(row, col["Notes"], "Ada says she's great")
    wb.save(out)
    return out


SECOND = [
    *FIRST[:2],
    # Cy Moss removed; Di Vale changed jobs; Gus Hale is new
    ("Di", "Vale", "di-vale", "Wayne Enterprises", "Staff Data Scientist"),
    FIRST[4],
    ("Gus", "Hale", "gus-hale", "Stark", "Data Scientist"),
]


def test_every_edit_survives_a_rerun_on_a_changed_export(
    tmp_path: Path, edited: Path, produce
) -> None:
    out = produce(tmp_path, SECOND, edited, previous=edited)
    wb = load_workbook(out)
    short = by_id(table(wb["Shortlist"]))
    assert short["ada-park"]["Status"] == "Contacted"
    assert short["ada-park"]["Contacted on"] == dt.datetime(2026, 11, 2)
    assert short["ada-park"]["Notes"] == "Met at the meetup; =ask about teams"
    assert short["ada-park"]["My score"] == 5
    assert is_our_formula(short["ada-park"]["Follow up on"])
    assert short["bo-lind"]["Status"] == "Replied" and short["bo-lind"]["Interested"] == "yes"
    # Changed jobs: found by ID, shows the new job, keeps the notes and the typed date.
    assert short["di-vale"]["Company"] == "Wayne Enterprises"
    assert short["di-vale"]["Notes"] == "Great intro call"
    assert short["di-vale"]["Follow up on"] == dt.datetime(2026, 12, 1)
    assert short["gus-hale"]["Status"] == "To contact"
    # The referral: an input of its own, linked and ranked, with its notes.
    fay = short["fay-quill"]
    assert isinstance(fay["Rank"], int) and fay["Name"] == "Fay Quill"
    assert fay["Referred by"] == "Ada Park" and fay["Notes"] == "Ada says she's great"
    assert fay["Warmth"] == "Added by you"
    added = table(wb["Added by you"])
    assert [(r["Name"], r["Company"], r["Referred by"]) for r in added] == [
        ("Fay Quill", "Umbrella", "Ada Park")
    ]
    assert added[0]["LinkedIn"] == "https://www.linkedin.com/in/fay-quill"
    # The person who left: archived with every edit and the reason.
    archived = by_id(table(wb["Archived"]))
    assert archived["cy-moss"]["Notes"] == "Moved abroad?"
    assert archived["cy-moss"]["Status"] == "Not now"
    assert archived["cy-moss"]["Why archived"] == "no longer in your files"
    assert "cy-moss" not in short
    assert "cy-moss" not in {r[ID_HEADER] for r in table(wb["All candidates"])}
    # The backup of the edited file sits beside it.
    backups = list(tmp_path.glob("shortlist.*.bak.xlsx"))
    assert len(backups) == 1


def test_third_run_keeps_the_referral_and_brings_the_archived_back(
    tmp_path: Path, edited: Path, produce
) -> None:
    produce(tmp_path, SECOND, edited, previous=edited)
    out = produce(tmp_path, FIRST, edited, previous=edited)  # Cy Moss is back
    wb = load_workbook(out)
    short = by_id(table(wb["Shortlist"]))
    assert short["cy-moss"]["Notes"] == "Moved abroad?"
    assert short["fay-quill"]["Notes"] == "Ada says she's great"  # still there, not re-added
    assert len(table(wb["Added by you"])) == 1
    assert table(wb["Archived"]) == []
    assert short["ada-park"]["My score"] == 5


def test_slug_then_name_and_company_find_a_person_whose_id_changed(today) -> None:
    candidates = pd.DataFrame(
        {
            "prospect_id": ["new-1", "new-2", "new-3", "new-4"],
            "linkedin_slug": ["ada-park", "", "", ""],
            "Name": ["Ada Park", "José Núñez", "Sam Lee", "Sam Lee"],
            "Company": ["Shopify", "Acme Inc", "Globex", "Globex"],
            "School": ["", "UBC 2019", "", ""],
            "record_ids": ["c:1", "alumni:2", "c:3", "c:4"],
            "left_out": ["", "", "", ""],
        }
    )
    rows = pd.DataFrame(
        {
            "_sheet": ["Shortlist"] * 4,
            "_row": [2, 3, 4, 5],
            "_link": ["https://ca.linkedin.com/in/Ada-Park/", "", "", ""],
            "_record": [""] * 4,
            ID_HEADER: ["old-1", "old-2", "old-3", "old-4"],
            "LinkedIn": [None] * 4,
            "Name": ["Ada Park", "Jose Nunez", "Sam Lee", "Ida Moe"],
            "Company": ["Elsewhere", "ACME inc.", "Globex", "Nowhere"],
            "School": ["", "", "", ""],
            "Status": ["Contacted", "Replied", "Done", "Scheduled"],
        }
    ).astype(object)
    headers = {"Shortlist": tuple(rows.columns)}
    carried = carry_over(candidates, rows, headers, today)
    assert carried.values["Status"].to_dict() == {"new-1": "Contacted", "new-2": "Replied"}
    assert carried.matched == {"LinkedIn profile": 1, "name and company": 1}
    # Two "Sam Lee" at Globex: ambiguous, so archived rather than guessed.
    assert carried.archived[ID_HEADER].tolist() == ["old-3", "old-4"]
    assert set(carried.archived["Why archived"]) == {"no longer in your files"}


def test_previous_must_be_a_workbook(tmp_path: Path) -> None:
    bad = tmp_path / "shortlist.xlsx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(InputError, match=r"^shortlist\.xlsx cannot be read as a workbook"):
        read_previous(bad)
    with pytest.raises(InputError, match="does not exist"):
        read_previous(tmp_path / "missing.xlsx")


def test_nameless_row_with_a_note_is_archived_not_lost(tmp_path: Path, produce) -> None:
    out = produce(tmp_path, FIRST[:2], tmp_path / "s.xlsx")
    wb = load_workbook(out)
    ws = wb["Shortlist"]
    header = [c.value for c in ws[1]]
    ws.cell(ws.max_row + 1, header.index("Notes") + 1, "call the alumni office")
    wb.save(out)
    previous = read_previous(out)
    assert previous.manual.reports[0].rejected == 1
    out = produce(tmp_path, FIRST[:2], out, previous=out)
    archived = table(load_workbook(out)["Archived"])
    assert [(r["Notes"], r["Why archived"]) for r in archived] == [
        ("call the alumni office", "a row without a name or ID")
    ]


def test_a_person_left_out_by_the_settings_is_archived_with_their_reason(today) -> None:
    """The reason comes from the candidate the row points at, among many the rows never name
    (the dict of reasons is built for the named people only)."""
    others = [f"other-{i}" for i in range(50)]
    candidates = pd.DataFrame(
        {
            "prospect_id": ["ada-park", "bo-chan", *others],
            "linkedin_slug": ["", "", *[""] * 50],
            "Name": ["Ada Park", "Bo Chan", *[f"Other {i}" for i in range(50)]],
            "Company": ["Shopify", "Globex", *["Initech"] * 50],
            "School": ["", "", *[""] * 50],
            "record_ids": ["c:1", "c:2", *[f"c:{i + 3}" for i in range(50)]],
            "left_out": ["", "employer capped", *["too senior"] * 50],
        }
    )
    rows = pd.DataFrame(
        {
            "_sheet": ["Shortlist"] * 2,
            "_row": [2, 3],
            "_link": ["", ""],
            "_record": ["", ""],
            ID_HEADER: ["ada-park", "bo-chan"],
            "LinkedIn": [None, None],
            "Name": ["Ada Park", "Bo Chan"],
            "Company": ["Shopify", "Globex"],
            "School": ["", ""],
            "Status": ["Contacted", "Replied"],
        }
    ).astype(object)
    carried = carry_over(candidates, rows, {"Shortlist": tuple(rows.columns)}, today)
    assert carried.values["Status"].to_dict() == {"ada-park": "Contacted"}
    assert carried.archived[ID_HEADER].tolist() == ["bo-chan"]
    assert carried.archived["Why archived"].tolist() == [
        "left out by your settings: employer capped"
    ]
