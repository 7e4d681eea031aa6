"""表四 (行政复议、行政诉讼): 15 numbers in template order, or — when a flattened copy displaced them — regrouped by arithmetic.

Template order: 行政复议, 行政诉讼（未经复议直接起诉）, 行政诉讼（复议后起诉）, each
结果维持 / 结果纠正 / 其他结果 / 尚未审结 / 总计. A pdftotext copy can emit the three
totals out of place and the two 行政诉讼 groups in either order. Then the run is regrouped
into three runs of four numbers whose sums are the three remaining numbers; 行政复议 is the
first group (leftmost columns), and the group that begins right after the "复议后起诉"
header cell is 复议后起诉 (the layout pdftotext produces); a warning says so.
"""

from __future__ import annotations

import itertools
import logging

from index.tables.labels import (
    SECTION_FIVE,
    T4_AFTER_REVIEW_LABEL,
    T4_COLUMNS,
    T4_NUMBERS,
    T4_ROWS,
    T4_START,
    TABLE_FOUR,
    UNIT_COUNT,
)
from index.tables.model import Fact
from index.tables.tokens import Cell, extend_over_pipe

log = logging.getLogger(__name__)

GROUP = len(T4_COLUMNS)
PARTS = GROUP - 1
PROSE_CELL_LENGTH = 30  # a text cell this long is prose: the table has ended


def block(cells: list[Cell]) -> list[Cell]:
    """Cells from the 表四 header to section 五 (or the first prose cell after its numbers)."""
    start = next((i for i, c in enumerate(cells) if c.kind == "text" and T4_START.search(c.folded)), None)
    if start is None:
        return []
    out: list[Cell] = []
    seen_number = False
    for c in cells[start:]:
        if (
            c.kind == "text"
            and out
            and (SECTION_FIVE.match(c.folded) or (seen_number and len(c.folded) > PROSE_CELL_LENGTH))
        ):
            break
        seen_number |= c.kind == "num"
        out.append(c)
    return out


def _sums_ok(values: list[float]) -> bool:
    return all(
        abs(sum(values[g * GROUP : g * GROUP + PARTS]) - values[g * GROUP + PARTS]) < 1e-6 for g in range(len(T4_ROWS))
    )


def _regroup(run: list[Cell]) -> list[list[Cell]] | None:
    """Three groups [4 parts + total] from a displaced run, in order of their first part; None if no unique fit."""
    values = [c.value or 0.0 for c in run]
    solutions: list[list[list[int]]] = []
    for totals in itertools.combinations(range(T4_NUMBERS), len(T4_ROWS)):
        rest = [i for i in range(T4_NUMBERS) if i not in totals]
        groups = [rest[k * PARTS : (k + 1) * PARTS] for k in range(len(T4_ROWS))]
        sums = [sum(values[i] for i in g) for g in groups]
        # totals follow their own parts in reading order; match each group to a total with that sum
        for perm in itertools.permutations(totals):
            if all(abs(sums[k] - values[perm[k]]) < 1e-6 and perm[k] > groups[k][-1] for k in range(len(T4_ROWS))):
                solutions.append([[*g, perm[k]] for k, g in enumerate(groups)])
                break
    distinct = {tuple(tuple(values[i] for i in g) for g in s) for s in solutions}
    if len(distinct) != 1:
        return None
    return [[run[i] for i in g] for g in solutions[0]]


def read_table_four(text: str, cells: list[Cell]) -> tuple[list[Fact], list[str]]:
    """Facts of 表四 and warnings."""
    region = block(cells)
    run = [c for c in region if c.kind == "num" or (c.kind == "blank" and c.folded)]
    inner_blanks = [c for c in region if c.kind == "blank" and not c.folded]
    if not run:
        return [], []
    warnings: list[str] = []
    if inner_blanks and len(run) + len(inner_blanks) == T4_NUMBERS and all(c.line == run[0].line for c in run):
        run = sorted(run + inner_blanks, key=lambda c: c.start)  # one ``a | | b`` row: keep holes in place
    if len(run) < T4_NUMBERS:
        warnings.append(f"{TABLE_FOUR}: {len(run)} numbers, expected {T4_NUMBERS}; only complete groups read")
    elif len(run) > T4_NUMBERS:
        warnings.append(f"{TABLE_FOUR}: {len(run)} numbers, expected {T4_NUMBERS}; the first {T4_NUMBERS} read")
        run = run[:T4_NUMBERS]
    groups = [run[g * GROUP : (g + 1) * GROUP] for g in range(len(run) // GROUP)]
    names = list(T4_ROWS[: len(groups)])
    numbers_only = all(c.kind == "num" for c in run)
    if len(run) == T4_NUMBERS and numbers_only and not _sums_ok([c.value or 0.0 for c in run]):
        regrouped = _regroup(run)
        if regrouped is not None:
            groups = regrouped
            names = list(T4_ROWS)
            after_label = next(
                (i for i, c in enumerate(region) if c.kind == "text" and T4_AFTER_REVIEW_LABEL.match(c.folded)), None
            )
            first_after = next((c for c in region[(after_label or 0) + 1 :] if c.kind == "num"), None)
            if after_label is not None and first_after is groups[1][0]:
                groups = [groups[0], groups[2], groups[1]]
            warnings.append(
                f"{TABLE_FOUR}: numbers out of template order (flattened table); regrouped by their totals — "
                "check which 行政诉讼 group is which"
            )
    facts: list[Fact] = []
    for name, group in zip(names, groups):
        numbered = [c for c in group if c.kind == "num"]
        if not numbered:
            continue
        start = min(c.start for c in numbered)
        end = extend_over_pipe(text, max(c.end for c in numbered))
        for column, cell in zip(T4_COLUMNS, group):
            if cell.kind == "num" and cell.value is not None:
                facts.append(Fact(TABLE_FOUR, name, column, cell.value, UNIT_COUNT, start, end))
    return facts, warnings
