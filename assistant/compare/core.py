"""One template cell across reports: a figure per report with its verbatim row, differences and rankings.

Pure functions over facts already read (no catalogue, no UI). Rules:

* A figure is the cell's value in one report (:func:`figure_of`): the first alternative of the
  cell whose facts are all there. A cell an arithmetic identity rejects (``Check.FAILED``) is
  never a figure: the report is listed as ``failed`` with its 勾稽 warnings. A span that does not
  show the number in the report's text is not a figure either (``absent``, logged).
* Each figure cites its row(s) verbatim: one span from the first to the last row it sums when that
  is short (:data:`MAX_QUOTE`), else each row.
* What was asked and is not there is named: a body × year with no indexed report is
  ``not_indexed``; a report whose tables lack the cell is ``absent``, unless the caller reads the
  figure from its text (``stated``, e.g. "全年共收到申请130件"): it is then a ``text`` figure citing
  that clause (no 勾稽 check applies to it).
* Several reports of one body and year (two copies of one report): the first that gives a figure,
  preferring one whose cells passed the identities.

>>> from index.tables.labels import TABLE_THREE, T3_NEW
>>> from assistant.compare.cells import cell
>>> text = "一、本年新收政府信息公开申请数量 | 12 | 12"
>>> data = ReportData(ReportRef("r1", "a.txt", "示例局", 2021), [Fact(TABLE_THREE, T3_NEW, "总计", 12.0, "件", 0, len(text))], text)
>>> f = figure_of(cell("本年新收"), data)
>>> f.status, f.value, f.quotes[0][2] == text
(<Status.OK: 'ok'>, 12.0, True)
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from assistant.compare.cells import Cell
from index.tables.checks import mark_checks
from index.tables.model import Check, Fact, format_value

log = logging.getLogger(__name__)

#: Rows summed into one figure are quoted as one span up to this many characters.
MAX_QUOTE = 1500


@dataclass(frozen=True)
class ReportRef:
    """A report as a comparison names and cites it."""

    report_id: str
    source: str
    issuer: str | None
    year: int | None
    sections: tuple[dict[str, Any], ...] = ()  # the catalogue's section dicts {key, title, start, end}

    @property
    def name(self) -> str:
        """The body, or the file name for a report whose body was never identified."""
        return self.issuer or f"《{self.source}》"


@dataclass(frozen=True)
class ReportData:
    """One report's stored facts and its extracted text (what the quotes index)."""

    ref: ReportRef
    facts: list[Fact]
    text: str


class Status(StrEnum):
    """What a comparison found for one body and year."""

    OK = "ok"
    TEXT = "text"  # the report's tables lack the cell; its text states the figure (cited)
    FAILED = "failed"  # the cell is in an arithmetic identity that does not hold: not used
    ABSENT = "absent"  # the report's tables do not carry the cell
    NOT_INDEXED = "not_indexed"  # no report of this body and year is indexed


@dataclass(frozen=True)
class Figure:
    """One body × year of a comparison: the value with its quotes, or why there is none."""

    issuer: str  # the body (or the file name of a nameless report)
    year: int | None
    status: Status
    unit: str
    value: float | None = None
    report: ReportRef | None = None
    quotes: tuple[tuple[int, int, str], ...] = ()  # (start, end, verbatim text) in the report
    check: Check | None = None  # passed when every summed cell passed the identities, else unchecked
    parts: tuple[tuple[str, str, float], ...] = ()  # (row, column, value) of every summed cell
    warnings: tuple[str, ...] = ()  # the report's 勾稽 (arithmetic) warnings

    @property
    def ok(self) -> bool:
        return self.status in (Status.OK, Status.TEXT) and self.value is not None

    @property
    def shown(self) -> str:
        """``12件``; empty when there is no value."""
        return f"{format_value(self.value)}{self.unit}" if self.value is not None else ""

    @property
    def when(self) -> str:
        return f"{self.year}年" if self.year else "年度不详"


