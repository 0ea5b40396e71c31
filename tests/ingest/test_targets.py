from pathlib import Path

import pytest
from openpyxl import Workbook

from pipeline.errors import InputError
from pipeline.ingest.targets import field_of, read_targets

TARGETS = Path(__file__).resolve().parents[2] / "fixtures" / "targets"


def test_published_lamp_template_header_on_row_four():
    targets, report = read_targets(TARGETS / "lamp_template.xlsx")
    assert report.details["header row"] == "4"
    assert targets["employer"].tolist() == [
        "Shopify", "RBC", "Google", "Wealthsimple", "Deloitte", "Statistics Canada",
    ]  # fmt: skip
    assert targets["advocacy"].tolist() == [True, False, True, False, True, False]
    assert targets["motivation"].tolist() == [3, 2, 3, 1, 2, 1]
    assert targets["posting"].tolist() == [2, 0, 3, 1, 3, 0]
    # LAMP order: motivation, then posting, then advocacy.
    assert targets.sort_values("lamp_order")["employer"].tolist()[:3] == [
        "Google", "Shopify", "Deloitte",
    ]  # fmt: skip
    assert targets["source_row"].tolist() == [5, 6, 7, 8, 9, 10]
    assert (report.read, report.accepted, report.rejected) == (40, 6, 34)
    assert report.details["rejected"] == "34 × empty template row"


def test_career_centre_variant_with_other_header_words():
    targets, report = read_targets(TARGETS / "career_centre.csv")
    assert targets[["employer", "advocacy", "motivation", "posting"]].values.tolist() == [
        ["Bank of Montreal", True, 3, 2],
        ["Ubisoft", False, 2, 3],
    ]
    assert (report.read, report.accepted, report.rejected) == (4, 2, 2)
    assert report.details["rejected"] == "1 × empty row; 1 × duplicate of row 3"


@pytest.mark.parametrize(
    "header, field",
    [
        ("Employer List", "employer"), ("Target Organization", "employer"),
        ("Company", "employer"), ("Alumni (Y/N)", "advocacy"),
        ("Alumni at employer? (Y/N)", "advocacy"), ("A", "advocacy"),
        ("Interest level (1-3)", "motivation"), ("Motivation", "motivation"),
        ("Job postings (1-3)", "posting"), ("P", "posting"), ("#", ""), ("Notes", ""),
        ("Main contact", ""),
    ],
)  # fmt: skip
def test_header_words(header, field):
    assert field_of(header) == field


def test_semicolon_csv_short_header(tmp_path):
    path = tmp_path / "targets.csv"
    path.write_text("Company;Interest;Jobs\nGoogle;3;1\n", encoding="utf-8")
    targets, _ = read_targets(path)
    assert targets.iloc[0][["employer", "advocacy", "motivation", "posting"]].tolist() == [
        "Google", False, 3, 1,
    ]  # fmt: skip


def test_a_sheet_without_a_lamp_header_is_one_sentence(tmp_path):
    wb = Workbook()
    wb.active.append(["Name", "Class"])
    path = tmp_path / "alumni.xlsx"
    wb.save(path)
    with pytest.raises(InputError, match=r"alumni\.xlsx does not look like a LAMP target list"):
        read_targets(path)
