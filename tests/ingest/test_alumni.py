import re
import zipfile

import pandas as pd
import pytest

from pipeline.errors import InputError, SettingsError
from pipeline.ingest.alumni import map_columns, parse_class_years, read_alumni
from pipeline.ingest.alumni_fields import header_scorer, person_names, split_cjk
from pipeline.ingest.alumni_names import _has_hangul, _has_kana
from pipeline.ingest.clean import linkedin_slug
from pipeline.run import SAMPLE_ALUMNI


@pytest.mark.parametrize(
    "header, field, via",
    [
        ("LAST NAME", "last_name", "exact synonym"),
        ("First\nName", "first_name", "exact synonym"),
        ("Pref. Class  Year", "preferred_class_year", "exact synonym"),
        ("Class Year(s)", "grad_year", "exact synonym"),
        ("Grad Yr", "grad_year", "exact synonym"),
        ("Graduation Yeer", "grad_year", "fuzzy synonym 'graduation year'"),
        ("Employer's name", "company", "exact synonym"),
        ("companyName", "company", "exact synonym"),
        ("role_title", "title", "exact synonym"),
        ("Current Employer (as of 2024)", "company",
         "synonym 'current employer' (bracketed text ignored)"),
        ("LinkedIn URL", "linkedin_url", "exact synonym"),
        ("Maiden Name", "former_name", "exact synonym"),
        ("Nickname", "preferred_name", "exact synonym"),
        ("Constituent ID", "record_id", "exact synonym"),
        ("Province/State", "region", "exact synonym"),
        ("Shoe size", "", "unmapped"),
        ("#", "", "unmapped"),
    ],
)  # fmt: skip
def test_map_columns_table(header, field, via):
    (got,) = map_columns([header])
    assert (got.field, got.via) == (field, via)
    assert got.confidence == (0.0 if not field else got.confidence)
    assert 0.86 <= got.confidence <= 1.0 or not field


def test_settings_override_any_mapping_ignore_drops_and_bad_field_is_named(tmp_path):
    cols = ["Name", "Pref Class Year", "Class Year", "Notes"]
    overrides = {"class year": "grad_year", "Pref Class Year": "extra", "NOTES": "ignore"}
    got = {m.column: m for m in map_columns(cols, overrides)}
    assert got["Class Year"].field == "grad_year" and got["Class Year"].via == "settings"
    assert got["Pref Class Year"].field == ""  # kept as an extra attribute
    assert got["Notes"].field == "ignore"
    path = tmp_path / "a.csv"
    path.write_text("Name,Pref Class Year,Class Year,Notes\nAda Byron,2001,2003,x\n")
    people = read_alumni(path, overrides=overrides).people
    assert people["grad_year"].tolist() == [2003]
    assert "Notes" not in people and people["Pref Class Year"].tolist() == ["2001"]
    with pytest.raises(SettingsError, match=r"Class Year.*grad_yr"):
        map_columns(cols, {"Class Year": "grad_yr"})


def test_two_columns_for_one_field_the_surer_wins_the_other_is_kept():
    got = {m.column: m for m in map_columns(["Email", "E-mail address", "Full Name"])}
    assert got["Email"].field == "email"
    assert (
        got["E-mail address"].field == "" and "also looks like email" in got["E-mail address"].via
    )


def test_header_scorer_prefers_a_header_with_names():
    score = header_scorer()
    assert score(["Name", "Class"]) > score(["Class Year", "Degree"]) >= 2
    assert score(["University of Waterloo alumni"]) == 0


