"""Answer sentences: the one value asked for, with its unit, issuer and year; the clause goes to the citation.

``沭阳县发展和改革局2023年本年新收政府信息公开申请26件[1]。`` — a statement names the value by
its label (the report's own words before it, or the template slot's words), states no other
figure, and carries the marker of its citation, whose quote is the verbatim clause or table row.

>>> tidy_label("其中,2022年全年共收到")
'收到'
>>> tidy_label("主动公开各类政府信息")
'主动公开各类政府信息'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.answer.candidates import Candidate, VType
from assistant.query import Target
from assistant.types import AnswerKind, Citation
from index.tables.labels import PROSE, T3_COLUMN_TOTAL, T4_TOTAL, TABLE_FOUR
from index.tables.model import Fact

K = AnswerKind
CONTACT_WORDS = {
    K.PHONE: "联系电话",
    K.FAX: "传真号码",
    K.POSTCODE: "邮政编码",
    K.EMAIL: "电子邮箱",
    K.ADDRESS: "地址",
    K.WEBSITE: "网站",
    K.CONTACT_ORG: "对报告有疑问可联系的单位",  # "author": see statement()
}
LEADING = re.compile(
    r"^(?:[\s,，、;；:：(（)）|”」》]|[一二三四五六七八九十]是|等|其中|另外|此外|同时|并且|以及|全年|本年度|本年|今年|当年|年内|"
    r"(?:19|20)\d{2}年度?|共计|合计|累计|总计|一共|共|总共|此外|经统计|据统计|截至目前|截至年底)+"
)
TRAILING = re.compile(r"(?:[\s,，、:：(（“\"|]|共计|合计|累计|总计|一共|共|为|达到|达|是|约|近|超过|超|计|有)+$")
SECTION_NAMES = {"preamble": "开头部分", "body": "正文", "signature": "落款"}
MAX_LABEL = 26


def tidy_label(label: str) -> str:
    """A value's label as the answer says it: leading connectives, years and totals words off, trailing 共/为 off."""
    label = re.sub(r"\s+", "", label)
    previous = None
    while previous != label:
        previous = label
        label = LEADING.sub("", label)
        label = TRAILING.sub("", label)
    if len(label) > MAX_LABEL:
        label = label[-MAX_LABEL:]
        cut = re.search(r"[,，、;；”」》]", label)
        if cut and cut.end() < len(label) - 3:
            label = TRAILING.sub("", LEADING.sub("", label[cut.end() :]))
    return label


def has_foreign_number(text: str, allowed: set[str]) -> bool:
    """A number other than the allowed ones and than ``YYYY年`` context years."""
    text = re.sub(r"(?:19|20)\d{2}\s*年", "", text)
    return any(n not in allowed for n in re.findall(r"\d+(?:\.\d+)?", text))


def fact_words(fact: Fact) -> str:
    """A table cell's row and column in words (numbering and totals left out)."""
    row = re.sub(r"^[一二三四五六七八九十]+、|^三（[一二三四五六七]）(?:\d+\.)?", "", fact.row)
    if fact.table == PROSE:
        return "收取信息处理费"
    column = "" if fact.column in (T3_COLUMN_TOTAL, T4_TOTAL) else fact.column
    if fact.table == TABLE_FOUR:
        return f"{row}{column or '总计'}"
    return f"{row}（{column}）" if column else row


@dataclass
class Statement:
    """One stated value and the original spans that back it."""

    text: str
    spans: list[tuple[str, int, int]] = field(default_factory=list)  # (report_id, start, end)
    zero: bool = False  # the value says there was none (for yes/no questions)


