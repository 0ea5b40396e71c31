"""The workbook writer: a small API over XlsxWriter that every sheet of the tool uses.

``Book`` opens an .xlsx for writing; ``Book.sheet`` adds a sheet (streamed row by row in
XlsxWriter's ``constant_memory`` mode unless it carries an Excel table, which that mode cannot
write); ``write_grid`` writes a block of ``Col`` columns (header, values, look) into a sheet;
``write_frame`` does all of it for a DataFrame in one call. Every value, headers included, goes
through ``pipeline.export.cells``, the one place text is made inert.

Example (a sheet of your own in the workbook, or a workbook of its own)::

    with Book(path) as book:
        write_frame(book, "Summary", frame, widths={"Employer": 28}, formats={"Share": "0%"})

Streamed sheets must be written top to bottom: widths, row heights and panes before the rows
they touch (``write_grid`` does it in that order); tables, validations, conditional formats,
charts and print setup may come at any time.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import xlsxwriter
from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from pipeline.export.cells import cell_value, put, safe_column, safe_text
from pipeline.workbook_contract import FEATURE_HEADERS

DATE_FORMAT = "yyyy-mm-dd"
HEADER_HEIGHT = 32
_LINE_HEIGHT = 15  # points per line of 11-pt Calibri
_MAX_LINES = 8
#: Explicit header colours: LibreOffice and printouts ignore Excel's table styles.
HEADER_LOOK = {
    "bold": True,
    "font_color": "#FFFFFF",
    "bg_color": "#1F4E78",
    "text_wrap": True,
    "valign": "vcenter",
    "bottom": 1,
    "bottom_color": "#FFFFFF",
}
_LINK_LOOK = {"font_color": "#0563C1", "underline": 1}
_USER_LOOK = {"bg_color": "#FFF9E5"}  # the user's own columns: pale yellow

#: header -> (width, number format, wrap).
LOOK: dict[str, tuple[float, str | None, bool]] = {
    "Rank": (5, "0", False),
    "Name": (20, None, True),
    "Title": (22, None, True),
    "Company": (16, None, True),
    "Seniority": (10, None, False),
    "Years ahead": (8, "0.0", False),
    "School": (16, None, True),
    "Warmth": (12, None, True),
    "Intro via": (20, None, True),
    "Score": (9, "0.00", False),
    **{h: (9, "0.00", False) for h in FEATURE_HEADERS.values()},
    "Why": (42, None, True),
    "Opener": (48, None, True),
    "Status": (11, None, False),
    "Contacted on": (11, DATE_FORMAT, False),
    "Follow up on": (11, DATE_FORMAT, False),
    "Interested": (10, None, False),
    "Referred by": (16, None, True),
    "Notes": (30, None, True),
    "LinkedIn": (30, None, False),
    "ID (keep)": (14, None, False),
}


@dataclass(frozen=True)
class Col:
    """One column of a grid: its header, values and look."""

    header: str
    values: Sequence[object]
    width: float = 12
    number_format: str | None = None
    wrap: bool = False
    links: Sequence[str | None] | None = None  # safe_link addresses, one per value
    user: bool = False  # one of the user's columns: tinted, so it reads as "yours to fill"
    note: str | None = None  # a comment on the header cell
    formula: Callable[[int], str] | None = None  # row number (1-based) -> our formula
    hidden: bool = False
    level: int = 0  # outline level: 1 puts the column in a collapsible group


def col(header: str, values: Sequence[object], **kwargs: object) -> Col:
    """A Col with the look LOOK gives ``header`` (width 16, wrapped text for unknown ones)."""
    width, number_format, wrap = LOOK.get(header, (16, None, True))
    return Col(header, values, width, number_format, wrap, **kwargs)  # type: ignore[arg-type]


class Book:
    """An .xlsx being written with XlsxWriter; formats are made once and shared.

    Text is never taken for a formula, a number or a link (``write_grid`` writes each value by
    its type, and the workbook's options say the same for any other caller).
    """

    def __init__(self, path: Path | str) -> None:
        self._tmp = streaming_dir()  # streamed rows, removed on close
        self.wb = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": True,
                "tmpdir": self._tmp,
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
                "default_date_format": DATE_FORMAT,
                "remove_timezone": True,
                "use_zip64": True,  # a very large All candidates sheet must not fail at the end
            },
        )
        self._formats: dict[tuple, Format] = {}
        self._tabled: list[Worksheet] = []

    def fmt(self, **props: object) -> Format | None:
        """The shared Format with these properties (None for none)."""
        if not props:
            return None
        key = tuple(sorted(props.items()))
        if key not in self._formats:
            self._formats[key] = self.wb.add_format(dict(props))
        return self._formats[key]

    def sheet(
        self, title: str, *, pages_wide: int = 1, table: bool = False, landscape: bool = True
    ) -> Worksheet:
        """A new sheet set up for printing (A4, ``pages_wide`` pages across, header row on
        every page, page numbers). ``table``: the sheet will hold an Excel table, so it is kept
        in memory rather than streamed (keep such sheets small)."""
        if table:
            # XlsxWriter's constant_memory mode is per workbook and refuses add_table; the
            # (small) sheets that carry a table are made in normal mode, everything else streams.
            self.wb.constant_memory = False
            ws = self.wb.add_worksheet(title)
            self.wb.constant_memory = True
            self._tabled.append(ws)
        else:
            ws = self.wb.add_worksheet(title)
        print_setup(ws, pages_wide=pages_wide, landscape=landscape)
        return ws

    def close(self) -> None:
        try:
            if self._tabled:
                # close() flushes the streamed sheets' files only when the workbook streams; an
                # in-memory sheet has none, so say "not streaming" once every file is written.
                self.wb.constant_memory = False
            self.wb.close()
        except FileCreateError as error:  # XlsxWriter's name for an OSError (disk full …)
            raise OSError(str(error)) from error
        finally:
            shutil.rmtree(self._tmp, ignore_errors=True)

    def __enter__(self) -> Book:
        return self

    def __exit__(self, kind: object, *_: object) -> None:
        if kind is None:
            self.close()
        else:
            shutil.rmtree(self._tmp, ignore_errors=True)


STREAMING_PREFIX = "prospects-xlsx-"


def streaming_dir() -> str:
    """A new folder for XlsxWriter's streamed rows, named after this process's id.

    A run killed while it writes (SIGKILL, the power, the out-of-memory killer) cannot remove
    its folder, and the rows in it are people's names in plain text; so the folders that earlier
    processes which no longer run left in the temporary folder are removed first. Only POSIX can
    ask whether a process runs without touching it (on Windows os.kill would end it), so
    elsewhere nothing is removed.
    """
    where = Path(tempfile.gettempdir())
    if os.name == "posix":
        for found in where.glob(f"{STREAMING_PREFIX}*-*"):
            pid = found.name[len(STREAMING_PREFIX) :].split("-", 1)[0]
            if pid.isdigit() and not _runs(int(pid)) and found.is_dir() and not found.is_symlink():
                shutil.rmtree(found, ignore_errors=True)
    return tempfile.mkdtemp(prefix=f"{STREAMING_PREFIX}{os.getpid()}-", dir=where)


def _runs(pid: int) -> bool:
    """Whether process ``pid`` runs (POSIX): signal 0 checks without sending anything."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):  # another user's process, or no such id: leave it
        return True
    return True


def print_setup(ws: Worksheet, *, pages_wide: int = 1, landscape: bool = True) -> None:
    """Landscape A4, the header row on every page, ``pages_wide`` pages across, page numbers."""
    if landscape:
        ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(pages_wide, 0)
    ws.repeat_rows(0)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_footer("&C&A, page &P of &N")


def row_heights(cols: Sequence[Col], n: int) -> list[float]:
    """Per body row, a height that shows its wrapped text (LibreOffice does not grow rows)."""
    lines = [1] * n
    for c in cols:
        if not c.wrap or c.hidden or c.level:
            continue
        per_line = max(c.width * 1.2, 10)  # characters of 11-pt Calibri per line, roughly
        for i, value in enumerate(c.values):
            if isinstance(value, str) and value:
                count = sum(math.ceil(max(len(part), 1) / per_line) for part in value.split("\n"))
                lines[i] = max(lines[i], min(count, _MAX_LINES))
    return [lines_ * _LINE_HEIGHT + 3 for lines_ in lines]


def header_width(c: Col) -> float:
    """``c.width``, widened when the header's longest word would not fit in bold (a narrow
    column breaks "Connections" as "Connection/s")."""
    longest = max((len(word) for word in str(c.header).split()), default=0)
    return max(c.width, round(longest * 1.15 + 1.5, 1))


def set_columns(book: Book, ws: Worksheet, cols: Sequence[Col], first_col: int = 0) -> None:
    """Widths, hidden columns and outline groups (a group is collapsed: its columns hidden and
    the column after it marked, so Excel shows a [+] to open it)."""
    for j, c in enumerate(cols):
        options: dict[str, object] = {}
        if c.hidden or c.level:
            options["hidden"] = True
        if c.level:
            options["level"] = c.level
        if j and cols[j - 1].level and not c.level:
            options["collapsed"] = True
        ws.set_column(first_col + j, first_col + j, header_width(c), None, options)
    if any(c.level for c in cols):
        ws.outline_settings(True, False, True, False)  # [+] to the right of the group


def write_grid(
    book: Book,
    ws: Worksheet,
    cols: Sequence[Col],
    *,
    first_row: int = 0,
    freeze: tuple[int, int] | None = (1, 0),
    top: bool = False,
    heights: bool = False,
    autofilter: bool = True,
    widths: bool = True,
) -> int:
    """Write ``cols`` (a header row, then one row per value) from ``first_row`` (0-based) and
    return the row after the last one written. ``freeze``: (rows, columns) frozen (only for a
    block at the top); ``top``: align cells to the top; ``heights``: row heights from the
    wrapped text; ``autofilter``: filter buttons on the header.

    A column with a ``formula`` gets, where its value is missing, the formula for that row: the
    text comes from our own function of the row number, never from the data.
    """
    if widths:
        set_columns(book, ws, cols)
    if freeze and first_row == 0:
        ws.freeze_panes(*freeze)
    n = len(cols[0].values) if cols else 0
    header = book.fmt(**HEADER_LOOK)
    ws.set_row(first_row, HEADER_HEIGHT)
    for j, c in enumerate(cols):
        put(ws, first_row, j, safe_text(c.header), header)
        if c.note:
            ws.write_comment(
                first_row, j, safe_text(c.note) or "", {"author": "prospects", "x_scale": 2.5,
                                                        "y_scale": 2.5}
            )  # fmt: skip
    formats = [_format(book, c, top) for c in cols]
    # A date in a column without a number format (a column the user added) still shows a date.
    date_formats = [book.fmt(**({"num_format": DATE_FORMAT} | _look(c, top))) for c in cols]
    link_formats = [book.fmt(**_look(c, top), **_LINK_LOOK) for c in cols]
    values = [safe_column(c.values) for c in cols]
    links = [c.links for c in cols]
    row_height = row_heights(cols, n) if heights else None
    # A column of one kind of value (text, numbers or booleans, with gaps) is written by the
    # XlsxWriter method ``put`` would choose for each of its cells, found once per column;
    # links, formulas, dates and mixed columns take the cell-by-cell way below.
    writers = [_column_writer(ws, c, v) for c, v in zip(cols, values, strict=True)]
    found = [w for w in writers if w is not None]
    if row_height is None and len(found) == len(writers):
        blank = ws.write_blank
        plan = list(zip(range(len(cols)), found, formats, strict=True))
        for r, row in enumerate(zip(*values, strict=True), start=first_row + 1):
            for (j, write, fmt), value in zip(plan, row, strict=True):
                if value is not None:
                    write(r, j, value, fmt)
                elif fmt is not None:
                    blank(r, j, None, fmt)
    else:
        for i in range(n):
            r = first_row + 1 + i
            if row_height is not None:
                ws.set_row(r, row_height[i])
            for j in range(len(cols)):
                value = values[j][i]
                column_links = links[j]
                link = column_links[i] if column_links is not None else None
                if isinstance(link, str):
                    ws.write_url(r, j, link, link_formats[j], string=_link_text(value, link))
                elif value is None and (formula := cols[j].formula) is not None:
                    ws.write_formula(r, j, formula(r + 1), formats[j])
                elif isinstance(value, date):
                    put(ws, r, j, value, date_formats[j])
                elif value is not None or formats[j] is not None:
                    put(ws, r, j, value, formats[j])
    last = first_row + n
    if autofilter and cols:
        ws.autofilter(first_row, 0, max(last, first_row + 1), len(cols) - 1)
    return last + 1


#: The writer ``put`` uses for each type of value that ``cell_value`` returns, by column.
_ONE_KIND = {
    frozenset({str}): "write_string",
    frozenset({float}): "write_number",
    frozenset({int}): "write_number",
    frozenset({int, float}): "write_number",
    frozenset({bool}): "write_boolean",
}


def _column_writer(ws: Worksheet, c: Col, safe: Sequence[object]) -> Callable | None:
    """The XlsxWriter method for every non-blank cell of column ``c`` (its values ``safe``,
    through ``cell_value``), when ``put`` would choose the same one for each; else None."""
    if c.links is not None or c.formula is not None:
        return None
    kinds = set(map(type, safe))
    kinds.discard(type(None))
    name = _ONE_KIND.get(frozenset(kinds)) if kinds else "write_string"
    return getattr(ws, name) if name else None


def put_comments(
    ws: Worksheet, first_row: int, cols: Sequence[Col], comments: Sequence[object]
) -> None:
    """The user's cell comments back on their rows: ``comments[i]`` is None or {header: text}
    for body row i; a comment whose column is gone goes on the row's first cell, saying where
    it was."""
    where = {c.header: j for j, c in enumerate(cols)}
    for i, notes in enumerate(comments):
        if not isinstance(notes, dict):
            continue
        cells: dict[int, list[str]] = {}
        for header, text in notes.items():
            j = where.get(header)
            cells.setdefault(j or 0, []).append(
                str(text) if j is not None else f"[{header}] {text}"
            )
        for j, texts in cells.items():
            # Comments are text only, never evaluated; still, the one rule for text applies.
            body = safe_text("\n".join(texts)) or ""
            ws.write_comment(first_row + 1 + i, j, body, {"author": "you", "x_scale": 2})


def _look(c: Col, top: bool) -> dict[str, object]:
    look: dict[str, object] = {}
    if c.number_format:
        look["num_format"] = c.number_format
    if c.wrap:
        look["text_wrap"] = True
    if c.wrap or top:
        look["valign"] = "top"
    if c.user:
        look |= _USER_LOOK
    return look


def _format(book: Book, c: Col, top: bool) -> Format | None:
    return book.fmt(**_look(c, top))


def _link_text(value: object, link: str) -> str:
    text = value if isinstance(value, str) else None
    return text if text is not None else link


def write_frame(
    book: Book,
    title: str,
    frame: pd.DataFrame,
    *,
    widths: Mapping[str, float] | None = None,
    formats: Mapping[str, str] | None = None,
    wrap: Sequence[str] = (),
    notes: Mapping[str, str] | None = None,
    freeze: tuple[int, int] | None = (1, 0),
    pages_wide: int = 1,
) -> Worksheet:
    """A new sheet ``title`` holding ``frame`` (any columns): header row, filter, frozen header.

    ``widths`` / ``formats`` (number formats such as "0.00" or "yyyy-mm-dd") / ``wrap`` /
    ``notes`` by column name; other columns take the look of the tool's own headers (LOOK) or a
    default. Returns the sheet, for charts or conditional formats on top.
    """
    ws = book.sheet(title, pages_wide=pages_wide)
    widths, formats, notes = widths or {}, formats or {}, notes or {}
    cols = []
    for name in frame.columns:
        base = col(str(name), frame[name].tolist(), note=notes.get(name))
        cols.append(
            Col(
                base.header,
                base.values,
                widths.get(name, base.width),
                formats.get(name, base.number_format),
                name in wrap or base.wrap,
                note=base.note,
            )
        )
    write_grid(book, ws, cols, freeze=freeze, top=bool(wrap), heights=bool(wrap))
    return ws


def write_user_sheet(book: Book, title: str, grid: Sequence[Sequence[tuple[object, str]]]) -> None:
    """A sheet the user added to the previous workbook, written back as it was read: each value
    through ``cells`` (text stays text), and the user's own formulas as formulas (kind "f": they
    typed them in their own sheet, so they refer to its cells, which keep their places)."""
    ws = book.wb.add_worksheet(title)
    for r, row in enumerate(grid):
        for c, (value, kind) in enumerate(row):
            if kind == "f" and isinstance(value, str) and value.startswith("="):
                ws.write_formula(r, c, value)
            elif value is not None:
                put(ws, r, c, cell_value(value), book.fmt(num_format=DATE_FORMAT)
                    if isinstance(value, date) else None)  # fmt: skip
