"""What every value finder shares: :class:`Found`, the question's topic words and how a clause is scored against them.

Everything is found in a passage's *search form* (simplified, width-folded, noise-free) and
returned as a search-form span of that passage, which the citer maps back to a verbatim span
of the original text. Rules are general: labels (``电话:``), value shapes (``0519-85685811``,
``1300余条``) and overlap between the question's topic words and a clause; nothing here is
written for one report. The finders: :mod:`assistant.answer.contacts` (phone, fax, postcode,
email, address, website, statistics period, publish date) and :mod:`assistant.answer.counts`
(counts, fees, problems, and the best supporting clause otherwise).

>>> topic_terms("2021年常州市机关事务管理局主动公开了多少条政府信息？", ["常州市机关事务管理局"])
['主动', '主动公开']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.types import Passage
from index.text.tokenize import tokenize

CN_NUM = "零〇一二两三四五六七八九十百千万"
QUESTION_WORDS = frozenset(
    "多少 几 一共 共 总共 合计 是 什么 哪些 哪个 哪里 哪 了 吗 呢 按 按照 根据 年报 年度 报告 政府 信息 公开 "
    "政府信息公开 工作 有 有没有 没有 分别 各 其中 全年 本年 本年度 全市 全区 全县 我市 数量 件 条 次 个 "
    "主要 情况 问题 哪天 时候 是否 共有 请问 一下 如何 怎么 可以 从 到 中 内 对 为 其 通过 进行".split()
)
COMMON_TERMS = {"公开": 0.3, "信息": 0.3, "政府": 0.3, "申请": 1.0, "发布": 0.6, "主动": 0.6, "工作": 0.2}


@dataclass
class Found:
    """A value found in one passage: its text and its span in ``passage.search_text``."""

    passage: Passage
    start: int
    end: int
    value: str
    score: float = 0.0
    clause: str | None = None  # the whole clause, when the answer states it rather than the bare value


def first_match(passages: list[Passage], pattern: re.Pattern[str], group: int = 1) -> Found | None:
    for p in passages:
        m = pattern.search(p.search_text)
        if m:
            return Found(p, m.start(), m.end(), m.group(group))
    return None


def topic_terms(folded_question: str, exclude: list[str]) -> list[str]:
    """The question's content words, minus question words, the issuer's names and the year."""
    q = folded_question
    for word in sorted(exclude, key=len, reverse=True):
        if word and len(word) >= 2:
            q = q.replace(word, " ")
    q = re.sub(r"(?:19|20)\d{2}\s*年?", " ", q)
    terms = []
    for tok in tokenize(q):
        if tok in QUESTION_WORDS or tok.isdigit() or (len(tok) < 2 and not re.match(r"[\u4e00-\u9fff]", tok)):
            continue
        if len(tok) == 1 or re.search(r"多少|几|哪|什么|是否", tok):
            continue
        terms.append(tok)
    for full, short in ABBREVIATIONS.items():
        if full in folded_question:
            terms.append(short)
    return list(dict.fromkeys(terms))


def weight(term: str) -> float:
    return COMMON_TERMS.get(term, min(len(term), 4) / 2)


def overlap(terms: list[str], text: str) -> float:
    return sum(weight(t) for t in terms if t in text)


def coverage(terms: list[str], text: str) -> float:
    total = sum(weight(t) for t in terms)
    return overlap(terms, text) / total if total else 0.0


def is_table_text(text: str) -> bool:
    return text.count("|") >= 2


TRAILING_FILLER = re.compile(r"(?:的|有|是|了|共|为|信息|情况|数量|总数|一共|共有|分别|各)+$")
LEADING_FILLER = re.compile(r"^(?:个|些|份|项|家|位|种|类)")
# Standard abbreviations used in document numbers and prose (国办发〔2014〕12号).
ABBREVIATIONS = {
    "国务院办公厅": "国办",
    "省政府办公厅": "省政府办",
    "市政府办公室": "市政府办",
    "县政府办公室": "县政府办",
}
WH_WORD = re.compile(r"是谁|是什么|是多少|多少|几|哪|什么|有没有|是否|了吗")


GENERIC_FOCUS = frozenset("信息公开 政府信息公开 政务公开 办公室 办公 公室 政府 信息 公开 工作 年报 报告 单位".split())


def focus_terms(folded_question: str, terms: list[str]) -> set[str]:
    """Topic words right next to the question word (``组长是谁`` -> 组长): they must be matched."""
    terms = [t for t in terms if t not in GENERIC_FOCUS]
    m = WH_WORD.search(folded_question)
    if not m:
        return set()
    before = TRAILING_FILLER.sub("", folded_question[: m.start()])
    after = LEADING_FILLER.sub("", folded_question[m.end() :])
    out: set[str] = set()
    ending = [(before.rfind(t) + len(t), t) for t in terms if t in before]
    if ending:
        pos = max(e for e, _ in ending)
        if pos >= len(before) - 2:
            out.add(max((t for e, t in ending if e == pos), key=len))
    starting = [(after.find(t), t) for t in terms if t in after]
    if starting:
        pos = min(p for p, _ in starting)
        if pos <= 2:
            out.add(max((t for p, t in starting if p == pos), key=len))
    return out


def after_focus(question: str, terms: list[str]) -> str | None:
    """The noun a 哪个/什么 asks about (``由哪个部门编制`` -> 部门)."""
    m = re.search(r"(?:哪个|哪些|哪份|哪一|什么)", question)
    if not m:
        return None
    after = LEADING_FILLER.sub("", question[m.end() :])
    starting = [t for t in terms if after.startswith(t)]
    return max(starting, key=len) if starting else None
