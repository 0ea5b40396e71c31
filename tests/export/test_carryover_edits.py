"""Nothing the user typed is lost on a rerun, whatever they did to the workbook (issue 16, item 4).

Each case edits a written workbook with openpyxl (as Excel would save it), reruns the writer with
``read_previous`` and checks that every value the user typed is in the new workbook: on the
Shortlist, on Archived (with the reason) or on the user's own sheet.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.comments import Comment
from test_workbook import ranked_frame, write

from pipeline.errors import OutputError
from pipeline.export.cells import EXCEL_CELL_LIMIT
from pipeline.export.files import backups
from pipeline.ingest.previous import read_previous
from pipeline.progress import without_progress

TOP = 4  # the Shortlist of test_workbook's six people


def first(tmp_path: Path) -> Path:
    return write(tmp_path / "s.xlsx", ranked_frame(), top_n=TOP)


def rerun(path: Path) -> Path:
    return write(path, ranked_frame(), top_n=TOP, previous=read_previous(path))


def header_of(ws) -> tuple[int, list[object]]:
    """(row number, values) of the Shortlist's header row, wherever it is."""
    for r in range(1, ws.max_row + 1):
        values = [c.value for c in ws[r]]
        if "Status" in values or "Notes" in values:
            return r, values
    raise AssertionError("no header")


def everything(path: Path) -> tuple[list[str], list[str]]:
    """(every cell value as text, every cell comment) in the workbook."""
    wb = load_workbook(path)
    values, comments = [], []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    values.append(str(cell.value))
                if cell.comment is not None:
                    comments.append(cell.comment.text)
    return values, comments


def kept(path: Path, token: str) -> bool:
    values, comments = everything(path)
    return any(token in v for v in values) or any(token in c for c in comments)


def shortlist_rows(path: Path) -> list[dict]:
    ws = load_workbook(path)["Shortlist"]
    r, header = header_of(ws)
    return [
        dict(zip(header, (c.value for c in row), strict=False))
        for row in ws.iter_rows(min_row=r + 1)
    ]


def archived_rows(path: Path) -> list[dict]:
    ws = load_workbook(path)["Archived"]
    header = [c.value for c in ws[1]]
    return [dict(zip(header, (c.value for c in row), strict=False)) for row in ws.iter_rows(2)]


def edit(path: Path, change) -> Path:
    wb = load_workbook(path)
    change(wb)
    wb.save(path)
    return path


def col_of(ws, name: str) -> int:
    return header_of(ws)[1].index(name) + 1


def test_rows_inserted_above_the_header(tmp_path: Path) -> None:
    def change(wb):
        ws = wb["Shortlist"]
        ws.cell(2, col_of(ws, "Notes"), "note for rank one")
        ws.insert_rows(1, 3)
        ws.cell(1, 1, "My plan for March")  # typed above the header
        ws.cell(2, 3, "call 3 people a week")

    path = rerun(edit(first(tmp_path), change))
    rows = shortlist_rows(path)
    assert rows[0]["Rank"] == 1 and rows[0]["Notes"] == "note for rank one"
    archived = archived_rows(path)
    reasons = {r["Why archived"] for r in archived}
    assert reasons == {"typed above the header row"}
    assert kept(path, "My plan for March") and kept(path, "call 3 people a week")


def test_name_renamed_and_id_deleted(tmp_path: Path) -> None:
    def change(wb):
        ws = wb["Shortlist"]
        for r in range(2, 6):
            ws.cell(r, col_of(ws, "Notes"), f"note {r}")
        ws.cell(1, col_of(ws, "Name"), "Person")
        ws.delete_cols(col_of(ws, "ID (keep)"))

    path = rerun(edit(first(tmp_path), change))
    for r in range(2, 6):
        assert kept(path, f"note {r}")
    assert load_workbook(path)["Added by you"].max_row == 1  # no one became a referral


