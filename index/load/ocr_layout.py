"""OCR words to text: Tesseract's word boxes put back into lines and table rows like the other loaders'.

:func:`page_text` renders a page: the cells sharing a top rule make one row, printed like the
other loaders' tables (``cell | cell | cell``, empty cells kept in place, a cell's lines
joined: :func:`index.load.render.table_row`); a cell spanning several rows is printed once, in
the row of its top rule, as pdfplumber does for text-layer PDFs. Words outside the grid are
grouped into Tesseract's lines; within a line a gap wider than :data:`CELL_GAP` character
heights starts a new cell (tables without rules). Blocks are ordered top to bottom.

Words are joined without a space when either side is a wide (CJK) character: Tesseract's
Chinese model reports every character or two as its own word, and a space between them is
not in the page. Between two narrow words (Latin, digits) a space is kept where the page has one.

Tesseract's slips that the table shape gives away are put right: every cell where a number
belongs (read as one, or as ``O``, ``工``, ``00``) is read again with digits only
(:func:`number_cells`, :func:`read_digits`); stray marks around a number, a lone ``|`` (a
serif ``1``), a quote mark without its pair at a cell's edge, and words Tesseract reported
twice are dropped. Lines in a much larger type than the page's (titles) are read again on their
own (:func:`large_lines`), where the Chinese model does better. A table label read with one
character wrong is read as the template prints it (:func:`snap_label`).

One module: its rules all work on the same line and cell structures built from the word boxes.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable
from dataclasses import replace
from functools import cache
from itertools import pairwise
from pathlib import Path

from index.load.ocr_grid import Cell, Composite, Placed, Word
from index.load.render import table_row

#: A gap between two words wider than this many character heights separates two cells.
CELL_GAP = 2.0
#: Gaps (in character heights) from which two narrow words, or two runs of digits, are separate words.
WORD_GAP, DIGIT_GAP = 0.35, 0.5
#: Characters the Chinese model reads for a lone digit in a table cell (used when a digits-only reading finds none).
DIGIT_LOOKALIKES = {
    "O": "0",
    "o": "0",
    "D": "0",
    "〇": "0",
    "口": "0",
    "工": "1",
    "l": "1",
    "I": "1",
    "T": "1",
    "丨": "1",
}
#: The template's table labels, one a line (:func:`snap_label`).
TABLE_LABELS_FILE = Path(__file__).resolve().parent / "data" / "table_labels.txt"
#: Signs of a share: a cell holding one is not read again with digits only, which would drop it.
PERCENT_SIGNS = ("%", "％", "‰")
#: A line whose characters are this many times the page's median height is read again on its own.
LARGE_LINE = 1.25

_WIDE = re.compile(
    "[\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u31a0-\u31bf\u3200-\u33ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]"
)
#: What is left of an erased rule that Tesseract may still report as a "word" (in a table cell, a "1").
_PIPES = "|丨｜"
_ONE = re.compile(r"[|丨｜lI]")
_QUOTES = "“”‘’\"'"
#: A count or amount as tables print it (no leading zero).
_PLAIN_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?")
#: A mark Tesseract puts inside a run of digits from a speck or a stroke (``05$17-83605210``): never the page's.
_STRAY_IN_DIGITS = re.compile(r"(?<=\d)[$'\"`‘’“”§](?=\d)")
#: A hyphen between digits read as the Chinese character 一 (``0873一7236877``): Arabic digits never flank 一.
_ONE_AS_HYPHEN = re.compile(r"(?<=\d)一(?=\d)")
#: A document number's year in square brackets of any shape (``国办发【2014] 12号``): GB/T 9704 prints ``〔2014〕``.
_DOCUMENT_YEAR = re.compile(r"(?<=[\u4e00-\u9fff])\s*[\[【〔［]\s*((?:19|20)\d{2})\s*[\]】〕］]\s*(?=\d+\s*号)")
#: A table cell that is a number with stray marks around it (``,0``, ``21'``).
_NUMBER_CELL = re.compile(r"[,，.。'‘’“”\"`:：;；]*\s*(-?\d+(?:\.\d+)?)\s*[,，。'‘’“”\"`:：;；]*")


def join_words(words: Iterable[Word]) -> str:
    """Words of one line or cell, in order: no space next to a wide (CJK) character.

    Between two narrow words (Latin, digits, ASCII punctuation) a space is kept where the page
    has one (a gap over :data:`WORD_GAP` heights); digits that Tesseract split with hardly a
    gap (``1`` ``0`` for ``10``) are joined again, and a stray mark inside a run of digits is dropped;
    a ``一`` between digits is a hyphen, and a document number's year is put in ``〔〕``.

    >>> w = lambda t, x: Word(t, x, 0, x + 10 * len(t), 30, 90.0, (1, 1, 1))
    >>> join_words([w("电", 0), w("话", 30), w(":", 60), w("0517-87222589", 70), w("，", 210), w("e-mail", 240),
    ...             w("a@b.cn", 320), w("1", 400), w("0", 412)])
    '电话:0517-87222589，e-mail a@b.cn 10'
    >>> join_words([w("05$17-83605210", 0)]), join_words([w("0873", 0), w("一", 40), w("7236877", 50)])
    ('0517-83605210', '0873-7236877')
    >>> join_words([w("国办发【2014]", 0), w("12号", 130)])
    '国办发〔2014〕12号'
    """
    out = ""
    last: Word | None = None
    for word in words:
        text = _STRAY_IN_DIGITS.sub("", word.text.strip())
        if not text:
            continue
        if out and last is not None and not _WIDE.match(out[-1]) and not _WIDE.match(text[0]):
            gap = word.left - last.right
            digits = out[-1].isdigit() and text[0].isdigit()
            if gap > (DIGIT_GAP if digits else WORD_GAP) * max(word.height, last.height):
                out += " "
        out += text
        last = word
    out = _ONE_AS_HYPHEN.sub("-", _STRAY_IN_DIGITS.sub("", out))
    return _DOCUMENT_YEAR.sub(r"〔\1〕", out)


def _join_lines(lines: list[str]) -> str:
    out = ""
    for line in lines:
        if out and line and not (_WIDE.match(out[-1]) and _WIDE.match(line[0])):
            out += " "
        out += line
    return out


def _lines(words: list[Word]) -> list[list[Word]]:
    """Words grouped by Tesseract's lines, lines top to bottom, words left to right."""
    by_line: dict[tuple[int, int, int], list[Word]] = {}
    for word in words:
        by_line.setdefault(word.line, []).append(word)
    lines = [sorted(ws, key=lambda w: w.left) for ws in by_line.values()]
    return sorted(lines, key=lambda ws: (min(w.top for w in ws), ws[0].left))


