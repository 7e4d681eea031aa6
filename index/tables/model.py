"""The one schema every table shape is read into: a Fact is one cell with its evidence span and its arithmetic check."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from index.tables.labels import TableName


class Check(StrEnum):
    """What the template's arithmetic identities say about one cell.

    ``passed``: the cell is in at least one identity (row total, 表三 一+二 = 三（七）+四,
    三（七） = sum of results, a group subtotal, 表四 per-kind 总计) and every identity it is in holds.
    ``failed``: an identity it is in does not hold; the report warns which one. Such a cell is
    never used as an answer (:attr:`Fact.usable`).
    ``unchecked``: no complete identity covers it (表二, a row whose total is blank, prose facts).
    """

    PASSED = "passed"
    FAILED = "failed"
    UNCHECKED = "unchecked"


@dataclass(frozen=True)
class Fact:
    """One number read from a report: a table cell (表二/三/四) or a prose fact (table "正文").

    ``start``/``end`` index the report's ORIGINAL extracted text and cover the row the value
    was read from, so ``text[start:end]`` is a verbatim quote a citation can show.
    """

    table: TableName
    row: str  # canonical row label (index.tables.labels)
    column: str  # canonical column label
    value: float
    unit: str  # "件", "万元", "元", "项"
    start: int
    end: int
    check: Check = Check.UNCHECKED

    @property
    def usable(self) -> bool:
        """False for a cell an arithmetic identity rejects: it must never be given as an answer."""
        return self.check != Check.FAILED


@dataclass
class TableReading:
    """The facts read from one report's tables, and what looked wrong (never fatal)."""

    facts: list[Fact] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def format_value(value: float) -> str:
    """``3119.0`` -> ``"3119"``, ``96171.6`` -> ``"96171.6"`` (no exponent, no trailing zeros)."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")