def test_second_notes_column_and_a_user_title_column(tmp_path: Path) -> None:
    def change(wb):
        ws = wb["Shortlist"]
        end = ws.max_column
        ws.cell(1, end + 1, "Notes")
        ws.cell(1, end + 2, "Title")
        ws.cell(2, col_of(ws, "Notes"), "first notes")
        ws.cell(2, end + 1, "second notes")
        ws.cell(2, end + 2, "their title for me")

    path = rerun(edit(first(tmp_path), change))
    top = shortlist_rows(path)[0]
    assert top["Notes"] == "first notes"
    assert top["Notes (2)"] == "second notes"
    assert top["Title (2)"] == "their title for me"
    assert top["Title"] == "VP Data"  # ours, refreshed


def test_user_sheets_with_formulas_are_kept(tmp_path: Path) -> None:
    def change(wb):
        ws = wb.create_sheet("My tracker")
        ws["A1"], ws["B1"] = "Week", "Calls"
        ws["A2"], ws["B2"] = "=1+1", 3  # a text that looks like a formula, as text
        ws["A2"].data_type = "s"
        ws["B3"] = "=SUM(B2:B2)"

    path = rerun(edit(first(tmp_path), change))
    ws = load_workbook(path)["My tracker"]
    assert (ws["A1"].value, ws["B1"].value, ws["B2"].value) == ("Week", "Calls", 3)
    assert (ws["A2"].value, ws["A2"].data_type) == ("=1+1", "s")
    assert (ws["B3"].value, ws["B3"].data_type) == ("=SUM(B2:B2)", "f")


def test_columns_added_on_all_candidates(tmp_path: Path) -> None:
    def change(wb):
        ws = wb["All candidates"]
        end = ws.max_column + 1
        ws.cell(1, end, "Maybe later")
        ws.cell(7, end, "check in spring")  # rank 6: not on the Shortlist

    path = rerun(edit(first(tmp_path), change))
    rows = {r["Rank"]: r for r in shortlist_rows(path)}
    assert rows[6]["Maybe later"] == "check in spring"


def test_cell_comments_are_kept(tmp_path: Path) -> None:
    def change(wb):
        ws = wb["Shortlist"]
        ws.cell(2, col_of(ws, "Status")).comment = Comment("asked on the 3rd", "me")
        ws.cell(3, col_of(ws, "Title")).comment = Comment("is she still there?", "me")

    path = rerun(edit(first(tmp_path), change))
    ws = load_workbook(path)["Shortlist"]
    assert ws.cell(2, col_of(ws, "Status")).comment.text == "asked on the 3rd"
    assert ws.cell(3, col_of(ws, "Title")).comment.text == "is she still there?"
    assert "business days" in ws.cell(1, col_of(ws, "Follow up on")).comment.text  # ours


def test_a_note_of_excels_full_length(tmp_path: Path) -> None:
    note = ("x" * 100 + "\n") * 300 + "y" * (EXCEL_CELL_LIMIT - 30_300)
    assert len(note) == EXCEL_CELL_LIMIT

    def change(wb):
        ws = wb["Shortlist"]
        ws.cell(2, col_of(ws, "Notes"), note)

    path = rerun(edit(first(tmp_path), change))
    assert shortlist_rows(path)[0]["Notes"] == note


def test_users_own_formula_in_follow_up_on_is_kept(tmp_path: Path) -> None:
    def change(wb):
        ws = wb["Shortlist"]
        contacted = col_of(ws, "Contacted on")
        ws.cell(2, contacted, dt.datetime(2026, 1, 5))
        ws.cell(2, col_of(ws, "Follow up on"), "=WORKDAY(J2,5)")  # the user's, not ours

    path = rerun(edit(first(tmp_path), change))
    rows = shortlist_rows(path)
    assert rows[0]["Follow up on"] == "=WORKDAY(J2,5)"  # kept (as text, as the README says)
    assert str(rows[1]["Follow up on"]).startswith("=IFERROR(")  # ours on the others


