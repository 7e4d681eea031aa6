"""The vocabulary of issuer names, read from the data files beside this module (``data/``).

* ``organs.tsv`` — organs of government with their standard short forms and class
  (government, office, department, zone …);
* ``generic.txt`` — words that name no body in particular (政府, 办公室, 信息公开 …);
* ``place_units.tsv`` — administrative unit suffixes with their level (省 1, 市 2, 县 3, 镇 4 …).

>>> v = vocabulary()
>>> v.organs["卫生健康委员会"].shorts
('卫健委',)
>>> v.is_generic("政府办"), v.is_generic("卫健委")
(True, False)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

#: Organ classes (``organs.tsv``); a place's own body and its office form the "government family".
GOVERNMENT = "government"
OFFICE = "office"
DEPARTMENT = "department"
INSTITUTION = "institution"
ZONE = "zone"
ORGAN_CLASSES = (GOVERNMENT, OFFICE, DEPARTMENT, INSTITUTION, ZONE)

#: Endings of organ names not in ``organs.tsv`` (the class of an unknown organ, and where its core ends).
DEPARTMENT_ENDINGS = (
    "委员会",
    "管理局",
    "总局",
    "局",
    "厅",
    "部",
    "委",
    "办公室",
    "办",
    "署",
    "中心",
    "处",
    "站",
    "所",
    "院",
    "会",
)
INSTITUTION_ENDINGS = ("大学", "学院", "学校", "医院", "研究院", "研究所")


@dataclass(frozen=True)
class Organ:
    """One organ of ``organs.tsv``: full name, its short forms, its class."""

    name: str
    shorts: tuple[str, ...]
    cls: str


@dataclass(frozen=True)
class PlaceUnit:
    """One suffix of ``place_units.tsv``."""

    suffix: str
    level: int
    kind: str  # "admin" or "township"


@dataclass(frozen=True)
class Vocabulary:
    """Everything the data files say."""

    organs: dict[str, Organ]
    generic: frozenset[str]
    units: tuple[PlaceUnit, ...]  # longest suffix first

    def is_generic(self, word: str) -> bool:
        return word in self.generic

    @property
    def zone_types(self) -> tuple[str, ...]:
        """Zone kinds (经济技术开发区, 综合实验区 …), longest first."""
        return tuple(sorted((o.name for o in self.organs.values() if o.cls == ZONE), key=len, reverse=True))

    def organ_for(self, name: str) -> Organ | None:
        """The organ of ``organs.tsv`` that ``name`` is, or ends with (longest match), or None."""
        if name in self.organs:
            return self.organs[name]
        for size in range(len(name) - 1, 1, -1):
            found = self.organs.get(name[-size:])
            if found is not None and found.cls != ZONE:
                return found
        return None


def _rows(path: Path) -> list[list[str]]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = [c.strip() for c in line.split("\t")]
        if not cells[0]:
            raise ValueError(f"{path.name} line {n}: empty first column")
        rows.append(cells)
    return rows


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The vocabulary, read once per process; a malformed data file raises ValueError naming its line."""
    organs: dict[str, Organ] = {}
    for n, cells in enumerate(_rows(DATA_DIR / "organs.tsv"), 1):
        if len(cells) != 3 or cells[2] not in ORGAN_CLASSES:
            raise ValueError(f"organs.tsv entry {n} ({cells[0]}): expected name, short forms, class {ORGAN_CLASSES}")
        shorts = tuple(s for s in cells[1].split("|") if s and s != cells[0])
        organs[cells[0]] = Organ(cells[0], shorts, cells[2])
    generic = frozenset(line[0] for line in _rows(DATA_DIR / "generic.txt"))
    units = []
    for cells in _rows(DATA_DIR / "place_units.tsv"):
        if len(cells) != 3 or not cells[1].isdigit():
            raise ValueError(f"place_units.tsv: malformed entry {cells}")
        units.append(PlaceUnit(cells[0], int(cells[1]), cells[2]))
    units.sort(key=lambda u: len(u.suffix), reverse=True)
    return Vocabulary(organs, generic, tuple(units))
