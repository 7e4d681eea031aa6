"""The one interface every answerer has, and what it may read besides the passages."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

from assistant.answer.candidates import CandidateCache, ReportValues, report_candidates
from assistant.cite import ReportTexts
from assistant.query import QueryAnalysis
from assistant.types import Answer, Passage
from index.storage.catalogue import Catalogue, ReportRecord
from index.storage.snapshot import Snapshot
from index.tables.model import Fact
from index.tables.store import load_facts

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AnswerContext:
    """What an answerer may consult: the ready reports, the catalogue (table facts), the report texts
    and their candidate values (built once per report, :mod:`assistant.answer.candidates`)."""

    reports: list[ReportRecord]
    catalogue: Catalogue
    texts: ReportTexts
    cache: CandidateCache = field(default_factory=CandidateCache)
    #: the catalogue view ``reports`` come from: derived lookups are then built once per generation
    snapshot: Snapshot | None = None

    @cached_property
    def by_id(self) -> Mapping[str, ReportRecord]:
        """Report id -> its record (the snapshot's lookup: no per-question pass over the reports)."""
        if self.snapshot is not None:
            return self.snapshot.by_id
        return {r.id: r for r in self.reports}

    @property
    def publish_dates(self) -> dict[str, str | None]:
        """Report id -> its publish date (ISO), as parsed or supplied."""
        if self.snapshot is not None:
            snapshot = self.snapshot
            return snapshot.derived("publish_dates", lambda: _publish_dates(snapshot))
        return {r.id: r.publish_date for r in self.reports}

    def record(self, report_id: str) -> ReportRecord | None:
        return self.by_id.get(report_id)

    def facts(self, report_id: str) -> list[Fact]:
        return load_facts(self.catalogue.conn, report_id)

    def values(self, report_id: str) -> ReportValues | None:
        """The report's candidate values (None when its text cannot be read)."""
        record = self.record(report_id)
        if record is None:
            return None
        key = f"{report_id}@{record.indexed_at}"  # a re-indexed report gets new values
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        try:
            text, form = self.texts.get(report_id)
            facts = self.facts(report_id)
        except Exception:
            log.exception("report %s could not be read for answering", report_id)
            return None
        values = report_candidates(report_id, text, form, record.sections or [], facts)
        self.cache.put(key, values)
        return values


def _publish_dates(snapshot: Snapshot) -> dict[str, str | None]:
    return {r.id: r.publish_date for r in snapshot.reports}


class Answerer(Protocol):
    """``answerer(analysis, passages, ctx)``: an answer (possibly an abstention), or None to pass."""

    def __call__(self, analysis: QueryAnalysis, passages: list[Passage], ctx: AnswerContext) -> Answer | None: ...
