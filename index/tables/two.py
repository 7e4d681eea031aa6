"""表二 (第二十条 主动公开): rows 规章 … 行政事业性收费, columns from the nearest "信息内容" header row."""

from __future__ import annotations

import logging

from index.tables.labels import (
    SECTION_FIVE,
    T2_COLUMN_UNITS,
    T2_DEFAULT_COLUMNS,
    T2_ROW_PATTERNS,
    T3_START,
    TABLE_TWO,
    UNIT_COUNT,
    match_label,
    t2_header_columns,
)
from index.tables.model import Fact
from index.tables.tokens import Cell, extend_over_pipe

log = logging.getLogger(__name__)

HEADER_CELL = "信息内容"


def _row_values(cells: list[Cell], i: int, ncols: int) -> tuple[list[float | None], int]:
    """Values after the label at ``cells[i]`` and the index of the last cell used.

    A ``cell | cell`` row whose cell count after the label equals the column count is read
    by position (a blank cell stays a hole); otherwise numbers are taken in order.
    """
    label = cells[i]
    same_line = []
    j = i + 1
    while j < len(cells) and cells[j].line == label.line and cells[j].kind != "text":
        same_line.append(cells[j])
        j += 1
    if len(same_line) == ncols and any(c.kind == "num" for c in same_line):
        return [c.value if c.kind == "num" else None for c in same_line], i + len(same_line)
    values: list[float | None] = []
    last = i
    j = i + 1
    while j < len(cells) and len([v for v in values if v is not None]) < ncols:
        cell = cells[j]
        if cell.kind == "text":
            break
        if cell.kind == "num":
            values.append(cell.value)
            last = j
        j += 1
    return values, last


def read_table_two(text: str, cells: list[Cell]) -> tuple[list[Fact], list[str]]:
    """Facts of 表二 wherever its row labels stand as cells of their own."""
    facts: list[Fact] = []
    warnings: list[str] = []
    seen: set[str] = set()
    header: list[str] = []
    header_units: dict[str, str | None] = {}
    header_text = ""
    in_header = False
    for i, cell in enumerate(cells):
        if cell.kind != "text":
            continue
        if SECTION_FIVE.match(cell.folded) or T3_START.search(cell.folded):
            header, in_header = [], False  # leaving 表二: no header carries over
            continue
        if cell.folded.startswith(HEADER_CELL):
            header_text, in_header = cell.folded[len(HEADER_CELL) :], True
            found = t2_header_columns(header_text)
            header, header_units = [c for c, _ in found], dict(found)
            continue
        row = match_label(T2_ROW_PATTERNS, cell.folded)
        if row is None:
            if in_header:  # header cells may be cut anywhere ("本年新" / "公开数量"): read them joined
                header_text += cell.folded
                found = t2_header_columns(header_text)
                header, header_units = [c for c, _ in found], dict(found)
            continue
        in_header = False
        columns = tuple(header) if header else T2_DEFAULT_COLUMNS[row]
        values, last = _row_values(cells, i, len(columns))
        if not any(v is not None for v in values):
            continue  # an empty row (the template itself) or a label in passing
        if row in seen:
            warnings.append(f"{TABLE_TWO} {row}: a second row with this label was ignored")
            continue
        seen.add(row)
        if len(values) > len(columns):
            warnings.append(f"{TABLE_TWO} {row}: {len(values)} numbers for {len(columns)} columns; extra ones ignored")
        start, end = cell.start, extend_over_pipe(text, cells[last].end)
        for column, value in zip(columns, values):
            if value is None:
                continue
            unit = header_units.get(column) or T2_COLUMN_UNITS.get(column, UNIT_COUNT)
            facts.append(Fact(TABLE_TWO, row, column, value, unit, start, end))
    return facts, warnings
