"""Fixtures of the career-centre tests: the tiny inputs of centre_data.py, prepared once."""

from __future__ import annotations

from pathlib import Path

import pytest
from centre_data import CONFIG, HEADER, STUDENT_HEADER, STUDENTS, TODAY, alumni_rows, write_csv

from pipeline.batch.dataset import prepare
from pipeline.settings import from_dict


@pytest.fixture(scope="session")
def centre_settings():
    return from_dict(CONFIG)


@pytest.fixture(scope="session")
def alumni_csv(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("alumni")
    return write_csv(folder / "alumni.csv", HEADER, alumni_rows())


@pytest.fixture(scope="session")
def dataset(alumni_csv, centre_settings, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("prepared") / "alumni.parquet"
    prepare([alumni_csv], centre_settings, out, today=TODAY)
    return out


@pytest.fixture
def students_csv(tmp_path) -> Path:
    return write_csv(tmp_path / "students.csv", STUDENT_HEADER, STUDENTS)
