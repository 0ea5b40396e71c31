"""Small, vectorised text cleaners shared by the LinkedIn and alumni readers."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.text.arrow_text import STR

# linkedin.com/in/<slug>, any subdomain (www, ca, uk …), with or without scheme; /pub/ is the
# pre-2016 public profile path, still seen in old alumni lists.
_SLUG = re.compile(r"(?i)(?:^|[/.@\s])linkedin\.com/(?:in|pub)/([^/?#\s]+)")
# _SLUG for RE2 on ASCII text: Python's \s there is [\t\n\v\f\r\x1c-\x1f ], RE2's lacks \v and
# \x1c-\x1f; the group is named, as Arrow's extract_regex asks.
_S = r"\t\n\x0b\f\r\x1c-\x1f "
_SLUG_ASCII = rf"(?i)(?:^|[/.@{_S}])linkedin\.com/(?:in|pub)/(?P<slug>[^/?#{_S}]+)"
_SPACE = re.compile(r"\s+")
_UNTIDY = re.compile(r"^\s|\s$|\s\s|[^\S ]")  # edge, doubled or non-space whitespace
_INVISIBLE = dict.fromkeys(
    [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x200E, 0x200F, *range(0x202A, 0x202F)]
)


def text(values: pd.Series) -> pd.Series:
    """NFKC, invisible marks removed, whitespace collapsed and trimmed; case kept.

    >>> text(pd.Series(["  Acme\\u200b   Inc. "])).tolist()
    ['Acme Inc.']
    """
    # by codes, not a dict of values: a column holding both None and NaN (an object column from
    # a spreadsheet) made a dict whose index pandas refused as not unique
    codes, uniques = pd.factorize(values)
    cleaned = np.array([*(_text(v) for v in uniques), ""], dtype=object)  # code -1 (missing): ""
    return pd.Series(cleaned[codes], index=values.index, name=values.name, dtype=STR)


def _text(value: object) -> str:
    if not isinstance(value, str):
        return ""
    if value.isascii():  # NFKC and the invisible marks only concern non-ASCII text
        return _SPACE.sub(" ", value).strip() if _UNTIDY.search(value) else value
    if "™" in value or "℠" in value:  # NFKC would glue the letters TM to the word: "BrandTM"
        parts = re.split("([™℠])", value)
        value = "".join(p if p in "™℠" else unicodedata.normalize("NFKC", p) for p in parts)
    else:
        value = unicodedata.normalize("NFKC", value)
    return _SPACE.sub(" ", value.translate(_INVISIBLE)).strip()


def linkedin_slug(urls: pd.Series) -> pd.Series:
    """The decoded, lower-case slug of each LinkedIn profile URL, or "".

    >>> urls = pd.Series(["https://ca.linkedin.com/in/Mar%C3%ADa-G/?lipi=x", "n/a"])
    >>> linkedin_slug(urls).tolist()
    ['maría-g', '']
    """
    urls = urls.astype(STR).fillna("")
    slugs = pd.Series(_slugs(pa.array(urls.array)), index=urls.index, name=urls.name, copy=False)
    coded = slugs.str.contains("%", regex=False) | ~slugs.str.isascii()
    if coded.any():
        slugs[coded] = slugs[coded].map(_decode)
    return slugs.str.strip().str.lower().astype(STR)


def _slugs(urls: pa.Array | pa.ChunkedArray) -> pd.api.extensions.ExtensionArray:
    """``_SLUG``'s slug of each URL, or "": ASCII URLs by Arrow's RE2 (``_SLUG_ASCII``), the
    others by Python's re, whose IGNORECASE and \\s reach beyond ASCII."""
    if isinstance(urls, pa.ChunkedArray):
        urls = urls.combine_chunks()
    found = pc.struct_field(pc.extract_regex(urls, _SLUG_ASCII), [0]).fill_null("")
    other = np.flatnonzero(~pc.string_is_ascii(urls).to_numpy(zero_copy_only=False))
    if len(other):
        slugs = [_SLUG.search(u) for u in urls.take(other).to_pylist()]
        patch = pa.array([m.group(1) if m else "" for m in slugs], found.type)
        mask = np.zeros(len(urls), dtype=bool)
        mask[other] = True
        found = pc.replace_with_mask(found, pa.array(mask), patch)
    return pd.array(found.cast(pa.large_string()), dtype=STR)


def _decode(slug: str) -> str:
    return unicodedata.normalize("NFC", unquote(slug))


def email(values: pd.Series) -> pd.Series:
    """Lower-cased, trimmed e-mail addresses; anything without an @ becomes ""."""
    cleaned = values.astype(STR).str.strip().str.lower()
    return cleaned.where(cleaned.str.contains("@", regex=False), "").astype(STR)
