"""Nothing overwritten, nothing that crashes (issue 16): one test (or several) per numbered item.

Each asserts the exit code, the one error line, and that no input (nor a previous workbook)
changed. Hostile files are made at test time by tests/cli/hostile.py.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline import run
from pipeline.cli import app
from pipeline.errors import OutputError
from pipeline.progress import without_progress
from tests.cli import hostile

runner = CliRunner()
ALUMNI_CSV = "First Name,Last Name,Company,Class Year\nAda,Park,Acme,2019\nBo,Li,Globex,2018\n"


def _snapshot(*paths: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in paths}


def _one_error(result, fragment: str) -> None:
    """Exit 1 and exactly one line on the terminal: "Error: …" holding ``fragment``."""
    assert result.exit_code == 1, result.output
    lines = without_progress(result.output).strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: ") and fragment in lines[0], lines[0]
    assert "Traceback" not in result.output


@pytest.fixture
def inputs(tmp_path: Path) -> dict[str, Path]:
    export = tmp_path / run.SAMPLE_EXPORT.name
    shutil.copy(run.SAMPLE_EXPORT, export)
    xlsx = tmp_path / "alumni.xlsx"
    shutil.copy(run.SAMPLE_ALUMNI, xlsx)
    alumni = tmp_path / "alumni.csv"
    alumni.write_text(ALUMNI_CSV, encoding="utf-8")
    config = tmp_path / "shortlist.toml"
    config.write_text("[output]\ntop_n = 10\n", encoding="utf-8")
    return {"export": export, "xlsx": xlsx, "alumni": alumni, "config": config}


# 1. An output is never an input, a device, a pipe or a folder -----------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["shortlist", "{export}", "-a", "{alumni}", "--format", "csv", "--out", "{alumni}"],
        ["shortlist", "{export}", "-a", "{xlsx}", "--out", "{xlsx}"],
        ["shortlist", "{export}", "-c", "{config}", "--out", "{config}"],
        ["ingest", "{alumni}", "--out", "{alumni}"],
        ["link", "{alumni}", "--out", "{alumni}"],
        ["link", "{export}", "{alumni}", "--out", "{export}"],
        ["init", "{export}", "--out", "{export}", "--force"],
    ],
    ids=["shortlist-csv", "shortlist-xlsx", "shortlist-config", "ingest", "link", "link-2", "init"],
)
def test_output_onto_an_input_is_refused(inputs, args) -> None:
    before = _snapshot(*inputs.values())
    result = runner.invoke(app, [a.format(**inputs) for a in args])
    _one_error(result, "is one of the input files")
    assert _snapshot(*inputs.values()) == before


def test_output_through_a_symlink_or_hard_link_to_an_input_is_refused(inputs, tmp_path) -> None:
    soft, hard = tmp_path / "soft.csv", tmp_path / "hard.csv"
    soft.symlink_to(inputs["alumni"])
    os.link(inputs["alumni"], hard)
    before = _snapshot(*inputs.values())
    for out in (soft, hard):
        result = runner.invoke(app, ["ingest", str(inputs["alumni"]), "--out", str(out)])
        _one_error(result, "is one of the input files")
    assert _snapshot(*inputs.values()) == before


@pytest.mark.parametrize("beside", ["all-candidates", "matches"])
def test_a_csv_beside_the_workbook_never_replaces_an_input(
    inputs, tmp_path, beside, monkeypatch
) -> None:
    """A big run writes <name>.all-candidates.csv and <name>.matches.csv beside <name>.xlsx:
    an input saved under such a name is refused before any work, by the CLI and by run.write
    (notebooks), and stays as it was."""
    alumni = tmp_path / f"book.{beside}.csv"
    shutil.copy(inputs["alumni"], alumni)
    out = tmp_path / "book.xlsx"
    before = _snapshot(alumni)
    args = ["shortlist", str(inputs["export"]), "-a", str(alumni), "--out", str(out)]
    with monkeypatch.context() as patched:  # refused before the run, not after it
        patched.setattr(run, "shortlist", lambda *a, **k: pytest.fail("the run went ahead"))
        result = runner.invoke(app, args)
    _one_error(result, f"book.{beside}.csv (written beside book.xlsx) is one of the input files")
    assert not out.exists() and _snapshot(alumni) == before
    ran = run.shortlist(run.Inputs(inputs["export"], (alumni,)), run.load_settings(None))
    with pytest.raises(OutputError, match=f"book.{beside}.csv .* is one of the input files"):
        run.write(ran, out)
    assert not out.exists() and _snapshot(alumni) == before
    # another name for the workbook: its CSVs are other files, and the run writes
    assert run.write(ran, tmp_path / "other.xlsx").is_file()


@pytest.mark.parametrize("command", ["shortlist", "ingest", "link", "init"])
@pytest.mark.parametrize("target", ["folder", "fifo", "device"])
def test_output_onto_a_folder_pipe_or_device_is_refused(inputs, tmp_path, command, target):
    if target == "folder":
        out, said = tmp_path / "results", "is a folder"
        out.mkdir()
    elif target == "fifo":
        out, said = tmp_path / "pipe.xlsx", "is a pipe (FIFO)"
        os.mkfifo(out)
    else:
        out, said = Path("/dev/null"), "is a device"
    source = {"shortlist": "export", "init": "export"}.get(command, "alumni")
    before = _snapshot(*inputs.values())
    result = runner.invoke(app, [command, str(inputs[source]), "--out", str(out)])
    _one_error(result, said)
    assert _snapshot(*inputs.values()) == before
    assert Path("/dev/null").is_char_device()


# 2. Zip-based spreadsheets bounded before any parser opens them --------------------------


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (hostile.far_cell_xlsx, "uses cells as far as XFD1048576"),
        (hostile.far_row_xlsx, "uses cells as far as AD1048576"),
        (hostile.repeated_rows_ods, "uses 300,001 rows x 100 columns (rows or cells repeated)"),
        (hostile.huge_cell_xlsx, "holds a cell of more than"),
        (hostile.lying_xlsx, "is unreadable as a spreadsheet"),
    ],
    ids=["far-cell", "far-row", "ods-repeated-rows", "huge-cell", "lying-header"],
)
@pytest.mark.parametrize("how", ["inspect", "alumni", "targets"])
def test_spreadsheet_claiming_a_huge_range_is_one_line(inputs, tmp_path, make, said, how):
    path = make(tmp_path)
    args = {
        "inspect": ["inspect", str(path)],
        "alumni": ["shortlist", "-a", str(path), "--out", str(tmp_path / "o.xlsx")],
        "targets": ["shortlist", "-a", str(inputs["alumni"]), "-t", str(path)],
    }[how]
    before = _snapshot(*inputs.values(), path)
    _one_error(runner.invoke(app, args), said)
    assert _snapshot(*inputs.values(), path) == before
    assert not (tmp_path / "o.xlsx").exists()


def test_ods_with_empty_rows_repeated_to_the_sheet_end_is_read(tmp_path) -> None:
    path = hostile.trailing_empty_ods(tmp_path)
    result = runner.invoke(app, ["ingest", str(path)])
    assert result.exit_code == 0, result.output
    assert "read 1 alumni row, accepted 1, rejected 0" in result.output, result.output


def test_zip_bomb_refused_by_its_central_directory(tmp_path) -> None:
    bomb = hostile.bomb_xlsx(tmp_path, unpacked=40_000_000)
    config = tmp_path / "small.toml"
    config.write_text("[ingest]\nmax_archive_mb = 20\n", encoding="utf-8")
    assert bomb.stat().st_size < 200_000
    result = runner.invoke(app, ["inspect", str(bomb), "-c", str(config)])
    _one_error(result, "would unpack to 40 MB, more than the 20 MB allowed")


# 3. Headers written to CSV are inert --------------------------------------------------------


def test_ingest_out_headers_go_through_the_formula_guard(tmp_path) -> None:
    source = tmp_path / "alumni.csv"
    source.write_text(
        "First Name,Last Name,=cmd|' /C calc'!A0,@SUM(1+1),+1,-1\nAda,Park,a,b,c,d\n",
        encoding="utf-8",
    )
    out = tmp_path / "people.csv"
    result = runner.invoke(app, ["ingest", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    header = next(csv.reader(out.open(encoding="utf-8")))
    for typed in ("=cmd|' /C calc'!A0", "@SUM(1+1)", "+1", "-1"):
        assert typed not in header and "'" + typed in header
    assert not any(cell[:1] in "=+-@" for cell in header)


# 5. Tracebacks that became one line ---------------------------------------------------------


@pytest.mark.parametrize("suffix", [".ods", ".xls"])
def test_previous_that_is_not_xlsx_is_one_line(inputs, tmp_path, suffix) -> None:
    previous = tmp_path / f"notes{suffix}"
    shutil.copy(run.SAMPLE_ALUMNI, previous)  # a zip with the wrong name is what broke openpyxl
    before = _snapshot(*inputs.values(), previous)
    args = ["shortlist", "-a", str(inputs["alumni"]), "--previous", str(previous)]
    _one_error(runner.invoke(app, [*args, "--out", str(tmp_path / "o.xlsx")]), "not an .xlsx")
    assert _snapshot(*inputs.values(), previous) == before


def test_existing_out_ods_is_one_line_and_unchanged(inputs, tmp_path) -> None:
    out = tmp_path / "shortlist.ods"
    out.write_bytes(b"PK\x03\x04 an ods of the user's")
    before = _snapshot(*inputs.values(), out)
    result = runner.invoke(app, ["shortlist", "-a", str(inputs["alumni"]), "--out", str(out)])
    _one_error(result, "not an .xlsx")
    assert _snapshot(*inputs.values(), out) == before


def _cli(*args: str, prelude: str = "", timeout: float = 120, limits: tuple[str, ...] = ()):
    code = f"{prelude}\nfrom pipeline.cli import app\napp({list(args)!r})"
    return subprocess.run(
        [*limits, sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=Path(__file__).resolve().parents[2],
    )


def test_read_only_folder_gives_one_line_without_finaliser_noise(inputs, tmp_path) -> None:
    prelude = (
        "import tempfile\n"
        "def refuse(*a, **k): raise PermissionError(13, 'Permission denied')\n"
        "tempfile.mkstemp = refuse"
    )
    out = tmp_path / "out" / "shortlist.xlsx"
    done = _cli("shortlist", "-a", str(inputs["alumni"]), "--out", str(out), prelude=prelude)
    assert done.returncode == 1
    assert without_progress(done.stderr).strip().splitlines() == [
        "Error: shortlist.xlsx cannot be written; close it in any program, check that the "
        "folder is writable and has free space, and run again."
    ]
    assert not out.exists()


@pytest.mark.skipif(shutil.which("prlimit") is None, reason="needs util-linux prlimit")
def test_disk_full_gives_one_line_and_keeps_the_previous_workbook(inputs, tmp_path) -> None:
    out = tmp_path / "shortlist.xlsx"
    shutil.copy(run.SAMPLE_ALUMNI, out)  # stands for last week's workbook: must stay as it was
    before = _snapshot(*inputs.values(), out)
    # A file size limit makes every write past 20 KB fail as a full disk does (EFBIG).
    done = _cli(
        "shortlist", "-a", str(inputs["alumni"]), "--out", str(out), "--previous",
        str(run.SAMPLE_ALUMNI), limits=("prlimit", "--fsize=20000"),
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    lines = without_progress(done.stderr).strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), done.stderr
    assert _snapshot(*inputs.values(), out) == before
    assert not list(tmp_path.glob(".shortlist.*.tmp"))


def test_init_into_a_missing_folder_or_onto_a_folder(tmp_path) -> None:
    target = tmp_path / "missing" / "dir" / "x.toml"
    result = runner.invoke(app, ["init", "--out", str(target)])
    assert result.exit_code == 0 and target.is_file()
    _one_error(runner.invoke(app, ["init", "--out", str(tmp_path)]), "is a folder")


def test_device_as_input_is_one_line() -> None:
    _one_error(runner.invoke(app, ["shortlist", "/dev/zero"]), "zero is a device, not a file")
    _one_error(runner.invoke(app, ["ingest", "/dev/zero"]), "is a device")


def test_fifo_as_input_does_not_hang(tmp_path) -> None:
    pipe = hostile.fifo(tmp_path)
    for args in (["shortlist", str(pipe)], ["inspect", str(pipe)], ["ingest", str(pipe)]):
        done = _cli(*args, timeout=60)  # a hang fails here with TimeoutExpired
        assert done.returncode == 1
        assert without_progress(done.stderr).strip().splitlines() == [
            "Error: pipe.csv is a pipe (FIFO), not a file; give the path of a saved file."
        ]


def test_folder_export_with_a_large_archive_bound_reads_by_chunks(tmp_path) -> None:
    import zipfile

    folder = tmp_path / "export"
    with zipfile.ZipFile(run.SAMPLE_EXPORT) as archive:
        archive.extractall(folder)
    config = tmp_path / "big.toml"
    config.write_text("[ingest]\nmax_archive_mb = 1000000\n", encoding="utf-8")  # 1 TB
    result = runner.invoke(app, ["ingest", str(folder), "-c", str(config)])
    assert result.exit_code == 0, result.output
    assert "connections rows" in result.output


# 6. Nothing printed to the terminal carries escape sequences --------------------------------


def test_inspect_and_errors_print_no_escape_sequences(tmp_path) -> None:
    path = hostile.escapes_csv(tmp_path)
    result = runner.invoke(app, ["inspect", str(path)])
    assert result.exit_code == 0, result.output
    assert "Ada" in result.output and "Park" in result.output
    assert not any(c in result.output for c in "\x1b\x07\x9b\x9d")
    ingest = runner.invoke(app, ["ingest", str(path)])
    assert ingest.exit_code == 0 and "\x1b" not in ingest.output
    odd = tmp_path / "evil\x1b]52;c;aGk=\x07name.pdf"
    odd.write_bytes(b"%PDF-1.4")
    result = runner.invoke(app, ["inspect", str(odd)])
    _one_error(result, "evil")
    assert "\x1b" not in result.output and "\x07" not in result.output


def test_plain_removes_escape_sequences_and_keeps_text() -> None:
    from pipeline.safety import plain

    assert plain("Ada" + hostile.ESCAPES + " Park") == "Ada Park"
    assert plain("Zoë\tØdegård\n") == "Zoë\tØdegård\n"
    assert plain("a\x9b31mb\u202ec") == "abc"


# 7. Settings out of range fail at load, naming the key --------------------------------------


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ("[output]\ntop_n = -5", "'output.top_n' is -5"),
        ("[match]\nthreshold = nan", "'match.threshold' is nan"),
        ("[match]\nthreshold = 1.5", "'match.threshold' is 1.5"),
        ("[weights]\nrole_fit = nan", "'weights.role_fit' is nan"),
        ("[weights]\nrole_fit = inf", "'weights.role_fit' is inf"),
        ("[weights]\nwarmth = -1.0", "'weights.warmth' is -1.0"),
        (
            "[weights]\nrole_fit = 0\ncompany_fit = 0\nschool_fit = 0\nstage_fit = 0\n"
            "warmth = 0\nlocation_fit = 0\nindustry_fit = 0",
            "every weight under [weights] is 0",
        ),
        ("[ingest]\nmax_archive_mb = -1", "'ingest.max_archive_mb' is -1"),
        ('[normalize.seniority_rules]\n"(unclosed" = "Entry"', "'(unclosed' is not a valid"),
        ('[match.comparisons]\ncity = "fuzzy 0.9"', "[match.comparisons] 'city'"),
        ('[alumni.columns]\n"Grad" = "graduation"', 'maps "Grad" to "graduation"'),
    ],
)
def test_settings_out_of_range_fail_before_any_input_is_read(tmp_path, toml, key) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(toml + "\n", encoding="utf-8")
    missing = tmp_path / "never-read.csv"  # were it read first, the error would name it
    _one_error(runner.invoke(app, ["ingest", str(missing), "-c", str(config)]), key)


# 8. Limits of the format ----------------------------------------------------------------------


def test_partial_tmp_of_a_killed_run_is_removed_by_the_next(inputs, tmp_path) -> None:
    out = tmp_path / "shortlist.xlsx"
    stale = tmp_path / ".shortlist.999999999.abc123.tmp"  # no such process
    live = tmp_path / f".shortlist.{os.getpid()}.def456.tmp"  # a run still writing
    stale.write_bytes(b"half a workbook")
    live.write_bytes(b"being written")
    result = runner.invoke(app, ["shortlist", "-a", str(inputs["alumni"]), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert not stale.exists() and live.exists() and out.is_file()


def test_unclosed_quote_is_reported_with_the_line_it_starts_on(tmp_path) -> None:
    path = hostile.unclosed_quote_csv(tmp_path)
    before = _snapshot(path)
    _one_error(
        runner.invoke(app, ["ingest", str(path)]),
        "the quote opened in the record on line 4 is never closed, so 2 rows after it",
    )
    assert _snapshot(path) == before


def test_mixed_encodings_are_reported(tmp_path) -> None:
    path = hostile.mixed_encodings_csv(tmp_path)
    result = runner.invoke(app, ["ingest", str(path)])
    assert result.exit_code == 0
    assert "utf-8, 1 line partly in cp1252" in result.output
    assert "José" in result.output or "1 line partly" in result.output


def test_a_header_of_100000_columns_is_read_and_the_cut_reported(tmp_path) -> None:
    path = hostile.wide_csv(tmp_path)
    result = runner.invoke(app, ["ingest", str(path)])
    assert result.exit_code == 0, result.output
    assert "columns not read: 99,502 past the 500th" in result.output


def test_same_file_sees_through_relative_paths_links_and_copies(tmp_path, monkeypatch):
    from pipeline.safety import same_file

    a = tmp_path / "a.csv"
    a.write_text("x\n")
    monkeypatch.chdir(tmp_path)
    assert same_file(Path("a.csv"), a)
    assert same_file(tmp_path / "sub" / ".." / "a.csv", a)
    (tmp_path / "hard.csv").hardlink_to(a)
    (tmp_path / "soft.csv").symlink_to(a)
    assert same_file(tmp_path / "hard.csv", a) and same_file(tmp_path / "soft.csv", a)
    (tmp_path / "copy.csv").write_text("x\n")
    assert not same_file(tmp_path / "copy.csv", a)
    assert not same_file(tmp_path / "missing.csv", a)
