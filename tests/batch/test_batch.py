"""prospects batch: each student's workbook and summary.xlsx, in-process (Dask's sync scheduler)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from centre_data import TODAY
from openpyxl import load_workbook
from typer.testing import CliRunner

from pipeline import run
from pipeline.batch.engine import allocate, run_batch
from pipeline.batch.student import DONE, file_name
from pipeline.batch.students import read_students, student_settings
from pipeline.batch.summary import SHEETS
from pipeline.cli import app
from pipeline.workbook_contract import ID_HEADER

pytest_plugins = ["centre_data"]  # the tiny inputs and their fixtures


def batch(students_csv: Path, dataset: Path, out: Path, settings, **kwargs):
    table = read_students(students_csv)
    return run_batch(table, [dataset], out, settings, workers=1, today=TODAY, **kwargs)


def excel(path: Path, sheet_name=None):
    return pd.read_excel(path, sheet_name=sheet_name, engine="openpyxl")


def sheet_rows(path: Path, sheet: str = "Shortlist") -> list[dict]:
    ws = load_workbook(path, read_only=True)[sheet]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=False)) for r in rows[1:] if any(v is not None for v in r)]


def test_one_workbook_per_student_and_a_summary(students_csv, dataset, centre_settings, tmp_path):
    out = tmp_path / "students"
    result = batch(students_csv, dataset, out, centre_settings)
    names = ["mia-stone-s1.xlsx", "noor-vale-s2.xlsx", "otto-reyes-s3.xlsx", "pia-quinn-s4.xlsx"]
    assert sorted(p.name for p in out.glob("*.xlsx")) == sorted([*names, "summary.xlsx"])
    assert [o.status for o in result.outcomes] == ["done"] * 4
    mia, otto = result.outcomes[0], result.outcomes[2]
    assert 0 < mia.candidates < 60  # drawn by the indexes, not the whole database
    assert otto.candidates == 0 and otto.ranked == 0
    wb = load_workbook(out / "mia-stone-s1.xlsx", read_only=True)
    single = load_workbook(_single_run(tmp_path, centre_settings, dataset), read_only=True)
    assert wb.sheetnames == single.sheetnames  # the same workbook a single run writes
    summary = excel(out / "summary.xlsx", sheet_name=None)
    assert list(summary) == list(SHEETS)
    assert summary["Found nobody"]["Student ID"].tolist() == ["S3"]
    top = summary["Top prospects"]
    assert top[top["Student ID"] == "S1"]["Rank"].tolist() == list(range(1, 11))
    assert set(summary["Employers"]["Company"]) >= {"Shopify", "Google"}


def _single_run(tmp_path: Path, settings, dataset: Path) -> Path:
    student = read_students_row(0)
    result = run.shortlist(run.Inputs(None, (dataset,)), student_settings(settings, student))
    return run.write(result, tmp_path / "single.xlsx")


def read_students_row(i: int) -> pd.Series:
    from centre_data import STUDENT_HEADER, STUDENTS

    return read_students_table(STUDENT_HEADER, STUDENTS).iloc[i]


def read_students_table(header, rows) -> pd.DataFrame:
    import tempfile

    from centre_data import write_csv

    with tempfile.TemporaryDirectory() as folder:
        return read_students(write_csv(Path(folder) / "s.csv", header, rows)).table


def test_indexes_lose_nobody_a_full_scan_would_put_in_the_top_10(
    students_csv, dataset, alumni_csv, centre_settings, tmp_path
):
    result = batch(students_csv, dataset, tmp_path / "out", centre_settings)
    for i, outcome in enumerate(result.outcomes):
        settings = student_settings(centre_settings, read_students_row(i))
        full = run.shortlist(run.Inputs(None, (alumni_csv,)), settings, today=TODAY).ranked
        batch_top = [t["prospect_id"] for t in outcome.top]
        if outcome.ranked:
            assert batch_top == full["prospect_id"].head(10).tolist()


def test_notes_carry_over_when_the_previous_workbook_is_in_the_folder(
    students_csv, dataset, centre_settings, tmp_path
):
    out = tmp_path / "students"
    batch(students_csv, dataset, out, centre_settings)
    path = out / "mia-stone-s1.xlsx"
    wb = load_workbook(path)
    ws = wb["Shortlist"]
    col = {c.value: c.column for c in ws[1]}
    ws.cell(2, col["Notes"], "Asked about the DS team")
    noted = ws.cell(2, col[ID_HEADER]).value
    wb.save(path)
    batch(students_csv, dataset, out, centre_settings)  # no --resume: every workbook again
    rows = {r[ID_HEADER]: r for r in sheet_rows(path)}
    assert rows[noted]["Notes"] == "Asked about the DS team"
    assert list(out.glob("mia-stone-s1.*.bak.xlsx"))  # the previous file kept, as a run does


def test_resume_skips_complete_workbooks_and_redoes_the_rest(
    students_csv, dataset, centre_settings, tmp_path
):
    out = tmp_path / "students"
    first = batch(students_csv, dataset, out, centre_settings)
    stamps = {p.name: p.stat().st_mtime_ns for p in out.glob("*-s*.xlsx")}
    (out / DONE / "noor-vale-s2.xlsx.json").unlink()  # as if interrupted before it was complete
    again = batch(students_csv, dataset, out, centre_settings, resume=True)
    assert [o.status for o in again.outcomes] == ["skipped", "done", "skipped", "skipped"]
    assert out.joinpath("mia-stone-s1.xlsx").stat().st_mtime_ns == stamps["mia-stone-s1.xlsx"]
    assert again.outcomes[0].top == first.outcomes[0].top  # the summary still has them
    summary = excel(out / "summary.xlsx", sheet_name="Top prospects")
    assert set(summary["Student ID"]) == {"S1", "S2", "S4"}
    changed = replace(centre_settings, output=replace(centre_settings.output, top_n=5))
    redone = batch(students_csv, dataset, out, changed, resume=True)
    assert [o.status for o in redone.outcomes] == ["done"] * 4  # other settings: not complete


def test_a_failing_student_is_reported_and_the_others_finish(
    students_csv, dataset, centre_settings, tmp_path
):
    out = tmp_path / "students"
    out.mkdir()
    (out / "~$noor-vale-s2.xlsx").write_bytes(b"")  # Noor has her workbook open in Excel
    result = batch(students_csv, dataset, out, centre_settings)
    status = {o.student_id: (o.status, o.error) for o in result.outcomes}
    assert status["S2"] == ("failed", "noor-vale-s2.xlsx is open in Excel; close it and run again.")
    assert [status[s][0] for s in ("S1", "S3", "S4")] == ["done"] * 3
    students = excel(out / "summary.xlsx", sheet_name="Students")
    assert students.set_index("Student ID").loc["S2", "Status"] == "failed"
    assert not (out / DONE / "noor-vale-s2.xlsx.json").exists()


def test_a_bug_in_one_student_does_not_stop_the_others(
    students_csv, dataset, centre_settings, tmp_path, monkeypatch
):
    import pipeline.batch.student as student_mod

    real = student_mod.student_settings

    def broken(base, row):
        if row["student_id"] == "S1":
            raise KeyError("Mia Stone")  # a bug whose message holds personal data
        return real(base, row)

    monkeypatch.setattr(student_mod, "student_settings", broken)
    result = batch(students_csv, dataset, tmp_path / "out", centre_settings)
    assert result.outcomes[0].status == "failed"
    assert result.outcomes[0].error == "internal error (KeyError); please report it"
    assert [o.status for o in result.outcomes[1:]] == ["done"] * 3


def test_cap_spreads_popular_alumni_over_students(students_csv, dataset, centre_settings, tmp_path):
    out = tmp_path / "students"
    free = batch(students_csv, dataset, tmp_path / "free", centre_settings)
    mia, noor = ({t["prospect_id"] for t in o.top} for o in free.outcomes[:2])
    assert mia & noor  # same targets, about the same year: the same people on top
    result = batch(students_csv, dataset, out, centre_settings, cap=1)
    tops = [{t["prospect_id"] for t in o.top} for o in result.outcomes]
    counts = pd.Series([p for top in tops for p in top]).value_counts()
    assert counts.max() == 1  # nobody in more than one student's top 10
    # Noor walks down her ranking past everyone Mia (first in the table) already has
    assert mia & noor <= set(result.held_back["S2"]) <= tops[0]
    shortlist = sheet_rows(out / "noor-vale-s2.xlsx")
    assert not {r[ID_HEADER] for r in shortlist[:10]} & set(result.held_back["S2"])
    popular = excel(out / "summary.xlsx", sheet_name="Popular alumni")
    shared = popular[popular["ID (prospect)"].isin(mia & noor)]
    assert (shared["Students asking"] == 2).all() and (shared["Cap"] == 1).all()
    assert (shared["In top 10s (after the cap)"] == 1).all()


def test_allocate_walks_students_in_order_and_respects_the_cap():
    rankings = [("a", list("xyzuvwpqrst")), ("b", list("xyzuvwpqrsto")), ("c", None),
                ("d", list("xy"))]  # fmt: skip
    held, demand = allocate(rankings, cap=2)
    assert held == {"d": ("x", "y")}
    assert demand["x"] == 3 and demand["s"] == 2 and "t" not in demand and "o" not in demand
    held, _ = allocate(rankings, cap=1)
    assert held["b"] == tuple("xyzuvwpqrs") and held["d"] == ("x", "y")


def test_batch_command_prints_counts_only(students_csv, dataset, tmp_path):
    out = tmp_path / "students"
    args = ["batch", str(students_csv), "--alumni", str(dataset), "--out", str(out),
            "--workers", "1"]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Students: 4 rows, 4 accepted, 0 set aside." in result.output
    assert "4 written, 0 already complete, 0 failed; 1 found nobody" in result.output
    assert "100 % of students done (4/4)" in result.output  # not a terminal: 5 % lines
    for personal in ("Mia", "Stone", "example.edu", "Park", "example.org"):
        assert personal not in result.output


def test_batch_without_a_dataset_is_one_sentence(students_csv, tmp_path):
    result = CliRunner().invoke(app, ["batch", str(students_csv), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "give --alumni alumni.parquet" in result.output


@pytest.mark.parametrize("name,sid,expected", [("Zoë O'Brien", "7/2", "zoe-o-brien-7-2.xlsx"),
                                                ("../../etc", "..", "etc-id.xlsx"),
                                                ("", "S1", "student-s1.xlsx")])  # fmt: skip
def test_file_names_are_safe(name, sid, expected):
    assert file_name(name, sid) == expected


def test_summary_cells_are_inert_text(dataset, centre_settings, tmp_path):
    from centre_data import STUDENT_HEADER, STUDENTS, write_csv

    hostile = [["S9", '=HYPERLINK("http://x.example","y")', *STUDENTS[0][2:]]]
    path = write_csv(tmp_path / "students.csv", STUDENT_HEADER, hostile)
    out = tmp_path / "students"
    batch(path, dataset, out, centre_settings)
    ws = load_workbook(out / "summary.xlsx")["Students"]
    cell = ws.cell(2, 2)
    assert cell.value == '=HYPERLINK("http://x.example","y")' and cell.data_type == "s"
