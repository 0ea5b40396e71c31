"""Folding names of schools and companies to comparable lower-case ASCII words."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

__all__ = ["fold"]

_DROPPED = frozenset({"So", "Sk", "Cf", "Co", "Cs"})


@lru_cache(maxsize=262144)
def fold(text: str) -> str:
    """Lower-case ASCII words without punctuation, for comparing names of schools and companies.

    NFKC first (styled letters), then ASCII ("Montréal" -> "montreal"); a spaced "&" reads "and",
    an unspaced one vanishes ("AT&T" -> "att"); periods and apostrophes join ("J.P." -> "jp",
    "Queen's" -> "queens"); other punctuation separates; a leading "the" is dropped.

    >>> fold("  The Université de Montréal ")
    'universite de montreal'
    >>> fold("Ernst & Young")
    'ernst and young'
    """
    text = unicodedata.normalize("NFKC", text)
    # Emoji and invisible marks would otherwise become words (anyascii spells "🚀" ":rocket:").
    if not text.isascii():
        text = "".join(c for c in text if c.isascii() or unicodedata.category(c) not in _DROPPED)
        text = anyascii(text)
    text = text.lower()
    text = re.sub(r"\s+&\s+", " and ", text).replace("&", "")
    text = re.sub(r"['`.]", "", text)
    text = " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())
    return text.removeprefix("the ")
