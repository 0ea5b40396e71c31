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
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "mixed", "damaged"]))
    body = draw(st.lists(rows(encoding in ("cp1252", "mixed")), max_size=12))
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


DAMAGE = "\ue000"  # stands for a damaged byte sequence in a name, replaced once encoded
# As in real damaged files: replacement characters first, then stray bytes and cut sequences
# (one stray 0xFD alone would be a fair cp1252 "ý": nothing says the file is UTF-8).
DAMAGES = ("\ufffd".encode(), b"\xfd", "é".encode()[:1], "€".encode()[:2])


def encoded(pieces: list[str], encoding: str) -> bytes:
    """The file's bytes. "mixed": records alternately in UTF-8 and cp1252 (as when two files
    are pasted together); "damaged": UTF-8 with stray bytes, cut sequences and U+FFFD."""
    if encoding == "mixed":
        return b"".join(p.encode("cp1252" if i % 2 else "utf-8") for i, p in enumerate(pieces))
    if encoding == "damaged":
        data = "".join(pieces).encode("utf-8")
        for i in range(data.count(DAMAGE.encode())):
            data = data.replace(DAMAGE.encode(), DAMAGES[i % len(DAMAGES)], 1)
        return data
    return "".join(pieces).encode(encoding)


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
    pieces = [text]  # the preamble and header, then one piece per line or record
    expected: dict[int, str] = {}  # line where a named record starts -> its slug
    firsts: dict[int, str] = {}  # line -> the first name as typed (mixed and damaged files)
    records = 0
    for i, (kind, cells) in enumerate(body):
        if kind == "blank":
            text += cells + ending
            pieces.append(cells + ending)
            continue
        if kind == "named":
            if encoding == "damaged":
                cells = [cells[0] + DAMAGE + "x", *cells[1:]]
            cells = [*cells[:2], f"https://www.linkedin.com/in/p{i}", *cells[3:]]
            expected[newlines(text) + 1] = f"p{i}"
            firsts[newlines(text) + 1] = cells[0]
        text += record(cells, delimiter, ending, quoting)
        pieces.append(record(cells, delimiter, ending, quoting))
        records += 1
    data = encoded(pieces, encoding)

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
    how = report.details["encoding"]
    utf8_accents = any(not p.isascii() for p in pieces[0::2])
    if encoding == "mixed" and utf8_accents and any(not p.isascii() for p in pieces[1::2]):
        assert "partly in cp1252" in how  # a cp1252 record with an accent was read line by line
    if encoding == "mixed":
        names = " ".join(got.people["full_name"])
        for mojibake in ("Ã", "Â", "\ufffd"):  # UTF-8 read as cp1252, or cp1252 as UTF-8
            assert mojibake not in names
    if encoding == "damaged" and expected:
        assert ("damaged bytes replaced" in how) == (len(expected) > 1)
        first = dict(zip(got.people["source_row"], got.people["first_name"], strict=True))
        for line, typed in firsts.items():  # the bad bytes are one U+FFFD, the rest as typed
            assert typed.endswith(DAMAGE + "x") and first[line].endswith("\ufffdx")
            for wrong in ("ï¿½", "ý"):  # what cp1252 makes of U+FFFD and of a stray 0xFD
                assert wrong not in first[line] or wrong in typed
