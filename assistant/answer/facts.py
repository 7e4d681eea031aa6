"""Count and fee questions answered from table facts (表二/三/四) and 信息处理费 prose facts, with verbatim row citations.

The question analysis resolves issuer and year against the catalogue; the functions here take
the already-resolved reports:

* :func:`answer_from_facts` answers a question for one report;
* :func:`answer_across_reports` answers it across several (one value per report, with the
  change between first and last year when asked; "哪些单位收取了信息处理费" lists who charged);
* :func:`answer_from_catalogue` is the entry the service calls (see :mod:`assistant.answer`).

Decisions: which cells a question asks for is :func:`assistant.answer.cells.match_cell`'s; a
multi-part question is answered only when every part is in the facts. A citation quotes the
fact's row span verbatim and is dropped (with the answer) if the text does not carry the value
there.

Longer than most modules (about 370 lines) on purpose: the single-report and the across-reports
answers share value resolution, evidence spans and citation numbering, and read best side by side.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.answer.base import AnswerContext
from assistant.answer.cells import CHANGE_WORDS, YES_NO_WORDS, CellItem, match_cell
from assistant.cite import ReportTexts
from assistant.query import QueryAnalysis
from assistant.types import Answer, AnswerKind, AnswerMethod, Citation, Passage
from index.storage.catalogue import Catalogue, ReportRecord
from index.tables.fees import FEE_COLUMN, FEE_ROW, read_fee_facts
from index.tables.labels import (
    PROSE,
    T4_SUIT_AFTER_REVIEW,
    T4_SUIT_DIRECT,
    TABLE_FOUR,
    TABLE_SECTIONS,
    UNIT_YUAN,
)
from index.tables.model import Fact, format_value
from index.tables.store import load_facts
from index.text.searchform import build_search_form, fold_query

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReportRef:
    """A report already resolved by the question analysis (what a citation needs to name it)."""

    report_id: str
    source: str
    issuer: str | None
    year: int | None
    sections: tuple[dict[str, Any], ...] = ()  # the catalogue's section dicts {key, title, start, end}


# ---------------------------------------------------------------- facts -> values


@dataclass
class _Value:
    item: CellItem
    value: float
    facts: list[Fact] = field(default_factory=list)
    parts: list[tuple[str, float]] = field(default_factory=list)  # (row, value) when several rows are summed


def _index(facts: Iterable[Fact]) -> dict[tuple[str, str, str], Fact]:
    """Cells by (table, row, column); a cell an arithmetic identity rejects is left out (never an answer)."""
    out: dict[tuple[str, str, str], Fact] = {}
    for f in facts:
        if f.usable:
            out.setdefault((f.table, f.row, f.column), f)
    return out


def _quote_ok(fact: Fact, text: str) -> bool:
    """The fact's span is inside the text and (for table cells) shows the number."""
    if not (0 <= fact.start < fact.end <= len(text)):
        return False
    if fact.table == PROSE and fact.value == 0:
        return True
    quote = re.sub(r"[,\s]", "", text[fact.start : fact.end])
    return format_value(fact.value) in quote or format_value(fact.value) in quote.replace("，", "")


def _resolve(item: CellItem, facts: list[Fact], text: str) -> _Value | None:
    if item.table == PROSE:
        fees = [f for f in facts if f.table == PROSE and f.row == FEE_ROW and _quote_ok(f, text)]
        if not fees:
            return None
        chosen = next((f for f in fees if f.value > 0), fees[0])
        return _Value(item, chosen.value, [chosen])
    cells = _index(facts)
    for rows in item.row_sets:
        for cols in item.column_sets:
            keys = [(item.table, r, c) for r in rows for c in cols]
            if all(k in cells for k in keys):
                used = [cells[k] for k in keys]
                if not all(_quote_ok(f, text) for f in used):
                    continue
                parts = [(r, sum(cells[(item.table, r, c)].value for c in cols)) for r in rows]
                return _Value(item, sum(f.value for f in used), used, parts if len(rows) > 1 else [])
    return None


