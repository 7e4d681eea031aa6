"""The extractive answerer over passages: the exact value, a short simplified-Chinese sentence
naming issuer and year, and numbered citations — or a plain abstention."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answer.base import AnswerContext
from assistant.answer.contacts import (
    find_address,
    find_date,
    find_email,
    find_fax,
    find_period,
    find_phone,
    find_postcode,
    find_website,
)
from assistant.answer.counts import find_admin_fee, find_best_clause, find_count, find_fee, find_problem
from assistant.answer.values import Found, topic_terms
from assistant.cite import ReportTexts, make_citation
from assistant.query import QueryAnalysis, issuer_aliases, place_mentions
from assistant.types import Answer, AnswerKind, Citation, Passage
from index.tables.labels import T2_FEES
from index.text.clauses import sentence_bounds

K = AnswerKind
LABELS = {
    K.PHONE: "联系电话",
    K.FAX: "传真号码",
    K.POSTCODE: "邮政编码",
    K.EMAIL: "电子邮箱",
    K.ADDRESS: "地址",
}


@dataclass
class Part:
    """One value of the answer and where it came from."""

    label: AnswerKind
    value: str
    found: Found
    clause: bool = False  # value is a whole clause (quoted as a statement) rather than a bare value


def subject(passage: Passage, analysis: QueryAnalysis) -> str:
    issuer = passage.issuer or f"《{passage.source}》"
    year = passage.year or analysis.year
    return f"{issuer}{year}年度" if year else issuer


def exclusions(passages: list[Passage], analysis: QueryAnalysis) -> list[str]:
    """Words naming the issuer (they are not the topic of the question)."""
    words: list[str] = []
    for mention in place_mentions(analysis.folded):
        words.append(mention)
        # the body named after the place: 瓯海区审计局 -> 审计局
        m = re.search(
            re.escape(mention) + r"([\u4e00-\u9fff]{1,8}?(?:局|厅|委员会|委|部|办公室|办事处|政府))", analysis.folded
        )
        if m:
            words.append(m.group(1))
    for issuer in {p.issuer for p in passages if p.issuer} | set(analysis.issuers):
        places, body = issuer_aliases(issuer)
        words.append(issuer)
        words.extend(places)
        words.extend(f"{pl}市" for pl in places)
        words.extend(f"{pl}区" for pl in places)
        words.extend(f"{pl}县" for pl in places)
        if body:
            words.extend([body, body.replace("人民", "")])
    return words


def extract_parts(analysis: QueryAnalysis, passages: list[Passage], publish_dates: dict[str, str | None]) -> list[Part]:
    """The values the question asks for, found in ``passages`` (best first)."""
    terms = topic_terms(analysis.folded, exclusions(passages, analysis))
    parts: list[Part] = []
    for kind in analysis.kinds:
        found: Found | None = None
        clause = False
        if kind == K.PHONE:
            found = find_phone(passages)
        elif kind == K.FAX:
            found = find_fax(passages)
        elif kind == K.POSTCODE:
            found = find_postcode(passages)
        elif kind == K.EMAIL:
            found = find_email(passages)
        elif kind == K.ADDRESS:
            found = find_address(passages)
        elif kind == K.WEBSITE:
            found, clause = find_website(passages, terms), True
        elif kind == K.PERIOD:
            found = find_period(passages)
        elif kind == K.DATE:
            iso = publish_dates.get(passages[0].report_id) if passages else None
            found = find_date(passages, iso)
        elif kind == K.FEE:
            if T2_FEES in analysis.folded:
                found = find_admin_fee(passages)
            else:
                found = find_fee(passages, terms)
                clause = True
        elif kind == K.PROBLEM:
            for f in find_problem(passages):
                parts.append(Part(K.PROBLEM, f.value, f, clause=True))
            continue
        elif kind == K.COUNT:
            found = find_count(passages, terms, analysis.folded)
            clause = True
        else:
            found = find_best_clause(passages, terms, analysis.folded)
            clause = True
        if found is not None:
            parts.append(Part(kind, found.value, found, clause))
    return parts


def compose(analysis: QueryAnalysis, parts: list[Part], texts: ReportTexts) -> tuple[str, list[Citation]]:
    """The answer sentence with [n] markers, and its citations (one per cited span)."""
    citations: list[Citation] = []
    spans: dict[tuple[str, int, int], int] = {}

    def cite(found: Found) -> str:
        text = found.passage.search_text
        start, end = found.start, found.end
        if not found.passage.search_text[start:end].strip():
            start, end = 0, len(text)
        c_start, c_end = sentence_bounds(text, start, end) if end - start < 12 else (start, end)
        if c_end - c_start > 160:
            c_start, c_end = start, end
        key = (found.passage.chunk_id, c_start, c_end)
        if key not in spans:
            n = len(citations) + 1
            citations.append(make_citation(texts, n, found.passage, c_start, c_end))
            spans[key] = n
        return f"[{spans[key]}]"

    first = parts[0].found.passage
    who = subject(first, analysis)
    pieces: list[str] = []
    for part in parts:
        marker = cite(part.found)
        if part.label in LABELS:
            pieces.append(f"{LABELS[part.label]}是{part.value}{marker}")
        elif part.label == K.DATE:
            pieces.append(f"报告的发布日期是{part.value}{marker}")
        elif part.label == K.PERIOD:
            pieces.append(f"报告的统计期限是{part.value}{marker}")
        elif part.label == K.WEBSITE:
            pieces.append(f"{part.value}{marker}")
        elif part.label == K.FEE and not part.clause:
            pieces.append(f"行政事业性收费金额是{part.value}{marker}")
        elif part.label == K.PROBLEM:
            pieces.append(f"{part.value}{marker}")
        else:
            clause = part.found.clause or part.found.passage.search_text[part.found.start : part.found.end]
            clause = _tidy(clause)
            if part.label in (K.COUNT, K.FEE) and part.value and part.value not in clause:
                clause = f"{part.value}（{clause}）"
            pieces.append(f"{clause}{marker}")
    if parts[0].label == K.PROBLEM:
        answer = f"据{who}报告，存在的主要问题：" + "；".join(pieces) + "。"
    elif all(p.label in LABELS or p.label in (K.DATE, K.PERIOD) for p in parts):
        answer = f"{who}报告中，" + "，".join(pieces) + "。"
    else:
        answer = f"据{who}报告：" + "；".join(pieces) + "。"
    return answer, citations


def _tidy(text: str) -> str:
    text = re.sub(r"\s*\|\s*", " ", text).strip(" ,，;；、:：")
    return re.sub(r"\s+", " ", text)


def abstain_text(analysis: QueryAnalysis, available_years: list[int], issuers: list[str]) -> str:
    if analysis.unknown_mentions:
        named = "、".join(analysis.unknown_mentions)
        return f"已索引的报告中没有{named}的政府信息公开年度报告，无法回答这个问题。"
    if analysis.missing_year:
        years = "、".join(str(y) for y in sorted(set(available_years))) or "其他年份"
        who = "、".join(issuers) or "该单位"
        return f"已索引{who}的报告，但没有{analysis.year}年的报告（已有：{years}年），无法回答。"
    return "已索引的报告中没有找到这个问题的答案。以下是最接近的段落，供参考。"


def make_answer(
    analysis: QueryAnalysis,
    passages: list[Passage],
    texts: ReportTexts,
    publish_dates: dict[str, str | None],
) -> Answer:
    """Answer from ``passages`` or abstain (no value is ever taken from another issuer's report)."""
    if analysis.unknown_mentions or analysis.missing_year or not passages:
        return Answer(analysis.question, "", True, passages=passages[:3], kind=analysis.kind, year=analysis.year)
    # Values are never mixed across reports: answer from one report, best-ranked first.
    parts: list[Part] = []
    for report_id in list(dict.fromkeys(p.report_id for p in passages))[:3]:
        scoped = [p for p in passages if p.report_id == report_id]
        parts = extract_parts(analysis, scoped, publish_dates)
        if parts or analysis.report_ids:
            break
    if not parts:
        return Answer(analysis.question, "", True, passages=passages[:3], kind=analysis.kind, year=analysis.year)
    text, citations = compose(analysis, parts, texts)
    first = parts[0].found.passage
    return Answer(
        analysis.question,
        text,
        False,
        citations,
        passages=passages,
        kind=analysis.kind,
        issuer=first.issuer,
        year=first.year,
    )


def answer_from_text(analysis: QueryAnalysis, passages: list[Passage], ctx: AnswerContext) -> Answer:
    """The text answerer (:class:`~assistant.answer.base.Answerer`): it always answers or abstains."""
    return make_answer(analysis, passages, ctx.texts, ctx.publish_dates)
