"""Arithmetic identities of 表三 and 表四: failures become warnings and mark the cells involved, never exceptions.

The identities are the template's own (国办公开办函〔2021〕30号, and the 2019 format):

* 表三, per row: 自然人 + the five 法人或其他组织 kinds = 总计 (and 法人或其他组织 = its five kinds
  where a copy adds that subtotal column);
* 表三, per column: a group subtotal row (三（三）…（六）) = its numbered rows; 三（七）总计 =
  三（一） + 三（二） + the four groups; 一 + 二 = 三（七） + 四;
* 表四, per kind (行政复议 and the two 行政诉讼): 结果维持 + 结果纠正 + 其他结果 + 尚未审结 = 总计.

:func:`mark_checks` sets :attr:`Fact.check` on every cell: ``failed`` when an identity it is in
does not hold, ``passed`` when it is in at least one identity and all of them hold, else
``unchecked``. An identity is only evaluated when every cell it names was read.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable
from dataclasses import dataclass

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
from index.tables.model import Check, Fact, format_value

log = logging.getLogger(__name__)

TOLERANCE = 1e-6

Key = tuple[str, str, str]  # (table, row, column)
Cells = dict[Key, float]


@dataclass(frozen=True)
class Identity:
    """``sum(parts) == total``, stated for a warning as ``{where}: {parts…} ≠ {total_name} {total}``."""

    where: str  # "表三 三（二）部分公开" / "表四 行政复议" / "表三 自然人"
    parts: tuple[Key, ...]
    total: tuple[Key, ...]  # usually one cell; 三（七）+ 四 on the right of 一 + 二
    parts_name: str = ""
    total_name: str = ""

    def cells(self) -> tuple[Key, ...]:
        return (*self.parts, *self.total)

    def holds(self, cells: Cells) -> bool:
        return abs(sum(cells[k] for k in self.parts) - sum(cells[k] for k in self.total)) <= TOLERANCE

    def warning(self, cells: Cells) -> str:
        left = [cells[k] for k in self.parts]
        right = [cells[k] for k in self.total]
        lhs = f"{self.parts_name}{' = ' if self.parts_name else ''}{_fmt(left)} = {format_value(sum(left))}"
        if len(right) == 1:
            rhs = f"{self.total_name}{' ' if self.total_name else ''}{format_value(right[0])}"
        else:
            rhs = f"{self.total_name} = {_fmt(right)} = {format_value(sum(right))}"
        return f"{self.where}: {lhs} ≠ {rhs}"


def _cells(facts: Iterable[Fact]) -> Cells:
    return {(f.table, f.row, f.column): f.value for f in facts}


def _fmt(values: Iterable[float]) -> str:
    return " + ".join(format_value(v) for v in values)


def _have(cells: Cells, keys: Iterable[Key]) -> bool:
    return all(k in cells for k in keys)


def _t3(row: str, column: str) -> Key:
    return (TABLE_THREE, row, column)


def _row_identities(cells: Cells, rows: Iterable[str]) -> list[Identity]:
    out: list[Identity] = []
    for row in rows:
        orgs = tuple(_t3(row, c) for c in T3_ORG_COLUMNS)
        natural, subtotal, total = _t3(row, T3_NATURAL), _t3(row, T3_LEGAL_PERSONS), _t3(row, T3_COLUMN_TOTAL)
        where = f"{TABLE_THREE} {row}"
        if _have(cells, (*orgs, subtotal)):
            out.append(Identity(where, orgs, (subtotal,), "五类法人或其他组织", T3_LEGAL_PERSONS))
        if _have(cells, (natural, *orgs, total)):
            out.append(Identity(where, (natural, *orgs), (total,), "自然人 + 法人或其他组织", T3_COLUMN_TOTAL))
        elif _have(cells, (natural, subtotal, total)):
            out.append(Identity(where, (natural, subtotal), (total,), "自然人 + 法人或其他组织", T3_COLUMN_TOTAL))
    return out


def _group_keys(cells: Cells, group: str, column: str) -> tuple[Key, ...] | None:
    """A 表三 group's cells in a column: its numbered rows when all were read, else its subtotal row."""
    leaves = tuple(_t3(r, column) for r in T3_GROUPS[group])
    if _have(cells, leaves):
        return leaves
    if _t3(group, column) in cells:
        return (_t3(group, column),)
    return None


