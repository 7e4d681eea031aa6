"""Ingest, replace, delete and re-index reports: the single writer of a data directory.

An ingest runs in two phases under the writer lock:

1. **answerable**: each file is read, parsed and chunked, and its rows (report, chunks, table
   facts) are committed as ``pending`` in one transaction; then the whole batch is published at
   once (:mod:`index.ingest.publish`: one BM25 build, one transaction), so its reports answer by
   keyword search and table facts within seconds of being read;
2. **embedded**: their vectors are added afterwards, batch by batch (:mod:`index.ingest.dense`),
   each batch becoming searchable in one transaction.

Crash safety: every writer run first recovers (:mod:`index.ingest.recovery`). A ``kill -9`` at
any moment leaves readers on the last published state, vectors of reports not yet dense-ready
are ignored by readers, an interrupted file is retried once and then reported as failed, and the
next writer finishes the rest. ``DISCLOSURE_CRASH_AT`` (:mod:`index.ingest.checkpoints`) kills the
writer at a named point, for tests.

One module: it is the writer's one story (lock, recovery, the two phases, replace, delete, re-index,
edit), whose steps share the lock and the publish order; the parts that stand alone are already
apart (publish, dense, recovery, checkpoints).

>>> indexer = Indexer(doctest_settings)
>>> [(str(r.status), r.issuer, r.year) for r in indexer.ingest([doctest_reports])]
[('unchanged', '常州市机关事务管理局', 2021)]
"""

from __future__ import annotations

import json
import logging
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from index.config import Settings
from index.errors import DisclosureError, IngestError
from index.identity.metadata import effective_metadata
from index.identity.store import AdminMetadata, load_admin, name_rows, save_admin, save_names
from index.ingest.checkpoints import crash_point
from index.ingest.dense import DenseRun, embed_pending
from index.ingest.prepare import Prepared, prepare
from index.ingest.publish import Published, publish, remove_unused_copy, vector_metadata
from index.ingest.recovery import mark_clean, recover
from index.limits import StepProgress
from index.load.paths import collect_files
from index.models import DenseState, IngestResult, IngestStatus, JobState, ReportState
from index.storage.catalogue import JobRecord, ReportRecord, now_iso
from index.storage.lexical import IDS_FILE
from index.storage.store import Store, writer_lock
from index.tables import save_facts
from index.text.searchform import build_search_form

log = logging.getLogger(__name__)

#: progress(done, total, message): called as files (and then chunks, for vectors) are processed.
ProgressFn = Callable[[float, float, str], None]

SAMPLES_DIR = Path(__file__).resolve().parents[1] / "samples"


def expand_paths(paths: Iterable[Path], *, follow_symlinks: bool = False) -> list[Path]:
    """Files as given, and every entry inside folders (recursive, hidden ones skipped), sorted.

    Links, pipes and devices are listed too, so each gets a line saying why it was not read
    (:func:`index.load.paths.collect_files`); linked folders are entered only with ``follow_symlinks``.
    """
    return collect_files(paths, follow_symlinks=follow_symlinks)


def copy_sample_reports(target: Path) -> list[Path]:
    """The bundled sample reports (``index/samples/``), copied to ``target`` (used by the app's first start)."""
    target.mkdir(parents=True, exist_ok=True)
    out = []
    for src in sorted(SAMPLES_DIR.glob("*")):
        dst = target / src.name
        shutil.copyfile(src, dst)
        out.append(dst)
    return out


def _within(progress: ProgressFn | None, index: int, count: int, name: str) -> StepProgress | None:
    """Progress inside file ``index`` of ``count`` (e.g. its OCR pages) as a fraction of that file on the files' bar."""
    if progress is None:
        return None

    def step(done: float, total: float, message: str) -> None:
        share = min(1.0, done / total) if total else 0.0
        progress(round(index + share, 2), count, f"{name} · {message}")

    return step


