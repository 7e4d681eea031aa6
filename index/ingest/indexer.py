"""Ingest, replace, delete and re-index reports: the single writer of a data directory.

Crash safety: a report is written to the catalogue as ``pending`` before its vectors go to
Chroma, and becomes ``ready`` (visible to readers) in one transaction afterwards. Every
writer run first recovers (:mod:`index.ingest.recovery`): ``pending`` reports are rolled back
and ingested again from their stored copy, ``deleting`` ones are finished, and Chroma and BM25
are brought back into agreement with the catalogue. So a ``kill -9`` in the middle of an
ingest leaves the previous state usable, and the next run completes the job.

>>> indexer = Indexer(doctest_settings)
>>> [(str(r.status), r.issuer, r.year) for r in indexer.ingest([doctest_reports])]
[('unchanged', '常州市机关事务管理局', 2021)]
"""

from __future__ import annotations

import json
import logging
import shutil
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path

from index.config import Settings
from index.errors import DisclosureError, IngestError
from index.identity.metadata import effective_metadata
from index.identity.store import AdminMetadata, load_admin, name_rows, save_admin, save_names
from index.ingest.prepare import Prepared, prepare
from index.ingest.recovery import purge, rebuild_lexical, recover, vector_metadata
from index.limits import StepProgress
from index.load.paths import collect_files
from index.models import IngestResult, IngestStatus, ReportState
from index.storage.catalogue import ReportRecord
from index.storage.store import Store, writer_lock
from index.tables import save_facts
from index.text.searchform import build_search_form

log = logging.getLogger(__name__)

