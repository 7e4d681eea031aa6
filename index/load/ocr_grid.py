"""OCR page geometry: ruling lines found and erased, table cells cut out and laid out for Tesseract.

A scanned table is a grid of ruling lines with words inside. Tesseract reads such a page
badly while the lines are there (they become ``|``, ``I`` and garbage), merges the numbers
of neighbouring cells into one "word" once they are gone, and reads a label wrapped over two
lines badly when a number sits centred beside it. So, per page:

1. :func:`find_rules` finds the ruling lines: thin runs of dark pixels at least ``min_rule``
   long (horizontal) or ``min_vertical`` (vertical) that meet each other (so the long strokes of
   large title characters are not mistaken for rules); their pixels (:attr:`Rules.mask`) are
   erased before Tesseract reads the page.
2. :func:`table_cells` enumerates the grid's cells: a cell's top rule, the vertical rules
   hanging from it, the next rule below (or where its vertical rules end, for a table cut by
   the page's end).
3. :func:`compose` cuts each cell's ink out of the page and lays the cells out below it, one
   table row per line, top-aligned and well apart (:class:`Composite`); Tesseract reads the
   whole image once, and :meth:`Composite.sort` gives each word back to its page position or
   its cell. :func:`stack` builds the small images of the second readings (digits-only cells,
   large lines).

What the words then say is :mod:`index.load.ocr_layout`'s business.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from itertools import pairwise

import numpy as np
from scipy import ndimage


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


def _whiten_edge_lines(region: np.ndarray, ink: int, share: float = 0.8) -> None:
    """Whiten what is left of a cell's rules along its edges: rows (columns) near the edge inked across
    most of the cell's width (height). A lone ``1`` sitting on such a line is taken for a speck."""
    dark = region < ink
    height, width = dark.shape
    band = max(2, min(height, width) // 6)
    for y in [*range(band), *range(height - band, height)]:
        if 0 <= y < height and dark[y].sum() >= share * width:
            region[y] = 255
    for x in [*range(band), *range(width - band, width)]:
        if 0 <= x < width and dark[:, x].sum() >= share * height:
            region[:, x] = 255


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
        _whiten_edge_lines(region, ink)
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


def stack(crops: list[np.ndarray], gap: int) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Images one under another, ``gap`` pixels apart, on white; returns the sheet and each one's (x, y)."""
    width = max(crop.shape[1] for crop in crops) + 2 * gap
    height = sum(crop.shape[0] + gap for crop in crops) + gap
    sheet = np.full((height, width), 255, dtype=np.uint8)
    places: list[tuple[int, int]] = []
    y = gap
    for crop in crops:
        sheet[y : y + crop.shape[0], gap : gap + crop.shape[1]] = crop
        places.append((gap, y))
        y += crop.shape[0] + gap
    return sheet, places
