"""The extractive answerer: rank every candidate value of the reports in scope against each target, state the best.

For each report in scope (the analysis's reports, else the reports retrieval ranks first) the
candidates (:mod:`assistant.answer.candidates`) and the template slot each target names
(:mod:`assistant.answer.cells`) are scored by :func:`assistant.answer.rank.score`; the report
whose values answer the targets best gives the answer, one statement per target
(:mod:`assistant.answer.compose`). A table answer the prose states too cites both; a 0 in the
table that the prose says in words ("未收到") is said in the report's words. Nothing clears the
floor: the answer is an abstention.

Across reports ("2021年到2023年…的变化", "哪些单位收取了信息处理费") the same ranking runs per
report and the answer lists one value per report.
One module because single-report, across-report and yes/no answers share the choice of report and
the statement of a value; apart they would each need the other's private steps.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answer.base import AnswerContext
from assistant.answer.candidates import SUBSTANTIVE, Candidate, ReportValues, VType
from assistant.answer.cells import slot_candidate
from assistant.answer.compose import Citer, Statement, section_title, statement
from assistant.answer.rank import Scored, content_weight, score
from assistant.answer.sections import find_section, problem_items, section_summary
from assistant.compare.core import ReportRef, Stated
from assistant.compare.source import answer_request
from assistant.query import CONTACT_KINDS, DATE_KINDS, QueryAnalysis, Target
from assistant.types import Answer, AnswerKind, AnswerMethod, Passage
from index.tables.model import Fact, format_value
from index.text.dates import to_iso

K = AnswerKind
MAX_REPORTS = 4  # reports of one scope compared for a single-body question
PUBLISH_AGREEMENT = 1.5  # a date the catalogue also holds as the publish date


@dataclass
class Choice:
    """The best value for one target in one report, and what backs it besides."""

    target: Target
    best: Scored
    extra: list[Candidate]


# ---------------------------------------------------------------- scope


def scope_reports(analysis: QueryAnalysis, passages: Sequence[Passage], ctx: AnswerContext) -> list[str]:
    """Reports to answer from, best first: the analysis's, ordered by retrieval; else retrieval's."""
    retrieved = list(dict.fromkeys(p.report_id for p in passages))
    known = ctx.by_id  # the snapshot's lookup: no per-question pass over every report
    if analysis.report_ids:
        ids = [i for i in analysis.report_ids if i in known]
        ranked = [i for i in retrieved if i in ids] + [i for i in ids if i not in retrieved]
        return ranked
    return [i for i in retrieved if i in known][:3]


def _retrieval_ranks(passages: Sequence[Passage]) -> dict[str, list[tuple[int, int, int]]]:
    out: dict[str, list[tuple[int, int, int]]] = {}
    for rank, p in enumerate(passages):
        out.setdefault(p.report_id, []).append((p.start, p.end, rank))
    return out


def _rank_of(spans: Sequence[tuple[int, int, int]], offset: int) -> int | None:
    for start, end, rank in spans:
        if start <= offset < end:
            return rank
    return None


# ---------------------------------------------------------------- one report


def allowed_numbers(analysis: QueryAnalysis) -> set[str]:
    return set(re.findall(r"\d+(?:\.\d+)?", analysis.folded))


def rank_targets(
    targets: Sequence[Target],
    values: ReportValues,
    facts: list[Fact],
    *,
    publish_iso: str | None = None,
    ranks: Sequence[tuple[int, int, int]] = (),
    retrieved: int = 8,
    report_rank: int = 0,
) -> list[Choice | None]:
    """The best candidate for each target in one report (None where nothing clears the floor).

    ``facts`` are the report's table facts (for the template slots targets name), ``publish_iso``
    its publish date as the catalogue holds it, ``ranks`` the (start, end, rank) of its retrieved
    passages.
    """
    out: list[Choice | None] = []
    for target in targets:
        scored: list[Scored] = []
        total = content_weight(target, values.vocabulary)
        slot = slot_candidate(values.report_id, target.cell, facts) if target.cell else None
        if slot is not None:
            s = score(target, slot, report_rank=report_rank, template=True, total=total)
            if s is not None:
                scored.append(s)
        for cand in values.candidates:
            if not SUBSTANTIVE.search(cand.value):
                continue  # an empty value ("地址是。") is no answer: the target is left unanswered
            s = score(
                target,
                cand,
                retrieval_rank=_rank_of(ranks, cand.orig) if ranks else None,
                retrieved=retrieved,
                report_rank=report_rank,
                total=total,
            )
            if s is None:
                continue
            if cand.vtype == VType.DATE and publish_iso and to_iso(cand.value) == publish_iso:
                s.score += PUBLISH_AGREEMENT
            scored.append(s)
        if any(s.units == 1.0 for s in scored):  # a value in the unit asked beats one in a near unit
            scored = [s for s in scored if s.units == 1.0]
        if not scored:
            out.append(None)
            continue
        scored.sort(key=lambda s: (-s.score, s.cand.pos))
        best = scored[0]
        if target.wants == "all":  # "留了哪几个电话": every value of the kind listed with the best one
            listed = [
                s.cand
                for s in scored[1:]
                if s.cand.vtype == best.cand.vtype and (s.cand.start, s.cand.end) == (best.cand.start, best.cand.end)
            ]
            out.append(Choice(target, best, sorted(listed, key=lambda c: c.pos)))
            continue
        out.append(Choice(target, best, _support(best, scored[1:])))
    return out


def _rank_in(
    targets: Sequence[Target],
    values: ReportValues,
    ctx: AnswerContext,
    ranks: list[tuple[int, int, int]],
    retrieved: int,
    report_rank: int,
) -> list[Choice | None]:
    facts = ctx.facts(values.report_id) if any(t.cell for t in targets) else []
    record = ctx.record(values.report_id)
    return rank_targets(
        targets,
        values,
        facts,
        publish_iso=record.publish_date if record else None,
        ranks=ranks,
        retrieved=retrieved,
        report_rank=report_rank,
    )


def _support(best: Scored, others: list[Scored]) -> list[Candidate]:
    """The prose stating a table value too (cited first), or the table row behind a prose value."""
    c = best.cand
    if c.number is None and c.vtype != VType.NEGATIVE:
        return []
    for other in others:
        o = other.cand
        if o.report_id != c.report_id or (o.start, o.end, o.vtype) == (c.start, c.end, c.vtype):
            continue
        near = other.coverage >= 0.5 or (o.start < c.end and c.start < o.end)
        if c.vtype == VType.CELL and o.vtype == VType.NUMBER and o.number == c.number and near:
            return [o]
        if c.vtype == VType.CELL and c.number == 0 and o.vtype == VType.NEGATIVE and near:
            return [o]
        same = o.number == c.number or (c.vtype == VType.NEGATIVE and o.number == 0)
        if c.vtype in (VType.NUMBER, VType.NEGATIVE) and o.vtype == VType.CELL and o.role == "template" and same:
            return [o]
    return []


def best_report(
    analysis: QueryAnalysis, ids: list[str], passages: Sequence[Passage], ctx: AnswerContext
) -> tuple[ReportValues, list[Choice | None]] | None:
    """The report whose values answer the targets best (more targets answered first, then the scores)."""
    ranks = _retrieval_ranks(passages)
    best: tuple[tuple[int, float], ReportValues, list[Choice | None]] | None = None
    for report_rank, report_id in enumerate(ids[:MAX_REPORTS]):
        values = ctx.values(report_id)
        if values is None:
            continue
        choices = _rank_in(analysis.targets, values, ctx, ranks.get(report_id, []), len(passages), report_rank)
        answered = [c for c in choices if c is not None]
        if not answered:
            continue
        key = (len(answered), sum(c.best.score for c in answered))
        if best is None or key > best[0]:
            best = (key, values, choices)
    return (best[1], best[2]) if best else None


# ---------------------------------------------------------------- composing


def _subject(
    ctx: AnswerContext, report_id: str, analysis: QueryAnalysis, *, report: bool = False
) -> tuple[str, str | None, int | None]:
    """``常州市机关事务管理局2021年`` (``…2021年度报告中，`` with ``report``), the issuer and the year."""
    record = ctx.record(report_id)
    issuer = record.issuer if record else None
    year = record.year if record and record.year else analysis.year
    name = issuer or ""  # an unnamed body is left unnamed (the citation names the file)
    if report:
        return (f"{name}{year}年度报告中，" if year else f"{name or '该'}报告中，"), issuer, year
    return (f"{name}{year}年" if year else name), issuer, year


def _cite(citer: Citer, ctx: AnswerContext, values: ReportValues, spans: list[tuple[str, int, int]]) -> str:
    marks = []
    for report_id, start, end in spans:
        record = ctx.record(report_id)
        if record is None:
            continue
        text = ctx.texts.text(report_id)
        other = values if report_id == values.report_id else ctx.values(report_id)
        section = section_title(other.sections, start) if other else ""
        marks.append(
            citer.mark(
                report_id,
                start,
                end,
                text=text,
                source=record.source,
                issuer=record.issuer,
                year=record.year,
                section=section,
            )
        )
    return "".join(dict.fromkeys(marks))


def compose_answer(
    analysis: QueryAnalysis, values: ReportValues, choices: list[Choice | None], ctx: AnswerContext
) -> Answer:
    contact_or_date = analysis.kind in CONTACT_KINDS or analysis.kind in DATE_KINDS
    subject, issuer, year = _subject(ctx, values.report_id, analysis, report=contact_or_date)
    allowed = allowed_numbers(analysis)
    citer = Citer()
    pieces: list[str] = []
    marks: list[str] = []
    said: dict[tuple[int, int, str], str] = {}
    zero_flags: list[bool] = []
    for choice in choices:
        if choice is None:
            continue
        c = choice.best.cand
        key = (c.start, c.end, c.value)
        if key in said:
            continue  # two targets answered by one value ("通过微信、微博…"): say it once
        st: Statement = statement(choice.target, c, allowed, choice.extra)
        marks.append(_cite(citer, ctx, values, st.spans))
        said[key] = st.text
        pieces.append(st.text)
        zero_flags.append(st.zero)
    missing = [t for t, c in zip(analysis.targets, choices) if c is None]
    # one sentence, its markers at the end ("予以公开2件，部分公开2件[1][2]。")
    ending = "".join(dict.fromkeys("".join(marks).replace("][", "]\0[").split("\0"))) + "。"
    if contact_or_date:
        text = subject + "，".join(pieces) + ending
    else:
        prefix = ""
        if analysis.yes_no and len(pieces) == 1 and analysis.kind in (K.COUNT, K.FEE):
            prefix = "没有。" if zero_flags[0] else "有。"
        text = prefix + subject + "，".join(pieces) + ending
    if missing and pieces:
        text += "报告中没有找到" + "、".join(t.content or "其余数值" for t in missing) + "。"
    return Answer(
        question=analysis.question,
        answer=text,
        abstained=False,
        citations=citer.citations,
        kind=analysis.kind,
        issuer=issuer,
        year=year,
        method=AnswerMethod.EXTRACTIVE,
    )


# ---------------------------------------------------------------- sections 五 and 六


def _section_text(values: ReportValues, ctx: AnswerContext, *, problems: bool) -> tuple[int, str, str] | None:
    """(search-form offset, search-form text, title) of section 五 (``problems``) or 六.

    A parsed section whose title says so first, then the section's heading found in the text, then
    the section the parser keyed 五/六 whatever its title.
    """
    _, form = ctx.texts.get(values.report_id)
    title_words, key = (r"问题|不足", "五") if problems else (r"其他需要|其他事项", "六")

    def cut(start: int, end: int, title: str) -> tuple[int, str, str]:
        a, b = form.search_offset(start), form.search_offset(end)
        return a, form.text[a:b], title

    for _, title, start, end in values.sections:
        if title and re.search(title_words, title):
            return cut(start, end, title)
    found = find_section(form.text, problems=problems)
    if found is not None:
        return found
    for k, title, start, end in values.sections:
        if k == key:
            return cut(start, end, title)
    return None


def section_answer(analysis: QueryAnalysis, ids: list[str], ctx: AnswerContext) -> Answer | None:
    """Problems (五) or other matters (六) of the best report in scope that has the section."""
    problem = analysis.kind == K.PROBLEM
    for report_id in ids[:MAX_REPORTS]:
        values = ctx.values(report_id)
        if values is None:
            continue
        found = _section_text(values, ctx, problems=problem)
        if found is None:
            continue
        offset, text, title = found
        spans = problem_items(text, title) if problem else [s for s in [section_summary(text, title)] if s]
        if not spans:
            continue
        _, form = ctx.texts.get(report_id)
        citer = Citer()
        items = []
        for start, end, words in spans:
            o_start, o_end = form.original_span(offset + start, offset + max(end, start + 1))
            marks = _cite(citer, ctx, values, [(report_id, o_start, o_end)])
            items.append(words + marks)
        subject, issuer, year = _subject(ctx, report_id, analysis)
        head = "存在的主要问题" if problem else "其他需要报告的事项"
        return Answer(
            analysis.question,
            f"据{subject}报告，{head}：" + "；".join(items) + "。",
            False,
            citer.citations,
            kind=analysis.kind,
            issuer=issuer,
            year=year,
        )
    return None


# ---------------------------------------------------------------- across reports


def across_reports(
    analysis: QueryAnalysis, ids: list[str], passages: Sequence[Passage], ctx: AnswerContext
) -> Answer | None:
    """One value per report (by year), the change first -> last when asked; fees: who charged, who did not."""
    target = analysis.targets[0]
    ranks = _retrieval_ranks(passages)
    found: list[tuple[str, Choice]] = []
    silent: list[str] = []
    for report_id in ids:
        values = ctx.values(report_id)
        if values is None:
            continue
        choice = _rank_in([target], values, ctx, ranks.get(report_id, []), len(passages), 0)[0]
        if choice is None:
            silent.append(report_id)
        else:
            found.append((report_id, choice))
    if not found:
        return None

    def order(item: tuple[str, Choice]) -> tuple[int, str]:
        record = ctx.record(item[0])
        return ((record.year or 0) if record else 0, (record.issuer or "") if record else "")

    found.sort(key=order)
    records = [ctx.record(i) for i, _ in found]
    issuers = {r.issuer if r is not None else None for r in records}
    one_issuer = len(issuers) == 1
    allowed = allowed_numbers(analysis)
    citer = Citer()
    pieces = []
    for report_id, choice in found:
        values = ctx.values(report_id)
        assert values is not None
        subject, _, year = _subject(ctx, report_id, analysis)
        st = statement(choice.target, choice.best.cand, allowed, choice.extra)
        who = f"{year}年" if one_issuer and year else subject
        pieces.append(f"{who}{st.text}{_cite(citer, ctx, values, st.spans)}")
    name = next(iter(issuers)) if one_issuer else None
    text = (f"{name}：" if name else "") + "；".join(pieces) + "。"
    numbers = [c.best.cand.number for _, c in found]
    if analysis.change and len(found) >= 2 and numbers[0] is not None and numbers[-1] is not None:
        delta = numbers[-1] - numbers[0]
        unit = found[0][1].best.cand.unit or ""
        if delta == 0:
            text += "前后没有变化。"
        else:
            text += f"前后{'增加' if delta > 0 else '减少'}了{format_value(abs(delta))}{unit}。"
    if silent and analysis.every_body:
        names = [(_subject(ctx, i, analysis)[0]) for i in silent]
        text += "报告中未见相关数据的有：" + "、".join(names) + "。"
    return Answer(
        analysis.question,
        text,
        False,
        citer.citations,
        kind=analysis.kind,
        issuer=name,
        method=AnswerMethod.EXTRACTIVE,
    )


# ---------------------------------------------------------------- the answerer


def abstain_text(analysis: QueryAnalysis, available_years: list[int], issuers: list[str]) -> str:
    """Why there is no answer, in words a citizen understands."""
    if analysis.unknown_mentions:
        named = "、".join(analysis.unknown_mentions)
        return f"已索引的报告中没有{named}的政府信息公开年度报告，无法回答这个问题。"
    if analysis.missing_year:
        years = "、".join(str(y) for y in sorted(set(available_years))) or "其他年份"
        who = "、".join(issuers) or "该单位"
        return f"已索引{who}的报告，但没有{analysis.year}年的报告（已有：{years}年），无法回答。"
    return "已索引的报告中没有找到这个问题的答案。以下是最接近的段落，供参考。"


def _abstain(analysis: QueryAnalysis, passages: Sequence[Passage]) -> Answer:
    return Answer(analysis.question, "", True, passages=list(passages[:3]), kind=analysis.kind, year=analysis.year)


def comparison_answer(analysis: QueryAnalysis, passages: list[Passage], ctx: AnswerContext) -> Answer:
    """A comparison across years or bodies (:mod:`assistant.compare`): figures from the table facts, or from
    the text where a report's tables lack the cell; one citation per report, the arithmetic shown."""
    request = analysis.comparison
    assert request is not None
    target = request.target

    def stated(ref: ReportRef) -> Stated | None:
        values = ctx.values(ref.report_id)
        if target is None or values is None:
            return None
        choice = _rank_in([target], values, ctx, [], len(passages), 0)[0]
        cand = choice.best.cand if choice is not None else None
        if cand is None or cand.vtype not in (VType.NUMBER, VType.NEGATIVE):
            return None
        if cand.vtype == VType.NEGATIVE:
            return Stated(0.0, cand.start, cand.end, none=True)
        if cand.number is None or (cand.unit or target.unit or request.cell.unit) != request.cell.unit:
            return None
        return Stated(cand.number, cand.start, cand.end)

    answer = answer_request(
        analysis.question,
        request,
        ctx.catalogue,
        ctx.by_id,
        lambda report_id: ctx.texts.get(report_id)[0],
        stated,
    )
    answer.passages = list(passages)
    return answer


