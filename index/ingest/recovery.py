"""What a writer does before anything else: finish or roll back what an interrupted writer left behind.

``deleting`` reports are purged (vectors, then rows); ``pending`` ones are purged and ingested
again from their stored copy; then Chroma is brought back to exactly the ready chunks (extra
vectors removed, missing ones restored from the embedding cache) and the BM25 index is rebuilt
when its generation is missing. So a ``kill -9`` at any point leaves the previous state usable.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from index.models import IngestResult, ReportState
from index.storage.lexical import build_lexical_index
from index.storage.store import Store

log = logging.getLogger(__name__)

#: reingest(stored copy, source name): ingest one file again (the Indexer's own single-file ingest).
Reingest = Callable[[Path, str], IngestResult]


def vector_metadata(
    report_id: str, section: str, start: int, end: int, source: str, issuer: str | None, year: int | None
) -> dict[str, Any]:
    """The Chroma metadata of one chunk vector."""
    return {
        "report_id": report_id,
        "section": section,
        "start": start,
        "end": end,
        "source": source,
        "issuer": issuer or "",
        "year": year or 0,
    }


def purge(store: Store, report_id: str) -> None:
    """Remove a hidden (pending/deleting) report's vectors, then its rows."""
    ids = store.catalogue.chunk_ids(report_id)
    if ids:
        store.vectors.delete(ids)
    with store.catalogue.transaction() as conn:
        conn.execute("DELETE FROM facts WHERE report_id = ?", (report_id,))
        conn.execute("DELETE FROM chunks WHERE report_id = ?", (report_id,))
        conn.execute("DELETE FROM report_names WHERE report_id = ?", (report_id,))
        conn.execute("DELETE FROM reports WHERE id = ?", (report_id,))


def rebuild_lexical(store: Store) -> None:
    store.set_lexical(build_lexical_index(store.catalogue, store.bm25_dir))


def recover(store: Store, reingest: Reingest) -> None:
    """Finish deletions, redo interrupted ingests, and make Chroma and BM25 agree with the catalogue."""
    catalogue = store.catalogue
    redo: list[tuple[str, Path]] = []
    for report in catalogue.reports(state=ReportState.DELETING):
        log.warning("finishing the interrupted deletion of %s", report.source)
        purge(store, report.id)
    for report in catalogue.reports(state=ReportState.PENDING):
        log.warning("rolling back the interrupted ingest of %s", report.source)
        purge(store, report.id)
        redo.append((report.source, Path(report.stored_path)))
    for source, stored in redo:
        if stored.exists():
            result = reingest(stored, source)
            log.warning("re-ingested %s after an interrupted run: %s", source, result.status)
    # Chroma must hold exactly the ready chunks.
    ready = {c.id: c for c in catalogue.ready_chunks()}
    if ready or store.data_dir.joinpath("chroma").exists():
        have = store.vectors.all_ids()
        extra = have - set(ready)
        missing = [ready[i] for i in ready if i not in have]
        if extra:
            log.warning("removing %d vectors that no catalogue chunk owns", len(extra))
            store.vectors.delete(sorted(extra))
        if missing:
            log.warning("restoring %d missing vectors", len(missing))
            store.vectors.add(
                [c.id for c in missing],
                [c.search_text for c in missing],
                [vector_metadata(c.report_id, c.section, c.start, c.end, c.source, c.issuer, c.year) for c in missing],
            )
    if redo or not (store.bm25_dir / f"gen-{catalogue.generation()}").exists():
        rebuild_lexical(store)
