"""The Shortlist is laid out for the decision (issue 17): the first screen (1366 px wide) and the
first printed page (A4 landscape, fit to width) show rank, name, title, company, why, how to reach
them and status; the signals sit in a collapsed column group; "ID (keep)" is hidden."""

from __future__ import annotations

import zipfile
from pathlib import Path

from defusedxml import ElementTree
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter
from test_workbook import SHORTLIST_HEADERS, ranked_frame, write

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
DECISION = ["Rank", "Name", "Title", "Company", "Why", "Warmth", "Intro via", "Status"]
SIGNALS = SHORTLIST_HEADERS[SHORTLIST_HEADERS.index("Seniority") : -1]
#: A 1366-px laptop screen less Excel's row numbers (~30 px) and scroll bar (~20 px).
SCREEN_PX = 1366 - 50


def columns(path: Path) -> dict[int, dict[str, str]]:
    """1-based column number -> the attributes of its <col> element."""
    with zipfile.ZipFile(path) as z:
        sheet = ElementTree.fromstring(z.read("xl/worksheets/sheet1.xml"))
    out = {}
    for c in sheet.iter(f"{NS}col"):
        for n in range(int(c.get("min")), int(c.get("max")) + 1):
            out[n] = dict(c.attrib)
    return out


def pixels(width: float) -> int:
    """Excel's on-screen width of a column of ``width`` characters of 11-pt Calibri."""
    return int(width * 7 + 5)


def test_decision_columns_come_first_and_fit_a_laptop_screen(tmp_path: Path) -> None:
    path = write(tmp_path / "s.xlsx", ranked_frame())
    header = [c.value for c in load_workbook(path)["Shortlist"][1]]
    assert header[: len(DECISION)] == DECISION
    assert header[len(DECISION)] == "Follow up on"
    cols = columns(path)
    first_screen = sum(pixels(float(cols[i]["width"])) for i in range(1, len(DECISION) + 2))
    assert first_screen <= SCREEN_PX, first_screen
    assert float(cols[header.index("Why") + 1]["width"]) >= 40  # reads as a sentence
    # Every header's longest word fits its column (no "Connection/s").
    for i, name in enumerate(header, start=1):
        longest = max(len(word) for word in name.split())
        assert float(cols[i]["width"]) >= longest * 1.15 + 1.5 - 0.05, name


def test_signals_are_a_collapsed_group_and_the_id_is_hidden(tmp_path: Path) -> None:
    path = write(tmp_path / "s.xlsx", ranked_frame())
    header = [c.value for c in load_workbook(path)["Shortlist"][1]]
    cols = columns(path)
    for name in SIGNALS:
        c = cols[header.index(name) + 1]
        assert (c.get("outlineLevel"), c.get("hidden")) == ("1", "1"), name
    for name in header[: header.index("Opener") + 1]:
        c = cols[header.index(name) + 1]
        assert c.get("hidden") is None and c.get("outlineLevel") is None, name
    key = cols[header.index("ID (keep)") + 1]
    assert key.get("hidden") == "1" and key.get("outlineLevel") is None
    assert key.get("collapsed") == "1"  # the [+] that opens the signals group


def test_first_printed_page_is_landscape_fit_to_width(tmp_path: Path) -> None:
    path = write(tmp_path / "s.xlsx", ranked_frame())
    ws = load_workbook(path)["Shortlist"]
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth or 1, ws.page_setup.fitToHeight) == (1, 0)  # 1: default
    assert ws.print_title_rows == "$1:$1"
    notes = get_column_letter(SHORTLIST_HEADERS.index("Notes") + 1)
    assert ws.print_area == f"'Shortlist'!$A$1:${notes}$5"
    printed = SHORTLIST_HEADERS[: column_index_from_string(notes)]
    assert printed[:9] == [*DECISION, "Follow up on"]
    assert ws.freeze_panes == "C2"


def test_location_and_industry_fit_only_when_configured(tmp_path: Path) -> None:
    plain = [c.value for c in load_workbook(write(tmp_path / "a.xlsx", ranked_frame()))[
        "Shortlist"][1]]  # fmt: skip
    assert "Location fit" not in plain and "Industry fit" not in plain
    every = ["role_fit", "company_fit", "school_fit", "stage_fit", "warmth", "location_fit"]
    wb = load_workbook(write(tmp_path / "b.xlsx", ranked_frame(), features=every))
    header = [c.value for c in wb["Shortlist"][1]]
    assert header.index("Location fit") == header.index("Warmth score") + 1
    assert "Industry fit" not in header
    # All candidates keeps every signal: `prospects learn` reads them there.
    assert {"Location fit", "Industry fit"} <= {c.value for c in wb["All candidates"][1]}


def test_run_shows_location_fit_when_locations_are_set(tmp_path: Path) -> None:
    from pipeline.run import shown_features
    from pipeline.settings import load

    config = tmp_path / "s.toml"
    config.write_text('[targets]\nlocations = ["Toronto"]\n', encoding="utf-8")
    assert "location_fit" in shown_features(load(config))
    assert "industry_fit" not in shown_features(load(config))
    assert "location_fit" not in shown_features(load(None))
