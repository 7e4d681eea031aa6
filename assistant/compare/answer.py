"""Comparison answers in words: figures with one citation per report, differences and rankings with the arithmetic shown.

Every number an answer states is a cited figure or computed from cited figures with the
arithmetic written out (``2021年比2020年多4件（12-8=4）``); what is missing is named plainly
(``2020年的报告未索引``, ``X2021年的报告表格中未见该数据``).

>>> from assistant.compare.cells import cell
>>> c = Comparison(cell("本年新收"), [Figure("示例局", 2020, Status.NOT_INDEXED, "件")])
>>> missing_sentence(c.figures, one_issuer=True)
'2020年的报告未索引'
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from assistant.compare.core import Comparison, Difference, Figure, ReportRef, Status, difference, ranking
from assistant.compare.intent import ComparisonRequest, Shape
from assistant.types import Answer, AnswerKind, AnswerMethod, Citation
from index.tables.labels import TABLE_SECTIONS
from index.tables.model import format_value

#: A ranking names at most this many bodies; the rest are left out ("其余从略").
MAX_RANKED = 10

MISSING_WORDS = {
    Status.NOT_INDEXED: "的报告未索引",
    Status.ABSENT: "的报告表格中未见该数据",
    Status.FAILED: "报告中的该数据未通过表格勾稽校验，未采用",
}


class Citer:
    """Numbers citations by distinct (report, span) in the order the answer uses them."""

    def __init__(self, table: str) -> None:
        self.table = table
        self.citations: list[Citation] = []

    def marks(self, figure: Figure) -> str:
        """``[1]`` (or ``[1][2]`` when the rows are quoted apart) for a figure's quotes."""
        ref = figure.report
        if ref is None:
            return ""
        out = []
        for start, end, quote in figure.quotes:
            known = next(
                (c for c in self.citations if c.report_id == ref.report_id and (c.start, c.end) == (start, end)), None
            )
            if known is None:
                known = Citation(
                    len(self.citations) + 1,
                    ref.report_id,
                    ref.source,
                    ref.issuer,
                    ref.year,
                    section_of(ref, start, self.table if figure.status == Status.OK else ""),
                    start,
                    end,
                    quote,
                )
                self.citations.append(known)
            out.append(f"[{known.n}]")
        return "".join(out)


def section_of(ref: ReportRef, offset: int, table: str) -> str:
    """The title of the report's section holding ``offset``; the template's section of ``table`` otherwise,
    and also when the parsed section is not that table's (its numeral differs: sections parsed wrong).
    ``table`` is "" for a clause of the text (a figure the tables lack)."""
    template = next((title for name, title in TABLE_SECTIONS.items() if name == table), table)
    for s in ref.sections:
        start, end = s.get("start"), s.get("end")
        if isinstance(start, int) and isinstance(end, int) and start <= offset < end:
            title = str(s.get("title") or s.get("key") or "")
            if template and title[:1] != template[:1]:
                return template
            return title
    return template


def _who(figure: Figure, one_issuer: bool, one_year: bool = False) -> str:
    if one_issuer:
        return figure.when
    return figure.issuer if one_year or not figure.year else f"{figure.issuer}{figure.when}"


#: ``absent`` when the reports' texts were read too (not only their tables).
ABSENT_IN_TEXT = "的报告中未找到该数据"


def missing_sentence(
    figures: Sequence[Figure], *, one_issuer: bool, one_year: bool = False, text_read: bool = False
) -> str:
    """``2020年的报告未索引；X2021年的报告表格中未见该数据`` for the figures without a value ("" if none).

    ``one_issuer``: name the years only; ``one_year``: name the bodies only; ``text_read``: the texts
    were read too (``的报告中未找到该数据``)."""
    parts: list[str] = []
    for status in (Status.NOT_INDEXED, Status.ABSENT, Status.FAILED):
        names = [_who(f, one_issuer, one_year) for f in figures if f.status == status]
        if names:
            words = ABSENT_IN_TEXT if status == Status.ABSENT and text_read else MISSING_WORDS[status]
            parts.append("、".join(dict.fromkeys(names)) + words)
    return "；".join(parts)


