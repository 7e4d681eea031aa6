"""Counts, fees, problems and the best supporting clause: values that come with the clause stating them."""

from __future__ import annotations

import re

from assistant.answer.values import (
    CN_NUM,
    Found,
    after_focus,
    focus_terms,
    is_table_text,
    overlap,
    weight,
)
from assistant.types import Passage
from index.tables.fees import fee_in_clause
from index.text.clauses import SENTENCE_SPLIT, clauses, sentence_bounds

DOC_NUMBER = re.compile(r"([\u4e00-\u9fff]{1,12}[〔\[(]\d{4}[〕\])]\s*\d{1,4}\s*号)")
BOOK_TITLE = re.compile(r"(《[^《》]{2,60}》)")
UNITS = "|".join(
    sorted(
        "条 件 次 场 个 项 篇 期 份 人次 万人次 名 人 家 批 部 件次 万条 万件 元 万元 亿元 % 个百分点 分 天 个工作日 部分 余条 余件 余次 余篇 余项 余个".split(),
        key=len,
        reverse=True,
    )
)
COUNT_VALUE = re.compile(
    r"((?:\d+(?:\.\d+)?|[" + CN_NUM + r"]+)\s*(?:万|亿)?\s*(?:余|多)?\s*(?:" + UNITS + r"))"
    r"|(第[" + CN_NUM + r"\d]+(?:名|位)?)"
)
BARE_TABLE_NUMBER = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?![\d.])")
NEGATIVE = re.compile(
    r"(未(?:收到|发生|制发|产生|收取|出现|受理)[^,;。]*|没有(?:收到|发生|产生)?[^,;。]*|无[^,;。]{0,8}(?:申请|结转|复议|诉讼|收费)|零(?:申请|收费))"
)
PROBLEM_CUES = re.compile(r"存在|不足|问题|仍需|有待|不够|偏少|不高|不强|欠缺|短板|差距|一是|薄弱|滞后|不到位|不平衡")
QUESTION_UNIT = re.compile(r"(?:多少|几)\s*(条|件|次|场|个|项|篇|期|份|名|人次|家|批|部分|元|万元)")
UNIT_EQUIVALENTS = {"件": {"件", "份"}, "份": {"件", "份"}, "条": {"条"}, "个": {"个"}}
OUTLINE_VALUE = re.compile(r"^[" + CN_NUM + r"\d]+(?:个)?部分$")


def _value_unit(value: str) -> str:
    v = re.sub(r"^[\d.\s" + CN_NUM + r"]+", "", value).strip()
    return re.sub(r"^(?:万|亿)?\s*(?:余|多)?", "", v) or v


def _unit_ok(value: str, wanted: str | None) -> bool:
    if not wanted:
        return True
    unit = _value_unit(value)
    return unit in UNIT_EQUIVALENTS.get(wanted, {wanted}) or unit.endswith(wanted)


def find_count(passages: list[Passage], terms: list[str], question: str) -> Found | None:
    """The clause that best matches the question's topic and holds a count (or says there was none).

    A clause is scored by the topic words it holds, plus half the weight of those only found
    earlier in its sentence ("政府信息公开行政复议351件,其中…,结果纠正64件"). When the question
    names a unit ("多少件"), the value must carry it; outline counts ("六个部分") never answer.
    """
    unit_m = QUESTION_UNIT.search(question)
    wanted_unit = unit_m.group(1) if unit_m else None
    wants_percent = bool(re.search(r"率|比例|占比|百分", question))
    asks_yes_no = bool(re.search(r"有没有|是否|了吗|有无", question))
    focus = focus_terms(question, terms)
    total = sum(weight(t) for t in terms) or 1.0
    best: Found | None = None
    best_key: tuple[int, list[tuple[int, int]], str] | None = None
    for rank, p in enumerate(passages):
        text = p.search_text
        spans = clauses(text)
        for ci, (cs, ce) in enumerate(spans):
            clause = text[cs:ce]
            s_start, s_end = sentence_bounds(text, cs, ce)
            context = text[s_start:cs] + " " + text[ce:s_end]
            own = overlap(terms, clause)
            matched = own + 0.5 * overlap([t for t in terms if t not in clause], context)
            cov = matched / total
            if cov < 0.5 or own == 0:
                continue
            if focus and not any(t in clause or t in context for t in focus):
                continue
            values = [
                m
                for m in COUNT_VALUE.finditer(clause)
                if not OUTLINE_VALUE.match(m.group(0).strip()) or "部分" in question
            ]
            values = [m for m in values if _unit_ok(m.group(0), wanted_unit) or (wants_percent and "%" in m.group(0))]
            negative = NEGATIVE.search(clause)
            score = cov * 10 - rank * 0.3 + 1.5 * sum(1 for t in focus if t in clause)
            if values:
                chosen = _closest_value(values, clause, terms, wanted_unit, wants_percent)
                value_text = chosen.group(0).strip()
                if wants_percent and "%" in value_text:
                    score += 3
            elif negative:
                value_text = negative.group(0)
                score += 0.5 if asks_yes_no or "收到" in question else 0
            elif is_table_text(text[cs : min(len(text), ce + 40)]):
                # a pipe table row: label | n | n ...; the first number after the label
                tail = text[cs : min(len(text), ce + 40)]
                m = BARE_TABLE_NUMBER.search(tail, len(clause) - len(clause.lstrip()))
                if not m:
                    continue
                value_text = m.group(1) + (wanted_unit or "")
                ce = cs + max(m.end(), len(clause))
                score -= 0.5
            else:
                continue
            if best is None or score > best.score:
                best = Found(p, cs, ce, value_text, score)
                best_key = (ci, spans, text)
    if best is None or best_key is None:
        return None
    # join neighbouring clauses of the same sentence that answer too ("政策性文件36件,政策解读36条")
    ci, spans, text = best_key
    start, end = best.start, best.end
    for step in (-1, 1):
        j = ci + step
        if 0 <= j < len(spans):
            ns, ne = spans[j]
            neighbour = text[ns:ne]
            joined = (step < 0 and text[ne:start].strip() in (",", "，", "、")) or (
                step > 0 and text[end:ns].strip() in (",", "，", "、")
            )
            if joined and COUNT_VALUE.search(neighbour) and overlap(terms, neighbour) > 0:
                start, end = (ns, end) if step < 0 else (start, ne)
    best.start, best.end = start, end
    best.clause = text[start:end].strip()
    return best


