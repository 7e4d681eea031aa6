"""The names a report can be asked by, read from its issuer's name (and, for a report that never names
itself, the places its text mentions).

An issuer name is read left to right as a chain of places and then an organ:

* places, outer to inner: a division the gazetteer knows (``南京市``, ``高淳区``, ``乌拉特中旗``), a
  development zone (``平潭综合实验区``, ``福州片区``; the kinds are zone rows of ``organs.tsv``), a
  township or street (``西关街道``, ``水头镇``, ``巴音乌兰苏木``) or an unknown division with an
  administrative suffix (``示例市``) — each with its stem (``南京``, ``平潭``, ``西关``) and level
  (1 province, 2 prefecture, 3 county, 4 township; zones are a kind of their own at level 3);
  ``人民政府`` between a district and a street is a connector (``东丽区人民政府东丽湖街道办事处``);
  a bracketed place qualifies the name (``临空经济区(廊坊)``), a bracketed organ is a second name
  (``…片区管理委员会(福州保税港区管理委员会)``);
* the places the name does not write are implied by the gazetteer (``沭阳县`` -> 宿迁市, 江苏省);
* the organ is the rest (``机关事务管理局``; nothing means the place's own government: 人民政府, or
  管理委员会 for a zone, 办事处 for a street), with its class and the forms a citizen writes for it:
  the short forms of ``organs.tsv`` (``卫健委``), ``X管理局`` -> ``X局``, ``X委员会`` -> ``X委``, ``和``
  dropped (``发展改革局``), and its core without the organ ending when that is distinctive
  (``机关事务``).

One module: reading a name into places and an organ is one left-to-right scan whose steps (known
division, zone, township, unknown division, organ and its short forms) decide between each other.

>>> name = split_issuer("南京市高淳区人民政府")
>>> [(p.name, p.stem, p.level) for p in name.places], name.organ, name.organ_class
([('南京市', '南京', 2), ('高淳区', '高淳', 3)], '人民政府', 'government')
>>> [p.name for p in name.ancestors]
['江苏省']
>>> split_issuer("上海市科学技术委员会").organ_keys
('科学技术委员会', '科委', '科学技术委', '科学技术')
>>> p = split_issuer("西安市莲湖区西关街道办事处").places[-1]; (p.name, p.stem, p.level, p.kind)
('西关街道', '西关', 4, 'township')
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from index.identity.vocab import (
    DEPARTMENT,
    DEPARTMENT_ENDINGS,
    GOVERNMENT,
    INSTITUTION,
    INSTITUTION_ENDINGS,
    OFFICE,
    ZONE,
    vocabulary,
)
from index.parse.gazetteer import Unit, gazetteer
from index.text.searchform import fold_query

log = logging.getLogger(__name__)

CJK = "\u4e00-\u9fff"
ADMIN = "admin"
TOWNSHIP = "township"
ZONE_LEVEL = 3
NATIONAL_PREFIX = "中华人民共和国"
#: Words that end a place's stem: an organ inside the stem means the "place" is not one.
_NOT_IN_STEM = ("政府", "委员会", "管委会", "办公室", "办事处", "局", "厅", "部", "和", "与", "及")
#: A "township" whose stem starts with a collective word or ends in a unit is a common noun (各乡镇, 全县街道).
_COLLECTIVE = re.compile(r"^(?:各|全|本|该|每|所有|下辖|辖区)|[乡镇]$")
#: Stems of a "division" that are question or deictic words, not names (哪个区, 这个县, 所在市, 其他区).
_NOT_A_NAME = re.compile(
    r"^(?:哪|这|那|各|全|本|该|我|每|其他|其它|所在|当地|本地|外地|所有|下辖|辖区|什么)|[省市县区乡镇]"
)
_BRACKETS = re.compile(r"\(([^()]{1,40})\)")
_GOVERNMENT_HEAD = re.compile(r"^(?:人民政府|政府|办事处|党政|党委|党工委|管理委员会|管委会|\(|$)")


@dataclass(frozen=True)
class Place:
    """A place of an issuer's chain: ``name`` identifies it, ``keys`` are the forms that name it."""

    name: str
    stem: str
    level: int
    kind: str  # "admin", "township" or "zone"
    known: bool = False  # in the gazetteer
    keys: tuple[str, ...] = ()

    def all_keys(self) -> tuple[str, ...]:
        """The name, its stem (when distinctive) and any other form (``平潭实验区``)."""
        out = [self.name]
        if self.stem and self.stem != self.name and len(self.stem) >= 2 and not vocabulary().is_generic(self.stem):
            out.append(self.stem)
        out.extend(self.keys)
        return tuple(dict.fromkeys(out))


