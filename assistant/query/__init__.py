"""Question analysis: what kind of value is asked for, and which reports (issuer and year) it is about.

Which reports: :func:`assistant.query.issuers.resolve_reports` over the issuer index of the current
catalogue generation (issuers by evidence: places and organs, short forms, generic words never
decide). A place or body the question names that no indexed report carries is reported in
``unknown_mentions`` so the answerer can abstain instead of answering from another body's report.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from assistant.query.issuers import (
    IssuerIndex,
    ReportScope,
    issuer_aliases,
    issuer_index,
    place_mentions,
    resolve_reports,
)
from assistant.query.kinds import detect_kinds
from assistant.types import AnswerKind
from index.storage.catalogue import ReportRecord
from index.text.searchform import fold_query

__all__ = [
    "IssuerIndex",
    "QueryAnalysis",
    "ReportScope",
    "analyse",
    "detect_kinds",
    "issuer_aliases",
    "issuer_index",
    "place_mentions",
    "resolve_reports",
]


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
    mention_spans: list[tuple[int, int]] = field(default_factory=list)  # spans of ``folded`` naming the issuer
    year_inferred: bool = False  # no year asked: the issuer's latest report
    available_years: list[int] = field(default_factory=list)  # the issuer's years

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
    index: IssuerIndex | None = None,
) -> QueryAnalysis:
    """Analyse ``question`` against the indexed ``reports``.

    ``issuer``/``year`` are explicit filters (UI); ``context`` holds the previous turn's
    ``issuer``/``year`` for follow-ups such as ``那传真呢？``; ``index`` is the issuer index of the
    catalogue generation ``reports`` come from (built from ``reports`` when not given). ``text_of`` is
    accepted for older callers and unused: reports without an issuer are found by the places their
    text names, stored at ingest.
    """
    del text_of
    folded = fold_query(question)
    kinds = detect_kinds(folded)
    if index is None:
        index = IssuerIndex(reports, {})
    scope: ReportScope = resolve_reports(folded, index, issuer=issuer, year=year, context=context)
    return QueryAnalysis(
        question=question,
        folded=folded,
        kinds=kinds,
        year=scope.year,
        issuer_mentioned=scope.issuer_mentioned,
        report_ids=scope.report_ids,
        issuers=scope.issuers,
        unknown_mentions=scope.unknown_mentions,
        missing_year=scope.missing_year,
        mention_spans=scope.mention_spans,
        year_inferred=scope.year_inferred,
        available_years=scope.available_years,
    )
