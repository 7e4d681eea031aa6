"""The second phase of an ingest: vectors for reports that are already answerable.

Reports become visible (BM25 and table facts) as soon as their batch is published; this phase
then embeds their chunks in batches of whole reports, upserts the vectors into Chroma and marks
the batch ``dense = ready`` in one transaction (bumping ``vectors_version``), so readers search
a report's vectors only once all of them are there. It resumes where it stopped: a later writer
picks up every ``pending`` report, and the embedding cache makes vectors computed before a crash
free. An attempt is counted before the work starts; a report whose embedding was interrupted
twice is marked ``failed`` by recovery and stays answerable without vectors.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from index.ingest.checkpoints import crash_point
from index.ingest.publish import vector_metadata
from index.models import DenseState
from index.storage.store import Store

log = logging.getLogger(__name__)

#: Chunks embedded per batch: a batch is published together (whole reports, at least one).
BATCH_CHUNKS = 64

#: progress(done, total, message), in chunks.
DenseProgress = Callable[[float, float, str], None]


@dataclass
class DenseRun:
    """What one run of the second phase did."""

    reports: int = 0
    chunks: int = 0
    computed: int = 0  # embeddings computed by the model (the rest came from the cache)
    seconds: float = 0.0
    embed_seconds: float = 0.0  # inside the model


def _marks(n: int) -> str:
    return ",".join("?" * n)


def embed_pending(store: Store, progress: DenseProgress | None = None, batch_chunks: int = BATCH_CHUNKS) -> DenseRun:
    """Embed every ready report whose vectors are pending; the caller holds the writer lock."""
    if batch_chunks < 1:
        raise ValueError(f"batch_chunks must be >= 1, got {batch_chunks}")
    catalogue = store.catalogue
    total = int(
        catalogue.conn.execute(
            "SELECT COALESCE(SUM(chunk_count), 0) FROM reports WHERE state = 'ready' AND dense = 'pending'"
        ).fetchone()[0]
    )
    run = DenseRun()
    if total == 0:
        return run
    t0 = time.perf_counter()
    embeddings = store.embeddings
    computed0, model_s0 = embeddings.computed, embeddings.embed_seconds
    vectors = store.vectors_for_writing()
    while True:
        pending = catalogue.dense_pending(limit=max(1, batch_chunks))
        if not pending:
            break
        batch: list[str] = []
        size = 0
        for report_id, chunks, _ in pending:
            if batch and size + chunks > batch_chunks:
                break
            batch.append(report_id)
            size += chunks
        with catalogue.transaction() as tx:
            tx.execute(
                f"UPDATE reports SET dense_attempts = dense_attempts + 1 WHERE id IN ({_marks(len(batch))})", batch
            )
        crash_point("dense-marked")
        try:
            rows = catalogue.conn.execute(
                'SELECT c.id, c.search_text, c.report_id, c.section, c.start, c."end", r.source, r.issuer, r.year '
                f"FROM chunks c JOIN reports r ON r.id = c.report_id WHERE c.report_id IN ({_marks(len(batch))}) "
                "ORDER BY c.report_id, c.ordinal",
                batch,
            ).fetchall()
            arrays = embeddings.embed_arrays([r[1] for r in rows])
            vectors.add(
                [r[0] for r in rows],
                arrays,
                [vector_metadata(r[2], r[3], r[4], r[5], r[6], r[7], r[8]) for r in rows],
            )
        except KeyboardInterrupt:
            # stopped by the user, not the reports' fault: this attempt does not count
            with catalogue.transaction() as tx:
                tx.execute(
                    f"UPDATE reports SET dense_attempts = dense_attempts - 1 WHERE id IN ({_marks(len(batch))})", batch
                )
            raise
        crash_point("vectors-added")
        with catalogue.transaction() as tx:
            tx.execute(
                f"UPDATE reports SET dense = ?, dense_error = NULL WHERE state = 'ready' AND id IN ({_marks(len(batch))})",
                (DenseState.READY, *batch),
            )
            version = catalogue.bump_vectors_version(tx)
        store.wrote_vectors(version, added=batch)
        crash_point("dense-ready")
        run.reports += len(batch)
        run.chunks += len(rows)
        if progress:
            progress(run.chunks, total, "向量 vectors")
    run.seconds = time.perf_counter() - t0
    run.computed = embeddings.computed - computed0
    run.embed_seconds = embeddings.embed_seconds - model_s0
    log.info(
        "embedded %d chunks of %d reports in %.1f s (%d computed, %.1f s in the model)",
        run.chunks,
        run.reports,
        run.seconds,
        run.computed,
        run.embed_seconds,
    )
    return run
