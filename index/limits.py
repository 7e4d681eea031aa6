"""Limits on what one file may cost to read (size, unpacked bytes, pages, characters, lines, chunks, time, memory).

Every limit is a setting (``DISCLOSURE_*``, see :class:`index.config.Settings` and the README)
and is named in the error a file over it gets: one line with the file, the measured value and
the limit, e.g. ``bomb.docx: unpacked size is more than 256 MB, over the 256 MB limit (DISCLOSURE_MAX_UNPACKED_MB)``.

Loaders raise :class:`OverLimit` (a ``ValueError``, like their other reasons); the loading front
(:func:`index.load.load_bytes`) turns it into an :class:`~index.errors.IngestError` naming the file.

A file is read under a :class:`Budget`: the limits plus a deadline. The bounded worker
(:mod:`index.load.worker`) sets it for the job it runs, so a step that loops per page (the PDF
loader, OCR) can ask :func:`current_budget` for the page limit and the time left, and stop early
with a clear reason instead of being killed at the deadline. Such a step also reports its
progress through the budget (:meth:`Budget.progress`), which the worker relays to the caller.

>>> limits = Limits(max_pages=3)
>>> limits.check_pages(2)
>>> limits.check_pages(5)
Traceback (most recent call last):
...
index.limits.OverLimit: 5 pages, over the 3-page limit (DISCLOSURE_MAX_PAGES)
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

MB = 1024 * 1024

DEFAULT_MAX_FILE_MB = 50.0
DEFAULT_MAX_UNPACKED_MB = 256.0
DEFAULT_MAX_PAGES = 500
DEFAULT_MAX_CHARS = 1_000_000
DEFAULT_MAX_LINE_CHARS = 100_000
DEFAULT_MAX_CHUNKS = 1_000
DEFAULT_MAX_HTML_TAGS = 500_000
DEFAULT_TIMEOUT_S = 180.0
DEFAULT_MEMORY_MB = 1024.0


class OverLimit(ValueError):
    """A file over one of the limits; ``str()`` names the value, the limit and its setting."""

    def __init__(self, message: str) -> None:
        super().__init__(message)


def size_text(n: float) -> str:
    """Bytes as ``61.0 MB`` / ``12.5 KB`` / ``300 bytes``; whole MB print without decimals.

    >>> size_text(256 * MB), size_text(1536), size_text(12)
    ('256 MB', '1.5 KB', '12 bytes')
    """
    mb = n / MB
    if mb >= 1:
        return f"{mb:.0f} MB" if mb == int(mb) else f"{mb:.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.1f} KB"
    return f"{int(n)} bytes"


@dataclass(frozen=True)
class Limits:
    """What reading one file may cost; build from settings with :meth:`index.config.Settings.limits`."""

    max_file_bytes: int = int(DEFAULT_MAX_FILE_MB * MB)
    #: bytes after decompression: all members of a DOCX zip, all streams of a PDF
    max_unpacked_bytes: int = int(DEFAULT_MAX_UNPACKED_MB * MB)
    max_pages: int = DEFAULT_MAX_PAGES
    #: characters of extracted text per report
    max_chars: int = DEFAULT_MAX_CHARS
    #: characters of one line of extracted text
    max_line_chars: int = DEFAULT_MAX_LINE_CHARS
    max_chunks: int = DEFAULT_MAX_CHUNKS
    #: tags (``<``) in an HTML page
    max_html_tags: int = DEFAULT_MAX_HTML_TAGS
    #: wall-clock seconds to read, clean, parse and chunk one file
    timeout_s: float = DEFAULT_TIMEOUT_S
    #: address space of the worker process that reads files
    memory_bytes: int = int(DEFAULT_MEMORY_MB * MB)

    def __post_init__(self) -> None:
        for name in (
            "max_file_bytes",
            "max_unpacked_bytes",
            "max_pages",
            "max_chars",
            "max_line_chars",
            "max_chunks",
            "max_html_tags",
            "memory_bytes",
        ):
            if getattr(self, name) <= 0:
                raise ValueError(f"limit {name} must be positive, got {getattr(self, name)}")
        if self.timeout_s <= 0:
            raise ValueError(f"limit timeout_s must be positive, got {self.timeout_s}")

    # Each check raises OverLimit with the value, the limit and the setting that changes it.
    def check_file_size(self, size: int) -> None:
        if size > self.max_file_bytes:
            raise OverLimit(
                f"file is {size_text(size)}, over the {size_text(self.max_file_bytes)} limit (DISCLOSURE_MAX_FILE_MB)"
            )

    def check_unpacked(self, size: int, what: str = "unpacked size", *, at_least: bool = False) -> None:
        """``at_least``: reading stopped at the cap, so ``size`` is a lower bound."""
        if size > self.max_unpacked_bytes:
            value = f"more than {size_text(self.max_unpacked_bytes)}" if at_least else size_text(size)
            raise OverLimit(
                f"{what} is {value}, over the {size_text(self.max_unpacked_bytes)} limit (DISCLOSURE_MAX_UNPACKED_MB)"
            )

    def check_pages(self, pages: int) -> None:
        if pages > self.max_pages:
            raise OverLimit(f"{pages} pages, over the {self.max_pages}-page limit (DISCLOSURE_MAX_PAGES)")

    def check_chars(self, chars: int, what: str = "extracted text", *, at_least: bool = False) -> None:
        """``at_least``: ``chars`` is a lower bound (counted before decoding)."""
        if chars > self.max_chars:
            value = f"at least {chars:,}" if at_least else f"{chars:,}"
            raise OverLimit(
                f"{what} has {value} characters, over the {self.max_chars:,}-character limit (DISCLOSURE_MAX_CHARS)"
            )

    def check_lines(self, text: str) -> None:
        """Raise if any line of ``text`` is longer than ``max_line_chars``."""
        longest, number = _longest_line(text)
        if longest > self.max_line_chars:
            raise OverLimit(
                f"line {number:,} has {longest:,} characters, over the {self.max_line_chars:,}-character line limit "
                "(DISCLOSURE_MAX_LINE_CHARS)"
            )

    def check_chunks(self, chunks: int) -> None:
        if chunks > self.max_chunks:
            raise OverLimit(f"{chunks:,} chunks, over the {self.max_chunks:,}-chunk limit (DISCLOSURE_MAX_CHUNKS)")

    def check_html_tags(self, tags: int) -> None:
        if tags > self.max_html_tags:
            raise OverLimit(
                f"page has {tags:,} tags, over the {self.max_html_tags:,}-tag limit (DISCLOSURE_MAX_HTML_TAGS)"
            )

    def timeout_message(self) -> str:
        return f"reading took longer than the {self.timeout_s:g} s limit (DISCLOSURE_INGEST_TIMEOUT_S)"

    def memory_message(self) -> str:
        return f"reading needs more than the {size_text(self.memory_bytes)} memory limit (DISCLOSURE_INGEST_MEMORY_MB)"


def _longest_line(text: str) -> tuple[int, int]:
    """(length, 1-based number) of the longest line; scans without splitting the text."""
    longest = number = 0
    start = 0
    line = 1
    while True:
        end = text.find("\n", start)
        stop = len(text) if end < 0 else end
        if stop - start > longest:
            longest, number = stop - start, line
        if end < 0:
            return longest, number
        start = end + 1
        line += 1


#: progress(done, total, message) of a step inside one file (e.g. OCR pages).
StepProgress = Callable[[float, float, str], None]


@dataclass
class Budget:
    """The limits of the file being read, when its time runs out (``time.monotonic()``), and who hears its progress."""

    limits: Limits
    deadline: float = field(default=0.0)
    on_progress: StepProgress | None = None

    def __post_init__(self) -> None:
        if not self.deadline:
            self.deadline = time.monotonic() + self.limits.timeout_s

    def remaining_s(self) -> float:
        return self.deadline - time.monotonic()

    def check_time(self) -> None:
        """Raise :class:`OverLimit` once the deadline has passed (for loops over pages)."""
        if self.remaining_s() <= 0:
            raise OverLimit(self.limits.timeout_message())

    def progress(self, done: float, total: float, message: str) -> None:
        """Report the progress of a long step (``done`` of ``total``) to whoever reads the file, if anyone."""
        if self.on_progress is not None:
            self.on_progress(done, total, message)


_CURRENT: ContextVar[Budget | None] = ContextVar("disclosure_budget", default=None)


def current_budget() -> Budget:
    """The budget of the file being read (default limits when none was set, e.g. in a unit test)."""
    budget = _CURRENT.get()
    return budget if budget is not None else Budget(Limits())


@contextmanager
def reading_under(limits: Limits, on_progress: StepProgress | None = None) -> Iterator[Budget]:
    """Make a fresh :class:`Budget` for ``limits`` (progress to ``on_progress``) the current one while the block runs."""
    budget = Budget(limits, on_progress=on_progress)
    token = _CURRENT.set(budget)
    try:
        yield budget
    finally:
        _CURRENT.reset(token)
