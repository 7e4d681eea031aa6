"""What a writer does before anything else: finish or roll back what an interrupted writer left behind.

Readers never need this: whatever moment a writer was killed at, they see the last published
state (see :mod:`index.ingest.publish`) and ignore vectors of reports not marked dense-ready.
The next writer cleans up, and nothing is retried forever:

* a ``running`` job (a file whose first phase was interrupted) is retried once from its stored
  copy; interrupted again, it is marked ``failed`` with the reason and never retried by recovery
  (``disclosure ingest --retry-failed FILE`` tries it again explicitly);
* ``deleting`` reports are purged; ``pending`` ones (complete rows of an interrupted batch) are
  published by the writer's next publication;
* a report whose vectors were being added when a writer died twice gets ``dense = failed`` (it stays
  answerable by BM25 and facts);
* after an unclean stop, Chroma is reconciled: vectors no dense-ready chunk owns are removed, and a
  dense-ready report with missing vectors goes back to ``pending``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from index.ingest.publish import purge, remove_unused_copy
from index.models import DenseState, IngestResult, JobState, ReportState
from index.storage.lexical import prune_lexical_dirs
from index.storage.store import Store

log = logging.getLogger(__name__)

#: attempts (the first one included) after which an interrupted job is given up
MAX_ATTEMPTS = 2
CLEAN_KEY = "writer_clean"
INTERRUPTED_TWICE = (
    "indexing was interrupted twice (the writer was killed or crashed while reading this file); "
    "not retried again: `disclosure ingest --retry-failed FILE` tries once more"
)
DENSE_INTERRUPTED_TWICE = (
    "adding this report's vectors was interrupted twice; it is answerable by keyword search and "
    "table facts, and `disclosure reindex` embeds it again"
)

#: retry(stored copy, source name): run one file's first phase again (the Indexer's own).
Retry = Callable[[Path, str], IngestResult]


def recover(store: Store, retry: Retry) -> list[IngestResult]:
    """Bring the data directory back to a clean state; returns the results of retried files."""
    catalogue = store.catalogue
    clean = catalogue.get_meta(CLEAN_KEY) == "1"  # absent (older data directory): reconcile once
    with catalogue.transaction() as tx:
        catalogue.set_meta(tx, CLEAN_KEY, "0")  # until this writer finishes normally
    for report_id in [r.id for r in catalogue.reports(state=ReportState.DELETING)]:
        log.warning("finishing the interrupted deletion of %s", report_id)
        purge(store, report_id)
    retried: list[IngestResult] = []
    for job in catalogue.jobs(JobState.RUNNING):
        if job.attempts >= MAX_ATTEMPTS:
            log.error("giving up on %s: %s", job.source, INTERRUPTED_TWICE)
            catalogue.fail_job(job.sha256, INTERRUPTED_TWICE, interrupted=True)
            remove_unused_copy(store, job.stored_path)
            continue
        stored = Path(job.stored_path)
        if not stored.exists():
            catalogue.fail_job(job.sha256, "interrupted, and its stored copy is missing: ingest the file again")
            continue
        log.warning("retrying %s once after an interrupted run (attempt %d)", job.source, job.attempts + 1)
        retried.append(retry(stored, job.source))
    with catalogue.transaction() as tx:
        gave_up = tx.execute(
            "UPDATE reports SET dense = ?, dense_error = ? WHERE state = 'ready' AND dense = ? AND dense_attempts >= ?",
            (DenseState.FAILED, DENSE_INTERRUPTED_TWICE, DenseState.PENDING, MAX_ATTEMPTS),
        ).rowcount
    if gave_up:
        log.error("%d report(s): %s", gave_up, DENSE_INTERRUPTED_TWICE)
    if not clean:
        reconcile_vectors(store)
        prune_lexical_dirs(store.bm25_dir, keep=(catalogue.versions().lexical,), min_age_s=0.0)
    return retried


def reconcile_vectors(store: Store) -> None:
    """Make Chroma hold exactly the vectors of dense-ready reports (after an unclean stop)."""
    catalogue = store.catalogue
    if not (store.data_dir / "chroma").exists() and not store.settings.chroma_host:
        return
    vectors = store.vectors_for_writing()
    have = vectors.all_ids()
    dense_ids = {
        r[0]
        for r in catalogue.conn.execute(
            "SELECT c.id FROM chunks c JOIN reports r ON r.id = c.report_id WHERE r.state = 'ready' AND r.dense = 'ready'"
        )
    }
    extra = sorted(have - dense_ids)
    missing_reports = sorted({cid.rsplit("-", 1)[0] for cid in dense_ids - have})
    if extra:
        log.warning("removing %d vectors that no searchable chunk owns (left by an interrupted writer)", len(extra))
        vectors.delete(extra)
    if missing_reports:
        log.warning("%d dense-ready report(s) miss vectors: embedding them again", len(missing_reports))
    if extra or missing_reports:
        with catalogue.transaction() as tx:
            for i in range(0, len(missing_reports), 500):
                part = missing_reports[i : i + 500]
                tx.execute(
                    f"UPDATE reports SET dense = 'pending', dense_attempts = 0 WHERE id IN ({','.join('?' * len(part))})",
                    part,
                )
            version = catalogue.bump_vectors_version(tx)
        store.wrote_vectors(version, removed=missing_reports)


def mark_clean(store: Store) -> None:
    """The writer finished normally: the next one need not reconcile Chroma."""
    with store.catalogue.transaction() as tx:
        store.catalogue.set_meta(tx, CLEAN_KEY, "1")