@dataclass(frozen=True)
class IssuerName:
    """An issuer name read into places and organ (see the module docstring)."""

    full: str
    places: tuple[Place, ...]
    ancestors: tuple[Place, ...]
    organ: str
    organ_class: str
    organ_keys: tuple[str, ...]
    aliases: tuple[str, ...] = field(default_factory=tuple)
    alternate_places: tuple[Place, ...] = ()  # places of a bracketed second name (福州保税港区)

    @property
    def deepest(self) -> Place | None:
        """The most specific place the name writes (the last of the chain)."""
        return self.places[-1] if self.places else None


# ---------------------------------------------------------------------------------------------- reading


def fold_name(name: str) -> str:
    """A name as questions are folded (simplified, half-width), without spaces."""
    return re.sub(r"\s+", "", fold_query(name))


def _unit_level(units: tuple[Unit, ...], prior: list[Place]) -> int:
    levels = sorted({u.level for u in units})
    above = max((p.level for p in prior if p.kind == ADMIN), default=0)
    deeper = [lvl for lvl in levels if lvl > above]
    return deeper[0] if deeper else levels[0]


def _known_at(s: str, pos: int, prior: list[Place]) -> Place | None:
    gaz = gazetteer()
    for size in range(min(12, len(s) - pos), 1, -1):
        cand = s[pos : pos + size]
        found = gaz.units.get(cand)
        if found:
            for kind in vocabulary().zone_types:  # 两江新区, 苏州工业园区: zones the gazetteer lists
                if cand.endswith(kind) and len(cand) > len(kind) + 1:
                    zone = _zone_at(cand, 0)
                    if zone is not None and zone.name == cand:  # a division: admin, with the zone's stem
                        return Place(zone.name, zone.stem, _unit_level(found, prior), ADMIN, True, zone.keys)
            return Place(cand, gaz.stem_of.get(cand, cand), _unit_level(found, prior), ADMIN, known=True)
    return None


@lru_cache(maxsize=1)
def _zone_pattern() -> re.Pattern[str]:
    kinds = "|".join(re.escape(z) for z in vocabulary().zone_types)
    return re.compile(rf"([{CJK}]{{1,14}}?)({kinds})")


@lru_cache(maxsize=1)
def _township_pattern() -> re.Pattern[str]:
    suffixes = "|".join(re.escape(u.suffix) for u in vocabulary().units if u.kind == TOWNSHIP)
    return re.compile(rf"([{CJK}]{{2,8}}?)({suffixes})")


@lru_cache(maxsize=1)
def _admin_pattern() -> re.Pattern[str]:
    suffixes = "|".join(re.escape(u.suffix) for u in vocabulary().units if u.kind == ADMIN)
    return re.compile(rf"([{CJK}]{{2,6}}?)({suffixes})")


def _level_of_suffix(suffix: str) -> int:
    for unit in vocabulary().units:
        if unit.suffix == suffix:
            return unit.level
    return 3


def _stem_ok(stem: str) -> bool:
    return not any(word in stem for word in _NOT_IN_STEM)


