"""Cut extracted text into table cells (split at line breaks and ``|``), each with its original span and folded text.

Every shape real copies carry reduces to one stream of cells: ``cell | cell`` rows (loaders),
one cell per line with ``|`` fragments, and flattened tables with one number per line.
A cell is a number, a blank (an empty cell between two others, or ``-``/``/``/``无``), or text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from index.tables.labels import squeeze
from index.text.searchform import SearchForm

NUMBER_CELL = re.compile(r"^([-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(?:件|条|个|项|人次|万元|元|%)?$")
BLANK_CELL = re.compile(r"^(?:-+|/|\\|无|空|—+)$")
CELL_SEPARATORS = "|｜"
_EDGE_SPACE = " \t\r\f\v\u3000\u00a0"

#: A number, a blank (an empty cell between two others, or ``-``/``/``/``无``), or text.
CellKind = Literal["num", "blank", "text"]


@dataclass(frozen=True)
class Cell:
    """One cell of the token stream."""

    kind: CellKind
    folded: str  # search-form text, whitespace removed
    start: int  # original span of the cell's own text
    end: int
    line: int  # index of the original line the cell is on
    value: float | None = None


def _pieces(line: str, offset: int) -> list[tuple[int, int]]:
    """Spans of the ``|``-separated pieces of one line, stripped of edge spaces (may be empty)."""
    spans: list[tuple[int, int]] = []
    begin = 0
    for i, ch in enumerate([*line, "|"]):
        if ch in CELL_SEPARATORS:
            s, e = begin, i
            while s < e and line[s] in _EDGE_SPACE:
                s += 1
            while e > s and line[e - 1] in _EDGE_SPACE:
                e -= 1
            spans.append((offset + s, offset + e))
            begin = i + 1
    return spans


def parse_number(folded: str) -> float | None:
    """The value of a number cell (thousands separators and a trailing unit allowed), else None."""
    m = NUMBER_CELL.match(folded)
    if not m:
        return None
    try:
        return float(m.group(1).replace(",", ""))
    except ValueError:
        return None


def cells_of(text: str, form: SearchForm) -> list[Cell]:
    """The cell stream of the whole text. Noise the search form drops (page numbers, ``||||``) is skipped."""
    cells: list[Cell] = []
    offset = 0
    for line_no, line in enumerate(text.split("\n")):
        spans = _pieces(line, offset)
        offset += len(line) + 1
        # Leading and trailing empty pieces are row frame, not cells.
        while spans and spans[0][0] == spans[0][1]:
            spans.pop(0)
        while spans and spans[-1][0] == spans[-1][1]:
            spans.pop()
        for s, e in spans:
            if s == e:
                cells.append(Cell("blank", "", s, e, line_no))
                continue
            folded = squeeze(form.slice_original(s, e))
            if not folded:
                continue  # noise only (page number line, decorative run)
            value = parse_number(folded)
            if value is not None:
                cells.append(Cell("num", folded, s, e, line_no, value))
            elif BLANK_CELL.match(folded):
                cells.append(Cell("blank", folded, s, e, line_no))
            else:
                cells.append(Cell("text", folded, s, e, line_no))
    return cells


def extend_over_pipe(text: str, end: int) -> int:
    """Extend a span end over trailing spaces and one ``|`` on the same line (``"5 |"`` quotes whole)."""
    i = end
    while i < len(text) and text[i] in _EDGE_SPACE:
        i += 1
    if i < len(text) and text[i] in CELL_SEPARATORS:
        return i + 1
    return end
