"""Which reports a question is about: issuers by evidence, through an index of their names.

The names of every report (:mod:`index.identity`: full name, places with stems and levels, implied
ancestors, organ and its short forms) are read once per catalogue generation into an
:class:`IssuerIndex`: an Aho–Corasick automaton over every form that names a place or an organ
(the indexed ones and every division of the gazetteer, so an unindexed place is recognised too),
and posting lists from each place or organ to the bodies that carry it. A question is read once by
the automaton; only the bodies its words point to are scored, so no question scans every report.
One module because the index, the scoring rules and the scope they produce share private types
(:class:`Body`, :class:`Mention`, ``_Question``) that no other module should see.

Rules (:func:`resolve_reports`):

* Only distinctive parts decide: a place (``高淳区``, ``高淳``, ``平潭``) or a distinctive organ form
  (``卫健委``, ``机关事务局``, ``商务部``). Generic words (人民政府, 政府办, 办公室, 信息公开 …,
  ``generic.txt``) never make a body a candidate; they only rank (政府办 prefers a government's office).
* A question naming another place of the same level contradicts a body (``江宁区`` is not
  ``高淳区``); naming a place below the body's deepest one (``清江浦区`` for 淮安市人民政府) leaves it out
  too. Bodies whose own deepest place is named beat their sub-units and parents. An organ named
  right after a place is that place's (``扬州市卫健委``, ``扬州市政府``): a body of a place below it
  (the county's 卫健委) is not it, and the question is about a body that is not indexed.
* Several bodies of the named place: the one whose organ the question names; else the place's
  government, then its office, then the others. A distinctive organ named right after a place that
  no body of that place has (``高淳区教育局``) is not indexed.
* No body carries the distinctive parts: a report that never names itself (no issuer) may still be
  chosen by the divisions its text names (the question's deepest place, else one above it); else the question is about an unindexed body
  (``unknown_mentions``) and the answerer abstains.
* Year: the year asked (or the range of years asked); a year the body has no report for is
  ``missing_year`` (its years in ``available_years``), unless its government or office has one. No
  year asked: the body's latest report, with ``year_inferred``.
* Follow-ups: with nothing distinctive named, the previous turn's issuer (and year) stand.

``mention_spans`` are the spans of the folded question that name the issuer (place, organ and the
generic organ words next to them), so content words can leave them out.
"""

from __future__ import annotations

import logging
import re
import threading
import weakref
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple, Protocol

from assistant.query.vocabulary import asked_years
from index.identity.names import Place, distinctive, division_at, fold_name, split_issuer, township_at
from index.identity.store import (
    ALIAS,
    ALT_PLACE,
    ANCESTOR,
    FULL,
    ORGAN,
    ORGAN_KEY,
    PLACE,
    PLACE_KEY,
    TEXT_PLACE,
    NameRow,
    issuer_rows,
    load_names,
)
from index.identity.vocab import GOVERNMENT, OFFICE, vocabulary
from index.parse.gazetteer import gazetteer
from index.storage.catalogue import ReportRecord

log = logging.getLogger(__name__)

ZONE = "zone"
#: Kinds of place that compare by level (a zone only contradicts another zone).
_ADMINISTRATIVE = ("admin", "township")
#: A gazetteer stem this short is a question word too often (城关, 新华): it names a place only
#: when an organ, a unit or a year follows it.
_SHORT_STEM = 2
#: What may follow a township named in a question: its organ, a year, or the end of the name.
_TOWNSHIP_END = re.compile(r"^(?:\d|[年的]|办事处|办|人民政府|政府|党政|党工委|便民|[,，。?？、\s]|$)")
#: What may follow a division no key names, besides an organ: its government or a year.
_DIVISION_END = re.compile(r"^(?:人民政府|政府|\d{4}年)")
_STEM_CONTEXT = re.compile(r"^(?:\d|[年的]|人民政府|政府|市|区|县|省|镇|乡|街道|[\u4e00-\u9fff]{0,6}?(?:局|委|厅|办))")