def statement(target: Target, cand: Candidate, allowed: set[str], extra: list[Candidate] | None = None) -> Statement:
    """The words stating ``cand`` as the answer to ``target`` (``allowed``: numbers the question names)."""
    spans = [(cand.report_id, cand.start, cand.end), *((cand.report_id, a, b) for a, b in cand.spans)]
    for other in extra or []:
        spans.insert(0, (other.report_id, other.start, other.end))
    zero = cand.vtype == VType.NEGATIVE or (cand.number == 0 and cand.vtype in (VType.NUMBER, VType.CELL))
    slot_label = cand.head if cand.vtype == VType.CELL and cand.role == "template" else ""
    if cand.vtype == VType.CELL:
        # the prose states the table's value: the value as the report writes it ("8份"), under the slot's name
        prose = next((o for o in extra or [] if o.vtype in (VType.NUMBER, VType.NEGATIVE)), None)
        if prose is not None:
            cand = prose
    kind = target.kind
    value = cand.value
    if kind == K.CONTACT_ORG and target.wants == "author":
        return Statement(f"报告由{value}编制", spans)
    if kind == K.CONTACT_ORG and target.wants == "person":
        return Statement(f"联系人是{value}", spans)
    if kind in CONTACT_WORDS:
        listed = [value, *(o.value for o in extra or [] if o.vtype == cand.vtype)]
        return Statement(f"{CONTACT_WORDS[kind]}是{'、'.join(dict.fromkeys(listed))}", spans)
    if kind == K.DATE:
        words = "报告的发布日期是" if target.wants == "publish" else f"{_label(target, cand, allowed)}的日期是"
        return Statement(words + _date_only(value), spans)
    if kind == K.PERIOD:
        return Statement(f"报告的统计期限是{value}", spans)
    if kind == K.PERIOD_END:
        return Statement(f"数据截至{_period_end(value)}", spans)
    if cand.vtype == VType.NEGATIVE:
        return Statement(_tidy_clause(cand.value), spans, zero=True)
    if kind == K.FEE:
        if cand.vtype == VType.CELL:
            return Statement(f"收取信息处理费{value}", spans, zero=zero)
        return Statement(f"{_label(target, cand, allowed) or '收取信息处理费'}{value}", spans, zero=zero)
    if kind == K.ADMIN_FEE:
        label = cand.head if cand.role == "template" else "行政事业性收费金额"
        return Statement(f"{label}{value}", spans, zero=zero)
    if kind == K.GENERAL:
        if cand.vtype != VType.CLAUSE:
            return Statement(_tidy_clause(value), spans)
        return Statement(_tidy_clause(_with_rest(value, cand.tail)), spans)
    if slot_label:
        return Statement(f"{slot_label}{value}", spans, zero=zero)
    label = _label(target, cand, allowed)
    tail = _tail(cand, allowed)
    return Statement(f"{label}{value}{tail}", spans, zero=zero)


TIME_OF_DAY = re.compile(r"\s*\d{1,2}:\d{2}(?::\d{2})?$")
PERIOD_PARTS = re.compile(r"^((?:19|20)\d{2})[年.\-/].*?(?:至|到|-|~|—|－)\s*(.+?)(?:止)?$")


def _date_only(value: str) -> str:
    """The date a page gives with its time of day (``2026-01-28 14:50``) is stated as the date."""
    return TIME_OF_DAY.sub("", value)


def _period_end(value: str) -> str:
    """The last day of a period (``2023年1月1日至12月31日`` -> ``2023年12月31日``); a date stays itself."""
    m = PERIOD_PARTS.match(value)
    if not m:
        return value
    end = m.group(2).strip()
    return end if re.match(r"(?:19|20)\d{2}", end) else f"{m.group(1)}年{end}"


def _label(target: Target, cand: Candidate, allowed: set[str]) -> str:
    if cand.vtype == VType.CELL:
        if cand.role == "template":
            return cand.head
        return fact_words(cand.fact) if cand.fact is not None else cand.head
    label = tidy_label(cand.head)
    if len(label) < 2 or has_foreign_number(label, allowed):
        label = tidy_label(target.content)
    return label


def _tail(cand: Candidate, allowed: set[str]) -> str:
    tail = re.sub(r"\s+", "", cand.tail).rstrip("。，,;；、")
    if not tail or len(tail) > 16 or has_foreign_number(tail, allowed) or re.match(r"^[(（]", tail):
        return ""
    if re.match(r"^[\u4e00-\u9fff“]", tail):
        return tail
    return ""


MAX_STATEMENT = 80


def _with_rest(clause: str, rest: str) -> str:
    """A clause with the rest of its sentence, when short: what a free-text answer says."""
    rest = rest.lstrip(",，、:：")
    if not rest or len(clause) >= MAX_STATEMENT:
        return clause
    room = MAX_STATEMENT - len(clause)
    piece = rest[:room]
    if len(rest) > room:
        cut = max(piece.rfind("，"), piece.rfind(","), piece.rfind("、"))
        piece = piece[:cut] if cut > 0 else ""
    return f"{clause}，{piece}" if piece else clause


def _tidy_clause(text: str) -> str:
    text = re.sub(r"\s*\|\s*", " ", text).strip(" ,，;；、:：")
    return re.sub(r"\s+", " ", text)


def section_title(sections: list[tuple[str, str, int, int]], offset: int) -> str:
    for key, title, start, end in sections:
        if start <= offset < end:
            return title or SECTION_NAMES.get(key, key)
    return ""


class Citer:
    """Numbers citations by distinct (report, span), in the order the answer first uses them."""

    def __init__(self) -> None:
        self.citations: list[Citation] = []

    def mark(
        self,
        report_id: str,
        start: int,
        end: int,
        *,
        text: str,
        source: str,
        issuer: str | None,
        year: int | None,
        section: str,
    ) -> str:
        for c in self.citations:
            if c.report_id == report_id and (c.start, c.end) == (start, end):
                return f"[{c.n}]"
        n = len(self.citations) + 1
        self.citations.append(Citation(n, report_id, source, issuer, year, section, start, end, text[start:end]))
        return f"[{n}]"
