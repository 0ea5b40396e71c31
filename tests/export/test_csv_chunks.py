"""The All candidates CSV's rows are made in chunks by the thread that writes them and, once
the workbook is written, by the workbook's thread too (table_csv.Chunks, Alongside's helper):
the bytes are those one thread makes, and a failed chunk's error is the one the first failing
chunk gives, as when one thread made them in order."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline.export import table_csv
from pipeline.export.table_csv import Chunks, write_table_csv


def _run(count: int, make, seed: int, help_at: float | None = 0.0) -> tuple[list, list]:
    """Chunks written by a writer thread while this thread helps after ``help_at`` seconds
    (None: never); (what was written, which thread made each chunk)."""
    chunks, written, makers = Chunks(), [], {}
    rng = np.random.default_rng(seed)
    pauses = rng.random(count) * 0.004

    def made(k: int) -> object:
        time.sleep(pauses[k])
        makers[k] = threading.current_thread().name
        return make(k)

    failure: list[BaseException] = []

    def writer() -> None:
        try:
            chunks.write(count, made, written.append)
        except BaseException as error:  # the test looks at it
            failure.append(error)

    thread = threading.Thread(target=writer, name="writer")
    thread.start()
    if help_at is not None:
        time.sleep(help_at)
        while thread.is_alive():  # (the writer may not have begun yet)
            chunks.help()
    thread.join()
    return (failure or written), [makers.get(k) for k in range(count)]


@pytest.mark.parametrize("seed", range(8))
def test_written_in_order_whoever_made_them(seed: int) -> None:
    count = 1 + seed * 5
    written, makers = _run(count, lambda k: f"chunk {k};", seed, help_at=0.001 * (seed % 3))
    assert written == [f"chunk {k};" for k in range(count)]
    if seed >= 4:
        assert "MainThread" in makers and "writer" in makers  # both made some


def test_no_help_and_no_chunks() -> None:
    assert _run(5, str, 1, help_at=None)[0] == ["0", "1", "2", "3", "4"]
    assert _run(0, str, 1)[0] == []
    Chunks().help()  # before any writer: nothing to do, no error


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("also_8", [True, False])
def test_the_first_failed_chunks_error_is_raised(seed: int, also_8: bool) -> None:
    """Chunk 7 fails (late, when 8 fails at once too; else at once, the others slow): chunk
    7's error, whichever threads made them, and no chunk is begun once one has failed."""

    def make(k: int) -> str:
        time.sleep(0.03 if k == 7 and also_8 else 0 if k == 7 else 0.003)
        if k == 7 or (k == 8 and also_8):
            raise ValueError(f"chunk {k} failed")
        return str(k)

    written, makers = _run(40, make, seed, help_at=0.001 * (seed % 3))
    assert len(written) == 1 and isinstance(written[0], ValueError)
    assert str(written[0]) == "chunk 7 failed"
    assert makers[10:] == [None] * 30


def test_a_write_error_reaches_the_writer() -> None:
    chunks = Chunks()

    def out(data: object) -> None:
        if data == "3":
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        chunks.write(6, str, out)
    chunks.help()  # after the writer is gone: nothing


def test_the_csv_is_the_same_with_a_helper(tmp_path: Path, monkeypatch) -> None:
    """write_table_csv with the workbook's thread helping gives the file one thread gives."""
    monkeypatch.setattr(table_csv, "CHUNK", 7)
    rng = np.random.default_rng(2)
    n = 300
    frame = pd.DataFrame(
        {
            "Name": pd.Series([f'=Ann "{i}", Lee' if i % 9 == 0 else f"P{i}" for i in range(n)],
                              dtype="str"),
            "Score": rng.random(n).round(3),
            "Rank": pd.array(np.arange(n), dtype="Int64"),
        }
    )  # fmt: skip
    alone = write_table_csv(tmp_path / "alone.csv", frame).read_bytes()
    chunks = Chunks()
    thread = threading.Thread(target=write_table_csv, args=(tmp_path / "both.csv", frame, chunks))
    thread.start()
    while thread.is_alive():
        chunks.help()
    thread.join()
    assert (tmp_path / "both.csv").read_bytes() == alone
    assert alone.count(b"\r\n") == n + 1


def test_the_workbooks_thread_helps_once_its_file_is_written(tmp_path: Path, monkeypatch) -> None:
    """write_workbook lends its thread to the All candidates CSV (Alongside's helper)."""
    from tests.export.test_alongside import _many
    from tests.export.test_workbook import write

    monkeypatch.setattr(table_csv, "CHUNK", 1)
    makers: set[str] = set()
    lines = table_csv._lines

    def slow(fields):
        time.sleep(0.01)
        makers.add(threading.current_thread().name)
        return lines(fields)

    monkeypatch.setattr(table_csv, "_lines", slow)
    write(tmp_path / "out.xlsx", _many(200), all_rows=12)
    assert "MainThread" in makers and len(makers) == 2
    text = (tmp_path / "out.all-candidates.csv").read_bytes()
    assert text.count(b"\r\n") == 201
