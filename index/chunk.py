"""Cut a parsed report into retrievable chunks: section-aware, sentence-bounded spans of the original.

Decision notes:

* A chunk never crosses two sections; a whole section shorter than ``max_chars`` is one chunk
  (even below ``min_chars``).
* Units are sentences (ending in 。！？；!?; plus closing quotes/brackets) and lines. A line
  break that the search form rejoined (PDF wrapping inside a sentence) is not a boundary.
  A unit longer than ``max_chars`` is split after commas (，,、：:), then hard-split.
* Units are packed greedily up to ``max_chars`` ORIGINAL characters (span length, including
  noise such as pinyin glosses). A heading-like unit (a section heading, a ``（一）…`` line)
  is glued to the unit after it, a numbers-only unit (a table cell) to the unit before it,
  so a heading stays with its text and a table row label with its numbers. Once a chunk
  holds ``min_chars``, a new chunk starts at a sub-item ``（一）``.
* Neighbouring chunks of one section are merged when one is below ``min_chars`` and the
  merged span still fits ``max_chars``.
* Spans are trimmed of whitespace and table pipes; runs of decoration (``||||``) longer than a few characters
  separate chunks and are never indexed; chunks whose search text has no letter or digit
  are dropped. ``Chunk.text == text[start:end]`` always.
"""

from __future__ import annotations

import itertools
import logging
import re

from index.models import Chunk, Section
from index.text.clauses import SENTENCE_END, SOFT_BREAK
from index.text.searchform import DECORATIVE_RUN, SearchForm

log = logging.getLogger(__name__)

SUB_ITEM_START = re.compile(r"^[(（][一二三四五六七八九十]{1,3}[)）]")
HEADING_LIKE = re.compile(
    r"^(?:[一二三四五六七八九十]{1,2}\s*[、.．]|[(（][一二三四五六七八九十]{1,3}[)）]|第[一二三四五六七八九十]+条)"
)
NUMBERS_ONLY = re.compile(r"^[\d\s.,，%％|/\-—–()（）万元件条个次人]*$")
WORD_CHAR = re.compile(r"[0-9A-Za-z\u3400-\u9fff]")
NOISE_SEPARATOR_MIN = 12  # a noise unit at least this long splits chunks


def chunk_report(
    text: str,
    form: SearchForm,
    sections: list[Section],
    *,
    min_chars: int = 150,
    max_chars: int = 500,
) -> list[Chunk]:
    """Chunks of every section, in text order, with verbatim original spans."""
    if max_chars < 20 or min_chars > max_chars:
        raise ValueError(
            f"chunk sizes must satisfy 20 <= max_chars and min_chars <= max_chars, got {min_chars}, {max_chars}"
        )
    kept = set(form.source)
    chunks: list[Chunk] = []
    for section in sections:
        spans = _section_spans(text, form, kept, section, min_chars, max_chars)
        for start, end in spans:
            search_text = form.slice_original(start, end)
            if not WORD_CHAR.search(search_text):
                continue
            chunks.append(
                Chunk(
                    ordinal=len(chunks),
                    section=section.key,
                    section_title=section.title,
                    start=start,
                    end=end,
                    text=text[start:end],
                    search_text=search_text,
                )
            )
    return chunks


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] == "|"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == "|"):
        end -= 1
    return start, end


def _units(text: str, kept: set[int], start: int, end: int) -> list[tuple[int, int]]:
    """Sentence and line spans of ``text[start:end]``, trimmed, without empty ones."""
    cuts = {start, end}
    for m in SENTENCE_END.finditer(text, start, end):
        cuts.add(m.end())
    for m in DECORATIVE_RUN.finditer(text, start, end):
        cuts.update((m.start(), m.end()))
    for i in range(start, end):
        if text[i] == "\n" and i in kept:
            cuts.add(i + 1)
    bounds = sorted(cuts)
    units = []
    for a, b in itertools.pairwise(bounds):
        a, b = _trim(text, a, b)
        if a < b:
            units.append((a, b))
    return units


