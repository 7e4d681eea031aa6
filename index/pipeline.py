"""Ingest, replace, delete and re-index reports: the single writer of a data directory.

Crash safety: a report is written to the catalogue as ``pending`` before its vectors go to
Chroma, and becomes ``ready`` (visible to readers) in one transaction afterwards. Every
writer run first recovers: ``pending`` reports are rolled back and ingested again from their
stored copy, ``deleting`` ones are finished, and Chroma and BM25 are brought back into
agreement with the catalogue. So a ``kill -9`` in the middle of an ingest leaves the previous
state usable, and the next run completes the job.

>>> from index.config import Settings
>>> indexer = Indexer(Settings.from_env())                      # doctest: +SKIP
>>> [r.status for r in indexer.ingest([Path("report.txt")])]    # doctest: +SKIP
['indexed']
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from index.clean import build_search_form
from index.config import Settings
from index.errors import DisclosureError, IngestError
from index.lexical import build_lexical_index
from index.store import Store, writer_lock
from index.tokenize import tokenize

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")

#: progress(done, total, message): called as files (and their chunks) are processed.
ProgressFn = Callable[[float, float, str], None]


@dataclass
class IngestResult:
    """What happened to one file."""

    source: str
    status: str  # "indexed" | "replaced" | "unchanged" | "failed"
    report_id: str | None = None
    issuer: str | None = None
    year: int | None = None
    chunks: int = 0
    warnings: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status != "failed"

    def to_json(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class _Prepared:
    report_id: str
    source: str
    sha256: str
    stored_path: Path
    row: dict[str, object]
    chunk_rows: list[tuple[object, ...]]
    facts: list[object]
    warnings: list[str]


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given, and the files inside folders (recursive, hidden ones skipped), sorted."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
                )
            )
        else:
            out.append(path)
    return out


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Indexer:
    """The writer: every public method holds the data directory's writer lock."""

    def __init__(self, settings: Settings, store: Store | None = None) -> None:
        self.settings = settings
        self.store = store or Store(settings)

    # -- public operations ----------------------------------------------------------------
    def ingest(self, paths: Iterable[Path], progress: ProgressFn | None = None) -> list[IngestResult]:
        """Index files and folders; a failed file never affects what is already indexed."""
        files = expand_paths(paths)
        with writer_lock(self.store.data_dir):
            self.store.check_model()
            self._recover()
            results: list[IngestResult] = []
            for i, path in enumerate(files):
                if progress:
                    progress(i, len(files), path.name)
                results.append(self._ingest_one(path, source_name=path.name))
            if any(r.status in ("indexed", "replaced") for r in results):
                self._rebuild_lexical()
            if progress:
                progress(len(files), len(files), "done")
            return results

    def ingest_bytes(
        self, items: list[tuple[str, Path]], progress: ProgressFn | None = None
    ) -> list[IngestResult]:
        """Index uploaded files: (name as uploaded, temporary path) pairs."""
        with writer_lock(self.store.data_dir):
            self.store.check_model()
            self._recover()
            results = []
            for i, (name, path) in enumerate(items):
                if progress:
                    progress(i, len(items), name)
                results.append(self._ingest_one(path, source_name=name))
            if any(r.status in ("indexed", "replaced") for r in results):
                self._rebuild_lexical()
            if progress:
                progress(len(items), len(items), "done")
            return results

    def delete(self, report_id: str) -> str:
        """Delete a report (id or unique id prefix); returns its full id."""
        with writer_lock(self.store.data_dir):
            self._recover()
            report = self._resolve(report_id)
            with self.store.catalogue.transaction() as conn:
                conn.execute("UPDATE reports SET state = 'deleting' WHERE id = ?", (report.id,))
                self.store.catalogue.bump_generation(conn)
            self._purge(report.id)
            self._rebuild_lexical()
            stored = Path(report.stored_path)
            if stored.exists() and not self.store.catalogue.conn.execute(
                "SELECT 1 FROM reports WHERE stored_path = ?", (report.stored_path,)
            ).fetchone():
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
                    results.append(IngestResult(report.source, "failed", report.id, error="stored copy is missing"))
                    continue
                results.append(self._reindex_one(report.id, stored, report.source))
            with catalogue.transaction() as conn:
                catalogue.set_meta(conn, "embedding_model", self.store.model_name)
                catalogue.bump_generation(conn)
            self._rebuild_lexical()
            if progress:
                progress(len(reports), len(reports), "done")
            return results

    def _reindex_one(self, report_id: str, stored: Path, source: str) -> IngestResult:
        """Re-read one stored report and replace its chunks, facts and vectors in place."""
        try:
            prepared = self._prepare(stored, source, force=True)
        except IngestError as exc:
            return IngestResult(source, "failed", report_id, error=exc.reason)
        assert isinstance(prepared, _Prepared)
        old_ids = set(self.store.catalogue.chunk_ids(report_id))
        self._add_vectors(prepared)
        catalogue = self.store.catalogue
        with catalogue.transaction() as conn:
            if _has_table(conn, "facts"):
                conn.execute("DELETE FROM facts WHERE report_id = ?", (report_id,))
            conn.execute("DELETE FROM chunks WHERE report_id = ?", (report_id,))
            row = {**prepared.row, "state": "ready"}
            conn.execute("DELETE FROM reports WHERE id = ?", (report_id,))
            conn.execute(f"INSERT INTO reports({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", tuple(row.values()))
            self._insert_children(conn, prepared)
        stale = sorted(old_ids - {str(r[0]) for r in prepared.chunk_rows})
        if stale:
            self.store.vectors.delete(stale)
        return IngestResult(
            source, "indexed", report_id, prepared.row["issuer"], prepared.row["year"],  # type: ignore[arg-type]
            len(prepared.chunk_rows), prepared.warnings,
        )

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
    def _resolve(self, report_id: str) -> object:
        matches = self.store.catalogue.find_reports(report_id) if report_id else []
        exact = [r for r in matches if r.id == report_id]
        if exact:
            return exact[0]
        if not matches:
            raise DisclosureError(f"no report with id {report_id!r} (see `disclosure reports`)")
        if len(matches) > 1:
            raise DisclosureError(f"id prefix {report_id!r} is ambiguous: {', '.join(r.id for r in matches)}")
        return matches[0]

    def _ingest_one(self, path: Path, *, source_name: str) -> IngestResult:
        try:
            prepared_or_result = self._prepare(path, source_name)
            if isinstance(prepared_or_result, IngestResult):
                return prepared_or_result
            return self._commit(prepared_or_result)
        except IngestError as exc:
            log.warning("%s", exc)
            return IngestResult(source_name, "failed", error=exc.reason)
        except DisclosureError:
            raise
        except Exception as exc:  # noqa: BLE001 - a bad file must not stop the batch
            log.exception("unexpected error while indexing %s", source_name)
            return IngestResult(source_name, "failed", error=f"unexpected error: {exc.__class__.__name__}: {exc}")

    def _prepare(self, path: Path, source_name: str, *, force: bool = False) -> _Prepared | IngestResult:
        from index.chunk import chunk_report
        from index.load import load_file
        from index.parse import parse_report

        if not path.exists():
            raise IngestError(source_name, "file not found")
        size = path.stat().st_size
        if size > self.settings.max_file_bytes:
            raise IngestError(
                source_name,
                f"file is {size / 1048576:.1f} MB, over the {self.settings.max_file_mb:g} MB limit (DISCLOSURE_MAX_FILE_MB)",
            )
        data = path.read_bytes()
        sha = sha256_of(data)
        existing = None if force else self.store.catalogue.report_by_sha(sha)
        if existing is not None:
            return IngestResult(
                source_name, "unchanged", existing.id, existing.issuer, existing.year, existing.chunk_count,
                existing.warnings,
            )
        loaded = load_file(path, max_bytes=self.settings.max_file_bytes, source_name=source_name)
        if not loaded.text.strip():
            raise IngestError(source_name, "no text could be extracted")
        form = build_search_form(loaded.text)
        parsed = parse_report(loaded.text, form, source_name=source_name)
        chunks = chunk_report(loaded.text, form, parsed.sections)
        if not chunks:
            raise IngestError(source_name, "no indexable text after cleaning")
        facts, fact_warnings = _read_facts(loaded.text, form)
        warnings = list(dict.fromkeys([*loaded.warnings, *parsed.warnings, *fact_warnings]))
        report_id = sha[:16]
        suffix = Path(source_name).suffix.lower() or path.suffix.lower()
        stored = self.store.files_dir / f"{sha}{suffix}"
        if not stored.exists():
            self.store.files_dir.mkdir(parents=True, exist_ok=True)
            tmp = stored.with_name(stored.name + ".tmp")
            tmp.write_bytes(data)
            tmp.replace(stored)
        chunk_rows = []
        for c in chunks:
            chunk_rows.append(
                (
                    f"{report_id}-{c.ordinal:04d}", report_id, c.ordinal, c.section, c.section_title, c.start, c.end,
                    c.text, c.search_text, " ".join(tokenize(c.search_text)),
                )
            )
        row = {
            "id": report_id,
            "source": source_name,
            "sha256": sha,
            "format": loaded.format,
            "stored_path": str(stored),
            "issuer": parsed.issuer,
            "year": parsed.year,
            "publish_date": parsed.publish_date,
            "title": parsed.title,
            "parser": loaded.parser,
            "encoding": loaded.encoding,
            "warnings": json.dumps(warnings, ensure_ascii=False),
            "sections": json.dumps(
                [{"key": s.key, "title": s.title, "start": s.start, "end": s.end} for s in parsed.sections],
                ensure_ascii=False,
            ),
            "chunk_count": len(chunks),
            "embedding_model": self.store.model_name,
            "indexed_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "state": "pending",
            "text": loaded.text,
        }
        return _Prepared(report_id, source_name, sha, stored, row, chunk_rows, facts, warnings)

    def _commit(self, p: _Prepared) -> IngestResult:
        catalogue = self.store.catalogue
        with catalogue.transaction() as conn:
            if catalogue.get_meta("embedding_model") is None:
                catalogue.set_meta(conn, "embedding_model", self.store.model_name)
            conn.execute("DELETE FROM reports WHERE id = ?", (p.report_id,))
            cols = ", ".join(p.row)
            conn.execute(f"INSERT INTO reports({cols}) VALUES ({', '.join('?' * len(p.row))})", tuple(p.row.values()))
            self._insert_children(conn, p)
        self._add_vectors(p)
        ids = [str(r[0]) for r in p.chunk_rows]
        replaced = [r for r in catalogue.reports_by_source(p.source) if r.id != p.report_id and r.state == "ready"]
        with catalogue.transaction() as conn:
            for old in replaced:
                conn.execute("UPDATE reports SET state = 'deleting' WHERE id = ?", (old.id,))
            conn.execute("UPDATE reports SET state = 'ready' WHERE id = ?", (p.report_id,))
            catalogue.bump_generation(conn)
        for old in replaced:
            self._purge(old.id)
        log.info("indexed %s as %s (%d chunks)", p.source, p.report_id, len(ids))
        return IngestResult(
            p.source, "replaced" if replaced else "indexed", p.report_id,
            p.row["issuer"], p.row["year"], len(ids), p.warnings,  # type: ignore[arg-type]
        )

    @staticmethod
    def _insert_children(conn: object, p: _Prepared) -> None:
        conn.executemany(  # type: ignore[attr-defined]
            'INSERT INTO chunks(id, report_id, ordinal, section, section_title, start, "end", text, search_text, tokens) '
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            p.chunk_rows,
        )
        if p.facts:
            from index.tables import save_facts

            save_facts(conn, p.report_id, p.facts)  # type: ignore[arg-type]

    def _add_vectors(self, p: _Prepared) -> None:
        """Upsert the chunk vectors (cached by text, so a re-run after a crash re-embeds nothing)."""
        metadatas = [
            {
                "report_id": p.report_id,
                "section": str(r[3]),
                "start": int(r[5]),  # type: ignore[call-overload]
                "end": int(r[6]),  # type: ignore[call-overload]
                "source": p.source,
                "issuer": str(p.row["issuer"] or ""),
                "year": int(p.row["year"] or 0),  # type: ignore[call-overload]
            }
            for r in p.chunk_rows
        ]
        self.store.vectors.add([str(r[0]) for r in p.chunk_rows], [str(r[8]) for r in p.chunk_rows], metadatas)

    def _purge(self, report_id: str) -> None:
        """Remove a hidden (pending/deleting) report's vectors, then its rows."""
        ids = self.store.catalogue.chunk_ids(report_id)
        if ids:
            self.store.vectors.delete(ids)
        with self.store.catalogue.transaction() as conn:
            if _has_table(conn, "facts"):
                conn.execute("DELETE FROM facts WHERE report_id = ?", (report_id,))
            conn.execute("DELETE FROM chunks WHERE report_id = ?", (report_id,))
            conn.execute("DELETE FROM reports WHERE id = ?", (report_id,))

    def _recover(self) -> None:
        catalogue = self.store.catalogue
        redo: list[tuple[str, Path]] = []
        for report in catalogue.reports(state="deleting"):
            log.warning("finishing the interrupted deletion of %s", report.source)
            self._purge(report.id)
        for report in catalogue.reports(state="pending"):
            log.warning("rolling back the interrupted ingest of %s", report.source)
            self._purge(report.id)
            redo.append((report.source, Path(report.stored_path)))
        for source, stored in redo:
            if stored.exists():
                result = self._ingest_one(stored, source_name=source)
                log.warning("re-ingested %s after an interrupted run: %s", source, result.status)
        # Chroma must hold exactly the ready chunks.
        ready = {c.id: c for c in catalogue.ready_chunks()}
        if ready or self.store.data_dir.joinpath("chroma").exists():
            have = self.store.vectors.all_ids()
            extra = have - set(ready)
            missing = [ready[i] for i in ready if i not in have]
            if extra:
                log.warning("removing %d vectors that no catalogue chunk owns", len(extra))
                self.store.vectors.delete(sorted(extra))
            if missing:
                log.warning("restoring %d missing vectors", len(missing))
                self.store.vectors.add(
                    [c.id for c in missing],
                    [c.search_text for c in missing],
                    [
                        {"report_id": c.report_id, "section": c.section, "start": c.start, "end": c.end,
                         "source": c.source, "issuer": c.issuer or "", "year": c.year or 0}
                        for c in missing
                    ],
                )
        if redo or not (self.store.bm25_dir / f"gen-{catalogue.generation()}").exists():
            self._rebuild_lexical()

    def _rebuild_lexical(self) -> None:
        self.store.set_lexical(build_lexical_index(self.store.catalogue, self.store.bm25_dir))


