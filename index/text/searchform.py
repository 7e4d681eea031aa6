"""Noise removal and the simplified *search form* of a report, with a map back to original offsets.

The original extracted text is never changed: citations quote it verbatim. Everything
here builds a second string, the search form, in which

* pinyin glosses that mirror sites insert after characters are removed (``根據(jù)`` -> ``根据``),
* decorative runs (``||||``), page-number lines (``- 4 -``) and zero-width characters are dropped,
* lines broken inside a sentence (PDF line wrapping) are rejoined,
* width is folded (NFKC: ``（`` -> ``(``, ``０`` -> ``0``), dash variants become ``-``,
  traditional characters become simplified (OpenCC ``t2s``),
* spaces next to Chinese characters are dropped (``3119 件`` -> ``3119件``).

Every character of the search form remembers the index of the original character it came
from, so a span found in the search form maps back to a verbatim span of the original.

>>> form = build_search_form("電話(huà):0519—85685811")
>>> form.text
'电话:0519-85685811'
>>> s = form.text.index("0519"); form.original_span(s, s + 13)
(8, 21)
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

import opencc

from index.text.clauses import LINE_END_PUNCT, SENTENCE_PUNCT
from index.text.fold import fold_dashes, fold_width

# One pinyin syllable with at least one tone mark, in ASCII or full-width parentheses.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
PINYIN_GLOSS = re.compile(rf"[(（]([a-zü{_TONED}]{{0,5}}[{_TONED}][a-zü{_TONED}]{{0,5}})[)）]")
DECORATIVE_RUN = re.compile(r"\|{3,}|[-=_*~·•]{6,}|[─━═]{3,}")
PAGE_NUMBER_LINE = re.compile(
    r"(?m)^[ \t\u3000]*(?:[-－—–]\s*\d{1,3}\s*[-－—–]|第\s*\d{1,3}\s*页(?:\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3})[ \t\u3000]*$"
)
ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
HEADING_START = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十]+[)）]|表[一二三四五]|\d+[、.．](?!\d))"
)
HEADING_MAX_CHARS = 40


def is_cjk(ch: str) -> bool:
    """True for a Chinese character (CJK unified ideographs and extensions A/compat)."""
    code = ord(ch)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF


def _is_cjk_or_punct(ch: str) -> bool:
    return is_cjk(ch) or (0x3000 <= ord(ch) <= 0x303F) or (0xFF00 <= ord(ch) <= 0xFF65 and not ch.isalnum())


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional -> simplified Chinese (OpenCC t2s)."""
    converted: str = _t2s().convert(text)
    return converted


def strip_pinyin_glosses(text: str) -> str:
    """Remove pinyin glosses such as ``(jù)`` while keeping real parentheses like ``(試行)``."""
    return PINYIN_GLOSS.sub("", text)