# ---------------------------------------------------------------------------------------------- the index


@dataclass(frozen=True)
class PlaceRef:
    """A place a question word may mean: its identifying name, level and kind."""

    name: str
    level: int
    kind: str


@dataclass
class Body:
    """One issuer (all its reports share the name) with the parts of its name."""

    name: str  # as stored in the catalogue
    own: dict[str, PlaceRef]  # places the name writes, by name (its chain, outer to inner)
    ancestors: dict[str, PlaceRef]
    organ: str
    organ_class: str
    organ_keys: frozenset[str]  # distinctive forms of the organ
    reports: list[tuple[int | None, str]] = field(default_factory=list)  # (year, report id)
    alternate: dict[str, PlaceRef] = field(default_factory=dict)  # places of a second name
    full_names: frozenset[str] = frozenset()  # the folded full name and its aliases

    @property
    def deepest(self) -> PlaceRef | None:
        """The most specific place of the chain (the last of the deepest level)."""
        if not self.own:
            return None
        top = max(p.level for p in self.own.values())
        return [p for p in self.own.values() if p.level == top][-1]

    @property
    def deepest_level(self) -> int:
        deepest = self.deepest
        return deepest.level if deepest else 0

    @property
    def government_family(self) -> bool:
        return self.organ_class in (GOVERNMENT, OFFICE)


class _Meaning(NamedTuple):
    """One thing a key of the automaton may mean (a tuple: hashed and compared in C)."""

    kind: str  # "place", "organ", "full"
    value: str  # place name, organ form, or body name
    level: int = 0
    place_kind: str = ""
    distinctive: bool = True
    indexed: bool = False


@dataclass(frozen=True)
class Mention:
    """A span of the folded question that names a place, an organ or a whole issuer."""

    start: int
    end: int
    text: str
    meanings: tuple[_Meaning, ...]
    places: tuple[_Meaning, ...] = ()
    organs: tuple[_Meaning, ...] = ()
    fulls: frozenset[str] = frozenset()
    distinctive: bool = False

    @classmethod
    def of(cls, start: int, end: int, text: str, meanings: tuple[_Meaning, ...]) -> Mention:
        return cls(
            start,
            end,
            text,
            meanings,
            tuple(m for m in meanings if m.kind == "place"),
            tuple(m for m in meanings if m.kind == "organ"),
            frozenset(m.value for m in meanings if m.kind == "full"),
            any(m.distinctive for m in meanings),
        )


@dataclass(frozen=True)
class _Question:
    """What scoring needs of the question's mentions, worked out once per question."""

    places: tuple[Mention, ...]
    organs: tuple[Mention, ...]  # organ words that are not also places
    distinctive_organs: tuple[Mention, ...]
    fulls: frozenset[str]
    office_named: bool
    #: where an organ word starts right after a place (扬州市|卫健委, 扬州市|政府): that place's own organ
    organ_starts: frozenset[int] = frozenset()

    @classmethod
    def of(cls, mentions: list[Mention]) -> _Question:
        organs = tuple(m for m in mentions if m.organs and not m.places)
        own_forms = _government_forms()
        return cls(
            tuple(m for m in mentions if m.places),
            organs,
            tuple(m for m in organs if any(o.distinctive for o in m.organs)),
            frozenset(v for m in mentions for v in m.fulls),
            any(not o.distinctive and ("办" in o.value or "厅" in o.value) for m in organs for o in m.organs),
            frozenset(m.start for m in organs if any(o.distinctive or o.value in own_forms for o in m.organs)),
        )


@lru_cache(maxsize=1)
def _government_forms() -> frozenset[str]:
    """Forms of a place's own government and office (``organs.tsv`` classes government/office: 政府, 政府办 …)."""
    organs = vocabulary().organs.values()
    return frozenset(f for o in organs if o.cls in (GOVERNMENT, OFFICE) for f in (o.name, *o.shorts))


