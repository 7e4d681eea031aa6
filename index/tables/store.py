"""The ``facts`` table of the SQLite catalogue: schema, save (inside the caller's transaction) and load."""

from __future__ import annotations

import logging
import sqlite3

from index.tables.checks import mark_checks
from index.tables.labels import TableName
from index.tables.model import Fact

log = logging.getLogger(__name__)

FACTS_SCHEMA = """
CREATE TABLE IF NOT EXISTS facts (
    report_id TEXT NOT NULL,
    tbl TEXT NOT NULL,
    row TEXT NOT NULL,
    col TEXT NOT NULL,
    value REAL NOT NULL,
    unit TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS facts_report ON facts(report_id);
CREATE INDEX IF NOT EXISTS facts_cell ON facts(tbl, row, col);
"""


def save_facts(conn: sqlite3.Connection, report_id: str, facts: list[Fact]) -> None:
    """Replace the report's facts. No commit: this runs inside the caller's transaction."""
    conn.execute("DELETE FROM facts WHERE report_id = ?", (report_id,))
    conn.executemany(
        'INSERT INTO facts(report_id, tbl, row, col, value, unit, start, "end") VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        [(report_id, f.table, f.row, f.column, f.value, f.unit, f.start, f.end) for f in facts],
    )


def load_facts(conn: sqlite3.Connection, report_id: str) -> list[Fact]:
    """The report's facts in the order they were saved, each with its arithmetic check.

    The check is derived from the facts themselves (:func:`index.tables.checks.mark_checks`), so it
    is recomputed here rather than stored: an index built before a check existed, or before a
    check changed, is never out of date.
    """
    rows = conn.execute(
        'SELECT tbl, row, col, value, unit, start, "end" FROM facts WHERE report_id = ? ORDER BY rowid',
        (report_id,),
    ).fetchall()
    facts = [Fact(TableName(r[0]), str(r[1]), str(r[2]), float(r[3]), str(r[4]), int(r[5]), int(r[6])) for r in rows]
    return mark_checks(facts)[0]
