"""Text encodings of CSV exports: BOMs, UTF-16 from Excel "Unicode text", cp1252 re-saves."""

from __future__ import annotations

import re
from functools import cache

import numpy as np

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
    if _looks_binary(text, data, encoding):
        raise InputError(
            f"{name} is not a text file; expected a CSV export (if it is an Excel workbook, "
            "save it as .xlsx or CSV and try again)."
        )
    if not text or text.isspace():
        raise InputError(f"{name} is empty; export it again or choose another file.")
    return text, encoding


_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def utf8_head(data: bytes, name: str, lines: int) -> tuple[str, bool] | None:
    """For bytes ``decode`` reads as plain UTF-8 (no BOM, not UTF-16): (the text of their first
    ``lines`` lines, whether that is all of it), after decode's checks, without decoding the
    rest; None when ``decode`` must be asked (another encoding, an error to raise).

    The whole is checked as strict UTF-8 by Arrow's validator (a few milliseconds for 100 MB)
    instead of being made one Python str (a 133 MB list with one accent: 266 MB of UCS-2, a
    sixth of a second); a line break is the byte 0x0A in UTF-8 and nowhere else, so the head
    is cut where decode's text would be. Example: utf8_head(b"a,b\nc,d\n", "x.csv", 1) ->
    ("a,b\n", False).
    """
    head = data[:4096]
    if not data or data.startswith(_BOMS) or head.count(0) > len(head) // 4:
        return None
    if not _valid_utf8(data):
        return None
    # decode's own checks, on what they read: the bytes, and the first 4,096 characters (at
    # most 16,384 bytes; a character cut at that end is left out)
    sample = data[: 4 * 4096].decode("utf-8", "ignore")
    if _looks_binary(sample, data, "utf-8"):
        return None
    end = -1
    for _ in range(lines):
        end = data.find(b"\n", end + 1)
        if end < 0:
            end = len(data) - 1
            break
    text = data[: end + 1].decode("utf-8")
    if text.isspace():  # maybe all of it: decode says so
        return None
    return text, end + 1 == len(data)


def _valid_utf8(data: bytes) -> bool:
    import pyarrow as pa

    buffer = pa.py_buffer(data)  # no copy
    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64).tobytes())
    try:
        pa.LargeStringArray.from_buffers(1, offsets, buffer).validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


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
            if encoding == "utf-8-sig":
                return _mostly_utf8(data[3:], bom=True) or (data[3:].decode("utf-8"), encoding)
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
    mixed = _mostly_utf8(data)
    if mixed is not None:
        return mixed
    # Imported here: charset-normalizer costs 20-30 ms at start-up and only a file that is
    # not UTF-8 (nor mostly UTF-8) needs it.
    from charset_normalizer import from_bytes

    guess = from_bytes(data[:_SNIFF_BYTES]).best()
    encoding = guess.encoding if guess is not None else "cp1252"
    latin = _latin_code_page(data, encoding)
    if latin is not None:
        return data.decode(latin), latin
    try:
        return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError):
        return data.decode("cp1252", errors="replace"), "cp1252"


_ESCAPED = re.compile("[\udc80-\udcff]+")  # bytes that are not UTF-8, from surrogateescape
# Real UTF-8 text beyond ASCII, away from bytes that are not UTF-8: in a GB18030 or Big5 file a
# few byte pairs are valid UTF-8 by accident, but always wedged between invalid bytes.
_UTF8_EVIDENCE = "(?<![\udc80-\udcff])[\u0080-\ud7ff\ue000-\U0010ffff]+(?![\udc80-\udcff])"


@cache
def _utf8_evidence() -> re.Pattern[str]:
    # Compiled on first use (3 ms): only a file that is not clean UTF-8 is looked at with it.
    return re.compile(_UTF8_EVIDENCE)


_FFFD_BYTES = frozenset(b"\xef\xbf\xbd\xfd\xff")  # what is left of a U+FFFD cut short


def _mostly_utf8(data: bytes, *, bom: bool = False) -> tuple[str, str] | None:
    """(text, how) for UTF-8 with a few bytes that are not, or None when the file is no UTF-8.

    Two real cases. Damaged UTF-8 (it already holds U+FFFD replacement characters, beside
    stray bytes and sequences cut short; or every bad run is made only of the bytes of a
    U+FFFD, EF BF BD in UTF-8 and FD FF in UTF-16, such as a stray 0xFD): each bad run becomes
    one U+FFFD and the bytes are counted; a legacy code page would turn U+FFFD into "ï¿½" and
    0xFD into "ý". Otherwise a cut sequence cannot be told from Latin letters ("é’" is E9 92
    in cp1252), so it is read so (the price: a lone Latin-1 "ý" in a UTF-8 file reads as U+FFFD).

    Mixed encodings (a file pasted together from a
    Latin-1 and a UTF-8 source, sometimes within one cell): each run of bytes that is not UTF-8
    is read in the Latin code page those runs fit, and the lines that needed it are counted.
    Either way what is valid UTF-8 stays UTF-8, and ``how`` says what was done. Example:
    _mostly_utf8("Zoë,".encode() + "Zoë".encode("cp1252")) -> ("Zoë,Zoë", "utf-8, 1 line
    partly in cp1252"); clean UTF-8 with a BOM (bom=True) -> None.
    """
    text = data.decode("utf-8", "surrogateescape")
    runs = _ESCAPED.findall(text)
    if bom and not runs:
        return None
    clean = _ESCAPED.sub("", text)
    if not bom and not _utf8_evidence().search(text[: _SNIFF_BYTES * 4]):
        return None  # no UTF-8 beyond ASCII: a legacy code page (the caller decides which)
    raw = [run.encode("utf-8", "surrogateescape") for run in runs]
    base = "utf-8-sig" if bom else "utf-8"
    if "\ufffd" in clean or all(_FFFD_BYTES.issuperset(run) for run in raw):
        bad = sum(map(len, raw))
        return _ESCAPED.sub("\ufffd", text), f"{base}, {bad:,} damaged bytes replaced by \ufffd"
    page = _latin_code_page(b" ".join(raw), "cp1252") or "cp1252"
    lines = sum(1 for line in text.split("\n") if _ESCAPED.search(line))
    fixed = _ESCAPED.sub(
        lambda m: m.group().encode("utf-8", "surrogateescape").decode(page, "replace"), text
    )
    return fixed, f"{base}, {lines:,} line{'s' if lines != 1 else ''} partly in {page}"


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


def _looks_binary(text: str, data: bytes, encoding: str = "") -> bool:
    # Text decoded as strict UTF-8 holds U+0000 exactly where its bytes hold 0x00 (no other
    # UTF-8 sequence has a zero byte): the bytes are searched, 8x faster than a str of 2 or 4
    # bytes a character (a million-row list with one CJK name).
    nul = b"\x00" in data if encoding == "utf-8" else "\x00" in text
    if nul or data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF")):
        return True
    sample = text[:4096]
    controls = sum(1 for c in sample if c < " " and c not in "\t\n\r\f")
    return controls > len(sample) // 20 or sample.count("\ufffd") > len(sample) // 10