@lru_cache(maxsize=1)
def _static_keys() -> dict[str, frozenset[_Meaning]]:
    """Keys every index holds: the gazetteer's divisions (with their stems), the vocabulary's organs and
    the generic words (built once per process)."""
    keys: dict[str, set[_Meaning]] = {}
    v = vocabulary()

    def add(key: str, meaning: _Meaning) -> None:
        if len(key) >= 2:
            keys.setdefault(key, set()).add(meaning)

    gaz = gazetteer()
    for name, units in gaz.units.items():
        level = min(u.level for u in units)
        add(name, _Meaning("place", name, level, "admin"))
        stem = gaz.stem_of.get(name, name)
        if stem != name and len(stem) >= 2 and not v.is_generic(stem):
            add(stem, _Meaning("place", name, level, "admin"))
    for organ in v.organs.values():
        if organ.cls == ZONE:
            continue
        for form in (organ.name, *organ.shorts):
            add(form, _Meaning("organ", form, distinctive=distinctive(form)))
    for word in v.generic:
        add(word, _Meaning("organ", word, distinctive=False))
    return {key: frozenset(meanings) for key, meanings in keys.items()}


class IssuerIndex:
    """Names of the indexed reports, for matching questions (built once per catalogue generation)."""

    def __init__(self, reports: Iterable[ReportRecord], names: Mapping[str, list[NameRow]]) -> None:
        import ahocorasick

        self.reports: dict[str, ReportRecord] = {}
        self.bodies: dict[str, Body] = {}
        self.nameless: list[str] = []
        self.by_place: dict[str, list[tuple[Body, str]]] = {}  # place name -> (body, "own"/"ancestor")
        self.by_organ: dict[str, list[Body]] = {}
        self.by_full: dict[str, Body] = {}
        self.by_text_place: dict[str, list[str]] = {}  # for reports with no issuer
        keys: dict[str, set[_Meaning]] = {}
        v = vocabulary()

        def add(key: str, meaning: _Meaning) -> None:
            if len(key) >= 2:
                keys.setdefault(key, set()).add(meaning)

        for report in reports:
            self.reports[report.id] = report
            rows = names.get(report.id)
            if not report.issuer:
                self.nameless.append(report.id)
                for kind, name, _stem, _level, _detail in rows or []:
                    if kind == TEXT_PLACE:
                        self.by_text_place.setdefault(name, []).append(report.id)
                continue
            if rows is None or not any(r[0] == FULL for r in rows):
                rows = issuer_rows(report.issuer)  # a catalogue written before names were stored
            body = self.bodies.get(report.issuer)
            if body is None:
                body = self._body(report.issuer, rows)
                self.bodies[report.issuer] = body
                for name in [*body.own, *body.alternate]:
                    self.by_place.setdefault(name, []).append((body, "own"))
                for name in body.ancestors:
                    self.by_place.setdefault(name, []).append((body, "ancestor"))
                for key in body.organ_keys:
                    self.by_organ.setdefault(key, []).append(body)
                for kind, name, stem, level, detail in rows:
                    if kind in (FULL, ALIAS):
                        self.by_full[name] = body
                        add(name, _Meaning("full", name, indexed=True))
                    elif kind in (PLACE, ANCESTOR, ALT_PLACE):
                        add(name, _Meaning("place", name, level, detail, indexed=True))
                        if stem and stem != name and len(stem) >= 2 and not v.is_generic(stem):
                            add(stem, _Meaning("place", name, level, detail, indexed=True))
                    elif kind == PLACE_KEY:
                        add(name, _Meaning("place", stem, level, detail, indexed=True))
                    elif kind == ORGAN_KEY:
                        add(name, _Meaning("organ", name, distinctive=detail != "generic", indexed=True))
            body.reports.append((report.year, report.id))
        for body in self.bodies.values():
            body.reports.sort(key=lambda yr: (yr[0] or 0, yr[1]))
        # every division of the gazetteer and organ of the vocabulary, so what no report carries is recognised
        for key, static in _static_keys().items():
            keys.setdefault(key, set()).update(static)
        self._automaton = ahocorasick.Automaton()
        for key, found in keys.items():
            self._automaton.add_word(key, (key, tuple(found)))
        if keys:
            self._automaton.make_automaton()
        self._empty = not keys

    @staticmethod
    def _body(issuer: str, rows: list[NameRow]) -> Body:
        own: dict[str, PlaceRef] = {}
        ancestors: dict[str, PlaceRef] = {}
        organ, organ_class = "", ""
        organ_keys: set[str] = set()
        alternate: dict[str, PlaceRef] = {}
        full_names: set[str] = set()
        for kind, name, _stem, level, detail in rows:
            if kind == PLACE:
                own[name] = PlaceRef(name, level, detail)
            elif kind == ALT_PLACE:
                alternate[name] = PlaceRef(name, level, detail)
            elif kind == ANCESTOR:
                ancestors[name] = PlaceRef(name, level, detail)
            elif kind == ORGAN:
                organ, organ_class = name, detail
            elif kind == ORGAN_KEY and detail != "generic":
                organ_keys.add(name)
            elif kind in (FULL, ALIAS):
                full_names.add(name)
        return Body(
            issuer,
            own,
            ancestors,
            organ,
            organ_class,
            frozenset(organ_keys),
            alternate=alternate,
            full_names=frozenset(full_names),
        )

    # -- reading a question ---------------------------------------------------------------
    def mentions(self, folded: str) -> list[Mention]:
        """Places, organs and issuer names in ``folded``, leftmost-longest, without overlaps."""
        if self._empty:
            return []
        found: list[Mention] = []
        for end, (key, meanings) in self._automaton.iter(folded):
            start = end - len(key) + 1
            found.append(Mention.of(start, end + 1, key, meanings))
        found.sort(key=lambda m: (m.start, -(m.end - m.start)))
        by_start: dict[int, list[Mention]] = {}
        for mention in found:
            by_start.setdefault(mention.start, []).append(mention)
        chosen: list[Mention] = []
        reach = 0
        for mention in found:
            if mention.start < reach:
                continue
            if not self._confirmed(mention, folded):
                continue
            mention = self._unit_shared(mention, by_start) or mention
            chosen.append(mention)
            reach = mention.end
        return self._with_unlisted_places(chosen, folded)

    @staticmethod
    def _unit_shared(place: Mention, by_start: Mapping[int, list[Mention]]) -> Mention | None:
        """The place's stem, when its unit character also begins an organ (扬州市场监管局 = 扬州 + 市场监管局).

        Citizens write the city's 市 once where the organ's name starts with it; leftmost-longest would
        read 扬州市 + 场监管局 and answer from the city government's report.
        """
        if not place.places or place.organs or place.fulls:
            return None
        unit_at = place.end - 1
        if not any(o.organs and not o.places and o.end > place.end for o in by_start.get(unit_at, ())):
            return None
        values = {p.value for p in place.places}
        for stem in by_start.get(place.start, ()):
            if stem.end == unit_at and any(p.value in values for p in stem.places):
                return stem
        return None

    @staticmethod
    def _with_unlisted_places(chosen: list[Mention], folded: str) -> list[Mention]:
        """Add the places a question writes that no key names: a township or street after its county
        or city (高淳区淳溪街道; the gazetteer stops at counties), and a division the question starts with,
        written with its unit and followed by an organ, its government or a year (示例县统计局). Without
        them the county's, or another place's, report would answer."""
        starts = {m.start: m for m in chosen}
        added: list[Mention] = []
        division = division_at(folded, 0)
        if division is not None and not any(m.places and m.start < len(division.name) for m in chosen):
            organ = starts.get(len(division.name))
            if (organ is not None and organ.organs) or _DIVISION_END.match(folded[len(division.name) :]):
                added.append(IssuerIndex._unlisted(0, division))
        for mention in chosen:
            if not any(p.place_kind in _ADMINISTRATIVE and p.level in (2, 3) for p in mention.places):
                continue
            pos = mention.end
            place = township_at(folded, pos)
            if place is None or not _TOWNSHIP_END.match(folded[pos + len(place.name) :]):
                continue
            following = starts.get(pos)
            if (
                following is not None
                and following.places
                and (any(p.indexed for p in following.places) or following.end >= pos + len(place.name))
            ):
                continue  # an indexed street, or a longer division, speaks for itself
            added.append(IssuerIndex._unlisted(pos, place))
        if not added:
            return chosen
        kept = [m for m in chosen if not any(a.start < m.end and m.start < a.end for a in added)]
        return sorted([*kept, *added], key=lambda m: m.start)

    @staticmethod
    def _unlisted(pos: int, place: Place) -> Mention:
        meaning = _Meaning("place", place.name, place.level, place.kind)
        return Mention.of(pos, pos + len(place.name), place.name, (meaning,))

    @staticmethod
    def _confirmed(mention: Mention, folded: str) -> bool:
        """A short unindexed stem (新华, 城关) names a place only when a unit, organ or year follows."""
        if any(m.indexed or m.kind != "place" for m in mention.meanings):
            return True
        if all(m.value == mention.text for m in mention.meanings):
            return True  # a full division name (with its unit)
        if len(mention.text) > _SHORT_STEM:
            return True
        return bool(_STEM_CONTEXT.match(folded[mention.end :]))


