"""Tests for pipeline.ingest.readers: encodings, dialects, header detection, sheets."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.errors import InputError
from pipeline.ingest import delimited
from pipeline.ingest.readers import (
    TextTable,
    clean_header,
    decode,
    find_header,
    grid_table,
    read_sheets,
    read_text_table,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "readers"
KNOWN = {"first name", "last name", "url", "email address", "company", "position", "connected on"}
KNOWN |= {"name", "class", "class year"}
HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On"
COLUMNS = HEADER.split(",")
NOTE = (
    '"When exporting your connection data, you may notice that some of the email addresses are '
    'missing. You will only see email addresses for connections who have allowed it, see here"'
)
ROW = "Ada,Quill,https://www.linkedin.com/in/ada-q,,Acme,Analyst,08 Jan 2024"


def score(cells) -> float:
    return sum(c.casefold() in KNOWN for c in cells)


def read(data: bytes, **kwargs) -> TextTable:
    return read_text_table(data, "Connections.csv", score, **kwargs)


def cells(table: TextTable) -> list[list[str]]:
    return table.rows.values.tolist()


# --- decode ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        ("Zoé,Ng".encode(), "Zoé,Ng", "utf-8"),
        (b"\xef\xbb\xbf" + "Zoé,Ng".encode(), "Zoé,Ng", "utf-8-sig"),
        ("Zoé,Ng".encode("utf-16"), "Zoé,Ng", "utf-16"),
        (b"\xfe\xff" + "Zoé,Ng".encode("utf-16-be"), "Zoé,Ng", "utf-16"),
        ("Zoé,Ng\nAmélie,Léon\n".encode("utf-16-le"), "Zoé,Ng\nAmélie,Léon\n", "utf-16-le"),
        ("Zoé,Ng\nAmélie,Léon\n".encode("utf-16-be"), "Zoé,Ng\nAmélie,Léon\n", "utf-16-be"),
        (
            "Zoé Müller,Café Olé,Ingénieure\n".encode("cp1252"),
            "Zoé Müller,Café Olé,Ingénieure\n",
            "cp1252",
        ),
        ("Price “quoted” – €5\n".encode("cp1252"), "Price “quoted” – €5\n", "cp1252"),
    ],
)
def test_decode_encodings(data: bytes, text: str, encoding: str) -> None:
    assert decode(data, "a.csv") == (text, encoding)


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        ("Имя,Фамилия\nАлександр,Петров\nМария,Иванова\n", "cp1251", "cp1251"),
        ("Ελένη Παπαδοπούλου,Αθήνα\n", "cp1253", "cp1253"),
        ("姓名,公司\n李明,华为技术有限公司\n王芳,腾讯\n", "gb18030", "gb18030"),
        ("姓名,公司\n李明,華為技術\n王芳,騰訊\n", "big5", "big5"),
        ("Name,Company\nMałgorzata,Dąbrowska\nZofia,Wiłkowska\n", "cp1250", "cp1250"),
        ("Ľubomír Kováč,Žilina\n", "cp1250", "cp1250"),
        # One accent next to ASCII: charset-normalizer alone guesses a CJK or DOS code page.
        ("Dàvid,Ng\n", "cp1252", "cp1252"),
        ("àa,b\n", "cp1252", "cp1252"),
        ("¿Qué?,£5,Señor,5 m³\n", "cp1252", "cp1252"),
    ],
)
def test_decode_other_code_pages(text: str, encoding: str, expected: str) -> None:
    assert decode(text.encode(encoding), "a.csv") == (text, expected)


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)),  # an xlsx / zip
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200),  # an old .xls
        bytes(range(32)) * 20,  # control characters
        b"abc\x00def,ghi\n",  # NUL in otherwise ASCII text (not UTF-16: too few NULs)
    ],
)
def test_decode_rejects_binary_naming_the_file(data: bytes) -> None:
    with pytest.raises(InputError, match=r"^Connections\.csv is not a text file; expected a CSV"):
        decode(data, "Connections.csv")


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"  \n\n"])
def test_decode_rejects_empty(data: bytes) -> None:
    with pytest.raises(InputError, match=r"^Connections\.csv is empty"):
        decode(data, "Connections.csv")


# --- header detection ------------------------------------------------------------------------


def test_linkedin_current_preamble_header_on_line_4() -> None:
    table = read((f"Notes:\n{NOTE}\n\n{HEADER}\n{ROW}\n,,,,,,20 Feb 2021").encode())
    assert table.header_line == 4
    assert list(table.rows.columns) == COLUMNS
    assert table.lines.tolist() == [5, 6]
    assert table.lines.dtype == "int64"
    assert cells(table) == [ROW.split(","), ["", "", "", "", "", "", "20 Feb 2021"]]
    assert (table.encoding, table.delimiter, table.sheet) == ("utf-8", ",", "")


def test_preamble_deleted_header_on_line_1() -> None:
    table = read(f"{HEADER}\n{ROW}\n".encode())
    assert table.header_line == 1
    assert table.lines.tolist() == [2]
    assert cells(table)[0][0] == "Ada"


def test_excel_padding_and_blank_lines_before_header() -> None:
    data = f"Notes:,,,,,,\n{NOTE},,,,,,\n,,,,,,\n\n\n{HEADER}\n{ROW}\n".encode()
    table = read(data)
    assert table.header_line == 6
    assert table.lines.tolist() == [7]
    assert list(table.rows.columns) == COLUMNS


def test_fixture_linkedin_current() -> None:
    table = read((FIXTURES / "linkedin_current.csv").read_bytes())
    assert table.header_line == 4
    assert table.lines.tolist() == [5, 6, 7, 8]
    assert table.rows["Last Name"].tolist() == ["Quinlan", "Tremaine, MBA", "None", ""]
    assert table.rows["Company"].tolist()[1:3] == ["Fabrikam, Inc.", "N/A"]
    assert table.rows["First Name"].tolist()[2] == "NA"  # not NaN
    assert table.rows.isna().sum().sum() == 0
    assert all(str(t) == "str" for t in table.rows.dtypes)


def test_fixture_excel_resave_cp1252_semicolon_crlf() -> None:
    table = read((FIXTURES / "excel_resave_cp1252_semicolon.csv").read_bytes())
    assert (table.encoding, table.delimiter, table.header_line) == ("cp1252", ";", 4)
    assert table.lines.tolist() == [5, 6]
    assert table.rows["First Name"].tolist() == ["Zoé", "Léon"]
    assert table.rows["Last Name"].tolist() == ["Müller-Águila", "D'Arcy; PhD"]
    assert table.rows["Connected On"].tolist() == ["5-Jan-26", "30-oct-09"]


def test_fixture_excel_unicode_text_utf16_tabs() -> None:
    table = read((FIXTURES / "excel_unicode_text_utf16.txt").read_bytes())
    assert (table.encoding, table.delimiter, table.header_line) == ("utf-16", "\t", 1)
    assert table.rows["Last Name"].tolist() == ["Šimkutė", "李"]
    assert table.rows["Company"].tolist() == ["Vilnius Labs", "华为"]


def test_fixture_rows_wrapped_whole_in_quotes() -> None:
    table = read((FIXTURES / "wrapped_rows.csv").read_bytes())
    assert list(table.rows.columns) == COLUMNS
    assert table.rows["Company"].tolist() == ["Acme, Ltd", "Initech"]
    assert table.rows["Position"].tolist() == ["Designer", 'Lead "Ace" Engineer']
    assert table.lines.tolist() == [2, 3]


def test_wrapped_rows_after_preamble() -> None:
    data = f'Notes:\n{NOTE}\n\n"{HEADER}"\n"{ROW}"\n'.encode()
    table = read(data)
    assert table.header_line == 4
    assert cells(table) == [ROW.split(",")]


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_line_endings_and_multiline_records(ending: str) -> None:
    row2 = 'Bea,Ray,u2,,"Line one' + ending + 'line two, ""quoted""",PM,09 Jan 2024'
    data = ending.join(["Notes:", NOTE, "", HEADER, ROW, row2, ROW, ""]).encode()
    table = read(data)
    assert table.header_line == 4
    assert table.lines.tolist() == [5, 6, 8]  # the record on line 6 spans two lines
    assert table.rows["Company"].tolist()[1] == f'Line one{ending}line two, "quoted"'


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters(delimiter: str) -> None:
    lines = [HEADER.replace(",", delimiter), ROW.replace(",", delimiter)]
    table = read("\n".join(lines).encode())
    assert table.delimiter == delimiter
    assert cells(table) == [ROW.split(",")]


