"""Questions that compare one table cell across years or bodies: which comparison, which bodies, which years.

:func:`read_request` reads a folded question, the report scope issuers resolved
(:func:`assistant.query.issuers.resolve_reports`), the issuer index of the catalogue generation and
the cell the question names, into a :class:`ComparisonRequest`; None when the question is not a
comparison (it is then answered as any other question). Shapes, first match wins:

* **ranking** — 排名/排行, or a superlative (最多/最少…) with a "which" (哪个区县, 最多的部门): the
  bodies of the kind asked (``哪个区县`` county-level governments, ``哪个部门`` departments, …,
  :data:`~assistant.compare.vocab.BODY_KINDS`), under the place the question names if any, in the
  year asked (else the latest year any of them has). Of a place's government and its office, the
  government's report counts when it has one. ``哪一年…最多`` ranks one body's years instead.
* **difference** — two years and a difference word (比/多/少/增加…), or one year and
  ``比上年``: the year asked about minus the year it is measured against (``2021年比2020年``,
  ``相比2020年，2021年…``, ``2021年与2020年相比``: 2021 minus 2020); a span (``2021年到2023年``) is
  the later minus the earlier.
* **series** — a body and several years: a span, two or more years, ``近三年`` (the three
  calendar years ending with the latest year indexed for that body: reports come out a year
  later, so the calendar year of the question is rarely indexed; a year of that window with no
  report is named as not indexed), or ``历年/逐年`` (every year indexed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from assistant.compare.cells import Cell
from assistant.compare.vocab import (
    ANY_BODY,
    BASE_YEAR,
    BODY_KIND_BY_WORD,
    DIFFERENCE,
    JOINERS,
    LAST_N_YEARS,
    LEAST,
    PREVIOUS_YEAR,
    RANKING,
    ROW_WORDS,
    SERIES,
    SUPERLATIVE,
    WHICH,
    WHICH_MORE,
    WHICH_YEAR,
    YEAR_SPAN,
    BodyKind,
    number_of_years,
)
from assistant.query.issuers import Body, IssuerIndex, ReportScope, resolve_reports
from assistant.query.targets import Target, split_targets
from assistant.query.vocabulary import asked_years
from assistant.types import AnswerKind
from index.identity.vocab import GOVERNMENT, OFFICE

#: A figure asked "by the words before it" ("最多的区县是哪个"): a body kind after 的 or before 是哪.
KIND_NEAR = re.compile(
    r"(?:的|各)("
    + "|".join(map(re.escape, BODY_KIND_BY_WORD))
    + r")|("
    + "|".join(map(re.escape, BODY_KIND_BY_WORD))
    + r")(?:是哪|中|里)"
)


class Shape(StrEnum):
    RANKING = "ranking"
    DIFFERENCE = "difference"  # one body, two years
    SERIES = "series"
    BODIES_DIFFERENCE = "bodies_difference"  # two bodies ("淮安市比洪泽区多收了多少")


@dataclass(frozen=True)
class ComparisonRequest:
    """What to compare: the cell, the reports to read and the body × year pairs asked for."""

    shape: Shape
    cell: Cell
    issuers: tuple[str, ...]
    years: tuple[int, ...]  # difference: (first, second) as asked; series: ascending; ranking: (year,) or ()
    report_ids: tuple[str, ...]
    wanted: tuple[tuple[str, int | None], ...] = ()
    most: bool = True
    scope_words: str = ""  # ranking: what was ranked ("淮安市各区县"), for the answer
    changes: bool = False  # series: the question asks how the figure changed (变化/增减…): each step's difference
    notes: tuple[str, ...] = field(default=(), compare=False)  # how the request was read (logs, staff)
    #: the question analysis' target the cell was read from (a report whose tables lack the cell may state it in prose)
    target: Target | None = field(default=None, compare=False)


def cell_of(spec: Any) -> Cell | None:
    """A :class:`Cell` from the template slot the question analysis found (``rows``/``columns`` or
    ``row_sets``/``column_sets`` with ``table``, ``label`` and ``unit``); None for anything else."""
    if spec is None:
        return None
    if isinstance(spec, Cell):
        return spec
    rows = getattr(spec, "rows", None) or getattr(spec, "row_sets", None)
    columns = getattr(spec, "columns", None) or getattr(spec, "column_sets", None)
    table = getattr(spec, "table", None)
    if not rows or not columns or table is None:
        return None
    return Cell(table, tuple(tuple(r) for r in rows), tuple(tuple(c) for c in columns), str(spec.label), str(spec.unit))


#: Kinds of target a comparison can be about: counts and amounts; a ranking ("哪个区县…最多") has no "多少".
COMPARABLE_KINDS = frozenset({AnswerKind.COUNT, AnswerKind.ADMIN_FEE, AnswerKind.FEE, AnswerKind.GENERAL})


def comparison_target(target: Target) -> Target | None:
    """The target as a comparison reads it, with the template slot it names (None: it names none).

    Its own slot; else its words read as a count (a ranking is no "多少" question: 哪个区县收到的申请
    最多); else a row only comparisons word (:data:`ROW_WORDS`: 多收了多少申请)."""
    if target.kind not in COMPARABLE_KINDS:
        return None
    if target.cell is not None:
        return target
    texts = [
        target.text,
        *(pattern.sub(words, target.text) for pattern, words in ROW_WORDS if pattern.search(target.text)),
    ]
    for text in texts:
        as_count = split_targets(text, [AnswerKind.COUNT])
        if len(as_count) == 1 and as_count[0].cell is not None:
            return as_count[0]
    return None


def request_of(folded: str, scope: ReportScope, index: IssuerIndex, targets: list[Target]) -> ComparisonRequest | None:
    """The comparison an analysed question asks for (:func:`read_request` on the slot of its one target);
    None when it asks for one value, or for several values (those are answered one by one)."""
    if len(targets) != 1:
        return None
    target = comparison_target(targets[0])
    if target is None:
        return None
    request = read_request(folded, scope, index, cell_of(target.cell))
    return replace(request, target=target) if request is not None else None


def _years(folded: str) -> list[int]:
    """Years the question asks about, in order: not those that date something ("结转到2026年", "2025年12月")."""
    return asked_years(folded)


def _reports(bodies: list[Body], years: list[int] | None) -> list[str]:
    return [rid for b in bodies for y, rid in b.reports if years is None or y in years]


def read_request(folded: str, scope: ReportScope, index: IssuerIndex, cell: Cell | None) -> ComparisonRequest | None:
    """The comparison ``folded`` asks for (see the module docstring), or None."""
    if cell is None:
        return None
    named = _named_bodies(folded, index)
    if len(named) >= 2:
        return _across_named(folded, named, cell)
    if _ranks(folded):
        ranked = _ranking(folded, scope, index, cell)
        if ranked is not None:
            return ranked
    bodies = [index.bodies[i] for i in scope.issuers if i in index.bodies]
    if not bodies:
        return None
    return _difference(folded, bodies, cell) or _series(folded, bodies, cell)


def _ranks(folded: str) -> bool:
    """A ranking: 排名/排行, or a superlative with a "which" (哪个区县…最多, 最多的部门, 哪一年…最多)."""
    if RANKING.search(folded):
        return True
    which = WHICH.search(folded) or KIND_NEAR.search(folded) or WHICH_YEAR.search(folded)
    return bool(SUPERLATIVE.search(folded) and which)


def _difference(folded: str, bodies: list[Body], cell: Cell) -> ComparisonRequest | None:
    if not DIFFERENCE.search(folded):
        return None
    years = _years(folded)
    span = YEAR_SPAN.search(folded)
    if span:
        first, second = sorted((int(span.group(1)), int(span.group(2))), reverse=True)
    elif len(years) >= 2:
        base = BASE_YEAR.search(folded)
        second = int(base.group(1) or base.group(2)) if base else years[1]
        if second not in years[:2]:
            second = years[1]
        first = next(y for y in years if y != second)
    elif len(years) == 1 and PREVIOUS_YEAR.search(folded):
        first, second = years[0], years[0] - 1
    else:
        return None
    names = tuple(b.name for b in bodies)
    return ComparisonRequest(
        Shape.DIFFERENCE,
        cell,
        names,
        (first, second),
        tuple(_reports(bodies, [first, second])),
        tuple((n, y) for n in names for y in (first, second)),
    )


def _series(folded: str, bodies: list[Body], cell: Cell) -> ComparisonRequest | None:
    years = _years(folded)
    span = YEAR_SPAN.search(folded)
    last_n = LAST_N_YEARS.search(folded)
    indexed = sorted({y for b in bodies for y, _ in b.reports if y is not None})
    note = ""
    wanted_years: list[int] | None
    if span:
        a, b = sorted((int(span.group(1)), int(span.group(2))))
        wanted_years = list(range(a, b + 1))
    elif len(years) >= 2:
        wanted_years = sorted(years)
    elif last_n and indexed:
        n = number_of_years(last_n.group(1))
        wanted_years = list(range(indexed[-1] - n + 1, indexed[-1] + 1))
        note = f"{last_n.group(0)}按已索引的最新年度{indexed[-1]}年往前推算"
    elif SERIES.search(folded) or WHICH_YEAR.search(folded):
        wanted_years = None
    else:
        return None
    names = tuple(b.name for b in bodies)
    chosen = sorted(wanted_years) if wanted_years is not None else indexed
    return ComparisonRequest(
        Shape.RANKING if len(bodies) == 1 and _ranks(folded) else Shape.SERIES,
        cell,
        names,
        tuple(chosen),
        tuple(_reports(bodies, wanted_years)),
        tuple((n, y) for n in names for y in chosen) if wanted_years is not None else (),
        most=not LEAST.search(folded),
        scope_words=f"{names[0]}各年度中，" if len(names) == 1 else "",
        changes=bool(DIFFERENCE.search(folded)),
        notes=(note,) if note else (),
    )


def _kind(folded: str) -> BodyKind:
    m = WHICH.search(folded) or KIND_NEAR.search(folded)
    if m is None:
        return ANY_BODY
    word = next(g for g in m.groups() if g)
    return BODY_KIND_BY_WORD.get(word, ANY_BODY)


def _fits(body: Body, kind: BodyKind) -> bool:
    if kind.levels and body.deepest_level not in kind.levels:
        return False
    return not kind.classes or body.organ_class in kind.classes


def _ranking(folded: str, scope: ReportScope, index: IssuerIndex, cell: Cell) -> ComparisonRequest | None:
    if scope.issuers and (WHICH_YEAR.search(folded) or SERIES.search(folded)):
        return None  # one body's years ("哪一年最多", "各年度排名"): a series ranked by year (see _series)
    kind = _kind(folded)
    places = [m for m in index.mentions(folded) if m.places]
    place = places[-1] if places else None
    if place is not None:
        names = {p.value for p in place.places}
        level = max(p.level for p in place.places)
        pool = {b.name: b for n in names for b, _ in index.by_place.get(n, ())}
        # bodies below the named place (its own government stands for the place, not for a 区县 of it)
        candidates = [b for b in pool.values() if b.deepest_level > level or not kind.levels]
    else:
        candidates = list(index.bodies.values())
    candidates = [b for b in candidates if _fits(b, kind)]
    if not candidates:
        return None
    years = _years(folded)
    available = sorted({y for b in candidates for y, _ in b.reports if y is not None})
    year = years[0] if years else (available[-1] if available else None)
    if year is None:
        return None
    chosen = _one_per_place([b for b in candidates if any(y == year for y, _ in b.reports)], year)
    where = place.text if place is not None else ""
    scope_words = f"{year}年" + (f"{where}" if where else "") + (f"各{kind.word}中，" if kind is not ANY_BODY else "，")
    return ComparisonRequest(
        Shape.RANKING,
        cell,
        tuple(b.name for b in chosen),
        (year,),
        tuple(_reports(chosen, [year])),
        (),
        most=not LEAST.search(folded),
        scope_words=scope_words,
    )


def _one_per_place(bodies: list[Body], year: int) -> list[Body]:
    """Of a place's government and its office (both reporting for ``year``), only the government."""
    governments = {b.deepest.name for b in bodies if b.organ_class == GOVERNMENT and b.deepest is not None}
    return [
        b for b in bodies if not (b.organ_class == OFFICE and b.deepest is not None and b.deepest.name in governments)
    ]


