"""A sheet's cells made text a column at a time (sheets.text_cells, sheets.Grid) give exactly
what the per-cell conversion (sheets.cell_text) and the row-by-row table (table.frame_of) gave,
on hostile cells: dates, floats such as 2016.0, huge and odd numbers, booleans, errors, empty
cells, text of spaces, ragged and blank rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from pipeline.ingest.sheets import Grid, cell_text, grid_table, read_sheets, text_cells
from pipeline.ingest.table import find_header, frame_of

HOSTILE = [
    "text", "", "   ", "\t", " padded ", "=1+1", "2016",
    2016.0, -0.0, 0.1, 2.5, 1e-05, 1.5e16, 1e20, 9.2e18, 2.0**63, -(2.0**70), 123456789.0,
    float("nan"), float("inf"), float("-inf"),
    True, False, None,
    0, 7, -3, 2**70,
    dt.datetime(2024, 1, 8), dt.datetime(1999, 12, 31, 23, 59, 59), dt.date(2023, 12, 2),
    dt.time(9, 30), dt.timedelta(days=2, hours=3),
    np.float64(2019.0), np.float64(0.25), np.bool_(True),
]  # fmt: skip


def _column(values: list[object]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def test_text_cells_equals_cell_text_on_hostile_cells() -> None:
    column = _column(HOSTILE * 3)
    expected = [cell_text(v) for v in column]
    got = text_cells(column)
    assert got.tolist() == expected
    assert all(type(v) is str for v in got)
    assert expected[7:10] == ["2016", "0", "0.1"]  # Excel's float noise gone, fractions kept
    assert column.tolist()[:3] == ["text", "", "   "]  # the cells read are left as they were


def test_text_cells_keeps_an_all_text_column_as_it_is() -> None:
    column = _column(["a", "b", ""])
    assert text_cells(column) is column


cells = st.one_of(
    st.text(max_size=6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1e22, max_value=1e22).map(float.__floor__).map(float),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.booleans(),
    st.none(),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1)),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)),
    st.times(),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(cells, max_size=40))
def test_text_cells_equals_cell_text_on_any_mix(values: list[object]) -> None:
    assert text_cells(_column(values)).tolist() == [cell_text(v) for v in values]


def _old_grid_table(rows: list[list[object]], score, max_scan: int = 60):
    """The row-by-row reading this replaced: every cell through cell_text, blank rows found by
    Python per row, the frame built by table.frame_of."""
    grid = [[cell_text(v) for v in row] for row in rows]
    h = find_header(grid[:max_scan], score, 1)
    if h is None:
        return None
    keep = [i for i in range(h + 1, len(grid)) if any(map(str.strip, grid[i]))]
    return h, frame_of(grid[h], [grid[i] for i in keep]), np.asarray(keep, dtype=np.int64) + 1


def _score(cells) -> float:
    return sum(1 for c in cells if c.lower() in {"name", "class", "email", "name (2)"})


sheet_cells = st.one_of(
    st.sampled_from(["", " ", "\u3000", "Name", "name", "Class", "Email", "column 3", "x"]),
    st.text(alphabet=" ab\t", max_size=3),
    st.sampled_from([None, 2016.0, 0.5, True, dt.datetime(2020, 5, 1)]),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(sheet_cells, max_size=6), min_size=1, max_size=12))
def test_grid_table_equals_the_row_by_row_table(rows: list[list[object]]) -> None:
    old = _old_grid_table(rows, _score)
    if old is None:
        with pytest.raises(Exception, match="does not look like"):
            grid_table(Grid.of_rows(rows), "a.xlsx", _score, min_score=1)
        return
    h, frame, lines = old
    table = grid_table(Grid.of_rows(rows), "a.xlsx", _score, min_score=1)
    assert table.header_line == h + 1
    assert table.lines.tolist() == lines.tolist()
    pd.testing.assert_frame_equal(table.rows, frame, check_exact=True)
    # a list of rows of text (as the other callers give) reads the same
    text_rows = [[cell_text(v) for v in row] for row in rows]
    again = grid_table(text_rows, "a.xlsx", _score, min_score=1)
    pd.testing.assert_frame_equal(again.rows, frame, check_exact=True)


def test_grid_reads_as_its_rows() -> None:
    grid = Grid.of_rows([["Name", "Class", 2019.0], ["Ada"], [], [None, True]])
    assert len(grid) == 4
    assert grid[1] == ["Ada", "", ""] and grid[-1] == ["", "TRUE", ""]
    assert grid[:2] == [["Name", "Class", "2019"], ["Ada", "", ""]]
    assert list(grid)[2] == ["", "", ""]
    with pytest.raises(IndexError):
        grid[4]
    assert grid.filled_rows(1).tolist() == [1, 3]
    assert len(Grid.of_rows([])) == 0 and Grid.of_rows([]).filled_rows(0).tolist() == []


def test_read_sheets_equals_calamine_cells_made_text_one_by_one(tmp_path: Path) -> None:
    path = tmp_path / "alumni.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Alumni"
    sheet.append(["Name", "Class Year", "Joined", "Active", "Score", "Note"])
    sheet.append(["Ada", 2016, dt.datetime(2024, 1, 8, 10, 30), True, 1e20, "#N/A"])
    sheet.append(["Bo", 2016.5, dt.date(2023, 12, 2), False, -0.0, None])
    sheet.append([None, None, None, None, None, None])
    sheet.append(["  ", 12345678901234567890, dt.time(9, 30), None, 0.1, "=1/0"])
    sheet["F2"].data_type = "e"  # an error cell, as Excel saves #N/A
    book.save(path)
    calamine = CalamineWorkbook.from_path(str(path))
    raw = calamine.get_sheet_by_name("Alumni").to_python(skip_empty_area=False)
    name, grid = read_sheets(path, "alumni.xlsx")[0]
    assert name == "Alumni"
    assert list(grid) == [[cell_text(v) for v in row] for row in raw]
    assert grid[1][:5] == ["Ada", "2016", "2024-01-08", "TRUE", "100000000000000000000"]
