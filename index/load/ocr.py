"""Scanned PDF pages read with Tesseract's simplified-Chinese model (``chi_sim``), offline.

For each page without a usable text layer (:mod:`index.load.pdf` decides which): pypdfium2
renders it at :data:`DPI` (pages larger than :data:`MAX_PIXELS` at that resolution are rendered
smaller); red seal ink is whitened (a seal over the signature would otherwise hide the publish
date); the ruling lines of tables are found and erased and the cells laid out apart
(:mod:`index.load.ocr_grid`); the ``tesseract`` binary reads the page (``--psm 6``: one block of text, so a table row stays one
line; one thread, ``OMP_THREAD_LIMIT=1``, which is faster than OpenMP on a busy machine) and
its TSV word boxes are put back into lines and ``cell | cell`` table rows (:mod:`index.load.ocr_layout`).
Cells where a number belongs (digits only, with the English model), and lines in a large type
(titles), are read a second time on their own.

The result is the page's extracted text like any other loader's: citations quote it verbatim.
Every word's confidence is kept, and the report gets a warning starting with
:data:`index.models.OCR_WARNING_PREFIX` (pages and mean word confidence) that ``reports``,
``show``, the admin tab and each citation from the report show (:func:`index.models.ocr_note`),
so staff check quotes against the image.

Work is bounded by the current :class:`~index.limits.Budget`: the time left is checked before
each page and passed to Tesseract as its timeout; after each page, a file whose remaining pages
would not fit in the time left (at the pace so far) is refused at once with a clear reason.
Each page reports progress (:meth:`~index.limits.Budget.progress`).

A missing ``tesseract`` binary or ``chi_sim`` model raises :class:`OcrUnavailable`, one line
naming the Debian package to install.

One module: the page loop, rendering, Tesseract calls, number re-reads and the time budget are one
pipeline over a page; geometry (:mod:`index.load.ocr_grid`) and words to text
(:mod:`index.load.ocr_layout`) are apart.
"""

from __future__ import annotations

import csv
import io
import logging
import math
import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from index.limits import OverLimit, current_budget
from index.models import OCR_WARNING_PREFIX

if TYPE_CHECKING:
    import numpy as np

    from index.load.ocr_grid import Cell, Word

log = logging.getLogger(__name__)

DPI = 300
#: Pixels a rendered page may have (an A3 page at 300 DPI is 17.4 M); larger pages are rendered smaller.
MAX_PIXELS = 40_000_000
LANGUAGE = "chi_sim"
#: Second reading of table cells where a number belongs: digits only, with Tesseract's English model
#: when installed (Debian's tesseract-ocr depends on it), which misreads small digits less often.
DIGITS_LANGUAGE, DIGITS = "eng", "0123456789.-"
#: The second reading enlarges the cells.
DIGITS_SCALE = 2.0
BINARY_PACKAGE = "tesseract-ocr"
MODEL_PACKAGE = "tesseract-ocr-chi-sim"
#: Rule sizes in millimetres at the page's scale: shortest horizontal / vertical rule, thickest rule,
#: and the length from which a horizontal line counts as a rule without meeting a vertical one.
RULE_MM, VERTICAL_RULE_MM, RULE_THICKNESS_MM, LONE_RULE_MM = 10.0, 5.0, 1.2, 30.0
#: A page where Tesseract finds fewer words than this, at a mean confidence under the second figure, has no text.
NOISE_WORDS, NOISE_CONFIDENCE = 5, 50.0
#: Space between table cells laid out for Tesseract (:func:`index.load.ocr_grid.compose`), in millimetres.
CELL_GAP_MM = 8.0

_known_good: dict[tuple[str, str | None], frozenset[str]] = {}


class OcrUnavailable(ValueError):
    """Tesseract or its simplified-Chinese model is missing; ``str()`` names the Debian package to install."""


class OcrError(ValueError):
    """Tesseract failed on a page; ``str()`` is the reason."""


@dataclass
class OcrPage:
    """One page read by OCR: its text, each word's confidence (0-100) and the seconds it took."""

    number: int
    text: str
    confidences: list[float] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class OcrResult:
    """The pages of one file read by OCR."""

    pages: list[OcrPage]

    @property
    def words(self) -> int:
        return sum(len(p.confidences) for p in self.pages)

    @property
    def mean_confidence(self) -> float | None:
        """Mean word confidence over all pages (0-100), ``None`` when no word was read."""
        values = [c for p in self.pages for c in p.confidences]
        return sum(values) / len(values) if values else None

    def warning(self) -> str:
        """The report's OCR warning, e.g. ``OCR: 3 页由文字识别得到（第 1–3 页），平均置信度 87%，引文请对照原件核对``."""
        confidence = self.mean_confidence
        shown = "无" if confidence is None else f"{confidence:.0f}%"
        pages = page_ranges([p.number for p in self.pages])
        return (
            f"{OCR_WARNING_PREFIX} {len(self.pages)} 页由文字识别得到（第 {pages} 页），"
            f"平均置信度 {shown}，引文请对照原件核对"
        )