def _answer(question: str, comparison: Comparison, text: str, citer: Citer) -> Answer:
    issuers = comparison.issuers
    years = comparison.years
    return Answer(
        question=question,
        answer=text,
        abstained=not citer.citations,
        citations=citer.citations,
        kind=AnswerKind.FEE if comparison.cell.unit.endswith("元") else AnswerKind.COUNT,
        issuer=issuers[0] if len(issuers) == 1 else None,
        year=years[-1] if len(years) == 1 else None,
        method=AnswerMethod.EXTRACTIVE,
    )


def _close(sentences: list[str]) -> str:
    return "".join(s if s.endswith("。") else s + "。" for s in sentences if s)


def series_answer(question: str, comparison: Comparison, *, changes: bool = False) -> Answer:
    """Each body's figures by year: ``X行政复议总计：2021年3件[1]，2022年1件[2]。``; then what is missing.

    ``changes``: each year's difference from the year before it that has a figure, the arithmetic shown."""
    citer = Citer(comparison.cell.table)
    one_issuer = len(comparison.issuers) == 1
    sentences: list[str] = []
    for issuer in comparison.issuers:
        found = [f for f in comparison.of_issuer(issuer) if f.ok]
        if not found:
            continue
        pieces = "，".join(f"{f.when}{f.shown}{citer.marks(f)}" for f in found)
        sentences.append(f"{issuer}{comparison.cell.label}：{pieces}")
        steps = [difference(b, a) for a, b in itertools.pairwise(found)] if changes else []
        said = [_step(d) for d in steps if d is not None and d.first.year != d.second.year]
        if said:
            sentences.append("变化：" + "，".join(said))
    sentences.append(missing_sentence(comparison.missing, one_issuer=one_issuer, text_read=comparison.text_read))
    return _answer(question, comparison, _close(sentences), citer)


def difference_answer(question: str, comparison: Comparison, first: int, second: int) -> Answer:
    """Per body, two years: both figures and ``2021年比2020年多4件（12-8=4）``, or why it cannot be computed."""
    citer = Citer(comparison.cell.table)
    sentences: list[str] = []
    for issuer in comparison.issuers:
        a, b = comparison.get(issuer, first), comparison.get(issuer, second)
        figures = [f for f in (a, b) if f is not None]
        found = [f for f in figures if f.ok]
        parts: list[str] = []
        if found:
            pieces = "，".join(f"{f.when}{f.shown}{citer.marks(f)}" for f in found)
            parts.append(f"{issuer}{comparison.cell.label}：{pieces}")
        diff = difference(a, b) if a is not None and b is not None else None
        if diff is not None:
            if diff.delta == 0:
                parts.append(f"{first}年与{second}年相同（{diff.expression}）")
            else:
                more = "多" if diff.more else "少"
                parts.append(
                    f"{first}年比{second}年{more}{_amount(abs(diff.delta), diff.first.unit)}（{diff.expression}）"
                )
        else:
            gone = missing_sentence([f for f in figures if not f.ok], one_issuer=True, text_read=comparison.text_read)
            who = "" if found else issuer
            parts.append(f"{who}{gone}，无法计算两年之差" if gone else f"{who}无法计算两年之差")
        sentences.append("；".join(parts))
    return _answer(question, comparison, _close(sentences), citer)


def bodies_difference_answer(question: str, comparison: Comparison, first: str, second: str) -> Answer:
    """Two bodies: each figure (its year named) and ``A比B多3098件（3119-21=3098）``, or why it cannot be computed."""
    citer = Citer(comparison.cell.table)

    def figure(issuer: str) -> Figure | None:
        mine = comparison.of_issuer(issuer)
        return next((f for f in reversed(mine) if f.ok), mine[-1] if mine else None)

    a, b = figure(first), figure(second)
    figures = [f for f in (a, b) if f is not None]
    pieces = [f"{f.issuer}{f.when}{f.shown}{citer.marks(f)}" for f in figures if f.ok]
    parts = [f"{comparison.cell.label}：" + "，".join(pieces)] if pieces else []
    diff = difference(a, b) if a is not None and b is not None else None
    if diff is not None:
        if diff.delta == 0:
            parts.append(f"{first}与{second}相同（{diff.expression}）")
        else:
            more = "多" if diff.more else "少"
            parts.append(f"{first}比{second}{more}{_amount(abs(diff.delta), diff.first.unit)}（{diff.expression}）")
        if a is not None and b is not None and a.year != b.year:
            parts.append("注意两者年度不同")
    else:
        gone = missing_sentence([f for f in figures if not f.ok], one_issuer=False, text_read=comparison.text_read)
        parts.append(f"{gone}，无法计算两者之差" if gone else "无法计算两者之差")
    return _answer(question, comparison, _close(["；".join(parts)]), citer)