def _rows_of(words: list[Word]) -> list[list[Word]]:
    """Words of one cell grouped into visual lines (centres within half a character height), top to bottom."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: w.cy):
        if lines:
            line = lines[-1]
            centre = sum(w.cy for w in line) / len(line)
            if abs(word.cy - centre) <= 0.5 * max(word.height, *(w.height for w in line)):
                line.append(word)
                continue
        lines.append([word])
    return [sorted(line, key=lambda w: w.left) for line in lines]


def _dedupe(words: list[Word]) -> list[Word]:
    """Drop the ghosts Tesseract sometimes reports twice: the same text over the same ink, kept once (best confidence)."""
    kept: list[Word] = []
    for word in sorted(words, key=lambda w: -w.conf):
        if not any(other.text == word.text and _overlap(word, other) > 0.5 for other in kept):
            kept.append(word)
    return kept


def _overlap(a: Word, b: Word) -> float:
    """Intersection of two boxes over the smaller one's area."""
    width = min(a.right, b.right) - max(a.left, b.left)
    height = min(a.bottom, b.bottom) - max(a.top, b.top)
    if width <= 0 or height <= 0:
        return 0.0
    smaller = min((a.right - a.left) * a.height, (b.right - b.left) * b.height)
    return width * height / max(1, smaller)


def _cell_text(words: list[Word]) -> str:
    """A table cell's text: its lines joined; a lone ``|`` (an erased rule's neighbour, or a serif 1) is ``1``,
    stray marks around a number are dropped.

    >>> w = lambda t, y: Word(t, 0, y, 10 * len(t), y + 30, 90.0, (1, 1, y))
    >>> _cell_text([w("|", 0)]), _cell_text([w(",0", 0)]), _cell_text([w("（二）部分", 0), w("公开", 40)])
    ('1', '0', '（二）部分公开')
    """
    text = _join_lines([join_words(line) for line in _rows_of(words)])
    if _ONE.fullmatch(text):
        return "1"
    text = text.translate({ord(c): None for c in _PIPES}).strip()
    number = _NUMBER_CELL.fullmatch(text)
    if number:
        return number.group(1)
    # Tesseract puts a quote mark where a line starts after wide white space; one without its pair is not the page's.
    if text[:1] in _QUOTES and not any(c in _QUOTES for c in text[1:]):
        text = text[1:].lstrip()
    if text[-1:] in _QUOTES and not any(c in _QUOTES for c in text[:-1]):
        text = text[:-1].rstrip()
    return text


def _free_line(words: list[Word], char_height: float) -> str:
    """A line outside the grid: a gap wider than CELL_GAP character heights starts a new cell."""
    cells: list[list[Word]] = [[words[0]]]
    for before, word in pairwise(words):
        if word.left - before.right > CELL_GAP * char_height:
            cells.append([])
        cells[-1].append(word)
    return table_row(join_words(cell) for cell in cells) if len(cells) > 1 else join_words(cells[0])