def _zone_at(s: str, pos: int) -> Place | None:
    m = _zone_pattern().match(s, pos)
    if not m or not _stem_ok(m.group(1)):
        return None
    stem, kind = m.group(1), m.group(2)
    organ = vocabulary().organs[kind]
    keys = [stem + short for short in organ.shorts if len(stem) >= 2]
    # the kind alone names the zone too (临空经济区管委会), where it is more than a word (not 新区, 园区)
    keys += [k for k in (kind, *organ.shorts) if len(k) >= 3]
    return Place(stem + kind, stem, ZONE_LEVEL, ZONE, keys=tuple(keys))


def _rest_is_organ(rest: str) -> bool:
    v = vocabulary()
    return (
        not rest
        or v.organ_for(rest) is not None
        or rest.endswith(DEPARTMENT_ENDINGS + INSTITUTION_ENDINGS)
        or bool(_GOVERNMENT_HEAD.match(rest))
    )


def _place_at(s: str, pos: int, prior: list[Place]) -> Place | None:
    """The place that starts at ``pos`` of an issuer name, or None where the organ begins."""
    known = _known_at(s, pos, prior)
    zone = _zone_at(s, pos)
    if zone and (known is None or len(zone.name) > len(known.name)):
        return zone
    if known:
        return known
    m = _township_pattern().match(s, pos)
    if m and _stem_ok(m.group(1)):
        rest = s[m.end() :]
        if _GOVERNMENT_HEAD.match(rest) or _place_follows(s, m.end(), prior):
            return Place(m.group(0), m.group(1), 4, TOWNSHIP)
    m = _admin_pattern().match(s, pos)
    if m and _stem_ok(m.group(1)):
        rest = s[m.end() :]
        level = _level_of_suffix(m.group(2))
        if _place_follows(s, m.end(), prior) or (_rest_is_organ(rest) and (rest or not prior)):
            return Place(m.group(0), m.group(1), level, ADMIN)
    return None


def township_at(s: str, pos: int) -> Place | None:
    """A township or street written at ``pos`` (``淳溪街道``, ``水头镇``), by its unit suffix alone.

    >>> township_at("高淳区淳溪街道2022年", 3).name
    '淳溪街道'
    >>> township_at("高淳区住房和城乡建设局", 3) is None, township_at("高淳区各乡镇", 3) is None
    (True, True)
    """
    m = _township_pattern().match(s, pos)
    if not m or not _stem_ok(m.group(1)) or _COLLECTIVE.search(m.group(1)):
        return None
    return Place(m.group(0), m.group(1), 4, TOWNSHIP)


def division_at(s: str, pos: int) -> Place | None:
    """A county, city or province written at ``pos`` by its unit suffix alone (``示例县``), whether or
    not the gazetteer knows it; a stem that is a question or collective word (哪个区, 全市) is none.

    >>> p = division_at("示例县统计局的电话", 0); (p.name, p.level, p.kind)
    ('示例县', 3, 'admin')
    >>> division_at("哪个区政府", 0) is None
    True
    """
    m = _admin_pattern().match(s, pos)
    if not m or not _stem_ok(m.group(1)) or _NOT_A_NAME.search(m.group(1)):
        return None
    return Place(m.group(0), m.group(1), _level_of_suffix(m.group(2)), ADMIN)


def _place_follows(s: str, pos: int, prior: list[Place]) -> bool:
    if pos >= len(s):
        return False
    if _known_at(s, pos, prior) or _zone_at(s, pos):
        return True
    m = _township_pattern().match(s, pos)
    return bool(m and _stem_ok(m.group(1)) and _GOVERNMENT_HEAD.match(s[m.end() :]))


def read_places(s: str) -> tuple[list[Place], str]:
    places: list[Place] = []
    pos = 0
    while pos < len(s):
        place = _place_at(s, pos, places)
        if place is None and places and s.startswith("人民政府", pos):
            after = _place_at(s, pos + 4, places)  # 东丽区人民政府东丽湖街道办事处
            if after is not None and after.kind in (TOWNSHIP, ZONE):
                pos += 4
                continue
        if place is None:
            break
        places.append(place)
        pos += len(place.name)
    return places, s[pos:]


