"""The Q&A log and citation reviews, kept in the catalogue database (tables ``qa_log``, ``qa_review``).

Every answered question is one ``qa_log`` row (time, question, answer, abstained, citations as
the JSON of the answer contract). Staff verdicts are rows of ``qa_review``; a citation's current
verdict is its latest row, earlier rows stay as the audit trail. ``n = 0`` is a verdict on the
answer as a whole (e.g. an abstention that should have been an answer).
"""

from __future__ import annotations

import csv
import json
import logging
import sqlite3
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from index.storage.catalogue import Catalogue

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS qa_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    time TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    abstained INTEGER NOT NULL,
    citations TEXT NOT NULL DEFAULT '[]',
    issuer TEXT,
    year INTEGER,
    channel TEXT NOT NULL DEFAULT 'web'
);
CREATE INDEX IF NOT EXISTS qa_log_time ON qa_log(time);
CREATE TABLE IF NOT EXISTS qa_review (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    log_id INTEGER NOT NULL REFERENCES qa_log(id) ON DELETE CASCADE,
    n INTEGER NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('correct', 'wrong')),
    comment TEXT NOT NULL DEFAULT '',
    time TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS qa_review_log ON qa_review(log_id, n);
"""

VERDICTS = ("correct", "wrong")
CSV_COLUMNS = ["id", "time", "channel", "question", "answer", "abstained", "issuer", "year", "citations", "verdicts"]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class LogEntry:
    """One logged answer with its current verdicts ({citation n: (verdict, comment)})."""

    id: int
    time: str
    question: str
    answer: str
    abstained: bool
    citations: list[dict[str, Any]]
    issuer: str | None
    year: int | None
    channel: str
    verdicts: dict[int, tuple[str, str]] = field(default_factory=dict)

    @property
    def label(self) -> str:
        mark = "（未作答）" if self.abstained else ""
        return f"#{self.id} {self.time[:16].replace('T', ' ')} {self.question[:40]}{mark}"


class QaLog:
    """Writes and reads the Q&A log and the reviews through a :class:`Catalogue`."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        catalogue.conn.executescript(SCHEMA)

    # -- writing --------------------------------------------------------------------------
    def record(self, answer: Any, *, channel: str = "web") -> int | None:
        """Log an :class:`~assistant.types.Answer`; returns the row id (None if the write failed)."""
        data = answer.to_json()
        try:
            with self.catalogue.transaction() as conn:
                cur = conn.execute(
                    "INSERT INTO qa_log(time, question, answer, abstained, citations, issuer, year, channel) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        _now(),
                        data["question"],
                        data["answer"],
                        int(bool(data["abstained"])),
                        json.dumps(data["citations"], ensure_ascii=False),
                        answer.issuer,
                        answer.year,
                        channel,
                    ),
                )
                return int(cur.lastrowid or 0)
        except sqlite3.Error:  # the answer matters more than its log line
            log.exception("could not log the answer to %r", data["question"])
            return None

    def review(self, log_id: int, n: int, verdict: str, comment: str = "") -> None:
        """Record a verdict on citation ``n`` of answer ``log_id`` (``n = 0``: the whole answer)."""
        if verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, got {verdict!r}")
        entry = self.get(log_id)
        if entry is None:
            raise KeyError(log_id)
        if n != 0 and n not in {int(c["n"]) for c in entry.citations}:
            raise ValueError(f"answer #{log_id} has no citation [{n}]")
        with self.catalogue.transaction() as conn:
            conn.execute(
                "INSERT INTO qa_review(log_id, n, verdict, comment, time) VALUES (?, ?, ?, ?, ?)",
                (log_id, n, verdict, (comment or "").strip(), _now()),
            )

    # -- reading --------------------------------------------------------------------------
    def _entry(self, row: sqlite3.Row) -> LogEntry:
        return LogEntry(
            id=row["id"],
            time=row["time"],
            question=row["question"],
            answer=row["answer"],
            abstained=bool(row["abstained"]),
            citations=json.loads(row["citations"]),
            issuer=row["issuer"],
            year=row["year"],
            channel=row["channel"],
        )

    def _with_verdicts(self, entries: list[LogEntry]) -> list[LogEntry]:
        if not entries:
            return entries
        by_id = {e.id: e for e in entries}
        marks = ",".join("?" * len(by_id))
        rows = self.catalogue.conn.execute(
            f"SELECT log_id, n, verdict, comment FROM qa_review WHERE log_id IN ({marks}) ORDER BY id",
            tuple(by_id),
        )
        for row in rows:  # later rows overwrite earlier ones: the latest verdict stands
            by_id[row["log_id"]].verdicts[int(row["n"])] = (row["verdict"], row["comment"])
        return entries

    def get(self, log_id: int) -> LogEntry | None:
        row = self.catalogue.conn.execute("SELECT * FROM qa_log WHERE id = ?", (log_id,)).fetchone()
        return None if row is None else self._with_verdicts([self._entry(row)])[0]

    def recent(self, limit: int = 100) -> list[LogEntry]:
        rows = self.catalogue.conn.execute("SELECT * FROM qa_log ORDER BY id DESC LIMIT ?", (limit,))
        return self._with_verdicts([self._entry(r) for r in rows])

    def all(self) -> list[LogEntry]:
        rows = self.catalogue.conn.execute("SELECT * FROM qa_log ORDER BY id")
        return self._with_verdicts([self._entry(r) for r in rows])

    def marked_wrong(self) -> list[tuple[LogEntry, int, str]]:
        """(entry, citation n, comment) for every citation whose current verdict is wrong."""
        out = []
        for entry in self.all():
            for n, (verdict, comment) in sorted(entry.verdicts.items()):
                if verdict == "wrong":
                    out.append((entry, n, comment))
        return out

    # -- export ---------------------------------------------------------------------------
    def export_csv(self, path: Path) -> Path:
        """The whole log as CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese)."""
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(CSV_COLUMNS)
            for e in self.all():
                verdicts = {str(n): {"verdict": v, "comment": c} for n, (v, c) in e.verdicts.items()}
                row = asdict(e) | {
                    "abstained": int(e.abstained),
                    "citations": json.dumps(e.citations, ensure_ascii=False),
                    "verdicts": json.dumps(verdicts, ensure_ascii=False),
                }
                writer.writerow([csv_cell(row[c]) for c in CSV_COLUMNS])
        return path


def csv_cell(value: Any) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (questions come from the public)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text
