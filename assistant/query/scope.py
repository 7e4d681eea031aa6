"""Which reports a question is about (issuer and year), and which of its words name the issuer.

This is the one place the question analysis asks about issuers; everything it needs comes back
in a :class:`Scope`. The matching itself lives in :mod:`assistant.query.issuers` (owned by the
issuer side); ``mention_spans`` let the value side drop the words that name the body or place
from a question's content words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from assistant.query.issuers import (
    GENERIC_ORG_WORDS,
    ORG_SUFFIXES,
    _subsequence_ratio,
    issuer_aliases,
    issuer_score,
    place_mentions,
)
from index.storage.catalogue import ReportRecord
from index.text.searchform import fold_query

YEAR_IN_QUESTION = re.compile(r"((?:19|20)\d{2})\s*年")
#: Organ words right after a place ("高淳区|政府办", "上海市|人民政府办公厅"): part of the issuer's name.
ORGAN_AFTER_PLACE = re.compile(
    r"(?:人民政府|政府)?(?:信息公开)?(?:办公室|办公厅|办)?(?:政府信息公开(?:工作)?(?:领导小组)?办公室|信息公开办公室|信息公开办)?"
    r"|办事处|街道办"
)
#: A body written short in a question: 常州机关事务局, 审计局, 卫健委.
BODY_MENTION = re.compile(r"[\u4e00-\u9fff]{2,12}?(?:局|厅|部|委员会|委|办公室|办|中心|处|政府)")
#: "(政府信息公开)" written after a body's name.
PAREN_NOTE = re.compile(r"^[(（][^()（）]{1,12}[)）]")


@dataclass
class Scope:
    """The reports a question is about, best first, and the words of the question that name their issuer."""

    report_ids: list[str]
    issuers: list[str]
    year: int | None
    years: list[int] = field(default_factory=list)  # a span of years ("2021年到2023年"), else empty
    issuer_mentioned: bool = False
    unknown_mentions: list[str] = field(default_factory=list)
    missing_year: bool = False
    mention_spans: list[tuple[int, int]] = field(default_factory=list)


def resolve_scope(
    folded: str,
    reports: list[ReportRecord],
    *,
    issuer: str | None = None,
    year: int | None = None,
    context: Mapping[str, Any] | None = None,
    text_of: Callable[[str], str] | None = None,
) -> Scope:
    """The reports ``folded`` (a folded question) names, with its issuer mention spans.

    ``issuer``/``year`` are explicit filters (UI); ``context`` holds the previous turn's
    ``issuer``/``year`` for follow-ups such as ``那传真呢？``; ``text_of`` gives a report's search
    text, asked only for reports whose issuer could not be read.
    """
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
    named = {r.issuer for r in chosen if r.issuer} | set(missing_issuers)
    return Scope(
        report_ids=[r.id for r in chosen],
        issuers=sorted({r.issuer or "" for r in chosen}) or missing_issuers,
        year=asked_year,
        years=span,
        issuer_mentioned=issuer_mentioned,
        unknown_mentions=unknown,
        missing_year=missing_year,
        mention_spans=mention_spans(folded, sorted(named)),
    )


def mention_spans(folded: str, issuers: list[str]) -> list[tuple[int, int]]:
    """Spans of ``folded`` that name a place or one of ``issuers`` (with the organ words after it), merged."""
    spans: list[tuple[int, int]] = []

    def add_all(word: str) -> None:
        if len(word) < 2:
            return
        for m in re.finditer(re.escape(word), folded):
            spans.append((m.start(), m.end()))

    for mention in place_mentions(folded):
        add_all(mention)
    for name in issuers:
        places, body = issuer_aliases(name)
        add_all(name)
        for place in places:
            add_all(place)
        if body and body not in GENERIC_ORG_WORDS and body not in ORG_SUFFIXES:
            add_all(body)  # a generic organ (人民政府) is only masked right after its place, below
            add_all(body.replace("人民", ""))
            for m in BODY_MENTION.finditer(folded):
                word = m.group(0)
                if word[-1] == body[-1] and _subsequence_ratio(word, body) >= 0.8:
                    spans.append((m.start(), m.end()))
    # the organ written after a place or body: 高淳区|政府办, 二七区|人民政府办公室|(政府信息公开)
    extended: list[tuple[int, int]] = []
    for start, end in spans:
        organ = ORGAN_AFTER_PLACE.match(folded, end)
        if organ and organ.end() > end:
            end = organ.end()
        note = PAREN_NOTE.match(folded[end:])
        if note:
            end += note.end()
        extended.append((start, end))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(extended):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