def _split_long(text: str, a: int, b: int, max_chars: int) -> list[tuple[int, int]]:
    """Split an over-long unit after commas, then hard at ``max_chars``."""
    if b - a <= max_chars:
        return [(a, b)]
    pieces: list[tuple[int, int]] = []
    cur = a
    while b - cur > max_chars:
        limit = cur + max_chars
        cut = None
        for m in SOFT_BREAK.finditer(text, cur, limit):
            if m.end() - cur >= max_chars // 3:
                cut = m.end()
        if cut is None:
            cut = limit
        s, e = _trim(text, cur, cut)
        if s < e:
            pieces.append((s, e))
        cur = cut
    s, e = _trim(text, cur, b)
    if s < e:
        pieces.append((s, e))
    return pieces


def _is_noise(form: SearchForm, a: int, b: int) -> bool:
    return not WORD_CHAR.search(form.slice_original(a, b))


def _section_spans(
    text: str, form: SearchForm, kept: set[int], section: Section, min_chars: int, max_chars: int
) -> list[tuple[int, int]]:
    start, end = _trim(text, section.start, section.end)
    if start >= end:
        return []
    if end - start <= max_chars and not _has_separator(text, form, kept, start, end):
        return [(start, end)]
    units: list[tuple[int, int]] = []
    for a, b in _units(text, kept, start, end):
        units.extend(_split_long(text, a, b, max_chars))
    # Blocks: runs of units that stay together (heading + text, row label + numbers).
    blocks: list[list[tuple[int, int]]] = []
    glue_next = False
    for a, b in units:
        noise = _is_noise(form, a, b)
        if noise and b - a >= NOISE_SEPARATOR_MIN:
            blocks.append([])  # separator
            glue_next = False
            continue
        unit_text = form.slice_original(a, b)
        numbers = bool(NUMBERS_ONLY.match(unit_text)) or noise
        if blocks and blocks[-1] and (glue_next or numbers) and b - blocks[-1][0][0] <= max_chars:
            blocks[-1].append((a, b))
        else:
            blocks.append([(a, b)])
        glue_next = (
            bool(HEADING_LIKE.match(unit_text)) and len(unit_text) <= 40 and not SENTENCE_END.search(unit_text[:-1])
        )
    spans: list[tuple[int, int]] = []
    cur: tuple[int, int] | None = None
    for block in blocks:
        if not block:
            if cur:
                spans.append(cur)
            cur = None
            continue
        a, b = block[0][0], block[-1][1]
        sub_item = bool(SUB_ITEM_START.match(form.slice_original(a, b)))
        if cur and (b - cur[0] > max_chars or (sub_item and cur[1] - cur[0] >= min_chars)):
            spans.append(cur)
            cur = None
        if cur is None:
            if b - a > max_chars:  # a glued block that still exceeds: its units go one by one
                for ua, ub in block:
                    if cur and ub - cur[0] > max_chars:
                        spans.append(cur)
                        cur = None
                    cur = (ua, ub) if cur is None else (cur[0], ub)
                continue
            cur = (a, b)
        else:
            cur = (cur[0], b)
    if cur:
        spans.append(cur)
    return _merge_small(spans, text, form, kept, min_chars, max_chars)


def _has_separator(text: str, form: SearchForm, kept: set[int], start: int, end: int) -> bool:
    return any(b - a >= NOISE_SEPARATOR_MIN and _is_noise(form, a, b) for a, b in _units(text, kept, start, end))


def _merge_small(
    spans: list[tuple[int, int]], text: str, form: SearchForm, kept: set[int], min_chars: int, max_chars: int
) -> list[tuple[int, int]]:
    """Merge neighbours when one is small and the merged span fits (never across a noise run)."""
    merged = True
    while merged and len(spans) > 1:
        merged = False
        for i in range(len(spans) - 1):
            (a, b), (c, d) = spans[i], spans[i + 1]
            small = b - a < min_chars or d - c < min_chars
            if small and d - a <= max_chars and not _has_separator(text, form, kept, b, c):
                spans[i : i + 2] = [(a, d)]
                merged = True
                break
    return spans