# ---------------------------------------------------------------- several bodies named


def _named_bodies(folded: str, index: IssuerIndex) -> list[tuple[Body, int | None]]:
    """Bodies named one by one ("淮安市和洪泽区", "平潭比常州"): each piece between joining words resolved
    on its own; two or more distinct bodies, in the order named, each with the one year its piece names
    ("淮安市2024年和洪泽区2023年") or None; [] when the question names fewer."""
    pieces = [p for p in JOINERS.split(folded) if p]
    if len(pieces) < 2:
        return []
    found: list[tuple[Body, int | None]] = []
    for piece in pieces:
        scope = resolve_reports(piece, index)
        if scope.matched_by != "name" or len(scope.issuers) != 1:
            continue
        body = index.bodies.get(scope.issuers[0])
        if body is not None and all(body != b for b, _ in found):
            own = _years(piece)
            found.append((body, own[0] if len(own) == 1 else None))
    return found if len(found) >= 2 else []


def _latest(body: Body, years: list[int]) -> list[tuple[int | None, str]]:
    """The body's reports of the years asked, or its latest report when none is asked."""
    if years:
        return [(y, r) for y, r in body.reports if y in years]
    dated: list[tuple[int | None, str]] = [(y, r) for y, r in body.reports if y is not None]
    return dated[-1:] if dated else body.reports[-1:]


