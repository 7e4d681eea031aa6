"""PDF text layer via pdfplumber, tables as ``cell | cell`` rows; pypdfium2 for pages whose fonts lack a Unicode map.

Per page: pdfplumber finds the ruled tables; the text outside them is read line by line,
each table is rendered one row per line (cells spanned by a merged neighbour are left out,
a cell's wrapped lines are joined), and lines and tables are put in reading order by their
top coordinate. A "table" with a single column is a framed text box, read as text. Pages are
joined with ``\\n``.

A page whose text is more than :data:`MAX_CID_SHARE` ``(cid:NNN)`` markers (glyphs without a
Unicode mapping) is read with pypdfium2 instead, with a warning; its tables are then plain
lines. A PDF with no characters on any page is a scan, which needs OCR and is rejected.
"""

from __future__ import annotations

import io
import logging
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import pdfplumber
import pypdfium2
from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import LITERALS_FLATE_DECODE, PDFStream
from pdfplumber.page import Page
from pdfplumber.table import Table

from index.limits import Limits, OverLimit, current_budget
from index.load.render import drop_controls, table_lines

log = logging.getLogger(__name__)

MAX_CID_SHARE = 0.05
_INFLATE_STEP = 4 * 1024 * 1024
_CID = re.compile(r"\(cid:\d+\)")


class PdfError(ValueError):
    """A PDF that cannot be read; ``str()`` is the reason shown to the user."""


DAMAGED = "not a valid PDF (file is truncated or damaged)"
SCANNED = "scanned PDF (no text layer): OCR is not supported"


@dataclass
class PdfText:
    """Text of a PDF, the libraries used, and non-fatal problems."""

    text: str
    parser: str
    warnings: list[str] = field(default_factory=list)


def check_pdf_header(data: bytes) -> None:
    """Raise :class:`PdfError` unless ``%PDF`` appears in the first KB (as readers require)."""
    if b"%PDF" not in data[:1024]:
        raise PdfError("not a valid PDF (it does not start with %PDF)")


def extract_pdf(data: bytes) -> PdfText:
    """Text of the PDF ``data`` (see the module docstring) under the current budget. Raises :class:`PdfError`.

    Before any page is read, the page count and the decompressed size of every stream are
    checked against :func:`~index.limits.current_budget`'s limits; while pages are read,
    the time left and the characters so far.
    """
    budget = current_budget()
    limits = budget.limits
    check_pdf_header(data[:1024])
    warnings: list[str] = []
    if b"%%EOF" not in data[-2048:]:
        warnings.append("PDF has no end-of-file marker: it may be truncated and text may be missing")

    page_texts: list[str] = []
    no_text_pages: list[int] = []
    cid_pages: list[int] = []
    any_chars = False
    chars = 0
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            check_streams(pdf.doc, limits)
            limits.check_pages(sum(1 for _ in islice(PDFPage.create_pages(pdf.doc), limits.max_pages + 1)))
            if not pdf.pages:
                raise PdfError("PDF has no pages")
            limits.check_pages(len(pdf.pages))
            for number, page in enumerate(pdf.pages, start=1):
                budget.check_time()
                if not page.chars:
                    no_text_pages.append(number)
                    page_texts.append("")
                    page.close()
                    continue
                any_chars = True
                text = _page_text(page)
                page.close()
                chars += len(text) + 1
                limits.check_chars(chars, "extracted text (so far)")
                if _cid_share(text) > MAX_CID_SHARE:
                    cid_pages.append(number)
                page_texts.append(text)
    except (PdfError, OverLimit, MemoryError):
        raise
    except Exception as exc:  # pdfminer raises many exception types on damaged files
        raise _pdf_error(exc) from exc

    if not any_chars:
        raise PdfError(SCANNED)
    if no_text_pages:
        warnings.append(f"pages {_page_list(no_text_pages)} have no text layer (scanned?): their content is missing")

    parser = "pdfplumber"
    if cid_pages:
        fallback = _pdfium_pages(data, cid_pages)
        for number, text in fallback.items():
            page_texts[number - 1] = text
        if not any(text.strip() for text in fallback.values()):
            raise PdfError("PDF fonts have no Unicode mapping, so its text cannot be read (OCR is not supported)")
        parser = "pypdfium2" if len(cid_pages) == len(page_texts) - len(no_text_pages) else "pdfplumber+pypdfium2"
        warnings.append(
            f"pages {_page_list(cid_pages)}: glyphs without Unicode mapping ((cid:NNN)); "
            "read with pypdfium2 instead, tables there are not kept as rows"
        )
    text = "\n".join(page_texts)
    if not text.strip():
        raise PdfError(SCANNED)
    return PdfText(text, parser, warnings)