def _rows(cells: Iterable[Cell]) -> list[list[Cell]]:
    """Cells grouped by their top rule, rows top to bottom, cells left to right."""
    rows: dict[float, list[Cell]] = {}
    for cell in cells:
        rows.setdefault(cell.top, []).append(cell)
    return [sorted(rows[top], key=lambda c: c.left) for top in sorted(rows)]


def clean_cells(in_cell: dict[Cell, list[Word]]) -> dict[Cell, list[Word]]:
    """Each cell's words without blanks and Tesseract's ghosts."""
    return {cell: kept for cell, words in in_cell.items() if (kept := _dedupe([w for w in words if w.text.strip()]))}


def number_cells(composite: Composite, in_cell: dict[Cell, list[Word]], tolerance: float) -> list[Placed]:
    """Cells with ink where a number belongs: to be read again with digits only (:func:`read_digits`).

    That is every cell read as a plain number, and every cell in a number's place that the
    Chinese model read as something short (a ``0`` read as ``O``, a ``1`` as ``工``, ``00``
    where cells ran together) or as nothing. A cell is in a number's place when its row has two
    or more numbers after its label, or the cell above or below it in the same column holds a
    number; labels (two or more Chinese characters, or a row's first cell with any) never are.
    The Chinese model misreads digits in small print (``351`` as ``331``) more often than the
    English one does with digits only.
    """
    texts = {spot.cell: _cell_text(in_cell.get(spot.cell, [])) for spot in composite.placed}

    def is_number(cell: Cell | None) -> bool:
        text = texts.get(cell, "") if cell is not None else ""
        return bool(_PLAIN_NUMBER.fullmatch(text))

    def same_column(a: Cell, b: Cell) -> bool:
        return abs(a.left - b.left) <= tolerance and abs(a.right - b.right) <= tolerance

    by_cell = {spot.cell: spot for spot in composite.placed}
    chosen: list[Placed] = []
    for row in _rows(by_cell):
        row_numbers = sum(1 for cell in row[1:] if is_number(cell))
        for place, cell in enumerate(row):
            text = texts[cell]
            wide = len(_WIDE.findall(text))
            if is_number(cell):
                chosen.append(by_cell[cell])
                continue
            if len(text) > 4 or wide >= 2 or (place == 0 and wide) or any(mark in text for mark in PERCENT_SIGNS):
                continue  # a label (a row's first cell with Chinese in it), text, or a share (digits only would drop its %)
            column = [c for c in by_cell if c is not cell and same_column(c, cell)]
            above = max((c for c in column if c.bottom <= cell.top + tolerance), key=lambda c: c.top, default=None)
            below = min((c for c in column if c.top >= cell.bottom - tolerance), key=lambda c: c.top, default=None)
            if row_numbers >= 2 or is_number(above) or is_number(below):
                chosen.append(by_cell[cell])
    return chosen


def large_lines(free: list[Word]) -> list[list[Word]]:
    """Lines outside the grid in a type :data:`LARGE_LINE` times the page's usual height (a title)."""
    words = [w for w in free if w.text.strip()]
    if len(words) < 10:
        return []
    usual = statistics.median(w.height for w in words)
    return [line for line in _lines(words) if statistics.median(w.height for w in line) >= LARGE_LINE * usual]


def read_digits(readings: list[tuple[Cell, list[Word]]], first: dict[Cell, list[Word]]) -> dict[Cell, str]:
    """Each cell's number from its two readings (:func:`choose_number`); else a single character the Chinese
    model is known to read for a digit (:data:`DIGIT_LOOKALIKES`: Tesseract drops a lone ``1`` from a block
    of text, which the first reading took for ``工``). Cells with none of these are left out.

    >>> cell = Cell(0, 0, 10, 10)
    >>> read_digits([(cell, [])], {cell: [Word("工", 0, 0, 9, 9, 40.0, (1, 1, 1))]})
    {Cell(left=0, top=0, right=10, bottom=10): '1'}
    """
    out: dict[Cell, str] = {}
    for cell, words in readings:
        earlier = _cell_text(first.get(cell, []))
        number = choose_number(_cell_text(words) if words else "", earlier)
        if number is not None:
            out[cell] = number
        elif earlier in DIGIT_LOOKALIKES:
            out[cell] = DIGIT_LOOKALIKES[earlier]
    return out