# ---------------------------------------------------------------------------------------------- scope


@dataclass
class ReportScope:
    """Which reports a question is about (see the module docstring)."""

    report_ids: list[str] = field(default_factory=list)  # best first; empty = any report
    issuers: list[str] = field(default_factory=list)
    year: int | None = None
    years: list[int] = field(default_factory=list)  # a range asked (2021年到2023年): first and last
    year_inferred: bool = False  # no year asked: the body's latest report
    issuer_mentioned: bool = False
    unknown_mentions: list[str] = field(default_factory=list)
    missing_year: bool = False
    available_years: list[int] = field(default_factory=list)  # the body's years (for missing_year)
    mention_spans: list[tuple[int, int]] = field(default_factory=list)
    matched_by: str = "none"  # name | text | context | filter | year | none


class CatalogueView(Protocol):
    """What :func:`resolve_reports` needs of a catalogue generation."""

    @property
    def issuer_index(self) -> IssuerIndex: ...


@dataclass
class _Candidate:
    body: Body
    score: float = 0.0
    deepest_named: bool = False
    organ_named: bool = False


def _relation(body: Body, mention: Mention) -> tuple[str, PlaceRef | None]:
    """How a place mention relates to a body: own, ancestor, contradicts, below, or neutral."""
    places = mention.places
    own = [body.own[m.value] for m in places if m.value in body.own]
    own += [body.alternate[m.value] for m in places if m.value in body.alternate]
    if own:
        return "own", max(own, key=lambda p: p.level)
    for m in places:
        if m.value in body.ancestors:
            return "ancestor", body.ancestors[m.value]
    everything = [*body.own.values(), *body.ancestors.values(), *body.alternate.values()]

    def clashes(m: _Meaning) -> bool:
        if m.place_kind == ZONE:
            return any(p.kind == ZONE for p in everything)
        return any(p.level == m.level and p.kind in _ADMINISTRATIVE for p in everything)

    if places and all(clashes(m) for m in places):
        return "contradicts", None
    # a place below the body's own divisions (a zone counts as a division only against another zone)
    floor = max((p.level for p in body.own.values() if p.kind in _ADMINISTRATIVE), default=0)
    zone_floor = max((p.level for p in body.own.values()), default=0)
    if places and all(m.level > (zone_floor if m.place_kind == ZONE else floor) for m in places):
        return "below", None
    return "neutral", None


