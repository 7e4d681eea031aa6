"""One immutable view of the catalogue per generation: the visible reports, their BM25 index and dense state.

Readers take ``store.snapshot()`` once per question and use only it: the report list, lookups by
id, the lexical index that holds exactly those reports' chunks, which reports' vectors may be
searched, and indexes derived from the report list (built once per generation on first use):

>>> from index.storage.store import Store
>>> snap = Store(doctest_settings).snapshot()
>>> [r.issuer for r in snap.reports]
['常州市机关事务管理局']
>>> by_year = snap.derived("by_year", lambda: {r.year: r.id for r in snap.reports})
>>> snap.derived("by_year", lambda: {}) is by_year   # built once, then shared
True

A new snapshot is made only when a writer (in this or another process) changes the catalogue's
``generation`` or ``lexical`` row; a change of ``vectors_version`` alone (vectors of pending
reports added) makes a copy with the new dense state that keeps the derived indexes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from index.storage.catalogue import ReportRecord, Versions
from index.storage.lexical import LexicalIndex

T = TypeVar("T")


@dataclass(frozen=True)
class _Derived:
    """The cache of derived indexes, shared by the dense-only copies of one snapshot."""

    values: dict[str, Any] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass(frozen=True)
class Snapshot:
    """The reports a reader may see, and what goes with them, at one catalogue version."""

    versions: Versions
    reports: tuple[ReportRecord, ...]
    by_id: Mapping[str, ReportRecord]
    lexical: LexicalIndex
    #: ids of visible reports whose vectors are all in Chroma (dense hits of others are ignored)
    dense_ready: frozenset[str]
    _derived: _Derived = field(default_factory=_Derived, repr=False, compare=False)

    @classmethod
    def build(
        cls, versions: Versions, reports: list[ReportRecord], lexical: LexicalIndex, dense_ready: frozenset[str]
    ) -> Snapshot:
        by_id = {r.id: r for r in reports}
        return cls(versions, tuple(reports), by_id, lexical, frozenset(dense_ready & by_id.keys()))

    @property
    def generation(self) -> int:
        return self.versions.generation

    def report(self, report_id: str) -> ReportRecord | None:
        return self.by_id.get(report_id)

    def __len__(self) -> int:
        return len(self.reports)

    def derived(self, name: str, builder: Callable[[], T]) -> T:
        """The index ``name``, built by ``builder()`` on first use and cached for this generation.

        ``builder`` reads this snapshot (it closes over it) and must depend only on its report list
        and on catalogue rows that change only with the generation: the cache is shared with
        dense-only refreshes of the same generation.
        """
        cache = self._derived
        if name in cache.values:
            return cast(T, cache.values[name])
        with cache.lock:
            if name not in cache.values:
                cache.values[name] = builder()
            return cast(T, cache.values[name])

    def with_dense(self, versions: Versions, dense_ready: frozenset[str]) -> Snapshot:
        """The same reports and lexical index with a newer dense state (derived indexes kept)."""
        return Snapshot(
            versions, self.reports, self.by_id, self.lexical, dense_ready & self.by_id.keys(), self._derived
        )
