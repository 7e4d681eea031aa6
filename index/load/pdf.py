"""PDF text layer via pdfplumber, tables as ``cell | cell`` rows; pypdfium2 for pages whose fonts lack a Unicode map.

Per page: pdfplumber finds the ruled tables; the text outside them is read line by line,
each table is rendered one row per line (cells spanned by a merged neighbour are left out,
a cell's wrapped lines are joined), and lines and tables are put in reading order by their
top coordinate. A "table" with a single column is a framed text box, read as text. Pages are
joined with ``\\n``.

A page whose text is more than :data:`MAX_CID_SHARE` ``(cid:NNN)`` markers (glyphs without a
Unicode mapping) is read with pypdfium2 instead, with a warning; its tables are then plain
lines.

A page without a usable text layer is read by OCR (:mod:`index.load.ocr`, Tesseract's
simplified-Chinese model): a page with no characters, one whose pypdfium2 text is still
unreadable, or a page image with only a few stamped characters on it (fewer than
:data:`MIN_TEXT_CHARS` letters, digits or CJK characters over an image covering
:data:`MIN_IMAGE_SHARE` of the page: a scan with a page number added). The report then
carries the OCR warning (pages, mean word confidence). Without Tesseract, a PDF that is all
scan is refused with the Debian package to install; scanned pages of a mixed PDF are left out
with a warning saying the same.
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
from index.load.ocr import OcrError, OcrUnavailable, ocr_pdf_pages
from index.load.render import drop_controls, table_lines

log = logging.getLogger(__name__)

MAX_CID_SHARE = 0.05
MIN_TEXT_CHARS = 20
MIN_IMAGE_SHARE = 0.5
_INFLATE_STEP = 4 * 1024 * 1024
_CID = re.compile(r"\(cid:\d+\)")
#: Characters that make text readable: letters, digits, CJK (not marks, boxes or private-use glyphs).
_READABLE = re.compile(r"[0-9A-Za-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")


class PdfError(ValueError):
    """A PDF that cannot be read; ``str()`` is the reason shown to the user."""


DAMAGED = "not a valid PDF (file is truncated or damaged)"
SCANNED = "scanned PDF (no text layer)"


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
                text = _page_text(page)
                stamped_scan = _readable(_CID.sub("", text)) < MIN_TEXT_CHARS and _image_share(page) >= MIN_IMAGE_SHARE
                page.close()
                if stamped_scan:
                    no_text_pages.append(number)
                    page_texts.append("")
                    continue
                chars += len(text) + 1
                limits.check_chars(chars, "extracted text (so far)")
                if _cid_share(text) > MAX_CID_SHARE:
                    cid_pages.append(number)
                page_texts.append(text)
    except (PdfError, OverLimit, MemoryError):
        raise
    except Exception as exc:  # pdfminer raises many exception types on damaged files
        raise _pdf_error(exc) from exc

    parser = "pdfplumber"
    if cid_pages:
        fallback = _pdfium_pages(data, cid_pages)
        unreadable = [n for n, text in fallback.items() if _unreadable(text)]
        for number, text in fallback.items():
            page_texts[number - 1] = "" if number in unreadable else text
        no_text_pages = sorted([*no_text_pages, *unreadable])
        read = [n for n in cid_pages if n not in unreadable]
        if read:
            parser = "pypdfium2" if len(read) == len(page_texts) - len(no_text_pages) else "pdfplumber+pypdfium2"
            warnings.append(
                f"pages {_page_list(read)}: glyphs without Unicode mapping ((cid:NNN)); "
                "read with pypdfium2 instead, tables there are not kept as rows"
            )
        if unreadable:
            warnings.append(
                f"pages {_page_list(unreadable)}: glyphs without Unicode mapping that pypdfium2 cannot read either"
            )
    if no_text_pages:
        parser = _read_scanned(data, page_texts, no_text_pages, parser, warnings)
    text = "\n".join(page_texts)
    if not text.strip():
        pages = f"{len(page_texts)} page" + ("s" if len(page_texts) > 1 else "")
        raise PdfError(f"{SCANNED}: OCR found no text in its {pages}")
    return PdfText(text, parser, warnings)


def _read_scanned(data: bytes, page_texts: list[str], numbers: list[int], parser: str, warnings: list[str]) -> str:
    """OCR the pages ``numbers`` into ``page_texts``; returns the parser name and adds the OCR warning.

    Without Tesseract a PDF that has no other text is refused (:class:`PdfError`); otherwise
    the pages are left out with a warning naming what to install.
    """
    has_text = any(text.strip() for text in page_texts)
    try:
        result = ocr_pdf_pages(data, numbers)
    except OcrUnavailable as exc:
        if not has_text:
            raise PdfError(f"{SCANNED} needs OCR, but {exc}") from exc
        warnings.append(f"pages {_page_list(numbers)} have no text layer (scanned?) and were not read: {exc}")
        return parser
    except OcrError as exc:
        raise PdfError(f"{SCANNED}: {exc}") from exc
    for page in result.pages:
        page_texts[page.number - 1] = page.text
    if result.words:
        warnings.append(result.warning())
    return f"{parser}+tesseract" if has_text else "tesseract"


def _readable(text: str) -> int:
    """Letters, digits and CJK characters in ``text``."""
    return len(_READABLE.findall(text))


def _unreadable(text: str) -> bool:
    """Text that is mostly not letters, digits or CJK (private-use glyphs, boxes): no text at all for a reader."""
    visible = len("".join(text.split()))
    return _readable(text) < max(1, visible // 2)


def _image_share(page: Page) -> float:
    """Share of the page's area that its images cover (each clipped to the page; overlaps are counted twice)."""
    area = float(page.width * page.height) or 1.0
    covered = 0.0
    for image in page.images:
        x0, x1 = max(0.0, float(image["x0"])), min(float(page.width), float(image["x1"]))
        top, bottom = max(0.0, float(image["top"])), min(float(page.height), float(image["bottom"]))
        covered += max(0.0, x1 - x0) * max(0.0, bottom - top)
    return min(1.0, covered / area)


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
