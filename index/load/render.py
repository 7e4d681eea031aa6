"""Shared rendering rules for the loaders: whitespace folding and table rows as ``cell | cell``."""

from __future__ import annotations

import re
from collections.abc import Iterable

CELL_SEPARATOR = " | "

# Characters that a line break between two of them is removed for (CSS Text 3 segment-break
# rule for East Asian wide characters): CJK ideographs, kana, CJK and full-width punctuation.
_WIDE = (
    "\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u31a0-\u31bf\u3200-\u33ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
)
_WIDE_BREAK_WIDE = re.compile(rf"(?<=[{_WIDE}])[ \t\r\f\v]*\n\s*(?=[{_WIDE}])")
_SPACE_RUN = re.compile(r"[^\S\u3000]+")  # any whitespace except the ideographic space
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def fold_whitespace(text: str) -> str:
    """Fold a run of whitespace the way a browser lays out inline text.

    A line break between two wide (CJK) characters disappears (it is only a wrap);
    every other whitespace run becomes one space. Leading/trailing space is stripped.
    """
    text = _WIDE_BREAK_WIDE.sub("", text)
    return _SPACE_RUN.sub(" ", text).strip()


def drop_controls(text: str) -> str:
    """Remove C0 control characters other than tab, newline and carriage return."""
    return _CONTROL.sub("", text)


def table_row(cells: Iterable[str | None]) -> str:
    """One table row as ``cell | cell | cell``; ``None`` (a cell spanned by its neighbour) is left out.

    Each cell is folded to a single line; empty cells keep their place (``规章 |  | 3``), but
    the line is stripped at both ends. A row whose cells are all empty renders as "".
    """
    texts = [fold_whitespace(cell) for cell in cells if cell is not None]
    if not any(texts):
        return ""
    return CELL_SEPARATOR.join(texts).strip()


def table_lines(rows: Iterable[Iterable[str | None]]) -> list[str]:
    """Table rows rendered with :func:`table_row`, empty rows dropped."""
    return [line for line in (table_row(row) for row in rows) if line]
