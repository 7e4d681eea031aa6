"""The SQLite catalogue: reports, chunks, table facts, ingest jobs, the embedding cache and the Q&A log.

A report row moves through states: ``pending`` (rows complete, not yet published), ``ready``
(visible to readers), ``deleting`` (hidden, its vectors may still exist). Independently, its
``dense`` column says whether its vectors are searchable (``pending`` / ``ready`` / ``failed``).
Readers only ever see ``ready`` rows. Three ``meta`` rows tell a reader what to reload:

* ``generation`` changes whenever the set of ready reports (or their metadata) changes;
* ``lexical`` names the published BM25 folder that holds exactly the ready chunks;
* ``vectors_version`` changes whenever the dense index changes (vectors added or removed).

``jobs`` holds one row per file whose first phase is running or has failed, so an interrupted
file is retried once by the next writer and then reported as failed instead of retried forever.

One module: every SQL statement against the catalogue lives here, so the schema, its upgrades and
the state rules above are read in one place.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from index.identity import store as identity_store
from index.models import DenseState, JobState, ReportState
from index.tables.store import install_facts_schema

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS reports (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    format TEXT NOT NULL,
    stored_path TEXT NOT NULL,
    issuer TEXT,
    year INTEGER,
    publish_date TEXT,
    title TEXT,
    parser TEXT,
    encoding TEXT,
    warnings TEXT NOT NULL DEFAULT '[]',
    sections TEXT NOT NULL DEFAULT '[]',
    chunk_count INTEGER NOT NULL DEFAULT 0,
    embedding_model TEXT NOT NULL,
    indexed_at TEXT NOT NULL,
    state TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS reports_source ON reports(source);
CREATE INDEX IF NOT EXISTS reports_sha ON reports(sha256);
CREATE TABLE IF NOT EXISTS chunks (
    id TEXT PRIMARY KEY,
    report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    section TEXT NOT NULL,
    section_title TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    search_text TEXT NOT NULL,
    tokens TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_report ON chunks(report_id);
CREATE TABLE IF NOT EXISTS jobs (
    sha256 TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    stored_path TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    state TEXT NOT NULL,
    error TEXT,
    interrupted INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS embedding_cache (
    model TEXT NOT NULL,
    text_sha TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (model, text_sha)
);
"""


@dataclass
class ReportRecord:
    """One row of ``reports`` (without its text)."""

    id: str
    source: str
    sha256: str
    format: str
    stored_path: str
    issuer: str | None
    year: int | None
    publish_date: str | None
    title: str | None
    parser: str | None
    encoding: str | None
    warnings: list[str]
    sections: list[dict[str, Any]]
    chunk_count: int
    embedding_model: str
    indexed_at: str
    state: ReportState
    dense: DenseState = DenseState.READY
    dense_error: str | None = None
    # where issuer, year and publish date come from: "parsed" (read from the text) or "admin" (supplied)
    issuer_source: str | None = None
    year_source: str | None = None
    publish_date_source: str | None = None
    parsed_metadata: dict[str, Any] = field(default_factory=dict)  # what parsing found, when an admin overrode it

    @classmethod
    def bare(
        cls, report_id: str, source: str, issuer: str | None, year: int | None, chunk_count: int = 0
    ) -> ReportRecord:
        """A ready record with only its names (issuer resolution, benches and tests build these without a catalogue).

        >>> ReportRecord.bare("r1", "r1.txt", "示例市统计局", 2023).state.value
        'ready'
        """
        return cls(
            id=report_id,
            source=source,
            sha256="",
            format=Path(source).suffix.lstrip(".") or "txt",
            stored_path="",
            issuer=issuer,
            year=year,
            publish_date=None,
            title=None,
            parser=None,
            encoding=None,
            warnings=[],
            sections=[],
            chunk_count=chunk_count,
            embedding_model="",
            indexed_at="",
            state=ReportState.READY,
        )

    @property
    def sources(self) -> dict[str, str | None]:
        return {"issuer": self.issuer_source, "year": self.year_source, "publish_date": self.publish_date_source}

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "issuer": self.issuer,
            "year": self.year,
            "publish_date": self.publish_date,
            "metadata_sources": self.sources,
            "parsed_metadata": self.parsed_metadata,
            "title": self.title,
            "format": self.format,
            "parser": self.parser,
            "sha256": self.sha256,
            "chunk_count": self.chunk_count,
            "embedding_model": self.embedding_model,
            "indexed_at": self.indexed_at,
            "state": str(self.state),
            "dense": str(self.dense),
            "dense_error": self.dense_error,
            "warnings": self.warnings,
        }