def _section_of(report: ReportRef, fact: Fact) -> str:
    for s in report.sections:
        key, title, start, end = s.get("key"), s.get("title"), s.get("start"), s.get("end")
        if isinstance(start, int) and isinstance(end, int) and start <= fact.start < end:
            return str(title or key or "")
    return TABLE_SECTIONS.get(fact.table, fact.table)


class _Citer:
    """Numbers citations by distinct (report, span), in the order they are first used."""

    def __init__(self) -> None:
        self.citations: list[Citation] = []

    def mark(self, report: ReportRef, fact: Fact, text: str) -> str:
        for c in self.citations:
            if c.report_id == report.report_id and (c.start, c.end) == (fact.start, fact.end):
                return f"[{c.n}]"
        n = len(self.citations) + 1
        self.citations.append(
            Citation(
                n,
                report.report_id,
                report.source,
                report.issuer,
                report.year,
                _section_of(report, fact),
                fact.start,
                fact.end,
                text[fact.start : fact.end],
            )
        )
        return f"[{n}]"


def _subject(report: ReportRef) -> str:
    name = report.issuer or f"报告《{report.source}》中"
    return f"{name}{report.year}年" if report.year else name


def _amount(value: float, unit: str) -> str:
    return f"{format_value(value)}{unit}"


def _row_words(row: str) -> str:
    return {T4_SUIT_DIRECT: "未经复议直接起诉", T4_SUIT_AFTER_REVIEW: "复议后起诉"}.get(row, row)


MAX_MERGED_QUOTE = 1500  # rows summed into one value are quoted as one span up to this length


def _evidence(v: _Value) -> list[Fact]:
    """The spans to cite for a value: its row, or the run of rows it sums as one quote when short enough."""
    spans = list(dict.fromkeys((f.start, f.end) for f in v.facts))
    if len(spans) <= 1:
        return v.facts[:1]
    start, end = min(a for a, _ in spans), max(b for _, b in spans)
    if end - start <= MAX_MERGED_QUOTE:
        first = v.facts[0]
        return [Fact(first.table, first.row, first.column, v.value, first.unit, start, end)]
    return v.facts


def _phrase(v: _Value, report: ReportRef, text: str, citer: _Citer, same_row_as_before: bool = False) -> str:
    marks = "".join(dict.fromkeys(citer.mark(report, f, text) for f in _evidence(v)))
    item = v.item
    if item.table == PROSE:
        if v.value > 0:
            return f"收取政府信息公开信息处理费{_amount(v.value, item.unit)}{marks}"
        wording = build_search_form(text[v.facts[0].start : v.facts[0].end]).text.replace("\n", "")
        return f"未收取信息处理费（报告原文：{wording}）{marks}"
    label = item.label
    if same_row_as_before and item.table == TABLE_FOUR:
        label = "其中" + item.column  # "行政复议总计351件，其中结果纠正64件"
    phrase = f"{label}{_amount(v.value, item.unit)}"
    if item.breakdown and v.parts:
        phrase += "（" + "，".join(f"{_row_words(r)}{_amount(x, item.unit)}" for r, x in v.parts) + "）"
    return phrase + marks


def answer_from_facts(question: str, report: ReportRef, facts: list[Fact], report_text: str) -> Answer | None:
    """A short answer from one report's facts, citing the row(s) verbatim; None when the facts do not hold it."""
    query = match_cell(question)
    if query is None:
        return None
    values = [_resolve(item, facts, report_text) for item in query.items]
    if not values or any(v is None for v in values):
        return None
    citer = _Citer()
    phrases = []
    previous: CellItem | None = None
    for v in values:
        assert v is not None
        same = previous is not None and previous.table == v.item.table and previous.row_sets == v.item.row_sets
        phrases.append(_phrase(v, report, report_text, citer, same))
        previous = v.item
    prefix = ""
    q = fold_query(question)
    if query.kind == AnswerKind.COUNT and YES_NO_WORDS.search(q) and len(values) == 1:
        prefix = "没有。" if values[0] and values[0].value == 0 else "有。"
    text = f"{prefix}{_subject(report)}" + "；".join(phrases) + "。"
    return Answer(
        question=question,
        answer=text,
        abstained=False,
        citations=citer.citations,
        kind=query.kind,
        issuer=report.issuer,
        year=report.year,
        method=AnswerMethod.EXTRACTIVE,
    )


