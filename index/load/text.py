"""Bytes to text: BOM, strict UTF-8, then charset-normalizer; rejects binary data.

Order of attempts:

1. a byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE) decides the codec;
2. a declared charset (HTML ``<meta>``), when given and it decodes strictly;
3. strict UTF-8;
4. charset-normalizer's best guess. Chinese legacy codecs are widened to their supersets
   before decoding (GB2312/GBK -> GB18030, Big5 -> CP950/Big5-HKSCS), so characters that a
   narrower table lacks still decode.

Newlines are normalised (``\\r\\n`` and ``\\r`` -> ``\\n``) and a leading BOM character is
dropped; nothing else changes, because citation offsets index the decoded text.
"""

from __future__ import annotations

import codecs
import contextlib
import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache

from charset_normalizer import from_bytes

log = logging.getLogger(__name__)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Narrow codec name (as Python normalises it) -> the superset to decode with.
_SUPERSETS: dict[str, tuple[str, ...]] = {
    "gb2312": ("gb18030",),
    "gbk": ("gb18030",),
    "cp936": ("gb18030",),
    "hz": ("gb18030",),
    "gb18030": ("gb18030",),
    "big5": ("cp950", "big5hkscs"),
    "cp950": ("cp950", "big5hkscs"),
    "big5hkscs": ("big5hkscs",),
}

MAX_CONTROL_RATIO = 0.02
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # category Cc less tab, newlines, \v, \f
# Characters scored when choosing between Chinese codecs (enough to tell them apart).
SCORE_SAMPLE_CHARS = 50_000
MAX_REPLACEMENT_RATIO = 0.01


class NotText(ValueError):
    """The bytes are not text in any encoding we accept; ``str()`` is the reason."""


@dataclass
class Decoded:
    """Decoded text with the codec used and whether a detector chose it."""

    text: str
    encoding: str
    detected: bool
    warnings: list[str] = field(default_factory=list)


def normalise_newlines(text: str) -> str:
    """``\\r\\n`` and lone ``\\r`` become ``\\n``; a leading U+FEFF is dropped."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def codec_name(label: str) -> str | None:
    """Python's canonical name for an encoding label, or None if Python does not know it."""
    try:
        return codecs.lookup(label.strip().strip("\"'").lower()).name
    except LookupError:
        return None


def widen(label: str) -> tuple[str, ...]:
    """The codecs to try for ``label``: its superset(s) for Chinese legacy codecs, else itself."""
    name = codec_name(label)
    if name is None:
        return ()
    return _SUPERSETS.get(name, (name,))


def _strict(data: bytes, encodings: tuple[str, ...]) -> tuple[str, str] | None:
    for encoding in encodings:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError):
            continue
    return None


def _bom(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def check_text(text: str) -> None:
    """Raise :class:`NotText` when decoded text looks like binary data."""
    if not text:
        return
    if "\x00" in text:
        raise NotText("binary data, not text (contains NUL bytes)")
    controls = len(_CONTROL.findall(text))
    if controls / len(text) > MAX_CONTROL_RATIO:
        raise NotText("binary data, not text (too many control characters)")
    if text.count("\ufffd") / len(text) > MAX_REPLACEMENT_RATIO:
        raise NotText("binary data, not text (undecodable bytes)")


_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "the file is a PDF, not text (rename it to .pdf)"),
    (b"PK\x03\x04", "binary data, not text (a zip or .docx file?)"),
    (b"\xd0\xcf\x11\xe0", "binary data, not text (an old Office .doc/.xls file?)"),
    (b"\x89PNG", "binary data, not text (a PNG image)"),
    (b"\xff\xd8\xff", "binary data, not text (a JPEG image)"),
    (b"GIF8", "binary data, not text (a GIF image)"),
)


def decode_bytes(data: bytes, declared: str | None = None) -> Decoded:
    """Decode ``data`` (see the module docstring); raise :class:`NotText` for binary data."""
    for magic, reason in _MAGIC:
        if data.startswith(magic):
            raise NotText(reason)
    warnings: list[str] = []

    bom = _bom(data)
    if bom is not None:
        try:
            text = data.decode(bom)
        except UnicodeDecodeError:
            raise NotText(f"binary data, not text (starts with a {bom} byte-order mark but does not decode)") from None
        check_text(text)
        return Decoded(normalise_newlines(text), bom, detected=False, warnings=warnings)

    if b"\x00" in data:
        raise NotText("binary data, not text (contains NUL bytes)")

    if declared:
        candidates = widen(declared)
        decoded = _strict(data, candidates) if candidates else None
        if decoded is not None:
            check_text(decoded[0])
            return Decoded(normalise_newlines(decoded[0]), decoded[1], detected=False, warnings=warnings)
        warnings.append(f"declared charset {declared!r} does not decode the file; detected the encoding instead")

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        check_text(text)
        return Decoded(normalise_newlines(text), "utf-8", detected=False, warnings=warnings)

    text, encoding = _detect(data)
    check_text(text)
    return Decoded(normalise_newlines(text), encoding, detected=True, warnings=warnings)


def _detect(data: bytes) -> tuple[str, str]:
    """Pick among charset-normalizer's guesses and the Chinese codecs by how Chinese the text reads.

    Short Chinese files are easily guessed as a Western or Japanese code page, and GBK bytes
    often also decode as Big5 (and the reverse): a candidate whose non-ASCII characters are
    mostly common Chinese characters and punctuation wins; otherwise charset-normalizer's
    first guess that decodes strictly.
    """
    guesses = [match.encoding for match in from_bytes(data)]
    log.debug("charset-normalizer guesses %s", guesses)
    candidates: list[str] = []
    for label in [*guesses, "gb18030", "cp950"]:
        for encoding in widen(label):
            if encoding not in candidates:
                candidates.append(encoding)
    decoded: list[tuple[str, str]] = []
    for encoding in candidates:
        result = _strict(data, (encoding,))
        if result is not None:
            decoded.append(result)
    if not decoded:
        raise NotText("binary data, not text (no text encoding fits)")
    scored = [(chinese_score(text), -rank, text, encoding) for rank, (text, encoding) in enumerate(decoded)]
    best = max(scored)
    if best[0] >= MIN_CHINESE_SCORE:
        return best[2], best[3]
    guessed = {encoding for label in guesses for encoding in widen(label)}
    for text, encoding in decoded:
        if encoding in guessed:
            return text, encoding
    raise NotText("binary data, not text (no text encoding fits)")


MIN_CHINESE_SCORE = 0.8


@lru_cache(maxsize=1)
def _common_chinese() -> frozenset[str]:
    """GB2312 level-1 characters (3755, simplified) and Big5 frequent characters (5401, traditional)."""
    chars: set[str] = set()
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes((lead, trail)).decode("gb2312"))
    for code in range(0xA440, 0xC67F):
        with contextlib.suppress(UnicodeDecodeError):
            chars.add(code.to_bytes(2, "big").decode("cp950"))
    return frozenset(chars)


def _is_cjk_punctuation(ch: str) -> bool:
    code = ord(ch)
    return 0x3000 <= code <= 0x303F or 0xFF00 <= code <= 0xFFEF or 0x2010 <= code <= 0x206F


def chinese_score(text: str) -> float:
    """Share of the non-ASCII characters that are common Chinese characters or CJK punctuation."""
    common = _common_chinese()
    wide = [ch for ch in text[:SCORE_SAMPLE_CHARS] if ord(ch) > 0x7F and not ch.isspace()]
    if not wide:
        return 0.0
    return sum(1 for ch in wide if ch in common or _is_cjk_punctuation(ch)) / len(wide)
