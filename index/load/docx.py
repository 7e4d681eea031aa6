"""DOCX body text via python-docx: paragraphs and tables in document order, table rows as ``cell | cell``.

The body's XML children are walked in order: ``w:p`` becomes one line, ``w:tbl`` one line per
row, content controls (``w:sdt``) are entered. A cell merged across columns (``gridSpan``)
appears once; a cell continuing a vertical merge (``vMerge`` without ``restart``) is left
out, as pdfplumber leaves out spanned cells. Text in a cell's nested table is part of the
cell's text. Automatic list numbering (``numPr``) is not rendered, so a heading numbered by
Word rather than typed appears without its number.
"""

from __future__ import annotations

import io
import logging
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import cast

import docx
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl, CT_Tc
from docx.oxml.text.paragraph import CT_P
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.types import ProvidesStoryPart
from lxml import etree

from index.limits import Limits, OverLimit, current_budget
from index.load.render import table_row

log = logging.getLogger(__name__)

_P = qn("w:p")
_TBL = qn("w:tbl")
_SDT = qn("w:sdt")
_SDT_CONTENT = qn("w:sdtContent")
_TR = qn("w:tr")
_TC = qn("w:tc")
_V_MERGE = qn("w:vMerge")
_VAL = qn("w:val")
_CUSTOM_XML = qn("w:customXml")

ZIP_MAGIC = b"PK\x03\x04"
#: A Word document has a few dozen parts; tens of thousands is a zip made to waste time.
MAX_ZIP_MEMBERS = 10_000
_READ_STEP = 4 * 1024 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0"


class DocxError(ValueError):
    """A .docx that cannot be read; ``str()`` is the reason shown to the user."""


@dataclass
class DocxText:
    """Text of a .docx and non-fatal problems."""

    text: str
    warnings: list[str] = field(default_factory=list)


def check_docx(data: bytes) -> None:
    """Raise :class:`DocxError` unless ``data`` is a zip holding ``word/document.xml`` within the limits.

    The unpacked size is checked twice (see :func:`check_zip_size`): the sizes the zip declares,
    and then every member inflated piecewise with a cap, because declared sizes can lie.
    """
    if data.startswith(OLE_MAGIC):
        raise DocxError("not a valid .docx: it is an old Word .doc file renamed (save it as .docx or PDF)")
    if not data.startswith(ZIP_MAGIC):
        raise DocxError("not a valid .docx (is it an old .doc renamed?)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "word/document.xml" not in names:
                raise DocxError("not a valid .docx (no word/document.xml inside: another kind of zip file?)")
            check_zip_size(archive, current_budget().limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, zlib.error) as exc:
        raise DocxError("not a valid .docx (the zip archive is truncated or damaged)") from exc


def check_zip_size(archive: zipfile.ZipFile, limits: Limits) -> None:
    """Raise :class:`OverLimit` if the members of ``archive`` unpack to more than ``max_unpacked_bytes``.

    First the sizes the central directory declares (cheap, catches an honest bomb at once),
    then each member streamed through the inflater in pieces, counting at most the limit.
    """
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise OverLimit(f"zip has {len(members):,} members, over the {MAX_ZIP_MEMBERS:,}-member limit")
    limits.check_unpacked(sum(info.file_size for info in members), "declared unpacked size")
    total = 0
    for info in members:
        if info.is_dir():
            continue
        with archive.open(info) as member:
            while True:
                budget = limits.max_unpacked_bytes - total + 1
                block = member.read(min(_READ_STEP, budget))
                if not block:
                    break
                total += len(block)
                limits.check_unpacked(total, "unpacked size", at_least=True)


def extract_docx(data: bytes) -> DocxText:
    """Body text of the .docx ``data`` (see the module docstring). Raises :class:`DocxError`."""
    check_docx(data)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx/lxml raise assorted errors on damaged parts
        log.debug("python-docx failed", exc_info=exc)
        raise DocxError("not a valid .docx (the document is damaged)") from exc
    lines: list[str] = []
    body = document.element.body
    _walk(body, document, lines)
    return DocxText(_squeeze_blank_lines(lines))


def _squeeze_blank_lines(lines: list[str]) -> str:
    """Join lines, keeping at most one empty line in a row (empty paragraphs are spacing)."""
    kept: list[str] = []
    for line in lines:
        if not line.strip() and kept and not kept[-1].strip():
            continue
        kept.append(line)
    return "\n".join(kept).strip("\n")


def _walk(container: etree._Element, parent: ProvidesStoryPart, lines: list[str]) -> None:
    # python-docx's parser builds w:p / w:tbl / w:tc as its CT_P / CT_Tbl / CT_Tc classes; lxml-stubs
    # only know _Element, hence the casts.
    for child in container.iterchildren():
        if child.tag == _P:
            lines.append(Paragraph(cast(CT_P, child), parent).text)
        elif child.tag == _TBL:
            table = Table(cast(CT_Tbl, child), parent)
            for row in _table_rows(table):
                line = table_row(row)
                if line:
                    lines.append(line)
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                _walk(content, parent, lines)
        elif child.tag == _CUSTOM_XML:
            _walk(child, parent, lines)


def _table_rows(table: Table) -> list[list[str | None]]:
    """Each row's cells in order; ``None`` for a cell continuing a vertical merge."""
    rows: list[list[str | None]] = []
    for tr in table._tbl.iterchildren(_TR):
        cells: list[str | None] = []
        for tc in tr.iterchildren(_TC):
            if _continues_vertical_merge(tc):
                cells.append(None)
                continue
            cells.append(_cell_text(_Cell(cast(CT_Tc, tc), table)))
        rows.append(cells)
    return rows


def _continues_vertical_merge(tc: etree._Element) -> bool:
    tc_pr = tc.tcPr if hasattr(tc, "tcPr") else None
    if tc_pr is None:
        return False
    v_merge = tc_pr.find(_V_MERGE)
    return v_merge is not None and v_merge.get(_VAL, "continue") != "restart"


def _cell_text(cell: _Cell) -> str:
    """A cell's paragraphs (and nested tables' rows) joined by line breaks."""
    parts: list[str] = []
    _walk(cell._tc, cell, parts)
    return "\n".join(parts)