def check_streams(document: PDFDocument, limits: Limits) -> None:
    """Raise :class:`OverLimit` when the streams of ``document`` inflate to more than ``max_unpacked_bytes``.

    Every object of every cross-reference section is visited; a stream whose first filter is
    FlateDecode is inflated piecewise and only counted (never held whole), so a "flate bomb" is
    refused after reading at most the limit. Encrypted streams are deciphered first, as pdfminer
    would. Objects that do not parse are left to the reader, which reports the damage.
    """
    total = 0
    seen: set[int] = set()
    for xref in document.xrefs:
        for objid in xref.get_objids():
            if objid in seen:
                continue
            seen.add(objid)
            try:
                obj = document.getobj(objid)
            except Exception:  # noqa: BLE001 - a damaged object: pdfplumber reports it if it matters
                continue
            if not isinstance(obj, PDFStream) or obj.rawdata is None:
                continue
            try:
                filters = obj.get_filters()
            except Exception:  # noqa: BLE001 - malformed filter entries: the reader reports them
                continue
            if not filters or filters[0][0] not in LITERALS_FLATE_DECODE:
                continue
            raw = obj.rawdata
            if obj.decipher is not None and obj.objid is not None and obj.genno is not None:
                raw = obj.decipher(obj.objid, obj.genno, raw, obj.attrs)
            total += _inflated_size(raw, limits.max_unpacked_bytes - total + 1)
            limits.check_unpacked(total, "decompressed size of the PDF streams", at_least=True)


def _inflated_size(data: bytes, cap: int) -> int:
    """Bytes ``data`` inflates to, counting at most ``cap`` (damaged data counts what inflated before the damage)."""
    inflater = zlib.decompressobj()
    size = 0
    pending = data
    try:
        while pending and size < cap:
            size += len(inflater.decompress(pending, min(_INFLATE_STEP, cap - size)))
            pending = inflater.unconsumed_tail
    except zlib.error:
        pass
    return size


def _pdf_error(exc: Exception) -> PdfError:
    """Map a pdfplumber/pdfminer failure to a user-facing reason (pdfplumber wraps the cause)."""
    cause: BaseException | None = exc
    for _ in range(5):
        if cause is None:
            break
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            return PdfError("PDF is password-protected or encrypted in an unsupported way")
        wrapped = cause.args[0] if cause.args and isinstance(cause.args[0], BaseException) else None
        cause = cause.__cause__ or wrapped or cause.__context__
    log.debug("pdfplumber failed", exc_info=exc)
    return PdfError(DAMAGED)


def _page_list(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:10])
    return shown + (f" and {len(numbers) - 10} more" if len(numbers) > 10 else "")


def _cid_share(text: str) -> float:
    if not text:
        return 0.0
    return sum(len(match) for match in _CID.findall(text)) / len(text)


def _is_data_table(rows: list[list[str | None]]) -> bool:
    """A real table has a row with two or more non-empty cells; else it is a framed text box."""
    return any(sum(1 for cell in row if cell and cell.strip()) >= 2 for row in rows)


def _page_text(page: Page) -> str:
    """Lines outside tables plus table rows, in top-to-bottom order."""
    blocks: list[tuple[float, list[str]]] = []
    boxes: list[tuple[float, float, float, float]] = []
    tables: list[Table] = page.find_tables()
    for table in tables:
        rows = table.extract()
        if not _is_data_table(rows):
            continue
        boxes.append(table.bbox)
        blocks.append((table.bbox[1], table_lines(rows)))

    outside = page.filter(_outside(boxes)) if boxes else page
    for line in outside.extract_text_lines(return_chars=False):
        text = line["text"]
        if text.strip():
            blocks.append((float(line["top"]), [text]))
    blocks.sort(key=lambda block: block[0])  # stable: a table and a line at the same top keep their order
    return "\n".join(line for _, lines in blocks for line in lines)


def _outside(boxes: list[tuple[float, float, float, float]]) -> Callable[[dict[str, Any]], bool]:
    """Object filter keeping everything except characters whose centre is inside a table."""

    def keep(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    return keep


def _pdfium_pages(data: bytes, numbers: list[int]) -> dict[int, str]:
    """pypdfium2 text of the given 1-based pages, newlines normalised, control characters dropped."""
    out: dict[int, str] = {}
    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        raise PdfError(DAMAGED) from exc
    try:
        for number in numbers:
            current_budget().check_time()
            page = document[number - 1]
            textpage = page.get_textpage()
            raw = textpage.get_text_range()
            textpage.close()
            page.close()
            text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\ufffe", "")
            out[number] = drop_controls(text)
    finally:
        document.close()
    return out