@dataclass
class Comparison:
    """A cell over bodies and years: one figure per body × year, sorted by body then year."""

    cell: Cell
    figures: list[Figure] = field(default_factory=list)
    text_read: bool = False  # reports whose tables lack the cell were read for it in their text too

    @property
    def found(self) -> list[Figure]:
        return [f for f in self.figures if f.ok]

    @property
    def missing(self) -> list[Figure]:
        return [f for f in self.figures if not f.ok]

    @property
    def issuers(self) -> list[str]:
        return list(dict.fromkeys(f.issuer for f in self.figures))

    @property
    def years(self) -> list[int]:
        return sorted({f.year for f in self.figures if f.year is not None})

    def get(self, issuer: str, year: int | None) -> Figure | None:
        return next((f for f in self.figures if f.issuer == issuer and f.year == year), None)

    def of_year(self, year: int | None) -> list[Figure]:
        return [f for f in self.figures if f.year == year]

    def of_issuer(self, issuer: str) -> list[Figure]:
        return [f for f in self.figures if f.issuer == issuer]


@dataclass(frozen=True)
class Difference:
    """``later`` minus ``earlier`` (or one body minus another), with the arithmetic written out."""

    first: Figure  # the one the question puts first ("2021年比2020年": 2021)
    second: Figure
    delta: float

    @property
    def expression(self) -> str:
        """``12-8=4``; for a decrease the larger minus the smaller (``8-5=3``), the words say 少."""
        a, b = self.first.value or 0.0, self.second.value or 0.0
        if self.delta < 0:
            a, b = b, a
        return f"{format_value(a)}-{format_value(b)}={format_value(abs(self.delta))}"

    @property
    def more(self) -> bool:
        return self.delta > 0


# ---------------------------------------------------------------- one report


def _cells(facts: Iterable[Fact], table: str) -> dict[tuple[str, str], Fact]:
    out: dict[tuple[str, str], Fact] = {}
    for f in facts:
        if f.table == table:
            out.setdefault((f.row, f.column), f)
    return out


def shows_value(fact: Fact, text: str) -> bool:
    """The fact's span is inside ``text`` and shows its number (thousands separators and spaces aside)."""
    if not (0 <= fact.start < fact.end <= len(text)):
        return False
    quote = re.sub(r"[,，\s]", "", text[fact.start : fact.end])
    return format_value(fact.value) in quote


def _quotes(used: Sequence[Fact], text: str) -> tuple[tuple[int, int, str], ...]:
    spans = sorted(dict.fromkeys((f.start, f.end) for f in used))
    start, end = spans[0][0], max(e for _, e in spans)
    if end - start <= MAX_QUOTE:
        return ((start, end, text[start:end]),)
    return tuple((a, b, text[a:b]) for a, b in spans)


def report_warnings(facts: Sequence[Fact]) -> tuple[str, ...]:
    """The report's 勾稽 warnings: one per arithmetic identity of 表三/表四 that does not hold."""
    return tuple(mark_checks(facts)[1])


def figure_of(cell: Cell, data: ReportData) -> Figure:
    """The cell's figure in one report (see the module docstring for what is and is not a figure)."""
    ref = data.ref
    warnings = report_warnings(data.facts)
    cells = _cells(data.facts, cell.table)
    rejected = False
    for rows in cell.rows:
        for columns in cell.columns:
            keys = [(r, c) for r in rows for c in columns]
            if not all(k in cells for k in keys):
                continue
            used = [cells[k] for k in keys]
            if any(not f.usable for f in used):
                rejected = True
                continue
            if not all(shows_value(f, data.text) for f in used):
                log.warning("%s: a cell of %s does not show its value at its span; not used", ref.report_id, cell.label)
                continue
            check = Check.PASSED if all(f.check == Check.PASSED for f in used) else Check.UNCHECKED
            return Figure(
                ref.name,
                ref.year,
                Status.OK,
                used[0].unit or cell.unit,
                sum(f.value for f in used),
                ref,
                _quotes(used, data.text),
                check,
                tuple((f.row, f.column, f.value) for f in used),
                warnings,
            )
    status = Status.FAILED if rejected else Status.ABSENT
    return Figure(ref.name, ref.year, status, cell.unit, report=ref, warnings=warnings)


