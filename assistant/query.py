"""Question analysis: what kind of value is asked for, and which issuer and year are named.

Issuers are matched against the catalogue, tolerant of short forms: a catalogue issuer
``南京市高淳区人民政府`` is named by ``高淳区`` or ``高淳``; ``常州市机关事务管理局`` by
``常州机关事务局``. A place or body the question names that matches no indexed issuer is
reported in ``unknown_mentions`` so the answerer can abstain instead of answering from
another body's report.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from index.storage.catalogue import ReportRecord
from index.text.searchform import fold_query

YEAR_IN_QUESTION = re.compile(r"((?:19|20)\d{2})\s*年")
ADMIN_SEGMENT = re.compile(r"([\u4e00-\u9fff]{2,}?)(省|自治区|特别行政区|市|自治州|州|盟|地区|区|县|旗|街道|镇|乡)")
# A place named in a question: 2+ characters then an administrative suffix.
PLACE_MENTION = re.compile(
    r"(?:^|(?<=[\d年,，。?？“”\"《》、\s的在按对和与及据]))(?![年的在按对和与及据])"
    r"([\u4e00-\u9fff]{2,5}?)(省|市|区|县|盟|旗|街道)"
)
NEXT_SEGMENT = re.compile(r"([\u4e00-\u9fff]{2,5}?)(区|县|市|旗|街道|镇|乡)")
ADMIN_LEVEL = {"省": 1, "自治区": 1, "市": 2, "州": 2, "盟": 2, "区": 3, "县": 3, "旗": 3, "街道": 4, "镇": 4, "乡": 4}
GENERIC_PLACES = {
    "全市", "本市", "我市", "该市", "全区", "本区", "我区", "该区", "全县", "本县", "我县", "全省", "本省",
    "市政府", "区政府", "县政府", "省政府", "地级城市", "城市", "社区", "小区", "辖区", "城区", "园区",
    "开发区", "新区", "市级", "区级", "县级", "省级", "全国",
}
ORG_SUFFIXES = (
    "人民政府办公室", "人民政府办公厅", "政府办公室", "政府办公厅", "人民政府", "政府",
)
GENERIC_ORG_WORDS = ("人民政府", "政府", "办公室", "办公厅", "办事处")

KIND_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("fax", re.compile(r"传真")),
    ("email", re.compile(r"邮箱|电子邮件|e-?mail", re.I)),
    ("postcode", re.compile(r"邮编|邮政编码")),
    ("phone", re.compile(r"电话|热线|拨打|联系方式|号码")),
    ("website", re.compile(r"网址|哪个网站|什么网站|哪个网|电子版|下载|全文|在哪.{0,4}(?:查|看|阅|找到|公开)")),
    ("address", re.compile(r"地址|在哪里|在哪儿|位于|去哪")),
    ("period", re.compile(r"统计期限|统计时限|统计期间|统计周期|时间段|哪段时间")),
    ("date", re.compile(r"哪天|哪一天|什么时候|何时|日期|发布时间|印发|发布于|哪年哪月")),
    ("fee", re.compile(r"收费|费用|信息处理费|收取|花钱|要钱|免费")),
    ("problem", re.compile(r"问题|不足|短板|差距|改进|整改")),
    ("count", re.compile(r"多少|几[件条次个项场篇名人份期部家]|几|数量|总量|有没有|是否.*(?:收到|结转)|收到.*了吗|访问量|答复率|比例|占比|第几")),
]
# "多少件 / 几条 ...": a count with its unit, which outranks contact words ("热线办件有多少件").
COUNT_WITH_UNIT = re.compile(r"(?:多少|几)\s*(?:件|条|次|个|项|场|篇|名|人次|份|期|家|批|万)")
CONTACT_KINDS = {"phone", "fax", "email", "postcode", "website", "address"}


@dataclass
class QueryAnalysis:
    """The parsed question."""

    question: str
    folded: str
    kinds: list[str]
    year: int | None
    issuer_mentioned: bool
    report_ids: list[str]  # reports of the named issuer (and year), best first; empty = any
    issuers: list[str] = field(default_factory=list)
    unknown_mentions: list[str] = field(default_factory=list)
    missing_year: bool = False  # the issuer is indexed, but not for the year asked

    @property
    def kind(self) -> str:
        return self.kinds[0] if self.kinds else "general"


def detect_kinds(folded: str) -> list[str]:
    """Every kind the question asks for, most specific first (``地址和邮编`` -> address, postcode)."""
    kinds = [name for name, pattern in KIND_PATTERNS if pattern.search(folded)]
    if COUNT_WITH_UNIT.search(folded) and "count" in kinds:
        return ["count"]
    if "fee" in kinds and ("count" in kinds) and not re.search(r"收费|费", folded):
        kinds.remove("fee")
    if "address" in kinds and ("website" in kinds):
        kinds.remove("address")  # "在哪个网站下载" asks for a website
    if "phone" in kinds and "fax" in kinds:
        kinds.remove("phone")
    if "date" in kinds and "period" in kinds:
        kinds.remove("date")
    contact = [k for k in kinds if k in CONTACT_KINDS]
    if contact:
        if "address" in contact and "postcode" in contact:
            contact = ["address", "postcode"] + [k for k in contact if k not in ("address", "postcode")]
        return contact
    for exclusive in ("period", "date", "fee", "problem", "count"):
        if exclusive in kinds:
            return [exclusive]
    return ["general"]


def issuer_aliases(issuer: str) -> tuple[list[str], str]:
    """Place stems (``南京``, ``高淳``) and the body part (``机关事务管理局``) of an issuer name."""
    places: list[str] = []
    rest = issuer
    pos = 0
    for m in ADMIN_SEGMENT.finditer(issuer):
        if m.start() != pos:
            break
        places.append(m.group(1))
        pos = m.end()
    rest = issuer[pos:]
    return places, rest


def _subsequence_ratio(needle: str, hay: str) -> float:
    """Share of ``needle``'s characters found in order in ``hay`` (``机关事务局`` in ``机关事务管理局``)."""
    if not needle:
        return 0.0
    i = 0
    for ch in hay:
        if i < len(needle) and ch == needle[i]:
            i += 1
    return i / len(needle)


