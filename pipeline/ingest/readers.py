"""Low-level readers: bytes or a spreadsheet in, a table of text cells out (one import point).

Everything a real export throws at us is handled once, so that `linkedin.py` and `alumni.py` only
map columns: the text encoding (`decode`), the CSV dialect and a header not on line 1
(`delimited`), spreadsheets and merged title rows (`sheets`); `table` holds what they share.
"""

from __future__ import annotations

from pipeline.ingest.decode import decode
from pipeline.ingest.delimited import DELIMITERS, read_text_table
from pipeline.ingest.sheets import grid_table, read_sheets
from pipeline.ingest.table import HeaderScorer, TextTable, clean_header, find_header

__all__ = [
    "DELIMITERS",
    "HeaderScorer",
    "TextTable",
    "clean_header",
    "decode",
    "find_header",
    "grid_table",
    "read_sheets",
    "read_text_table",
]