def _score(body: Body, question: _Question) -> _Candidate | None:
    cand = _Candidate(body)
    evidence = False
    deepest = body.deepest
    place_ends = set()
    floor = max((p.level for p in body.own.values() if p.kind in _ADMINISTRATIVE), default=0)
    for mention in question.places:
        relation, ref = _relation(body, mention)
        if relation in ("contradicts", "below"):
            return None
        if (
            mention.end in question.organ_starts
            and ref is not None
            and ref.kind in _ADMINISTRATIVE
            and ref.level < floor
            and ref.name not in body.alternate
        ):
            return None  # 扬州市卫健委 is the city's organ, not a county's under it
        if relation == "own" and ref is not None:
            evidence = True
            cand.score += 20 + 3 * ref.level
            place_ends.add(mention.end)
            if deepest is not None and ref.name == deepest.name:
                cand.deepest_named = True
        elif relation == "ancestor":
            if mention.end in question.organ_starts and ref is not None and ref.kind in _ADMINISTRATIVE:
                return None  # the organ of a place above the body (a city's, for a county's body)
            evidence = True
            cand.score += 4
            place_ends.add(mention.end)
    for mention in question.distinctive_organs:
        if mention.text in body.organ_keys or any(o.value in body.organ_keys for o in mention.organs):
            evidence = True
            cand.organ_named = True
            cand.score += 30 + len(mention.text)
        elif mention.start in place_ends and not cand.organ_named:
            return None  # 高淳区教育局: another organ of that place
        else:
            cand.score -= 10
    if question.fulls & body.full_names:
        evidence = True
        cand.score += 100
    if not evidence:
        return None
    if not question.distinctive_organs:
        if body.organ_class == GOVERNMENT:
            cand.score += 1 if question.office_named else 3
        elif body.organ_class == OFFICE:
            cand.score += 3 if question.office_named else 2
    return cand


