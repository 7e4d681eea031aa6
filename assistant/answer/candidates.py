"""Every typed value of a report, with the words that label it: the candidates answers are ranked from.

:func:`report_candidates` reads a report's search form once (cached per report id: reports
are immutable) and returns :class:`Candidate` s:

* phone and fax numbers, emails, URLs, postcodes and addresses, each with its label
  (``电话：``, ``传真：``) — the label decides which contact kind a number is;
* dates (with the role their label or place gives them: 发布日期, a signature line, 更新/生成
  时间, 截至 …) and periods (``2022年1月1日至12月31日``);
* numbers with units (``26件``, ``13.6万条``, ``3940元``, ``100%``, ``两次``, ``第四``) and
  negative statements (``未收到…申请``, ``无下年度结转``, ``未收取任何费用``);
* 表二/三/四 cells and 信息处理费 facts from the stored facts (rows and columns in words), never
  a cell the arithmetic checks rejected;
* document numbers and clauses, for free-text questions.

A value's *label* is the text between the previous value (or its clause's start) and the value
(``head``), the text after it up to the next value or the clause's end (``tail``), and the
sentence before its clause (``context``); "A和B分别…1408条、6502条" hands A to the first value and
B to the second. Spans are kept as offsets into the report's ORIGINAL text for citations.
One module because every value shape is found by one pass over the same clauses and labelled by the
same head/tail/context rule; split by shape, each part would re-read the report.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from threading import Lock
from typing import Any

from assistant.query.terms import CONCEPT_PREFIX, find_concepts, label_keys
from assistant.query.vocabulary import (
    AUTHOR_ORG,
    CONTACT_PERSON,
    COORDINATION,
    DISTRIBUTIVE,
    FEE_REDUCTION,
    UNITS,
    VOCAB,
)
from assistant.query.vocabulary import CONTACT_ORG as VOCAB_CONTACT_ORG
from assistant.types import AnswerKind
from index.tables.labels import PROSE, TABLE_SECTIONS
from index.tables.model import Fact, format_value
from index.text.dates import DATE_TEXT
from index.text.searchform import SearchForm

log = logging.getLogger(__name__)
_PHONE, _FAX = AnswerKind.PHONE, AnswerKind.FAX


class VType(StrEnum):
    """The shape of a candidate value."""

    PHONE = "phone"
    EMAIL = "email"
    URL = "url"
    POSTCODE = "postcode"
    ADDRESS = "address"
    ORG = "org"  # the office readers are told to contact
    DATE = "date"
    PERIOD = "period"
    NUMBER = "number"  # a number with its unit (counts, amounts, percentages, ranks)
    NEGATIVE = "negative"  # words saying there was none ("未收到…申请")
    CELL = "cell"  # a table cell (or 信息处理费 fact) from the stored facts
    DOCNUM = "docnum"  # 常机管〔2021〕46号
    CLAUSE = "clause"  # a whole clause (free-text answers)


#: Zone weights: how strongly a word labels a value, by where it stands.
HEAD_NEAR, HEAD_FAR, TAIL, CONTEXT = 1.0, 0.85, 0.75, 0.45
NEAR = 14  # characters before a value that count as right next to it


@dataclass
class Candidate:
    """One value of one report with its label."""

    report_id: str
    vtype: VType
    value: str  # as the answer states it (search form)
    start: int  # ORIGINAL text offsets of the quote to cite (the clause or table row)
    end: int
    head: str = ""  # search form
    tail: str = ""
    context: str = ""
    unit: str | None = None
    number: float | None = None
    role: str = ""  # dates: publish/signature/generic/update/period_end/other; phones: phone/fax/both/none
    section: str = ""  # section key (一..六, preamble, …)
    pos: int = 0  # search-form position of the value (order, retrieval rank lookup)
    orig: int = 0  # original offset of the value
    fact: Fact | None = None
    spans: list[tuple[int, int]] = field(default_factory=list)  # further ORIGINAL spans to cite (summed rows)
    at: tuple[int, int, int] = (-1, -1, -1)  # search-form starts of head, tail, context (-1: not from the text)
    after: str = ""  # the rest of the sentence after the value's clause (weighs as context)
    after_at: int = -1
    zones: dict[str, float] = field(default_factory=dict, repr=False)  # label key -> zone weight
    own: frozenset[str] = field(default_factory=frozenset, repr=False)  # keys of head+tail (exclusivity)

    @property
    def label(self) -> str:
        return f"{self.head}{self.tail}"


# ---------------------------------------------------------------- value shapes (search form)

PHONE_NUMBER = re.compile(
    r"(?<![\d.\-/])((?:\(0\d{2,3}\)|0\d{2,3})\s?-?\s?[1-9]\d{6,7}(?:\s?(?:-|转)\s?\d{1,5})?|1[3-9]\d{9}|400-?\d{3}-?\d{4}|[1-9]\d{6,7})(?![\d.])"
)
EMAIL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
URL = re.compile(
    r"(?:https?://\s?)?(?:www\.[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:gov|org|com|net|edu)\.cn|[A-Za-z0-9-]+\.gov\.cn)(?:/[A-Za-z0-9._/?=&%#-]*)?",
    re.I,
)
POSTCODE = re.compile(r"(?<![\d.\-])(\d{6})(?![\d.\-])")
LIST_CUT = re.compile(r"[、;；]")
LIST_ITEM = re.compile(r"\s*[、;；]")
CONTACT_LABELS = "电话|联系电话|邮编|邮政编码|传真|电子邮箱|邮箱"
ADDRESS = re.compile(
    r"(?:通信地址|通讯地址|办公地址|联系地址|详细地址|单位地址|邮寄地址|地址|办公地点|地点)\s*(?:[:：|]|为|是|在)\s*"
    rf"((?:(?!{CONTACT_LABELS})[^;；,，。|\n]){{3,60}}?)(?=[;；,，。)|\n]|{CONTACT_LABELS}|$)"
)
#: A value must say something: a digit, a letter or a Chinese character ("地址：| |" gives none).
SUBSTANTIVE = re.compile(r"[0-9A-Za-z\u4e00-\u9fff]")
TIME = r"(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?"
DATE = re.compile(rf"(?<!\d){DATE_TEXT}{TIME}")
MONTH = re.compile(r"(?<!\d)(?:19|20)\d{2}年\d{1,2}月(?!\d|份?[\d,，]*(?:日|号))")
PERIOD = re.compile(
    rf"(?<!\d)({DATE_TEXT})(?:起)?\s*(?:至|到|-|~|—|－)\s*((?:\d{{4}}年)?\d{{1,2}}月\d{{1,2}}日|{DATE_TEXT})(?:止)?"
)
_UNITS = "|".join(re.escape(u) for u in UNITS)
CN_DIGITS = "零〇一二两三四五六七八九十百千万"
CN_COUNT_UNITS = frozenset("次 场 件 条 篇 期 个 项 名 人 家 批 轮 位 部分 个部分".split())
NUMBER = re.compile(
    rf"(?<![\d.A-Za-z第{CN_DIGITS}])(\d+(?:,\d{{3}})*(?:\.\d+)?|[{CN_DIGITS}]{{1,5}})\s*(万|亿)?\s*(余|多)?\s*({_UNITS})"
)
RANK = re.compile(rf"第([{CN_DIGITS}\d]{{1,4}})(名|位)?")
ORG = re.compile(VOCAB_CONTACT_ORG)
AUTHOR = tuple(re.compile(p) for p in AUTHOR_ORG)
PERSON = re.compile(CONTACT_PERSON)
DOCNUM = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[(【]\s*\d{4}\s*[〕\])】]\s*\d{1,4}\s*号")
NEGATIVE = VOCAB.negations
CLAUSE_SEP = re.compile(r"[,，;；。!?！？\n|]")
SENTENCE_SEP = re.compile(r"[。;；!?！？\n]")
CONNECTIVES = re.compile(r"^(?:其中|另外|此外|同时|并且|以及|及|和|与|、|共|全年|此外)+")
_ITEM_LIST = re.compile(
    rf"([\u4e00-\u9fff“”\"A-Za-z]+(?:(?:{COORDINATION})[\u4e00-\u9fff“”\"A-Za-z]+)+)\s*(?:{DISTRIBUTIVE})"
)
_CN_VALUES = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def chinese_number(text: str) -> float | None:
    """``两`` -> 2, ``十二`` -> 12, ``二十`` -> 20, ``一百零五`` -> 105; None when not a plain numeral."""
    total, current = 0, 0
    for ch in text:
        if ch in _CN_VALUES:
            current = _CN_VALUES[ch]
        elif ch in "十百千万":
            scale = {"十": 10, "百": 100, "千": 1000, "万": 10000}[ch]
            total += (current or 1) * scale
            current = 0
        else:
            return None
    return float(total + current)


def parse_number(digits: str, scale: str | None) -> float | None:
    value: float | None
    try:
        value = float(digits.replace(",", ""))
    except ValueError:
        value = chinese_number(digits)
        if value is None:
            return None
    return value * {"万": 1e4, "亿": 1e8}.get(scale or "", 1)


# ---------------------------------------------------------------- the per-report reading


@dataclass
class ReportValues:
    """Everything one report offers as answers."""

    report_id: str
    candidates: list[Candidate]
    sections: list[tuple[str, str, int, int]]  # (key, title, original start, end)
    text_length: int
    vocabulary: frozenset[str] = frozenset()  # every key the report's text carries (pairs, concepts)


class CandidateCache:
    """Candidates per report id, built once (a report's text never changes under its id)."""

    def __init__(self, size: int = 256) -> None:
        self._cache: OrderedDict[str, ReportValues] = OrderedDict()
        self._size = size
        self._lock = Lock()

    def get(self, key: str) -> ReportValues | None:
        with self._lock:
            values = self._cache.get(key)
            if values is not None:
                self._cache.move_to_end(key)
            return values

    def put(self, key: str, values: ReportValues) -> None:
        with self._lock:
            self._cache[key] = values
            while len(self._cache) > self._size:
                self._cache.popitem(last=False)


def section_at(sections: list[tuple[str, str, int, int]], offset: int) -> tuple[str, str]:
    """(key, title) of the section holding an original offset."""
    for key, title, start, end in sections:
        if start <= offset < end:
            return key, title
    return "", ""


def report_candidates(
    report_id: str,
    text: str,
    form: SearchForm,
    sections: Iterable[dict[str, Any]],
    facts: list[Fact],
) -> ReportValues:
    """All candidates of one report (see the module docstring)."""
    secs = [
        (str(s.get("key") or ""), str(s.get("title") or ""), int(s["start"]), int(s["end"]))
        for s in sections
        if isinstance(s.get("start"), int) and isinstance(s.get("end"), int)
    ]
    reader = _Reader(report_id, text, form, secs)
    out = reader.prose()
    out.extend(cell_candidates(report_id, facts, text, secs))
    vocabulary = frozenset(reader.label_keys(0, len(reader.s)))
    return ReportValues(report_id, out, secs, len(text), vocabulary)


def cell_candidates(
    report_id: str, facts: list[Fact], text: str, sections: list[tuple[str, str, int, int]]
) -> list[Candidate]:
    """Table cells (and 信息处理费 facts) as candidates; cells the arithmetic checks rejected are left out."""
    out = []
    for f in facts:
        if not f.usable:
            continue  # the arithmetic checks reject this cell: never an answer
        if not (0 <= f.start < f.end <= len(text)):
            continue
        if f.table == PROSE and FEE_REDUCTION.search(text[f.start : f.end]):
            continue  # a fee reduced or waived (减免…45元) is not a fee charged
        head = f"{f.row}{f.column}" if f.table != PROSE else f"信息处理费{f.column}"
        context = TABLE_SECTIONS.get(f.table, str(f.table))
        cand = Candidate(
            report_id=report_id,
            vtype=VType.CELL,
            value=f"{format_value(f.value)}{f.unit}",
            start=f.start,
            end=f.end,
            head=head,
            context=context,
            unit=f.unit,
            number=f.value,
            role=str(f.table),
            section=section_at(sections, f.start)[0],
            orig=f.start,
            fact=f,
        )
        _index_keys(cand)
        out.append(cand)
    return out


def _index_keys(c: Candidate, reader: _Reader | None = None) -> None:
    """The label keys of each zone (and of head+tail for the family check)."""

    def keys(part: str, at: int) -> set[str]:
        if reader is not None and at >= 0 and reader.s[at : at + len(part)] == part:
            return reader.label_keys(at, at + len(part))
        return label_keys(part)

    mark = CONCEPT_PREFIX  # one character: ``k[0] == mark`` is the cheap form of startswith
    zones: dict[str, float] = {}
    h_at, t_at, c_at = c.at
    cut = max(0, len(c.head) - NEAR)
    parts = (
        (c.after, c.after_at, CONTEXT),
        (c.context, c_at, CONTEXT),
        (c.tail, t_at, TAIL),
        (c.head[:cut], h_at, HEAD_FAR),
        (c.head[cut:], h_at + cut if h_at >= 0 else -1, HEAD_NEAR),
    )
    own: set[str] = set()
    tail_keys: set[str] = set()
    # the weights rise in this order, so a later zone's weight is the highest a key has
    for part, at, weight in parts:
        if not part:
            continue
        found = keys(part, at)
        if weight == TAIL:
            tail_keys = found
        if weight > CONTEXT:
            own |= found
        if weight in (HEAD_FAR, HEAD_NEAR):
            found = {k for k in found if k[0] != mark}  # the head's terms are read over the whole head, below
        zones.update(dict.fromkeys(found, weight))
    # terms of the head, read whole (a cut between its near and far part must not split "上年结转")
    head_terms = {k for k in keys(c.head, h_at) if k[0] == mark} if c.head else set()
    own = {k for k in own if k[0] != mark} | head_terms | {k for k in tail_keys if k[0] == mark}
    zones.update(dict.fromkeys(head_terms, HEAD_NEAR))
    c.zones = zones
    c.own = frozenset(own)


class _Reader:
    """Reads one report's search form into prose candidates."""

    def __init__(self, report_id: str, text: str, form: SearchForm, sections: list[tuple[str, str, int, int]]) -> None:
        self.report_id = report_id
        self.text = text
        self.form = form
        self.s = form.text
        self.sections = sections
        self.clause_cuts = [m.start() for m in CLAUSE_SEP.finditer(self.s)]
        self._last_phone_role = ""
        self.concepts = find_concepts(self.s)  # once over the whole text; labels look them up by span
        self.concept_starts = [a for a, _, _ in self.concepts]
        self.sentence_cuts = [m.start() for m in SENTENCE_SEP.finditer(self.s)]

    def label_keys(self, a: int, b: int) -> set[str]:
        """Keys of the search-form span [a, b): its character pairs and the concepts inside it."""
        text = self.s[a:b]
        out = {text[i : i + 2] for i in range(len(text) - 1)}
        out.update(ch for ch in text if "\u4e00" <= ch <= "\u9fff")
        i = bisect.bisect_left(self.concept_starts, a)
        while i < len(self.concepts) and self.concepts[i][0] < b:
            _start, end, concept = self.concepts[i]
            if end <= b:
                out.add(CONCEPT_PREFIX + concept.key)
            i += 1
        return out

    # -- spans
    def _bounds(self, cuts: list[int], start: int, end: int) -> tuple[int, int]:
        i = bisect.bisect_left(cuts, start)
        left = cuts[i - 1] + 1 if i > 0 else 0
        j = bisect.bisect_left(cuts, end)
        right = cuts[j] if j < len(cuts) else len(self.s)
        return left, max(right, end)

    def clause(self, start: int, end: int) -> tuple[int, int]:
        return self._bounds(self.clause_cuts, start, end)

    def sentence(self, start: int, end: int) -> tuple[int, int]:
        return self._bounds(self.sentence_cuts, start, end)

    def original(self, start: int, end: int) -> tuple[int, int]:
        """The trimmed original span behind a search-form span."""
        start = max(0, min(start, len(self.s) - 1))
        end = max(start + 1, min(end, len(self.s)))
        o_start, o_end = self.form.original_span(start, end)
        trim = " \t\r\n\u3000,，;；。、|:："
        while o_start < o_end and self.text[o_start] in trim:
            o_start += 1
        while o_end > o_start and self.text[o_end - 1] in trim:
            o_end -= 1
        return o_start, o_end

    def quote_span(self, start: int, end: int) -> tuple[int, int]:
        """What to cite for a value: its clause, widened to the sentence when the clause is short, kept short."""
        c_start, c_end = self.clause(start, end)
        if c_end - c_start < 12:
            s_start, s_end = self.sentence(start, end)
            if s_end - s_start <= 120:
                c_start, c_end = s_start, s_end
        if c_end - c_start > 160:
            c_start, c_end = max(c_start, start - 60), min(c_end, end + 40)
        return self.original(c_start, c_end)

    # -- reading
    def prose(self) -> list[Candidate]:
        s = self.s
        found: list[tuple[int, int, VType, dict[str, Any]]] = []
        taken: list[tuple[int, int]] = []

        def free(a: int, b: int) -> bool:
            return all(b <= x or a >= y for x, y in taken)

        def add(a: int, b: int, vtype: VType, **info: Any) -> None:
            if free(a, b):
                taken.append((a, b))
                found.append((a, b, vtype, info))

        for m in PERIOD.finditer(s):
            add(m.start(), m.end(), VType.PERIOD)
        for m in DATE.finditer(s):
            add(m.start(), m.end(), VType.DATE)
        for m in MONTH.finditer(s):
            add(m.start(), m.end(), VType.DATE, month=True)
        for m in EMAIL.finditer(s):
            add(m.start(), m.end(), VType.EMAIL)
        for m in URL.finditer(s):
            if "@" in s[max(0, m.start() - 1) : m.start() + 1]:
                continue
            add(m.start(), m.end(), VType.URL)
        for m in ADDRESS.finditer(s):
            add(m.start(1), m.end(1), VType.ADDRESS)
        for m in ORG.finditer(s):
            if not re.match(r"咨询电话|电话|以下|我们|本单位$", m.group(1)):
                add(m.start(1), m.end(1), VType.ORG, role="contact")
        for m in PERSON.finditer(s):
            add(m.start(1), m.end(1), VType.ORG, role="person")
        for pattern in AUTHOR:
            for m in pattern.finditer(s):
                if not re.search(r"报告|我们|以下|条例|要求", m.group(1)):
                    add(m.start(1), m.end(1), VType.ORG, role="author")
        for m in NUMBER.finditer(s):
            digits, scale, _approx, unit = m.group(1), m.group(2), m.group(3), m.group(4)
            if not digits[0].isdigit() and (unit not in CN_COUNT_UNITS or (digits == "一" and unit in ("个", "项"))):
                continue  # "一个", "统一部署": an article or part of a word, not a count
            number = parse_number(digits, scale)
            if number is None:
                continue
            if s.startswith("部分", m.end()) and unit == "个":
                continue  # "六个部分": the report's outline, not a count
            if unit == "%" and s[max(0, m.start() - 1) : m.start()] in ("-", "~"):
                continue
            add(m.start(), m.end(), VType.NUMBER, unit=unit, number=number)
        for m in PHONE_NUMBER.finditer(s):
            add(m.start(1), m.end(1), VType.PHONE)
        for m in POSTCODE.finditer(s):
            if re.search(r"邮编|邮政编码", s[max(0, m.start() - 8) : m.start()]):
                add(m.start(1), m.end(1), VType.POSTCODE)
        for m in DOCNUM.finditer(s):
            add(m.start(), m.end(), VType.DOCNUM)
        for m in RANK.finditer(s):
            add(m.start(), m.end(), VType.NUMBER, unit="名次", number=parse_number(m.group(1), None))
        found.sort(key=lambda f: f[0])
        out: list[Candidate] = []
        for i, (a, b, vtype, info) in enumerate(found):
            prev_end = found[i - 1][1] if i > 0 else 0
            next_start = found[i + 1][0] if i + 1 < len(found) else len(s)
            cand = self._candidate(a, b, vtype, info, prev_end, next_start)
            if cand is not None:
                out.append(cand)
        _distribute(out, s)
        for c in out:
            _index_keys(c, self)
        out.extend(self.negatives())
        out.extend(self.clauses())
        return out

    def _candidate(
        self, a: int, b: int, vtype: VType, info: dict[str, Any], prev_end: int, next_start: int
    ) -> Candidate | None:
        s = self.s
        c_start, c_end = self.clause(a, b)
        s_start, _ = self.sentence(a, b)
        h_at = max(c_start, prev_end)
        head = s[h_at:a]
        tail = s[b : min(c_end, next_start)] if next_start >= b else ""
        if next_start < c_end:  # "复议1件、引发诉讼2件": the words after the 、 label the next value, not this one
            tail = LIST_CUT.split(tail, maxsplit=1)[0]
        context = s[s_start:c_start]
        _, s_end = self.sentence(a, b)
        # the rest of the sentence labels this value too, up to the clause of the next value
        stop = min(s_end, self.clause(next_start, next_start + 1)[0] if next_start < len(s) else s_end)
        after = s[c_end + 1 : stop] if c_end < stop else ""
        value = s[a:b].strip()
        o_start, o_end = self.quote_span(a, b)
        orig = self.form.source[a] if a < len(self.form.source) else 0
        cand = Candidate(
            report_id=self.report_id,
            vtype=vtype,
            value=value,
            start=o_start,
            end=o_end,
            head=head,
            tail=tail,
            context=context,
            unit=info.get("unit"),
            number=info.get("number"),
            section=section_at(self.sections, orig)[0],
            pos=a,
            orig=orig,
            at=(h_at, b, s_start),
            after=after,
            after_at=c_end + 1,
        )
        if vtype == VType.PHONE:
            cand.role = self._phone_role(head[-12:] if head else s[max(0, a - 12) : a])
            if cand.role == "none" and re.fullmatch(r"\s*[、/或和及]\s*", s[prev_end:a]) and self._last_phone_role:
                cand.role = self._last_phone_role  # "电话：63857337、63851339"
            self._last_phone_role = cand.role if cand.role != "none" else ""
            cand.value = _clean_phone(value)
            if cand.role == "none" and not re.match(r"\(?0\d{2,3}", value):
                return None  # an unlabelled 7-8 digit number is no phone
        elif vtype == VType.DATE:
            cand.role = "other" if info.get("month") else self._date_role(a, b, head)
        elif vtype == VType.PERIOD:
            cand.role = "period"
        elif vtype == VType.URL:
            cand.value = _site_value(s, a, b, c_start)
        elif vtype == VType.ORG:
            cand.role = info.get("role", "contact")
        elif vtype == VType.NUMBER and cand.unit in ("元", "万元", "亿元"):
            cand.role = "amount"
        elif vtype == VType.NUMBER and cand.unit == "%":
            cand.role = "percent"
        elif vtype == VType.NUMBER and cand.unit == "名次":
            cand.role = "rank"
            cand.unit = None
        elif vtype == VType.NUMBER:
            cand.role = "count"
        return cand if SUBSTANTIVE.search(cand.value) else None

    def _phone_role(self, label: str) -> str:
        fax = VOCAB.contact_labels[_FAX].search(label)
        phone = VOCAB.contact_labels[_PHONE].search(label)
        if fax and phone:
            return "both"
        return "fax" if fax else "phone" if phone else "none"

    def _date_role(self, a: int, b: int, head: str) -> str:
        s = self.s
        before = s[max(0, a - 10) : a]
        if re.search(r"截至|截止|截到", before[-6:]):
            return "period_end"
        for role, pattern in VOCAB.date_labels:
            if pattern.search(before[-8:]):
                return role
        if re.match(r"\s*(?:来源|來源|信息来源|发布机构)", s[b : b + 8]):
            return "publish"  # a page's date line: "2010年04月06日 来源：…"
        line_start = s.rfind("\n", 0, a) + 1
        line_end = s.find("\n", b)
        line_end = len(s) if line_end < 0 else line_end
        line = s[line_start:line_end].strip()
        if len(line) <= len(s[a:b]) + 2 and a >= len(s) * 0.6:
            return "signature"
        rest = s[b:line_end].strip()
        if (
            s[line_start:a].strip() == ""
            and a <= len(s) * 0.15
            and len(rest) <= 8
            and not re.search(r"[,，。;；]", rest)
        ):
            return "signature"  # a dateline under the title ("2015年3月13日" on its own line)
        if a >= len(s) * 0.85 and re.fullmatch(r"[\u4e00-\u9fff()（）]{2,30}", s[line_start:a].strip()):
            return "signature"  # "常州市机关事务管理局 2022年1月10日" on one line
        return "other"

    def negatives(self) -> list[Candidate]:
        """Clauses that say there was none: the clause from its start (a leading year dropped) is the value."""
        s = self.s
        out = []
        for m in NEGATIVE.finditer(s):
            c_start, c_end = self.clause(m.start(), m.end())
            clause = s[c_start:c_end]
            if len(clause) > 40:
                c_start = max(c_start, m.start() - 12)
                clause = s[c_start:c_end][:40]
            value = re.sub(r"^\s*(?:19|20)\d{2}年度?[,，]?", "", clause).strip()
            if not value:
                continue
            o_start, o_end = self.quote_span(m.start(), m.end())
            orig = self.form.source[m.start()]
            cand = Candidate(
                report_id=self.report_id,
                vtype=VType.NEGATIVE,
                value=value,
                start=o_start,
                end=o_end,
                head=clause,
                context=s[self.sentence(c_start, c_end)[0] : c_start],
                section=section_at(self.sections, orig)[0],
                pos=m.start(),
                orig=orig,
                role="fee" if re.search(r"费|收取", clause) else "none",
                at=(c_start, -1, self.sentence(c_start, c_end)[0]),
            )
            _index_keys(cand, self)
            out.append(cand)
        return out

    def clauses(self) -> list[Candidate]:
        """Every clause of 6+ characters, for free-text questions."""
        s = self.s
        out = []
        pos = 0
        for cut in [*self.clause_cuts, len(s)]:
            a, b = pos, cut
            pos = cut + 1
            clause = s[a:b].strip()
            if len(clause) < 6 or clause.count("|") >= 2:
                continue
            o_start, o_end = self.original(a, b)
            if o_start >= o_end:
                continue
            s_start, s_end = self.sentence(a, b)
            orig = self.form.source[a] if a < len(self.form.source) else 0
            cand = Candidate(
                report_id=self.report_id,
                vtype=VType.CLAUSE,
                tail=s[b:s_end],
                value=clause,
                start=o_start,
                end=o_end,
                head=clause,
                context=s[s_start:a],
                section=section_at(self.sections, orig)[0],
                pos=a,
                orig=orig,
                at=(a + len(s[a:b]) - len(s[a:b].lstrip()), b, s_start),
            )
            _index_keys(cand, self)
            out.append(cand)
        return out


def _clean_phone(value: str) -> str:
    value = re.sub(r"\s+", "", value)
    return value.replace("(", "").replace(")", "-").replace("--", "-")


SITE_NAME = re.compile(r"([\u4e00-\u9fff“”\"A-Za-z]{2,30}?(?:网站|网|门户|平台|专栏|网页))\s*$")
SITE_LEAD = re.compile(r".*(?:从|在|通过|登录|访问|于|至|到|可在|可从|查阅|浏览|见)")


def _site_value(s: str, a: int, b: int, clause_start: int) -> str:
    """A URL with the site name written right before it: ``上海市人民政府网站(www.shanghai.gov.cn)``."""
    url = re.sub(r"\s+", "", s[a:b]).rstrip("/.") if s[a:b].endswith(".") else re.sub(r"\s+", "", s[a:b])
    before = s[clause_start:a]
    bracket = re.search(r"[(（]\s*(?:网址[:：]?)?\s*$", before)
    if not bracket:
        return url
    name_part = before[: bracket.start()]
    lead = SITE_LEAD.match(name_part)
    if lead:
        name_part = name_part[lead.end() :]
    m = SITE_NAME.search(name_part)
    if not m:
        return url
    close = s[b : b + 3]
    closing = ")" if re.match(r"\s*[)）]", close) else ""
    return f"{m.group(1)}({s[a:b].strip()}{closing}" if closing else f"{m.group(1)}({url})"


def _distribute(cands: list[Candidate], s: str) -> None:
    """Values listed after "A和B分别…" get one item each; values with no words of their own inherit their neighbour's."""
    for i, c in enumerate(cands):
        if c.vtype != VType.NUMBER:
            continue
        stripped = CONNECTIVES.sub("", re.sub(r"[\s、,，:：(（)）]", "", c.head))
        if stripped or i == 0:
            continue
        prev = cands[i - 1]
        if prev.vtype == VType.NUMBER and s[prev.pos : c.pos].count("。") == 0 and c.pos - prev.pos < 40:
            c.head = prev.head
            c.context = prev.context
    # "引发行政复议1件、引发行政诉讼2件": the words leading a list label each of its items (as context)
    for i, c in enumerate(cands[1:], start=1):
        prev = cands[i - 1]
        if (
            c.vtype == VType.NUMBER
            and prev.vtype == VType.NUMBER
            and LIST_ITEM.match(s, prev.pos + len(prev.value))
            and s[prev.pos : c.pos].count("。") == 0
            and prev.head not in c.context
        ):
            shared = prev.context if prev.context.startswith(c.context) else c.context + prev.context
            c.context = shared + prev.head
            c.at = (c.at[0], c.at[1], -1)
    # A和B分别…v1、v2: give each value its own item
    i = 0
    while i < len(cands):
        c = cands[i]
        m = _ITEM_LIST.search(c.head) if c.vtype == VType.NUMBER else None
        if not m:
            i += 1
            continue
        items = [x for x in re.split(COORDINATION, m.group(1)) if x]
        run = [c]
        j = i + 1
        while j < len(cands) and cands[j].vtype == VType.NUMBER and cands[j].head == c.head:
            run.append(cands[j])
            j += 1
        if len(run) == len(items) >= 2:
            for k, cand in enumerate(run):
                cand.head = cand.head[: m.start(1)] + items[k] + cand.head[m.end() :]
        i = j