def _qualifier_place(word: str, prior: list[Place]) -> Place | None:
    gaz = gazetteer()
    if word in gaz.units:
        return _known_at(word, 0, prior)
    full = gaz.stems.get(word)
    if full:
        units = [u for name in full for u in gaz.units[name]]
        best = min(units, key=lambda u: u.level)
        return Place(best.name, word, best.level, ADMIN, known=True)
    places, rest = read_places(word)
    return places[0] if len(places) == 1 and not rest else None


def _ancestors(places: list[Place]) -> list[Place]:
    """Places the gazetteer implies above the written ones (province, city of a county)."""
    gaz = gazetteer()
    written = {p.name for p in places}
    out: list[Place] = []
    for place in places:
        units = gaz.units.get(place.name, ())
        if not units and place.kind == ZONE and place.stem in gaz.stems:
            # a zone named after its county or city (平潭综合实验区 -> 平潭县)
            names = gaz.stems[place.stem]
            units = tuple(u for n in names for u in gaz.units[n])
            best = min(units, key=lambda u: u.level)
            if best.name not in written:
                out.append(Place(best.name, place.stem, best.level, ADMIN, known=True))
                written.add(best.name)
            units = (best,)
        if not units:
            continue
        chosen = [u for u in units if u.city in written or u.province in written] or list(units)
        if len({(u.province, u.city) for u in chosen}) != 1:
            continue  # 鼓楼区 of several cities, none written
        unit = chosen[0]
        for parent, level in ((unit.province, 1), (unit.city, 2)):
            if parent and parent not in written:
                out.append(Place(parent, gaz.stem_of.get(parent, parent), level, ADMIN, known=True))
                written.add(parent)
    return sorted(out, key=lambda p: p.level)


def _organ_keys(organ: str) -> tuple[str, str, tuple[str, ...]]:
    """The organ's class, and the forms that name it (full, short forms, derived forms, core)."""
    v = vocabulary()
    entry = v.organ_for(organ)
    keys = [organ]
    if entry is not None:
        prefix = organ[: len(organ) - len(entry.name)]
        cls = entry.cls
        keys.extend(prefix + short for short in entry.shorts)
    elif organ.endswith(INSTITUTION_ENDINGS):
        cls = INSTITUTION
    else:
        cls = DEPARTMENT
    if cls in (DEPARTMENT, INSTITUTION) and not distinctive(organ):
        cls = OFFICE  # 人民政府办公室政府信息公开中心: a government's own office, however it is called
    if cls in (DEPARTMENT, INSTITUTION):
        if organ.endswith("管理局") and len(organ) > 4:
            keys.append(organ[:-3] + "局")
        if organ.endswith("委员会") and len(organ) > 4:
            keys.append(organ[:-3] + "委")
        if "和" in organ[1:-1]:
            keys.append(organ.replace("和", ""))
        for ending in DEPARTMENT_ENDINGS:
            core = organ[: -len(ending)]
            if organ.endswith(ending) and len(core) >= 3 and distinctive(core):
                keys.append(core)
                break
        # a distinctive head before a generic office (中国科学院大学信息公开办公室 -> 中国科学院大学)
        for generic in sorted(v.generic, key=len, reverse=True):
            head = organ[: -len(generic)]
            if organ.endswith(generic) and len(head) >= 3 and distinctive(head):
                keys.append(head)
                break
    return organ, cls, tuple(dict.fromkeys(k for k in keys if k))


