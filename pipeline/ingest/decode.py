"""Text encodings of CSV exports: BOMs, UTF-16 from Excel "Unicode text", cp1252 re-saves."""

from __future__ import annotations

import re

from charset_normalizer import from_bytes

from pipeline.errors import InputError

_SNIFF_BYTES = 200_000  # enough text for charset-normalizer to decide, fast on big files
_OTHER_SCRIPTS = (
    *("cp1251", "cp866", "koi8", "mac_cyrillic", "iso8859_5", "cp1253", "mac_greek", "iso8859_7"),
    *("cp1255", "iso8859_8", "cp1256", "iso8859_6", "cp874", "tis_620", "cp1258", "shift_jis"),
    *("cp932", "euc_j", "iso2022", "gb", "hz", "big5", "cp950", "euc_kr", "cp949", "johab"),
)
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_WESTERN_PUNCTUATION = set("’‘“”–—€…•·°®©™«»¿¡£§")
_CENTRAL_EUROPEAN = ("cp1250", "iso8859_2", "mac_latin2", "cp852")
# cp1250 letters (Ł ą ł ż Ľ ľ Ą) that cp1252 reads as symbols, next to a letter ("¿Qué" is fine).
_CP1250_AS_CP1252 = re.compile(r"(?<=[^\W\d_])[£¥¼¾³¹¿]|[£¥¼¾³¹](?=[^\W\d_])")


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Decode the bytes of a text file, returning (text, encoding name).

    BOMs first (UTF-8, UTF-16 LE/BE, UTF-32), then UTF-16 without a BOM (many NUL bytes), strict
    UTF-8, charset-normalizer for other code pages, and cp1252 as the last resort. Binary data
    raises InputError naming the file. Example: decode("é".encode("cp1252"), "a.csv") ->
    ("é", "cp1252").
    """
    if not data:
        raise InputError(f"{name} is empty; export it again or choose another file.")
    text, encoding = _decode(data)
    if text.startswith("\ufeff"):
        text = text[1:]
    if _looks_binary(text, data):
        raise InputError(
            f"{name} is not a text file; expected a CSV export (if it is an Excel workbook, "
            "save it as .xlsx or CSV and try again)."
        )
    if not text or text.isspace():
        raise InputError(f"{name} is empty; export it again or choose another file.")
    return text, encoding


def _decode(data: bytes) -> tuple[str, str]:
    boms = (
        (b"\xff\xfe\x00\x00", "utf-32"),
        (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    )
    for bom, encoding in boms:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), encoding
    head = data[:4096]
    if head.count(0) > len(head) // 4:
        # UTF-16 without a BOM: the NULs sit in the high byte of ASCII characters.
        odd_nuls = head[1::2].count(0)
        encoding = "utf-16-le" if odd_nuls >= head[0::2].count(0) else "utf-16-be"
        return data.decode(encoding, errors="replace"), encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    guess = from_bytes(data[:_SNIFF_BYTES]).best()
    encoding = guess.encoding if guess is not None else "cp1252"
    latin = _latin_code_page(data, encoding)
    if latin is not None:
        return data.decode(latin), latin
    try:
        return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError):
        return data.decode("cp1252", errors="replace"), "cp1252"


def _latin_code_page(data: bytes, guess: str) -> str | None:
    """cp1252 or cp1250 when the bytes read as accented Latin words, else None (trust the guess).

    A few accented names cannot tell Latin code pages apart, and charset-normalizer then picks
    cp1250, cp437, mac_roman or even Big5 almost at random; Excel on Windows writes cp1252. In
    Latin text the accents sit alone or in pairs inside ASCII words, while Cyrillic, Greek or CJK
    bytes read as cp1252 give long runs of non-ASCII characters, many of them symbols.
    """
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    runs = _NON_ASCII.findall(western[:_SNIFF_BYTES])
    if not runs:
        return "cp1252"
    chars = "".join(runs)
    if len(chars) > 2 * len(runs):  # long runs: another script
        return "cp1252" if not guess.startswith(_OTHER_SCRIPTS) else None
    # "Wi³kowska", "Za¿ó³æ": Polish/Czech letters read as cp1252 (one "m³" may be genuine).
    slips = len(_CP1250_AS_CP1252.findall(western[:_SNIFF_BYTES]))
    if slips >= 2 or (slips and guess.startswith(_CENTRAL_EUROPEAN)):
        return "cp1250" if _decodes(data, "cp1250") else "cp1252"
    plausible = sum(c.isalpha() or c in _WESTERN_PUNCTUATION for c in chars)
    if plausible >= 0.8 * len(chars) or not guess.startswith(_OTHER_SCRIPTS):
        return "cp1252"
    return None


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _looks_binary(text: str, data: bytes) -> bool:
    if "\x00" in text or data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF")):
        return True
    sample = text[:4096]
    controls = sum(1 for c in sample if c < " " and c not in "\t\n\r\f")
    return controls > len(sample) // 20 or sample.count("\ufffd") > len(sample) // 10
