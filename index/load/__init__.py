"""First ingest stage: one file (TXT, Markdown, HTML, PDF, DOCX) to its extracted text.

:func:`load_file` is the entry point. It checks the size before reading, picks a loader by
extension, checks cheaply that the content matches the extension, and raises
:class:`~index.errors.IngestError` naming the file and the reason for anything it cannot
load. Non-fatal oddities go to ``LoadedText.warnings``.

What ``LoadedText.text`` is, per format (citation offsets index it):

* ``.txt`` / ``.md``: the decoded file, exactly, except that ``\\r\\n`` and ``\\r`` become
  ``\\n`` and a leading byte-order mark is dropped (:mod:`index.load.text`);
* ``.html`` / ``.htm``: the page's main content, one paragraph or heading per line, table
  rows as ``cell | cell | cell`` (:mod:`index.load.html`);
* ``.pdf``: the text layer page by page, tables as rows (:mod:`index.load.pdf`);
* ``.docx``: paragraphs and table rows in document order (:mod:`index.load.docx`).
"""

from __future__ import annotations

import logging
from pathlib import Path

from index.errors import IngestError
from index.load.docx import DocxError, extract_docx
from index.load.html import extract_html
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
    ".jpg": "images need OCR, which is not supported",
    ".jpeg": "images need OCR, which is not supported",
    ".png": "images need OCR, which is not supported",
    ".gif": "images need OCR, which is not supported",
    ".bmp": "images need OCR, which is not supported",
    ".tif": "images need OCR, which is not supported",
    ".tiff": "images need OCR, which is not supported",
    ".webp": "images need OCR, which is not supported",
    ".zip": "archives are not unpacked; upload the files inside",
    ".rar": "archives are not unpacked; upload the files inside",
    ".7z": "archives are not unpacked; upload the files inside",
    ".gz": "archives are not unpacked; upload the files inside",
    ".tar": "archives are not unpacked; upload the files inside",
}


def load_file(path: Path, *, max_bytes: int, source_name: str | None = None) -> LoadedText:
    """Extract the text of ``path``; raise :class:`IngestError` (naming ``source_name``) if impossible.

    ``source_name`` defaults to ``path.name``; ``max_bytes`` is checked before reading.
    """
    path = Path(path)
    source = source_name or path.name
    suffix = path.suffix.lower()
    kind = _kind(suffix, source)

    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise IngestError(source, "file not found") from None
    except OSError as exc:
        raise IngestError(source, f"cannot read the file ({exc.strerror or exc})") from None
    if path.is_dir():
        raise IngestError(source, "is a folder, not a file")
    if size > max_bytes:
        raise IngestError(
            source, f"file is {human_size(size)}, over the {human_size(max_bytes)} limit (DISCLOSURE_MAX_FILE_MB)"
        )
    if size == 0:
        raise IngestError(source, "file is empty")

    try:
        loaded = _LOADERS[kind](path)
    except (NotText, PdfError, DocxError) as exc:
        raise IngestError(source, str(exc)) from exc
    except OSError as exc:
        raise IngestError(source, f"cannot read the file ({exc.strerror or exc})") from exc

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
    mb = n / (1024 * 1024)
    if mb >= 1:
        return f"{mb:.0f} MB" if mb == int(mb) else f"{mb:.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n} bytes"


def _kind(suffix: str, source: str) -> FileFormat:
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


def _load_txt(path: Path) -> LoadedText:
    decoded = decode_bytes(path.read_bytes())
    return LoadedText(
        text=decoded.text,
        format=FileFormat.TXT,
        parser="charset-normalizer" if decoded.detected else "codecs",
        warnings=list(decoded.warnings),
        encoding=decoded.encoding,
    )


def _load_html(path: Path) -> LoadedText:
    html = extract_html(path.read_bytes())
    return LoadedText(
        text=html.text, format=FileFormat.HTML, parser=html.parser, warnings=html.warnings, encoding=html.encoding
    )


def _load_pdf(path: Path) -> LoadedText:
    pdf = extract_pdf(path)
    return LoadedText(text=pdf.text, format=FileFormat.PDF, parser=pdf.parser, warnings=pdf.warnings)


def _load_docx(path: Path) -> LoadedText:
    document = extract_docx(path)
    return LoadedText(text=document.text, format=FileFormat.DOCX, parser="python-docx", warnings=document.warnings)


_LOADERS = {
    FileFormat.TXT: _load_txt,
    FileFormat.HTML: _load_html,
    FileFormat.PDF: _load_pdf,
    FileFormat.DOCX: _load_docx,
}