def issuer_score(issuer: str, folded_question: str) -> float:
    """How strongly the question names this issuer (0 = not at all)."""
    if not issuer:
        return 0.0
    if issuer in folded_question:
        return 100.0 + len(issuer)
    places, body = issuer_aliases(issuer)
    segments = {m.group(2): m.group(1) for m in ADMIN_SEGMENT.finditer(issuer[: sum(len(p) + 1 for p in places) + 2])}
    for mention in place_mentions(folded_question):
        m = ADMIN_SEGMENT.fullmatch(mention)
        if m and m.group(2) in segments and segments[m.group(2)] not in m.group(1) and m.group(1) not in segments.values():
            return 0.0  # the question names another district/county of the same level
    score = 0.0
    for stem in places:
        if stem in folded_question:
            score += 10 + len(stem)
    body_core = body
    for generic in GENERIC_ORG_WORDS:
        body_core = body_core.replace(generic, "")
    if body_core:
        # the body named in its own words, e.g. 机关事务局 / 生态环境局 / 交通运输部
        best = 0.0
        for m in re.finditer(r"[\u4e00-\u9fff]{2,}", folded_question):
            best = max(best, _longest_common_run(body_core, m.group(0)))
        if best >= 2:
            score += 4 * best
            if best >= len(body_core) * 0.7 or _body_mention(body_core, folded_question):
                score += 10
    elif score:
        # government issuer: prefer 人民政府 over 人民政府办公室 unless the office is named
        office = any(w in body for w in ("办公室", "办公厅"))
        named_office = bool(re.search(r"办公室|办公厅|政府办", folded_question))
        score += 3 if office == named_office else 0
    return score


def _body_mention(body: str, question: str) -> bool:
    """The body's name written short: ``机关事务局`` for ``机关事务管理局``."""
    for m in re.finditer(r"[\u4e00-\u9fff]{3,}?(?:局|厅|部|委|委员会|办|中心|处)", question):
        if _subsequence_ratio(m.group(0)[-min(len(m.group(0)), 8):], body) >= 0.8 and m.group(0)[-1] == body[-1]:
            return True
    return False


def _longest_common_run(a: str, b: str) -> int:
    best = 0
    for i in range(len(a)):
        for j in range(len(b)):
            k = 0
            while i + k < len(a) and j + k < len(b) and a[i + k] == b[j + k]:
                k += 1
            best = max(best, k)
    return best


