"""表三 (收到和处理政府信息公开申请): rows read by their labels, or — when labels are displaced — by the template's row order.

Two readings are tried on the block between the 表三 header and 表四:

* by label: each row label cell takes the numbers that follow it (``cell | cell`` rows and
  one-cell-per-line fragments);
* by order: a flattened table (pdftotext) is a run of numbers, 7 per row, in template
  order while its labels drift elsewhere. Every known layout (2021 or 2019 rows, optional
  subtotal rows for 三（三）…（六）, 7 or 8 columns) whose size matches the run is tried and
  the one that satisfies the arithmetic identities (then: whose labels are present) wins.
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass, field

from index.tables.checks import check_table_three
from index.tables.labels import (
    SECTION_FIVE,
    T3_COLUMNS,
    T3_COLUMNS_SUBTOTAL_AFTER,
    T3_COLUMNS_WITH_SUBTOTAL,
    T3_GROUPS,
    T3_OTHER,
    T3_OTHER_LEAVES,
    T3_ROW_PATTERNS,
    T3_ROWS_2019,
    T3_ROWS_2021,
    T3_START,
    T4_START,
    TABLE_THREE,
    UNIT_COUNT,
    match_label,
)
from index.tables.model import Fact
from index.tables.tokens import Cell, extend_over_pipe

log = logging.getLogger(__name__)

COLUMN_COUNTS = (len(T3_COLUMNS), len(T3_COLUMNS_WITH_SUBTOTAL))


@dataclass
class _Row:
    label: str
    label_cell: Cell | None
    values: list[Cell] = field(default_factory=list)

    def trimmed(self) -> list[Cell]:
        vals = list(self.values)
        while vals and vals[0].kind == "blank":
            vals.pop(0)
        while vals and vals[-1].kind == "blank":
            vals.pop()
        return vals


def block(cells: list[Cell]) -> list[Cell]:
    """The cells between the 表三 header and the start of 表四 (or section 五)."""
    start = next((i for i, c in enumerate(cells) if c.kind == "text" and T3_START.search(c.folded)), None)
    if start is None:
        return []
    end = len(cells)
    for j in range(start + 1, len(cells)):
        c = cells[j]
        if c.kind == "text" and (T4_START.search(c.folded) or SECTION_FIVE.match(c.folded)):
            end = j
            break
    return cells[start:end]


def _label_rows(region: list[Cell]) -> tuple[list[_Row], int]:
    """Rows as labelled, and the count of numbers that follow no label (a sign of displaced labels)."""
    rows: list[_Row] = []
    current: _Row | None = None
    orphans = 0
    lines: dict[int, list[Cell]] = {}
    for cell in region:
        lines.setdefault(cell.line, []).append(cell)
    for cell in region:
        if cell.kind == "text":
            label = match_label(T3_ROW_PATTERNS, cell.folded)
            if label is not None:
                current = _Row(label, cell)
                rows.append(current)
            elif current is not None and any(v.kind == "num" for v in current.values):
                current = None  # text after a row's numbers ends it
            continue
        if current is not None and not current.values and _slipped(current, cell, lines[cell.line]):
            current = None  # a whole row of numbers on a later line: its own label slipped off
        if current is None:
            orphans += cell.kind == "num"
            continue
        current.values.append(cell)
    return [r for r in rows if any(v.kind == "num" for v in r.values)], orphans


def _slipped(row: _Row, first: Cell, line: list[Cell]) -> bool:
    """True when a row's first number opens a later ``|`` row of several numbers (not cell fragments,
    not a row whose label wrapped onto it): those numbers belong to a row whose label was lost."""
    label = row.label_cell
    if label is None or first.line == label.line or line[0] is not first:
        return False
    return sum(c.kind == "num" for c in line) > 1


def _columns_for(rows: list[list[float | None]], ncols: int) -> tuple[str, ...]:
    """Column labels for rows of ``ncols`` values (8: a 法人或其他组织 subtotal column, placed by arithmetic)."""
    if ncols == len(T3_COLUMNS):
        return T3_COLUMNS
    first = after = 0
    for row in rows:
        v = [x for x in row if x is not None]
        if len(row) != ncols or len(v) != len(row):
            continue
        first += abs(v[1] - sum(v[2:7])) < 1e-6
        after += abs(v[6] - sum(v[1:6])) < 1e-6
    return T3_COLUMNS_SUBTOTAL_AFTER if after > first else T3_COLUMNS_WITH_SUBTOTAL


def _row_span(text: str, region: list[Cell], row: _Row, values: list[Cell]) -> tuple[int, int]:
    """The row's text: its whole line when label and numbers share one, else label through last number."""
    last = values[-1]
    end = extend_over_pipe(text, last.end)
    label = row.label_cell
    if label is not None and label.line == last.line:
        first = next(c for c in region if c.line == label.line and c.kind != "blank")
        return first.start, end
    start = label.start if label is not None else values[0].start
    return min(start, values[0].start), end


