"""Tiny career-centre inputs and their fixtures: an alumni list, its prepared dataset, students.

All people are invented. The alumni list has 60 people at five employers in five kinds of role,
class years 2004-2023, plus three rows that are not people of their own: an exact repeat (set
aside by ingest), a row without a name (set aside), and the same person listed twice with the
same LinkedIn address (merged by the dedupe).
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

TODAY = date(2026, 11, 28)
FIRST = ("Ada", "Bo", "Cy", "Di", "Ed", "Fay", "Gil", "Hal", "Ivy", "Jo", "Kai", "Lu")
LAST = ("Park", "Chen", "Diaz", "Evans", "Fox")
COMPANIES = ("Shopify", "Google", "RBC", "Acme Labs", "Zeta Health")
TITLES = ("Data Scientist", "Senior Data Scientist", "Product Manager", "Software Engineer",
          "Accountant")  # fmt: skip
HEADER = ["Constituent ID", "First Name", "Last Name", "Class Year", "Degree", "Program",
          "Current Employer", "Current Title", "Email", "LinkedIn URL"]  # fmt: skip


def alumni_rows() -> list[list[str]]:
    rows = []
    for i in range(60):
        first, last = FIRST[i % len(FIRST)], LAST[i // len(FIRST)]
        rows.append(
            [
                f"A{i:03d}",
                first,
                last,
                str(2004 + i % 20),
                "BASc",
                "Systems Design",
                COMPANIES[i % 5],
                TITLES[(i // 5) % 5],
                f"{first}.{last}{i}@example.org".lower(),
                f"https://www.linkedin.com/in/{first}-{last}-{i}".lower(),
            ]
        )
    rows.append(list(rows[3]))  # an exact repeat: set aside by ingest
    rows.append(["A900", "", "", "2010", "", "", "Shopify", "Data Scientist", "", ""])  # no name
    twin = list(rows[7])
    twin[0], twin[6], twin[8] = "A901", f"{twin[6]} Inc.", ""  # same person, listed again
    rows.append(twin)
    return rows


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


CONFIG = {
    "me": {"schools": ["University of Waterloo"]},
    "targets": {"years_ahead": 5.0, "years_tolerance": 3.0},
    "output": {"top_n": 20, "max_per_company": 3},
}


STUDENT_HEADER = ["Student ID", "Name", "Email", "Program", "Degree", "Graduation Year",
                  "Target Roles", "Target Companies", "Locations", "LinkedIn export"]  # fmt: skip
STUDENTS = [
    ["S1", "Mia Stone", "mia@example.edu", "Systems Design", "BASc", "2026", "data scientist",
     "Shopify; Google", "", ""],
    ["S2", "Noor Vale", "noor@example.edu", "Systems Design", "BASc", "2025", "data scientist",
     "Shopify; Google", "", ""],
    ["S3", "Otto Reyes", "otto@example.edu", "History", "BA", "2026", "zookeeper",
     "Nonexistent Corp", "", ""],
    ["S4", "Pia Quinn", "pia@example.edu", "Systems Design", "BASc", "2026", "product manager",
     "RBC", "", ""],
]  # fmt: skip


@pytest.fixture(scope="session")
def centre_settings():
    from pipeline.settings import from_dict

    return from_dict(CONFIG)


@pytest.fixture(scope="session")
def alumni_csv(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("alumni")
    return write_csv(folder / "alumni.csv", HEADER, alumni_rows())


@pytest.fixture(scope="session")
def dataset(alumni_csv, centre_settings, tmp_path_factory) -> Path:
    from pipeline.batch.dataset import prepare

    out = tmp_path_factory.mktemp("prepared") / "alumni.parquet"
    prepare([alumni_csv], centre_settings, out, today=TODAY)
    return out


@pytest.fixture
def students_csv(tmp_path) -> Path:
    return write_csv(tmp_path / "students.csv", STUDENT_HEADER, STUDENTS)
