"""HTML page to main-content text: trafilatura finds the content, lxml renders blocks and table rows.

Charset: a byte-order mark, else ``<meta charset>`` / ``http-equiv`` Content-Type / XML
declaration, else detection (see :mod:`index.load.text`).

Main content: trafilatura (tables included) returns the article as HTML; it is rendered here
one paragraph or heading per line and one table row per line as ``cell | cell | cell``
(trafilatura's own text output does not keep rows that way). When trafilatura finds nothing,
keeps far less than the page holds, or drops the page's data tables, the whole body is
rendered instead (minus scripts, styles, ``<nav>``/``<header>``/``<footer>``/``<aside>``
and elements whose id or class says menu, nav, footer, breadcrumb or copyright), with a warning.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

from index.load.render import fold_whitespace, table_row
from index.load.text import Decoded, decode_bytes

log = logging.getLogger(__name__)

_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")

# Main content shorter than this share of the whole body's text counts as a failed extraction.
MIN_MAIN_SHARE = 0.25

_DROP_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "object", "select", "button")
_BOILERPLATE_TAGS = ("nav", "header", "footer", "aside", "form")
_BOILERPLATE_NAME = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|navigation|menus?|menubar|footer|foot|breadcrumbs?|crumbs?|copyright|sidebar|topbar|share)(?:$|[\s_-])",
    re.IGNORECASE,
)
_BLOCK_TAGS = frozenset(
    "address article aside blockquote body center dd details dialog div dl dt fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 header hr html li main nav ol p pre section summary table tbody thead "
    "tfoot tr ul caption title".split()
)
# A table whose cells hold this much text, or that holds another table, is page layout.
LAYOUT_CELL_CHARS = 300


@dataclass
class HtmlText:
    """Text extracted from a page, with the library that produced it."""

    text: str
    parser: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first 4 KB (``<meta>`` or XML declaration)."""
    head = data[:4096]
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    return match.group(1).decode("ascii") if match else None


def decode_html(data: bytes) -> Decoded:
    """Decode a page's bytes using its declared charset when that decodes, else detection."""
    return decode_bytes(data, declared=declared_charset(data))


def extract_html(data: bytes) -> HtmlText:
    """Main-content text of an HTML page (see the module docstring). Raises ``NotText``."""
    decoded = decode_html(data)
    warnings = list(decoded.warnings)
    markup = _XML_DECLARATION.sub("", decoded.text, count=1)
    if not markup.strip():
        return HtmlText("", "lxml", decoded.encoding, warnings)

    body_lines, body_rows = render_page_body(markup)
    body_len = _text_len(body_lines)

    main_html, trafilatura_problem = _trafilatura_main(markup)
    if trafilatura_problem:
        warnings.append(trafilatura_problem)
    if main_html is not None:
        main_lines, main_rows = render_fragment(main_html)
        main_len = _text_len(main_lines)
        if main_len and main_len >= MIN_MAIN_SHARE * body_len and not (body_rows >= 3 and main_rows == 0):
            return HtmlText("\n".join(main_lines), "trafilatura", decoded.encoding, warnings)
        if main_len == 0:
            warnings.append("main-content extraction found no text; used the whole page text")
        elif main_len < MIN_MAIN_SHARE * body_len:
            warnings.append(
                f"main-content extraction kept only {main_len} of {body_len} characters; "
                "used the whole page text (menus and footers removed where marked)"
            )
        else:
            warnings.append("main-content extraction dropped the page's tables; used the whole page text")
    elif not trafilatura_problem:
        warnings.append("main-content extraction found no text; used the whole page text")
    return HtmlText("\n".join(body_lines), "lxml", decoded.encoding, warnings)


def _trafilatura_main(markup: str) -> tuple[str | None, str | None]:
    """trafilatura's main content as an HTML string, and a warning when trafilatura is unusable."""
    try:
        import trafilatura
    except ImportError as exc:  # e.g. lxml without lxml_html_clean, which trafilatura's justext needs
        hint = "pip install -c constraints.txt -e . installs it with lxml_html_clean"
        log.warning("trafilatura unavailable (%s): %s", exc, hint)
        return None, f"trafilatura unavailable ({exc}; {hint}); used the whole page text"
    try:
        result = trafilatura.extract(
            markup,
            output_format="html",
            include_tables=True,
            include_comments=False,
            include_images=False,
            include_links=False,
            include_formatting=False,
            favor_recall=True,
            deduplicate=False,
        )
    except Exception as exc:  # noqa: BLE001 - trafilatura raises assorted errors on odd markup; logged, then the whole page is used
        log.warning("trafilatura failed: %s", exc)
        return None, f"main-content extraction failed ({type(exc).__name__}); used the whole page text"
    return result, None


