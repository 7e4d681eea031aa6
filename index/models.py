"""Plain data passed between the ingest stages (load -> clean -> parse -> chunk -> store), and their vocabularies.

The enums are ``StrEnum`` s: a member is equal to (and hashes like) its string value, which is
what the catalogue stores and what JSON output shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from enum import StrEnum

#: How the warning of a report whose text was (partly) read by OCR starts (:mod:`index.load.ocr` writes it).
OCR_WARNING_PREFIX = "OCR:"


def ocr_note(warnings: Iterable[str]) -> str | None:
    """The OCR warning among a report's warnings, if its text was (partly) read by OCR: staff check quotes against the image.

    >>> ocr_note(["PDF has no end-of-file marker", "OCR: 2 页由文字识别得到（第 1–2 页），平均置信度 91%，引文请对照原件核对"])
    'OCR: 2 页由文字识别得到（第 1–2 页），平均置信度 91%，引文请对照原件核对'
    >>> ocr_note([]) is None
    True
    """
    return next((w for w in warnings if w.startswith(OCR_WARNING_PREFIX)), None)


class FileFormat(StrEnum):
    """The kinds of file a report can be loaded from (``LoadedText.format``, catalogue ``format``)."""

    TXT = "txt"
    HTML = "html"
    PDF = "pdf"
    DOCX = "docx"


class ReportState(StrEnum):
    """A catalogue report row's state: ``pending`` (its rows are complete but not yet published to
    readers: the lexical index of the batch is still being built), ``ready`` (visible to readers),
    ``deleting`` (hidden, its vectors may still exist)."""

    PENDING = "pending"
    READY = "ready"
    DELETING = "deleting"


class DenseState(StrEnum):
    """Whether a report's chunk vectors are in the dense index (``reports.dense``).

    A report is answerable (BM25 and table facts) once it is ``ready``; its vectors join later:
    ``pending`` (not embedded yet), ``ready`` (every chunk vector is in Chroma and searchable),
    ``failed`` (embedding was interrupted twice: the report stays answerable without vectors).
    """

    PENDING = "pending"
    READY = "ready"
    FAILED = "failed"


class JobState(StrEnum):
    """A file being read into the catalogue (``jobs``): ``running`` while its first phase runs
    (a ``running`` job found by the next writer was interrupted), ``failed`` when it gave up."""

    RUNNING = "running"
    FAILED = "failed"


class IngestStatus(StrEnum):
    """What happened to one file."""

    INDEXED = "indexed"
    REPLACED = "replaced"
    UNCHANGED = "unchanged"
    FAILED = "failed"


@dataclass
class LoadedText:
    """A file's extracted text: the original that every citation quotes verbatim.

    ``text`` is what `start`/`end` offsets index. For .txt it is the decoded file;
    for HTML/PDF/DOCX it is the extracted text (table rows kept as ``cell | cell | cell`` lines).
    """

    text: str
    format: FileFormat
    parser: str  # e.g. "charset-normalizer", "trafilatura", "pdfplumber", "pypdfium2", "python-docx"
    warnings: list[str] = field(default_factory=list)
    encoding: str | None = None


@dataclass
class Section:
    """One template section (or the preamble / a single body) as a span of the original text."""

    key: str  # "preamble", "一" ... "六", "body" (older outlines), "signature"
    title: str  # the heading as written in the report (search form), "" for preamble/body
    start: int  # into LoadedText.text
    end: int


@dataclass
class ParsedReport:
    """Metadata and structure read from one report."""

    issuer: str | None
    year: int | None
    publish_date: str | None  # ISO "YYYY-MM-DD"
    title: str | None
    sections: list[Section]
    warnings: list[str] = field(default_factory=list)


@dataclass
class Chunk:
    """A retrievable span of the original text, never crossing two sections."""

    ordinal: int
    section: str  # Section.key
    section_title: str
    start: int
    end: int
    text: str  # original text[start:end], verbatim
    search_text: str  # simplified, noise-free search form of the same span


@dataclass
class IngestResult:
    """What happened to one file."""

    source: str
    status: IngestStatus
    report_id: str | None = None
    issuer: str | None = None
    year: int | None = None
    chunks: int = 0
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    #: the report's dense state after the run (None when nothing was indexed)
    dense: DenseState | None = None

    @property
    def ok(self) -> bool:
        return self.status != IngestStatus.FAILED

    def to_json(self) -> dict[str, object]:
        return asdict(self)