def test_workbook_saved_while_the_run_was_going_is_not_replaced(tmp_path: Path) -> None:
    path = first(tmp_path)
    previous = read_previous(path)
    edit(path, lambda wb: wb["Shortlist"].cell(2, 12, "typed while it ran"))
    saved = path.read_bytes()
    with pytest.raises(OutputError, match=r"^s\.xlsx was changed \(saved in Excel\?\) while"):
        write(path, ranked_frame(), top_n=TOP, previous=previous)
    assert path.read_bytes() == saved
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.xlsx"]


def test_cli_refuses_with_one_line_when_the_workbook_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from pipeline import run
    from pipeline.cli import app

    out = tmp_path / "shortlist.xlsx"
    assert CliRunner().invoke(app, ["shortlist", "--out", str(out)]).exit_code == 0
    real = run.shortlist

    def saved_in_excel_meanwhile(*args, **kwargs):
        result = real(*args, **kwargs)
        edit(out, lambda wb: wb["Shortlist"].cell(2, 11, "typed while it ran"))
        return result

    monkeypatch.setattr(run, "shortlist", saved_in_excel_meanwhile)
    before = list(tmp_path.iterdir())
    done = CliRunner().invoke(app, ["shortlist", "--out", str(out)])
    assert done.exit_code == 1
    lines = without_progress(done.stderr).strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: shortlist.xlsx was changed")
    assert load_workbook(out)["Shortlist"].cell(2, 11).value == "typed while it ran"
    assert sorted(tmp_path.iterdir()) == sorted(before)  # no backup, no temp file


def test_backups_keep_the_last_five_and_the_run_says_where(tmp_path: Path) -> None:
    path = first(tmp_path)
    for _ in range(7):
        messages: list[str] = []
        write(path, ranked_frame(), top_n=TOP, previous=read_previous(path), messages=messages)
    found = backups(path)  # oldest first, by the time in the name
    assert sorted(found) == sorted(tmp_path.glob("s.*.bak.xlsx")) and len(found) == 5
    backups_ = found
    assert f"The previous workbook is kept as {backups_[-1]}." in messages
    assert "Carried over your notes on 0 people." in messages


# The property: any mix of edits, and every value typed survives the rerun.
USER_COLUMNS = ["Status", "Notes", "Contacted on", "Interested", "Referred by", "Follow up on"]
EDITS = st.lists(
    st.one_of(
        st.tuples(st.just("type"), st.integers(2, 5), st.sampled_from(USER_COLUMNS)),
        st.tuples(st.just("new column"), st.integers(2, 5), st.sampled_from(["Mine", "Title"])),
        st.tuples(st.just("long"), st.integers(2, 5), st.integers(100, EXCEL_CELL_LIMIT - 20)),
        st.tuples(st.just("formula"), st.integers(2, 5), st.sampled_from(USER_COLUMNS)),
        st.tuples(st.just("comment"), st.integers(2, 5), st.sampled_from(["Name", "Notes"])),
        st.tuples(st.just("insert rows"), st.integers(1, 3), st.integers(1, 2)),
        st.tuples(st.just("insert column"), st.integers(2, 12), st.just(0)),
        st.tuples(st.just("delete column"), st.sampled_from(["ID (keep)", "Opener"]), st.just(0)),
        st.tuples(st.just("rename"), st.sampled_from(["Name", "Company"]), st.just(0)),
        st.tuples(st.just("sheet"), st.integers(1, 3), st.just(0)),
    ),
    min_size=1,
    max_size=8,
)