def _spans(mentions: list[Mention], used: list[Mention]) -> list[tuple[int, int]]:
    """The spans naming the issuer: the deciding mentions and generic organ words touching them."""
    spans = sorted((m.start, m.end) for m in used)
    changed = True
    while changed:
        changed = False
        for m in mentions:
            if (m.start, m.end) in spans:
                continue
            if any(m.start == e or m.end == s for s, e in spans):
                spans.append((m.start, m.end))
                spans.sort()
                changed = True
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def _index_of(view: Any) -> IssuerIndex:
    """The issuer index of ``view``: an index, an object carrying one, or a store (its current generation)."""
    if isinstance(view, IssuerIndex):
        return view
    carried = getattr(view, "issuer_index", None)
    if isinstance(carried, IssuerIndex):
        return carried
    if hasattr(view, "catalogue"):
        return issuer_index(view)
    raise TypeError(f"cannot resolve issuers against {type(view).__name__}: give an IssuerIndex or a Store")


def resolve_reports(
    question_folded: str,
    view: CatalogueView | IssuerIndex | Any,
    *,
    issuer: str | None = None,
    year: int | None = None,
    context: Mapping[str, Any] | None = None,
) -> ReportScope:
    """The reports ``question_folded`` (a question folded by :func:`~index.text.searchform.fold_query`)
    is about; ``view`` is an :class:`IssuerIndex`, or a store (the index of its current catalogue
    generation); ``issuer``/``year`` are explicit filters (UI), ``context`` the previous turn's issuer/year."""
    index = _index_of(view)
    years = asked_years(question_folded)  # not a year that dates an event (结转到2023年, 2022年底)
    asked_year = year if year is not None else (years[0] if years else None)
    span = sorted(set(years)) if year is None and len(set(years)) >= 2 else []
    scope = ReportScope(year=asked_year, years=[span[0], span[-1]] if span else [])

    mentions = index.mentions(question_folded)
    bodies: list[Body] = []
    pool: list[_Candidate] = []
    if issuer:
        target = fold_name(issuer)
        exact = index.by_full.get(target) or index.bodies.get(issuer)
        if exact is not None:
            bodies, scope.matched_by = [exact], "filter"
        else:
            filtered = resolve_reports(target, index)
            if filtered.report_ids:
                chosen = {index.reports[r].issuer for r in filtered.report_ids}
                bodies = [index.bodies[i] for i in chosen if i in index.bodies]
                scope.matched_by = "filter"
            if not bodies:
                scope.unknown_mentions = [issuer]
                return scope
    else:
        pool = _candidates(index, mentions, question_folded)
        if pool:
            top = max(c.score for c in pool)
            bodies = [c.body for c in pool if c.score >= top - 1e-9]
            used = [m for m in mentions if m.distinctive or any(x.kind == "full" for x in m.meanings)]
            scope.mention_spans = _spans(mentions, used)
            scope.matched_by = "name"
    scope.issuer_mentioned = bool(bodies)

    if not bodies:
        distinctive = [m for m in mentions if m.distinctive]
        if distinctive:
            scope.mention_spans = _spans(mentions, distinctive)
            by_text = _text_candidates(index, distinctive)
            if by_text:
                scope.issuer_mentioned = True
                scope.matched_by = "text"
                return _choose_years(scope, [(index.reports[r].year, r) for r in by_text], index)
            scope.unknown_mentions = [question_folded[s:e] for s, e in scope.mention_spans]
            return scope
        if context and context.get("issuer") and context["issuer"] in index.bodies:
            bodies = [index.bodies[str(context["issuer"])]]
            scope.issuer_mentioned = True
            scope.matched_by = "context"
            if asked_year is None and context.get("year"):
                scope.year = asked_year = int(context["year"])
        elif asked_year is not None and not span:
            ids = [r.id for r in index.reports.values() if r.year == asked_year]
            scope.report_ids = ids
            scope.issuers = sorted({index.reports[i].issuer or "" for i in ids} - {""})
            scope.matched_by = "year"
            return scope
        else:
            return scope

    reports = [yr for b in bodies for yr in b.reports]
    if asked_year is not None and not span and not any(y == asked_year for y, _ in reports):
        # a place's government and its office stand for each other (荆州区 -> 荆州区人民政府办公室)
        family = [
            c.body
            for c in pool
            if c.body.government_family
            and c.body not in bodies
            and any(b.government_family and b.deepest == c.body.deepest for b in bodies)
            and any(y == asked_year for y, _ in c.body.reports)
        ]
        if family:
            bodies = family
            reports = [yr for b in bodies for yr in b.reports]
    scope.issuers = sorted(b.name for b in bodies)
    return _choose_years(scope, reports, index)