def _facts(text: str, region: list[Cell], rows: list[_Row], ncols: int) -> list[Fact]:
    values = [[c.value if c.kind == "num" else None for c in r.trimmed()] for r in rows]
    columns = _columns_for(values, ncols)
    facts: list[Fact] = []
    for row, vals in zip(rows, values):
        cells = row.trimmed()
        start, end = _row_span(text, region, row, cells)
        for column, value in zip(columns, vals):
            if value is not None:
                facts.append(Fact(TABLE_THREE, row.label, column, value, UNIT_COUNT, start, end))
    return facts


def _layouts() -> list[tuple[str, tuple[str, ...]]]:
    """Every row order a 表三 may have: 2021 / 2019 rows, each with any set of group subtotal rows."""
    out: list[tuple[str, tuple[str, ...]]] = []
    for name, base in (("2021", T3_ROWS_2021), ("2019", T3_ROWS_2019)):
        groups = [g for g in T3_GROUPS if not (name == "2019" and g == T3_OTHER)]
        for n in range(len(groups) + 1):
            for chosen in itertools.combinations(groups, n):
                rows: list[str] = []
                for label in base:
                    for g in chosen:
                        if label == T3_GROUPS[g][0]:
                            rows.append(g)
                    rows.append(label)
                out.append((f"{name}+{len(chosen)} subtotal rows", tuple(rows)))
    return out


LAYOUTS = _layouts()


def _read_by_order(text: str, region: list[Cell]) -> tuple[list[Fact], int, str] | None:
    """Best layout for a run of numbers with displaced labels: (facts, arithmetic failures, layout name)."""
    run = [c for c in region if c.kind == "num" or (c.kind == "blank" and c.folded)]
    present = {match_label(T3_ROW_PATTERNS, c.folded) for c in region if c.kind == "text"} - {None}
    if T3_OTHER_LEAVES[0] in present:
        present.discard(T3_OTHER)  # "（六）其他处理" heads the 2021 sub-rows
    best: tuple[tuple[int, int, int], list[Fact], str] | None = None
    for rank, (name, layout) in enumerate(LAYOUTS):
        for ncols in COLUMN_COUNTS:
            if len(layout) * ncols != len(run):
                continue
            rows = []
            for k, label in enumerate(layout):
                chunk = run[k * ncols : (k + 1) * ncols]
                label_cell = _label_before(region, chunk[0], label)
                rows.append(_Row(label, label_cell, chunk))
            facts = _facts(text, region, rows, ncols)
            failures = len(check_table_three(facts))
            mismatch = len(present.symmetric_difference(layout))
            score = (failures, mismatch, rank * 2 + (ncols != len(T3_COLUMNS)))
            if best is None or score < best[0]:
                best = (score, facts, f"{name}, {ncols} columns")
    if best is None:
        return None
    return best[1], best[0][0], best[2]


def _label_before(region: list[Cell], first: Cell, label: str) -> Cell | None:
    """The text cell right before ``first`` when it is this row's own label (so the quote includes it)."""
    i = region.index(first)
    if i > 0 and region[i - 1].kind == "text" and match_label(T3_ROW_PATTERNS, region[i - 1].folded) == label:
        return region[i - 1]
    return None


def read_table_three(text: str, cells: list[Cell]) -> tuple[list[Fact], list[str]]:
    """Facts of 表三 and warnings about rows that could not be read."""
    region = block(cells)
    if not region:
        return [], []
    rows, orphans = _label_rows(region)
    sizes = [len(r.trimmed()) for r in rows]
    good = [r for r, n in zip(rows, sizes) if n in COLUMN_COUNTS]
    bad = [r for r, n in zip(rows, sizes) if n not in COLUMN_COUNTS]
    if good and not bad and not orphans:
        ncols = max({len(r.trimmed()) for r in good}, key=[len(r.trimmed()) for r in good].count)
        return _facts(text, region, [r for r in good if len(r.trimmed()) == ncols], ncols), []
    if not rows and not orphans:
        return [], []
    by_order = _read_by_order(text, region)
    labelled_facts: list[Fact] = []
    if good:
        ncols = max({len(r.trimmed()) for r in good}, key=[len(r.trimmed()) for r in good].count)
        labelled_facts = _facts(text, region, [r for r in good if len(r.trimmed()) == ncols], ncols)
    if by_order is not None:
        facts, failures, layout = by_order
        labelled_failures = len(check_table_three(labelled_facts)) + len(bad)
        if failures == 0 or failures <= labelled_failures:
            log.debug("表三 read by template order (%s)", layout)
            note = (
                []
                if failures == 0
                else [f"{TABLE_THREE}: labels displaced; numbers assigned in template order ({layout})"]
            )
            return facts, note
    warnings = [
        f"{TABLE_THREE} {r.label}: {len(r.trimmed())} numbers, expected {len(T3_COLUMNS)}; row not read" for r in bad
    ]
    if orphans:
        warnings.append(f"{TABLE_THREE}: {orphans} numbers not under any row label were not read")
    return labelled_facts, warnings