def _has_table(conn: object, name: str) -> bool:
    return bool(
        conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone()  # type: ignore[attr-defined]
    )


def _read_facts(text: str, form: object) -> tuple[list[object], list[str]]:
    """Table facts when the table reader is available; never fails an ingest."""
    try:
        from index.tables import read_tables
    except ImportError:
        return [], []
    try:
        reading = read_tables(text, form)  # type: ignore[arg-type]
    except Exception as exc:  # noqa: BLE001 - tables are a bonus; the text is still indexed
        log.exception("table reading failed")
        return [], [f"tables could not be read: {exc.__class__.__name__}: {exc}"]
    facts = list(reading.facts)
    try:
        from index.tables import read_fee_facts

        facts.extend(read_fee_facts(text, form))  # type: ignore[arg-type]
    except ImportError:
        pass
    return facts, list(reading.warnings)


def copy_sample_reports(target: Path) -> list[Path]:
    """The bundled sample reports, copied to ``target`` (used by the app's first start)."""
    here = Path(__file__).resolve().parents[1] / "assistant" / "sample_reports"
    target.mkdir(parents=True, exist_ok=True)
    out = []
    for src in sorted(here.glob("*")):
        dst = target / src.name
        shutil.copyfile(src, dst)
        out.append(dst)
    return out
