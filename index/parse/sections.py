"""Template sections of one report, found in the search form and returned as spans of the original text.

Sections: headings ``N、…`` at a line start or right after sentence-ending punctuation
(inline headings), classified by wording into the six template sections 一..六; the longest
chain with increasing numerals and increasing template keys is kept, so table rows such as
``一、本年新收…`` or ``四、结转下年度继续办理`` never start a section. Text before the first
heading is ``preamble``. When the report follows an older outline (a numbered heading that
fits no template section, or more than six parts, e.g. ``四、咨询处理情况``), its own
headings are kept as sections keyed by their numeral (``一``..``九``) with the heading as
written, and a warning says so. No heading at all: one ``body`` section. The trailing
signature stays in the last section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.models import Section
from index.text.searchform import SearchForm

NUMERALS = "一二三四五六七八九十"
TEMPLATE_KEYS = ("一", "二", "三", "四", "五", "六")

# A top-level heading "一、" (not "（一）"), at a line start or after sentence-ending punctuation.
HEADING_CANDIDATE = re.compile(
    rf"(?:^|(?<=[。；;！!？?|]))[ \t|]*(?<![(（])(?P<num>[{NUMERALS}]{{1,2}})\s*[、.．](?!\d)",
    re.M,
)
# Wording of each template section (2019+ national format), tried on the heading text.
TEMPLATE_WORDING: dict[str, re.Pattern[str]] = {
    "一": re.compile(r"^(?:\S{0,8}总体情况|概述|概况|基本情况|总体|工作概况|工作概述)"),
    "二": re.compile(r"主动公开"),
    "三": re.compile(r"收到和处理|依申请公开|申请公开\S{0,6}情况|公开申请(?:的)?(?:情况|办理)|申请\S{0,4}办理情况"),
    "四": re.compile(r"行政复议|行政诉讼|复议、诉讼|复议和诉讼|复议诉讼"),
    "五": re.compile(r"存在的?主要问题|问题及改进|问题和改进|改进情况|改进措施"),
    "六": re.compile(r"其他需要报告|其他事项|其他需要说明|需要说明的|其他情况"),
}
SUB_ITEM_START = re.compile(rf"^[ \t\u3000]*[(（][{NUMERALS}]{{1,3}}[)）]")


@dataclass
class _Heading:
    pos: int  # search-form index of the numeral
    numeral: int  # 1..19
    title: str  # search form, as written
    key: str | None  # template key by wording
    standalone: bool  # the heading is a whole line


def _heading_title(text: str, form: SearchForm, pos: int) -> tuple[str, bool]:
    """The heading as written (search form) and whether it is a whole line of the original."""
    o = form.source[pos]
    line_end = text.find("\n", o)
    line_end = len(text) if line_end == -1 else line_end
    line = text[o:line_end]
    searchable = form.slice_original(o, line_end).strip(" |")
    if len(searchable) <= 40 and "。" not in searchable[:-1]:
        return searchable.rstrip("。"), True
    ws = re.search(r"[ \t\u3000|]+(?=\S)", line[2:42])
    if ws:
        return form.slice_original(o, o + 2 + ws.start()).strip(" |"), False
    m = re.match(r"[^。，,；;:：]{1,30}", searchable)
    return (m.group(0) if m else searchable[:30]), False


def _classify(title: str) -> str | None:
    body = re.sub(rf"^[{NUMERALS}]{{1,2}}\s*[、.．]\s*", "", title)[:40]
    for key, pattern in TEMPLATE_WORDING.items():
        if pattern.search(body):
            return key
    return None


def _numeral_value(num: str) -> int:
    if num == "十":
        return 10
    if num.startswith("十"):
        return 10 + NUMERALS.index(num[1]) + 1
    if len(num) == 2 and num[1] == "十":
        return (NUMERALS.index(num[0]) + 1) * 10
    return NUMERALS.index(num[0]) + 1


def _candidates(text: str, form: SearchForm) -> list[_Heading]:
    found: list[_Heading] = []
    for m in HEADING_CANDIDATE.finditer(form.text):
        num = m.group("num")
        if len(num) == 2 and "十" not in num:
            continue
        pos = m.start("num")
        title, standalone = _heading_title(text, form, pos)
        found.append(_Heading(pos, _numeral_value(num), title, _classify(title), standalone))
    return found


def _template_chain(cands: list[_Heading]) -> list[_Heading]:
    """Longest chain with increasing position, numeral and template key (numeral == key scores more)."""
    usable = [c for c in cands if c.key is not None]
    n = len(usable)
    best: list[float] = [0.0] * n
    prev: list[int] = [-1] * n
    for i, c in enumerate(usable):
        ki = TEMPLATE_KEYS.index(c.key)
        own = 1.0 + (0.5 if c.numeral == ki + 1 else 0.0) + (0.25 if c.standalone else 0.0)
        best[i] = own
        for j in range(i):
            d = usable[j]
            kj = TEMPLATE_KEYS.index(d.key)
            if kj < ki and d.numeral < c.numeral and best[j] + own > best[i]:
                best[i], prev[i] = best[j] + own, j
    if not n:
        return []
    i = max(range(n), key=lambda k: (best[k], -k))
    chain: list[_Heading] = []
    while i != -1:
        chain.append(usable[i])
        i = prev[i]
    return chain[::-1]


def _outline_chain(cands: list[_Heading]) -> list[_Heading]:
    """The report's own numbered outline: 一, 二, 三 … in order, each the first plausible heading."""
    chain: list[_Heading] = []
    want = 1
    for c in cands:
        if c.numeral == want and (c.standalone or c.key is not None) and len(c.title) <= 40:
            chain.append(c)
            want += 1
    return chain


def find_sections(text: str, form: SearchForm, warnings: list[str]) -> list[Section]:
    cands = _candidates(text, form)
    chain = _template_chain(cands)
    outline = _outline_chain(cands)
    template_numerals = {c.numeral for c in chain}
    older = len(outline) >= 3 and (len(outline) > 6 or any(c.numeral not in template_numerals for c in outline))
    heads: list[tuple[str, str, int]]  # key, title, original start
    if older:
        warnings.append("older outline (pre-2019 format): sections keyed by the report's own numbering")
        heads = [
            (NUMERALS[c.numeral - 1] if c.numeral <= 10 else str(c.numeral), c.title, form.source[c.pos])
            for c in outline
        ]
    else:
        heads = [(c.key or "", c.title, form.source[c.pos]) for c in chain]
        found = {k for k, _, _ in heads}
        if heads:
            for key in TEMPLATE_KEYS:
                if key not in found:
                    warnings.append(f"section {key} missing")
    if not heads:
        warnings.append("no section headings found")
        return [Section("body", "", 0, len(text))]
    sections: list[Section] = []
    first = heads[0][2]
    if text[:first].strip():
        sections.append(Section("preamble", "", 0, first))
    else:
        first = 0
    for i, (key, title, start) in enumerate(heads):
        begin = first if i == 0 else start
        end = heads[i + 1][2] if i + 1 < len(heads) else len(text)
        sections.append(Section(key, title, begin, end))
    return sections