def test_delimiter_chosen_by_header_score_not_by_frequency() -> None:
    # The data is full of commas, but only semicolons make the header parse.
    data = b"First Name;Last Name;Company\nA, B, C;D, E;F, G, H\nI, J;K, L;M, N\n"
    table = read(data)
    assert table.delimiter == ";"
    assert cells(table) == [["A, B, C", "D, E", "F, G, H"], ["I, J", "K, L", "M, N"]]


def test_delimiter_tie_broken_by_field_count_consistency() -> None:
    # "," and ";" both split the header into two known names; only ";" splits the rows evenly.
    data = b"Name,Class,x;URL;Company\nAda;u1;Acme\nBo;u2;Initech\n"
    table = read(data)
    assert table.delimiter == ";"
    assert cells(table) == [["Ada", "u1", "Acme"], ["Bo", "u2", "Initech"]]


def every_dialect(head: str, max_scan: int = 60) -> tuple[float, str, bool]:
    """_choose_dialect's answer the long way: every delimiter, wrapped and not, all scored."""
    best, best_key = (float("-inf"), ",", False), (float("-inf"),)
    for order, delimiter in enumerate(delimited.DELIMITERS):
        records = delimited._head_records(head, delimiter, max_scan + 50)
        for wrapped in (False, True):
            rows = [delimited._unwrap(r, delimiter) or r for r in records] if wrapped else records
            i = find_header(rows[:max_scan], score, float("-inf"))
            if i is None:
                continue
            after = rows[i + 1 :]
            consistency = sum(len(r) == len(rows[i]) for r in after) / max(len(after), 1)
            key = (score(clean_header(rows[i])), consistency, -order, -wrapped)
            if key > best_key:
                best, best_key = (key[0], delimiter, wrapped), key
    return best