def _candidates(index: IssuerIndex, mentions: list[Mention], folded: str) -> list[_Candidate]:
    found: dict[str, Body] = {}
    for mention in mentions:
        for meaning in mention.meanings:
            if meaning.kind == "place":
                for body, _role in index.by_place.get(meaning.value, ()):
                    found[body.name] = body
            elif meaning.kind == "organ" and meaning.distinctive:
                for body in index.by_organ.get(meaning.value, ()):
                    found[body.name] = body
            elif meaning.kind == "full" and meaning.value in index.by_full:
                body = index.by_full[meaning.value]
                found[body.name] = body
    question = _Question.of(mentions)
    scored = [c for c in (_score(b, question) for b in found.values()) if c is not None]
    if any(c.deepest_named or c.organ_named for c in scored):
        scored = [c for c in scored if c.deepest_named or c.organ_named]
    return scored


def _text_candidates(index: IssuerIndex, mentions: list[Mention]) -> list[str]:
    """Reports with no issuer whose text names the question's places: the deepest one if any does,
    else a place above it (a district office's page that cites only its city's rules)."""
    places = sorted((m for m in mentions if m.places), key=lambda m: -max(x.level for x in m.places))
    if not places or not index.nameless:
        return []
    for mention in places:
        hits: set[str] = set()
        for meaning in mention.places:
            hits.update(index.by_text_place.get(meaning.value, ()))
        if hits:
            return sorted(hits)
    return []


