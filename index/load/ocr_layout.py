"""OCR page layout: ruling lines found and erased, Tesseract's word boxes put back into lines and table rows.

A scanned table is a grid of ruling lines with words inside. Tesseract reads such a page
badly while the lines are there (they become ``|``, ``I`` and garbage) and merges the
numbers of neighbouring cells into one "word" once they are gone. So, per page:

1. :func:`find_rules` finds the ruling lines: runs of dark pixels at least ``min_rule`` long
   (horizontal) that are thin; vertical runs count only when they meet a horizontal rule (so
   the long strokes of large title characters are not mistaken for rules). The caller erases
   them (:attr:`Rules.mask`) before Tesseract reads the page.
2. :func:`page_text` puts the words back: a word that a vertical rule crosses is cut there
   (its characters shared out by width); the grid's cells are enumerated (a cell's top rule,
   the vertical rules hanging from it, its bottom rule below), each word goes to the cell
   holding its centre, and the cells sharing a top rule make one row, rendered like the
   other loaders' tables (``cell | cell | cell``, empty cells kept in place, a cell's lines
   joined: :func:`index.load.render.table_row`). A cell spanning several rows is printed once,
   in the row of its top rule, as pdfplumber does for the text-layer PDFs.
3. Words outside any cell are grouped into Tesseract's lines; within a line a horizontal gap
   wider than :data:`CELL_GAP` times the page's character height starts a new cell (tables
   without rules).

Words are joined without a space when either side is a wide (CJK) character: Tesseract's
Chinese model reports every character or two as its own word, and a space between them is
not in the page. Between two narrow words (Latin, digits) a space is kept.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, replace
from itertools import pairwise

import numpy as np
from scipy import ndimage

from index.load.render import table_row

#: A gap between two words wider than this many character heights separates two cells.
CELL_GAP = 2.0
#: Gaps (in character heights) from which two narrow words, or two runs of digits, are separate words.
WORD_GAP, DIGIT_GAP = 0.35, 0.5

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
#: A table cell that is a number with stray marks around it (``,0``, ``21'``).
_NUMBER_CELL = re.compile(r"[,，.。'‘’“”\"`:：;；]*\s*(-?\d+(?:\.\d+)?)\s*[,，。'‘’“”\"`:：;；]*")


@dataclass(frozen=True)
class Word:
    """One word box of Tesseract's TSV output, in pixels; ``line`` is Tesseract's (block, paragraph, line)."""

    text: str
    left: int
    top: int
    right: int
    bottom: int
    conf: float
    line: tuple[int, int, int]

    @property
    def cx(self) -> float:
        return (self.left + self.right) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def height(self) -> int:
        return self.bottom - self.top


@dataclass(frozen=True)
class Rule:
    """A ruling line: ``at`` is its y (horizontal) or x (vertical); it runs from ``start`` to ``end``."""

    at: float
    start: int
    end: int

    def covers(self, position: float, tolerance: float) -> bool:
        return self.start - tolerance <= position <= self.end + tolerance


@dataclass
class Rules:
    """The ruling lines of a page and the pixels they cover (to be erased before OCR)."""

    horizontal: list[Rule]
    vertical: list[Rule]
    mask: np.ndarray
    tolerance: float


def _runs(dark: np.ndarray, length: int) -> np.ndarray:
    """Pixels of ``dark`` that belong to a horizontal run of at least ``length`` dark pixels.

    >>> _runs(np.array([[1, 1, 1, 0, 1, 1, 0, 1, 1, 1]], dtype=bool), 3).astype(int).tolist()
    [[1, 1, 1, 0, 0, 0, 0, 1, 1, 1]]
    """
    rows, width = dark.shape
    if width < length:
        return np.zeros_like(dark)
    counts = np.zeros((rows, width + 1), dtype=np.int32)
    np.cumsum(dark, axis=1, dtype=np.int32, out=counts[:, 1:])
    starts = (counts[:, length:] - counts[:, :-length]) == length  # a full run starts at column i
    # Pixel j is in a run when a run starts within [j - length + 1, j].
    cover = np.zeros((rows, width + 1), dtype=np.int32)
    np.cumsum(np.pad(starts, ((0, 0), (0, length - 1))), axis=1, dtype=np.int32, out=cover[:, 1:])
    before = np.pad(cover[:, : width - length + 1], ((0, 0), (length - 1, 0)))
    covered: np.ndarray = (cover[:, 1:] - before) > 0
    return covered


def find_rules(dark: np.ndarray, *, min_rule: int, min_vertical: int, max_thickness: int, lone_rule: int) -> Rules:
    """The ruling lines of a binarised page (``True`` = ink); lengths in pixels.

    Candidates are thin runs: horizontal ones at least ``min_rule`` long, vertical ones at
    least ``min_vertical``. A vertical candidate is a rule when it meets a horizontal one; a
    horizontal candidate when it meets a vertical rule or is at least ``lone_rule`` long. So
    the long strokes of large title characters are left alone.
    """
    tolerance = max(2.0, max_thickness / 2)
    reach = tolerance  # a junction: the rules touch, or nearly (a scan may break a line at the crossing)
    h_labels, _ = ndimage.label(_runs(dark, min_rule))
    v_labels, _ = ndimage.label(_runs(dark.T, min_vertical).T)
    across_h = _segments_of(h_labels, max_thickness, vertical=False)
    across_v = _segments_of(v_labels, max_thickness, vertical=True)

    def meet(h: Rule, v: Rule) -> bool:
        return h.covers(v.at, reach) and v.covers(h.at, reach)

    vertical = [(v, box, i) for v, box, i in across_v if any(meet(h, v) for h, _, _ in across_h)]
    horizontal = [
        (h, box, i)
        for h, box, i in across_h
        if h.end - h.start + 1 >= lone_rule or any(meet(h, v) for v, _, _ in vertical)
    ]
    mask = np.zeros_like(dark)
    for labels, kept in ((h_labels, horizontal), (v_labels, vertical)):
        for _, box, index in kept:
            mask[box] |= labels[box] == index
    # The grey fringe of a line (anti-aliasing, JPEG, a slight slant) would read as "1" or "|": erase it too.
    mask = ndimage.binary_dilation(mask, iterations=max(1, round(max_thickness / 6)))
    return Rules(
        _merge([h for h, _, _ in horizontal], tolerance),
        _merge([v for v, _, _ in vertical], tolerance),
        mask,
        tolerance,
    )


def _segments_of(
    labels: np.ndarray, max_thickness: int, *, vertical: bool
) -> list[tuple[Rule, tuple[slice, slice], int]]:
    """Thin labelled components as rules, with the box and label that mark their pixels."""
    out: list[tuple[Rule, tuple[slice, slice], int]] = []
    for index, box in enumerate(ndimage.find_objects(labels), start=1):
        if box is None:
            continue
        ys, xs = box
        across, along = (xs, ys) if vertical else (ys, xs)
        if across.stop - across.start > max_thickness:
            continue  # a filled area, not a line
        out.append((Rule((across.start + across.stop - 1) / 2, along.start, along.stop - 1), box, index))
    return out


def _merge(rules: list[Rule], tolerance: float) -> list[Rule]:
    """Pieces of one line joined: positions within ``tolerance``, extents overlapping or a few pixels apart."""
    clusters: list[list[Rule]] = []
    for rule in sorted(rules, key=lambda r: r.at):
        if clusters and rule.at - clusters[-1][-1].at <= tolerance:
            clusters[-1].append(rule)
        else:
            clusters.append([rule])
    out: list[Rule] = []
    for cluster in clusters:
        pieces: list[Rule] = []
        for rule in sorted(cluster, key=lambda r: r.start):
            last = pieces[-1] if pieces else None
            if last is not None and rule.start <= last.end + 4 * tolerance:
                pieces[-1] = Rule((last.at + rule.at) / 2, last.start, max(last.end, rule.end))
            else:
                pieces.append(rule)
        out.extend(pieces)
    return sorted(out, key=lambda r: (r.at, r.start))


@dataclass(frozen=True)
class Cell:
    left: float
    top: float
    right: float
    bottom: float

    def holds(self, word: Word) -> bool:
        return self.left < word.cx < self.right and self.top < word.cy < self.bottom


def table_cells(rules: Rules) -> list[Cell]:
    """The grid's cells: between two vertical rules hanging from a top rule, down to the next rule below.

    Where no rule closes a cell (a table cut by the page's end), it ends where its vertical rules do.
    """
    tol = rules.tolerance
    cells: list[Cell] = []
    for top in rules.horizontal:
        hanging = sorted(
            (v for v in rules.vertical if top.covers(v.at, tol) and v.start - tol <= top.at <= v.end - 2 * tol),
            key=lambda v: v.at,
        )
        for left, right in pairwise(hanging):
            middle = (left.at + right.at) / 2
            if right.at - left.at <= 2 * tol or not top.covers(middle, 0):
                continue
            below = [h.at for h in rules.horizontal if h.at > top.at + tol and h.covers(middle, 0)]
            bottom = min(below) if below else min(left.end, right.end)
            if bottom > top.at + 2 * tol:
                cells.append(Cell(left.at, top.at, right.at, bottom))
    return cells


def join_words(words: Iterable[Word]) -> str:
    """Words of one line or cell, in order: no space next to a wide (CJK) character.

    Between two narrow words (Latin, digits, ASCII punctuation) a space is kept where the page
    has one (a gap over :data:`WORD_GAP` heights); digits that Tesseract split with hardly a
    gap (``1`` ``0`` for ``10``) are joined again.

    >>> w = lambda t, x: Word(t, x, 0, x + 10 * len(t), 30, 90.0, (1, 1, 1))
    >>> join_words([w("电", 0), w("话", 30), w(":", 60), w("0517-87222589", 70), w("，", 210), w("e-mail", 240),
    ...             w("a@b.cn", 320), w("1", 400), w("0", 412)])
    '电话:0517-87222589，e-mail a@b.cn 10'
    """
    out = ""
    last: Word | None = None
    for word in words:
        text = word.text.strip()
        if not text:
            continue
        if out and last is not None and not _WIDE.match(out[-1]) and not _WIDE.match(text[0]):
            gap = word.left - last.right
            digits = out[-1].isdigit() and text[0].isdigit()
            if gap > (DIGIT_GAP if digits else WORD_GAP) * max(word.height, last.height):
                out += " "
        out += text
        last = word
    return out


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


@dataclass(frozen=True)
class Placed:
    """Where a cell's ink went on the composite image: at (``x``, ``y``), from (``left``, ``top``) of the page."""

    cell: Cell
    x: int
    y: int
    left: int
    top: int
    width: int
    height: int

    def share(self, word: Word) -> float:
        """How much of ``word``'s box lies on this cell's ink (Tesseract's boxes may reach into the gap)."""
        if not self.y <= word.cy < self.y + self.height:
            return 0.0
        overlap = min(word.right, self.x + self.width) - max(word.left, self.x)
        return max(0.0, overlap / max(1, word.right - word.left))

    def back(self, word: Word) -> Word:
        """``word`` moved from the composite back to its place on the page."""
        dx, dy = self.left - self.x, self.top - self.y
        return replace(word, left=word.left + dx, right=word.right + dx, top=word.top + dy, bottom=word.bottom + dy)


@dataclass
class Composite:
    """The image Tesseract reads: the page without its table cells, then the cells row by row below it."""

    image: np.ndarray
    page_height: int
    placed: list[Placed]

    def sort(self, words: list[Word]) -> tuple[list[Word], dict[Cell, list[Word]]]:
        """Tesseract's words split into the page's own (free) words and each cell's words (in page coordinates)."""
        free: list[Word] = []
        in_cell: dict[Cell, list[Word]] = {}
        for word in words:
            if word.cy < self.page_height:
                free.append(word)
                continue
            spots = [p for p in self.placed if p.share(word) > 0]
            for spot, piece in _share_out(word, spots):
                in_cell.setdefault(spot.cell, []).append(spot.back(piece))
        return free, in_cell


def _share_out(word: Word, spots: list[Placed]) -> list[tuple[Placed, Word]]:
    """``word`` given to the cell it lies on; one that Tesseract ran across several cells (``00000`` over a
    row of ``0`` cells) is cut, each character going to the cell under its share of the box."""
    if len(spots) < 2 or len(word.text) < 2:
        return [(max(spots, key=lambda p: p.share(word)), word)] if spots else []
    width = (word.right - word.left) / len(word.text)
    pieces: dict[int, list[int]] = {}
    for i in range(len(word.text)):
        x = word.left + (i + 0.5) * width
        nearest = min(range(len(spots)), key=lambda k: _distance(x, spots[k]))
        pieces.setdefault(nearest, []).append(i)
    out: list[tuple[Placed, Word]] = []
    for k, indexes in sorted(pieces.items()):
        left = int(word.left + indexes[0] * width)
        right = int(word.left + (indexes[-1] + 1) * width)
        out.append((spots[k], replace(word, text="".join(word.text[i] for i in indexes), left=left, right=right)))
    return out


def _distance(x: float, spot: Placed) -> float:
    return 0.0 if spot.x <= x < spot.x + spot.width else min(abs(x - spot.x), abs(x - spot.x - spot.width))


def compose(clean: np.ndarray, cells: list[Cell], *, gap: int, ink: int, inset: int = 4, min_ink: int = 8) -> Composite:
    """Cut each table cell's ink out of the (rule-free) page and lay the cells out below it.

    The cells of one table row go side by side, top-aligned, ``gap`` pixels apart; rows go one
    under another. Tesseract then reads each row as lines of its own: a label wrapped over two
    lines no longer straddles the numbers centred beside it, and no two cells' numbers touch.
    A cell inside another is cut out first and blanked in the outer one. Cells with fewer than
    ``min_ink`` dark pixels are empty; ``inset`` pixels along each rule are left out (what is
    left of the rule there would read as ``“`` or ``|``).
    """
    page = clean.copy()
    taken = np.zeros(clean.shape, dtype=bool)
    crops: dict[Cell, tuple[np.ndarray, int, int]] = {}
    for cell in sorted(cells, key=lambda c: (c.right - c.left) * (c.bottom - c.top)):
        top, bottom = math.ceil(cell.top) + inset, math.floor(cell.bottom) - inset + 1
        left, right = math.ceil(cell.left) + inset, math.floor(cell.right) - inset + 1
        if bottom - top < 2 or right - left < 2:
            continue
        region = clean[top:bottom, left:right].copy()
        region[taken[top:bottom, left:right]] = 255
        taken[top:bottom, left:right] = True
        page[top:bottom, left:right] = 255
        ys, xs = np.nonzero(region < ink)
        if len(ys) < min_ink:
            continue
        y0, y1, x0, x1 = int(ys.min()), int(ys.max()) + 1, int(xs.min()), int(xs.max()) + 1
        crops[cell] = (region[y0:y1, x0:x1], top + y0, left + x0)

    rows: dict[float, list[Cell]] = {}
    for cell in crops:
        rows.setdefault(cell.top, []).append(cell)
    placed: list[Placed] = []
    y = clean.shape[0] + gap
    width = clean.shape[1]
    for row_top in sorted(rows):
        x = gap
        height = 0
        for cell in sorted(rows[row_top], key=lambda c: c.left):
            crop, crop_top, crop_left = crops[cell]
            placed.append(Placed(cell, x, y, crop_left, crop_top, crop.shape[1], crop.shape[0]))
            x += crop.shape[1] + gap
            height = max(height, crop.shape[0])
        width = max(width, x)
        y += height + gap
    image = np.full((y, width), 255, dtype=np.uint8)
    image[: clean.shape[0], : clean.shape[1]] = page
    for spot in placed:
        crop = crops[spot.cell][0]
        image[spot.y : spot.y + spot.height, spot.x : spot.x + spot.width] = crop
    return Composite(image, clean.shape[0], placed)


def _rows(cells: Iterable[Cell]) -> list[list[Cell]]:
    """Cells grouped by their top rule, rows top to bottom, cells left to right."""
    rows: dict[float, list[Cell]] = {}
    for cell in cells:
        rows.setdefault(cell.top, []).append(cell)
    return [sorted(rows[top], key=lambda c: c.left) for top in sorted(rows)]


def clean_cells(in_cell: dict[Cell, list[Word]]) -> dict[Cell, list[Word]]:
    """Each cell's words without blanks and Tesseract's ghosts."""
    return {cell: kept for cell, words in in_cell.items() if (kept := _dedupe([w for w in words if w.text.strip()]))}


def suspect_numbers(composite: Composite, in_cell: dict[Cell, list[Word]], tolerance: float) -> list[Placed]:
    """Cells with ink where a number belongs that Tesseract's Chinese model did not read as one.

    A cell is in a number's place when its row has two or more numbers after its label, or the
    cell above or below it in the same column holds a number. Suspects are such cells whose
    reading is not a plain number but short (a ``0`` read as ``O``, a ``1`` as ``工``, ``00``
    where cells ran together) or empty; labels (two or more Chinese characters, or a row's
    first cell with any) are not.
    """
    texts = {spot.cell: _cell_text(in_cell.get(spot.cell, [])) for spot in composite.placed}

    def is_number(cell: Cell | None) -> bool:
        text = texts.get(cell, "") if cell is not None else ""
        return bool(_PLAIN_NUMBER.fullmatch(text))

    def same_column(a: Cell, b: Cell) -> bool:
        return abs(a.left - b.left) <= tolerance and abs(a.right - b.right) <= tolerance

    by_cell = {spot.cell: spot for spot in composite.placed}
    suspects: list[Placed] = []
    for row in _rows(by_cell):
        row_numbers = sum(1 for cell in row[1:] if is_number(cell))
        for place, cell in enumerate(row):
            text = texts[cell]
            wide = len(_WIDE.findall(text))
            if is_number(cell) or len(text) > 4 or wide >= 2 or (place == 0 and wide):
                continue  # a number, or a label (a row's first cell with Chinese in it)
            column = [c for c in by_cell if c is not cell and same_column(c, cell)]
            above = max((c for c in column if c.bottom <= cell.top + tolerance), key=lambda c: c.top, default=None)
            below = min((c for c in column if c.top >= cell.bottom - tolerance), key=lambda c: c.top, default=None)
            if row_numbers >= 2 or is_number(above) or is_number(below):
                suspects.append(by_cell[cell])
    return suspects


def digit_sheet(composite: Composite, suspects: list[Placed], gap: int) -> tuple[np.ndarray, list[Placed]]:
    """The suspects' ink one under another (for a digits-only second reading), and where each went."""
    width = max(spot.width for spot in suspects) + 2 * gap
    height = sum(spot.height + gap for spot in suspects) + gap
    sheet = np.full((height, width), 255, dtype=np.uint8)
    placed: list[Placed] = []
    y = gap
    for spot in suspects:
        crop = composite.image[spot.y : spot.y + spot.height, spot.x : spot.x + spot.width]
        sheet[y : y + spot.height, gap : gap + spot.width] = crop
        placed.append(replace(spot, x=gap, y=y))
        y += spot.height + gap
    return sheet, placed


def read_digits(words: list[Word], placed: list[Placed]) -> dict[Cell, str]:
    """The numbers the digits-only reading found in each cell of its sheet (cells it read no number in are left out)."""
    out: dict[Cell, str] = {}
    for spot in placed:
        mine = [w for w in words if spot.share(w) > 0]
        text = _cell_text(mine) if mine else ""
        if _NUMBER_CELL.fullmatch(text):
            out[spot.cell] = text
    return out


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
            numbers.get(cell) or _cell_text(in_cell.get(cell, [])) for cell in sorted(row, key=lambda c: c.left)
        )
        if line:
            first = min(w.top for cell in row for w in in_cell.get(cell, []))
            blocks.append((max(top, first - 1), min(c.left for c in row), line))
    free = [replace(w, text=w.text.translate({ord(c): None for c in _PIPES})) for w in free]
    for line_words in _lines([w for w in free if w.text.strip()]):
        blocks.append((min(w.top for w in line_words), line_words[0].left, _free_line(line_words, char_height)))
    blocks.sort(key=lambda block: (block[0], block[1]))
    return "\n".join(text for _, _, text in blocks if text)