def _across_named(folded: str, named: list[tuple[Body, int | None]], cell: Cell) -> ComparisonRequest:
    """Bodies the question names one by one: which is larger (哪个多), how much larger (A比B多多少), or each figure.

    Years: each body's own when every piece names one ("淮安市2024年和洪泽区2023年"), else those asked
    (each body × year is wanted), else each body's latest report."""
    bodies = [b for b, _ in named]
    names = tuple(b.name for b in bodies)
    own = [y for _, y in named]
    paired = all(y is not None for y in own) and len(set(own)) > 1
    if paired:
        chosen = [(b, _latest(b, [y])) for b, y in named if y is not None]
        wanted = tuple((b.name, y) for b, y in named)
        years = sorted({y for y in own if y is not None})
    else:
        years = _years(folded)
        chosen = [(b, _latest(b, years)) for b in bodies]
        wanted = tuple((n, y) for n in names for y in years)
    ids = tuple(r for _, reports in chosen for _, r in reports)
    which = WHICH_MORE.search(folded)
    if _ranks(folded) or which:
        least = bool(LEAST.search(folded)) or bool(which and which.group(1) in "少低小")
        return ComparisonRequest(Shape.RANKING, cell, names, tuple(years), ids, wanted, most=not least)
    if DIFFERENCE.search(folded) and "比" in folded and (len(years) <= 1 or paired):
        return ComparisonRequest(Shape.BODIES_DIFFERENCE, cell, names[:2], tuple(years), ids, wanted)
    return ComparisonRequest(Shape.SERIES, cell, names, tuple(sorted(years)), ids, wanted)
