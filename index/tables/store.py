"""The ``facts`` table of the SQLite catalogue: schema, save (inside the caller's transaction) and load.

Each fact is stored with its arithmetic check (``checked``: passed / failed / unchecked), so a
reader gets it without recomputing. A catalogue written before the column existed gets it added
(NULL) by :func:`install_facts_schema`; :func:`load_facts` derives the checks of such rows.
"""

from __future__ import annotations

import logging
import sqlite3

from index.tables.checks import mark_checks
from index.tables.labels import TableName
from index.tables.model import Check, Fact

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
    "end" INTEGER NOT NULL,
    checked TEXT
);
CREATE INDEX IF NOT EXISTS facts_report ON facts(report_id);
CREATE INDEX IF NOT EXISTS facts_cell ON facts(tbl, row, col);
"""


def install_facts_schema(conn: sqlite3.Connection) -> None:
    """Create the ``facts`` table, or add the ``checked`` column to one written before it existed."""
    conn.executescript(FACTS_SCHEMA)
    columns = {str(r[1]) for r in conn.execute("PRAGMA table_info(facts)")}
    if "checked" not in columns:
        conn.execute("ALTER TABLE facts ADD COLUMN checked TEXT")
        log.info("facts table: added the checked column (derived on load until the next reindex)")


def save_facts(conn: sqlite3.Connection, report_id: str, facts: list[Fact]) -> None:
    """Replace the report's facts (with their checks). No commit: this runs inside the caller's transaction."""
    conn.execute("DELETE FROM facts WHERE report_id = ?", (report_id,))
    conn.executemany(
        'INSERT INTO facts(report_id, tbl, row, col, value, unit, start, "end", checked) '
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(report_id, f.table, f.row, f.column, f.value, f.unit, f.start, f.end, str(f.check)) for f in facts],
    )


def load_facts(conn: sqlite3.Connection, report_id: str) -> list[Fact]:
    """The report's facts in the order they were saved, each with its arithmetic check.

    Rows saved without a check (an older catalogue) get theirs derived from the report's facts
    (:func:`index.tables.checks.mark_checks`), the same function that set it at ingest.
    """
    rows = conn.execute(
        'SELECT tbl, row, col, value, unit, start, "end", checked FROM facts WHERE report_id = ? ORDER BY rowid',
        (report_id,),
    ).fetchall()
    facts = [
        Fact(
            TableName(r[0]),
            str(r[1]),
            str(r[2]),
            float(r[3]),
            str(r[4]),
            int(r[5]),
            int(r[6]),
            Check(r[7]) if r[7] in _CHECKS else Check.UNCHECKED,
        )
        for r in rows
    ]
    if any(r[7] not in _CHECKS for r in rows):
        return mark_checks(facts)[0]
    return facts


_CHECKS = frozenset(c.value for c in Check)