class Indexer:
    """The writer: every public method holds the data directory's writer lock."""

    def __init__(self, settings: Settings, store: Store | None = None) -> None:
        self.settings = settings
        self.store = store or Store(settings)
        #: seconds of the last run's steps (recover, read, publish, embed), for progress reports and the bench
        self.timings: dict[str, float] = {}
        self.last_dense = DenseRun()

    # -- public operations ----------------------------------------------------------------
    def ingest(
        self,
        paths: Iterable[Path],
        progress: ProgressFn | None = None,
        *,
        embed: bool = True,
        retry_failed: bool = False,
        follow_symlinks: bool = False,
        metadata: Mapping[str, AdminMetadata] | None = None,
    ) -> list[IngestResult]:
        """Index files and folders; a failed file never affects what is already indexed.

        ``embed=False`` stops after the first phase (answerable, vectors pending: a later writer
        run, e.g. :meth:`embed`, adds them). ``retry_failed`` tries files given up on before.
        Symbolic links (given or inside folders) are refused unless ``follow_symlinks``; even then
        only regular files are read. ``metadata`` maps a file name to what an admin says about it
        (manifest, ``--issuer``/``--year``): it overrides what parsing finds, also for a file already
        indexed with the same bytes.
        """
        files = expand_paths(paths, follow_symlinks=follow_symlinks)
        return self.ingest_bytes(
            [(path.name, path) for path in files],
            progress,
            embed=embed,
            retry_failed=retry_failed,
            follow_symlinks=follow_symlinks,
            metadata=metadata,
        )

    def ingest_bytes(
        self,
        items: list[tuple[str, Path]],
        progress: ProgressFn | None = None,
        *,
        embed: bool = True,
        retry_failed: bool = False,
        follow_symlinks: bool = False,
        metadata: Mapping[str, AdminMetadata] | None = None,
    ) -> list[IngestResult]:
        """Index uploaded files: (name as uploaded, temporary path) pairs."""
        with self._writing():
            results = []
            t0 = time.perf_counter()
            for i, (name, path) in enumerate(items):
                if progress:
                    progress(i, len(items), name)
                results.append(
                    self._stage_one(
                        path,
                        name,
                        retry_failed=retry_failed,
                        follow_symlinks=follow_symlinks,
                        admin=(metadata or {}).get(name),
                        progress=_within(progress, i, len(items), name),
                    )
                )
            self.timings["read"] = time.perf_counter() - t0
            if progress:
                progress(len(items), len(items), "发布 publishing")
            self._publish(results)
            if embed:
                self._embed(progress)
            self._fill_dense(results)
            return results

    def embed(self, progress: ProgressFn | None = None) -> DenseRun:
        """Only the second phase: add the vectors of every report still waiting for them."""
        with self._writing():
            self._publish([])
            self._embed(progress)
            return self.last_dense

    def delete(self, report_id: str) -> str:
        """Delete a report, or a failed file's record (id or unique id prefix); returns its full id."""
        with self._writing():
            self._publish([])
            job = self._failed_job(report_id)
            if job is not None:
                with self.store.catalogue.transaction() as tx:
                    tx.execute("DELETE FROM jobs WHERE sha256 = ?", (job.sha256,))
                remove_unused_copy(self.store, job.stored_path)
                return job.id
            report = self._resolve(report_id)
            publish(self.store, hide=[report.id])
            return report.id

    def reindex(self, progress: ProgressFn | None = None) -> list[IngestResult]:
        """Rebuild everything from the stored copies, one report at a time, while readers keep answering.

        Each report is re-read, re-chunked and swapped in place in one transaction; the others
        stay visible throughout, and the batch is published (BM25, metadata) at the end. With a
        new embedding model the vector collection is rebuilt and every report answers by keyword
        search until its new vectors are in (old-model readers refuse to answer until they restart
        with the new model: vector spaces are never mixed).
        """
        with self._writing(check_model=False):
            self._publish([])
            catalogue = self.store.catalogue
            if self.store.indexed_model() not in (None, self.store.model_name):
                self.store.vectors_for_writing().reset()
                with catalogue.transaction() as tx:
                    tx.execute("UPDATE reports SET dense = 'pending', dense_attempts = 0, dense_error = NULL")
                    catalogue.set_meta(tx, "embedding_model", self.store.model_name)
                    version = catalogue.bump_vectors_version(tx)
                    catalogue.bump_generation(tx)
                self.store.wrote_vectors(version)
            reports = catalogue.reports()
            results = []
            for i, report in enumerate(reports):
                if progress:
                    progress(i, len(reports), report.source)
                stored = Path(report.stored_path)
                if not stored.exists():
                    results.append(
                        IngestResult(report.source, IngestStatus.FAILED, report.id, error="stored copy is missing")
                    )
                    continue
                results.append(
                    self._reindex_one(
                        report.id, stored, report.source, _within(progress, i, len(reports), report.source)
                    )
                )
            publish(self.store, force=True)
            self._embed(progress)
            self._fill_dense(results)
            return results

    def edit(self, report_id: str, supplied: AdminMetadata, *, revert: bool = False) -> ReportRecord:
        """Set (or, with ``revert``, drop) an admin's issuer, year and publish date for one report.

        The values override what parsing found until reverted, survive re-indexing, and the report's
        names are recomputed, so questions find it under the new issuer at once (a new generation;
        the lexical index is unchanged: it holds the same chunks).
        """
        with self._writing():
            self._publish([])
            report = self._resolve(report_id)
            self._edit(report, supplied, revert=revert)
            updated = self.store.catalogue.report(report.id)
            assert updated is not None
            return updated

    def recover(self) -> None:
        """Finish or roll back what an interrupted writer left behind (and add pending vectors)."""
        with self._writing():
            self._publish([])
            self._embed(None)

    def verify(self) -> dict[str, Any]:
        """Whether readers are consistent now, and what the next writer will clean up (no lock, read-only).

        ``consistent_for_readers``: the published BM25 index holds exactly the visible chunks, and
        every chunk of a dense-ready report has its vector. ``needs_cleanup`` lists leftovers of an
        interrupted writer that readers ignore (extra vectors, unpublished or half-deleted rows,
        interrupted jobs); any writer run removes them.
        """
        store = self.store
        catalogue = store.catalogue
        with catalogue.read() as conn:
            versions = catalogue.versions(conn)
            ready_ids = [r[0] for r in catalogue.ready_chunk_tokens(conn)]
            dense_ids = {
                r[0]
                for r in conn.execute(
                    "SELECT c.id FROM chunks c JOIN reports r ON r.id = c.report_id "
                    "WHERE r.state = 'ready' AND r.dense = 'ready'"
                )
            }
            states = dict(conn.execute("SELECT state, COUNT(*) FROM reports GROUP BY state").fetchall())
            jobs = dict(conn.execute("SELECT state, COUNT(*) FROM jobs GROUP BY state").fetchall())
        dense = catalogue.dense_counts()
        problems: list[str] = []
        bm25_ids: list[str] | None = None
        name = versions.lexical
        if name is None and versions.generation and (store.bm25_dir / f"gen-{versions.generation}").is_dir():
            name = f"gen-{versions.generation}"
        if name:
            try:
                bm25_ids = json.loads((store.bm25_dir / name / IDS_FILE).read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                problems.append(f"published BM25 index {name} unreadable: {exc}")
        elif ready_ids:
            problems.append("no BM25 index published")
        if bm25_ids is not None and bm25_ids != ready_ids:
            problems.append("BM25 documents differ from the visible chunks")
        has_chroma = (store.data_dir / "chroma").exists() or bool(store.settings.chroma_host)
        vector_ids = store.vectors_for_writing().all_ids() if has_chroma else set()
        missing = len(dense_ids - vector_ids)
        if missing:
            problems.append(f"{missing} vectors of dense-ready reports are missing")
        extra = len(vector_ids - dense_ids)
        cleanup: list[str] = []
        if extra:
            cleanup.append(f"{extra} vectors no searchable chunk owns (ignored by readers)")
        if states.get(ReportState.PENDING):
            cleanup.append(f"{states[ReportState.PENDING]} report(s) read but not published")
        if states.get(ReportState.DELETING):
            cleanup.append(f"{states[ReportState.DELETING]} report(s) hidden, not yet purged")
        if jobs.get(JobState.RUNNING):
            cleanup.append(f"{jobs[JobState.RUNNING]} interrupted file job(s) to retry once")
        return {
            "reports": states.get(ReportState.READY, 0),
            "catalogue_chunks": len(ready_ids),
            "chroma_vectors": len(vector_ids),
            "chroma_missing": missing,
            "chroma_extra": extra,
            "bm25_documents": len(bm25_ids or []),
            "dense": dense,
            "failed_files": jobs.get(JobState.FAILED, 0),
            "generation": versions.generation,
            "consistent_for_readers": not problems,
            "problems": problems,
            "needs_cleanup": cleanup,
        }

    # -- internals ------------------------------------------------------------------------
    @contextmanager
    def _writing(self, *, check_model: bool = True) -> Iterator[None]:
        """Writer lock, model check and recovery on entry; the clean mark when the body finishes normally."""
        with writer_lock(self.store.data_dir):
            self.timings = {}
            if check_model:
                self.store.check_model()
            t0 = time.perf_counter()
            recover(self.store, lambda path, source: self._stage_one(path, source, retry=True))
            self.timings["recover"] = time.perf_counter() - t0
            yield
            mark_clean(self.store)

    def _publish(self, results: list[IngestResult]) -> Published:
        """Publish the batch (and whatever an interrupted run left pending); fix up the results."""
        t0 = time.perf_counter()
        lexical = self.store.catalogue.versions().lexical
        missing = lexical is not None and lexical and not (self.store.bm25_dir / lexical).is_dir()
        has_ready = self.store.catalogue.conn.execute("SELECT 1 FROM reports WHERE state = 'ready' LIMIT 1").fetchone()
        force = bool(missing or (lexical is None and has_ready))
        if force:
            log.warning("the published BM25 index is missing: rebuilding it")
        published = publish(self.store, force=force)
        self.timings["publish"] = time.perf_counter() - t0
        for r in results:
            if r.report_id in published.replaced_by and r.status == IngestStatus.INDEXED:
                r.status = IngestStatus.REPLACED
        return published

    def _embed(self, progress: ProgressFn | None) -> None:
        t0 = time.perf_counter()
        self.last_dense = embed_pending(self.store, progress)
        self.timings["embed"] = time.perf_counter() - t0

    def _fill_dense(self, results: list[IngestResult]) -> None:
        ids = [r.report_id for r in results if r.ok and r.report_id]
        if not ids:
            return
        states: dict[str, str] = {}
        conn = self.store.catalogue.conn
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            states.update(
                conn.execute(
                    f"SELECT id, dense FROM reports WHERE id IN ({','.join('?' * len(part))})", part
                ).fetchall()
            )
        for r in results:
            if r.report_id in states:
                r.dense = DenseState(states[r.report_id])

    def _failed_job(self, report_id: str) -> JobRecord | None:
        if not report_id:
            return None
        jobs = [j for j in self.store.catalogue.jobs(JobState.FAILED) if j.id.startswith(report_id)]
        return jobs[0] if len(jobs) == 1 else None

    def _resolve(self, report_id: str) -> ReportRecord:
        matches = self.store.catalogue.find_reports(report_id) if report_id else []
        exact = [r for r in matches if r.id == report_id]
        if exact:
            return exact[0]
        if not matches:
            raise DisclosureError(f"no report with id {report_id!r} (see `disclosure reports`)")
        if len(matches) > 1:
            raise DisclosureError(f"id prefix {report_id!r} is ambiguous: {', '.join(r.id for r in matches)}")
        return matches[0]

    def _stage_one(
        self,
        path: Path,
        source_name: str,
        *,
        retry: bool = False,
        retry_failed: bool = False,
        follow_symlinks: bool = False,
        admin: AdminMetadata | None = None,
        progress: StepProgress | None = None,
    ) -> IngestResult:
        """First phase for one file: its rows committed as ``pending`` (published with the batch)."""
        catalogue = self.store.catalogue
        job_sha: str | None = None

        def on_start(sha: str, stored: Path) -> None:
            nonlocal job_sha
            job = catalogue.job(sha)
            if job is not None and job.state == JobState.FAILED and job.interrupted and not (retry or retry_failed):
                raise IngestError(source_name, f"skipped: {job.error}")
            attempt = catalogue.start_job(sha, source_name, str(stored), retry=retry)
            job_sha = sha
            log.debug("%s: attempt %d", source_name, attempt)
            crash_point("job-started")

        try:
            prepared = prepare(
                self.store,
                path,
                source_name,
                follow_symlinks=follow_symlinks,
                on_start=on_start,
                admin=admin,
                progress=progress,
            )
            if isinstance(prepared, IngestResult):
                report = catalogue.report(prepared.report_id or "")
                if admin and report is not None:
                    self._edit(report, admin)  # same bytes, new metadata from the admin
                    prepared.issuer = admin.issuer or prepared.issuer
                    prepared.year = admin.year or prepared.year
                return prepared
            self._stage(prepared)
            crash_point("report-staged")
            return IngestResult(
                prepared.source,
                IngestStatus.INDEXED,
                prepared.report_id,
                prepared.issuer,
                prepared.year,
                len(prepared.chunk_rows),
                prepared.warnings,
            )
        except IngestError as exc:
            log.warning("%s", exc)
            self._job_failed(job_sha, exc.reason, keep=retry)
            return IngestResult(source_name, IngestStatus.FAILED, error=exc.reason)
        except DisclosureError:
            self._job_failed(job_sha, "stopped by an error of the data directory", keep=False)
            raise
        except Exception as exc:  # a bad file must not stop the batch
            log.exception("unexpected error while indexing %s", source_name)
            reason = f"unexpected error: {exc.__class__.__name__}: {exc}"
            self._job_failed(job_sha, reason, keep=retry)
            return IngestResult(source_name, IngestStatus.FAILED, error=reason)

    def _job_failed(self, sha: str | None, reason: str, *, keep: bool) -> None:
        """A file's first phase failed cleanly: the job is recorded as failed when nobody is there to
        see the result (a retry by recovery), else dropped (the caller reports the failure)."""
        if sha is None:
            return
        catalogue = self.store.catalogue
        job = catalogue.job(sha)
        if keep:
            catalogue.fail_job(sha, reason)
        else:
            with catalogue.transaction() as tx:
                tx.execute("DELETE FROM jobs WHERE sha256 = ?", (sha,))
        if job is not None:
            remove_unused_copy(self.store, job.stored_path)

    def _stage(self, p: Prepared) -> None:
        """The report's rows, ``pending``, in one transaction (an earlier pending copy of the same name goes)."""
        catalogue = self.store.catalogue
        with catalogue.transaction() as conn:
            if catalogue.get_meta("embedding_model") is None:
                catalogue.set_meta(conn, "embedding_model", self.store.model_name)
            for (old,) in conn.execute(
                "SELECT id FROM reports WHERE state = 'pending' AND source = ? AND id != ?", (p.source, p.report_id)
            ).fetchall():
                # two files of the same name in one batch: the later one wins, as if ingested one after the other
                conn.execute("DELETE FROM facts WHERE report_id = ?", (old,))
                conn.execute("DELETE FROM chunks WHERE report_id = ?", (old,))
                conn.execute("DELETE FROM reports WHERE id = ?", (old,))
            conn.execute("DELETE FROM facts WHERE report_id = ?", (p.report_id,))
            conn.execute("DELETE FROM chunks WHERE report_id = ?", (p.report_id,))
            conn.execute("DELETE FROM reports WHERE id = ?", (p.report_id,))
            row = {**p.row, "state": ReportState.PENDING, "dense": DenseState.PENDING, "dense_attempts": 0}
            cols = ", ".join(row)
            conn.execute(f"INSERT INTO reports({cols}) VALUES ({', '.join('?' * len(row))})", tuple(row.values()))
            self._insert_children(conn, p)
            conn.execute("DELETE FROM jobs WHERE sha256 = ?", (p.sha256,))

    def _reindex_one(
        self, report_id: str, stored: Path, source: str, progress: StepProgress | None = None
    ) -> IngestResult:
        """Re-read one stored report and replace its rows in place (vectors follow in the second phase)."""
        try:
            prepared = prepare(self.store, stored, source, force=True, progress=progress)
        except IngestError as exc:
            return IngestResult(source, IngestStatus.FAILED, report_id, error=exc.reason)
        assert isinstance(prepared, Prepared)  # force=True never answers "unchanged"
        catalogue = self.store.catalogue
        old_ids = set(catalogue.chunk_ids(report_id))
        stale = sorted(old_ids - {r[0] for r in prepared.chunk_rows})
        if stale:
            self.store.vectors_for_writing().delete(stale)
        with catalogue.transaction() as conn:
            conn.execute("DELETE FROM facts WHERE report_id = ?", (report_id,))
            conn.execute("DELETE FROM chunks WHERE report_id = ?", (report_id,))
            row = {**prepared.row, "state": ReportState.READY, "dense": DenseState.PENDING, "dense_attempts": 0}
            conn.execute("DELETE FROM reports WHERE id = ?", (report_id,))
            conn.execute(
                f"INSERT INTO reports({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", tuple(row.values())
            )
            self._insert_children(conn, prepared)
            version = catalogue.bump_vectors_version(conn)
        self.store.wrote_vectors(version, removed=[report_id])
        return IngestResult(
            source,
            IngestStatus.INDEXED,
            report_id,
            prepared.issuer,
            prepared.year,
            len(prepared.chunk_rows),
            prepared.warnings,
        )

    def _edit(self, report: ReportRecord, supplied: AdminMetadata, *, revert: bool = False) -> None:
        catalogue = self.store.catalogue
        conn = catalogue.conn
        admin = AdminMetadata() if revert else load_admin(conn, report.id)
        admin = admin.merged(supplied)
        parsed = report.parsed_metadata or {
            key: getattr(report, key) for key in ("issuer", "year", "publish_date") if report.sources[key] != "admin"
        }
        meta = effective_metadata(parsed.get("issuer"), parsed.get("year"), parsed.get("publish_date"), admin)
        search_text = "" if meta.issuer else build_search_form(catalogue.report_text(report.id)).text
        columns = {**meta.columns(), "warnings": json.dumps(meta.filter_warnings(report.warnings), ensure_ascii=False)}
        with catalogue.transaction() as tx:
            tx.execute(
                f"UPDATE reports SET {', '.join(f'{k} = ?' for k in columns)} WHERE id = ?",
                (*columns.values(), report.id),
            )
            save_names(tx, report.id, name_rows(meta.issuer, search_text))
            save_admin(tx, report.id, admin, now_iso())
            catalogue.bump_generation(tx)
        chunks = catalogue.ready_chunks_of(report.id)
        self.store.vectors_for_writing().update_metadata(
            [c.id for c in chunks],
            [vector_metadata(c.report_id, c.section, c.start, c.end, c.source, meta.issuer, meta.year) for c in chunks],
        )
        log.info("metadata of %s set by an admin: %s", report.source, admin)

    @staticmethod
    def _insert_children(conn: sqlite3.Connection, p: Prepared) -> None:
        save_names(conn, p.report_id, p.names)
        if p.admin:
            save_admin(conn, p.report_id, p.admin, now_iso())
        conn.executemany(
            'INSERT INTO chunks(id, report_id, ordinal, section, section_title, start, "end", text, search_text, tokens) '
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            p.chunk_rows,
        )
        if p.facts:
            save_facts(conn, p.report_id, p.facts)
