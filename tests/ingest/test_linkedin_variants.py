"""Every Connections.csv variant users really upload (fixtures/linkedin/), read end to end.

Each case names its fixture, the counts, how the file was read, and a few people by the line
their record starts on: (first name, last name, company, connected on).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from pipeline.errors import InputError
from pipeline.ingest.linkedin import read_connections

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "linkedin"
_spec = importlib.util.spec_from_file_location("_linkedin_fixtures", FIXTURES / "make_fixtures.py")
_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_module)
FILES: dict[str, bytes] = _module.FILES

CASES = [
    # file, (read, accepted, rejected), header line, encoding, delimiter, {line: person}
    (
        "connections_current.csv",
        (9, 8, 1),
        4,
        "utf-8",
        ",",
        {
            5: ("Jane", "Doe", "Northwind Traders", "2024-01-08"),
            6: ("Jason", "Okafor", "Freelance", "2024-01-07"),
            13: ("Lena", "Vogel", ".", "2023-12-31"),
        },
    ),
    (
        "connections_preamble_deleted.csv",
        (3, 3, 0),
        1,
        "utf-8",
        ",",
        {2: ("Ana", "Ruiz", "Acme Corp", "2024-01-08"), 4: ("Cy", "Wu", "Initech", "2024-01-06")},
    ),
    (
        "connections_excel_padded.csv",
        (3, 2, 1),
        4,
        "utf-8",
        ",",
        {5: ("Ana", "Ruiz", "Acme Corp", "2026-01-05"), 6: ("Bo", "Li", "Globex", "2025-12-30")},
    ),
    (
        "connections_blank_lines.csv",
        (2, 2, 0),
        5,
        "utf-8",
        ",",
        {6: ("Ana", "Ruiz", "Acme Corp", "2024-01-08"), 8: ("Bo", "Li", "Globex", "2024-01-07")},
    ),
    (
        "connections_2021_no_url.csv",
        (3, 2, 1),
        4,
        "utf-8",
        ",",
        {5: ("Ana", "Ruiz", "Acme Corp", "2021-03-14"), 6: ("Bo", "Li", "Globex", "2021-02-02")},
    ),
    (
        "connections_2017_tags.csv",
        (3, 3, 0),
        1,
        "utf-8",
        ",",
        {
            2: ("Ana", "Ruiz", "Acme Corp", "2018-01-08 18:14"),
            3: ("Bo", "Li", "Globex", "2017-12-24 09:05"),
            4: ("Cy", "Wu", "", "2016-03-03 12:30"),
        },
    ),
    (
        "connections_user_columns.csv",
        (2, 2, 0),
        1,
        "utf-8",
        ",",
        {2: ("Ana", "Ruiz", "Acme Corp", "2024-01-08"), 3: ("Bo", "Li", "Globex", "2024-01-07")},
    ),
    (
        "connections_utf8_bom.csv",
        (2, 2, 0),
        4,
        "utf-8-sig",
        ",",
        {5: ("Zoë", "Ødegård", "Café Olé", "2024-01-08"), 6: ("José", "Muñoz", "Señor Tech", "")},
    ),
    (
        "connections_utf16_tab.txt",
        (3, 3, 0),
        4,
        "utf-16",
        "\t",
        {
            5: ("Zoë", "Ødegård", "Café Olé", "2024-01-08"),
            6: ("李", "明", "华为", "2024-01-07"),
            7: ("Ada", "Quill", "Acme, Inc.", "2024-01-06"),
        },
    ),
    (
        "connections_cp1252.csv",
        (2, 2, 0),
        4,
        "cp1252",
        ",",
        {
            5: ("Zoé", "Müller", "Café “Olé”", "2024-01-08"),
            6: ("Ñandú", "Ångström", "Señor Tech – R&D", "2024-01-07"),
        },
    ),
    (
        "connections_crlf.csv",
        (2, 2, 0),
        4,
        "utf-8",
        ",",
        {6: ("Bo", "Li", "Globex, Inc.", "2024-01-07")},
    ),
    (
        "connections_semicolon.csv",
        (2, 2, 0),
        4,
        "utf-8",
        ";",
        {5: ("Ana", "Ruiz", "Acme, Inc.", "2009-10-30"), 6: ("Bo", "Li", "Globex", "2026-01-05")},
    ),
    (
        "connections_tab.tsv",
        (2, 2, 0),
        1,
        "utf-8",
        "\t",
        {2: ("Ana", "Ruiz", "Acme, Inc.", "2024-01-08")},
    ),
    (
        "connections_wrapped_rows.csv",
        (2, 2, 0),
        4,
        "utf-8",
        ",",
        {5: ("Ana", "Ruiz", "Acme, Inc.", "2024-01-08"), 6: ("Bo", "Li", "Globex", "2024-01-07")},
    ),
    (
        "connections_quoted_fields.csv",
        (3, 3, 0),
        4,
        "utf-8",
        ",",
        # Bo's position spans lines 6-8, so Cy starts on line 9.
        {
            5: ("Ana", "Ruiz", "Acme, Inc.", "2024-01-08"),
            6: ("Bo", "Li", "Globex", "2024-01-07"),
            9: ("Cy", "Wu", 'Initech "R&D"', "2024-01-06"),
        },
    ),
    (
        "connections_mixed_dates.csv",
        (13, 13, 0),
        1,
        "utf-8",
        ",",
        {
            2: ("Ana", "Ruiz", "Acme", "2024-01-08"),
            3: ("Bo", "Li", "Globex", "2026-01-05"),
            4: ("Cy", "Wu", "Initech", "2018-01-08 18:14"),
            5: ("Di", "Xu", "Umbrella", "2024-03-15"),
            6: ("Ed", "Yi", "Hooli", "2009-10-30"),
            7: ("Fa", "Zu", "Vandelay", "2026-01-05"),
            8: ("Gu", "Ab", "Stark", "2024-02-03"),
            9: ("Ha", "Bc", "Wayne", "2023-03-12"),
            10: ("Io", "Cd", "Wonka", "2022-12-07"),
            11: ("Ju", "De", "Tyrell", "2021-05-01"),
            12: ("Ka", "Ef", "Cyberdyne", None),  # unreadable: kept, date empty
            13: ("Lu", "Fg", "Soylent", "2022-10-15"),  # Portuguese "out"(ubro)
            14: ("Mo", "Gh", "Oscorp", "2021-09-03"),  # Portuguese "set"(embro)
        },
    ),
    (
        "connections_na_text.csv",
        (3, 3, 0),
        4,
        "utf-8",
        ",",
        {
            5: ("NA", "None", "None", "2024-01-08"),
            6: ("Null", "N/A", "N/A", "2024-01-07"),
            7: ("Nan", "Nguyen", "NA", "2024-01-06"),
        },
    ),
    (
        "connections_concatenated.csv",
        (7, 3, 4),
        4,
        "utf-8",
        ",",
        {
            5: ("Ana", "Ruiz", "Acme Corp", "2024-01-08"),
            6: ("Bo", "Li", "Globex", "2024-01-07"),  # "Notes:" was glued to this date
            10: ("Cy", "Wu", "Initech", "2024-02-09"),
        },
    ),
    (
        "connections_mixed_encodings.csv",
        (4, 4, 0),
        4,
        "utf-8",
        ",",
        {
            5: ("Zoë", "Ødegård", "Café Olé", "2024-01-08"),  # UTF-8
            6: ("José", "Müller", "Señor Tech", "2024-01-07"),  # cp1252
            7: ("Renée Dupré", "Ruiz", "Acme", "2024-01-06"),  # both in one cell
        },
    ),
    (
        "connections_damaged_utf8.csv",
        (4, 4, 0),
        4,
        "utf-8",
        ",",
        {
            5: ("Jo\ufffdo", "Silva", "Acme", "2024-01-08"),
            6: ("M\ufffdra", "Novak", "Globex", "2024-01-07"),  # a stray 0xFD, not "ý"
            7: ("Ren\ufffde", "Dubois", "Initech", "2024-01-06"),  # a sequence cut short
            8: ("Zoë", "Ng", "Hooli", "2024-01-05"),
        },
    ),
    (
        "connections_missing_last_name.csv",
        (2, 2, 0),
        1,
        "utf-8",
        ",",
        {2: ("Ana", "", "Acme Corp", "2024-01-08"), 3: ("Bo", "", "Globex", "2024-01-07")},
    ),
    (
        "connections_display_text.csv",
        (4, 4, 0),
        4,
        "utf-8",
        ",",
        {
            5: ("Ana", "Ruiz", "Brand™ Labs", "2024-01-08"),
            6: ("Yi Jun", "Kim Park", "Acme", "2024-01-07"),
            7: ("Bo", "Ng", "Globex", "2024-01-06"),
            8: ("Cy", "Wu", "Initech", "2024-01-05"),
        },
    ),
]


def read(name: str):
    return read_connections((FIXTURES / name).read_bytes(), name)


def test_every_fixture_has_a_case_and_is_up_to_date() -> None:
    on_disk = sorted(p.name for p in FIXTURES.glob("connections_*"))
    assert on_disk == sorted(case[0] for case in CASES) == sorted(FILES)
    for name, data in FILES.items():
        assert (FIXTURES / name).read_bytes() == data, f"run make_fixtures.py ({name})"


@pytest.mark.parametrize(
    ("name", "counts", "header_line", "encoding", "delimiter", "people"),
    CASES,
    ids=[case[0] for case in CASES],
)
def test_variant(name, counts, header_line, encoding, delimiter, people) -> None:
    got = read(name)
    report = got.reports[0]
    assert (report.read, report.accepted, report.rejected) == counts
    assert report.read == report.accepted + report.rejected
    assert len(got.people) == report.accepted
    assert (got.ledger["outcome"] == "rejected").sum() == report.rejected
    assert report.details["header line"].split()[0] == str(header_line)
    assert report.details["delimiter"].startswith(
        {",": "comma", ";": "semicolon", "\t": "tab"}[delimiter]
    )
    assert got.people["source_row"].is_unique
    by_line = got.people.set_index("source_row")
    for line, (first, last, company, when) in people.items():
        row = by_line.loc[line]
        assert (row["first_name"], row["last_name"], row["company"]) == (first, last, company)
        if when is None:
            assert pd.isna(row["connected_on"])
        elif when:
            assert row["connected_on"] == pd.Timestamp(when)
    assert got.people["record_id"].tolist() == [
        f"connections:{n}" for n in got.people["source_row"]
    ]
    assert encoding == _encoding_of(report.details["encoding"])


def _encoding_of(label: str) -> str:
    words = {
        "UTF-8,": "utf-8",
        "UTF-8 with BOM": "utf-8-sig",
        "UTF-16 (Excel": "utf-16",
        "Windows-1252": "cp1252",
    }
    return next(v for k, v in words.items() if label.startswith(k))


def test_current_export_cleans_names_slugs_and_flags_placeholders() -> None:
    people = read("connections_current.csv").people.set_index("source_row")
    assert people.loc[5, ["last_name", "credentials", "linkedin_slug"]].tolist() == [
        "Doe",
        "P.Eng., MASc.",
        "jane-doe-4a1",
    ]
    # Math-bold letters, a flag and pronouns go; zero-width and bidi marks too.
    assert people.loc[6, "full_name"] == "Jason Okafor"
    assert people.loc[8, ["first_name", "last_name", "email"]].tolist() == [
        "Mei",
        "Lin Tanaka",
        "mei@example.org",
    ]
    # Percent-encoded, mixed-case URL: decoded, lower-case slug. PMP® is a credential.
    assert people.loc[9, ["linkedin_slug", "credentials"]].tolist() == ["mária-alvarez", "PMP"]
    assert people.loc[10, "full_name"] == "Théo Brun"
    flags = people["company_placeholder"].to_dict()
    assert flags == {5: False, 6: True, 8: True, 9: True, 10: True, 11: True, 12: True, 13: True}
    # Placeholders are flagged, never rewritten.
    assert people.loc[8, "company"] == "Stealth Startup" and people.loc[12, "title"] == "."
    ledger = read("connections_current.csv").ledger
    assert ledger[["source_row", "reason"]].values.tolist() == [
        [7, "ghost row (deleted member: only a date)"]
    ]


def test_mixed_dates_report_formats_and_keep_the_unreadable_row() -> None:
    got = read("connections_mixed_dates.csv")
    kept = got.ledger[got.ledger["outcome"] == "kept"]
    assert kept[["source_row", "reason"]].values.tolist() == [[12, "unparseable date kept empty"]]
    formats = got.reports[0].details["date formats"]
    assert "D-Mon-YY (5)" in formats and "M/D/YY h:mm AM/PM (1)" in formats
    assert "1 unreadable, kept empty" in formats


def test_concatenated_exports_are_sections_with_duplicates_reported() -> None:
    got = read("connections_concatenated.csv")
    reasons = dict(zip(got.ledger["source_row"], got.ledger["reason"], strict=True))
    assert reasons == {
        7: "LinkedIn's Notes preamble again (exports joined into one file)",
        9: "header row again (exports joined into one file)",
        11: "duplicate of row 5",  # Ana again, with an upper-case URL
        12: "duplicate of row 6",
    }
    assert "2 exports joined" in got.reports[0].details["format"]


def test_joined_exports_with_different_columns_map_each_section_by_its_header() -> None:
    older = "First Name,Last Name,Email Address,Company,Position,Connected On\n"
    newer = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    data = (
        newer
        + "Ana,Ruiz,https://www.linkedin.com/in/ana-ruiz,,Acme,Analyst,08 Jan 2024\n"
        + older
        + "Bo,Li,,Globex,Engineer,14 Mar 2021\n"
        + "Ana,Ruiz,,Acme,Analyst,01 Feb 2021\n"
    ).encode()
    got = read_connections(data, "Connections.csv")
    people = got.people.set_index("source_row")
    assert people.loc[4, ["company", "title", "linkedin_slug"]].tolist() == [
        "Globex",
        "Engineer",
        "",
    ]
    assert people.loc[4, "connected_on"] == pd.Timestamp("2021-03-14")
    # Without a URL Ana's older row differs in its date: not provably the same row, kept.
    assert len(people) == 3


def test_without_url_a_row_repeated_in_every_field_is_a_duplicate() -> None:
    got = read("connections_2021_no_url.csv")
    data = (FIXTURES / "connections_2021_no_url.csv").read_bytes()
    rows = data.split(b"\n")
    doubled = read_connections(b"\n".join([*rows, *rows[4:6]]), "Connections.csv")
    assert len(doubled.people) == len(got.people)
    assert doubled.ledger["reason"].tolist()[-2:] == ["duplicate of row 5", "duplicate of row 6"]


def test_user_columns_are_kept_and_reported() -> None:
    got = read("connections_user_columns.csv")
    people = got.people.set_index("source_row")
    assert people.loc[2, ["How we met", "Follow up?", "email", "title"]].tolist() == [
        "Hackathon 2023",
        "yes",
        "",
        "",
    ]
    details = got.reports[0].details
    assert details["columns missing"] == "Email Address, Position"
    assert details["extra columns kept"] == "How we met, Follow up?"


def test_a_user_column_never_replaces_a_people_column() -> None:
    data = b"First Name,Last Name,Company,School\nAna,Ruiz,Acme,Somewhere U\n"
    people = read_connections(data, "Connections.csv").people
    assert people.loc[0, "school"] == ""
    assert people.loc[0, "School (from file)"] == "Somewhere U"


def test_old_export_keeps_tags() -> None:
    people = read("connections_2017_tags.csv").people
    assert people["tags"].tolist() == ["Colleagues", "", "Classmates, Friends"]
    assert people["email"].tolist() == ["ana@example.com", "", ""]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", r"^Connections\.csv is empty"),
        (b"\x00\x01\x02\x03" * 100, r"^Connections\.csv is not a text file"),
        (b"PK\x03\x04" + b"\x00" * 50, r"^Connections\.csv is not a text file"),
        (b"Date,Amount,Payee\n2024-01-02,5.00,Cafe\n", r"^Connections\.csv does not look like"),
        (b"\n\n\n", r"^Connections\.csv is empty"),
    ],
)
def test_files_that_are_not_connections_name_the_file(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        read_connections(data, "Connections.csv")
    text = str(caught.value)
    assert text.count(".") >= 1 and "\n" not in text  # one sentence, no traceback material


def test_looks_like_connections_by_content(tmp_path: Path) -> None:
    from pipeline.ingest.linkedin import looks_like_connections

    renamed = tmp_path / "my contacts.csv"
    for name in FILES:
        renamed.write_bytes(FILES[name])
        assert looks_like_connections(renamed), name
    for content in (b"Name,Class,Employer\nAna,2019,Acme\n", b"\x00\x01" * 50, b""):
        renamed.write_bytes(content)
        assert not looks_like_connections(renamed)
    assert not looks_like_connections(tmp_path / "missing.csv")
