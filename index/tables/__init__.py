"""The template tables (表二/表三/表四) read into facts, checked, stored and rendered — the public entry points.

``read_tables(text, form)`` reads every table twice: over the text's cells
(:mod:`index.tables.tokens`; 表二 :mod:`~index.tables.two`, 表三 :mod:`~index.tables.three`,
表四 :mod:`~index.tables.four`) and over running text, label then numbers, cutting digits run
together by the template's identities (:mod:`index.tables.runs`, :mod:`index.tables.segment`).
Per table the better reading wins. Each :class:`Fact` quotes its row verbatim (``start``/``end``)
and carries its arithmetic :class:`Check` (:mod:`index.tables.checks`): a ``failed`` cell is never
an answer (:attr:`Fact.usable`). It never raises on odd input: what cannot be read becomes a
warning. 信息处理费 is prose, not a table: read it with :func:`read_fee_facts`
(:mod:`index.ingest.prepare` stores both in the ``facts`` table).
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import asdict
from typing import Any

from index.tables.checks import check_table_arithmetic, mark_checks
from index.tables.fees import FEE_COLUMN, FEE_ROW, read_fee_facts
from index.tables.four import read_table_four
from index.tables.labels import (
    PROSE,
    T2_ROWS,
    T3_ALL_ROWS,
    T3_COLUMNS_WITH_SUBTOTAL,
    T4_COLUMNS,
    T4_ROWS,
    TABLE_FOUR,
    TABLE_THREE,
    TABLE_TWO,
    TableName,
)
from index.tables.model import Check, Fact, TableReading, format_value
from index.tables.runs import read_runs
from index.tables.store import FACTS_SCHEMA, install_facts_schema, load_facts, save_facts
from index.tables.three import read_table_three
from index.tables.tokens import cells_of
from index.tables.two import read_table_two
from index.text.searchform import SearchForm

log = logging.getLogger(__name__)

__all__ = [
    "FACTS_SCHEMA",
    "FEE_COLUMN",
    "FEE_ROW",
    "Check",
    "Fact",
    "TableReading",
    "check_table_arithmetic",
    "facts_to_json",
    "install_facts_schema",
    "load_facts",
    "mark_checks",
    "read_fee_facts",
    "read_tables",
    "render_facts",
    "save_facts",
]

TABLE_ORDER = (TABLE_TWO, TABLE_THREE, TABLE_FOUR, PROSE)
GRID_TABLES = (TABLE_THREE, TABLE_FOUR)


def _score(facts: list[Fact]) -> tuple[int, int]:
    """How good one reading of a table is: cells that pass the identities net of those that fail, then cells."""
    marked, _ = mark_checks(facts)
    passed = sum(f.check == Check.PASSED for f in marked)
    failed = sum(f.check == Check.FAILED for f in marked)
    return passed - failed, len(marked)


def _merge_rows(first: list[Fact], second: list[Fact]) -> list[Fact]:
    """表二 rows from both readings: per row, the one with more cells (the first at a tie)."""
    rows: OrderedDict[str, list[Fact]] = OrderedDict()
    for f in first:
        rows.setdefault(f.row, []).append(f)
    for row in OrderedDict.fromkeys(f.row for f in second):
        theirs = [f for f in second if f.row == row]
        if len(theirs) > len(rows.get(row, [])):
            rows[row] = theirs
    return [f for facts in rows.values() for f in facts]


def read_tables(text: str, form: SearchForm) -> TableReading:
    """Facts of 表二, 表三 and 表四, each cell marked by the arithmetic checks, with reading and arithmetic warnings.

    Two readers see every text: one over its cells (``|`` rows, one cell per line, flattened
    runs with displaced labels) and one over running text (labels followed by their numbers,
    digits run together). Per table the reading with more cells passing the identities (then
    more cells) wins, with its warnings; 表二, which has no identities, takes each row from the
    reading that has more of its cells. Fee prose is not included (:func:`read_fee_facts`).
    """
    reading = TableReading()
    cells = cells_of(text, form)
    try:
        runs = read_runs(text, form)
    except Exception as exc:  # one reader failing must not lose the other
        log.exception("reading tables from running text failed")
        reading.warnings.append(f"tables in running text could not be read: {exc.__class__.__name__}: {exc}")
        runs = {}
    for name, reader in ((TABLE_TWO, read_table_two), (TABLE_THREE, read_table_three), (TABLE_FOUR, read_table_four)):
        try:
            facts, warnings = reader(text, cells)
        except Exception as exc:  # one unreadable table must not lose the others
            log.exception("reading %s failed", name)
            facts, warnings = [], [f"{name} could not be read: {exc.__class__.__name__}: {exc}"]
        run_facts, run_warnings = runs.get(name, ([], []))
        if name == TABLE_TWO:
            merged = _merge_rows(facts, run_facts)
            read_rows = {f.row for f in merged}
            unread = [w for w in warnings + run_warnings if not any(w.startswith(f"{name} {r}:") for r in read_rows)]
            facts, warnings = merged, list(OrderedDict.fromkeys(unread))
        elif run_facts and (not facts or _score(run_facts) > _score(facts)):
            facts, warnings = run_facts, run_warnings
        elif not facts:
            warnings = list(OrderedDict.fromkeys(warnings + run_warnings))  # neither read it: say why both did not
        reading.facts.extend(facts)
        reading.warnings.extend(warnings)
    reading.facts, failures = mark_checks(reading.facts)
    reading.warnings.extend(failures)
    return reading


def _row_order(table: TableName) -> tuple[str, ...]:
    return {TABLE_TWO: T2_ROWS, TABLE_THREE: T3_ALL_ROWS, TABLE_FOUR: T4_ROWS}.get(table, ())


def _column_order(table: TableName, facts: list[Fact]) -> list[str]:
    known = {TABLE_THREE: T3_COLUMNS_WITH_SUBTOTAL, TABLE_FOUR: T4_COLUMNS}.get(table, ())
    seen = list(OrderedDict.fromkeys(f.column for f in facts))
    return [c for c in known if c in seen] + [c for c in seen if c not in known]


FAILED_MARK = "✗"


def _shown(fact: Fact) -> str:
    return format_value(fact.value) + ("" if fact.usable else FAILED_MARK)


def render_facts(facts: list[Fact], warnings: list[str]) -> str:
    """Plain-text tables as read (one block per table, rows in template order), then the warnings."""
    lines: list[str] = []
    for table in TABLE_ORDER:
        mine = [f for f in facts if f.table == table]
        if not mine:
            continue
        order = {row: i for i, row in enumerate(_row_order(table))}
        rows = sorted(OrderedDict.fromkeys(f.row for f in mine), key=lambda r: order.get(r, len(order)))
        if table in GRID_TABLES:
            columns = _column_order(table, mine)
            cell = {(f.row, f.column): f for f in mine}
            lines.append(f"{table}（单位：{'/'.join(sorted({f.unit for f in mine}))}）")
            lines.append(" | ".join(["行", *columns]))
            for row in rows:
                values = [_shown(cell[(row, c)]) if (row, c) in cell else "" for c in columns]
                lines.append(" | ".join([row, *values]))
        else:  # 表二 rows have different columns: one "column=value unit" per cell
            lines.append(table)
            for row in rows:
                cells = [f"{f.column}={_shown(f)}{f.unit}" for f in mine if f.row == row]
                lines.append(" | ".join([row, *cells]))
        lines.append("")
    if not facts:
        lines.append("(no table facts read)")
        lines.append("")
    if any(not f.usable for f in facts):
        lines.append(f"{FAILED_MARK} = in an arithmetic identity that does not hold: never used as an answer")
        lines.append("")
    if warnings:
        lines.append("warnings:")
        lines.extend(f"- {w}" for w in warnings)
    return "\n".join(lines).rstrip() + "\n"


def facts_to_json(facts: list[Fact], warnings: list[str] | None = None) -> dict[str, Any]:
    """``{"facts": [{table,row,column,value,unit,start,end,check}...], "warnings": [...]}`` (JSON-ready)."""
    return {"facts": [asdict(f) for f in facts], "warnings": list(warnings or [])}