@dataclass(frozen=True)
class SearchForm:
    """The folded search text plus, for each of its characters, the original index it came from."""

    text: str
    source: tuple[int, ...]
    original_length: int

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a search-form span ``[start, end)`` to the original span that covers it."""
        if not 0 <= start < end <= len(self.text):
            raise ValueError(f"span [{start}, {end}) is outside the search form of length {len(self.text)}")
        return self.source[start], self.source[end - 1] + 1

    def search_offset(self, original_index: int) -> int:
        """The first search-form position whose original index is >= ``original_index``."""
        return bisect.bisect_left(self.source, original_index)

    def slice_original(self, start: int, end: int) -> str:
        """The search-form text of the characters that came from original ``[start, end)``."""
        return self.text[self.search_offset(start) : self.search_offset(end)]


def _deletion_mask(text: str) -> list[bool]:
    """True for original characters that never reach the search form (noise)."""
    drop = [False] * len(text)
    for pattern in (PINYIN_GLOSS, DECORATIVE_RUN, PAGE_NUMBER_LINE, ZERO_WIDTH):
        for m in pattern.finditer(text):
            for i in range(m.start(), m.end()):
                drop[i] = True
    return drop


def _fold_chars(text: str, drop: list[bool]) -> tuple[list[str], list[int]]:
    """NFKC + dash folding per kept character, keeping the source index of each output char."""
    chars: list[str] = []
    source: list[int] = []
    for i, ch in enumerate(text):
        if drop[i]:
            continue
        folded = fold_dashes(fold_width(ch)) if not ch.isascii() else ch
        if ch in "\u3000\u00a0\t":
            folded = " "
        for out in folded:
            chars.append(out)
            source.append(i)
    return chars, source


def _simplify(chars: list[str]) -> list[str]:
    """t2s over the whole text; falls back to per-character conversion where lengths differ."""
    joined = "".join(chars)
    converted = to_simplified(joined)
    if len(converted) == len(joined):
        return list(converted)
    out: list[str] = []
    for ch in chars:
        c = to_simplified(ch) if is_cjk(ch) else ch
        out.append(c if len(c) == 1 else ch)
    return out


def _typical_line_length(lines: list[str]) -> int:
    lengths = sorted(len(line.strip()) for line in lines if len(line.strip()) >= 8)
    if len(lengths) < 5:
        return 10**9
    return lengths[int(len(lengths) * 0.75)]


def _looks_like_heading(line: str) -> bool:
    """A short numbered heading line (``三、收到和处理政府信息公开申请情况``), not a wrapped sentence."""
    body = line.strip()
    return (
        bool(HEADING_START.match(body))
        and len(body) <= HEADING_MAX_CHARS
        and not any(ch in SENTENCE_PUNCT for ch in body)
    )


def _joinable_newlines(chars: list[str]) -> set[int]:
    """Positions of newlines that break a sentence in the middle (PDF-style hard wrapping).

    A newline after a short heading line is never joined, even where table-heavy text makes
    the typical line so short that the heading looks like a full, wrapped line.
    """
    text = "".join(chars)
    lines = text.split("\n")
    width = _typical_line_length(lines)
    joinable: set[int] = set()
    pos = 0
    for line, nxt in itertools.pairwise(lines):
        pos += len(line)
        stripped, next_stripped = line.rstrip(), nxt.lstrip()
        full = len(line.strip()) >= 0.8 * width
        if (
            full
            and stripped
            and next_stripped
            and stripped[-1] not in LINE_END_PUNCT
            and not HEADING_START.match(nxt)
            and not _looks_like_heading(line)
            and not (stripped[-1].isdigit() and next_stripped[0].isdigit())
            and "|" not in stripped[-2:]
        ):
            joinable.add(pos)
        pos += 1
    return joinable


def _drop_spaces(chars: list[str], source: list[int]) -> tuple[list[str], list[int]]:
    """Drop spaces next to Chinese characters or punctuation, and collapse other runs to one."""
    out_c: list[str] = []
    out_s: list[int] = []
    n = len(chars)
    for i, ch in enumerate(chars):
        if ch == " ":
            prev = out_c[-1] if out_c else "\n"
            j = i + 1
            while j < n and chars[j] == " ":
                j += 1
            nxt = chars[j] if j < n else "\n"
            if prev in " \n" or nxt == "\n" or _is_cjk_or_punct(prev) or _is_cjk_or_punct(nxt):
                continue
            if not (prev.isalnum() and nxt.isalnum()):
                continue
        out_c.append(ch)
        out_s.append(source[i])
    return out_c, out_s


def build_search_form(text: str) -> SearchForm:
    """Build the simplified, noise-free search form of ``text`` with its offset map."""
    drop = _deletion_mask(text)
    chars, source = _fold_chars(text, drop)
    chars = _simplify(chars)
    chars, source = _drop_spaces(chars, source)
    joinable = _joinable_newlines(chars)
    if joinable:
        kept = [k for k in range(len(chars)) if k not in joinable]
        chars = [chars[k] for k in kept]
        source = [source[k] for k in kept]
    # Collapse blank-line runs to one blank line: they carry no meaning for search.
    out_c: list[str] = []
    out_s: list[int] = []
    for ch, src in zip(chars, source):
        if ch == "\n" and len(out_c) >= 2 and out_c[-1] == "\n" and out_c[-2] == "\n":
            continue
        out_c.append(ch)
        out_s.append(src)
    return SearchForm("".join(out_c), tuple(out_s), len(text))


def fold_query(text: str) -> str:
    """Fold a question the way report text is folded (width, dashes, simplified, spaces)."""
    return build_search_form(text).text.replace("\n", " ").strip()
