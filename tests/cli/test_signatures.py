"""Each input file is hashed once per run, on a second thread while it is parsed; the workbook's
input list and the history's inputs share that SHA-256 (safety.file_signatures)."""

from __future__ import annotations

import hashlib
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from pipeline import history, run, safety
from pipeline.run import SAMPLE_CONFIG, Inputs, load_settings


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _counting(monkeypatch) -> Counter:
    hashed: Counter = Counter()
    real = safety.file_signature

    def counted(path: Path) -> str:
        hashed[Path(path).name] += 1
        return real(path)

    monkeypatch.setattr(safety, "file_signature", counted)
    return hashed


def test_a_run_hashes_each_input_once_for_the_workbook_and_the_history(
    tmp_path, monkeypatch, today
) -> None:
    hashed = _counting(monkeypatch)
    inputs = Inputs.sample()
    result = run.shortlist(inputs, load_settings(SAMPLE_CONFIG), today=today)
    assert result.signatures == {p: _sha(p) for p in inputs.files}
    out = tmp_path / "shortlist.xlsx"
    pending = history.for_run(result, out, None, off=False, say=lambda _m: None)
    assert pending is not None
    run.write(result, out, what_changed=pending.what_changed())
    pending.commit()
    assert hashed == {p.name: 1 for p in inputs.files}  # not once more by write or history
    stored = history.runs(tmp_path / "history.sqlite")
    assert len(stored) == 1
    with zipfile.ZipFile(out) as book:
        parts = "".join(book.read(n).decode() for n in book.namelist() if n.endswith(".xml"))
    for path in inputs.files:  # the workbook lists each input with the signature made once
        assert _sha(path) in parts


def test_file_signatures_equal_one_by_one_and_leave_out_what_they_cannot_read(tmp_path) -> None:
    small, big, folder = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "dir"
    small.write_bytes(b"Name,Email\nAda,a@x.org\n")
    big.write_bytes(b"x" * 5000)
    folder.mkdir()
    missing = tmp_path / "gone.csv"
    found = safety.file_signatures([small, big, folder, missing], limit=4096)
    assert found == {small: safety.file_signature(small)}  # big: over the limit; dir, missing
    assert safety.signature_of(big, found) == _sha(big)  # hashed where needed, as before
    with pytest.raises(FileNotFoundError):
        safety.signature_of(missing, found)  # its error where it was met before


def test_an_error_in_the_hashing_thread_reaches_the_caller(monkeypatch, today) -> None:
    def broken(path: Path) -> str:
        raise RuntimeError("hashing failed")

    monkeypatch.setattr(safety, "file_signature", broken)
    with pytest.raises(RuntimeError, match="hashing failed"):
        run.shortlist(Inputs.sample(), load_settings(SAMPLE_CONFIG), today=today)


def test_a_file_the_thread_could_not_read_is_hashed_at_write_time(
    tmp_path, monkeypatch, today
) -> None:
    real = safety.file_signature
    failing = [True]

    def flaky(path: Path) -> str:
        if failing:
            raise PermissionError("locked for now")
        return real(path)

    monkeypatch.setattr(safety, "file_signature", flaky)
    inputs = Inputs.sample()
    result = run.shortlist(inputs, load_settings(SAMPLE_CONFIG), today=today)
    assert result.signatures == {}
    failing.clear()
    run.write(result, tmp_path / "s.xlsx")  # hashes them itself, as it did before
    with zipfile.ZipFile(tmp_path / "s.xlsx") as book:
        parts = "".join(book.read(n).decode() for n in book.namelist() if n.endswith(".xml"))
    assert all(_sha(p) in parts for p in inputs.files)
