"""Plain data passed between the ingest stages (load -> clean -> parse -> chunk -> store)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class LoadedText:
    """A file's extracted text: the original that every citation quotes verbatim.

    ``text`` is what `start`/`end` offsets index. For .txt it is the decoded file;
    for HTML/PDF/DOCX it is the extracted text (table rows kept as ``cell | cell | cell`` lines).
    """

    text: str
    format: str  # "txt" | "html" | "pdf" | "docx"
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
