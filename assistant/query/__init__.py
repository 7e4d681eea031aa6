"""Question analysis: the question is read once, here, into everything the answerers need.

:func:`analyse` returns a :class:`QueryAnalysis`: the reports in scope (issuer and year, from
:func:`assistant.query.issuers.resolve_reports` over the issuer index of the current catalogue
generation — places and organs, short forms, generic words never decide), the kinds of value asked
for, and one :class:`Target` per value (its content words with the words naming the issuer, the
years and the report removed, the template slot it names, the unit it wants). Answerers read the
analysis, never the question string. Vocabulary is data (:mod:`assistant.query.vocabulary`).

A place or body the question names that no indexed report carries is reported in
``unknown_mentions`` so the answerer can abstain instead of answering from another body's report.

>>> a = analyse("2022年示例区予以公开和部分公开各多少件？", [])
>>> [t.cell.label for t in a.targets]
['予以公开', '部分公开']
>>> a.year, a.targets[0].unit
(2022, '件')
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from assistant.query.issuers import (
    IssuerIndex,
    ReportScope,
    issuer_aliases,
    issuer_index,
    place_mentions,
    resolve_reports,
)
from assistant.query.kinds import CONTACT_KINDS, DATE_KINDS, detect_kinds
from assistant.query.targets import MASK, CellSpec, Target, split_targets
from assistant.query.terms import word_starts
from assistant.query.vocabulary import VOCAB, written_form
from assistant.types import AnswerKind
from index.storage.catalogue import ReportRecord
from index.text.searchform import fold_query

if TYPE_CHECKING:
    from assistant.compare.intent import ComparisonRequest

__all__ = [
    "CONTACT_KINDS",
    "DATE_KINDS",
    "CellSpec",
    "IssuerIndex",
    "QueryAnalysis",
    "ReportScope",
    "Target",
    "analyse",
    "detect_kinds",
    "issuer_aliases",
    "issuer_index",
    "place_mentions",
    "resolve_reports",
]

YEAR_WORDS = re.compile(r"(?:19|20)\d{2}\s*(?:年度|年)?|(?:本|今|当)年度?")


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
    targets: list[Target] = field(default_factory=list)
    years: list[int] = field(default_factory=list)  # a span of years asked about ("2021年到2023年")
    yes_no: bool = False  # "收到申请了吗": the answer starts with 有/没有
    every_body: bool = False  # "哪些单位…": one value per report in scope
    change: bool = False  # "…的变化": the change between the first and the last year
    residual: str = ""  # the question with issuer, years and report words masked (for logs)
    #: a comparison of one table cell across years or bodies (assistant.compare answers it), else None
    comparison: ComparisonRequest | None = None

    @property
    def kind(self) -> AnswerKind:
        return self.kinds[0] if self.kinds else AnswerKind.GENERAL

    @property
    def across_reports(self) -> bool:
        """One value per report: a span of years of one body, or every body of a year."""
        return len(self.report_ids) > 1 and (len(self.years) >= 2 or self.every_body)


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
    if index is None:
        index = IssuerIndex(reports, {})
    scope: ReportScope = resolve_reports(folded, index, issuer=issuer, year=year, context=context)
    spans = _name_spans(folded, scope.mention_spans, scope.issuers)
    residual = written_form(_residual(folded, spans))  # masked first: spans index ``folded``
    kinds = detect_kinds(residual)
    change = bool(VOCAB.change.search(residual))
    if change and len(scope.years) >= 2:  # "…的变化" across years: the change is computed, not looked up
        residual = VOCAB.change.sub(lambda m: MASK * len(m.group(0)), residual)
    targets = split_targets(residual, kinds)
    from assistant.compare.intent import request_of  # compare reads the analysis' pieces: imported late (cycle)

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
        targets=targets,
        years=scope.years,
        yes_no=bool(VOCAB.yes_no.search(folded)),
        every_body=bool(VOCAB.every_body.search(folded)),
        change=change,
        residual=residual,
        comparison=request_of(folded, scope, index, targets),
    )


#: How a body's name ends (a short form after the place: 自贸片区管委会, 卫健委, 政府办).
ORGAN_END = re.compile(r"(?:会|委|局|厅|办|室|院|部|处|所|站|中心|政府|街道|镇|乡|区|县|市)$")


def _name_spans(folded: str, spans: list[tuple[int, int]], issuers: list[str]) -> list[tuple[int, int]]:
    """The issuer's mention spans, each run on over the words right after it that abbreviate the
    rest of the resolved body's name ("福州" + "自贸片区管委会" for 中国(福建)自由贸易试验区福州片区
    管理委员会): characters in the name's order, ending like a body's name and at a word's end, two or more."""
    if not issuers or not spans:
        return spans
    starts: set[int] | None = None
    out = []
    for start, end in spans:
        best = end
        for name in issuers:
            at, i = 0, end
            while i < len(folded) and "\u4e00" <= folded[i] <= "\u9fff":
                found = name.find(folded[i], at)
                if found < 0:
                    break
                at, i = found + 1, i + 1
                if i - end >= 2 and ORGAN_END.search(folded[end:i]):
                    if starts is None:
                        starts = word_starts(folded)
                    if i == len(folded) or not "\u4e00" <= folded[i] <= "\u9fff" or i in starts:
                        best = max(best, i)  # a whole word: "片区办理" keeps 办理
        out.append((start, best))
    return out


def _residual(folded: str, mention_spans: list[tuple[int, int]]) -> str:
    """The question with the issuer's words, years and the words naming the report masked out."""
    chars = list(folded)

    def mask(start: int, end: int) -> None:
        for i in range(max(0, start), min(len(chars), end)):
            chars[i] = MASK

    for start, end in mention_spans:
        mask(start, end)
    for m in YEAR_WORDS.finditer(folded):
        mask(m.start(), m.end())
    for m in VOCAB.report_words.finditer(folded):
        mask(m.start(), m.end())
    return "".join(chars)