#: progress(done, total, message): called as files (and their chunks) are processed.
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

    # -- public operations ----------------------------------------------------------------
    def ingest(
        self,
        paths: Iterable[Path],
        progress: ProgressFn | None = None,
        *,
        follow_symlinks: bool = False,
        metadata: Mapping[str, AdminMetadata] | None = None,
    ) -> list[IngestResult]:
        """Index files and folders; a failed file never affects what is already indexed.

        Symbolic links (given or inside folders) are refused unless ``follow_symlinks``; even then
        only regular files are read. ``metadata`` maps a file name to what an admin says about it
        (manifest, ``--issuer``/``--year``): it overrides what parsing finds, also for a file already
        indexed with the same bytes.
        """
        files = expand_paths(paths, follow_symlinks=follow_symlinks)
        return self.ingest_bytes(
            [(path.name, path) for path in files], progress, follow_symlinks=follow_symlinks, metadata=metadata
        )

    def ingest_bytes(
        self,
        items: list[tuple[str, Path]],
        progress: ProgressFn | None = None,
        *,
        follow_symlinks: bool = False,
        metadata: Mapping[str, AdminMetadata] | None = None,
    ) -> list[IngestResult]:
        """Index uploaded files: (name as uploaded, temporary path) pairs."""
        with writer_lock(self.store.data_dir):
            self.store.check_model()
            self._recover()
            before = self.store.catalogue.generation()
            results = []
            for i, (name, path) in enumerate(items):
                if progress:
                    progress(i, len(items), name)
                admin = (metadata or {}).get(name)
                results.append(
                    self._ingest_one(
                        path,
                        source_name=name,
                        follow_symlinks=follow_symlinks,
                        admin=admin,
                        progress=_within(progress, i, len(items), name),
                    )
                )
            if self.store.catalogue.generation() != before:  # indexed, replaced, or metadata edited
                rebuild_lexical(self.store)
            if progress:
                progress(len(items), len(items), "done")
            return results

    def delete(self, report_id: str) -> str:
        """Delete a report (id or unique id prefix); returns its full id."""
        with writer_lock(self.store.data_dir):
            self._recover()
            report = self._resolve(report_id)
            with self.store.catalogue.transaction() as conn:
                conn.execute("UPDATE reports SET state = ? WHERE id = ?", (ReportState.DELETING, report.id))
                self.store.catalogue.bump_generation(conn)
            purge(self.store, report.id)
            with self.store.catalogue.transaction() as conn:
                save_admin(conn, report.id, AdminMetadata(), _now())
            rebuild_lexical(self.store)
            stored = Path(report.stored_path)
            if (
                stored.exists()
                and not self.store.catalogue.conn.execute(
                    "SELECT 1 FROM reports WHERE stored_path = ?", (report.stored_path,)
                ).fetchone()
            ):
                stored.unlink()
            return report.id

    def reindex(self, progress: ProgressFn | None = None) -> list[IngestResult]:
        """Rebuild everything from the stored copies, one report at a time, while readers keep answering.

        Each report is re-read, re-chunked and re-embedded, then swapped in place in one
        transaction; the others stay visible throughout. With a new embedding model the vector
        collection is rebuilt (old-model readers keep BM25 until they restart with the new model).
        """
        with writer_lock(self.store.data_dir):
            self._recover()
            catalogue = self.store.catalogue
            switching = self.store.indexed_model() not in (None, self.store.model_name)
            if switching:
                self.store.vectors.reset()
            reports = catalogue.reports(state=None)
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
            with catalogue.transaction() as conn:
                catalogue.set_meta(conn, "embedding_model", self.store.model_name)
                catalogue.bump_generation(conn)
            rebuild_lexical(self.store)
            if progress:
                progress(len(reports), len(reports), "done")
            return results

    def edit(self, report_id: str, supplied: AdminMetadata, *, revert: bool = False) -> ReportRecord:
        """Set (or, with ``revert``, drop) an admin's issuer, year and publish date for one report.

        The values override what parsing found until reverted, survive re-indexing, and the report's
        names are recomputed, so questions find it under the new issuer at once.
        """
        with writer_lock(self.store.data_dir):
            self._recover()
            report = self._resolve(report_id)
            self._edit(report, supplied, revert=revert)
            rebuild_lexical(self.store)  # a new generation: readers reload it rather than rebuild it
            updated = self.store.catalogue.report(report.id)
            assert updated is not None
            return updated

    def recover(self) -> None:
        """Finish or roll back what an interrupted writer left behind."""
        with writer_lock(self.store.data_dir):
            self._recover()

    def verify(self) -> dict[str, int]:
        """Counts that must agree: ready chunks in the catalogue, vectors in Chroma, BM25 documents."""
        ready = self.store.catalogue.ready_chunks()
        vector_ids = self.store.vectors.all_ids()
        lexical = self.store.lexical()
        return {
            "reports": len(self.store.catalogue.reports()),
            "catalogue_chunks": len(ready),
            "chroma_vectors": len(vector_ids),
            "chroma_missing": len({c.id for c in ready} - vector_ids),
            "chroma_extra": len(vector_ids - {c.id for c in ready}),
            "bm25_documents": len(lexical.chunk_ids),
        }

    # -- internals ------------------------------------------------------------------------
    def _recover(self) -> None:
        recover(self.store, lambda path, source: self._ingest_one(path, source_name=source))

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

    def _ingest_one(
        self,
        path: Path,
        *,
        source_name: str,
        follow_symlinks: bool = False,
        admin: AdminMetadata | None = None,
        progress: StepProgress | None = None,
    ) -> IngestResult:
        try:
            prepared_or_result = prepare(
                self.store, path, source_name, follow_symlinks=follow_symlinks, admin=admin, progress=progress
            )
            if isinstance(prepared_or_result, IngestResult):
                result = prepared_or_result
                report = self.store.catalogue.report(result.report_id or "")
                if admin and report is not None:
                    self._edit(report, admin)  # same bytes, new metadata from the admin
                    result.issuer = admin.issuer or result.issuer
                    result.year = admin.year or result.year
                return result
            return self._commit(prepared_or_result)
        except IngestError as exc:
            log.warning("%s", exc)
            return IngestResult(source_name, IngestStatus.FAILED, error=exc.reason)
        except DisclosureError:
            raise
        except Exception as exc:  # a bad file must not stop the batch
            log.exception("unexpected error while indexing %s", source_name)
            return IngestResult(
                source_name, IngestStatus.FAILED, error=f"unexpected error: {exc.__class__.__name__}: {exc}"
            )

    def _reindex_one(
        self, report_id: str, stored: Path, source: str, progress: StepProgress | None = None
    ) -> IngestResult:
        """Re-read one stored report and replace its chunks, facts and vectors in place."""
        try:
            prepared = prepare(self.store, stored, source, force=True, progress=progress)
        except IngestError as exc:
            return IngestResult(source, IngestStatus.FAILED, report_id, error=exc.reason)
        assert isinstance(prepared, Prepared)  # force=True never answers "unchanged"
        old_ids = set(self.store.catalogue.chunk_ids(report_id))
        self._add_vectors(prepared)
        catalogue = self.store.catalogue
        with catalogue.transaction() as conn:
            conn.execute("DELETE FROM facts WHERE report_id = ?", (report_id,))
            conn.execute("DELETE FROM chunks WHERE report_id = ?", (report_id,))
            row = {**prepared.row, "state": ReportState.READY}
            conn.execute("DELETE FROM reports WHERE id = ?", (report_id,))
            conn.execute(
                f"INSERT INTO reports({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", tuple(row.values())
            )
            self._insert_children(conn, prepared)
        stale = sorted(old_ids - {r[0] for r in prepared.chunk_rows})
        if stale:
            self.store.vectors.delete(stale)
        return IngestResult(
            source,
            IngestStatus.INDEXED,
            report_id,
            prepared.issuer,
            prepared.year,
            len(prepared.chunk_rows),
            prepared.warnings,
        )

    def _commit(self, p: Prepared) -> IngestResult:
        catalogue = self.store.catalogue
        with catalogue.transaction() as conn:
            if catalogue.get_meta("embedding_model") is None:
                catalogue.set_meta(conn, "embedding_model", self.store.model_name)
            conn.execute("DELETE FROM reports WHERE id = ?", (p.report_id,))
            cols = ", ".join(p.row)
            conn.execute(f"INSERT INTO reports({cols}) VALUES ({', '.join('?' * len(p.row))})", tuple(p.row.values()))
            self._insert_children(conn, p)
        self._add_vectors(p)
        ids = [r[0] for r in p.chunk_rows]
        replaced = [
            r for r in catalogue.reports_by_source(p.source) if r.id != p.report_id and r.state == ReportState.READY
        ]
        with catalogue.transaction() as conn:
            for old in replaced:
                conn.execute("UPDATE reports SET state = ? WHERE id = ?", (ReportState.DELETING, old.id))
                save_admin(conn, old.id, AdminMetadata(), _now())
            conn.execute("UPDATE reports SET state = ? WHERE id = ?", (ReportState.READY, p.report_id))
            catalogue.bump_generation(conn)
        for old in replaced:
            purge(self.store, old.id)
        log.info("indexed %s as %s (%d chunks)", p.source, p.report_id, len(ids))
        return IngestResult(
            p.source,
            IngestStatus.REPLACED if replaced else IngestStatus.INDEXED,
            p.report_id,
            p.issuer,
            p.year,
            len(ids),
            p.warnings,
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
            save_admin(tx, report.id, admin, _now())
            catalogue.bump_generation(tx)
        chunks = catalogue.ready_chunks_of(report.id)
        self.store.vectors.update_metadata(
            [c.id for c in chunks],
            [vector_metadata(c.report_id, c.section, c.start, c.end, c.source, meta.issuer, meta.year) for c in chunks],
        )
        log.info("metadata of %s set by an admin: %s", report.source, admin)

    @staticmethod
    def _insert_children(conn: sqlite3.Connection, p: Prepared) -> None:
        save_names(conn, p.report_id, p.names)
        if p.admin:
            save_admin(conn, p.report_id, p.admin, _now())
        conn.executemany(
            'INSERT INTO chunks(id, report_id, ordinal, section, section_title, start, "end", text, search_text, tokens) '
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            p.chunk_rows,
        )
        if p.facts:
            save_facts(conn, p.report_id, p.facts)

    def _add_vectors(self, p: Prepared) -> None:
        """Upsert the chunk vectors (cached by text, so a re-run after a crash re-embeds nothing)."""
        metadatas = [vector_metadata(p.report_id, r[3], r[5], r[6], p.source, p.issuer, p.year) for r in p.chunk_rows]
        self.store.vectors.add([r[0] for r in p.chunk_rows], [r[8] for r in p.chunk_rows], metadatas)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
