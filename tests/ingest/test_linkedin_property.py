"""Property: whatever noise a connections file carries, every row is accounted for.

Hypothesis writes Connections.csv files the way LinkedIn, Excel and text editors do (encoding,
delimiter, line endings, quoting, rows wrapped whole in quotes, preamble or not, blank lines) with
random Unicode around the names (emoji, RTL text, zero-width and combining marks), ghost rows,
rows without a name and unreadable dates. read_connections must never crash, must keep
read = accepted + rejected, and every named row must reach People with the line it starts on.
"""

from __future__ import annotations

import csv
import io
import re

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from pipeline.errors import InputError
from pipeline.ingest.linkedin import read_connections

HEADER = ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"]
NOTE = (
    "When exporting your connection data, you may notice that some of the email addresses are "
    "missing. You will only see email addresses for connections who have allowed it."
)
DATES = ["08 Jan 2024", "5-Jan-26", "1/8/18, 6:14 PM", "2024-01-08", "30-oct-09", "3 févr. 2024"]
NOISE = st.sampled_from(
    [
        "🇨🇦",
        "👩‍💻",
        "✨",
        "\u200b",
        "\u200f",
        "\u202e",
        "עברית",
        "العربية",
        "(She/Her)",
        "\u0301",
        " ",
    ]
)
UNICODE = st.characters(exclude_categories=("Cs", "Cc"), exclude_characters="\ufffd\ufeff")
CP1252 = st.sampled_from(["é", "ü", "Å", "ñ", "ø", "ß", "’", "–", " ", ",", ";", '"', "'"])
SPECIALS = st.sampled_from([",", ";", "\t", "|", '"', "\n", "\r\n"])


@st.composite
def rows(draw, cp1252: bool):
    """(kind, cells): kind is "named", "ghost", "noname" or "blank" (a line with no record)."""
    kind = draw(st.sampled_from(["named"] * 6 + ["ghost", "noname", "blank"]))
    noise = st.one_of(CP1252, SPECIALS) if cp1252 else st.one_of(NOISE, UNICODE, SPECIALS)
    junk = st.lists(noise, max_size=4).map("".join)
    date = draw(st.sampled_from([*DATES, "someday", ""]))
    if kind == "ghost":
        return kind, ["", "", "", "", "", "", draw(st.sampled_from(DATES))]
    if kind == "blank":
        return kind, draw(st.sampled_from(["", "   "]))
    company = draw(st.sampled_from(["Acme, Inc.", "NA", "None", "Freelance", "-", ""])) + draw(junk)
    title = draw(junk)
    if kind == "noname":
        return kind, ["", "", "", "", company or "Acme", title, date]
    first = draw(st.sampled_from(["Ana", "Bo", "Zoé", "Li"])) + draw(junk)
    last = draw(junk) + draw(st.sampled_from(["Ruiz", "Ng", "Müller"])) + draw(junk)
    return kind, [first, last, "", "", company, title, date]  # URL filled in later


@st.composite
def exports(draw):
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    body = draw(st.lists(rows(encoding == "cp1252"), max_size=12))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    quoting = draw(st.sampled_from(["minimal", "all", "wrapped"]))
    preamble = draw(st.sampled_from(["none", "linkedin", "excel"]))
    blank_before = draw(st.integers(0, 2))
    return encoding, body, delimiter, ending, quoting, preamble, blank_before


def record(cells: list[str], delimiter: str, ending: str, quoting: str) -> str:
    out = io.StringIO()
    mode = csv.QUOTE_ALL if quoting == "all" else csv.QUOTE_MINIMAL
    csv.writer(out, delimiter=delimiter, lineterminator=ending, quoting=mode).writerow(cells)
    text = out.getvalue()
    if (
        quoting == "wrapped"
        and "\n" not in text[: -len(ending)]
        and "\r" not in text[: -len(ending)]
    ):
        return '"' + text[: -len(ending)].replace('"', '""') + '"' + ending
    return text


def newlines(text: str) -> int:
    return len(re.findall(r"\r\n|\r|\n", text))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exports())
def test_every_row_is_accounted_for(case) -> None:
    encoding, body, delimiter, ending, quoting, preamble, blank_before = case
    text = ending * blank_before
    pad = delimiter * 6 if preamble == "excel" else ""
    if preamble != "none":
        text += f"Notes:{pad}{ending}" + record([NOTE], delimiter, "", "minimal") + pad + ending
        text += pad + ending
    text += record(HEADER, delimiter, ending, quoting)
    expected: dict[int, str] = {}  # line where a named record starts -> its slug
    records = 0
    for i, (kind, cells) in enumerate(body):
        if kind == "blank":
            text += cells + ending
            continue
        if kind == "named":
            cells = [*cells[:2], f"https://www.linkedin.com/in/p{i}", *cells[3:]]
            expected[newlines(text) + 1] = f"p{i}"
        text += record(cells, delimiter, ending, quoting)
        records += 1
    data = text.encode(encoding)

    try:
        got = read_connections(data, "Connections.csv")
    except InputError:
        event("refused")
        # Only a file without a single connection row may be refused (e.g. cp1252 text that
        # charset detection cannot tell from another code page has no bearing here).
        assert not expected
        return
    report = got.reports[0]
    event(f"named rows: {min(len(expected), 5)}+, quoting {quoting}, {encoding}")
    assert report.read == report.accepted + report.rejected == records
    assert len(got.people) == report.accepted
    assert (got.ledger["outcome"] == "rejected").sum() == report.rejected
    people = dict(zip(got.people["source_row"], got.people["linkedin_slug"], strict=True))
    assert people == expected
    assert (got.people["full_name"] != "").all()
