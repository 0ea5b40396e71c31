"""The students table: columns mapped like an alumni list's, bad rows set aside with reasons."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from centre_data import STUDENT_HEADER, write_csv
from openpyxl import Workbook
from typer.testing import CliRunner

from pipeline.batch.students import map_columns, read_students, student_settings
from pipeline.cli import app
from pipeline.errors import InputError
from pipeline.settings import Settings

pytest_plugins = ["centre_data"]  # the tiny inputs and their fixtures


def test_good_rows_are_read_with_lists_years_and_paths(students_csv):
    s = read_students(students_csv)
    assert s.report.read == 4 and s.report.accepted == 4 and s.report.rejected == 0
    first = s.table.iloc[0]
    assert first["student_id"] == "S1" and first["name"] == "Mia Stone"
    assert first["target_companies"] == ("Shopify", "Google")
    assert first["target_roles"] == ("data scientist",)
    assert int(first["grad_year"]) == 2026
    assert list(s.table["source_row"]) == [2, 3, 4, 5]


def test_every_bad_row_is_set_aside_with_its_reason(tmp_path):
    rows = [
        ["S1", "Mia Stone", "mia@example.edu", "SYDE", "BASc", "2026", "analyst", "", "", ""],
        ["S2", "", "x@example.edu", "SYDE", "BASc", "2026", "data scientist", "", "", ""],
        ["S3", "Cy Diaz", "not-an-email", "SYDE", "BASc", "2026", "analyst", "", "", ""],
        ["S4", "Di Evans", "di@example.edu", "SYDE", "BASc", "soon", "analyst", "", "", ""],
        ["S5", "Ed Fox", "ed@example.edu", "SYDE", "BASc", "2026", "", "", "", ""],
        ["S1", "Fay Gu", "fay@example.edu", "SYDE", "BASc", "2026", "analyst", "", "", ""],
        ["S7", "Gil Ho", "gil@example.edu", "SYDE", "BASc", "2026", "analyst", "", "", "gone.zip"],
        ["", "", "", "", "", "", "", "", "", ""],
    ]
    s = read_students(write_csv(tmp_path / "students.csv", STUDENT_HEADER, rows))
    reasons = dict(zip(s.rejected["source_row"], s.rejected["reason"], strict=True))
    assert reasons == {
        3: "no name",
        4: "e-mail address not valid",
        5: "graduation year not a year",
        6: "no target roles, companies or LAMP file",
        7: "same student id as row 2",
        8: "LinkedIn export not found",
        9: "empty row",
    }
    assert s.report.read == 8 and s.report.accepted == 1 and s.report.rejected == 7
    assert list(s.table["student_id"]) == ["S1"]


def test_missing_files_are_reasons_and_present_ones_are_absolute(tmp_path):
    (tmp_path / "lamp.csv").write_text("Employer List,Motivation\nShopify,3\n", encoding="utf-8")
    header = ["Name", "Grad Yr", "Target roles", "LAMP file", "LinkedIn export"]
    rows = [
        ["Mia Stone", "2026", "", "lamp.csv", ""],
        ["Noor Vale", "2026", "", "gone.xlsx", ""],
        ["Otto Reyes", "2026", "analyst", "", "nowhere.zip"],
    ]
    s = read_students(write_csv(tmp_path / "s.csv", header, rows))
    assert list(s.rejected["reason"]) == ["LAMP file not found", "LinkedIn export not found"]
    assert s.table.iloc[0]["lamp_file"] == str(tmp_path / "lamp.csv")
    assert s.table.iloc[0]["student_id"] == "row2"  # no id column: the row number


def test_xlsx_with_title_rows_and_other_header_words(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Career Centre — Fall intake"])
    ws.append([])
    ws.append(["Student Number", "Student", "E-mail", "Major", "Class", "Desired roles",
               "Target employers (any)"])  # fmt: skip
    ws.append(["7", "Mia Stone", "mia@example.edu", "SYDE", "2026.0", "data scientist | PM",
               "Shopify"])  # fmt: skip
    wb.save(tmp_path / "students.xlsx")
    s = read_students(tmp_path / "students.xlsx")
    assert s.header_row == 3 and s.report.accepted == 1
    row = s.table.iloc[0]
    assert (row["student_id"], row["name"], int(row["grad_year"])) == ("7", "Mia Stone", 2026)
    assert row["target_roles"] == ("data scientist", "PM")


def test_a_file_that_is_not_a_students_table_is_one_sentence(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("Colour,Shape\nred,round\n", encoding="utf-8")
    with pytest.raises(InputError, match="does not look like a students table"):
        read_students(path)


def test_fuzzy_header_words_are_mapped_and_said_so():
    maps = {m.column: m for m in map_columns(["Full Name", "Graduaton Year", "Target Role(s)"])}
    assert maps["Full Name"].field == "name"
    assert maps["Graduaton Year"].field == "grad_year" and "fuzzy" in maps["Graduaton Year"].via
    assert maps["Target Role(s)"].field == "target_roles"


def test_student_settings_carry_the_students_targets():
    row = pd.Series({"name": "Mia Stone", "grad_year": 2026, "program": "SYDE", "degree": "",
                     "target_roles": ("data scientist",), "target_companies": ("Shopify",),
                     "lamp_file": "", "locations": ()})  # fmt: skip
    s = student_settings(Settings(), row)
    assert (s.me.name, s.me.grad_year, s.me.major) == ("Mia Stone", 2026, "SYDE")
    assert s.targets.roles == ("data scientist",) and s.targets.companies == ("Shopify",)


def test_inspect_maps_a_students_table(students_csv):
    result = CliRunner().invoke(app, ["inspect", str(students_csv)])
    assert result.exit_code == 0, result.output
    for column, field in (("Graduation Year", "grad_year"), ("Target Roles", "target_roles")):
        assert column in result.output and field in result.output
    assert "[alumni.columns]" not in result.output


def test_inspect_still_reads_an_alumni_list(alumni_csv):
    result = CliRunner().invoke(app, ["inspect", str(alumni_csv)])
    assert result.exit_code == 0 and "[alumni.columns]" in result.output
    assert Path(alumni_csv).name in result.output