def _column_identities(cells: Cells, column: str) -> list[Identity]:
    out: list[Identity] = []
    for group, leaves in T3_GROUPS.items():
        keys = tuple(_t3(r, column) for r in leaves)
        if _t3(group, column) in cells and _have(cells, keys):
            out.append(Identity(f"{TABLE_THREE} {group} {column}", keys, (_t3(group, column),)))
    groups = [_group_keys(cells, g, column) for g in T3_GROUPS]
    results = [(_t3(T3_DISCLOSED, column),), (_t3(T3_PARTLY, column),), *groups]
    total = _t3(T3_TOTAL, column)
    if total in cells and all(g is not None and _have(cells, g) for g in results):
        parts = tuple(k for g in results if g is not None for k in g)
        out.append(Identity(f"{TABLE_THREE} {T3_TOTAL} {column}", parts, (total,), "三（一）…（六）", T3_TOTAL))
    balance = (_t3(T3_NEW, column), _t3(T3_CARRIED_IN, column))
    outcome = (total, _t3(T3_CARRIED_OUT, column))
    if _have(cells, (*balance, *outcome)):
        out.append(Identity(f"{TABLE_THREE} {column}", balance, outcome, "一 + 二", "三（七） + 四"))
    return out


def table_three_identities(cells: Cells) -> list[Identity]:
    """Every 表三 identity whose cells were all read."""
    mine = {k: v for k, v in cells.items() if k[0] == TABLE_THREE}
    if not mine:
        return []
    out = _row_identities(mine, sorted({k[1] for k in mine}))
    for column in (*T3_COLUMNS, T3_LEGAL_PERSONS):
        if any(k[2] == column for k in mine):
            out += _column_identities(mine, column)
    return out


def table_four_identities(cells: Cells) -> list[Identity]:
    """表四: per kind, 结果维持 + 结果纠正 + 其他结果 + 尚未审结 = 总计."""
    out: list[Identity] = []
    for row in T4_ROWS:
        parts = tuple((TABLE_FOUR, row, c) for c in T4_COLUMNS[:-1])
        total = (TABLE_FOUR, row, T4_TOTAL)
        if _have(cells, (*parts, total)):
            out.append(Identity(f"{TABLE_FOUR} {row}", parts, (total,), "", T4_TOTAL))
    return out


def _failures(identities: list[Identity], cells: Cells) -> list[str]:
    return [i.warning(cells) for i in identities if not i.holds(cells)]


def check_table_three(facts: Iterable[Fact]) -> list[str]:
    """Warnings for 表三: row totals, subtotal rows, 三（七） = sum of results, 一 + 二 = 三（七） + 四."""
    cells = _cells(f for f in facts if f.table == TABLE_THREE)
    return _failures(table_three_identities(cells), cells)


def check_table_four(facts: Iterable[Fact]) -> list[str]:
    """Warnings for 表四: 结果维持 + 结果纠正 + 其他结果 + 尚未审结 = 总计 per kind."""
    cells = _cells(f for f in facts if f.table == TABLE_FOUR)
    return _failures(table_four_identities(cells), cells)


def check_table_arithmetic(facts: Iterable[Fact]) -> list[str]:
    """All arithmetic warnings (表三 and 表四), each naming table, row, column and the numbers. Never raises."""
    facts = list(facts)
    try:
        return check_table_three(facts) + check_table_four(facts)
    except Exception as exc:  # a check must never break reading
        log.exception("arithmetic check failed")
        return [f"arithmetic check failed: {exc.__class__.__name__}: {exc}"]


def mark_checks(facts: Iterable[Fact]) -> tuple[list[Fact], list[str]]:
    """The facts with :attr:`Fact.check` set from the identities, and one warning per failed identity."""
    facts = list(facts)
    cells = _cells(facts)
    identities = table_three_identities(cells) + table_four_identities(cells)
    passed: set[Key] = set()
    failed: set[Key] = set()
    warnings: list[str] = []
    for identity in identities:
        if identity.holds(cells):
            passed.update(identity.cells())
        else:
            failed.update(identity.cells())
            warnings.append(identity.warning(cells))
    out: list[Fact] = []
    for f in facts:
        key = (f.table, f.row, f.column)
        check = Check.FAILED if key in failed else Check.PASSED if key in passed else Check.UNCHECKED
        out.append(f if f.check == check else dataclasses.replace(f, check=check))
    return out, warnings