def _choose_years(scope: ReportScope, reports: list[tuple[int | None, str]], index: IssuerIndex) -> ReportScope:
    years_available = sorted({y for y, _ in reports if y is not None})
    if scope.years:
        first, last = scope.years
        in_range: list[tuple[int | None, str]] = [(y, r) for y, r in reports if y is not None and first <= y <= last]
        if in_range:
            scope.year = None
            reports = in_range
    elif scope.year is not None:
        same: list[tuple[int | None, str]] = [(y, r) for y, r in reports if y == scope.year]
        if not same:
            scope.missing_year = True
            scope.available_years = years_available
            scope.report_ids = []
            if not scope.issuers:
                scope.issuers = sorted({index.reports[r].issuer or "" for _, r in reports} - {""})
            return scope
        reports = same
    elif years_available and scope.matched_by != "text":
        latest = years_available[-1]
        scope.year = latest
        scope.year_inferred = True
        reports = [(y, r) for y, r in reports if y == latest or y is None]
    reports.sort(key=lambda yr: -(yr[0] or 0))
    scope.report_ids = [r for _, r in reports]
    if not scope.issuers:
        scope.issuers = sorted({index.reports[r].issuer or "" for r in scope.report_ids} - {""})
    scope.available_years = years_available
    return scope


# ---------------------------------------------------------------------------------------------- per generation


class _GenerationCache:
    """The issuer index of a store's current catalogue generation (until the store offers a snapshot)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_store: weakref.WeakKeyDictionary[Any, tuple[int, IssuerIndex]] = weakref.WeakKeyDictionary()

    def get(self, store: Any, build: Callable[[], IssuerIndex]) -> IssuerIndex:
        generation = store.catalogue.generation()
        with self._lock:
            cached = self._by_store.get(store)
            if cached is not None and cached[0] == generation:
                return cached[1]
        index = build()
        with self._lock:
            self._by_store[store] = (generation, index)
        return index


_CACHE = _GenerationCache()


def issuer_index(store: Any) -> IssuerIndex:
    """The issuer index of ``store``'s current catalogue generation, built once per generation.

    This is the one place that reads the catalogue for issuer matching: the ready reports and their
    names (:func:`index.identity.store.load_names`).
    """
    snapshot = getattr(store, "snapshot", None)
    if callable(snapshot):
        view = snapshot()
        derived = getattr(view, "derived", None)
        if callable(derived):
            index: IssuerIndex = derived("issuer_index", lambda *_: _build(store, list(view.reports)))
            return index

    def build() -> IssuerIndex:
        return _build(store, store.catalogue.reports())

    return _CACHE.get(store, build)


def _build(store: Any, reports: list[ReportRecord]) -> IssuerIndex:
    names = load_names(store.catalogue.conn)
    index = IssuerIndex(reports, names)
    log.debug("issuer index: %d reports, %d bodies", len(index.reports), len(index.bodies))
    return index


# ---------------------------------------------------------------------------------------------- helpers


def issuer_aliases(issuer: str) -> tuple[list[str], str]:
    """Place stems (``南京``, ``高淳``) and the organ (``机关事务管理局``) of an issuer name."""
    name = split_issuer(issuer)
    return [p.stem for p in name.places if p.stem], name.organ


PLACE_MENTION = re.compile(
    r"(?:^|(?<=[\d年,，。?？“”\"《》、\s的在按对和与及据]))(?![年的在按对和与及据])"
    r"([\u4e00-\u9fff]{2,5}?)(省|市|区|县|盟|旗|街道)"
)
_GENERIC_PLACES = frozenset(
    "全市 本市 我市 该市 全区 本区 我区 该区 全县 本县 我县 全省 本省 市政府 区政府 县政府 省政府 地级城市 城市 "
    "社区 小区 辖区 城区 园区 开发区 新区 市级 区级 县级 省级 全国".split()
)


def place_mentions(folded: str) -> list[str]:
    """Places a question names by an administrative suffix (``高淳区``, ``北京市``), not generic ones (``全市``)."""
    out = []
    for m in PLACE_MENTION.finditer(folded):
        word, stem = m.group(1) + m.group(2), m.group(1)
        if word in _GENERIC_PLACES or stem in _GENERIC_PLACES or stem.endswith(("全", "本", "我", "该")):
            continue
        if any(g in word for g in ("政府", "门户", "网站", "人民")):
            continue
        out.append(word)
    return list(dict.fromkeys(out))