def apply(wb, edits) -> list[str]:
    """Apply ``edits`` to the workbook; return the tokens typed (each distinct)."""
    ws = wb["Shortlist"]
    tokens: list[str] = []

    def token(kind: str) -> str:
        tokens.append(f"{kind}-{len(tokens)}-zq")
        return tokens[-1]

    for kind, a, b in edits:
        top, header = header_of(ws)
        row = top + a - 1 if isinstance(a, int) else top + 1
        if kind == "type" and b in header:
            ws.cell(row, header.index(b) + 1, token("typed"))
        elif kind == "new column":
            ws.cell(top, len(header) + 1, b)
            ws.cell(row, len(header) + 1, token("added"))
        elif kind == "long" and "Notes" in header:
            text = token("long")
            ws.cell(row, header.index("Notes") + 1, text + "n" * (b - len(text)))
        elif kind == "formula" and b in header:
            ws.cell(row, header.index(b) + 1, f'=LEN("{token("formula")}")')
        elif kind == "comment" and b in header:
            ws.cell(row, header.index(b) + 1).comment = Comment(token("comment"), "me")
        elif kind == "insert rows":
            ws.insert_rows(top, a)
            ws.cell(top, 1, token("above"))
        elif kind == "insert column":
            ws.insert_cols(a)
            ws.cell(top + 1, a, token("column"))
        elif kind == "delete column" and a in header:
            ws.delete_cols(header.index(a) + 1)
        elif kind == "rename" and a in header:
            ws.cell(top, header.index(a) + 1, f"My {a}")
        elif kind == "sheet":
            mine = wb.create_sheet(f"Mine {len(wb.sheetnames)}")
            for r in range(1, a + 1):
                mine.cell(r, 1, token("sheet"))
            mine.cell(a + 1, 2, f'=LEN("{token("sheetformula")}")')
    return tokens


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(edits=EDITS)
def test_every_typed_value_survives_any_edits(tmp_path_factory, edits) -> None:
    folder = tmp_path_factory.mktemp("edits")
    path = first(folder)
    wb = load_workbook(path)
    tokens = apply(wb, edits)
    wb.save(path)
    present = [t for t in tokens if kept(path, t)]  # what the edits themselves left in place
    path = rerun(path)
    lost = [t for t in present if not kept(path, t)]
    assert lost == [], (edits, lost)
    assert pd.notna(shortlist_rows(path)[0]["Rank"])  # still a working Shortlist


def test_a_value_typed_right_of_all_candidates_headers(tmp_path: Path) -> None:
    """A note typed beside All candidates with no header over it is the user's too (the sheet
    is skipped after its header row only when every cell is under a header we wrote)."""

    def change(wb):
        ws = wb["All candidates"]
        ws.cell(7, ws.max_column + 2, "met at the fair")  # rank 6, a gap, no header

    path = rerun(edit(first(tmp_path), change))
    values, _ = everything(path)
    assert "met at the fair" in values


def test_all_candidates_of_our_own_gives_no_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An All candidates sheet as we wrote it holds nothing of the user's: no rows come of it,
    its headers are still known, and its body is not read (thousands of rows, seconds)."""
    from pipeline.ingest import previous as module

    read, body_rows = [], module._body_rows
    monkeypatch.setattr(
        module, "_body_rows", lambda ws, *a: read.append(ws.title) or body_rows(ws, *a)
    )
    path = first(tmp_path)
    previous = read_previous(path)
    assert "All candidates" not in read and "Shortlist" in read
    assert "All candidates" not in set(previous.rows["_sheet"])
    assert "Name" in previous.headers["All candidates"]


def test_all_candidates_without_a_used_range_is_read_whole(tmp_path: Path) -> None:
    """A writer may leave out a sheet's used range (<dimension>): nothing then says that no cell
    lies right of the headers, so every row is read."""
    import re
    import zipfile

    def change(wb):
        ws = wb["All candidates"]
        ws.cell(7, ws.max_column + 2, "met at the fair")

    path = edit(first(tmp_path), change)
    plain = tmp_path / "plain.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(plain, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb"<dimension [^>]*/>", b"", data)
            dst.writestr(item, data)
    previous = read_previous(plain)
    mine = previous.rows[previous.rows["_sheet"] == "All candidates"]
    assert list(mine.filter(like="Column ").stack()) == ["met at the fair"]