@pytest.mark.parametrize(
    "text, first, every",
    [
        ("2019", 2019, "2019"),
        ("2019.0", 2019, "2019"),
        ("T2019", 2019, "2019"),
        ("'96", 1996, "1996"),
        ("’05", 2005, "2005"),
        ("96", 1996, "1996"),
        ("'96 MA, '02 PhD", 1996, "1996|2002"),
        ("2002 PhD; 1996 MA", 1996, "1996|2002"),
        ("Class of 2019", 2019, "2019"),
        ("2016-06-01", 2016, "2016"),
        ("0", None, ""),
        ("", None, ""),
        ("n/a", None, ""),
    ],
)
def test_class_years(text, first, every):
    years, all_years = parse_class_years(pd.Series([text]))
    assert (None if pd.isna(years.iloc[0]) else years.iloc[0]) == first
    assert all_years.iloc[0] == every


def test_preferred_class_year_column_first_then_actual():
    preferred = pd.Series(["2019", "", "0"])
    actual = pd.Series(["2020", "'96 MA, '02 PhD", ""])
    years, every = parse_class_years(preferred, actual)
    assert years.tolist() == [2019, 1996, pd.NA]
    assert every.tolist() == ["2019|2020", "1996|2002", ""]


@pytest.mark.parametrize(
    "full, first, last, shown",
    [
        ("Lee, Jane", "Jane", "Lee", "Jane Lee"),
        ("LEE, Jane", "Jane", "Lee", "Jane Lee"),
        ("SMITH, John A.", "John", "Smith", "John Smith"),
        ("Priya Sharma", "Priya", "Sharma", "Priya Sharma"),
        ("MARY MCDONALD", "Mary", "McDonald", "Mary McDonald"),
        ("O'BRIEN, SEAN", "Sean", "O'Brien", "Sean O'Brien"),
        ("JAN VAN DER BERG", "Jan", "van der Berg", "Jan van der Berg"),
        ("Jane D.", "Jane", "D.", "Jane D."),
        ("J. Robert Doe", "J. Robert", "Doe", "J. Robert Doe"),
        ("Dr. Jane Q. Doe, PhD", "Jane", "Doe", "Jane Doe"),
        ("王小明", "小明", "王", "王小明"),
        ("欧阳娜娜", "娜娜", "欧阳", "欧阳娜娜"),
        ("김민준", "민준", "김", "김민준"),
    ],
)
def test_one_name_column(full, first, last, shown):
    blank = pd.Series([""])
    got = person_names(blank, blank, pd.Series([full])).iloc[0]
    assert (got["first_name"], got["last_name"], got["full_name"]) == (first, last, shown)


def test_separate_columns_preferred_and_middle_names():
    got = person_names(
        first=pd.Series(["ROBERT", "J.", "小明"]),
        last=pd.Series(["O'BRIEN", "Doe", "王"]),
        preferred=pd.Series(["Bob", "", ""]),
        middle=pd.Series(["", "Robert", ""]),
    )
    assert got["full_name"].tolist() == ["Bob O'Brien", "J. Robert Doe", "王小明"]
    assert got["given_name"].tolist() == ["Robert", "J. Robert", "小明"]


@pytest.mark.parametrize(
    "name, given, family",
    [("王小明", "小明", "王"), ("司马光", "光", "司马"), ("佐藤陽斗", "陽斗", "佐藤"),
     ("王 小明", "小明", "王"), ("さとう", "", "さとう")],
)  # fmt: skip
def test_split_cjk(name, given, family):
    assert split_cjk(name) == (given, family)


@pytest.mark.parametrize(
    "name", ["", "a", "さ", "サ", "\u3040", "\u30ff", "\u303f", "\u3100", "김민준", "\uac00",
             "\ud7af", "\ud7b0", "\uabff", "王小明", "Zoë", "김a", "王さ"],
)  # fmt: skip
def test_kana_and_hangul_as_the_regexes_said(name):
    assert _has_kana(name) == bool(re.search(r"[\u3040-\u30ff]", name))
    assert _has_hangul(name) == bool(re.search(r"[\uac00-\ud7af]", name))