def _fee_facts(facts: list[Fact], text: str) -> list[Fact]:
    own = [f for f in facts if f.table == PROSE and f.row == FEE_ROW]
    if own or not text:
        return own
    return read_fee_facts(text, build_search_form(text))


def _across_fees(question: str, reports: Sequence[tuple[ReportRef, list[Fact], str]]) -> Answer | None:
    item = CellItem("信息处理费", PROSE, ((FEE_ROW,),), ((FEE_COLUMN,),), UNIT_YUAN)
    citer = _Citer()
    charged: list[str] = []
    free: list[str] = []
    silent: list[str] = []
    values: list[tuple[ReportRef, str, _Value]] = []
    for report, facts, text in sorted(reports, key=lambda r: (r[0].year or 0, r[0].issuer or r[0].source)):
        v = _resolve(item, _fee_facts(facts, text), text)
        if v is None:
            silent.append(_subject(report))
        else:
            values.append((report, text, v))
    # citations are numbered in the order the answer names them: who charged first
    for report, text, v in values:
        if v.value > 0:
            charged.append(f"{_subject(report)}收取{_amount(v.value, UNIT_YUAN)}{citer.mark(report, v.facts[0], text)}")
    for report, text, v in values:
        if v.value == 0:
            free.append(f"{_subject(report)}{citer.mark(report, v.facts[0], text)}")
    if not charged and not free:
        return None
    parts = []
    if charged:
        parts.append("收取了政府信息公开信息处理费的有：" + "；".join(charged) + "。")
    else:
        parts.append("所查报告中没有单位收取政府信息公开信息处理费。")
    if free:
        parts.append("报告写明未收取的有：" + "、".join(free) + "。")
    if silent:
        parts.append("报告中未见收费情况的有：" + "、".join(silent) + "。")
    issuers = {r[0].issuer for r in reports}
    return Answer(
        question=question,
        answer="".join(parts),
        abstained=False,
        citations=citer.citations,
        kind=AnswerKind.FEE,
        issuer=next(iter(issuers)) if len(issuers) == 1 else None,
        method=AnswerMethod.EXTRACTIVE,
    )


