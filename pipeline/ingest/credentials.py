"""Credentials in a name field: "Doe, P.Eng., MASc." is the name Doe and two credentials.

A credential (MBA, PhD, P.Eng) is kept in the People frame's ``credentials`` column but never
reaches a matching key. A generational suffix (Jr., Sr., II-IV) is not a credential: it stays in
the display name because it tells father from son (matching keys drop it, see
``pipeline.text.names.last_key``). Table: ``pipeline/data/name_credentials.csv``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.text.names import MARKS, dotless, known_given_names, name_table, suffix_key

__all__ = ["join_credentials", "split_credentials"]

_PART_SPLIT = re.compile(r"\s*(?:[,;|]|\s[-–—]\s)\s*")
_TOKEN_SPLIT = re.compile(r"[\s/]+")
_TRAILING_PARENS = re.compile(r"^(.*?)\s*\(([^()]*)\)$")
_QUALIFIER = re.compile(r"^\(?(?:candidate|cand\.?|c)\)?$|^['’]?\d{2}(?:\d{2})?$", re.IGNORECASE)
_DOTTED = re.compile(r"^(?:[A-Z][A-Za-z]{0,3}\.)+(?:[A-Z][A-Za-z]{0,3}\.?)?$")
_ACRONYM = re.compile(r"^[A-Z]{2,6}$")


def _is_suffix(token: str) -> bool:
    return suffix_key(token) in name_table()["suffix"]


def _credential_kind(token: str, *, loose: bool) -> str:
    """'known', 'shaped' (looks like one but is not in the table) or '' (not a credential).

    ``loose`` is for text after a comma, where "MASC" or "Ph.D" is surely a credential; without a
    comma only exact spellings count, so the surname "Mba" or "Ma" is never taken for one.
    """
    table, key = name_table(), dotless(token)
    if not key:
        return ""
    if key in table["exact"] or (token.endswith(tuple(MARKS)) and key.isupper()):
        return "known"
    if not loose:
        return ""
    if key.upper() in table["upper"]:
        return "known"
    shaped = _DOTTED.match(token.strip(MARKS)) and sum(ch.isupper() for ch in key) >= 2
    if shaped and max(len(s) for s in token.split(".")) >= 2:
        return "known"  # "P.Geo.", "M.Sc.A.": dotted abbreviations are not initials like "J.R."
    if _ACRONYM.match(key) and key.lower() not in known_given_names():
        return "shaped"  # "CPA, ABV": trusted only next to a known credential
    return ""


def _read_credentials(tokens: list[str], kinds: list[str]) -> list[str] | None:
    """The credentials in ``tokens`` (qualifiers like "Candidate" attached), or None if any fails.

    Appends each token's kind to ``kinds`` so the caller can ask for one known credential overall.
    """
    out: list[str] = []
    for token in filter(None, tokens):
        if out and _QUALIFIER.match(token):
            out[-1] = f"{out[-1]} {token}"
            continue
        kind = _credential_kind(token, loose=True)
        if not kind:
            return None
        kinds.append(kind)
        out.append(token.strip(MARKS))
    return out or None


def _strip_trailing_credentials(name: str) -> tuple[str, list[str]]:
    """Peel exact-spelling credentials off the end of a comma-less name ("Doe MBA PMP®")."""
    tokens = name.split()
    cut = len(tokens)
    while cut > 1 and _credential_kind(tokens[cut - 1], loose=False):
        cut -= 1
    rest = " ".join(tokens[:cut])
    if cut == len(tokens) or (rest.isupper() and not all(t[-1] in MARKS for t in tokens[cut:])):
        return name, []  # in an ALL CAPS name "LEE MA" the MA may well be a surname
    return rest, [t.strip(MARKS) for t in tokens[cut:]]


@lru_cache(maxsize=1 << 18)
def split_credentials(last_name: str) -> tuple[str, str]:
    """Split a last name into (name, credentials); a suffix such as Jr. stays in the name.

    >>> split_credentials("Doe, P.Eng., MASc.")
    ('Doe', 'P.Eng., MASc.')
    >>> split_credentials("Doe, Jr.")
    ('Doe Jr.', '')
    """
    text = " ".join(str(last_name).split()) if isinstance(last_name, str) else ""
    parens = _TRAILING_PARENS.match(text)
    if parens and parens.group(1):
        inner_kinds: list[str] = []
        inner = _read_credentials(_TOKEN_SPLIT.split(parens.group(2)), inner_kinds)
        if inner and "known" in inner_kinds:
            name, more = split_credentials(parens.group(1))
            return name, ", ".join(filter(None, [more, *inner]))
    head, *tail = _PART_SPLIT.split(text)
    suffixes: list[str] = []
    creds: list[str] = []
    kinds: list[str] = []
    for part in filter(None, tail):
        if _is_suffix(part):
            suffixes.append(part)
            continue
        tokens = _TOKEN_SPLIT.split(part)
        found = _read_credentials(tokens, kinds)
        if found is None:
            lead: list[str] = []
            if _read_credentials(tokens[:1], lead) and "known" in lead:
                # "CPA (Canada)", "CFA Level III": a known credential with its qualifier
                creds.append(part)
                kinds.append("known")
                continue
            return text, ""  # "Doe, Jane" or anything else that is not a credential list
        creds.extend(found)
    if creds and "known" not in kinds:
        return text, ""
    head, trailing = _strip_trailing_credentials(head)
    name = " ".join([head, *suffixes]).strip()
    return name, ", ".join(trailing + creds)


def join_credentials(text: str) -> str:
    return ", ".join(dict.fromkeys(c for c in text.split(", ") if c))