@dataclass(frozen=True)
class Stated:
    """A figure a report's text states: the value and the clause (original offsets) that states it.

    ``none``: the clause says there was none ("全年未收到申请"): the value is 0 without the digit."""

    value: float
    start: int
    end: int
    none: bool = False


def stated_figure(cell: Cell, data: ReportData, stated: Stated) -> Figure | None:
    """A ``text`` figure from the clause ``stated`` names, when the clause is inside the text and shows the number."""
    ref = data.ref
    if not (0 <= stated.start < stated.end <= len(data.text)):
        return None
    quote = data.text[stated.start : stated.end]
    if not stated.none and format_value(stated.value) not in re.sub(r"[,，\s]", "", quote):
        return None
    warnings = report_warnings(data.facts)
    return Figure(
        ref.name,
        ref.year,
        Status.TEXT,
        cell.unit,
        stated.value,
        ref,
        ((stated.start, stated.end, quote),),
        None,
        (),
        warnings,
    )


def _preference(figure: Figure) -> tuple[int, int]:
    order = {Status.OK: 0, Status.TEXT: 1, Status.FAILED: 2, Status.ABSENT: 3, Status.NOT_INDEXED: 4}
    return order[figure.status], 0 if figure.check == Check.PASSED else 1


# ---------------------------------------------------------------- many reports


def compare(
    cell: Cell,
    reports: Iterable[ReportData],
    wanted: Iterable[tuple[str, int | None]] = (),
    stated: Callable[[ReportRef], Stated | None] | None = None,
) -> Comparison:
    """The cell in every report, one figure per body × year (sorted by body, then year).

    ``wanted`` are the body × year pairs that were asked for: a pair no report covers becomes a
    ``not_indexed`` figure, so the answer can say "2020年的报告未索引". ``stated`` reads the figure
    from the text of a report whose tables lack the cell (None: tables only).
    """
    best: dict[tuple[str, int | None], Figure] = {}
    order: list[tuple[str, int | None]] = []
    for data in reports:
        figure = figure_of(cell, data)
        if figure.status == Status.ABSENT and stated is not None:
            said = stated(data.ref)
            figure = (stated_figure(cell, data, said) if said is not None else None) or figure
        key = (figure.issuer, figure.year)
        if key not in best:
            order.append(key)
            best[key] = figure
        elif _preference(figure) < _preference(best[key]):
            best[key] = figure
    for issuer, year in wanted:
        if (issuer, year) not in best:
            order.append((issuer, year))
            best[(issuer, year)] = Figure(issuer, year, Status.NOT_INDEXED, cell.unit)
    first_seen = {issuer: k for k, (issuer, _) in reversed(list(enumerate(order)))}
    keys = sorted(best, key=lambda k: (first_seen[k[0]], k[1] or 0))
    return Comparison(cell, [best[k] for k in keys], text_read=stated is not None)


def difference(first: Figure, second: Figure) -> Difference | None:
    """``first`` minus ``second`` when both have a value; None otherwise."""
    if not (first.ok and second.ok) or first.value is None or second.value is None:
        return None
    return Difference(first, second, first.value - second.value)


def ranking(figures: Iterable[Figure], *, most: bool = True) -> list[tuple[int, Figure]]:
    """Figures with a value, largest first (``most``) or smallest first, each with its rank (ties share one)."""
    found = [f for f in figures if f.ok and f.value is not None]
    found.sort(key=lambda f: ((-(f.value or 0.0)) if most else (f.value or 0.0), f.issuer))
    out: list[tuple[int, Figure]] = []
    for k, f in enumerate(found):
        rank = out[-1][0] if out and out[-1][1].value == f.value else k + 1
        out.append((rank, f))
    return out
