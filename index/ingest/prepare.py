"""One file to the rows an ingest writes: load, clean, parse, chunk and read table facts, nothing stored yet.

:func:`prepare` is the whole left half of the data flow for one file; the part that reads the
file's content (:func:`analyse_bytes`) runs in the bounded reader worker
(:mod:`index.load.worker`: memory cap, deadline, every limit of :mod:`index.limits`). It returns an
:class:`~index.models.IngestResult` with status ``unchanged`` when the same bytes are already
indexed, else a :class:`Prepared` holding the report row (state ``pending``), the chunk rows
and the facts; the stored copy of the file is written here (named by its sha256) before its
content is read, because an interrupted job must be retryable from it.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from index.chunk import chunk_report
from index.errors import IngestError
from index.identity.metadata import effective_metadata
from index.identity.names import text_places
from index.identity.store import AdminMetadata, NameRow, load_admin, name_rows
from index.limits import OverLimit, StepProgress, current_budget
from index.load import kind_of_suffix, load_bytes
from index.load.paths import read_report_file
from index.load.worker import run_bounded
from index.models import IngestResult, IngestStatus, LoadedText, ParsedReport, ReportState
from index.parse import parse_report
from index.storage.store import Store
from index.tables import Fact, read_fee_facts, read_tables
from index.text.searchform import SearchForm, build_search_form
from index.text.tokenize import tokenize

log = logging.getLogger(__name__)

#: One ``chunks`` row: id, report_id, ordinal, section, section_title, start, end, text, search_text, tokens.
ChunkRow = tuple[str, str, int, str, str, int, int, str, str, str]


@dataclass
class Prepared:
    """Everything one report adds to the catalogue, ready to be written in one transaction."""

    report_id: str
    source: str
    sha256: str
    stored_path: Path
    row: dict[str, object]
    chunk_rows: list[ChunkRow]
    facts: list[Fact]
    warnings: list[str]
    issuer: str | None
    year: int | None
    names: list[NameRow]  # report_names rows (index.identity)
    admin: AdminMetadata  # what an admin supplied (kept in admin_metadata)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Analysed:
    """What reading one file yields (computed in the bounded worker, so it must pickle)."""

    loaded: LoadedText
    parsed: ParsedReport
    chunk_rows: list[ChunkRow]
    facts: list[Fact]
    warnings: list[str]
    places: list[str]  # divisions the text names (index.identity.names.text_places)


def analyse_bytes(data: bytes, source_name: str, suffix: str, report_id: str) -> Analysed:
    """Load, clean, parse, chunk and read the facts of one file's bytes, under the current budget.

    Runs in the reader worker (:func:`index.load.worker.run_bounded`); everything that depends
    on the file's content is here, so the worker's memory cap and deadline bound all of it.
    """
    limits = current_budget().limits
    loaded = load_bytes(data, source_name, suffix)
    if not loaded.text.strip():
        raise IngestError(source_name, "no text could be extracted")
    form = build_search_form(loaded.text)
    parsed = parse_report(loaded.text, form, source_name=source_name)
    chunks = chunk_report(loaded.text, form, parsed.sections)
    if not chunks:
        raise IngestError(source_name, "no indexable text after cleaning")
    try:
        limits.check_chunks(len(chunks))
    except OverLimit as exc:
        raise IngestError(source_name, str(exc)) from None
    facts, fact_warnings = read_facts(loaded.text, form)
    warnings = list(dict.fromkeys([*loaded.warnings, *parsed.warnings, *fact_warnings]))
    chunk_rows: list[ChunkRow] = [
        (
            f"{report_id}-{c.ordinal:04d}",
            report_id,
            c.ordinal,
            c.section,
            c.section_title,
            c.start,
            c.end,
            c.text,
            c.search_text,
            " ".join(tokenize(c.search_text)),
        )
        for c in chunks
    ]
    return Analysed(loaded, parsed, chunk_rows, facts, warnings, text_places(form.text))


#: on_start(sha256, stored copy): called once the file is stored, before its content is read (may raise IngestError).
OnStart = Callable[[str, Path], None]


def prepare(
    store: Store,
    path: Path,
    source_name: str,
    *,
    force: bool = False,
    follow_symlinks: bool = False,
    admin: AdminMetadata | None = None,
    progress: StepProgress | None = None,
    on_start: OnStart | None = None,
) -> Prepared | IngestResult:
    """Read ``path`` (ingested as ``source_name``) into rows; ``force`` re-reads bytes already indexed.

    The path is checked before it is read (a regular file within the size limit; a symbolic
    link only with ``follow_symlinks``); the content is read in the bounded worker, so a file
    over any limit raises one :class:`IngestError`. The stored copy is written before the content
    is read, so a job interrupted while reading can be retried from it; ``on_start`` records that job.
    Issuer, year and publish date are an admin's where one was supplied (``admin``, merged over what
    was supplied for the same bytes before), else the parsed ones. ``progress`` hears the reading's
    own progress (OCR pages).
    """
    settings = store.settings
    limits = settings.limits
    data = read_report_file(path, source_name, max_bytes=limits.max_file_bytes, follow_symlinks=follow_symlinks)
    sha = sha256_of(data)
    existing = None if force else store.catalogue.report_by_sha(sha, include_pending=True)
    if existing is not None:
        return IngestResult(
            source_name,
            IngestStatus.UNCHANGED,
            existing.id,
            existing.issuer,
            existing.year,
            existing.chunk_count,
            existing.warnings,
        )
    report_id = sha[:16]
    suffix = path.suffix.lower() or Path(source_name).suffix.lower()
    kind_of_suffix(suffix, source_name)  # an unsupported type is refused without starting the worker
    stored = store_copy(store, data, sha, Path(source_name).suffix.lower() or suffix)
    if on_start is not None:
        on_start(sha, stored)
    analysed = run_bounded(
        analyse_bytes, (data, source_name, suffix, report_id), limits=limits, source=source_name, progress=progress
    )
    loaded, parsed, chunk_rows, facts = analysed.loaded, analysed.parsed, analysed.chunk_rows, analysed.facts
    supplied = load_admin(store.catalogue.conn, report_id).merged(admin or AdminMetadata())
    meta = effective_metadata(parsed.issuer, parsed.year, parsed.publish_date, supplied)
    warnings = meta.filter_warnings(analysed.warnings)
    row: dict[str, object] = {
        "id": report_id,
        "source": source_name,
        "sha256": sha,
        "format": loaded.format,
        "stored_path": str(stored),
        **meta.columns(),
        "title": parsed.title,
        "parser": loaded.parser,
        "encoding": loaded.encoding,
        "warnings": json.dumps(warnings, ensure_ascii=False),
        "sections": json.dumps(
            [{"key": s.key, "title": s.title, "start": s.start, "end": s.end} for s in parsed.sections],
            ensure_ascii=False,
        ),
        "chunk_count": len(chunk_rows),
        "embedding_model": store.model_name,
        "indexed_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "state": ReportState.PENDING,
        "text": loaded.text,
    }
    names = name_rows(meta.issuer, places=analysed.places)
    return Prepared(
        report_id, source_name, sha, stored, row, chunk_rows, facts, warnings, meta.issuer, meta.year, names, supplied
    )


def store_copy(store: Store, data: bytes, sha: str, suffix: str) -> Path:
    """The stored copy of a file (``files/<sha256><suffix>``), written atomically if absent."""
    stored = store.files_dir / f"{sha}{suffix}"
    if not stored.exists():
        store.files_dir.mkdir(parents=True, exist_ok=True)
        tmp = stored.with_name(stored.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(stored)
    return stored


def read_facts(text: str, form: SearchForm) -> tuple[list[Fact], list[str]]:
    """Table facts and 信息处理费 prose facts; an unreadable table is a warning, never a failed ingest."""
    try:
        reading = read_tables(text, form)
    except Exception as exc:  # tables are a bonus; the text is still indexed
        log.exception("table reading failed")
        return [], [f"tables could not be read: {exc.__class__.__name__}: {exc}"]
    facts = [*reading.facts, *read_fee_facts(text, form)]
    return facts, list(reading.warnings)
