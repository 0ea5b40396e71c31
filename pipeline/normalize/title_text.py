"""The text of a job title: abbreviations expanded, and the company hidden in a headline.

``pipeline/data/title_abbreviations.csv`` expands Sr, PM, SWE, VP, CEO ...; ``split_headline``
takes a LinkedIn headline apart ("Senior PM @ Shopify | ex-Google"). The seniority and role
family rules of ``normalize.titles`` run over what ``expand_abbreviations`` gives.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import cache
from importlib import resources

from anyascii import anyascii

# --- abbreviations ------------------------------------------------------------------------------


@cache
def _abbreviations() -> tuple[re.Pattern[str], dict[str, str]]:
    path = resources.files("pipeline").joinpath("data", "title_abbreviations.csv")
    text = path.read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines())
    table = {r["abbreviation"].lower(): r["expansion"] for r in rows}
    keys = sorted(table, key=len, reverse=True)  # "ph.d." before "ph.d", "postdoc fellow" first
    alternation = "|".join(re.escape(k) + ("" if k.endswith(".") else r"\.?") for k in keys)
    return re.compile(rf"(?<![a-z0-9])(?:{alternation})(?![a-z0-9])"), table


_INVISIBLE = frozenset({"Cf", "Cs", "Co", "So", "Sk"})  # bidi marks, ZWJ, emoji, flags
_PUNCT = re.compile(r"[^a-z0-9+#\- ]+")
_LOOSE_HYPHEN = re.compile(r"(?<![a-z0-9])-+|-+(?![a-z0-9])")
_NO_WORD = re.compile(r"(?:^| )[+#\-]+(?= |$)")
_SPACES = re.compile(r"\s+")


def _fold(text: str) -> str:
    """NFKC (math-bold letters), drop emoji and invisible marks, transliterate, lower-case."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
        text = anyascii("".join(c for c in text if unicodedata.category(c) not in _INVISIBLE))
    return _SPACES.sub(" ", text.lower()).strip()


def expand_abbreviations(title: str) -> str:
    """The title lower-cased, abbreviations expanded and punctuation reduced to single spaces.

    >>> expand_abbreviations("Sr. PM II")
    'senior product manager ii'
    >>> expand_abbreviations("Founder & CEO")
    'founder and chief executive officer'
    """
    if not isinstance(title, str) or not title:
        return ""
    regex, table = _abbreviations()

    def expand(match: re.Match[str]) -> str:
        word = match.group(0)
        return table.get(word) or table[word[:-1]]  # a trailing "." was consumed ("Sr.")

    text = regex.sub(expand, _fold(title)).replace("&", " and ")
    text = _LOOSE_HYPHEN.sub(" ", _PUNCT.sub(" ", text))
    return _SPACES.sub(" ", _NO_WORD.sub(" ", _SPACES.sub(" ", text))).strip()


# --- headlines ----------------------------------------------------------------------------------

_SEGMENT = re.compile(r"\s*(?:\||｜|•|·|⋅|\s//\s)\s*")
_PAST = re.compile(
    r"(?:^|(?<=[\s,;(/]))(?:ex[-\s]|ex-?\s*@\s*|former(?:ly)?\b(?:\s+at\b)?|previously\b(?:\s+at\b)?"
    r"|prev\b\.?|past\b:?|alum(?:nus|na|ni)?\s+of\b)\s*:?\s*",
    re.IGNORECASE,
)
_AT = re.compile(r"\s*@\s*|\s+at\s+", re.IGNORECASE)
#: Titles that are followed by their company after a comma or "of": "Founder, Acme".
_HEAD_ROLE = re.compile(
    r"^(?:co-?\s?founder|founder|co-?owner|owner|proprietor|ceo|president|managing partner"
    r"|founding partner|(?:co-?\s?)?founder\s*(?:&|and|/|\+)\s*ceo|ceo\s*(?:&|and|/|\+)\s*"
    r"(?:co-?\s?)?founder)$",
    re.IGNORECASE,
)
_REGION = re.compile(
    r"^(?:global|worldwide|international|north america|americas|latam|emea|apac|asia(?: pacific)?"
    r"|europe|canada|usa|us|uk|india|africa|the board)$",
    re.IGNORECASE,
)
_TRIM = " \t,;:-–—|()[]"


def _companies(text: str) -> list[str]:
    parts = (_PAST.sub("", p).strip(_TRIM) for p in re.split(r"[,;/]|\s+&\s+ex", text))
    return [p for p in parts if p]


def split_headline(position: str) -> tuple[str, str, tuple[str, ...]]:
    """(title, current company, past companies) from a LinkedIn position that may be a headline.

    >>> split_headline("Senior PM @ Shopify | ex-Google")
    ('Senior PM', 'Shopify', ('Google',))
    >>> split_headline("VP, Engineering")
    ('VP, Engineering', '', ())
    """
    if not isinstance(position, str):
        return "", "", ()
    segments = [s for s in _SEGMENT.split(position.strip()) if s.strip(_TRIM)]
    if not segments:
        return "", "", ()
    roles, past = [], []
    for segment in segments:
        marker = _PAST.search(segment)
        if marker and marker.start() == 0:  # a history segment: "ex-Google"
            past += _companies(segment[marker.end() :])
        elif marker:  # "Data Scientist at RBC (ex-Google)"
            past += _companies(segment[marker.end() :])
            roles.append(segment[: marker.start()])
        else:
            roles.append(segment)
    # the role is the first segment naming an employer ("Speaker | SWE at Meta"), else the first
    current = next((r for r in roles if _AT.search(r.strip())), roles[0] if roles else "")
    title, company = current.strip(_TRIM), ""
    at = _AT.search(current)
    if at:
        title, company = current[: at.start()].strip(_TRIM), current[at.end() :].strip(_TRIM)
    else:
        head = re.match(r"^(.+?)(?:\s*,\s*|\s+of\s+)(.+)$", title, re.IGNORECASE)
        if head and _HEAD_ROLE.match(head.group(1).strip()) and not _REGION.match(head.group(2)):
            title, company = head.group(1).strip(_TRIM), head.group(2).strip(_TRIM)
    return title, company, tuple(dict.fromkeys(past))
