"""Hostile text for the export tests: what a cell must survive, one list for every test that
writes cells (``safe_csv_arrow``, ``safe_column``, ``write_grid``), so a case added here is
tried by all of them."""

from __future__ import annotations

from pipeline.export.cells import EXCEL_CELL_LIMIT

HOSTILE = [
    "=1+1",
    "+1",
    "-5 years",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "\n=1",
    " =1",
    "\u00a0=1",  # no-break space, then a trigger
    "\u3000@x",  # ideographic space
    "\u2028-1",
    "＝1+1",  # full-width forms
    "＋1",
    "－1",
    "＠x",
    "\ufeff=1",  # a BOM is not blank: kept as it is
    "a\x00b",
    "a\x1fb",
    "a\rb",
    "a\r\nb",
    "\ufffe",
    "x\uffff",
    "\u00a0",
    "\u2003 ",
    "  ",
    "",
    'ok, "quoted"',
    "x" * (EXCEL_CELL_LIMIT // 2),
    "x" * (EXCEL_CELL_LIMIT // 2 + 1),
    "y" * (EXCEL_CELL_LIMIT + 10),
    "😀" * (EXCEL_CELL_LIMIT // 2 + 5),  # counted twice by Excel
    "=" + "z" * 40_000,
    "Zoë Ng",
    "#N/A",  # an error value's spelling stays text
]
