"""The template tables (表二/表三/表四) read into facts, checked, stored and rendered — the public entry points.

``read_tables(text, form)`` cuts the original text into cells (:mod:`index.tables.tokens`),
reads 表二 (:mod:`index.tables.two`), 表三 (:mod:`index.tables.three`) and 表四
(:mod:`index.tables.four`) into :class:`Fact` s whose ``start``/``end`` quote the row
verbatim, and adds the arithmetic warnings (:mod:`index.tables.checks`). It never raises on
odd input: what cannot be read becomes a warning. 信息处理费 is prose, not a table: read it
with :func:`read_fee_facts` (:mod:`index.ingest.prepare` stores both in the ``facts`` table).
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import asdict
from typing import Any

from index.tables.checks import check_table_arithmetic
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
from index.tables.model import Fact, TableReading, format_value
from index.tables.store import FACTS_SCHEMA, load_facts, save_facts
from index.tables.three import read_table_three
from index.tables.tokens import cells_of
from index.tables.two import read_table_two
from index.text.searchform import SearchForm

log = logging.getLogger(__name__)

__all__ = [
    "FACTS_SCHEMA",
    "FEE_COLUMN",
    "FEE_ROW",
    "Fact",
    "TableReading",
    "check_table_arithmetic",
    "facts_to_json",
    "load_facts",
    "read_fee_facts",
    "read_tables",
    "render_facts",
    "save_facts",
]

TABLE_ORDER = (TABLE_TWO, TABLE_THREE, TABLE_FOUR, PROSE)
GRID_TABLES = (TABLE_THREE, TABLE_FOUR)


def read_tables(text: str, form: SearchForm) -> TableReading:
    """Facts of 表二, 表三 and 表四 with reading and arithmetic warnings (fee prose not included)."""
    reading = TableReading()
    cells = cells_of(text, form)
    for name, reader in ((TABLE_TWO, read_table_two), (TABLE_THREE, read_table_three), (TABLE_FOUR, read_table_four)):
        try:
            facts, warnings = reader(text, cells)
        except Exception as exc:  # one unreadable table must not lose the others
            log.exception("reading %s failed", name)
            reading.warnings.append(f"{name} could not be read: {exc.__class__.__name__}: {exc}")
            continue
        reading.facts.extend(facts)
        reading.warnings.extend(warnings)
    reading.warnings.extend(check_table_arithmetic(reading.facts))
    return reading


def _row_order(table: TableName) -> tuple[str, ...]:
    return {TABLE_TWO: T2_ROWS, TABLE_THREE: T3_ALL_ROWS, TABLE_FOUR: T4_ROWS}.get(table, ())


def _column_order(table: TableName, facts: list[Fact]) -> list[str]:
    known = {TABLE_THREE: T3_COLUMNS_WITH_SUBTOTAL, TABLE_FOUR: T4_COLUMNS}.get(table, ())
    seen = list(OrderedDict.fromkeys(f.column for f in facts))
    return [c for c in known if c in seen] + [c for c in seen if c not in known]


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
                values = [format_value(cell[(row, c)].value) if (row, c) in cell else "" for c in columns]
                lines.append(" | ".join([row, *values]))
        else:  # 表二 rows have different columns: one "column=value unit" per cell
            lines.append(table)
            for row in rows:
                cells = [f"{f.column}={format_value(f.value)}{f.unit}" for f in mine if f.row == row]
                lines.append(" | ".join([row, *cells]))
        lines.append("")
    if not facts:
        lines.append("(no table facts read)")
        lines.append("")
    if warnings:
        lines.append("warnings:")
        lines.extend(f"- {w}" for w in warnings)
    return "\n".join(lines).rstrip() + "\n"


def facts_to_json(facts: list[Fact], warnings: list[str] | None = None) -> dict[str, Any]:
    """``{"facts": [{table,row,column,value,unit,start,end}...], "warnings": [...]}`` (JSON-ready)."""
    return {"facts": [asdict(f) for f in facts], "warnings": list(warnings or [])}