def _closest_value(
    values: list[re.Match[str]], clause: str, terms: list[str], unit: str | None, wants_percent: bool
) -> re.Match[str]:
    """The value right after the last topic word, preferring the question's unit."""
    positions = [clause.rfind(t) + len(t) for t in terms if t in clause]
    anchor = max(positions) if positions else 0

    def key(m: re.Match[str]) -> tuple[int, int, int]:
        unit_ok = 0 if (unit and m.group(0).strip().endswith(unit)) or (wants_percent and "%" in m.group(0)) else 1
        after = 0 if m.start() >= anchor - 1 else 1
        return (after, unit_ok, abs(m.start() - anchor))

    return min(values, key=key)


def find_fee(passages: list[Passage], terms: list[str]) -> Found | None:
    """信息处理费 charged to applicants: an amount in 元, or a statement that nothing was charged."""
    best: Found | None = None
    for rank, p in enumerate(passages):
        text = p.search_text
        for cs, ce in clauses(text):
            clause = text[cs:ce]
            value = fee_in_clause(clause)  # never 行政事业性收费, the body's fee income (表二)
            if value is None:
                continue
            score = 2.0 * ("信息处理费" in clause) + overlap(terms, clause) - 0.2 * rank
            if best is None or score > best.score:
                best = Found(p, cs, ce, value, score, clause.strip())
    return best


def find_admin_fee(passages: list[Passage]) -> Found | None:
    """行政事业性收费 (表二): the amount in 万元 on the table row."""
    for p in passages:
        text = p.search_text
        for m in re.finditer(r"行政事业性收费", text):
            tail = text[m.end() : m.end() + 40]
            n = BARE_TABLE_NUMBER.search(tail)
            if n and not re.match(r"\s*[年月日]", tail[n.end() :]):
                return Found(p, m.start(), m.end() + n.end(), n.group(1) + "万元")
    return None


def find_problem(passages: list[Passage]) -> list[Found]:
    """Up to two sentences that state problems (section 五 first)."""
    ranked = sorted(
        range(len(passages)),
        key=lambda i: (0 if re.search(r"问题|改进", passages[i].section) else 1, i),
    )
    out: list[Found] = []
    for i in ranked:
        p = passages[i]
        if not re.search(r"问题|改进|五", p.section):
            continue
        text = p.search_text
        pos = 0
        for m in SENTENCE_SPLIT.finditer(text + "\n"):
            sentence = text[pos : m.start()]
            start = pos
            pos = m.end()
            if len(sentence) < 8 or re.fullmatch(r"[\s(（]*[一二三四五六七八九十]+[)）、].{0,16}", sentence):
                continue
            if PROBLEM_CUES.search(sentence) and not re.match(r"\s*(?:下一步|今后|20\d\d年[,，]?(?:我|将))", sentence):
                out.append(Found(p, start, start + len(sentence), sentence.strip()))
                if len(out) >= 2:
                    return out
        if out:
            return out
    return out


DOCNUM_WORDS = ("文号", "字号", "文件", "发文")


def find_best_clause(passages: list[Passage], terms: list[str], question: str) -> Found | None:
    """For other questions: the clause that best covers the question's topic (and its focus word).

    Questions for a document number ("文号是什么") need a ``XX〔2021〕46号`` in or right after
    the clause; the words 文号/文件 themselves are not expected in the text.
    """
    wants_docnum = bool(re.search(r"文号|字号|发文", question))
    wants_title = bool(re.search(r"哪份|哪个文件|什么文件|通知|哪些.*规定|依据", question))
    if wants_docnum:
        terms = [t for t in terms if t not in DOCNUM_WORDS]
    focus = focus_terms(question, terms)
    asked_noun = after_focus(question, terms)
    total = sum(weight(t) for t in terms) or 1.0
    best: Found | None = None
    for rank, p in enumerate(passages):
        text = p.search_text
        spans = clauses(text)
        for cs, ce in spans:
            clause = text[cs:ce]
            s_start, s_end = sentence_bounds(text, cs, ce)
            context = text[s_start:cs] + " " + text[ce:s_end]
            own = overlap(terms, clause)
            cov = (own + 0.5 * overlap([t for t in terms if t not in clause], context)) / total
            if own == 0 or cov < (0.1 if wants_docnum else 0.34):
                continue
            if focus and not any(t in clause for t in focus):
                continue
            score = cov * 10 - rank * 0.3 + sum(1 for t in focus if t in clause)
            score += 1 if asked_noun and asked_noun in clause else 0
            end = ce
            if wants_docnum:
                window = text[cs : min(len(text), ce + 60)]
                m = DOC_NUMBER.search(window)
                if not m:
                    continue
                end = max(ce, cs + m.end())
                score += 2
            if wants_title and BOOK_TITLE.search(text[cs:end]):
                score += 1.5
            if best is None or score > best.score:
                best = Found(p, cs, end, text[cs:end].strip(), score)
    return best