def page_ranges(numbers: list[int]) -> str:
    """Page numbers as ranges.

    >>> page_ranges([1, 2, 3, 5, 7, 8])
    '1–3, 5, 7–8'
    """
    parts: list[str] = []
    for n in sorted(numbers):
        if parts and parts[-1].split("–")[-1] == str(n - 1):
            parts[-1] = f"{parts[-1].split('–')[0]}–{n}"
        else:
            parts.append(str(n))
    return ", ".join(parts)


def tesseract_binary() -> str:
    """Path of a ``tesseract`` that has the ``chi_sim`` model; :class:`OcrUnavailable` otherwise."""
    path = shutil.which("tesseract")
    if path is None:
        raise OcrUnavailable(
            f"Tesseract is not installed: install the Debian packages {BINARY_PACKAGE} and {MODEL_PACKAGE} "
            f"(apt-get install {BINARY_PACKAGE} {MODEL_PACKAGE})"
        )
    if LANGUAGE not in _languages(path):
        raise OcrUnavailable(
            f"Tesseract has no simplified-Chinese model ({LANGUAGE}): install the Debian package {MODEL_PACKAGE} "
            f"(apt-get install {MODEL_PACKAGE})"
        )
    return path


def _languages(path: str) -> frozenset[str]:
    """The models ``tesseract --list-langs`` names (remembered once the Chinese one is there)."""
    key = (path, os.environ.get("TESSDATA_PREFIX"))
    if key in _known_good:
        return _known_good[key]
    try:
        listed = subprocess.run(
            [path, "--list-langs"], capture_output=True, text=True, timeout=60, check=False, env=_env()
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise OcrUnavailable(f"Tesseract ({path}) does not run: {exc}") from exc
    languages = frozenset(line.strip() for line in (listed.stdout + "\n" + listed.stderr).splitlines()[1:])
    if LANGUAGE in languages:
        _known_good[key] = languages
    return languages


def _env() -> dict[str, str]:
    return {**os.environ, "OMP_THREAD_LIMIT": "1"}


def ocr_pdf_pages(data: bytes, numbers: list[int], *, dpi: int = DPI) -> OcrResult:
    """OCR the given 1-based pages of the PDF ``data`` under the current budget (see the module docstring).

    Raises :class:`OcrUnavailable`, :class:`OcrError`, or :class:`~index.limits.OverLimit` when
    the time runs out or will not be enough.
    """
    import pypdfium2

    binary = tesseract_binary()
    budget = current_budget()
    pages: list[OcrPage] = []
    started = time.monotonic()
    document = pypdfium2.PdfDocument(data)
    try:
        for i, number in enumerate(numbers):
            budget.check_time()
            if i:
                _check_pace(i, len(numbers), time.monotonic() - started)
            budget.progress(i, len(numbers), f"OCR 第 {number} 页（{i + 1}/{len(numbers)}）")
            page_start = time.monotonic()
            image, scale_dpi = render_page(document, number - 1, dpi)
            page = ocr_image(image, binary=binary, dpi=scale_dpi, timeout=budget.remaining_s())
            page.number = number
            page.seconds = time.monotonic() - page_start
            pages.append(page)
            log.info("OCR page %d: %d words in %.1f s", number, len(page.confidences), page.seconds)
        budget.progress(len(numbers), len(numbers), "OCR 完成")
    finally:
        document.close()
    return OcrResult(pages)


def _check_pace(done: int, total: int, elapsed: float) -> None:
    """Refuse now when the pages left would not fit in the time left at the pace so far."""
    budget = current_budget()
    needed = elapsed / done * (total - done)
    left = budget.remaining_s()
    if needed > left:
        limits = budget.limits
        raise OverLimit(
            f"OCR of {total} scanned pages needs about {elapsed + needed:.0f} s ({elapsed / done:.0f} s a page), "
            f"more than the {limits.timeout_s:g} s limit (DISCLOSURE_INGEST_TIMEOUT_S)"
        )


def render_page(document: object, index: int, dpi: int) -> tuple[np.ndarray, int]:
    """Page ``index`` as a grey image (red seal ink whitened) and the DPI it was rendered at."""
    import numpy as np

    page = document[index]  # type: ignore[index]  # pypdfium2.PdfDocument, typed as object to keep the import lazy
    try:
        width_pt, height_pt = page.get_size()
        scale = dpi / 72
        if width_pt * height_pt * scale * scale > MAX_PIXELS:
            scale = math.sqrt(MAX_PIXELS / max(1.0, width_pt * height_pt))
        rgb = np.asarray(page.render(scale=scale, rev_byteorder=True).to_pil().convert("RGB"), dtype=np.int16)
    finally:
        page.close()
    red, green, blue = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    gray = (0.299 * red + 0.587 * green + 0.114 * blue).astype(np.uint8)
    seal = (red > 140) & (red - green > 60) & (red - blue > 60)
    gray[seal] = 255
    return gray, round(scale * 72)


def ocr_image(gray: np.ndarray, *, binary: str, dpi: int, timeout: float) -> OcrPage:
    """OCR one grey page image: erase the rules, cut out the cells (:mod:`index.load.ocr_grid`), run
    Tesseract, read number cells and large lines again, lay the words out (:mod:`index.load.ocr_layout`)."""
    from index.load.ocr_grid import compose, find_rules, table_cells
    from index.load.ocr_layout import clean_cells, large_lines, number_cells, page_text, read_digits

    deadline = time.monotonic() + timeout
    mm = dpi / 25.4
    ink = _otsu(gray)
    rules = find_rules(
        gray < ink,
        min_rule=round(RULE_MM * mm),
        min_vertical=round(VERTICAL_RULE_MM * mm),
        max_thickness=max(2, round(RULE_THICKNESS_MM * mm)),
        lone_rule=round(LONE_RULE_MM * mm),
    )
    clean = gray.copy()
    clean[rules.mask] = 255
    cells = table_cells(rules)
    gap = round(CELL_GAP_MM * mm)
    composite = compose(clean, cells, gap=gap, ink=ink, inset=max(2, round(RULE_THICKNESS_MM * mm / 3)))
    words = run_tesseract(composite.image, binary=binary, dpi=dpi, timeout=deadline - time.monotonic())
    confidences = [w.conf for w in words if w.text.strip()]
    if len(confidences) < NOISE_WORDS and sum(confidences) < NOISE_CONFIDENCE * len(confidences):
        return OcrPage(0, "", [])  # a drawing, a photo or a speck read as a few unlikely letters
    free, in_cell = composite.sort(words)
    in_cell = clean_cells(in_cell)

    numbers: dict[Cell, str] = {}
    suspects = number_cells(composite, in_cell, rules.tolerance)
    if suspects:
        crops = [(composite.image[p.y : p.y + p.height, p.x : p.x + p.width], p.left, p.top) for p in suspects]
        language = DIGITS_LANGUAGE if DIGITS_LANGUAGE in _languages(binary) else LANGUAGE
        again = _read_again(
            crops,
            binary=binary,
            dpi=dpi,
            deadline=deadline,
            gap=gap,
            language=language,
            config=_DIGITS_ONLY,
            scale=DIGITS_SCALE,
        )
        numbers = read_digits([(p.cell, found) for p, found in zip(suspects, again, strict=True)], in_cell)
        log.debug("digits-only reading of %d cells: %d numbers", len(suspects), len(numbers))

    large = large_lines(free)
    if large:
        crops = []
        for line in large:
            pad = max(w.height for w in line) // 4
            top, left = max(0, min(w.top for w in line) - pad), max(0, min(w.left for w in line) - pad)
            bottom, right = max(w.bottom for w in line) + pad, max(w.right for w in line) + pad
            crops.append((composite.image[top:bottom, left:right], left, top))
        again = _read_again(crops, binary=binary, dpi=dpi, deadline=deadline, gap=gap)
        for k, (line, found) in enumerate(zip(large, again, strict=True)):
            if found and _mean(found) >= _mean(line):
                replaced = {id(w) for w in line}
                free = [w for w in free if id(w) not in replaced] + [replace(w, line=(-1 - k, 0, 0)) for w in found]
    final = [w.conf for w in free if w.text.strip()] + [w.conf for found in in_cell.values() for w in found]
    return OcrPage(0, page_text(free, in_cell, cells, numbers), final)


_DIGITS_ONLY = ("-c", f"tessedit_char_whitelist={DIGITS}")


def _mean(words: list[Word]) -> float:
    return sum(w.conf for w in words) / len(words) if words else 0.0


def _read_again(
    crops: list[tuple[np.ndarray, int, int]],
    *,
    binary: str,
    dpi: int,
    deadline: float,
    gap: int,
    language: str = LANGUAGE,
    config: tuple[str, ...] = (),
    scale: float = 1.0,
    psm: int = 6,
) -> list[list[Word]]:
    """Each crop (image, left, top on the page) read again on a sheet of its own, enlarged ``scale`` times:
    its words, in page coordinates."""
    import numpy as np
    from PIL import Image

    from index.load.ocr_grid import stack

    images = [crop for crop, _, _ in crops]
    if scale != 1.0:
        images = [
            np.asarray(
                Image.fromarray(crop).resize(
                    (max(1, round(crop.shape[1] * scale)), max(1, round(crop.shape[0] * scale))),
                    Image.Resampling.LANCZOS,
                )
            )
            for crop in images
        ]
    sheet, places = stack(images, gap)
    words = run_tesseract(
        sheet, binary=binary, dpi=dpi, timeout=deadline - time.monotonic(), language=language, config=config, psm=psm
    )
    out: list[list[Word]] = []
    for image, (_, left, top), (x, y) in zip(images, crops, places, strict=True):

        def back(w: Word, x: int = x, y: int = y, left: int = left, top: int = top) -> Word:
            return replace(
                w,
                left=left + round((w.left - x) / scale),
                right=left + round((w.right - x) / scale),
                top=top + round((w.top - y) / scale),
                bottom=top + round((w.bottom - y) / scale),
            )

        out.append([back(w) for w in words if y <= w.cy < y + image.shape[0] and x <= w.cx < x + image.shape[1]])
    return out


def _otsu(gray: np.ndarray) -> int:
    """Otsu's threshold of a grey image (ink is darker than it)."""
    import numpy as np

    hist = np.bincount(gray.ravel(), minlength=256).astype(np.float64)
    levels = np.arange(256, dtype=np.float64)
    weight = np.cumsum(hist)
    mean = np.cumsum(hist * levels)
    total, total_mean = weight[-1], mean[-1]
    background = total - weight
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (total_mean * weight - mean * total) ** 2 / (weight * background)
    between[~np.isfinite(between)] = 0
    return int(np.argmax(between)) + 1


def run_tesseract(
    gray: np.ndarray,
    *,
    binary: str,
    dpi: int,
    timeout: float,
    language: str = LANGUAGE,
    config: tuple[str, ...] = (),
    psm: int = 6,
) -> list[Word]:
    """Tesseract's word boxes (TSV level 5) for a grey image, within ``timeout`` seconds (``psm``: its page
    segmentation mode, 6 a block of text, 8 a single word)."""
    from PIL import Image

    from index.load.ocr_grid import Word

    if timeout <= 0:
        raise OverLimit(current_budget().limits.timeout_message())
    buffer = io.BytesIO()
    Image.fromarray(gray).save(buffer, format="PPM")  # binary PGM: read by Tesseract from stdin, no encoding cost
    command = [binary, "stdin", "stdout", "-l", language, "--psm", str(psm), "--dpi", str(dpi)]
    command += ["-c", "tessedit_do_invert=0", *config, "tsv"]
    try:
        done = subprocess.run(command, input=buffer.getvalue(), capture_output=True, timeout=timeout, env=_env())
    except subprocess.TimeoutExpired:
        raise OverLimit(current_budget().limits.timeout_message()) from None
    except OSError as exc:
        raise OcrError(f"Tesseract could not be started: {exc}") from exc
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise OcrError(f"Tesseract failed (exit code {done.returncode}): {reason[-1] if reason else 'no message'}")
    words: list[Word] = []
    rows = csv.DictReader(io.StringIO(done.stdout.decode("utf-8", "replace")), delimiter="\t", quoting=csv.QUOTE_NONE)
    for row in rows:
        try:
            if row["level"] != "5" or float(row["conf"]) < 0 or not (row.get("text") or "").strip():
                continue
            left, top = int(row["left"]), int(row["top"])
            words.append(
                Word(
                    row["text"].strip(),
                    left,
                    top,
                    left + int(row["width"]),
                    top + int(row["height"]),
                    float(row["conf"]),
                    (int(row["block_num"]), int(row["par_num"]), int(row["line_num"])),
                )
            )
        except (KeyError, TypeError, ValueError):
            continue  # a malformed row: skip it rather than lose the page
    return words