def place_mentions(folded: str) -> list[str]:
    """Places a question names (``高淳区``, ``北京市``), without generic ones (``全市``)."""
    out = []
    for m in PLACE_MENTION.finditer(folded):
        pos = m.start()
        match: re.Match[str] | None = m
        while match is not None:
            word, stem = match.group(1) + match.group(2), match.group(1)
            if word in GENERIC_PLACES or stem in GENERIC_PLACES or stem.endswith(("全", "本", "我", "该")):
                break
            if any(g in word for g in ("政府", "门户", "网站", "人民")):
                break
            out.append(word)
            pos += len(match.group(0))
            # a following, lower-level segment of the same name: 武汉市 -> 汉阳区
            level = ADMIN_LEVEL.get(match.group(2), 9)
            match = NEXT_SEGMENT.match(folded, pos)
            if match is not None and ADMIN_LEVEL.get(match.group(2), 0) <= level:
                match = None
    return list(dict.fromkeys(out))


def analyse(
    question: str,
    reports: list[ReportRecord],
    *,
    issuer: str | None = None,
    year: int | None = None,
    context: dict[str, object] | None = None,
    text_of: Callable[[str], str] | None = None,
) -> QueryAnalysis:
    """Analyse ``question`` against the indexed ``reports``.

    ``issuer``/``year`` are explicit filters (UI); ``context`` holds the previous turn's
    ``issuer``/``year`` for follow-ups such as ``那传真呢？``; ``text_of`` gives a report's search
    text, asked only for reports whose issuer could not be read.
    """
    folded = fold_query(question)
    kinds = detect_kinds(folded)
    years = [int(y) for y in YEAR_IN_QUESTION.findall(folded)]
    asked_year = year if year is not None else (years[0] if years else None)

    scored: list[tuple[float, ReportRecord]] = []
    target = fold_query(issuer) if issuer else folded
    for r in reports:
        s = issuer_score(r.issuer or "", target)
        if s > 0:
            scored.append((s, r))
    issuer_mentioned = bool(scored)
    unknown: list[str] = []
    if scored:
        top = max(s for s, _ in scored)
        if asked_year is not None:
            # the best-named issuer *of that year*, when the top issuer has no report that year
            of_year = [(s, r) for s, r in scored if r.year == asked_year and s >= 10]
            if of_year and not any(r.year == asked_year for s, r in scored if s >= top - 1e-9):
                top = max(s for s, _ in of_year)
                scored = of_year
        chosen = [r for s, r in scored if s >= top - 1e-9]
    else:
        chosen = []
        mentions = place_mentions(folded)
        if issuer:
            unknown.append(issuer)
        elif mentions:
            # a place no indexed issuer carries: only reports whose issuer could not be read
            # (issuer None) may still be about it, when their own text names the place
            nameless = [
                r for r in reports
                if not r.issuer and text_of is not None and any(m in text_of(r.id) for m in mentions)
            ]
            if nameless:
                chosen = nameless
                issuer_mentioned = True
            else:
                unknown = mentions
        elif context and context.get("issuer"):
            chosen = [r for r in reports if r.issuer == context.get("issuer")]
            issuer_mentioned = bool(chosen)
            if asked_year is None and context.get("year"):
                asked_year = int(context["year"])  # type: ignore[call-overload]

    missing_year = False
    missing_issuers: list[str] = []
    span = sorted(set(years)) if year is None and len(set(years)) >= 2 else []
    if chosen and span:
        # "2021年到2023年" / "2021年和2022年": every report of the issuer in that range
        in_range = [r for r in chosen if r.year is not None and span[0] <= r.year <= span[-1]]
        if in_range:
            chosen = in_range
            asked_year = None
    if chosen and asked_year is not None:
        same_year = [r for r in chosen if r.year == asked_year]
        if same_year:
            chosen = same_year
        else:
            missing_year = True
            missing_issuers = sorted({r.issuer or "" for r in chosen})
            chosen = []
    elif not chosen and asked_year is not None and not unknown:
        chosen = [r for r in reports if r.year == asked_year]
    chosen.sort(key=lambda r: -(r.year or 0))
    return QueryAnalysis(
        question=question,
        folded=folded,
        kinds=kinds,
        year=asked_year,
        issuer_mentioned=issuer_mentioned,
        report_ids=[r.id for r in chosen],
        issuers=sorted({r.issuer or "" for r in chosen}) or missing_issuers,
        unknown_mentions=unknown,
        missing_year=missing_year,
    )
