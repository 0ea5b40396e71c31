import pytest

from pipeline.errors import InputError
from pipeline.ingest.alumni import map_columns, parse_class_years, read_alumni
from pipeline.run import SAMPLE_ALUMNI


def test_map_columns_exact_fuzzy_overrides_and_extras():
    cols = ["Constituent ID", "LAST NAME", "First\nName", "Pref Class Yr.", "Shoe size"]
    got = {m.column: m for m in map_columns(cols, {"Shoe size": "ignore"})}
    assert got["LAST NAME"].field == "last_name" and got["LAST NAME"].confidence == 1.0
    assert got["First\nName"].field == "first_name"
    assert got["Pref Class Yr."].field == "grad_year"
    assert got["Constituent ID"].field == "record_id"
    assert got["Shoe size"].field == "" and got["Shoe size"].via == "settings"


@pytest.mark.parametrize(
    "text, first, every",
    [
        ("2019", 2019, "2019"),
        ("2019.0", 2019, "2019"),
        ("T2019", 2019, "2019"),
        ("'96", 1996, "1996"),
        ("'96 MA, '02 PhD", 1996, "1996|2002"),
        ("Class of 2019", 2019, "2019"),
        ("0", None, ""),
        ("", None, ""),
    ],
)
def test_class_years(text, first, every):
    import pandas as pd

    years, all_years = parse_class_years(pd.Series([text]))
    assert (None if pd.isna(years.iloc[0]) else years.iloc[0]) == first
    assert all_years.iloc[0] == every


def test_csv_with_title_rows_name_column_and_ledger(tmp_path):
    path = tmp_path / "club.csv"
    path.write_text(
        "Engineering Society alumni\n\nName,Grad Yr,Employer,LinkedIn,Favourite colour\n"
        '"SMITH, JOHN",2015,Acme,linkedin.com/in/john-smith-1/?trk=x,blue\n'
        "Wei Zhang,'09,Shopify,,green\n"
        ",,,,\n"
        "Wei Zhang,'09,Shopify,,green\n"
        ",2011,Acme,,\n",
        encoding="utf-8",
    )
    got = read_alumni(path, default_school="University of Waterloo")
    people = got.people
    assert people["full_name"].tolist() == ["John Smith", "Wei Zhang"]
    assert people["grad_year"].tolist() == [2015, 2009]
    assert people["source_row"].tolist() == [4, 5]
    assert people["linkedin_slug"].tolist() == ["john-smith-1", ""]
    assert people["school"].tolist() == ["University of Waterloo"] * 2
    assert people["Favourite colour"].tolist() == ["blue", "green"]  # kept, not dropped
    reasons = dict(zip(got.ledger["source_row"], got.ledger["reason"], strict=True))
    assert reasons == {6: "empty row", 7: "exact duplicate of row 5", 8: "no name"}
    r = got.reports[0]
    assert (r.read, r.accepted, r.rejected) == (5, 2, 3)


def test_no_name_column_lists_what_it_saw(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("Employer,Class Year\nAcme,2019\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_alumni(path)
    assert "'Employer'" in str(err.value) and "[alumni.columns]" in str(err.value)


def test_sample_workbook_header_on_row_three():
    got = read_alumni(SAMPLE_ALUMNI)
    r = got.reports[0]
    assert r.details["header row"] == "3"
    assert r.read == r.accepted + r.rejected and r.accepted > 1400
    assert got.people["source_row"].min() == 4
    assert (got.people["grad_year"].dropna() > 1900).all()


def test_not_a_spreadsheet(tmp_path):
    path = tmp_path / "photo.png"
    path.write_bytes(b"\x89PNG....")
    with pytest.raises(InputError, match=r"photo\.png"):
        read_alumni(path)
