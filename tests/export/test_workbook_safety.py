"""The workbook opens cleanly and safely: structure checked in the XML, OWASP payloads stay text,
and LibreOffice converts it without complaint (when it is installed)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from defusedxml import ElementTree
from openpyxl import load_workbook
from test_cells import PAYLOADS
from test_workbook import LAST, SHORTLIST_HEADERS, ranked_frame, write

from pipeline import schema
from pipeline.ingest.previous import read_previous

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def hostile_ranked() -> pd.DataFrame:
    """One person per payload, the payload in every text column a stranger controls."""
    n = len(PAYLOADS)
    df = pd.DataFrame({c: [""] * n for c in schema.RANKED})
    for column in ("full_name", "title", "company", "school", "why", "intro_via", "opener"):
        df[column] = PAYLOADS
    df["linkedin_slug"] = PAYLOADS
    df["prospect_id"] = [f"p{i}" for i in range(n)]
    df["seniority"] = PAYLOADS
    df["record_ids"] = [f"connections:{i}" for i in range(n)]
    df["company_key"] = [f"k{i}" for i in range(n)]
    df["is_connection"] = [i % 2 == 0 for i in range(n)]
    df["is_alum"] = False
    df["grad_year"] = pd.array([None] * n, dtype="Int64")
    df["years_ahead"] = 1.0
    for feature in schema.FEATURES:
        df[feature] = 0.5
    df["score"] = 0.5
    df["rank"] = range(1, n + 1)
    return df


def formula_cells(xml: bytes) -> list[tuple[str, str]]:
    root = ElementTree.fromstring(xml)
    return [
        (c.get("r"), c.find(f"{NS}f").text)
        for c in root.iter(f"{NS}c")
        if c.find(f"{NS}f") is not None
    ]


def test_every_owasp_payload_stays_text_everywhere(tmp_path: Path) -> None:
    ranked = hostile_ranked()
    matches = pd.DataFrame({"left_name": PAYLOADS, "probability": 0.9})
    ledger = pd.DataFrame(
        {"source_file": PAYLOADS, "source_row": 1, "outcome": "rejected", "reason": PAYLOADS}
    )
    path = write(
        tmp_path / "out.xlsx",
        ranked,
        top_n=len(PAYLOADS),
        matches=matches,
        ledger=ledger,
        settings_rows=[(p, p) for p in PAYLOADS],
    )
    # Second run: the payloads typed into the user's columns, an added column and a new row.
    wb = load_workbook(path)
    ws = wb["Shortlist"]
    header = [c.value for c in ws[1]]
    extra = ws.max_column + 1
    ws.cell(1, extra, "=evil()")
    for r, payload in enumerate(PAYLOADS, start=2):
        ws.cell(r, header.index("Notes") + 1).value = payload  # openpyxl makes "=…" a formula
        ws.cell(r, header.index("Contacted on") + 1).value = payload
        ws.cell(r, extra).value = payload
    ws.cell(ws.max_row + 1, header.index("Name") + 1).value = '=HYPERLINK("http://x")'
    ws.cell(ws.max_row, header.index("Referred by") + 1).value = "@SUM(1+1)"
    wb.save(path)
    previous = read_previous(path)
    path = write(tmp_path / "out.xlsx", ranked, top_n=len(PAYLOADS), previous=previous)

    follow_up = SHORTLIST_HEADERS.index("Follow up on")
    for name, xml in parts(path).items():
        if not name.startswith("xl/worksheets/sheet"):
            continue
        cells = formula_cells(xml)
        assert len(cells) == len(re.findall(rb"<f[ >/]", xml)), name
        if name != "xl/worksheets/sheet1.xml":
            assert cells == [], name
            continue
        for ref, text in cells:  # only our own Follow up on formula, with only cell references
            assert re.fullmatch(r"[A-Z]+\d+", ref)
            assert ref.rstrip("0123456789") == chr(ord("A") + follow_up), ref
            assert "WORKDAY" in text and not any(
                p.strip("=+-@ \t\r\n") in text for p in PAYLOADS[:2]
            )
    rels = b"".join(v for k, v in parts(path).items() if k.endswith(".rels"))
    assert b"evil.example" not in rels and b"javascript" not in rels
    short = load_workbook(path)["Shortlist"]
    rows = {r[-1].value: [c.value for c in r] for r in short.iter_rows(min_row=2)}
    notes = [
        row[header.index("Notes")]
        for pid, row in rows.items()
        if pid in ranked["prospect_id"].values
    ]
    assert sorted(notes) == sorted(p.replace("\r", "\n") for p in PAYLOADS)
    assert "=evil()" in [c.value for c in short[1]]


def test_table_validation_and_formats_in_the_xml(tmp_path: Path) -> None:
    """What Excel checks on opening, read straight from the file's XML (no openpyxl involved)."""
    ranked = ranked_frame()
    ranked["company_key"] = ranked["company"].str.lower()  # employers for the chart
    files = parts(write(tmp_path / "out.xlsx", ranked))
    sheet = ElementTree.fromstring(files["xl/worksheets/sheet1.xml"])
    [table_xml] = [v for k, v in files.items() if k.startswith("xl/tables/")]
    table = ElementTree.fromstring(table_xml)
    assert table.get("displayName") == "ShortlistTable"
    assert table.get("ref") == f"A1:{LAST}5"  # header and the top 4 rows
    columns = [c.get("name") for c in table.iter(f"{NS}tableColumn")]
    assert columns == SHORTLIST_HEADERS
    ids = [int(c.get("id")) for c in table.iter(f"{NS}tableColumn")]
    assert ids == list(range(1, len(columns) + 1))
    assert table.find(f"{NS}autoFilter") is not None
    header_cells = [c for c in sheet.iter(f"{NS}c") if re.fullmatch(r"[A-Z]+1", c.get("r"))]
    shared = [
        "".join(t.text or "" for t in si.iter(f"{NS}t"))
        for si in ElementTree.fromstring(files["xl/sharedStrings.xml"]).iter(f"{NS}si")
    ]
    texts = [
        shared[int(c.find(f"{NS}v").text)]
        if c.get("t") == "s"
        else "".join(t.text or "" for t in c.iter(f"{NS}t"))
        for c in header_cells
    ]
    assert texts == columns  # a table whose names differ from its header cells needs repair
    validations = sheet.find(f"{NS}dataValidations")
    assert validations.get("count") == "2"
    lists = [v.find(f"{NS}formula1").text for v in validations]
    assert lists == ['"To contact,Contacted,Replied,Scheduled,Done,Not now"', '"yes,no,maybe"']
    formats = sheet.findall(f"{NS}conditionalFormatting")
    assert [f.find(f"{NS}cfRule").get("type") for f in formats] == ["dataBar", "expression"]
    pane = sheet.find(f"{NS}sheetViews/{NS}sheetView/{NS}pane")
    assert (pane.get("xSplit"), pane.get("ySplit"), pane.get("state")) == ("2", "1", "frozen")
    setup = sheet.find(f"{NS}sheetPr/{NS}pageSetUpPr")
    assert setup.get("fitToPage") == "1"
    assert sheet.find(f"{NS}pageSetup").get("orientation") == "landscape"
    assert b"<legacyDrawing" in files["xl/worksheets/sheet1.xml"]  # header notes
    assert any(k.startswith("xl/charts/chart") for k in files)  # Employers chart


@pytest.mark.skipif(
    shutil.which("soffice") is None and not os.environ.get("PROSPECTS_CI"),
    reason="LibreOffice is not installed (CI installs it and runs this)",
)
def test_libreoffice_converts_the_workbook(tmp_path: Path) -> None:
    path = write(tmp_path / "out.xlsx", ranked_frame())
    profile = tmp_path / "lo-profile"  # its own profile: no clash with a running LibreOffice
    done = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    pdf = tmp_path / "out.pdf"
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
    assert "Error" not in done.stdout + done.stderr
