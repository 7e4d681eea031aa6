"""Arithmetic identities of 表三 and 表四, checked on facts; failures become warnings, never exceptions."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from index.tables.labels import (
    T3_CARRIED_IN,
    T3_CARRIED_OUT,
    T3_COLUMN_TOTAL,
    T3_COLUMNS,
    T3_DISCLOSED,
    T3_GROUPS,
    T3_LEGAL_PERSONS,
    T3_NATURAL,
    T3_NEW,
    T3_ORG_COLUMNS,
    T3_PARTLY,
    T3_TOTAL,
    T4_COLUMNS,
    T4_ROWS,
    T4_TOTAL,
    TABLE_FOUR,
    TABLE_THREE,
)
from index.tables.model import Fact, format_value

log = logging.getLogger(__name__)

TOLERANCE = 1e-6

Cells = dict[tuple[str, str, str], float]


def _cells(facts: Iterable[Fact]) -> Cells:
    return {(f.table, f.row, f.column): f.value for f in facts}


def _fmt(values: Iterable[float]) -> str:
    return " + ".join(format_value(v) for v in values)


def _all(values: list[float | None]) -> list[float] | None:
    """The values when every one is present, else None."""
    present = [v for v in values if v is not None]
    return present if len(present) == len(values) else None


def _sum_if_all(cells: Cells, table: str, rows: Iterable[str], column: str) -> tuple[list[float], bool]:
    values = [cells.get((table, row, column)) for row in rows]
    present = [v for v in values if v is not None]
    return present, len(present) == len(values)


def _row_total_checks(cells: Cells, rows: set[str]) -> list[str]:
    out: list[str] = []
    for row in sorted(rows):
        total = cells.get((TABLE_THREE, row, T3_COLUMN_TOTAL))
        org_values = _all([cells.get((TABLE_THREE, row, c)) for c in T3_ORG_COLUMNS])
        subtotal = cells.get((TABLE_THREE, row, T3_LEGAL_PERSONS))
        natural = cells.get((TABLE_THREE, row, T3_NATURAL))
        if org_values is not None and subtotal is not None and abs(sum(org_values) - subtotal) > TOLERANCE:
            out.append(
                f"{TABLE_THREE} {row}: 法人或其他组织 {format_value(subtotal)} ≠ "
                f"{_fmt(org_values)} = {format_value(sum(org_values))}"
            )
        if total is None or natural is None:
            continue
        if org_values is not None:
            summed = natural + sum(org_values)
            shown = _fmt([natural, *org_values])
        elif subtotal is not None:
            summed = natural + subtotal
            shown = _fmt([natural, subtotal])
        else:
            continue
        if abs(summed - total) > TOLERANCE:
            out.append(
                f"{TABLE_THREE} {row}: 自然人 + 法人或其他组织 = {shown} = {format_value(summed)} ≠ 总计 {format_value(total)}"
            )
    return out


def _group_value(cells: Cells, group: str, column: str) -> float | None:
    """A 表三 group's value: the sum of its leaf rows when all are there, else its subtotal row."""
    leaves, complete = _sum_if_all(cells, TABLE_THREE, T3_GROUPS[group], column)
    if leaves and complete:
        return sum(leaves)
    return cells.get((TABLE_THREE, group, column))


def check_table_three(facts: Iterable[Fact]) -> list[str]:
    """Warnings for 表三: row totals, subtotal rows, 三（七） = sum of results, 一 + 二 = 三（七） + 四."""
    cells = _cells(f for f in facts if f.table == TABLE_THREE)
    if not cells:
        return []
    out = _row_total_checks(cells, {row for (_, row, _) in cells})
    columns = [c for c in (*T3_COLUMNS, T3_LEGAL_PERSONS) if any(k[2] == c for k in cells)]
    for column in columns:
        for group, leaves in T3_GROUPS.items():
            subtotal = cells.get((TABLE_THREE, group, column))
            values, complete = _sum_if_all(cells, TABLE_THREE, leaves, column)
            if subtotal is not None and values and complete and abs(sum(values) - subtotal) > TOLERANCE:
                out.append(
                    f"{TABLE_THREE} {group} {column}: {format_value(subtotal)} ≠ {_fmt(values)} = {format_value(sum(values))}"
                )
        total = cells.get((TABLE_THREE, T3_TOTAL, column))
        parts = _all(
            [
                cells.get((TABLE_THREE, T3_DISCLOSED, column)),
                cells.get((TABLE_THREE, T3_PARTLY, column)),
                *(_group_value(cells, g, column) for g in T3_GROUPS),
            ]
        )
        if total is not None and parts is not None:
            summed = sum(parts)
            if abs(summed - total) > TOLERANCE:
                out.append(
                    f"{TABLE_THREE} {T3_TOTAL} {column}: {format_value(total)} ≠ 三（一）…（六） "
                    f"{_fmt(parts)} = {format_value(summed)}"
                )
        new, carried_in = cells.get((TABLE_THREE, T3_NEW, column)), cells.get((TABLE_THREE, T3_CARRIED_IN, column))
        carried_out = cells.get((TABLE_THREE, T3_CARRIED_OUT, column))
        if new is not None and carried_in is not None and total is not None and carried_out is not None:
            left = new + carried_in
            right = total + carried_out
            if abs(left - right) > TOLERANCE:
                out.append(
                    f"{TABLE_THREE} {column}: 一 + 二 = {format_value(new)} + {format_value(carried_in)} = {format_value(left)}"
                    f" ≠ 三（七） + 四 = {format_value(total)} + {format_value(carried_out)} = {format_value(right)}"
                )
    return out


def check_table_four(facts: Iterable[Fact]) -> list[str]:
    """Warnings for 表四: 结果维持 + 结果纠正 + 其他结果 + 尚未审结 = 总计 per group."""
    cells = _cells(f for f in facts if f.table == TABLE_FOUR)
    out: list[str] = []
    for row in T4_ROWS:
        parts = _all([cells.get((TABLE_FOUR, row, c)) for c in T4_COLUMNS[:-1]])
        total = cells.get((TABLE_FOUR, row, T4_TOTAL))
        if total is None or parts is None:
            continue
        summed = sum(parts)
        if abs(summed - total) > TOLERANCE:
            out.append(f"{TABLE_FOUR} {row}: {_fmt(parts)} = {format_value(summed)} ≠ 总计 {format_value(total)}")
    return out


def check_table_arithmetic(facts: Iterable[Fact]) -> list[str]:
    """All arithmetic warnings (表三 and 表四), each naming table, row, column and the numbers. Never raises."""
    facts = list(facts)
    try:
        return check_table_three(facts) + check_table_four(facts)
    except Exception as exc:  # a check must never break reading
        log.exception("arithmetic check failed")
        return [f"arithmetic check failed: {exc.__class__.__name__}: {exc}"]
