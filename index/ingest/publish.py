"""Making a change visible to readers in one step: the batch's BM25 index first, then one transaction.

:func:`publish` builds the lexical index over exactly the chunks that will be visible (ready
reports, minus those hidden, plus the batch's ``pending`` ones), saves it under a new folder
name, and then in one transaction flips the states, points ``meta.lexical`` at the new folder
and bumps ``generation``. A reader reads ``lexical`` and the report list in one read
transaction, so it sees either the old set with the old index or the new set with the new one.
Hidden reports' vectors and rows are removed afterwards (:func:`purge`); until then readers
ignore them because they are not in the snapshot.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.identity.store import AdminMetadata, save_admin
from index.ingest.checkpoints import crash_point
from index.models import JobState, ReportState
from index.storage.catalogue import now_iso
from index.storage.lexical import build_lexical_index, prune_lexical_dirs
from index.storage.store import Store

log = logging.getLogger(__name__)


@dataclass
class Published:
    """What one publication changed."""

    shown: list[str] = field(default_factory=list)  # reports made visible
    hidden: list[str] = field(default_factory=list)  # reports hidden (replaced or deleted), purged after
    replaced_by: dict[str, str] = field(default_factory=dict)  # new report id -> the id it replaced
    lexical: str | None = None


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


def _ids(conn: sqlite3.Connection, sql: str, args: tuple[Any, ...] = ()) -> list[str]:
    return [r[0] for r in conn.execute(sql, args)]


def _marks(n: int) -> str:
    return ",".join("?" * n)


def publish(store: Store, hide: list[str] | None = None, *, force: bool = False) -> Published:
    """Make every ``pending`` report visible and hide ``hide`` (and reports the pending ones replace).

    A pending report replaces the ready report of the same source name. Nothing happens when
    there is nothing to show or hide, unless ``force`` (rebuild the lexical index anyway).
    """
    catalogue = store.catalogue
    conn = catalogue.conn
    pending = conn.execute("SELECT id, source FROM reports WHERE state = 'pending' ORDER BY rowid").fetchall()
    hidden = list(dict.fromkeys(hide or []))
    replaced_by: dict[str, str] = {}
    for new_id, source in pending:
        for old in _ids(
            conn, "SELECT id FROM reports WHERE state = 'ready' AND source = ? AND id != ?", (source, new_id)
        ):
            replaced_by[new_id] = old
            if old not in hidden:
                hidden.append(old)
    shown = [r[0] for r in pending]
    if not shown and not hidden and not force:
        return Published()
    store.bm25_dir.mkdir(parents=True, exist_ok=True)
    lexical = build_lexical_index(_visible_tokens(conn, hidden), store.bm25_dir)
    crash_point("lexical-built")
    previous = catalogue.versions().lexical
    with catalogue.transaction() as tx:
        for i in range(0, len(hidden), 500):
            part = hidden[i : i + 500]
            tx.execute(f"UPDATE reports SET state = 'deleting' WHERE id IN ({_marks(len(part))})", part)
        tx.execute("UPDATE reports SET state = 'ready' WHERE state = 'pending'")
        sources = [r[1] for r in pending]
        for i in range(0, len(sources), 500):
            part = sources[i : i + 500]
            # a newer version of a file that failed before succeeded: its failure is history
            tx.execute(
                f"DELETE FROM jobs WHERE state = ? AND source IN ({_marks(len(part))})", (JobState.FAILED, *part)
            )
        catalogue.set_meta(tx, "lexical", lexical.name or "")
        catalogue.bump_generation(tx)
    crash_point("published")
    prune_lexical_dirs(store.bm25_dir, keep=(lexical.name, previous))
    log.info("published %d report(s), hid %d, lexical index %s", len(shown), len(hidden), lexical.name)
    for report_id in hidden:
        purge(store, report_id)
    return Published(shown, hidden, replaced_by, lexical.name)


def _visible_tokens(conn: sqlite3.Connection, hidden: list[str]) -> Iterator[tuple[str, str]]:
    """(chunk id, tokens) of every chunk visible after the publication, in BM25 document order."""
    hidden_set = set(hidden)
    rows = conn.execute(
        "SELECT c.id, c.tokens, c.report_id FROM chunks c JOIN reports r ON r.id = c.report_id "
        "WHERE r.state IN ('ready', 'pending') ORDER BY c.report_id, c.ordinal"
    )
    for cid, tokens, report_id in rows:
        if report_id not in hidden_set:
            yield cid, tokens


def purge(store: Store, report_id: str) -> None:
    """Remove a hidden (``deleting``) report: its vectors, then its rows, then its unshared stored copy."""
    catalogue = store.catalogue
    row = catalogue.conn.execute("SELECT state, stored_path FROM reports WHERE id = ?", (report_id,)).fetchone()
    if row is None:
        return
    if row[0] == ReportState.READY:
        raise ValueError(f"report {report_id} is visible: hide it (publish) before purging it")
    ids = catalogue.chunk_ids(report_id)
    if ids:
        vectors = store.vectors_for_writing()
        vectors.delete(ids)
        with catalogue.transaction() as tx:
            version = catalogue.bump_vectors_version(tx)
        store.wrote_vectors(version, removed=[report_id])
    crash_point("purged")
    with catalogue.transaction() as tx:
        tx.execute("DELETE FROM facts WHERE report_id = ?", (report_id,))
        tx.execute("DELETE FROM chunks WHERE report_id = ?", (report_id,))
        tx.execute("DELETE FROM report_names WHERE report_id = ?", (report_id,))
        save_admin(tx, report_id, AdminMetadata(), now_iso())  # what an admin said about it goes with it
        tx.execute("DELETE FROM reports WHERE id = ?", (report_id,))
    remove_unused_copy(store, row[1])


def remove_unused_copy(store: Store, stored_path: str | None) -> None:
    """Delete a stored copy that no report row or job refers to any more."""
    if not stored_path:
        return
    conn = store.catalogue.conn
    if conn.execute("SELECT 1 FROM reports WHERE stored_path = ? LIMIT 1", (stored_path,)).fetchone():
        return
    if conn.execute(
        "SELECT 1 FROM jobs WHERE stored_path = ? AND state = 'running' LIMIT 1", (stored_path,)
    ).fetchone():
        return
    path = Path(stored_path)
    if path.parent == store.files_dir and path.exists():
        path.unlink()
