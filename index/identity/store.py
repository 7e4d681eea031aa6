"""Catalogue tables of report identity: the names each report can be asked by, and admin-supplied metadata.

``report_names`` holds, per report, the rows :func:`name_rows` derives from its issuer (full name,
aliases, places with their stems and levels, implied ancestors, organ and organ forms) and, for a
report with no issuer, the places its text names. They are written with the report (ingest, re-index,
edit) and read once per catalogue generation to build the issuer index
(:mod:`assistant.query.issuers`).

``admin_metadata`` holds what an admin said about a report (manifest, ``--issuer``/``--year``,
``disclosure edit``, the 报告管理 tab): it overrides what parsing found, survives a re-index (the
report id is its content hash) and is recorded as the value's source (``admin``) in ``reports``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from index.identity.names import IssuerName, distinctive, split_issuer, text_places
from index.identity.vocab import vocabulary
from index.parse.gazetteer import gazetteer

NAMES_SCHEMA = """
CREATE TABLE IF NOT EXISTS report_names (
    report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    stem TEXT NOT NULL DEFAULT '',
    level INTEGER NOT NULL DEFAULT 0,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS report_names_report ON report_names(report_id);
CREATE TABLE IF NOT EXISTS admin_metadata (
    report_id TEXT PRIMARY KEY,
    issuer TEXT,
    year INTEGER,
    publish_date TEXT,
    updated_at TEXT NOT NULL
);
"""

#: Provenance of a metadata value in ``reports``: read from the text, or supplied by an admin.
PARSED = "parsed"
ADMIN = "admin"
#: Columns added to ``reports`` (older catalogues get them on open): the source of each value, and
#: what parsing found (JSON) when an admin's value replaced it.
PROVENANCE_COLUMNS = ("issuer_source", "year_source", "publish_date_source", "parsed_metadata")

# Row kinds of ``report_names``.
FULL = "full"  # the issuer as stored
ALIAS = "alias"  # other full forms (without brackets, without 中华人民共和国, a bracketed second name)
PLACE = "place"  # a place the name writes: name, stem, level, detail = kind (admin/township/zone)
ALT_PLACE = "alt_place"  # a place of a bracketed second name: names the body, is not its deepest place
PLACE_KEY = "place_key"  # another form naming that place (平潭实验区): name = the form, stem = the place
ANCESTOR = "ancestor"  # a place the gazetteer implies (沭阳县 -> 宿迁市, 江苏省)
ORGAN = "organ"  # the organ: detail = its class
ORGAN_KEY = "organ_key"  # a form naming the organ (卫健委): detail = "generic" when it decides nothing
TEXT_PLACE = "text_place"  # a division the text names, for a report with no issuer

#: One ``report_names`` row without its report id: kind, name, stem, level, detail.
NameRow = tuple[str, str, str, int, str]


def install(conn: sqlite3.Connection) -> None:
    """Create the tables and add the provenance columns to an older ``reports`` table."""
    conn.executescript(NAMES_SCHEMA)
    have = {row[1] for row in conn.execute("PRAGMA table_info(reports)")}
    for column in PROVENANCE_COLUMNS:
        if have and column not in have:
            conn.execute(f"ALTER TABLE reports ADD COLUMN {column} TEXT")


def issuer_rows(issuer: str) -> list[NameRow]:
    """The names of an issuer (see the module docstring of :mod:`index.identity.names`)."""
    name = split_issuer(issuer)
    return _rows_of(name)


def _rows_of(name: IssuerName) -> list[NameRow]:
    rows: list[NameRow] = [(FULL, name.full, "", 0, "")]
    rows.extend((ALIAS, alias, "", 0, "") for alias in name.aliases if alias != name.full)
    for place in name.places:
        rows.append((PLACE, place.name, place.stem, place.level, place.kind))
        rows.extend((PLACE_KEY, key, place.name, place.level, place.kind) for key in place.keys)
    for place in name.alternate_places:
        rows.append((ALT_PLACE, place.name, place.stem, place.level, place.kind))
        rows.extend((PLACE_KEY, key, place.name, place.level, place.kind) for key in place.keys)
    rows.extend((ANCESTOR, p.name, p.stem, p.level, p.kind) for p in name.ancestors)
    rows.append((ORGAN, name.organ, "", 0, name.organ_class))
    v = vocabulary()
    for key in name.organ_keys:
        generic = v.is_generic(key) or not distinctive(key)
        rows.append((ORGAN_KEY, key, "", 0, "generic" if generic else ""))
    return rows


def name_rows(issuer: str | None, search_text: str = "", *, places: list[str] | None = None) -> list[NameRow]:
    """What ``report_names`` holds for one report: its issuer's names, or the places its text names
    (``places`` when already found, else read from ``search_text``)."""
    if issuer:
        return issuer_rows(issuer)
    gaz = gazetteer()
    rows: list[NameRow] = []
    for place in places if places is not None else text_places(search_text):
        if place in gaz.units:
            level = min(u.level for u in gaz.units[place])
            rows.append((TEXT_PLACE, place, gaz.stem_of.get(place, place), level, "admin"))
    return rows


def save_names(conn: sqlite3.Connection, report_id: str, rows: Iterable[NameRow]) -> None:
    """Replace one report's names (call inside the writer's transaction)."""
    conn.execute("DELETE FROM report_names WHERE report_id = ?", (report_id,))
    conn.executemany(
        "INSERT INTO report_names(report_id, kind, name, stem, level, detail) VALUES (?, ?, ?, ?, ?, ?)",
        [(report_id, *row) for row in rows],
    )


def load_names(conn: sqlite3.Connection) -> dict[str, list[NameRow]]:
    """Every ready report's names, by report id (one query; read once per catalogue generation)."""
    out: dict[str, list[NameRow]] = {}
    for row in conn.execute(
        "SELECT n.report_id, n.kind, n.name, n.stem, n.level, n.detail FROM report_names n "
        "JOIN reports r ON r.id = n.report_id WHERE r.state = 'ready'"
    ):
        out.setdefault(row[0], []).append((row[1], row[2], row[3], int(row[4]), row[5]))
    return out


