"""Bytes to text, without ever mangling silently.

Order of trust: a byte-order mark, then strict UTF-8, then a declared charset (HTML ``<meta>``,
HTTP header), then charset-normalizer with a preference for windows-1256 when the text is mostly
Arabic (charset-normalizer hesitates on short Arabic samples, e.g. a four-letter word comes back as
big5). When nothing fits, :class:`DecodeFailure` says ``unknown encoding``; binary content says
``binary file``.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

HEAD = 8192
_DETECT_SAMPLE = 1024 * 1024

# Magic numbers of formats that are never text.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "zip archive"),
    (b"PK\x05\x06", "zip archive"),
    (b"\x1f\x8b", "gzip data"),
    (b"\x7fELF", "executable"),
    (b"\xfd7zXZ\x00", "xz data"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"Rar!\x1a\x07", "rar archive"),
    (b"\x28\xb5\x2f\xfd", "zstd data"),
    (b"BZh9", "bzip2 data"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "MS Office document"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"OggS", "Ogg media"),
    (b"wOFF", "web font"),
    (b"\x00asm", "WebAssembly"),
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Control characters that do not occur in text (tab, LF, VT, FF, CR and ESC are allowed).
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_CONTROL_CHARS = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f-\x9f\ufffd]")
_LETTER = re.compile(r"[^\W\d_]")
_ARABIC_LETTER = re.compile(
    "[\u0620-\u064a\u066e-\u06d3\u06d5\u06fa-\u06fc\u06ff\u0750-\u077f\u08a0-\u08ff"
    "\ufb50-\ufdff\ufe70-\ufefc]"
)
ARABIC_CODECS = frozenset({"cp1256", "iso8859-6", "cp864", "cp720", "mac-arabic"})


class DecodeFailure(Exception):
    """The bytes are not text we can decode; ``reason`` is the one-line Problem reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(slots=True)
class Decoded:
    text: str
    encoding: str
    warning: str | None = None


def codec_name(name: str | None) -> str | None:
    """The canonical Python codec name for ``name``, or None if Python does not know it."""
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except (LookupError, ValueError):
        return None


def bom_encoding(head: bytes) -> str | None:
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    return None


def magic_kind(head: bytes) -> str | None:
    """What binary format ``head`` starts with, if any."""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    return None


def binary_reason(head: bytes) -> str | None:
    """Why ``head`` (the first bytes of a file without a UTF-16/32 BOM) is not text, or None."""
    kind = magic_kind(head)
    if kind:
        return f"binary file ({kind})"
    sample = head[:HEAD]
    if b"\x00" in sample:
        return "binary file"
    if sample and len(_CONTROL_BYTES.findall(sample)) > len(sample) // 10:
        return "binary file"
    return None


def arabic_share(text: str) -> tuple[float, int]:
    """The share of letters in ``text`` that are Arabic, and the number of letters."""
    letters = len(_LETTER.findall(text))
    if not letters:
        return 0.0, 0
    return len(_ARABIC_LETTER.findall(text)) / letters, letters


def _mostly_arabic(text: str) -> bool:
    share, letters = arabic_share(text)
    return letters > 0 and share >= 0.8


def _plausible(text: str) -> bool:
    sample = text[:65536]
    return len(_CONTROL_CHARS.findall(sample)) <= len(sample) // 50


def _strip_bom(text: str) -> str:
    return text.removeprefix("\ufeff")


def _utf8_lenient(data: bytes) -> Decoded | None:
    """UTF-8 with a few broken bytes (a cut at the end, a stray byte) decoded with U+FFFD, loudly.

    Only when the rest is clearly UTF-8: at least 100 valid non-ASCII characters per bad byte, so a
    legacy-encoded file with a single accented letter is not taken for UTF-8.
    """
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    if bad <= 0:
        return None
    nonascii = len(text) - len(text.encode("ascii", errors="ignore")) - bad
    tail_only = False
    for cut in (1, 2, 3):
        try:
            data[:-cut].decode("utf-8")
        except UnicodeDecodeError:
            continue
        tail_only = True
        break
    if (tail_only and nonascii >= 1) or nonascii >= 100 * bad:
        what = (
            "incomplete UTF-8 character at the end replaced with U+FFFD"
            if tail_only
            else f"{bad} invalid UTF-8 byte sequence(s) replaced with U+FFFD"
        )
        return Decoded(_strip_bom(text), "utf-8", what)
    return None