def choose_number(digits: str, earlier: str) -> str | None:
    """A table cell's number from its digits-only reading and its first (Chinese model) reading.

    Tables print no leading zero, so one is a speck read as ``0`` (``05``, ``00``). Where both
    readings are numbers and one is the other with digits missing, a digit was dropped: the longer
    one wins; otherwise the digits-only reading (the Chinese model misreads small digits, ``331``
    for ``351``).

    >>> choose_number("1", "21"), choose_number("21", "2"), choose_number("351", "331"), choose_number("", "05")
    ('21', '21', '351', '5')
    >>> choose_number("", "00"), choose_number("", "合计"), choose_number("0", "")
    ('0', None, '0')
    """
    readings = [_without_leading_zeros(t) for t in (digits, earlier)]
    numbers = [t for t in readings if _PLAIN_NUMBER.fullmatch(t)]
    if not numbers:
        return None
    if len(numbers) == 2 and numbers[0] != numbers[1]:
        short, long = sorted(numbers, key=len)
        if len(short) < len(long) and _subsequence(short, long):
            return long
    return numbers[0]


def _without_leading_zeros(text: str) -> str:
    stripped = text.lstrip("0")
    return stripped if stripped[:1].isdigit() else ("0" + stripped if text[:1] == "0" else text)


def _subsequence(short: str, long: str) -> bool:
    rest = iter(long)
    return all(c in rest for c in short)


_ENUMERATED = re.compile(
    r"(?P<pre>[(（][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+[、.．]|\d+[.．、]?)?"
    r"(?P<core>[^(（]+?)(?P<post>[(（].*)?"
)


@cache
def _table_labels() -> dict[int, tuple[str, ...]]:
    """The template's cell labels (``data/table_labels.txt``) by length."""
    by_length: dict[int, list[str]] = {}
    for line in TABLE_LABELS_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            by_length.setdefault(len(line.strip()), []).append(line.strip())
    return {n: tuple(labels) for n, labels in by_length.items()}


def snap_label(text: str) -> str:
    """A table cell's label as the template prints it when OCR read it with a character or two wrong.

    The label (after an enumerator such as ``(一)`` or ``2.``, before a parenthesis) is compared
    with the template's labels of the same length (:data:`TABLE_LABELS_FILE`): one that differs
    in one character (two from 9 characters on), and is the only one that close, is taken. Labels
    under 4 characters, and readings with a character more or less, are left as read.

    >>> snap_label("行政处昼"), snap_label("2重复中请"), snap_label("(一)予以公开"), snap_label("行政检查")
    ('行政处罚', '2重复申请', '(一)予以公开', '行政检查')
    """
    match = _ENUMERATED.fullmatch(text)
    if not match:
        return text
    core = match.group("core")
    if len(core) < 4:
        return text
    candidates = _table_labels().get(len(core), ())
    if core in candidates:
        return text
    allowed = 1 if len(core) < 9 else 2
    scored = sorted((sum(a != b for a, b in zip(core, label, strict=True)), label) for label in candidates)
    close = [label for distance, label in scored if distance <= allowed]
    if len(close) != 1 or (len(scored) > 1 and scored[0][0] == scored[1][0]):
        return text
    return f"{match.group('pre') or ''}{close[0]}{match.group('post') or ''}"


def page_text(
    free: list[Word], in_cell: dict[Cell, list[Word]], cells: list[Cell], numbers: dict[Cell, str] | None = None
) -> str:
    """The page's text: free lines and table rows in top-to-bottom order (see the module docstring).

    ``numbers`` are cells' readings from the digits-only pass, used instead of the first reading.
    """
    numbers = numbers or {}
    free = _dedupe([w for w in free if w.text.strip()])
    in_cell = clean_cells(in_cell)
    every = [*free, *(w for words in in_cell.values() for w in words)]
    if not every:
        return ""
    char_height = statistics.median(w.height for w in every)

    blocks: list[tuple[float, float, str]] = []
    rows: dict[float, list[Cell]] = {}
    for cell in cells:
        rows.setdefault(cell.top, []).append(cell)
    for top, row in rows.items():
        if not any(cell in in_cell for cell in row):
            continue  # a row whose only readings are digit re-reads keeps its place through its other cells
        line = table_row(
            numbers.get(cell) or snap_label(_cell_text(in_cell.get(cell, [])))
            for cell in sorted(row, key=lambda c: c.left)
        )
        if line:
            first = min(w.top for cell in row for w in in_cell.get(cell, []))
            blocks.append((max(top, first - 1), min(c.left for c in row), line))
    free = [replace(w, text=w.text.translate({ord(c): None for c in _PIPES})) for w in free]
    for line_words in _lines([w for w in free if w.text.strip()]):
        blocks.append((min(w.top for w in line_words), line_words[0].left, _free_line(line_words, char_height)))
    blocks.sort(key=lambda block: (block[0], block[1]))
    return "\n".join(text for _, _, text in blocks if text)
