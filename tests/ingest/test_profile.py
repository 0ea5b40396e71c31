import zipfile
from datetime import date

import pytest

from pipeline.ingest.archive import open_export
from pipeline.ingest.profile import Education, Position, Profile, describe, read_profile
from pipeline.run import SAMPLE_EXPORT


def test_sample_profile():
    p = read_profile(open_export(SAMPLE_EXPORT))
    assert p.name == "Avery Chen"
    assert p.schools == ("University of Waterloo",)
    assert p.grad_year() == 2025  # the BASc, not the MMath expected in 2027
    assert max(e.end_year for e in p.education) == 2027
    assert p.career_start() is not None  # the research assistant role, not the co-ops
    assert any(pos.is_training for pos in p.positions)


def test_missing_files_give_an_empty_profile(tmp_path):
    path = tmp_path / "Basic_LinkedInDataExport_01-01-2026.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("Connections.csv", "First Name,Last Name,Company\nA,B,C\n")
    p = read_profile(open_export(path))
    assert p.name == "" and p.grad_year() is None and p.career_start() is None


def test_internships_do_not_start_a_career(tmp_path):
    path = tmp_path / "export"
    path.mkdir()
    (path / "Positions.csv").write_text(
        "Company Name,Title,Description,Location,Started On,Finished On\n"
        "Acme,Data Analyst,,,Sep 2024,\n"
        "Shopify,Data Science Intern,,,May 2023,Aug 2023\n"
        "RBC,Software Developer Co-op,,,Jan 2022,Apr 2022\n",
        encoding="utf-8",
    )
    (path / "Connections.csv").write_text("First Name,Last Name\n", encoding="utf-8")
    p = read_profile(open_export(path))
    assert p.career_start() == 2024


def _export(tmp_path, files: dict[str, str]):
    root = tmp_path / "export"
    root.mkdir()
    (root / "Connections.csv").write_text("First Name,Last Name,Company\n", encoding="utf-8")
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return open_export(root)


EDU_HEADER = "School Name,Start Date,End Date,Notes,Degree Name,Activities\n"
POS_HEADER = "Company Name,Title,Description,Location,Started On,Finished On\n"


def test_several_degrees_with_mon_yyyy_dates_and_a_future_end(tmp_path):
    export = _export(
        tmp_path,
        {
            "Education.csv": EDU_HEADER
            + "Somewhere U,Sep 2027,Apr 2029,,Master of Science - MS,\n"
            + "Somewhere U,Sep 2021,Apr 2025,,Bachelor of Arts - BA,\n"
            + "Other College,2019,2021,,Diploma,\n"
            + ",,,,,\n",
        },
    )
    p = read_profile(export)
    assert [(e.school, e.start_year, e.end_year) for e in p.education] == [
        ("Somewhere U", 2027, 2029),
        ("Somewhere U", 2021, 2025),
        ("Other College", 2019, 2021),
    ]
    assert p.schools == ("Somewhere U", "Other College")
    assert p.grad_year() == 2021  # earliest non-graduate degree
    today = date(2026, 11, 28)
    assert p.expected_graduation(today) == 2029
    assert [e.is_expected(today) for e in p.education] == [True, False, False]
    assert [e.is_graduate for e in p.education] == [True, False, False]


@pytest.mark.parametrize(
    ("end", "today", "expected"),
    [
        ("2026", date(2026, 5, 1), True),  # a bare year counts as June
        ("2026", date(2026, 7, 1), False),
        ("Dec 2026", date(2026, 11, 28), True),
        ("Nov 2026", date(2026, 11, 28), False),
        ("", date(2026, 11, 28), False),
    ],
)
def test_expected_graduation_is_a_future_end(tmp_path, end, today, expected):
    export = _export(tmp_path, {"Education.csv": EDU_HEADER + f"U,2022,{end},,BSc,\n"})
    (edu,) = read_profile(export).education
    assert edu.is_expected(today) is expected


def test_positions_dates_current_and_training(tmp_path):
    export = _export(
        tmp_path,
        {
            "Positions.csv": POS_HEADER
            + 'Acme,"Data Analyst",,,Sep 2024,\n'
            + "Globex,Summer Analyst,,,Jun 2023,Aug 2023\n"
            + "Initech,Werkstudent Data,,,Jan 2023,Mar 2023\n"
            + "Intl Corp,International Sales Coordinator,,,Mar 2021,Dec 2022\n"
            + ",,,,,\n",
            "Profile.csv": "First Name,Last Name,Headline,Industry\n"
            + "𝐑𝐨𝐛𝐢𝐧 🎓,Vale,Analyst | ex-Globex,Financial Services\n",
        },
    )
    p = read_profile(export)
    assert (p.name, p.headline, p.industry) == (
        "Robin Vale",
        "Analyst | ex-Globex",
        "Financial Services",
    )
    assert [(x.company, x.start, x.end, x.is_training) for x in p.positions] == [
        ("Acme", (2024, 9), (None, None), False),
        ("Globex", (2023, 6), (2023, 8), True),
        ("Initech", (2023, 1), (2023, 3), True),
        ("Intl Corp", (2021, 3), (2022, 12), False),  # "International" is not "intern"
    ]
    assert p.positions[0].is_current and not p.positions[1].is_current
    assert p.career_start() == 2021


def test_unreadable_optional_file_is_skipped(tmp_path):
    export = _export(tmp_path, {"Education.csv": "\x00\x01binary", "Profile.csv": ""})
    p = read_profile(export)
    assert p == Profile()


def test_describe_reads_well():
    p = Profile(
        name="Robin Vale",
        headline="Student",
        industry="Higher Education",
        education=(Education("Somewhere U", "BSc", 2022, 2027, 4),),
        positions=(Position("Acme", "Data Intern", (2024, 5), (2024, 8), True),),
    )
    assert describe(p, date(2026, 11, 28)) == [
        "headline: Student",
        "industry: Higher Education",
        "education: BSc, Somewhere U, 2022–2027 (expected)",
        "position: Data Intern at Acme, May 2024 – Aug 2024 [internship/co-op]",
        "first graduation: 2027; expected graduation: 2027; career start: unknown (only "
        "internships/co-ops or no positions)",
    ]
