"""Each layout in fixtures/alumni/ (see make_fixtures.py): mapping, counts, years and names."""

from pathlib import Path

import pandas as pd
import pytest

from pipeline.errors import InputError
from pipeline.ingest.alumni import find_tables, read_alumni

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "alumni"


def _fields(path: Path, overrides: dict | None = None) -> list[dict[str, str]]:
    return [t.by_field for t in find_tables(path, overrides or {}).tables]


def _years(people: pd.DataFrame) -> list:
    return [None if pd.isna(y) else int(y) for y in people["grad_year"]]


def test_advancement_export_xlsx_title_rows_odd_headers_and_ledger():
    path = FIXTURES / "advancement_export.xlsx"
    layout = find_tables(path)
    assert [t.table.sheet for t in layout.tables] == ["Alumni"]
    assert dict(layout.skipped) == {
        "Notes": "no header row naming people",
        "Pivot": "no name column",
    }
    assert layout.tables[0].table.header_line == 4  # below two merged title rows and a blank
    fields = layout.tables[0].by_field
    assert fields == {
        "record_id": "Constituent ID", "last_name": "LAST NAME", "first_name": "first name",
        "preferred_name": "Preferred Name", "former_name": "Maiden Name",
        "preferred_class_year": "Pref Class Year", "grad_year": "Class Year(s)",
        "degree": "Degree", "major": "Major(s)", "company": "Current Employer",
        "title": "JOB TITLE", "city": "City", "region": "State/Province", "country": "Country",
        "email": "E-mail", "linkedin_url": "LinkedIn Profile",
    }  # fmt: skip
    got = read_alumni(path)
    p = got.people
    assert p["full_name"].tolist() == [
        "Mary McDonald", "Sean O'Brien", "Jan van der Berg", "Lana Nguyen", "Adaeze Okafor",
        "王小明", "J. Tremblay",
    ]  # fmt: skip
    assert p["given_name"].tolist()[3] == "Thi Lan"  # the preferred name is shown, given kept
    assert p["former_name"].tolist()[4] == "Eze" and p["former_name"][6] == "Tremblay-Roy"
    assert (p.loc[5, "first_name"], p.loc[5, "last_name"]) == ("小明", "王")
    assert _years(p) == [2019, 2015, 1996, 2021, 2012, None, 2010]
    assert p["class_years"].tolist() == [
        "2019",
        "2015",
        "1996|2002",
        "2021|2022",
        "2012",
        "",
        "2010",
    ]
    assert p["major"][2] == "Economics; Computer Science"
    assert p["linkedin_slug"].tolist()[:4] == [
        "mary-mcdonald-1a2b", "sean-obrien", "jan-vdberg", "lana-nguyen",
    ]  # fmt: skip
    assert p["email"][0] == "mary.mcdonald@example.com"
    assert p["Phone"].tolist()[:2] == ["4165550101", "5145550102"]  # an int cell, kept as text
    assert p["Volunteer Interests"][2] == "Speaker | Mentoring"  # extra attributes kept as typed
    assert p["location"][0] == "Toronto, ON, Canada" and p["location"][5] == "Hangzhou, China"
    assert p["source_row"].tolist() == [5, 6, 7, 8, 9, 10, 11]
    reasons = dict(zip(got.ledger["source_row"], got.ledger["reason"], strict=True))
    assert reasons == {
        12: "exact duplicate of row 5", 13: "no name",
        14: "empty template row", 15: "empty template row", 16: "empty template row",
    }  # fmt: skip
    (r,) = got.reports
    assert (r.read, r.accepted, r.rejected) == (12, 7, 5)
    assert (
        r.details["sheets skipped"] == "Notes (no header row naming people); Pivot (no name column)"
    )


def test_one_sheet_per_class_year_with_one_name_column():
    got = read_alumni(FIXTURES / "by_class_year.xlsx")
    p = got.people
    assert p["full_name"].tolist() == [
        "Jane Lee", "John Smith", "Priya Sharma", "Bob Smith",
        "Ana García", "Min-jun Kim", "Patrick O'Neil",
    ]  # fmt: skip
    assert p["given_name"][3] == "Robert"  # "Robert (Bob) Smith": goes by Bob
    assert _years(p) == [2019] * 4 + [2020] * 3  # the year is only in the sheet name
    assert p["source_file"].unique().tolist() == [
        "by_class_year.xlsx [Class of 2019]",
        "by_class_year.xlsx [2020]",
    ]
    assert p["linkedin_slug"][2] == "priya-sharma-7"
    assert [(r.read, r.accepted, r.rejected) for r in got.reports] == [(4, 4, 0), (3, 3, 0)]
    assert p["record_id"].is_unique


