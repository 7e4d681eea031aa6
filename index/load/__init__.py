"""First ingest stage: one file (TXT, Markdown, HTML, PDF, DOCX) to its extracted text.

:func:`load_bytes` is the entry point for a file's bytes, :func:`load_file` for a path (which
is checked before it is read: :mod:`index.load.paths`). A loader is picked by extension, the
content is checked cheaply against it, every limit of :mod:`index.limits` is enforced
(size, unpacked size, pages, characters, line length, HTML tags, time), and an
:class:`~index.errors.IngestError` naming the file and the reason is raised for anything that
cannot be loaded. Non-fatal oddities go to ``LoadedText.warnings``. The ingest pipeline runs
this in a worker process with a memory cap and a deadline (:mod:`index.load.worker`).

What ``LoadedText.text`` is, per format (citation offsets index it):

* ``.txt`` / ``.md``: the decoded file, exactly, except that ``\\r\\n`` and ``\\r`` become
  ``\\n`` and a leading byte-order mark is dropped (:mod:`index.load.text`);
* ``.html`` / ``.htm``: the page's main content, one paragraph or heading per line, table
  rows as ``cell | cell | cell`` (:mod:`index.load.html`);
* ``.pdf``: the text layer page by page, tables as rows (:mod:`index.load.pdf`); pages without a
  usable text layer (scans) read by OCR, tables as rows too (:mod:`index.load.ocr`);
* ``.docx``: paragraphs and table rows in document order (:mod:`index.load.docx`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from index.errors import IngestError
from index.limits import Limits, OverLimit, current_budget, reading_under, size_text
from index.load.docx import DocxError, extract_docx
from index.load.html import extract_html
from index.load.paths import read_report_file
from index.load.pdf import PdfError, extract_pdf
from index.load.text import NotText, decode_bytes
from index.models import FileFormat, LoadedText

log = logging.getLogger(__name__)

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml"})
SUPPORTED = ".txt, .md, .html, .htm, .pdf or .docx"
#: What the upload form offers (the loader also takes the other text and HTML suffixes above).
SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")

_UNSUPPORTED_HINTS: dict[str, str] = {
    ".doc": "save it as .docx or PDF",
    ".wps": "save it as .docx or PDF",
    ".rtf": "save it as .docx or PDF",
    ".odt": "save it as .docx or PDF",
    ".ofd": "save it as PDF",
    ".xls": "spreadsheets are not supported; save the report as PDF or .docx",
    ".xlsx": "spreadsheets are not supported; save the report as PDF or .docx",
    ".et": "spreadsheets are not supported; save the report as PDF or .docx",
    ".csv": "spreadsheets are not supported; save the report as PDF or .docx",
    ".ppt": "save it as PDF",
    ".pptx": "save it as PDF",
    ".jpg": "put the scanned pages into one PDF: scanned PDFs are read by OCR",
    ".jpeg": "put the scanned pages into one PDF: scanned PDFs are read by OCR",
    ".png": "put the scanned pages into one PDF: scanned PDFs are read by OCR",
    ".gif": "put the scanned pages into one PDF: scanned PDFs are read by OCR",
    ".bmp": "put the scanned pages into one PDF: scanned PDFs are read by OCR",
    ".tif": "put the scanned pages into one PDF: scanned PDFs are read by OCR",
    ".tiff": "put the scanned pages into one PDF: scanned PDFs are read by OCR",
    ".webp": "put the scanned pages into one PDF: scanned PDFs are read by OCR",
    ".zip": "archives are not unpacked; upload the files inside",
    ".rar": "archives are not unpacked; upload the files inside",
    ".7z": "archives are not unpacked; upload the files inside",
    ".gz": "archives are not unpacked; upload the files inside",
    ".tar": "archives are not unpacked; upload the files inside",
}


def load_file(
    path: Path,
    *,
    max_bytes: int | None = None,
    source_name: str | None = None,
    limits: Limits | None = None,
    follow_symlinks: bool = False,
) -> LoadedText:
    """Extract the text of ``path`` in this process; raise :class:`IngestError` (naming ``source_name``) if impossible.

    The path is checked before anything is read (:func:`index.load.paths.read_report_file`):
    a regular file, not a link unless ``follow_symlinks``, 1 byte to the size limit. ``limits``
    default to :class:`Limits` with ``max_bytes`` as the size limit. The ingest pipeline reads
    files in the bounded worker instead (:mod:`index.load.worker`); this is for tools and tests.
    """
    path = Path(path)
    source = source_name or path.name
    limits = limits or Limits()
    if max_bytes is not None:
        limits = replace(limits, max_file_bytes=max_bytes)
    kind_of_suffix(path.suffix.lower(), source)  # an unsupported type is refused before reading
    data = read_report_file(path, source, max_bytes=limits.max_file_bytes, follow_symlinks=follow_symlinks)
    with reading_under(limits):
        return load_bytes(data, source, path.suffix.lower())


def load_bytes(data: bytes, source: str, suffix: str) -> LoadedText:
    """Extract the text of a file's bytes (``suffix`` picks the loader) under the current budget.

    Raises :class:`IngestError` naming ``source`` for anything it cannot load, including a file
    over one of the limits of :func:`~index.limits.current_budget`.
    """
    kind = kind_of_suffix(suffix.lower(), source)
    limits = current_budget().limits
    try:
        limits.check_file_size(len(data))
        if not data:
            raise IngestError(source, "file is empty")
        loaded = _LOADERS[kind](data, limits)
        limits.check_chars(len(loaded.text))
        limits.check_lines(loaded.text)
    except (NotText, PdfError, DocxError, OverLimit) as exc:
        raise IngestError(source, str(exc)) from exc
    except RecursionError as exc:
        raise IngestError(source, "the file is nested too deeply to read") from exc

    if not loaded.text.strip():
        reason = {
            FileFormat.HTML: "no text found in the page",
            FileFormat.DOCX: "the document has no text",
        }.get(kind, "file has no text")
        raise IngestError(source, reason)
    for warning in loaded.warnings:
        log.info("%s: %s", source, warning)
    return loaded


def human_size(n: int) -> str:
    """Bytes as ``61.0 MB`` / ``12.5 KB`` / ``300 bytes``; whole MB limits print without decimals."""
    return size_text(n)


def kind_of_suffix(suffix: str, source: str) -> FileFormat:
    """The format a file name suffix (lower case, with the dot) is read as; IngestError if none."""
    if suffix in TEXT_SUFFIXES:
        return FileFormat.TXT
    if suffix in HTML_SUFFIXES:
        return FileFormat.HTML
    if suffix == ".pdf":
        return FileFormat.PDF
    if suffix == ".docx":
        return FileFormat.DOCX
    if not suffix:
        raise IngestError(source, f"file has no extension (expected {SUPPORTED})")
    hint = _UNSUPPORTED_HINTS.get(suffix, f"expected {SUPPORTED}")
    raise IngestError(source, f"unsupported file type {suffix} ({hint})")


def _load_txt(data: bytes, limits: Limits) -> LoadedText:
    # A character takes at most 4 bytes in any codec we accept: refuse without decoding what cannot fit.
    if len(data) > 4 * limits.max_chars:
        limits.check_chars(len(data) // 4, "text", at_least=True)
    decoded = decode_bytes(data)
    return LoadedText(
        text=decoded.text,
        format=FileFormat.TXT,
        parser="charset-normalizer" if decoded.detected else "codecs",
        warnings=list(decoded.warnings),
        encoding=decoded.encoding,
    )


def _load_html(data: bytes, limits: Limits) -> LoadedText:
    limits.check_html_tags(data.count(b"<"))  # before lxml builds a tree of them
    html = extract_html(data)
    return LoadedText(
        text=html.text, format=FileFormat.HTML, parser=html.parser, warnings=html.warnings, encoding=html.encoding
    )


def _load_pdf(data: bytes, limits: Limits) -> LoadedText:
    pdf = extract_pdf(data)
    return LoadedText(text=pdf.text, format=FileFormat.PDF, parser=pdf.parser, warnings=pdf.warnings)


def _load_docx(data: bytes, limits: Limits) -> LoadedText:
    document = extract_docx(data)
    return LoadedText(text=document.text, format=FileFormat.DOCX, parser="python-docx", warnings=document.warnings)


_LOADERS: dict[FileFormat, Callable[[bytes, Limits], LoadedText]] = {
    FileFormat.TXT: _load_txt,
    FileFormat.HTML: _load_html,
    FileFormat.PDF: _load_pdf,
    FileFormat.DOCX: _load_docx,
}
