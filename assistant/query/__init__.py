"""Question analysis: what kind of value is asked for, and which issuer and year are named.

Issuers are matched against the catalogue, tolerant of short forms: a catalogue issuer
``南京市高淳区人民政府`` is named by ``高淳区`` or ``高淳``; ``常州市机关事务管理局`` by
``常州机关事务局``. A place or body the question names that matches no indexed issuer is
reported in ``unknown_mentions`` so the answerer can abstain instead of answering from
another body's report.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from assistant.query.issuers import issuer_aliases, issuer_score, place_mentions
from assistant.query.kinds import detect_kinds
from assistant.types import AnswerKind
from index.storage.catalogue import ReportRecord
from index.text.searchform import fold_query

__all__ = ["QueryAnalysis", "analyse", "detect_kinds", "issuer_aliases", "issuer_score", "place_mentions"]

YEAR_IN_QUESTION = re.compile(r"((?:19|20)\d{2})\s*年")


@dataclass
class QueryAnalysis:
    """The parsed question."""

    question: str
    folded: str
    kinds: list[AnswerKind]
    year: int | None
    issuer_mentioned: bool
    report_ids: list[str]  # reports of the named issuer (and year), best first; empty = any
    issuers: list[str] = field(default_factory=list)
    unknown_mentions: list[str] = field(default_factory=list)
    missing_year: bool = False  # the issuer is indexed, but not for the year asked

    @property
    def kind(self) -> AnswerKind:
        return self.kinds[0] if self.kinds else AnswerKind.GENERAL


def analyse(
    question: str,
    reports: list[ReportRecord],
    *,
    issuer: str | None = None,
    year: int | None = None,
    context: Mapping[str, Any] | None = None,
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
                r for r in reports if not r.issuer and text_of is not None and any(m in text_of(r.id) for m in mentions)
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
                asked_year = int(context["year"])

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
