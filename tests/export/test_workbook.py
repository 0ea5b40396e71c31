"""The workbook and CSV writers: pipeline.export.workbook."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xlsxwriter
from openpyxl import load_workbook
from openpyxl.formatting.rule import DataBar
from openpyxl.utils import get_column_letter
from xlsxwriter.exceptions import FileCreateError

from pipeline import schema
from pipeline.errors import OutputError
from pipeline.export.workbook import (
    FEATURE_HEADERS,
    ID_HEADER,
    STATUS_CHOICES,
    core_frame,
    follow_up_formula,
    write_csv,
    write_workbook,
)

CORE_HEADERS = [
    *("Rank", "Name", "Title", "Company", "Seniority", "Years ahead", "School", "Warmth"),
    *("Intro via", "Score", *FEATURE_HEADERS.values(), "Why", "Opener"),
]
#: The Shortlist laid out for the decision (issue 17): who and why, how to reach them, the
#: user's status and follow-up, notes; the opener; the signals (grouped); the hidden key.
SHORTLIST_HEADERS = [
    *("Rank", "Name", "Title", "Company", "Why", "Warmth", "Intro via"),
    *("Status", "Follow up on", "Contacted on", "Notes", "Interested", "Referred by"),
    "Opener",
    *("Seniority", "Years ahead", "School", "Score"),
    *("Role fit", "Company fit", "School fit", "Stage fit", "Warmth score"),  # no location/industry
    "LinkedIn",
    ID_HEADER,
]
LAST = get_column_letter(len(SHORTLIST_HEADERS))  # "Y"
SHEETS = [
    "Shortlist",
    "Intro paths",
    "Employers",
    "All candidates",
    "Matches",
    "Ingest report",
    "Settings",
    "Archived",
    "Added by you",
]

# One row per person, listed worst rank first so the writer has to sort.
PEOPLE = [
    # full_name, slug, title, company, why, is_connection, is_alum, intro_via, rank
    ("Quinn Ode", "", "Analyst", "Globex", "Cold lead.", False, False, "", 6),
    (
        '=HYPERLINK("http://evil.example","x")',
        "evil-one",
        "=1+1",
        "@SUM(1+1)",
        "=cmd|' /C calc'!A0",
        False,
        False,
        "",
        5,
    ),
    (
        "Mara Lin",
        "javascript:alert(1)",
        "-5 years",
        "+1+1",
        "\t=1+1",
        False,
        False,
        "Priya Shah (Shopify); Tom Lee (Shopify)",
        4,
    ),
    (
        "Juno Park",
        "juno-park",
        "Data Scientist",
        "#N/A",
        "Alum at a target company.\n=1",
        False,
        True,
        "",
        3,
    ),
    ("Ada Vale", "josé-vale", ' =DDE("cmd";"/C calc";"x")', "Shopify", "-2+3", True, True, "", 2),
    ("Rin Sato", "rin-sato", "VP Data", "Acme", "Senior leader in your field.", True, False, "", 1),
]


def ranked_frame() -> pd.DataFrame:
    n = len(PEOPLE)
    df = pd.DataFrame({c: [""] * n for c in schema.RANKED})
    cols = [
        "full_name",
        "linkedin_slug",
        "title",
        "company",
        "why",
        "is_connection",
        "is_alum",
        "intro_via",
        "rank",
    ]
    for i, col in enumerate(cols):
        df[col] = [p[i] for p in PEOPLE]
    df["prospect_id"] = [p[1] or f"name:{p[0][:4]}" for p in PEOPLE]
    df["seniority"] = "Senior"
    df["school"] = ["", "", "UBC", "UBC", "", "SFU"]
    df["grad_year"] = pd.array([None, None, 2018, None, None, 2012], dtype="Int64")
    df["connected_on"] = pd.to_datetime(["2024-01-02", None, None, None, "2023-05-06", None])
    df["years_ahead"] = [np.nan, 1.25, 3.0, 2.0, np.nan, 9.0]
    for j, feature in enumerate(schema.FEATURES):
        df[feature] = [round(0.1 * (j + 1) * (i % 3 + 1), 3) for i in range(n)]
    df["score"] = [0.1, 0.2, 0.4, 0.6, 0.8, 0.95]
    df["opener"] = "Hi — I'm exploring data roles and would value 20 minutes."
    return df


@pytest.fixture
def ranked() -> pd.DataFrame:
    return ranked_frame()


def write(path: Path, ranked: pd.DataFrame, **kwargs: object) -> Path:
    counts = pd.DataFrame(
        {
            "file": ["Connections.csv", "=alumni.xlsx"],
            "read": [10, 4],
            "accepted": [9, 4],
            "rejected": [1, 0],
        }
    )
    ledger = pd.DataFrame(
        {
            "source_file": ["Connections.csv"],
            "source_row": [7],
            "outcome": ["rejected"],
            "reason": ["=ghost row"],
        }
    )
    matches = pd.DataFrame(
        {"left": ["connections:1"], "right": ["alumni:3"], "probability": [0.97]}
    )
    options = {
        "top_n": 4,
        "ledger": ledger,
        "counts": counts,
        "matches": matches,
        "settings_rows": [("output.top_n", "4"), ("targets.roles", "=evil()")],
        "inputs": [("Connections.csv", "ab" * 32)],
        "version": "0.1.0",
        "today": date(2026, 1, 15),
    } | kwargs
    return write_workbook(path, ranked, **options)


def sheet_xml(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n.endswith(".xml")}


def test_no_formula_anywhere_but_our_follow_up_dates(tmp_path: Path, ranked: pd.DataFrame) -> None:
    path = write(tmp_path / "out.xlsx", ranked)
    parts = sheet_xml(path)
    assert sum(n.startswith("xl/worksheets/sheet") for n in parts) == len(SHEETS)
    follow_up = get_column_letter(SHORTLIST_HEADERS.index("Follow up on") + 1)
    for name, xml in parts.items():
        cells = re.findall(rb'<c r="([A-Z]+)(\d+)"[^>]*><f>([^<]*)</f>', xml)
        assert len(cells) == len(re.findall(rb"<f[ >/]", xml)), name
        if name != "xl/worksheets/sheet1.xml":
            assert cells == [], name
            continue
        assert [(c, int(r)) for c, r, _ in cells] == [(follow_up.encode(), r) for r in range(2, 6)]
        for _, row, text in cells:
            status = get_column_letter(SHORTLIST_HEADERS.index("Status") + 1)
            contacted = get_column_letter(SHORTLIST_HEADERS.index("Contacted on") + 1)
            expected = follow_up_formula(status, contacted)(int(row))[1:].replace("<", "&lt;")
            assert text.decode() == expected


def test_sheets_and_headers(tmp_path: Path, ranked: pd.DataFrame) -> None:
    wb = load_workbook(write(tmp_path / "out.xlsx", ranked))
    assert wb.sheetnames == SHEETS
    assert [c.value for c in wb["Shortlist"][1]] == SHORTLIST_HEADERS
    assert [c.value for c in wb["All candidates"][1]] == [*CORE_HEADERS, "LinkedIn", ID_HEADER]
    assert list(FEATURE_HEADERS) == list(schema.FEATURES)
    labels = {"role_fit": "Role fit", "stage_fit": "Stage fit", "warmth": "Warmth score"}
    assert all(FEATURE_HEADERS[f] == label for f, label in labels.items())


def test_shortlist_rows_are_the_top_n_in_rank_order(tmp_path: Path, ranked: pd.DataFrame) -> None:
    ws = load_workbook(write(tmp_path / "out.xlsx", ranked))["Shortlist"]
    assert ws.max_row == 5
    assert [ws.cell(r, 1).value for r in range(2, 6)] == [1, 2, 3, 4]
    row = {h: ws.cell(2, i).value for i, h in enumerate(SHORTLIST_HEADERS, start=1)}
    assert row["Name"] == "Rin Sato"
    assert row["School"] == "SFU 2012"
    assert row["Warmth"] == "1st-degree connection"
    assert row["Years ahead"] == 9.0
    assert row["Status"] == "To contact"
    assert row[ID_HEADER] == "rin-sato"
    assert row["Contacted on"] is None
    warmth = [ws.cell(r, SHORTLIST_HEADERS.index("Warmth") + 1).value for r in range(2, 6)]
    assert warmth == ["1st-degree connection", "1st-degree connection", "Alum", "Intro possible"]
    years = ws.cell(3, SHORTLIST_HEADERS.index("Years ahead") + 1)
    assert years.value is None
    assert ws.cell(2, SHORTLIST_HEADERS.index("Years ahead") + 1).number_format == "0.0"
    assert ws.cell(2, SHORTLIST_HEADERS.index("Score") + 1).number_format == "0.00"
    assert ws.cell(2, SHORTLIST_HEADERS.index("Contacted on") + 1).number_format == "yyyy-mm-dd"


def test_all_candidates_has_everyone(tmp_path: Path, ranked: pd.DataFrame) -> None:
    ws = load_workbook(write(tmp_path / "out.xlsx", ranked))["All candidates"]
    assert [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)] == [1, 2, 3, 4, 5, 6]
    last = get_column_letter(len(CORE_HEADERS) + 2)
    assert ws.auto_filter.ref == f"A1:{last}{len(PEOPLE) + 1}"
    assert ws.freeze_panes == "C2"


def test_hostile_text_reads_back_exactly_as_text(tmp_path: Path, ranked: pd.DataFrame) -> None:
    wb = load_workbook(write(tmp_path / "out.xlsx", ranked))
    ws = wb["All candidates"]
    by_header = {h: i for i, h in enumerate(CORE_HEADERS, start=1)}
    expected = ranked.sort_values("rank")
    for r, (_, person) in enumerate(expected.iterrows(), start=2):
        for header, column in (
            ("Name", "full_name"),
            ("Title", "title"),
            ("Company", "company"),
            ("Why", "why"),
        ):
            cell = ws.cell(r, by_header[header])
            assert cell.value == person[column], (header, r)
            assert cell.data_type == "s"
    assert wb["Ingest report"]["A3"].value == "=alumni.xlsx"
    assert wb["Ingest report"]["D6"].value == "=ghost row"
    assert wb["Settings"]["B3"].value == "=evil()"


def test_table_is_valid(tmp_path: Path, ranked: pd.DataFrame) -> None:
    ws = load_workbook(write(tmp_path / "out.xlsx", ranked))["Shortlist"]
    assert list(ws.tables) == ["ShortlistTable"]
    table = ws.tables["ShortlistTable"]
    assert table.ref == f"A1:{LAST}5"
    assert [c.name for c in table.tableColumns] == SHORTLIST_HEADERS
    assert len(set(SHORTLIST_HEADERS)) == len(SHORTLIST_HEADERS)
    assert table.autoFilter is not None
    assert table.tableStyleInfo.name == "TableStyleMedium2"
    assert ws.freeze_panes == "C2"


def test_empty_ranked_still_gives_a_valid_table(tmp_path: Path, ranked: pd.DataFrame) -> None:
    ws = load_workbook(write(tmp_path / "out.xlsx", ranked.iloc[0:0]))["Shortlist"]
    assert ws.tables["ShortlistTable"].ref == f"A1:{LAST}2"


def test_drop_downs_and_data_bar(tmp_path: Path, ranked: pd.DataFrame) -> None:
    ws = load_workbook(write(tmp_path / "out.xlsx", ranked))["Shortlist"]
    rules = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    status = SHORTLIST_HEADERS.index("Status") + 1
    interested = SHORTLIST_HEADERS.index("Interested") + 1
    col = get_column_letter
    # Past the last row too, for the people the user types in at the bottom.
    assert rules[f"{col(status)}2:{col(status)}105"] == '"' + ",".join(STATUS_CHOICES) + '"'
    assert rules[f"{col(interested)}2:{col(interested)}105"] == '"yes,no,maybe"'
    score = col(SHORTLIST_HEADERS.index("Score") + 1)
    formats = list(ws.conditional_formatting)
    follow = col(SHORTLIST_HEADERS.index("Follow up on") + 1)
    assert [str(cf.sqref) for cf in formats] == [f"{score}2:{score}5", f"{follow}2:{follow}5"]
    assert isinstance(formats[0].rules[0].dataBar, DataBar)
    assert formats[1].rules[0].formula == [f"AND(ISNUMBER({follow}2),{follow}2<=TODAY())"]
    follow_up = ws.cell(1, SHORTLIST_HEADERS.index("Follow up on") + 1)
    assert "business days" in follow_up.comment.text


def test_hyperlinks_only_for_safe_slugs(tmp_path: Path, ranked: pd.DataFrame) -> None:
    wb = load_workbook(write(tmp_path / "out.xlsx", ranked, top_n=10))
    ws = wb["Shortlist"]
    links = {
        ws.cell(r, 2).value: (ws.cell(r, 2).hyperlink.target if ws.cell(r, 2).hyperlink else None)
        for r in range(2, ws.max_row + 1)
    }
    assert links == {
        "Rin Sato": "https://www.linkedin.com/in/rin-sato",
        "Ada Vale": "https://www.linkedin.com/in/jos%C3%A9-vale",
        "Juno Park": "https://www.linkedin.com/in/juno-park",
        "Mara Lin": None,  # slug "javascript:alert(1)" is refused
        '=HYPERLINK("http://evil.example","x")': "https://www.linkedin.com/in/evil-one",
        "Quinn Ode": None,
    }
    with zipfile.ZipFile(tmp_path / "out.xlsx") as z:
        rel_xml = z.read("xl/worksheets/_rels/sheet1.xml.rels")
    assert b"javascript" not in rel_xml and b"evil.example" not in rel_xml
    assert ws.cell(2, 2).font.underline == "single"


def test_ingest_report_and_settings(tmp_path: Path, ranked: pd.DataFrame) -> None:
    wb = load_workbook(write(tmp_path / "out.xlsx", ranked))
    rows = [[c.value for c in row] for row in wb["Ingest report"].iter_rows()]
    assert rows == [
        ["File", "Read", "Accepted", "Rejected"],
        ["Connections.csv", 10, 9, 1],
        ["=alumni.xlsx", 4, 4, 0],
        [None, None, None, None],
        ["Source file", "Source row", "Outcome", "Reason"],
        ["Connections.csv", 7, "rejected", "=ghost row"],
    ]
    settings = [[c.value for c in row] for row in wb["Settings"].iter_rows()]
    assert settings[:3] == [["Key", "Value"], ["output.top_n", "4"], ["targets.roles", "=evil()"]]
    assert ["Connections.csv", "ab" * 32] in settings
    assert ["Version", "0.1.0"] in settings
    assert settings[-1][0] == "Written on"
    assert settings[-1][1].date() == date(2026, 1, 15)
    assert [c.value for c in wb["Matches"][1]] == ["Left", "Right", "Probability"]


def _pairs(probabilities: list[float]) -> pd.DataFrame:
    n = len(probabilities)
    return pd.DataFrame(
        {
            "left_name": ['=HYPERLINK("http://evil.example")', *[f"L{i}" for i in range(1, n)]],
            "right_name": [f"R{i}" for i in range(n)],
            "probability": probabilities,
            "name": ["same name"] * n,
        }
    )


def test_matches_beyond_the_sheet_go_to_a_csv(tmp_path: Path, ranked: pd.DataFrame) -> None:
    """Past ``matches_rows`` the sheet holds the least certain pairs (most probable first, as
    ever), a line under them names the CSV, and the CSV holds every pair, injection-safe."""
    probabilities = [0.99, 0.5, 0.97, 0.6, 0.999, 0.55, 0.8]
    said: list[str] = []
    path = write(
        tmp_path / "out.xlsx", ranked, matches=_pairs(probabilities), matches_rows=3, messages=said
    )
    rows = [[c.value for c in row] for row in load_workbook(path)["Matches"].iter_rows()]
    assert rows[0][:3] == ["Left name", "Right name", "Probability"]
    assert [r[2] for r in rows[1:4]] == [0.6, 0.55, 0.5]
    assert [r[1] for r in rows[1:4]] == ["R3", "R5", "R1"]
    note = [r[0] for r in rows[4:] if r[0]]
    assert note == ["This sheet shows the 3 least certain of 7 pairs; every pair is in "
                    "out.matches.csv beside this workbook."]  # fmt: skip
    assert [line for line in said if line.startswith("Matches:")] == [
        "Matches: 7 linked or nearly linked pairs are more than a sheet should hold; the sheet "
        "has the 3 least certain (the ones worth checking), and every pair is in out.matches.csv "
        "beside the workbook."
    ]
    written = pd.read_csv(tmp_path / "out.matches.csv", dtype=str, keep_default_na=False)
    assert written["probability"].astype(float).tolist() == sorted(probabilities, reverse=True)
    hostile = written.loc[written["right_name"] == "R0", "left_name"].item()
    assert hostile.startswith("'=HYPERLINK")  # inert, as in prospects link --out


def test_matches_that_fit_make_no_csv(tmp_path: Path, ranked: pd.DataFrame) -> None:
    path = write(tmp_path / "out.xlsx", ranked, matches=_pairs([0.9, 0.8]), matches_rows=2)
    rows = [[c.value for c in row] for row in load_workbook(path)["Matches"].iter_rows()]
    assert [r[2] for r in rows[1:]] == [0.9, 0.8]
    assert not (tmp_path / "out.matches.csv").exists()


def test_matches_sheet_says_so_when_empty(tmp_path: Path, ranked: pd.DataFrame) -> None:
    wb = load_workbook(write(tmp_path / "out.xlsx", ranked, matches=pd.DataFrame()))
    assert wb["Matches"]["A2"].value == "No two records were similar enough to compare."


@pytest.mark.parametrize(
    ("lock", "program"), [("~$out.xlsx", "Excel"), (".~lock.out.xlsx#", "LibreOffice")]
)
def test_open_file_refused_and_nothing_written(
    tmp_path: Path, ranked: pd.DataFrame, lock: str, program: str
) -> None:
    (tmp_path / lock).write_text("")
    with pytest.raises(
        OutputError, match=f"out.xlsx is open in {program}; close it and run again."
    ):
        write(tmp_path / "out.xlsx", ranked)
    assert sorted(p.name for p in tmp_path.iterdir()) == [lock]


def test_second_write_keeps_a_backup_and_no_temp_files(
    tmp_path: Path, ranked: pd.DataFrame
) -> None:
    path = tmp_path / "deep" / "folder" / "out.xlsx"
    write(path, ranked)
    first = path.read_bytes()
    write(path, ranked, top_n=2)
    write(path, ranked, top_n=3)
    names = sorted(p.name for p in path.parent.iterdir())
    backups = [n for n in names if n != "out.xlsx"]
    assert len(backups) == 2
    assert all(re.fullmatch(r"out\.\d{8}-\d{6}(-\d+)?\.bak\.xlsx", n) for n in backups)
    assert first in {(path.parent / b).read_bytes() for b in backups}
    assert load_workbook(path)["Shortlist"].max_row == 4


def test_failed_write_leaves_previous_file_untouched(
    tmp_path: Path, ranked: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "out.xlsx", ranked)
    before = path.read_bytes()

    def half_close(self: xlsxwriter.Workbook) -> None:
        Path(self.filename).write_bytes(b"PK half a file")
        raise FileCreateError(OSError(28, "No space left on device"))  # what close() raises

    monkeypatch.setattr(xlsxwriter.Workbook, "close", half_close)
    with pytest.raises(OutputError, match=r"^out\.xlsx cannot be written; close it"):
        write(path, ranked)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.xlsx"]


def test_csv_has_bom_and_guards_triggers(tmp_path: Path, ranked: pd.DataFrame) -> None:
    path = write_csv(tmp_path / "out.csv", ranked, top_n=10)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert list(table.columns) == ["Rank", "Name", "LinkedIn", *CORE_HEADERS[2:], ID_HEADER]
    assert table["Rank"].tolist() == ["1", "2", "3", "4", "5", "6"]
    by_name = table.set_index(table["Name"].str.lstrip("'"))
    assert by_name.loc['=HYPERLINK("http://evil.example","x")', "Name"].startswith("'=")
    assert by_name.loc['=HYPERLINK("http://evil.example","x")', "Company"] == "'@SUM(1+1)"
    assert by_name.loc["Mara Lin", "Company"] == "'+1+1"
    assert by_name.loc["Mara Lin", "Title"] == "'-5 years"
    assert by_name.loc["Mara Lin", "Why"] == "'\t=1+1"
    assert by_name.loc["Mara Lin", "LinkedIn"] == ""
    assert by_name.loc["Ada Vale", "Title"].startswith("' =DDE")
    assert by_name.loc["Rin Sato", "LinkedIn"] == "https://www.linkedin.com/in/rin-sato"
    assert by_name.loc["Rin Sato", "Score"] == "0.95"
    for column in table.columns:
        assert not table[column].str.match(r"\s*[=+\-@]").any(), column


def test_core_frame_leaves_input_untouched(ranked: pd.DataFrame) -> None:
    before = ranked.copy()
    core_frame(ranked)
    pd.testing.assert_frame_equal(ranked, before)


def test_missing_columns_named(ranked: pd.DataFrame, tmp_path: Path) -> None:
    with pytest.raises(Exception, match="opener"):
        write_csv(tmp_path / "out.csv", ranked.drop(columns="opener"))
    assert not (tmp_path / "out.csv").exists()


def test_written_file_has_normal_permissions(tmp_path: Path, ranked: pd.DataFrame) -> None:
    import os
    import stat

    old = os.umask(0o022)
    try:
        path = write(tmp_path / "s.xlsx", ranked)
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_match_level_columns_are_as_wide_as_their_longest_level():
    from pipeline.export.audit import _match_width

    levels = pd.Series(["consistent", "title a little junior for the years"], dtype=object)
    assert _match_width("career stage", levels) == len("title a little junior for the years") + 1
    assert _match_width("email", pd.Series(["same", ""], dtype=object)) == 11
    assert _match_width("career stage weight", pd.Series([1.5, -2.0])) == 11
    assert _match_width("left_name", levels) == 24
    assert _match_width("job", pd.Series(["x" * 80], dtype=object)) == 36  # capped


def test_core_frame_links_are_what_safe_link_gives(ranked: pd.DataFrame) -> None:
    from urllib.parse import quote

    from pipeline.export.cells import safe_link

    ranked["linkedin_slug"] = ["", "Ab-C_1", "josé-vale", "javascript:alert(1)", "x" * 101, "a/b"]
    got = core_frame(ranked)["LinkedIn"].tolist()
    slugs = ranked.sort_values("rank")["linkedin_slug"]
    assert got == [safe_link("https://www.linkedin.com/in/" + quote(s, safe="")) for s in slugs]
    assert got.count(None) == 4
