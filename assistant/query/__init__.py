"""Question analysis: the question is read once, here, into everything the answerers need.

:func:`analyse` returns a :class:`QueryAnalysis`: the reports in scope (issuer and year, from
:mod:`assistant.query.scope`), the kinds of value asked for, and one :class:`Target` per value
(its content words with the issuer's and place's words and the question words removed, the
template slot it names, the unit it wants). Answerers read the analysis, never the question
string. Vocabulary is data (:mod:`assistant.query.vocabulary`).

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
from typing import Any

from assistant.query.issuers import issuer_aliases, issuer_score, place_mentions
from assistant.query.kinds import CONTACT_KINDS, DATE_KINDS, detect_kinds
from assistant.query.scope import Scope, resolve_scope
from assistant.query.targets import MASK, CellSpec, Target, split_targets
from assistant.query.vocabulary import VOCAB
from assistant.types import AnswerKind
from index.storage.catalogue import ReportRecord
from index.text.searchform import fold_query

__all__ = [
    "CONTACT_KINDS",
    "DATE_KINDS",
    "CellSpec",
    "QueryAnalysis",
    "Scope",
    "Target",
    "analyse",
    "detect_kinds",
    "issuer_aliases",
    "issuer_score",
    "place_mentions",
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
    targets: list[Target] = field(default_factory=list)
    years: list[int] = field(default_factory=list)  # a span of years asked about ("2021年到2023年")
    yes_no: bool = False  # "收到申请了吗": the answer starts with 有/没有
    every_body: bool = False  # "哪些单位…": one value per report in scope
    change: bool = False  # "…的变化": the change between the first and the last year
    residual: str = ""  # the question with issuer, year and report words masked (for retrieval and logs)

    @property
    def kind(self) -> AnswerKind:
        return self.kinds[0] if self.kinds else AnswerKind.GENERAL

    @property
    def across_reports(self) -> bool:
        """One value per report: a span of years of one body, or every body of a year."""
        return len(self.report_ids) > 1 and (bool(self.years) or self.every_body)


def analyse(
    question: str,
    reports: list[ReportRecord],
    *,
    issuer: str | None = None,
    year: int | None = None,
    context: Mapping[str, Any] | None = None,
    text_of: Callable[[str], str] | None = None,
) -> QueryAnalysis:
    """Analyse ``question`` against the indexed ``reports`` (see :func:`assistant.query.scope.resolve_scope`)."""
    folded = fold_query(question)
    scope = resolve_scope(folded, reports, issuer=issuer, year=year, context=context, text_of=text_of)
    residual = _residual(folded, scope)
    kinds = detect_kinds(residual)
    change = bool(VOCAB.change.search(residual))
    if change and len(scope.years) >= 2:  # "…的变化" across years: the change is computed, not looked up
        residual = VOCAB.change.sub(lambda m: MASK * len(m.group(0)), residual)
    targets = split_targets(residual, kinds)
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
        targets=targets,
        years=scope.years,
        yes_no=bool(VOCAB.yes_no.search(folded)),
        every_body=bool(VOCAB.every_body.search(folded)),
        change=change,
        residual=residual,
    )


def _residual(folded: str, scope: Scope) -> str:
    """The question with the issuer's words, years and the words naming the report masked out."""
    chars = list(folded)

    def mask(start: int, end: int) -> None:
        for i in range(start, end):
            chars[i] = MASK

    for start, end in scope.mention_spans:
        mask(start, end)
    for m in YEAR_WORDS.finditer(folded):
        mask(m.start(), m.end())
    for m in VOCAB.report_words.finditer(folded):
        mask(m.start(), m.end())
    return "".join(chars)