@pytest.mark.parametrize(
    "url",
    [
        "https://www.linkedin.com/in/jane-doe-42",
        "https://www.linkedin.com/in/jane-doe-42/",
        "https://www.linkedin.com/in/jane-doe-42?lipi=urn%3Ali%3Apage%3Ad_flagship3",
        "https://ca.linkedin.com/in/jane-doe-42/?trk=public_profile",
        "linkedin.com/in/jane-doe-42",
        "www.linkedin.com/in/Jane-Doe-42",
        "http://uk.linkedin.com/in/jane-doe-42#about",
    ],
)
def test_linkedin_url_variants_give_the_connections_slug(url):
    assert linkedin_slug(pd.Series([url])).tolist() == ["jane-doe-42"]


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


def test_sample_workbook_header_on_row_three():
    got = read_alumni(SAMPLE_ALUMNI)
    r = got.reports[0]
    assert r.file == "alumni.xlsx [Alumni]"
    assert r.details["header row"] == "3"
    assert r.read == r.accepted + r.rejected and r.accepted > 1400
    assert got.people["source_row"].min() == 4
    assert got.people["grad_year"].dtype == "Int64"
    assert (got.people["grad_year"].dropna() > 1900).all()


@pytest.mark.parametrize(
    "name, data",
    [
        ("photo.png", b"\x89PNG...."),
        ("notes.pdf", b"%PDF-1.4"),
        ("alumni.xlsx", b"Name,Class\nAda,2019\n"),  # a CSV renamed .xlsx
        ("alumni.csv", b"PK\x03\x04\x00\x00binary"),  # a workbook renamed .csv
    ],
)
def test_not_a_spreadsheet_is_one_sentence_naming_the_file(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError, match=name.replace(".", r"\.")):
        read_alumni(path)


def test_file_over_the_size_limit(tmp_path):
    path = tmp_path / "big.csv"
    path.write_text("Name,Class\n" + "Ada Byron,2019\n" * 100)
    with pytest.raises(InputError, match=r"big\.csv is larger than the size limit"):
        read_alumni(path, max_bytes=1000)


def _billion_laughs_xlsx(path):
    """An .xlsx whose shared strings declare nested entities (the "billion laughs" attack)."""
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol;" if i == 1 else f"&lol{i - 1};") * 10}">' for i in range(1, 10)
    )
    sst = (
        f'<?xml version="1.0"?><!DOCTYPE sst [{entities}]>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" '
        'uniqueCount="2"><si><t>Name</t></si><si><t>&lol9;</t></si></sst>'
    )
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    files = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats'
        '.org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
        '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/'
        'worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType='
        '"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        "_rels/.rels": f'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats'
        f'.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0"?><workbook xmlns="{main}" xmlns:r="{rel}">'
        '<sheets><sheet name="Alumni" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas'
        f'.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/'
        f'worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{rel}/'
        'sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0"?><worksheet xmlns="{main}"><sheetData>'
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>Class</t></is>'
        '</c></row><row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2"><v>2019</v></c></row>'
        "</sheetData></worksheet>",
        "xl/sharedStrings.xml": sst,
    }
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in files.items():
            zf.writestr(name, text)


def test_billion_laughs_xlsx_does_not_blow_up(tmp_path):
    path = tmp_path / "laughs.xlsx"
    _billion_laughs_xlsx(path)
    try:  # calamine does not expand entities: either a clear error or short text, never 3 GB
        got = read_alumni(path)
        assert all(len(v) < 1000 for v in got.people["full_name"])
    except InputError as error:
        assert "laughs.xlsx" in str(error)
    # openpyxl, where the project reads workbooks with it, goes through defusedxml.
    import openpyxl
    from defusedxml import DefusedXmlException

    assert openpyxl.xml.DEFUSEDXML is True
    with pytest.raises(ValueError) as error:  # openpyxl wraps defusedxml's EntitiesForbidden
        openpyxl.load_workbook(path)
    assert isinstance(error.value.__cause__, DefusedXmlException)