@dataclass
class JobRecord:
    """A file whose first phase (read, parse, store) is running or failed; ``id`` is the report id it would get."""

    sha256: str
    source: str
    stored_path: str
    attempts: int
    state: JobState
    error: str | None
    interrupted: bool
    updated_at: str

    @property
    def id(self) -> str:
        return self.sha256[:16]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "sha256": self.sha256,
            "state": str(self.state),
            "attempts": self.attempts,
            "error": self.error,
            "interrupted": self.interrupted,
            "updated_at": self.updated_at,
        }


@dataclass
class ChunkRecord:
    """One row of ``chunks`` joined with its report's metadata."""

    id: str
    report_id: str
    ordinal: int
    section: str
    section_title: str
    start: int
    end: int
    text: str
    search_text: str
    tokens: list[str] = field(default_factory=list)
    source: str = ""
    issuer: str | None = None
    year: int | None = None


_REPORT_COLUMNS = (
    "id, source, sha256, format, stored_path, issuer, year, publish_date, title, parser, encoding, "
    "warnings, sections, chunk_count, embedding_model, indexed_at, state, dense, dense_error, "
    "issuer_source, year_source, publish_date_source, parsed_metadata"
)
#: Columns added after the first release, with their definitions (added by ``Catalogue`` on open).
_ADDED_COLUMNS = {
    "reports": {
        "dense": "TEXT NOT NULL DEFAULT 'ready'",
        "dense_attempts": "INTEGER NOT NULL DEFAULT 0",
        "dense_error": "TEXT",
    },
}
_STATES = {s.value: s for s in ReportState}
_DENSE = {s.value: s for s in DenseState}


def _report(row: sqlite3.Row | tuple[Any, ...]) -> ReportRecord:
    return ReportRecord(
        row[0],
        row[1],
        row[2],
        row[3],
        row[4],
        row[5],
        row[6],
        row[7],
        row[8],
        row[9],
        row[10],
        json.loads(row[11]) if row[11] != "[]" else [],
        json.loads(row[12]) if row[12] != "[]" else [],
        row[13],
        row[14],
        row[15],
        _STATES[row[16]],
        _DENSE[row[17]],
        row[18],
        row[19],
        row[20],
        row[21],
        json.loads(row[22]) if row[22] and row[22] != "{}" else {},
    )


def _job(row: sqlite3.Row) -> JobRecord:
    return JobRecord(
        row["sha256"],
        row["source"],
        row["stored_path"],
        row["attempts"],
        JobState(row["state"]),
        row["error"],
        bool(row["interrupted"]),
        row["updated_at"],
    )


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Versions:
    """The ``meta`` rows a reader compares to know what changed (one cheap query)."""

    generation: int
    lexical: str | None
    vectors_version: int