HEADS = st.sampled_from(
    ["Name", "Class", "URL", "x", "Ada", "é", " ", ",", ";", "\t", "|", '"', "\n", "\r\n", "\r"]
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(HEADS, max_size=40).map("".join))
def test_choose_dialect_skips_only_dialects_that_cannot_win(head: str) -> None:
    # Delimiters absent from the head, and wrapped rows where none is wrapped, are not scored.
    assert delimited._choose_dialect(head, score, 60) == every_dialect(head)


@pytest.mark.parametrize(
    "head",
    [
        "",
        "Name",
        "Name\nAda\n",
        f"{HEADER}\n{ROW}\n",
        '"Name,Class"\n"Ada,2019"\n',  # wrapped whole in quotes
        "Notes:\nName;Class|URL\tCompany\nAda;1|u\tAcme\n",
        "Zoé Ng\nÅsa\n",
    ],
)
def test_choose_dialect_cases(head: str) -> None:
    assert delimited._choose_dialect(head, score, 60) == every_dialect(head)


def test_blank_lines_are_not_rows_but_delimiter_only_lines_are() -> None:
    data = f"{HEADER}\n\n{ROW}\n   \n,,,,,,\n\n{ROW}\n\n".encode()
    table = read(data)
    assert table.lines.tolist() == [3, 5, 7]
    assert cells(table)[1] == [""] * 7


def test_ragged_rows_spill_and_pad() -> None:
    data = b"Name,Class\nAda,2019,extra,more\nBo\nCy,2021\n"
    table = read(data)
    assert list(table.rows.columns) == ["Name", "Class", "column 3", "column 4"]
    assert cells(table) == [
        ["Ada", "2019", "extra", "more"],
        ["Bo", "", "", ""],
        ["Cy", "2021", "", ""],
    ]


def test_trailing_empty_padding_columns_are_dropped() -> None:
    table = read(b"Name,Class,,\nAda,2019,,\nBo,2020,,\n")
    assert list(table.rows.columns) == ["Name", "Class"]


def test_header_cells_cleaned_and_unique() -> None:
    data = b'" First\n  Name ",Class,,Email,Email,Email (2)\nAda,2019,x,a,b,c\n'
    table = read(data)
    assert list(table.rows.columns) == [
        "First Name",
        "Class",
        "column 3",
        "Email",
        "Email (3)",
        "Email (2)",
    ]


def test_na_like_text_stays_text() -> None:
    table = read(b"Name,Class\nNA,None\nN/A,null\n,NaN\n")
    assert cells(table) == [["NA", "None"], ["N/A", "null"], ["", "NaN"]]
    assert table.rows.isna().sum().sum() == 0


def test_header_only_gives_empty_frame_with_columns() -> None:
    table = read(f"Notes:\n{NOTE}\n\n{HEADER}".encode())
    assert list(table.rows.columns) == COLUMNS
    assert len(table.rows) == 0
    assert table.lines.tolist() == []


def test_no_header_error_names_file_and_what() -> None:
    data = b"alpha,beta\n1,2\n3,4\n"
    with pytest.raises(InputError) as caught:
        read_text_table(data, "Shares.csv", score, what="a LinkedIn connections export")
    message = str(caught.value)
    assert message.startswith("Shares.csv does not look like a LinkedIn connections export")
    assert "no header row was found in its first 60 lines" in message