def _text_len(lines: list[str]) -> int:
    return sum(len(line) for line in lines)


def _parse(markup: str) -> etree._Element | None:
    try:
        return lxml.html.document_fromstring(markup)
    except (etree.ParserError, ValueError):
        return None


def render_fragment(markup: str) -> tuple[list[str], int]:
    """Lines of an HTML fragment (trafilatura's output) and how many data-table rows it holds."""
    root = _parse(markup)
    if root is None:
        return [], 0
    return _Renderer().render(root)


def render_page_body(markup: str) -> tuple[list[str], int]:
    """Lines of a whole page's body without scripts, styles, menus and footers; and its table-row count."""
    root = _parse(markup)
    if root is None:
        return [], 0
    for element in list(root.iter(*_BOILERPLATE_TAGS)):
        _remove(element)
    for element in list(root.iter(etree.Element)):
        if element.getparent() is None or element.tag in ("html", "body"):
            continue
        name = f"{element.get('id', '')} {element.get('class', '')}"
        if name.strip() and _BOILERPLATE_NAME.search(name):
            _remove(element)
    body = root.find("body")
    return _Renderer().render(body if body is not None else root)


def _remove(element: etree._Element) -> None:
    """Drop an element and its content but keep its tail text."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    previous = element.getprevious()
    parent.remove(element)
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail


class _Renderer:
    """Walks an lxml tree: block elements and ``<br>`` end lines, tables become row lines."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.buffer: list[str] = []
        self.rows = 0

    def render(self, root: etree._Element) -> tuple[list[str], int]:
        self._walk(root)
        self._flush()
        return self.lines, self.rows

    def _flush(self) -> None:
        line = fold_whitespace("".join(self.buffer))
        self.buffer = []
        if line:
            self.lines.append(line)

    def _walk(self, element: etree._Element) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        tag = tag.lower()
        if tag in _DROP_TAGS or not isinstance(element.tag, str):  # comments, processing instructions
            if element.tail:
                self.buffer.append(element.tail)
            return
        if tag == "br":
            self._flush()
        elif tag == "table" and not _is_layout_table(element):
            self._flush()
            self._table(element)
        else:
            block = tag in _BLOCK_TAGS
            if block:
                self._flush()
            if element.text:
                self.buffer.append(element.text)
            for child in element:
                self._walk(child)
            if block:
                self._flush()
        if element.tail:
            self.buffer.append(element.tail)

    def _table(self, table: etree._Element) -> None:
        caption = table.find("caption")
        if caption is not None:
            text = fold_whitespace(_cell_text(caption))
            if text:
                self.lines.append(text)
        # A node-set expression: xpath() returns a list of elements (the checks narrow its declared type).
        rows = table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")
        for row in rows if isinstance(rows, list) else []:
            if not isinstance(row, etree._Element):
                continue
            cells = [_cell_text(cell) for cell in row if isinstance(cell.tag, str) and cell.tag.lower() in ("td", "th")]
            line = table_row(cells)
            if line:
                self.lines.append(line)
                self.rows += 1


def _cell_text(cell: etree._Element) -> str:
    """A cell's text; ``<br>`` and block children become line breaks (folded by :func:`table_row`)."""
    parts: list[str] = []

    def walk(element: etree._Element) -> None:
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if tag in _DROP_TAGS or not tag:
            pass
        else:
            if tag == "br" or tag in _BLOCK_TAGS:
                parts.append("\n")
            if element.text:
                parts.append(element.text)
            for child in element:
                walk(child)
            if tag in _BLOCK_TAGS:
                parts.append("\n")
        if element.tail and element is not cell:
            parts.append(element.tail)

    walk(cell)
    return "".join(parts)


def _is_layout_table(table: etree._Element) -> bool:
    """True for a table used to lay out the page rather than hold data."""
    if table.find(".//table") is not None:
        return True
    return any(len(_text_of(cell).strip()) > LAYOUT_CELL_CHARS for cell in table.iter("td", "th"))


def _text_of(element: etree._Element) -> str:
    """All text inside ``element`` (lxml.html yields ``str`` pieces)."""
    return "".join(str(piece) for piece in element.itertext())