def _utf16_without_bom(data: bytes) -> Decoded | None:
    """UTF-16 with no BOM: NUL bytes all on one side of the code units, and it reads as text."""
    head = data[:HEAD]
    even = head[0::2].count(0)
    odd = head[1::2].count(0)
    if even and odd:
        return None
    codec = "utf-16-be" if even else "utf-16-le"
    if len(data) % 2:
        return None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    sample = text[:65536]
    if not _plausible(sample) or sample.count(" ") + sample.count("\n") < len(sample) // 20:
        return None
    return Decoded(text, codec)


def _detect(data: bytes, *, whole: bool = False) -> str | None:
    """charset-normalizer's choice for ``data``, preferring windows-1256 for Arabic text.

    Only the first megabyte is looked at unless ``whole``.
    """
    from charset_normalizer import from_bytes

    sample = data
    if len(data) > _DETECT_SAMPLE and not whole:
        cut = data.rfind(b"\n", 0, _DETECT_SAMPLE)  # end the sample between characters
        sample = data[: cut if cut > _DETECT_SAMPLE // 2 else _DETECT_SAMPLE]
    results = from_bytes(sample)
    as_cp1256 = sample.decode("cp1256", errors="replace")
    arabic = _mostly_arabic(as_cp1256)
    names = [codec_name(match.encoding) for match in results]
    if arabic and "cp1256" in names:
        return "cp1256"
    best = results.best()
    # No language evidence at all (short samples): charset-normalizer's pick is a coin toss
    # among equally clean decodings; Arabic letters through windows-1256 win it.
    if arabic and (best is None or best.coherence == 0.0):
        return "cp1256"
    if best is None:
        return None
    return codec_name(best.encoding)


def decode_bytes(data: bytes, *, hint: str | None = None) -> Decoded:
    """Decode a whole file. Raises :class:`DecodeFailure` (binary file / unknown encoding)."""
    bom = bom_encoding(data[:4])
    if bom:
        try:
            text = data.decode("utf-8-sig" if bom == "utf-8" else bom)
        except UnicodeDecodeError:
            if bom == "utf-8":
                lenient = _utf8_lenient(data)
                if lenient:
                    return lenient
            raise DecodeFailure(
                f"unknown encoding (not valid {bom} despite its byte-order mark)"
            ) from None
        return Decoded(_strip_bom(text), bom)

    reason = binary_reason(data[:HEAD])
    if reason:
        if reason == "binary file":
            utf16 = _utf16_without_bom(data)
            if utf16:
                return utf16
        raise DecodeFailure(reason)

    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass

    declared = codec_name(hint)
    detected: str | None = None
    if declared and declared not in ("utf-8", "ascii"):
        try:
            declared_text: str | None = data.decode(declared)
        except UnicodeDecodeError:
            declared_text = None
        if declared_text is not None and _plausible(declared_text):
            text = declared_text
            as_cp1256 = data[:65536].decode("cp1256", errors="replace")
            if declared in ARABIC_CODECS or not _mostly_arabic(as_cp1256):
                # A Latin charset declared on a page that reads as Arabic through windows-1256
                # is a common misconfiguration: let detection decide then.
                return Decoded(_strip_bom(text), declared)
            detected = _detect(data)
            if detected != "cp1256":
                return Decoded(_strip_bom(text), declared)

    lenient = _utf8_lenient(data)
    if lenient:
        return lenient

    codec = detected or _detect(data)
    if codec is None:
        raise DecodeFailure("unknown encoding")
    try:
        text = data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        # The sample fitted, the whole file does not: ask again about all of it.
        retry = _detect(data, whole=True) if len(data) > _DETECT_SAMPLE else None
        if retry is None:
            raise DecodeFailure("unknown encoding") from None
        try:
            text = data.decode(retry)
        except (UnicodeDecodeError, LookupError):
            raise DecodeFailure("unknown encoding") from None
        codec = retry
    if not _plausible(text):
        raise DecodeFailure("unknown encoding")
    return Decoded(_strip_bom(text), codec)


def decode_line(raw: bytes, fallback: list[str]) -> str:
    """Decode one line of a line-oriented file (JSONL): UTF-8, else the file's detected codec.

    ``fallback`` holds the codec found at the first non-UTF-8 line (empty until then), so the
    detection runs once per file. Raises :class:`DecodeFailure`.
    """
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if not fallback:
        fallback.append(_detect(raw) or "")
    if not fallback[0]:
        raise DecodeFailure("unknown encoding")
    try:
        return raw.decode(fallback[0])
    except (UnicodeDecodeError, LookupError):
        raise DecodeFailure("unknown encoding") from None


_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)


def declared_html_charset(head: bytes) -> str | None:
    """The charset an HTML page declares in its first bytes (``<meta charset>`` or http-equiv)."""
    match = _META_CHARSET.search(head[:4096])
    if not match:
        return None
    return codec_name(match.group(1).decode("ascii", errors="replace"))