def values_in_scope(analysis: QueryAnalysis) -> bool:
    """The question asks for typed values (not free text) of reports it names: the answerer reads
    every value of those reports, so retrieval only breaks ties (see :func:`rank_targets`)."""
    return bool(analysis.report_ids and analysis.targets) and all(t.kind != K.GENERAL for t in analysis.targets)


def answer_extractive(analysis: QueryAnalysis, passages: list[Passage], ctx: AnswerContext) -> Answer:
    """The extractive answerer (:class:`~assistant.answer.base.Answerer`): it always answers or abstains."""
    if analysis.comparison is not None and not analysis.unknown_mentions:
        return comparison_answer(analysis, passages, ctx)
    if analysis.unknown_mentions or analysis.missing_year or not analysis.targets:
        return _abstain(analysis, passages)
    ids = scope_reports(analysis, passages, ctx)
    if not ids:
        return _abstain(analysis, passages)
    answer: Answer | None
    if analysis.across_reports:
        answer = across_reports(analysis, ids, passages, ctx)
    elif analysis.kind in (K.PROBLEM, K.OTHER_SECTION):
        answer = section_answer(analysis, ids, ctx)
    else:
        chosen = best_report(analysis, ids, passages, ctx)
        answer = compose_answer(analysis, *chosen, ctx) if chosen else None
    if answer is None:
        return _abstain(analysis, passages)
    answer.passages = list(passages)
    return answer
