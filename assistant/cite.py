"""Citations: map search-form spans to verbatim original text, and verify every quote.

A citation is only shown when ``report_text[start:end] == quote``; one that fails is
dropped and logged. Quotes are trimmed of surrounding whitespace and punctuation but never
altered inside.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from threading import Lock

from assistant.types import Citation, Passage
from index.storage.catalogue import Catalogue
from index.text.searchform import SearchForm, build_search_form

log = logging.getLogger(__name__)

TRIM = " \t\r\n\u3000,，;；。、|:：()（）"


class ReportTexts:
    """Original texts and search forms of reports, cached (they are immutable per report id).

    The search form (an offset map over the whole report) is built only when a citation needs it:
    answers that only read a report's text (table facts across many reports) never pay for it.
    """

    def __init__(self, catalogue: Catalogue, size: int = 64) -> None:
        self.catalogue = catalogue
        self._cache: OrderedDict[str, tuple[str, SearchForm | None]] = OrderedDict()
        self._size = size
        self._lock = Lock()

    def _cached(self, report_id: str) -> tuple[str, SearchForm | None] | None:
        with self._lock:
            if report_id in self._cache:
                self._cache.move_to_end(report_id)
                return self._cache[report_id]
        return None

    def _store(self, report_id: str, text: str, form: SearchForm | None) -> None:
        with self._lock:
            self._cache[report_id] = (text, form)
            self._cache.move_to_end(report_id)
            while len(self._cache) > self._size:
                self._cache.popitem(last=False)

    def get(self, report_id: str) -> tuple[str, SearchForm]:
        cached = self._cached(report_id)
        if cached is not None and cached[1] is not None:
            return cached[0], cached[1]
        text = cached[0] if cached is not None else self.catalogue.report_text(report_id)
        form = build_search_form(text)
        self._store(report_id, text, form)
        return text, form

    def text(self, report_id: str) -> str:
        cached = self._cached(report_id)
        if cached is not None:
            return cached[0]
        text = self.catalogue.report_text(report_id)
        self._store(report_id, text, None)
        return text


def original_span(texts: ReportTexts, passage: Passage, start: int, end: int) -> tuple[int, int]:
    """Map ``[start, end)`` of ``passage.search_text`` to a trimmed span of the report's original text."""
    text, form = texts.get(passage.report_id)
    base = form.search_offset(passage.start)
    start = max(0, min(start, len(passage.search_text) - 1))
    end = max(start + 1, min(end, len(passage.search_text)))
    o_start, o_end = form.original_span(base + start, base + end)
    o_start = max(o_start, passage.start)
    o_end = min(o_end, passage.end)
    while o_start < o_end and text[o_start] in TRIM:
        o_start += 1
    while o_end > o_start and text[o_end - 1] in TRIM:
        o_end -= 1
    if o_start >= o_end:
        return passage.start, passage.end
    return o_start, o_end


def make_citation(texts: ReportTexts, n: int, passage: Passage, start: int, end: int) -> Citation:
    """A numbered citation quoting the original text behind a search-form span of ``passage``."""
    o_start, o_end = original_span(texts, passage, start, end)
    text = texts.text(passage.report_id)
    return Citation(
        n=n,
        report_id=passage.report_id,
        source=passage.source,
        issuer=passage.issuer,
        year=passage.year,
        section=passage.section,
        start=o_start,
        end=o_end,
        quote=text[o_start:o_end],
    )


def verify_citations(texts: ReportTexts, citations: list[Citation]) -> list[Citation]:
    """Keep only citations whose quote is exactly the report text at their offsets."""
    kept = []
    for c in citations:
        try:
            text = texts.text(c.report_id)
        except KeyError:
            log.error("citation [%d] names report %s, which is not indexed: dropped", c.n, c.report_id)
            continue
        if 0 <= c.start < c.end <= len(text) and text[c.start : c.end] == c.quote and c.quote:
            kept.append(c)
        else:
            log.error(
                "citation [%d] of %s does not match the report text at %d-%d: dropped", c.n, c.source, c.start, c.end
            )
    return kept
