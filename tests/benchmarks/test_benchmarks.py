"""The benchmark suite's logic, never its timings: bench-check's parser, the inputs' format."""

from __future__ import annotations

import pandas as pd
import pytest

from benchmarks.check import committed
from benchmarks.inputs import connections_csv
from pipeline.ingest.linkedin import read_connections

SECTION = """# Benchmark results

<!-- section: sample -->
## Small

| stage | median (s) | min (s) | max (s) | share |
|---|---:|---:|---:|---:|
| ingest | 0.094 | 0.090 | 0.100 | 5% |
| link | 1.025 | 1.000 | 1.100 | 60% |
| whole run | 1.714 | 1.700 | 1.800 | 100% |

- Peak memory: 264 MiB.
<!-- end: sample -->

<!-- section: other -->
| stage | median (s) |
|---|---:|
| ingest | 99.0 |
<!-- end: other -->
"""


@pytest.fixture
def results_md(tmp_path):
    """A results.md holding the given text."""

    def write(text: str):
        path = tmp_path / "results.md"
        path.write_text(text, encoding="utf-8")
        return path

    return write


def test_committed_reads_the_median_column_of_the_sample_section_only(results_md):
    got = committed(results_md(SECTION))
    assert got == {"ingest": 0.094, "link": 1.025, "whole run": 1.714}


def test_committed_without_the_section_says_to_run_make_bench(results_md):
    with pytest.raises(SystemExit, match="make bench"):
        committed(results_md("# Benchmark results\n"))


def test_connections_csv_is_todays_linkedin_format():
    frame = pd.DataFrame(
        {
            "First Name": ["Ada", "Bo"],
            "Last Name": ["Quill, MBA", "Strand"],
            "URL": ["https://www.linkedin.com/in/ada-q", "https://www.linkedin.com/in/bo-s"],
            "Email Address": ["", ""],
            "Company": ["Acme", "Globex"],
            "Position": ["Analyst", "Engineer"],
        }
    )
    data = connections_csv(frame)
    lines = data.decode().split("\n")
    assert lines[0] == "Notes:" and lines[2] == ""
    assert lines[3] == "First Name,Last Name,URL,Email Address,Company,Position,Connected On"
    assert lines[4].endswith(",27 Nov 2026") and not data.endswith(b"\n")
    people = read_connections(data, "Connections.csv").people
    assert people["source_row"].tolist() == [5, 6]  # the truth files count rows this way
    assert people["last_name"].tolist() == ["Quill", "Strand"]