def test_header_beyond_max_scan_is_not_found() -> None:
    data = ("x\n" * 10 + HEADER + "\n" + ROW).encode()
    assert read(data, max_scan=20).header_line == 11
    with pytest.raises(InputError, match="first 5 lines"):
        read(data, max_scan=5)


def test_unclosed_quote_is_reported_with_its_line() -> None:
    data = (HEADER + "\n" + ROW + '\nA,"' + "x" * 140_000 + "\n").encode()
    with pytest.raises(InputError, match=r"^Connections\.csv could not be read as CSV from line 3"):
        read(data)


def test_thirty_thousand_rows_keep_their_lines() -> None:
    # Speed is measured by benchmarks/bench_ingest_linkedin.py, never asserted here.
    row = 'N{0},"L, {0}",https://www.linkedin.com/in/n{0},,Co,T,08 Jan 2024'
    body = "\n".join(row.format(i) for i in range(30_000))
    data = f"Notes:\n{NOTE}\n\n{HEADER}\n{body}".encode()
    table = read(data)
    assert len(table.rows) == 30_000
    assert table.lines[-1] == 30_004
    assert table.rows["Last Name"].iloc[-1] == "L, 29999"


# --- property: whatever we write, we read back -----------------------------------------------

SPECIALS = st.sampled_from([",", ";", "|", "\t", '"', "\n", "\r\n", "\r", " ", "''"])
UNICODE = st.characters(exclude_categories=("Cs", "Cc"), exclude_characters="\ufffd\ufeff")
# Name-like cp1252 words: an isolated accent is what tells cp1252 apart from other code pages.
CP1252 = st.sampled_from([*"abcXYZ019 -.@", "Zoé", "Müller", "Ångström", "Ñandú", "Øre", "Grüße"])


@st.composite
def exports(draw):
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    alphabet = CP1252 if encoding == "cp1252" else UNICODE
    cell = st.lists(st.one_of(alphabet, SPECIALS), max_size=12).map("".join)
    width = draw(st.integers(3, 5))
    rows = draw(st.lists(st.lists(cell, min_size=width, max_size=width), max_size=8))
    header = ["First Name", "Last Name", "Email Address", "Company", "Position"][:width]
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    preamble = draw(st.booleans())
    return encoding, header, rows, delimiter, ending, preamble


def write_row(row: list[str], delimiter: str, ending: str) -> str:
    """One CSV record as Excel writes it (csv.writer leaves "\n" unquoted when ending is "\r")."""
    special = (delimiter, '"', "\r", "\n")
    quoted = ['"' + c.replace('"', '""') + '"' if any(s in c for s in special) else c for c in row]
    return delimiter.join(quoted) + ending


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exports())
def test_property_round_trip(case) -> None:
    encoding, header, rows, delimiter, ending, preamble = case
    text = f"Notes:{ending}{NOTE}{ending}{ending}" if preamble else ""
    text += write_row(header, delimiter, ending)
    starts = []
    for row in rows:
        starts.append(len(re.findall(r"\r\n|\r|\n", text)) + 1)
        text += write_row(row, delimiter, ending)
    table = read(text.encode(encoding))
    assert list(table.rows.columns) == header
    assert cells(table) == rows
    assert table.lines.tolist() == starts
    assert table.header_line == (4 if preamble else 1)


# --- the fast path (pandas' C parser) reads exactly what the csv module reads -------------------

FAST_HEADER = "First Name,Last Name,Email Address\n"
PIECES = st.sampled_from(["a", "b", " ", ",", '"', "\n", "\r\n", "\r", "\t", '""', "é", "x,y"])


def both_paths(text: str):
    fast = delimited._read_fast(
        text.encode(), text, *delimited._head_of(text), "utf-8", ",", False, score, 2, 60
    )
    try:
        slow = delimited._read_slow(text, "a.csv", ",", False, score, 2, 60, "a list")
    except InputError:
        slow = None
    return fast, slow


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.booleans(), st.lists(PIECES, max_size=30).map("".join))
def test_fast_path_reads_what_the_csv_module_reads(preamble: bool, body: str) -> None:
    text = ("Notes:\n\n" if preamble else "") + FAST_HEADER + body
    fast, slow = both_paths(text)
    if fast is None:  # declined: the csv module decides alone
        return
    assert slow is not None
    (frame, lines, header), (slow_frame, slow_lines, slow_header) = fast, slow
    assert header == slow_header
    assert lines.tolist() == slow_lines.tolist()
    assert list(frame.columns) == list(slow_frame.columns)
    assert frame.values.tolist() == slow_frame.values.tolist()