def answer_across_reports(question: str, reports: list[tuple[ReportRef, list[Fact], str]]) -> Answer | None:
    """One value per report (sorted by year), the change first -> last when asked; fees: who charged, who did not."""
    if not reports:
        return None
    query = match_cell(question)
    if query is None:
        return None
    if query.kind == AnswerKind.FEE:
        return _across_fees(question, reports) if len(reports) > 1 else answer_from_facts(question, *reports[0])
    if len(reports) == 1:
        return answer_from_facts(question, *reports[0])
    ordered = sorted(reports, key=lambda r: (r[0].year or 0, r[0].issuer or r[0].source))
    issuers = list(dict.fromkeys(r[0].issuer or r[0].source for r in ordered))
    one_issuer = len(issuers) == 1
    citer = _Citer()
    sentences: list[str] = []
    for item in query.items:
        found: list[tuple[ReportRef, str, _Value]] = []
        missing: list[str] = []
        for report, facts, text in ordered:
            v = _resolve(item, facts, text)
            if v is None:
                missing.append(f"{report.year}年" if one_issuer and report.year else _subject(report))
                continue
            found.append((report, text, v))
        if not found:
            continue
        pieces = []
        for report, text, v in found:
            marks = "".join(dict.fromkeys(citer.mark(report, f, text) for f in _evidence(v)))
            who = f"{report.year}年" if one_issuer and report.year else _subject(report)
            pieces.append(f"{who}{_amount(v.value, item.unit)}{marks}")
        sentence = f"{issuers[0] if one_issuer else ''}{item.label}：" + "，".join(pieces)
        if CHANGE_WORDS.search(question) and len(found) >= 2:
            (r0, _, v0), (r1, _, v1) = found[0], found[-1]
            delta = v1.value - v0.value
            span = f"{r0.year}年到{r1.year}年" if one_issuer else f"{_subject(r0)}到{_subject(r1)}"
            if delta == 0:
                sentence += f"；{span}没有变化"
            else:
                trend = "增加" if delta > 0 else "减少"
                sentence += f"；{span}{trend}了{_amount(abs(delta), item.unit)}"
                if v0.value:
                    sentence += f"（{'+' if delta > 0 else '-'}{abs(delta) / v0.value * 100:.1f}%）"
        if missing:
            sentence += "；" + "、".join(missing) + "的报告表格中未见该数据"
        sentences.append(sentence + "。")
    if not sentences:
        return None
    return Answer(
        question=question,
        answer="".join(sentences),
        abstained=False,
        citations=citer.citations,
        kind=query.kind,
        issuer=issuers[0] if one_issuer else None,
        method=AnswerMethod.EXTRACTIVE,
    )


# ---------------------------------------------------------------- the answerer the service calls

ALL_REPORTS_WORDS = re.compile(r"哪些|哪个|哪几|各单位|各部门|所有")
FACTS_KINDS = (AnswerKind.COUNT, AnswerKind.FEE, AnswerKind.GENERAL)


def answer_from_table_facts(analysis: QueryAnalysis, passages: list[Passage], ctx: AnswerContext) -> Answer | None:
    """The facts answerer (:class:`~assistant.answer.base.Answerer`): count and fee questions that map
    to a table cell, answered from the stored facts of the reports the question names; None otherwise."""
    if analysis.kind not in FACTS_KINDS or analysis.unknown_mentions or analysis.missing_year:
        return None
    return answer_from_catalogue(analysis, ctx.reports, ctx.catalogue, ctx.texts, by_id=ctx.by_id)


def answer_from_catalogue(
    analysis: QueryAnalysis,
    reports: list[ReportRecord],
    catalogue: Catalogue,
    texts: ReportTexts,
    *,
    by_id: Mapping[str, ReportRecord] | None = None,
) -> Answer | None:
    """The analysis's resolved reports, their stored facts and texts -> an answer or None.

    Without resolved reports, only a question about every unit ("2022年哪些单位…") is answered,
    over all reports of that year. ``by_id`` is the reports by id when the caller has it (a snapshot's).
    """
    if by_id is None:
        by_id = {r.id: r for r in reports}
    ids = [i for i in analysis.report_ids if i in by_id]
    question = analysis.question
    if not ids:
        year = analysis.year
        if not (year and ALL_REPORTS_WORDS.search(question)):
            return None
        ids = [r.id for r in reports if r.year == year]
    if not ids or match_cell(question) is None:
        return None
    resolved: list[tuple[ReportRef, list[Fact], str]] = []
    for report_id in ids:
        record = by_id[report_id]
        try:
            facts = load_facts(catalogue.conn, report_id)
            text = texts.text(report_id)
        except Exception:  # a missing text or facts table means: no facts answer
            log.exception("facts of %s could not be loaded", report_id)
            continue
        ref = ReportRef(report_id, record.source, record.issuer, record.year, tuple(record.sections or ()))
        resolved.append((ref, facts, text))
    if len(resolved) == 1:
        return answer_from_facts(question, *resolved[0])
    return answer_across_reports(question, resolved)
