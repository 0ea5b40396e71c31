"""The CSVs beside the workbook are written on a second thread while it is written
(files.Alongside): the same files as written one after the other, and the errors they had when
they were written before the workbook (the old workbook stays, no temporary file is left)."""

from __future__ import annotations

import threading
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline.errors import OutputError
from pipeline.export import workbook
from pipeline.export.files import Alongside, replace_atomically
from tests.export.test_workbook import ranked_frame, write


class _Serial:
    """Alongside as the files were written before it: every job first, in order, on this
    thread."""

    def __init__(self, jobs, helpers=()) -> None:
        self._jobs = list(jobs)

    def __enter__(self) -> _Serial:
        for job in self._jobs:
            job()
        return self

    def wait(self) -> None:
        pass

    def __exit__(self, *_: object) -> None:
        return None


def _many(n: int = 40) -> pd.DataFrame:
    """``n`` ranked people at a handful of employers, hostile text among them."""
    base = ranked_frame()
    rows = base.iloc[np.arange(n) % len(base)].reset_index(drop=True)
    rows["rank"] = np.arange(1, n + 1)
    rows["prospect_id"] = [f"p{i}" for i in range(n)]
    rows["company"] = [f'=Co {i % 7}, "Ltd"' for i in range(n)]
    rows["company_key"] = [f"co{i % 7}" for i in range(n)]
    return rows


def _pairs(n: int = 30) -> pd.DataFrame:
    rng = np.random.default_rng(5)
    return pd.DataFrame(
        {
            "left_name": [f'=HYPERLINK("x{i}")' if i % 4 == 0 else f"L{i}" for i in range(n)],
            "right_name": [f"R{i}" for i in range(n)],
            "probability": rng.random(n).round(3),
        }
    )


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_threaded_files_equal_the_serial_ones(tmp_path: Path, monkeypatch) -> None:
    options = {"matches": _pairs(), "matches_rows": 5, "all_rows": 12}
    threaded, serial = tmp_path / "threaded", tmp_path / "serial"
    threaded.mkdir()
    serial.mkdir()
    said: list[str] = []
    write(threaded / "out.xlsx", _many(), messages=said, **options)
    monkeypatch.setattr(workbook, "Alongside", _Serial)
    said_serially: list[str] = []
    write(serial / "out.xlsx", _many(), messages=said_serially, **options)
    assert said == said_serially
    assert _files(threaded) == _files(serial) == [
        "out.all-candidates.csv", "out.matches.csv", "out.xlsx"
    ]  # fmt: skip
    for name in ("out.all-candidates.csv", "out.matches.csv"):
        assert (threaded / name).read_bytes() == (serial / name).read_bytes(), name
    assert _parts(threaded / "out.xlsx") == _parts(serial / "out.xlsx")
    assert not [t for t in threading.enumerate() if t.name.startswith("prospects-alongside")]


def test_a_csv_that_fails_stops_the_workbook_with_its_own_error(tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"old workbook")
    (tmp_path / "out.all-candidates.csv").mkdir()  # the CSV cannot be written
    with pytest.raises(OutputError, match=r"out\.all-candidates\.csv is a folder"):
        write(out, _many(), matches=_pairs(), matches_rows=5, all_rows=12)
    assert out.read_bytes() == b"old workbook"  # not replaced, no backup made
    # no temporary file left, and the matches CSV (written after it) not begun
    assert _files(tmp_path) == ["out.all-candidates.csv", "out.xlsx"]


def test_the_matches_csv_refused_when_open(tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    (tmp_path / "~$out.matches.csv").write_text("")
    with pytest.raises(OutputError, match=r"out\.matches\.csv is open in Excel"):
        write(out, _many(), matches=_pairs(), matches_rows=5, all_rows=12)
    # the All candidates CSV came first, as before; no workbook, no temporary file
    assert _files(tmp_path) == ["out.all-candidates.csv", "~$out.matches.csv"]


def test_a_failed_job_wins_over_the_main_files_error(tmp_path: Path) -> None:
    main, later = tmp_path / "main.txt", tmp_path / "later.txt"
    main.write_text("old")

    def fails() -> None:
        raise OutputError("the side file cannot be written")

    def broken(temp: Path) -> None:
        temp.write_text("half")
        raise ValueError("the main file's own error")

    with (
        pytest.raises(OutputError, match="the side file") as raised,
        Alongside([fails, lambda: later.write_text("x")]),
    ):
        replace_atomically(main, broken, backup=True)
    assert raised.value.__suppress_context__
    assert main.read_text() == "old"
    assert _files(tmp_path) == ["main.txt"]  # the later job not run, no temporary file


def test_the_main_files_error_when_the_jobs_succeed(tmp_path: Path) -> None:
    side = tmp_path / "side.txt"

    def broken(temp: Path) -> None:
        raise ValueError("the main file's own error")

    with (
        pytest.raises(ValueError, match="the main file's own error"),
        Alongside([lambda: side.write_text("whole")]),
    ):
        replace_atomically(tmp_path / "main.txt", broken, backup=False)
    assert side.read_text() == "whole"  # the side file was written, as it was before
    assert _files(tmp_path) == ["side.txt"]


def test_wait_raises_in_the_write_and_jobs_run_in_order(tmp_path: Path) -> None:
    order: list[int] = []
    seen: list[str] = []
    with Alongside([lambda: order.append(1), lambda: order.append(2)]) as side:
        side.wait()
        seen.append(threading.current_thread().name)
    assert order == [1, 2]
    assert seen == [threading.main_thread().name]
    with pytest.raises(KeyError), Alongside([lambda: {}["missing"]]) as side:
        with pytest.raises(Exception) as stopped:
            side.wait()
        assert type(stopped.value).__name__ == "_JobFailed"
        assert not isinstance(stopped.value, OSError)  # replace_atomically lets it through
        raise stopped.value


def test_no_jobs_no_thread() -> None:
    before = threading.active_count()
    with Alongside([]) as side:
        assert threading.active_count() == before
        side.wait()