def _step(diff: Difference) -> str:
    """``2022年比2021年少2件（3-1=2）`` (``…持平`` when equal)."""
    first, second = diff.first.when, diff.second.when
    if diff.delta == 0:
        return f"{first}与{second}持平（{diff.expression}）"
    more = "多" if diff.more else "少"
    return f"{first}比{second}{more}{_amount(abs(diff.delta), diff.first.unit)}（{diff.expression}）"


def _amount(value: float, unit: str) -> str:
    return f"{format_value(value)}{unit}"


def ranking_answer(question: str, comparison: Comparison, *, most: bool = True, scope: str = "") -> Answer:
    """``2023年{label}最多的是X（N件）[1]，其次是Y（M件）[2]、Z（K件）[3]。`` then what is missing.

    ``scope`` names what was ranked (``2023年``, ``淮安市各区县2023年``); ties share a place.
    """
    citer = Citer(comparison.cell.table)
    ranked = ranking(comparison.figures, most=most)
    by_year = len(comparison.issuers) == 1 and len(comparison.years) > 1
    mixed_years = not by_year and len({f.year for _, f in ranked}) > 1  # bodies' latest reports differ in year

    def name(f: Figure) -> str:
        if by_year:
            return f.when
        return f"{f.issuer}{f.when}" if mixed_years else f.issuer

    word = "最多" if most else "最少"
    if comparison.cell.unit.endswith("元"):
        word = "最高" if most else "最低"
    sentences: list[str] = []
    if ranked:
        top = [f for rank, f in ranked if rank == 1]
        rest = [f for rank, f in ranked if rank > 1][: max(0, MAX_RANKED - len(top))]
        if len(ranked) == 1:
            only = ranked[0][1]
            sentences.append(
                f"{scope}只有{name(only)}的报告有{comparison.cell.label}数据：{only.shown}{citer.marks(only)}"
            )
            sentences.append(
                missing_sentence(
                    comparison.missing, one_issuer=by_year, one_year=not by_year, text_read=comparison.text_read
                )
            )
            return _answer(question, comparison, _close(sentences), citer)
        if len(top) == 1:
            head = f"{name(top[0])}（{top[0].shown}）{citer.marks(top[0])}"
        else:
            head = "、".join(f"{name(f)}{citer.marks(f)}" for f in top) + f"（均为{top[0].shown}）"
        sentence = f"{scope}{comparison.cell.label}{word}的是{head}"
        if rest:
            sentence += "，其次是" + "、".join(f"{name(f)}（{f.shown}）{citer.marks(f)}" for f in rest)
        if len(top) + len(rest) < len(ranked):
            sentence += "，其余从略"
        sentences.append(sentence)
    sentences.append(
        missing_sentence(comparison.missing, one_issuer=by_year, one_year=not by_year, text_read=comparison.text_read)
    )
    return _answer(question, comparison, _close(sentences), citer)


def answer_comparison(question: str, request: ComparisonRequest, comparison: Comparison) -> Answer:
    """The answer the request's shape calls for (ranking, difference or series)."""
    if request.shape == Shape.RANKING:
        answer = ranking_answer(question, comparison, most=request.most, scope=request.scope_words)
    elif request.shape == Shape.DIFFERENCE:
        answer = difference_answer(question, comparison, *request.years[:2])
    elif request.shape == Shape.BODIES_DIFFERENCE:
        answer = bodies_difference_answer(question, comparison, *request.issuers[:2])
    else:
        answer = series_answer(question, comparison, changes=request.changes)
    answer.notes.extend(request.notes)
    if request.notes and not answer.abstained:
        answer.answer += "（" + "；".join(request.notes) + "）"
    return answer
