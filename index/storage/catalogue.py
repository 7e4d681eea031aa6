"""The SQLite catalogue: reports, chunks, table facts, the embedding cache and the Q&A log.

A report row moves through states: ``pending`` (chunks written, vectors may be missing),
``ready`` (visible to readers), ``deleting`` (hidden, its vectors may still exist). Readers
only ever see ``ready`` rows, and ``generation`` (in ``meta``) changes whenever the set of
ready chunks changes, so a reader knows when to reload its BM25 index.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.identity import store as identity_store
from index.models import ReportState
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
    # where issuer, year and publish date come from: "parsed" (read from the text) or "admin" (supplied)
    issuer_source: str | None = None
    year_source: str | None = None
    publish_date_source: str | None = None
    parsed_metadata: dict[str, Any] = field(default_factory=dict)  # what parsing found, when an admin overrode it

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
            "warnings": self.warnings,
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
    "warnings, sections, chunk_count, embedding_model, indexed_at, state, "
    "issuer_source, year_source, publish_date_source, parsed_metadata"
)


def _report(row: sqlite3.Row) -> ReportRecord:
    data = dict(row)
    data["warnings"] = json.loads(data["warnings"])
    data["sections"] = json.loads(data["sections"])
    data["state"] = ReportState(data["state"])
    data["parsed_metadata"] = json.loads(data["parsed_metadata"] or "{}")
    return ReportRecord(**data)


class Catalogue:
    """Thin access layer over the SQLite file; one connection per thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self.conn.executescript(SCHEMA)  # executescript commits on its own
        self._install_extensions(self.conn)

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
    def bump_generation(conn: sqlite3.Connection) -> None:
        row = conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        conn.execute(
            "INSERT OR REPLACE INTO meta(key, value) VALUES ('generation', ?)",
            (str(int(row[0]) + 1 if row else 1),),
        )

    def generation(self) -> int:
        value = self.get_meta("generation")
        return int(value) if value else 0

    # -- reports --------------------------------------------------------------------------
    def reports(self, state: ReportState | None = ReportState.READY) -> list[ReportRecord]:
        sql = f"SELECT {_REPORT_COLUMNS} FROM reports"
        args: tuple[Any, ...] = ()
        if state is not None:
            sql += " WHERE state = ?"
            args = (state,)
        sql += " ORDER BY issuer, year, source"
        return [_report(r) for r in self.conn.execute(sql, args)]

    def report(self, report_id: str) -> ReportRecord | None:
        row = self.conn.execute(f"SELECT {_REPORT_COLUMNS} FROM reports WHERE id = ?", (report_id,)).fetchone()
        return None if row is None else _report(row)

    def find_reports(self, prefix: str) -> list[ReportRecord]:
        """Reports whose id starts with ``prefix`` (ids may be abbreviated like git hashes)."""
        rows = self.conn.execute(
            f"SELECT {_REPORT_COLUMNS} FROM reports WHERE id LIKE ? AND state = 'ready'", (prefix + "%",)
        )
        return [_report(r) for r in rows]

    def report_by_sha(self, sha256: str) -> ReportRecord | None:
        row = self.conn.execute(
            f"SELECT {_REPORT_COLUMNS} FROM reports WHERE sha256 = ? AND state = 'ready'", (sha256,)
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

    def chunk_ids(self, report_id: str) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT id FROM chunks WHERE report_id = ?", (report_id,))]

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