# ---------------------------------------------------------------------------------------------- admin metadata


@dataclass(frozen=True)
class AdminMetadata:
    """What an admin supplied for one report (None: not supplied, parsing decides)."""

    issuer: str | None = None
    year: int | None = None
    publish_date: str | None = None

    def __bool__(self) -> bool:
        return any(v is not None for v in (self.issuer, self.year, self.publish_date))

    def merged(self, newer: AdminMetadata) -> AdminMetadata:
        """These values, with those ``newer`` gives replacing them."""
        return AdminMetadata(
            newer.issuer if newer.issuer is not None else self.issuer,
            newer.year if newer.year is not None else self.year,
            newer.publish_date if newer.publish_date is not None else self.publish_date,
        )


def load_admin(conn: sqlite3.Connection, report_id: str) -> AdminMetadata:
    row = conn.execute(
        "SELECT issuer, year, publish_date FROM admin_metadata WHERE report_id = ?", (report_id,)
    ).fetchone()
    if row is None:
        return AdminMetadata()
    return AdminMetadata(row[0], int(row[1]) if row[1] is not None else None, row[2])


def save_admin(conn: sqlite3.Connection, report_id: str, meta: AdminMetadata, now: str) -> None:
    if not meta:
        conn.execute("DELETE FROM admin_metadata WHERE report_id = ?", (report_id,))
        return
    conn.execute(
        "INSERT OR REPLACE INTO admin_metadata(report_id, issuer, year, publish_date, updated_at) VALUES (?, ?, ?, ?, ?)",
        (report_id, meta.issuer, meta.year, meta.publish_date, now),
    )
