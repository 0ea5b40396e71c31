"""Company names: a clean display form, a canonical key, the parent company and a rarity weighting.

Keys come from ``pipeline/data/company_aliases.csv`` (aliases no library merges: Google/Alphabet,
Facebook/Meta, J.P. Morgan/JPMorgan Chase, Ernst & Young/EY …), the user's own aliases, and
otherwise the folded legal-form-free name. Placeholders ("Self-employed", "Stealth Startup", "-")
get the key "" so they never match; see ``pipeline/data/company_placeholders.csv``.

Parent model: each key has at most one parent (google -> alphabet, youtube -> google), so keys form
a forest. ``company_similarity`` gives 1.0 for the same key, ``PARENT_CREDIT`` when one is an
ancestor of the other (a subsidiary is close to, but not the same as, its parent), and
``SIBLING_CREDIT`` when they only share an ancestor (Waymo vs YouTube: same group, different
employer). Country member firms of a network (Deloitte Canada, KPMG Canada) share the network's key
(a full match); service-line subsidiaries (Deloitte Consulting, EY-Parthenon) are partial.

A university in the company field keeps its company key (it is an employer) and is flagged
``company_is_school``. Decision: it never fills the person's school, since working at a
university says nothing about having studied there; normalize exposes it as
``employer_is_school`` / ``employer_school_key`` so rank can say "works at your university".
``employer_kind`` ("bank", from ``data/employer_kinds.csv``) lets titles read a bank's Vice
President as mid-career.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import cache, lru_cache
from types import MappingProxyType

import numpy as np
import pandas as pd
from cleanco.clean import normalized, prepare_default_terms, strip_punct, strip_tail

from pipeline.errors import SettingsError
from pipeline.normalize.company_groups import (
    PARENT_CREDIT,
    SIBLING_CREDIT,
    alias_table,
    company_similarities,
    company_similarity,
    employer_kind,
    employer_kinds,
    parent_key,
)
from pipeline.normalize.schools import is_school_name
from pipeline.text.arrow_text import STR
from pipeline.text.csr import Csr, row_dots
from pipeline.text.fold import fold
from pipeline.text.placeholders import is_placeholder
from pipeline.text.tables import read_table
from pipeline.text.tfidf import smooth_idf, unit_rows

__all__ = [
    "PARENT_CREDIT",
    "SIBLING_CREDIT",
    "CompanyTokenWeights",
    "check_aliases",
    "clean_company",
    "company_key",
    "company_keys",
    "company_similarities",
    "company_similarity",
    "employer_kind",
    "employer_kinds",
    "is_school_name",
    "parent_key",
]

GENERIC_IDF = 0.2  # fitted idf is never below 1.0, so generic words weigh at most a fifth of any
_STOP_WORDS = (
    "of",
    "the",
    "and",
    "de",
    "du",
    "des",
    "la",
    "le",
    "et",
    "for",
    "a",
    "an",
)
_NO_ALIASES: Mapping[str, str] = MappingProxyType({})
_PARENS = re.compile(r"\(([^()]*)(?:\)|$)")
_ACRONYM = re.compile(r"[A-Z][A-Za-z0-9&.\-]{1,9}")


@cache
def _words(kind: str) -> frozenset[str]:
    """Words of data/company_generic_words.csv of one kind.

    "generic": so common in employer names that sharing them says little (forced low in tf-idf);
    "country office": trailing words naming a country office ("Microsoft Canada" is Microsoft,
    but only when what remains is a known alias: "Air Canada" and "Bell Canada" stay themselves).
    """
    table = read_table("company_generic_words.csv")
    return frozenset(table.loc[table["kind"] == kind, "word"])


def _split_parens(text: str) -> tuple[str, list[str], list[str]]:
    """(text without parentheses, acronyms such as "AWS", other parenthesised parts)."""
    groups = [g.strip() for g in _PARENS.findall(text) if g.strip()]
    main = " ".join(_PARENS.sub(" ", text).split())
    acronyms = [g for g in groups if _ACRONYM.fullmatch(g) and sum(c.isupper() for c in g) >= 2]
    return main, acronyms, [g for g in groups if g not in acronyms]


#: cleanco only strips legal terms at the end of a name: a name whose last word ends no term is
#: left alone without the (comparatively slow) full basename call.
_LEGAL_LAST_WORDS = frozenset(parts[-1] for _, parts in prepare_default_terms())


@cache
def _legal_terms() -> tuple[tuple[int, dict[tuple[str, ...], int]], ...]:
    """cleanco's default terms as (number of words, {word tuple: times listed}), longest first.

    Several spellings normalise to one term ("a.s." and "as"), which cleanco then lists twice.
    """
    by_size: dict[int, dict[tuple[str, ...], int]] = {}
    for size, parts in prepare_default_terms():
        counts = by_size.setdefault(size, {})
        counts[tuple(parts)] = counts.get(tuple(parts), 0) + 1
    return tuple(sorted(by_size.items(), reverse=True))


def _basename(name: str) -> str:
    """cleanco's ``basename`` (suffixes only), with the same result, five times faster.

    cleanco compares the name's tail with each of its terms in turn (longest first, then
    alphabetically), deleting each that matches. Within a length, a term can only match after an
    earlier one was deleted if it sorts after it (or is the same term listed twice): a dictionary
    lookup per length, repeated while that holds, gives the same deletions without the scan.
    """
    name = strip_tail(name)
    parts = name.split()
    nparts = [strip_punct(p) for p in normalized(name).split()]
    for size, terms in _legal_terms():
        last: tuple[str, ...] = ()
        repeats = 0
        while len(nparts) >= size:
            tail = tuple(nparts[-size:])
            listed = terms.get(tail, 0)
            repeats = repeats + 1 if tail == last else 1
            if not listed or tail < last or repeats > listed:
                break
            del nparts[-size:], parts[-size:]
            last = tail
    return strip_tail(" ".join(parts))


def _ends_legal(text: str) -> bool:
    words = strip_tail(text).split()
    return bool(words) and strip_punct(normalized(words[-1])) in _LEGAL_LAST_WORDS


def _strip_legal(text: str) -> str:
    """cleanco's basename until stable ("Acme Co., Ltd." -> "Acme"), never down to nothing."""
    for _ in range(5):
        if not _ends_legal(text):
            break
        stripped = _basename(text).strip(" ,;-")
        if stripped == text or not fold(stripped):
            break
        text = stripped
    return text