def test_club_list_xlsm_prenumbered_template_rows_and_initials():
    got = read_alumni(FIXTURES / "club_list.xlsm")
    p = got.people
    assert _fields(FIXTURES / "club_list.xlsm")[0]["full_name"] == "Full Name"
    assert p["full_name"].tolist() == ["Jane D.", "J. Robert Doe", "Zoë Lefèvre", "Alex Chen"]
    assert p["first_name"][1] == "J. Robert"  # an initial keeps the middle name it goes by
    assert _years(p) == [2019, 2018, 2020, 2017]
    assert p["linkedin_slug"][3] == "alex-chen-sd"
    assert p["#"].tolist() == ["1", "2", "3", "4"]
    assert set(got.ledger["reason"]) == {"empty template row"}
    assert got.ledger["source_row"].tolist() == list(range(6, 14))
    r = got.reports[0]
    assert (r.read, r.accepted, r.rejected) == (12, 4, 8)


def test_ods_with_blank_rows_above_the_header():
    got = read_alumni(FIXTURES / "graduates.ods")
    p = got.people
    assert got.reports[0].details["header row"] == "3"
    assert _fields(FIXTURES / "graduates.ods")[0] == {
        "first_name": "Given name", "last_name": "Family name", "grad_year": "Class of",
        "major": "Programme", "company": "Employer's name", "title": "Title", "city": "City",
        "country": "Country",
    }  # fmt: skip
    assert p["full_name"].tolist() == ["Chloé Dubois", "Ahmed Hassan", "Sofia Rossi"]
    assert _years(p) == [2019, 2017, None]
    assert p["source_row"].tolist() == [4, 5, 6]


@pytest.mark.parametrize(
    "name, encoding, delimiter, header, names, years",
    [
        ("salesforce_utf8.csv", "utf-8", ",", 1,
         ["Wei Zhang", "José García", "Émilie Dubois"], [2016, 2014, 2010]),
        ("graduway_utf16.txt", "utf-16", "\t", 3,
         ["Anna Müller", "Søren Kierkegaard"], [2015, 2009]),
        ("club_cp1252_semicolon.csv", "cp1252", ";", 2,
         ["Zoë Lefèvre", "Iñaki Núñez", "Seán Ó Súilleabháin"], [2018, 2005, 1999]),
        ("peoplegrove.tsv", "utf-8", "\t", 3, ["Maya Patel", "Tom O'Reilly"], [2016, 2013]),
    ],
)  # fmt: skip
def test_text_files_in_any_encoding_and_delimiter(name, encoding, delimiter, header, names, years):
    got = read_alumni(FIXTURES / name)
    (r,) = got.reports
    assert r.details["encoding"] == encoding
    assert r.details["delimiter"] == {"\t": "tab"}.get(delimiter, delimiter)
    assert r.details["header row"] == str(header)
    assert got.people["full_name"].tolist() == names
    assert _years(got.people) == years
    assert got.people["source_row"].tolist() == list(range(header + 1, header + 1 + len(names)))


def test_preferred_class_year_wins_and_all_years_are_kept():
    p = read_alumni(FIXTURES / "salesforce_utf8.csv").people
    assert p["class_years"].tolist() == ["2016|2017", "2014", "2010|2015"]
    assert p["degree"][2] == "BSc; MSc"
    assert p["Mobile"][0] == "4165550199"
    assert p["alumni_record"].tolist() == ["003A1", "003A2", "003A3"]


def test_linkedin_variants_reduce_to_the_connections_slug():
    slugs = read_alumni(FIXTURES / "graduway_utf16.txt").people["linkedin_slug"]
    assert slugs.tolist() == ["anna-mueller", ""]
    slug = read_alumni(FIXTURES / "peoplegrove.tsv").people["linkedin_slug"][0]
    assert slug == "maya-patel-01"  # in.linkedin.com with ?originalSubdomain=in


def test_no_name_column_then_mapped_in_settings():
    path = FIXTURES / "no_name_column.csv"
    with pytest.raises(InputError) as err:
        read_alumni(path)
    message = str(err.value)
    assert "'Nom complet', 'Promotion', 'Entreprise'" in message
    assert '"Nom complet" = "full_name"' in message and "[alumni.columns]" in message
    assert "Camille" not in message  # never a cell value
    got = read_alumni(path, overrides={"Nom complet": "full_name", "Promotion": "grad_year"})
    assert got.people["full_name"].tolist() == ["Camille Martin"]
    assert _years(got.people) == [2015]
    assert got.people["Entreprise"].tolist() == ["Airbus"]