@pytest.mark.parametrize(
    ("body", "used"),
    [
        ('Ada,Quill,a@x.org\n\n   \n""\n,,\nBo,Ray,\n', True),  # blank lines skipped, lines kept
        ('Ada,"Quill\nJr",a@x.org\nBo,Ray,\n', False),  # a quoted newline: lines need csv
        ("Ada,Quill,a@x.org\rBo,Ray,\r", False),  # old Mac line ends
        ("Ada,Quill\nBo,Ray,b@x.org,extra\n", False),  # a row longer than the first
        ('Ada,Quill,a@x.org\nBo,"Ray\n', False),  # an unclosed quote: csv reports its line
    ],
)
def test_fast_path_only_where_lines_stay_exact(body: str, used: bool) -> None:
    fast, slow = both_paths(FAST_HEADER + body)
    assert (fast is not None) == used
    if used:
        assert fast[1].tolist() == slow[1].tolist() == [2, 6, 7]


# --- sheets ----------------------------------------------------------------------------------


def make_workbook(path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Class of 2019"
    sheet["A1"] = "Alumni list – Engineering"
    sheet.merge_cells("A1:D1")
    sheet.append([])
    sheet.append(["Name", "Class\nYear", "Phone", "Updated", "Active", "Score"])
    sheet.append(["Ada Quill", 2019.0, 4165550123, dt.datetime(2024, 1, 8, 9, 30), True, 2.50])
    sheet.append([])
    sheet.append(["Bo Ray", "'96", None, dt.date(2023, 12, 2), False, 0.1])
    other = book.create_sheet("Notes")
    other["C5"] = "free text"
    book.save(path)


def test_read_sheets_turns_every_cell_into_text(tmp_path: Path) -> None:
    path = tmp_path / "alumni.xlsx"
    make_workbook(path)
    sheets = read_sheets(path, "alumni.xlsx")
    assert [name for name, _ in sheets] == ["Class of 2019", "Notes"]
    grid = sheets[0][1]
    assert grid[0][0] == "Alumni list – Engineering"
    assert grid[3] == ["Ada Quill", "2019", "4165550123", "2024-01-08", "TRUE", "2.5"]
    assert grid[5] == ["Bo Ray", "'96", "", "2023-12-02", "FALSE", "0.1"]
    assert sheets[1][1][4][2] == "free text"  # grid[0] is row 1 even above the used range


def test_grid_table_finds_header_below_title_rows(tmp_path: Path) -> None:
    path = tmp_path / "alumni.xlsx"
    make_workbook(path)
    sheet, grid = read_sheets(path, "alumni.xlsx")[0]
    table = grid_table(grid, "alumni.xlsx", score, sheet=sheet, min_score=2)
    assert table.header_line == 3
    assert table.lines.tolist() == [4, 6]  # the empty row 5 is not a row
    assert list(table.rows.columns)[:3] == ["Name", "Class Year", "Phone"]
    assert table.rows["Class Year"].tolist() == ["2019", "'96"]
    assert (table.name, table.sheet, table.encoding, table.delimiter) == (
        "alumni.xlsx [Class of 2019]",
        "Class of 2019",
        "xlsx",
        "",
    )


def test_grid_table_without_header_names_the_sheet() -> None:
    with pytest.raises(InputError, match=r"^alumni\.xlsx \[Notes\] does not look like"):
        grid_table([["free text"], ["more"]], "alumni.xlsx", score, sheet="Notes")


@pytest.mark.parametrize("content", [b"not a spreadsheet at all", b"PK\x03\x04broken zip", b""])
def test_read_sheets_rejects_corrupt_files(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "alumni.xlsx"
    path.write_bytes(content)
    with pytest.raises(InputError, match=r"^alumni\.xlsx is unreadable as a spreadsheet"):
        read_sheets(path, "alumni.xlsx")


# --- helpers ---------------------------------------------------------------------------------


def test_find_header_first_of_best_and_threshold() -> None:
    rows = [["Notes:"], ["Name", "x"], ["Name", "Class"], ["Class", "Name"]]
    assert find_header(rows, score, 2) == 2
    assert find_header(rows, score, 3) is None
    assert find_header([], score, 0) is None


def test_clean_header() -> None:
    assert clean_header([" First\n Name ", "", "Email", "email", "  "]) == [
        "First Name",
        "column 2",
        "Email",
        "email (2)",
        "column 5",
    ]