def _tidy(text: str) -> str:
    """NFKC, without invisible marks and pictographs ("🚀", "®"), whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii():
        text = "".join(c for c in text if unicodedata.category(c) not in ("Cf", "So"))
    return " ".join(text.split())


def clean_company(name: str) -> str:
    """The name for display: NFKC, whitespace collapsed, legal forms and acronym brackets gone.

    >>> clean_company("Amazon Web Services (AWS)"), clean_company("Acme Co., Ltd. (Canada)")
    ('Amazon Web Services', 'Acme (Canada)')
    >>> clean_company("Limited")
    'Limited'
    """
    if not isinstance(name, str):
        return ""
    text = _tidy(name)
    main, _, others = _split_parens(text)
    if not main:
        return text
    return " ".join([_strip_legal(main), *(f"({g})" for g in others)])


def _find(forms: Iterable[str], lookup: Mapping[str, str]) -> str:
    for form in forms:
        if not form:
            continue
        found = lookup.get(form) or lookup.get(form.replace(" ", ""))
        if found:
            return found
        words = form.split()
        if len(words) > 1 and words[-1] in _words("country office"):
            found = lookup.get(" ".join(words[:-1]))
            if found:
                return found
    return ""


def check_aliases(aliases: Mapping[str, str], key: str = "[normalize] company_aliases") -> None:
    """Raise a SettingsError naming ``key`` when an alias or its target has no letter or digit.

    >>> check_aliases({"Acme Labs": "Acme"})
    """
    for alias, target in aliases.items():
        if not fold(str(alias)) or not fold(str(target)):
            raise SettingsError(
                f"{key}: every alias and the company it stands for need a letter or digit; "
                f"fix the entry '{alias}' in the settings file."
            )


def _freeze(extra_aliases: Mapping[str, str] | None) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((str(k), str(v)) for k, v in (extra_aliases or {}).items()))


@cache
def _user_lookup(extra: tuple[tuple[str, str], ...]) -> dict[str, str]:
    # A user may write the target as a key ("acme") or as a name ("Alphabet Inc."): resolve names.
    return {fold(alias): _analyse(target, ())[1] or fold(target) for alias, target in extra}


#: How a company key was found, reported by ``normalize.summary``.
KEY_SOURCES = ("alias", "name", "placeholder", "empty")


@lru_cache(maxsize=262144)
def _analyse(
    name: str, extra: tuple[tuple[str, str], ...]
) -> tuple[str, str, str, bool, bool, str]:
    """(clean, key, parent, is_placeholder, is_school, key source) for one name."""
    if not isinstance(name, str) or not name.strip():
        return "", "", "", False, False, "empty"
    clean = clean_company(name)
    main, acronyms, _ = _split_parens(_tidy(name))
    cleaned_main = _split_parens(clean)[0]
    forms = [fold(main), fold(cleaned_main)]
    placeholder = is_placeholder(name)
    key = _find(forms, _user_lookup(extra)) if extra else ""
    if not key and not placeholder:
        table = alias_table()
        # A bracketed acronym names the company before it: consulted only when the words are not.
        key = _find([*forms, *(fold(a) for a in acronyms)], table.lookup)
    source = "placeholder" if placeholder else "alias" if key else "name"
    if not key and not placeholder:
        key = fold(cleaned_main)
    return clean, key, parent_key(key), placeholder, is_school_name(clean), source


def company_key(name: str, extra_aliases: Mapping[str, str] = _NO_ALIASES) -> str:
    """The canonical employer key: lower-case ASCII words, "" for placeholders and blanks.

    ``extra_aliases`` (alias -> key or name, from the user's settings) beats the shipped table.

    >>> company_key("JPMorgan Chase & Co."), company_key("J.P. Morgan"), company_key("Facebook")
    ('jpmorgan chase', 'jpmorgan chase', 'meta')
    >>> company_key("Self-employed"), company_key("Acme Widgets Inc.")
    ('', 'acme widgets')
    """
    return _analyse(name, _freeze(extra_aliases))[1]


def company_keys(names: pd.Series, extra_aliases: Mapping[str, str] = _NO_ALIASES) -> pd.DataFrame:
    """Clean name, key, parent and flags for each company, computed once per unique value.

    Returns a new frame on ``names``' index with columns company_clean, company_key,
    company_parent (str), company_is_placeholder, company_is_school (bool) and
    company_key_source (one of KEY_SOURCES: "alias" when the shipped table or the user's aliases
    named it, "name" when the key is the folded name itself).

    >>> company_keys(pd.Series(["Google LLC", "Freelance"]))["company_key"].tolist()
    ['google', '']
    """
    extra = _freeze(extra_aliases)
    codes, uniques = pd.factorize(names, use_na_sentinel=True)
    rows = [_analyse(str(u), extra) for u in uniques]
    rows.append(("", "", "", False, False, "empty"))  # code -1 (missing) takes this last row
    columns = [
        "company_clean",
        "company_key",
        "company_parent",
        "company_is_placeholder",
        "company_is_school",
        "company_key_source",
    ]
    table = pd.DataFrame(rows, columns=columns).astype(
        {c: STR for c in (*columns[:3], columns[5])} | {c: bool for c in columns[3:5]}
    )
    out = table.take(codes)
    out.index = names.index
    return out


_TOKEN = re.compile(r"(?u)\b\w+\b")
_STOP_SET = frozenset(_STOP_WORDS)


@lru_cache(maxsize=262144)
def _tokens(key: str) -> tuple[str, ...]:
    """The words of a key as the weights count them: folded, stop words left out."""
    return tuple(w for w in _TOKEN.findall(fold(key)) if w not in _STOP_SET)


class CompanyTokenWeights:
    """Tf-idf weights of the words in company keys: rare shared words count, "Group" barely does.

    The weights are scikit-learn's ``TfidfVectorizer(analyzer="word", preprocessor=fold,
    token_pattern=_TOKEN, stop_words=_STOP_WORDS)`` (smooth idf, raw counts, rows of
    unit length; tests/normalize/test_company_weights.py compares them), counted once per
    distinct key: link fits them on a million keys that repeat, and scikit-learn's tokenizer is
    a Python call per key (and importing it costs seconds of startup).
    """

    def __init__(self, vocabulary: Mapping[str, int], idf: np.ndarray) -> None:
        self.vocabulary = vocabulary
        self.idf = idf

    @classmethod
    def fit(cls, keys: Iterable[str]) -> CompanyTokenWeights:
        """Learn word rarity from every key that will be compared (unseen words are ignored).

        The generic words are added as documents so the vocabulary is never empty, then their
        idf is forced down to GENERIC_IDF.
        """
        codes, uniques = pd.factorize(np.asarray(list(keys), dtype=object))
        return cls.fit_counted(uniques, np.bincount(codes[codes >= 0], minlength=len(uniques)))

    @classmethod
    def fit_counted(cls, keys: Iterable[object], counts: np.ndarray) -> CompanyTokenWeights:
        """``fit`` of each of ``keys`` (distinct) repeated ``counts`` times: the same weights,
        from the distinct keys' words only."""
        generic = _words("generic")
        docs = [*keys, *sorted(generic)]
        repeats = [*np.asarray(counts).tolist(), *[1] * len(generic)]
        frequency: dict[str, int] = {}  # documents holding each word
        total = 0
        for doc, n in zip(docs, repeats, strict=True):
            if not (isinstance(doc, str) and doc) or not n:
                continue
            total += n
            for word in set(_tokens(doc)):
                frequency[word] = frequency.get(word, 0) + n
        words = sorted(frequency)
        vocabulary = {w: i for i, w in enumerate(words)}
        idf = smooth_idf(np.array([frequency[w] for w in words]), total)
        idf[[vocabulary[w] for w in generic if w in vocabulary]] = GENERIC_IDF
        return cls(vocabulary, idf)

    def _vectors(self, texts: Iterable[str]) -> Csr:
        """Rows of unit length (a row with no known word is all zeros), one per text."""
        indptr, indices, counts = [0], [], []  # type: list[int], list[int], list[int]
        for text in texts:
            row: dict[int, int] = {}
            for word in _tokens(text):
                j = self.vocabulary.get(word)
                if j is not None:
                    row[j] = row.get(j, 0) + 1
            ordered = sorted(row)
            indices.extend(ordered)
            counts.extend(row[j] for j in ordered)
            indptr.append(len(indices))
        index = np.asarray(indices, dtype=np.int64)
        data = np.asarray(counts, dtype=np.float64) * self.idf[index]
        return unit_rows(data, index, indptr, len(self.idf))

    def similarity(self, a: pd.Series, b: pd.Series) -> np.ndarray:
        """Cosine similarity in [0, 1] of each aligned (by position) pair of names or keys.

        >>> w = CompanyTokenWeights.fit(["acme technologies", "acme group", "royal bank"])
        >>> w.similarity(pd.Series(["Acme Technologies"]), pd.Series(["Acme Group"])).round(2)
        array([1.])
        """
        if len(a) != len(b):
            raise ValueError("CompanyTokenWeights.similarity needs two Series of the same length")
        both = pd.concat([a, b], ignore_index=True).fillna("").astype(STR)
        codes, uniques = pd.factorize(both)
        if not len(uniques):
            return np.zeros(0)
        matrix = self._vectors(list(uniques))
        cosine = row_dots(matrix, codes[: len(a)], codes[len(a) :])
        return np.clip(cosine, 0.0, 1.0)