class Catalogue:
    """Thin access layer over the SQLite file; one connection per thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self.conn.executescript(SCHEMA)  # executescript commits on its own
        self._migrate(self.conn)
        self._install_extensions(self.conn)

    @staticmethod
    def _migrate(conn: sqlite3.Connection) -> None:
        """Add columns newer code needs to a catalogue written by older code (idempotent)."""
        for table, columns in _ADDED_COLUMNS.items():
            have = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
            missing = {name: ddl for name, ddl in columns.items() if name not in have}
            if not missing:
                continue
            conn.execute("BEGIN IMMEDIATE")
            try:
                have = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}  # another process may have won
                for name, ddl in missing.items():
                    if name not in have:
                        conn.execute(f"ALTER TABLE {table} ADD COLUMN {name} {ddl}")
                if table == "reports" and "dense" in missing:
                    # an old ``pending`` row had its rows complete but maybe not all its vectors
                    conn.execute("UPDATE reports SET dense = 'pending' WHERE state = 'pending'")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    @staticmethod
    def _install_extensions(conn: sqlite3.Connection) -> None:
        """Schemas owned by other modules live in the same file: table facts, report names and admin
        metadata (:mod:`index.identity.store`) here, the Q&A log in :mod:`assistant.review.qa_log`
        (created when the log is opened)."""
        install_facts_schema(conn)
        identity_store.install(conn)

    @property
    def conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: every query inside sees one consistent state of the file."""
        conn = self.conn
        if conn.in_transaction:  # already inside one (e.g. a writer's): that one is consistent too
            yield conn
            return
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT``; rolled back on any exception."""
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # -- meta -----------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    @staticmethod
    def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
        conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    @staticmethod
    def _bump(conn: sqlite3.Connection, key: str) -> int:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        value = int(row[0]) + 1 if row else 1
        conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, str(value)))
        return value

    @classmethod
    def bump_generation(cls, conn: sqlite3.Connection) -> int:
        """Readers rebuild their snapshot: the set of ready reports or their metadata changed."""
        return cls._bump(conn, "generation")

    @classmethod
    def bump_vectors_version(cls, conn: sqlite3.Connection) -> int:
        """Readers refresh their dense state: vectors were added to or removed from Chroma."""
        return cls._bump(conn, "vectors_version")

    def generation(self) -> int:
        value = self.get_meta("generation")
        return int(value) if value else 0

    def versions(self, conn: sqlite3.Connection | None = None) -> Versions:
        """``generation``, ``lexical`` and ``vectors_version`` in one query."""
        rows = dict(
            (conn or self.conn)
            .execute("SELECT key, value FROM meta WHERE key IN ('generation', 'lexical', 'vectors_version')")
            .fetchall()
        )
        return Versions(int(rows.get("generation") or 0), rows.get("lexical"), int(rows.get("vectors_version") or 0))

    # -- reports --------------------------------------------------------------------------
    def reports(
        self, state: ReportState | None = ReportState.READY, conn: sqlite3.Connection | None = None
    ) -> list[ReportRecord]:
        sql = f"SELECT {_REPORT_COLUMNS} FROM reports"
        args: tuple[Any, ...] = ()
        if state is not None:
            sql += " WHERE state = ?"
            args = (state,)
        sql += " ORDER BY issuer, year, source"
        cursor = (conn or self.conn).execute(sql, args)
        cursor.row_factory = None  # plain tuples: ~2x faster than sqlite3.Row for thousands of rows
        return [_report(r) for r in cursor]

    def dense_ready_ids(self, conn: sqlite3.Connection | None = None) -> frozenset[str]:
        """Ids of ready reports whose vectors are all in Chroma."""
        rows = (conn or self.conn).execute("SELECT id FROM reports WHERE state = 'ready' AND dense = 'ready'")
        return frozenset(r[0] for r in rows)

    def dense_pending(self, limit: int) -> list[tuple[str, int, int]]:
        """(id, chunk_count, dense_attempts) of ready reports still waiting for their vectors, oldest first."""
        rows = self.conn.execute(
            "SELECT id, chunk_count, dense_attempts FROM reports WHERE state = 'ready' AND dense = 'pending' "
            "ORDER BY rowid LIMIT ?",
            (limit,),
        )
        return [(r[0], int(r[1]), int(r[2])) for r in rows]

    def dense_counts(self) -> dict[str, int]:
        """Ready reports by dense state."""
        rows = self.conn.execute("SELECT dense, COUNT(*) FROM reports WHERE state = 'ready' GROUP BY dense")
        out = {s.value: 0 for s in DenseState}
        out.update({r[0]: int(r[1]) for r in rows})
        return out

    def report(self, report_id: str) -> ReportRecord | None:
        row = self.conn.execute(f"SELECT {_REPORT_COLUMNS} FROM reports WHERE id = ?", (report_id,)).fetchone()
        return None if row is None else _report(row)

    def find_reports(self, prefix: str) -> list[ReportRecord]:
        """Reports whose id starts with ``prefix`` (ids may be abbreviated like git hashes)."""
        rows = self.conn.execute(
            f"SELECT {_REPORT_COLUMNS} FROM reports WHERE id LIKE ? AND state = 'ready'", (prefix + "%",)
        )
        return [_report(r) for r in rows]

    def report_by_sha(self, sha256: str, *, include_pending: bool = False) -> ReportRecord | None:
        """The ready report with these bytes (or one staged by the running batch, with ``include_pending``)."""
        states = "('ready', 'pending')" if include_pending else "('ready')"
        row = self.conn.execute(
            f"SELECT {_REPORT_COLUMNS} FROM reports WHERE sha256 = ? AND state IN {states}", (sha256,)
        ).fetchone()
        return None if row is None else _report(row)

    def reports_by_source(self, source: str) -> list[ReportRecord]:
        rows = self.conn.execute(f"SELECT {_REPORT_COLUMNS} FROM reports WHERE source = ?", (source,))
        return [_report(r) for r in rows]

    def report_text(self, report_id: str) -> str:
        row = self.conn.execute("SELECT text FROM reports WHERE id = ?", (report_id,)).fetchone()
        if row is None:
            raise KeyError(report_id)
        return str(row[0])

    # -- chunks ---------------------------------------------------------------------------
    _CHUNK_SELECT = (
        'SELECT c.id, c.report_id, c.ordinal, c.section, c.section_title, c.start, c."end", c.text, '
        "c.search_text, c.tokens, r.source, r.issuer, r.year FROM chunks c JOIN reports r ON r.id = c.report_id "
    )

    @staticmethod
    def _chunk_records(rows: Iterator[sqlite3.Row]) -> list[ChunkRecord]:
        return [
            ChunkRecord(
                id=r[0],
                report_id=r[1],
                ordinal=r[2],
                section=r[3],
                section_title=r[4],
                start=r[5],
                end=r[6],
                text=r[7],
                search_text=r[8],
                tokens=r[9].split(" ") if r[9] else [],
                source=r[10],
                issuer=r[11],
                year=r[12],
            )
            for r in rows
        ]

    def ready_chunks(self) -> list[ChunkRecord]:
        """All chunks of ready reports in a stable order (the BM25 document order)."""
        rows = self.conn.execute(self._CHUNK_SELECT + "WHERE r.state = 'ready' ORDER BY c.report_id, c.ordinal")
        return self._chunk_records(rows)

    def ready_chunks_of(self, report_id: str) -> list[ChunkRecord]:
        """The chunks of one report, in order."""
        rows = self.conn.execute(self._CHUNK_SELECT + "WHERE c.report_id = ? ORDER BY c.ordinal", (report_id,))
        return self._chunk_records(rows)

    def chunks_by_id(self, ids: list[str]) -> dict[str, ChunkRecord]:
        """The chunks with these ids (of reports in any state: the caller filters by its snapshot)."""
        out: dict[str, ChunkRecord] = {}
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            marks = ",".join("?" * len(part))
            rows = self.conn.execute(self._CHUNK_SELECT + f"WHERE c.id IN ({marks})", part)
            out.update((c.id, c) for c in self._chunk_records(rows))
        return out

    def chunk_ids(self, report_id: str) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT id FROM chunks WHERE report_id = ?", (report_id,))]

    def ready_chunk_tokens(self, conn: sqlite3.Connection | None = None) -> Iterator[tuple[str, str]]:
        """(chunk id, space-joined tokens) of every ready chunk, in BM25 document order."""
        yield from (conn or self.conn).execute(
            "SELECT c.id, c.tokens FROM chunks c JOIN reports r ON r.id = c.report_id "
            "WHERE r.state = 'ready' ORDER BY c.report_id, c.ordinal"
        )

    # -- jobs -----------------------------------------------------------------------------
    def jobs(self, state: JobState | None = None) -> list[JobRecord]:
        sql = "SELECT * FROM jobs" + (" WHERE state = ?" if state else "") + " ORDER BY updated_at, source"
        return [_job(r) for r in self.conn.execute(sql, (state,) if state else ())]

    def job(self, sha256: str) -> JobRecord | None:
        row = self.conn.execute("SELECT * FROM jobs WHERE sha256 = ?", (sha256,)).fetchone()
        return None if row is None else _job(row)

    def start_job(self, sha256: str, source: str, stored_path: str, *, retry: bool) -> int:
        """Record that a file's first phase starts (committed before any work); returns its attempt number.

        A retry (by recovery) counts one more attempt; an explicit ingest starts again at 1.
        """
        with self.transaction() as conn:
            row = conn.execute("SELECT attempts FROM jobs WHERE sha256 = ?", (sha256,)).fetchone()
            attempts = (int(row[0]) + 1) if (retry and row) else 1
            conn.execute(
                "INSERT OR REPLACE INTO jobs(sha256, source, stored_path, attempts, state, error, interrupted, "
                "updated_at) VALUES (?, ?, ?, ?, ?, NULL, 0, ?)",
                (sha256, source, stored_path, attempts, JobState.RUNNING, now_iso()),
            )
        return attempts

    def fail_job(self, sha256: str, error: str, *, interrupted: bool = False) -> None:
        with self.transaction() as conn:
            conn.execute(
                "UPDATE jobs SET state = ?, error = ?, interrupted = ?, updated_at = ? WHERE sha256 = ?",
                (JobState.FAILED, error, int(interrupted), now_iso(), sha256),
            )

    # -- embedding cache ------------------------------------------------------------------
    def cached_vectors(self, model: str, shas: list[str]) -> dict[str, bytes]:
        out: dict[str, bytes] = {}
        for i in range(0, len(shas), 500):
            part = shas[i : i + 500]
            marks = ",".join("?" * len(part))
            for sha, blob in self.conn.execute(
                f"SELECT text_sha, vector FROM embedding_cache WHERE model = ? AND text_sha IN ({marks})",
                (model, *part),
            ):
                out[sha] = blob
        return out

    def store_vectors(self, model: str, items: list[tuple[str, bytes]]) -> None:
        with self.transaction() as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO embedding_cache(model, text_sha, vector) VALUES (?, ?, ?)",
                [(model, sha, blob) for sha, blob in items],
            )
