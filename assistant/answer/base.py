"""The one interface every answerer has, and what it may read besides the passages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from assistant.cite import ReportTexts
from assistant.query import QueryAnalysis
from assistant.types import Answer, Passage
from index.storage.catalogue import Catalogue, ReportRecord
from index.storage.snapshot import Snapshot


@dataclass(frozen=True)
class AnswerContext:
    """What an answerer may consult: the ready reports, the catalogue (table facts) and the report texts."""

    reports: list[ReportRecord]
    catalogue: Catalogue
    texts: ReportTexts
    #: the catalogue view ``reports`` come from: derived lookups are then built once per generation
    snapshot: Snapshot | None = None

    @property
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


def _publish_dates(snapshot: Snapshot) -> dict[str, str | None]:
    return {r.id: r.publish_date for r in snapshot.reports}


class Answerer(Protocol):
    """``answerer(analysis, passages, ctx)``: an answer (possibly an abstention), or None to pass."""

    def __call__(self, analysis: QueryAnalysis, passages: list[Passage], ctx: AnswerContext) -> Answer | None: ...