def distinctive(word: str) -> bool:
    """Whether ``word`` names something in particular: two or more of its characters are in no generic
    word (``generic.txt``: 人民政府, 办公室, 政府信息公开 …; overlapping occurrences all count).

    >>> distinctive("人民政府办公室政府信息公开"), distinctive("机关事务局"), distinctive("政府办")
    (False, True, False)
    """
    covered = [False] * len(word)
    for generic in _generic_longest_first():
        start = word.find(generic)
        while start != -1:
            for i in range(start, start + len(generic)):
                covered[i] = True
            start = word.find(generic, start + 1)
    return covered.count(False) >= 2


@lru_cache(maxsize=1)
def _generic_longest_first() -> tuple[str, ...]:
    return tuple(sorted(vocabulary().generic, key=len, reverse=True))


@lru_cache(maxsize=4096)
def split_issuer(issuer: str) -> IssuerName:
    """Read an issuer name into its places and organ (see the module docstring)."""
    full = fold_name(issuer)
    if not full:
        raise ValueError("issuer name is empty")
    v = vocabulary()
    main = full
    qualifiers: list[str] = []
    alternates: list[str] = []
    for m in _BRACKETS.finditer(full):
        inner = m.group(1)
        if v.organ_for(inner) is not None or inner.endswith(DEPARTMENT_ENDINGS + INSTITUTION_ENDINGS):
            alternates.append(inner)
        else:
            qualifiers.append(inner)
    main = _BRACKETS.sub("", full)
    aliases = [full]
    if main != full:
        aliases.append(main)
    if main.startswith(NATIONAL_PREFIX) and len(main) > len(NATIONAL_PREFIX) + 1:
        main = main[len(NATIONAL_PREFIX) :]
        aliases.append(main)
    places, organ = read_places(main)
    for word in qualifiers:
        q = _qualifier_place(word, places)
        if q is None:
            continue
        # a qualified zone is also named by the qualifier: 中国(福建)自由贸易试验区 -> 福建自贸区
        for i, place in enumerate(places):
            if place.kind == ZONE:
                kind = place.name[len(place.stem) :]
                extra = [q.stem + kind, *(q.stem + s for s in v.organs[kind].shorts)]
                places[i] = Place(place.name, place.stem, place.level, place.kind, place.known, (*place.keys, *extra))
                break
        if q.name not in {p.name for p in places}:
            places.insert(0, q) if q.level <= min((p.level for p in places), default=9) else places.append(q)
    alternate_places: list[Place] = []
    for alternate in alternates:
        other = split_issuer(alternate)
        aliases.append(other.full)
        alternate_places.extend(p for p in other.places if p.name not in {x.name for x in places})
    if not organ:
        deepest = places[-1] if places else None
        if deepest is not None and deepest.kind == ZONE:
            organ = "管理委员会"
        elif deepest is not None and deepest.name.endswith("街道"):
            organ = "办事处"
        else:
            organ = "人民政府"
    organ, cls, keys = _organ_keys(organ)
    if cls == ZONE:
        cls = GOVERNMENT
    return IssuerName(
        full=full,
        places=tuple(places),
        ancestors=tuple(_ancestors(places)),
        organ=organ,
        organ_class=cls,
        organ_keys=keys,
        aliases=tuple(dict.fromkeys(aliases)),
        alternate_places=tuple(alternate_places),
    )


# ---------------------------------------------------------------------------------------------- text places


@lru_cache(maxsize=1)
def _place_automaton() -> object:
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for name in gazetteer().units:
        if len(name) >= 3:
            automaton.add_word(name, name)
    if len(automaton) == 0:
        return None
    automaton.make_automaton()
    return automaton


def text_places(search_text: str, limit: int = 30) -> list[str]:
    """Divisions the text names (full names the gazetteer knows), most mentioned first.

    For a report that never names itself (``我局``), these are the words a question may find it by.
    """
    automaton = _place_automaton()
    if automaton is None:
        return []
    counts: Counter[str] = Counter(name for _, name in automaton.iter(search_text))  # type: ignore[attr-defined]  # pyahocorasick ships no stubs
    return [name for name, _ in counts.most_common(limit)]
