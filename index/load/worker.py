"""Reading files in a worker process with a memory cap and a deadline, so no file can exhaust the writer.

The parsers that read untrusted files (pdfminer, pypdfium2, lxml, python-docx) run C code or
pure-Python loops that no in-process check can interrupt. :func:`run_bounded` therefore runs the
reading step of one file in a separate worker process (a `pebble <https://pebble.readthedocs.io>`_
``ProcessPool`` with one worker, forked from a ``forkserver`` that has already imported the
parsers and read jieba's dictionary (:mod:`index.load.warm`): a fresh worker starts in a fraction
of a second instead of the ~10 s a spawned interpreter needs to import them, which matters because
a worker is replaced every :data:`MAX_TASKS` files and after every overrun):

* the worker's address space is capped with ``RLIMIT_AS`` (``DISCLOSURE_INGEST_MEMORY_MB``), so
  an allocation past it fails inside the worker (``MemoryError`` or the worker dies) and never
  grows the writer or the machine;
* each job has a wall-clock limit (``DISCLOSURE_INGEST_TIMEOUT_S``); pebble kills a worker that
  overruns it and starts a fresh one for the next file;
* the worker dies with its parent (``PR_SET_PDEATHSIG``), so a ``kill -9`` of the writer leaves
  no reader behind.

Each of these becomes one clear :class:`~index.errors.IngestError` naming the file and the limit.
The job runs under :func:`index.limits.reading_under`, so code inside it can read the
budget (pages, time left) with :func:`~index.limits.current_budget` and report progress
(:meth:`~index.limits.Budget.progress`, e.g. per OCR page): the worker appends each report
to a per-job file that the caller reads while it waits, and hands to its ``progress`` callback. The worker's peak
resident memory per job is measured (``/proc/self/clear_refs``) and kept in :data:`last_job`.
"""

from __future__ import annotations

import atexit
import ctypes
import logging
import multiprocessing
import os
import resource
import signal
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, wait
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

from pebble import ProcessExpired, ProcessPool

from index.errors import IngestError
from index.limits import Limits, StepProgress, reading_under, size_text

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Jobs a worker runs before it is replaced (keeps heap fragmentation from piling up).
MAX_TASKS = 50
#: Seconds between two looks at a job's progress file.
PROGRESS_POLL_S = 0.2
_PR_SET_PDEATHSIG = 1


@dataclass
class JobStats:
    """What the last bounded job cost: worker peak resident memory (bytes) and wall time (s)."""

    source: str = ""
    peak_rss_bytes: int = 0
    seconds: float = 0.0
    outcome: str = ""


last_job = JobStats()

_lock = threading.Lock()
_pool: ProcessPool | None = None
_pool_memory: int = 0


def _init_worker(memory_bytes: int, log_level: int) -> None:
    """Worker start: die with the parent, cap the address space, quiet logging."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() == 1:  # the parent is already gone
            os._exit(1)
    except (OSError, AttributeError):
        pass
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    logging.basicConfig(level=log_level, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("pdfminer", "pdfplumber", "trafilatura", "charset_normalizer", "jieba", "htmldate", "courlan"):
        logging.getLogger(noisy).setLevel(max(log_level, logging.ERROR))


def _reset_peak() -> None:
    try:
        with open("/proc/self/clear_refs", "w") as handle:  # "5" resets VmHWM (Linux >= 4.0)
            handle.write("5")
    except OSError:
        pass


def _peak_rss() -> int:
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _progress_writer(path: str | None) -> StepProgress | None:
    """In the worker: a progress callback appending ``done\ttotal\tmessage`` lines to ``path``."""
    if path is None:
        return None

    def write(done: float, total: float, message: str) -> None:
        line = f"{done:g}\t{total:g}\t{' '.join(message.split())}\n"
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(line)

    return write


def _job(
    fn: Callable[..., Any], limits: Limits, args: tuple[Any, ...], progress_path: str | None = None
) -> tuple[bool, Any, int]:
    """Runs in the worker: (ok, result or exception, peak RSS in bytes)."""
    _reset_peak()
    try:
        with reading_under(limits, _progress_writer(progress_path)):
            result = fn(*args)
    except MemoryError:
        return False, MemoryError(), _peak_rss()
    except Exception as exc:  # noqa: BLE001 - returned, not raised: the parent re-raises it with the peak recorded
        return False, exc, _peak_rss()
    return True, result, _peak_rss()


def _context() -> multiprocessing.context.BaseContext:
    """A fork server that preloads the reading code (a clean, single-threaded parent for every worker)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["index.load.warm"])
    return context


def _get_pool(memory_bytes: int) -> ProcessPool:
    global _pool, _pool_memory
    if _pool is not None and (_pool_memory != memory_bytes or not _pool.active):
        _stop_pool()
    if _pool is None:
        _pool = ProcessPool(
            max_workers=1,
            max_tasks=MAX_TASKS,
            initializer=_init_worker,
            initargs=(memory_bytes, logging.getLogger().getEffectiveLevel()),
            context=_context(),
        )
        _pool_memory = memory_bytes
    return _pool


def _stop_pool() -> None:
    global _pool
    if _pool is not None:
        pool, _pool = _pool, None
        pool.stop()
        try:
            pool.join(timeout=10)
        except Exception:
            log.debug("reader pool did not stop cleanly", exc_info=True)


atexit.register(_stop_pool)


def shutdown() -> None:
    """Stop the worker process (a later :func:`run_bounded` starts a fresh one)."""
    with _lock:
        _stop_pool()


def run_bounded(
    fn: Callable[..., T],
    args: tuple[Any, ...],
    *,
    limits: Limits,
    source: str,
    progress: StepProgress | None = None,
) -> T:
    """``fn(*args)`` in the worker under ``limits``; raises :class:`IngestError` naming ``source`` on overrun.

    ``fn`` and ``args`` must pickle (``fn`` a module-level function). An exception ``fn`` raises
    is raised here as it was (an ``IngestError`` it raises passes through unchanged).
    ``progress`` hears the job's progress reports (:meth:`index.limits.Budget.progress`) in this
    thread, while the job runs.
    """
    started = time.monotonic()
    with _lock, _ProgressFile(progress) as relay:
        pool = _get_pool(limits.memory_bytes)
        future = pool.schedule(_job, args=(fn, limits, args, relay.path), timeout=limits.timeout_s)
        try:
            while relay.path is not None and not future.done():
                wait([future], timeout=PROGRESS_POLL_S, return_when=FIRST_COMPLETED)
                relay.relay()
            ok, value, peak = future.result()
        except FutureTimeout:
            _finish(source, started, 0, "timeout")
            raise IngestError(source, limits.timeout_message()) from None
        except ProcessExpired as exc:
            _stop_pool()
            _finish(source, started, 0, "died")
            raise IngestError(source, _death_reason(exc.exitcode, limits)) from None
        except MemoryError:
            _stop_pool()
            _finish(source, started, 0, "memory")
            raise IngestError(source, limits.memory_message()) from None
    _finish(source, started, peak, "ok" if ok else type(value).__name__)
    if ok:
        return cast(T, value)
    if isinstance(value, MemoryError):
        shutdown()  # a worker that ran out of memory may be in a bad state
        raise IngestError(source, limits.memory_message())
    raise value


class _ProgressFile:
    """A job's progress channel: a temporary file the worker appends lines to, read here from where we left off."""

    def __init__(self, progress: StepProgress | None) -> None:
        self.progress = progress
        self.path: str | None = None
        self._offset = 0

    def __enter__(self) -> _ProgressFile:
        if self.progress is not None:
            handle, self.path = tempfile.mkstemp(prefix="disclosure-progress-", suffix=".txt")
            os.close(handle)
        return self

    def relay(self) -> None:
        if self.path is None or self.progress is None:
            return
        try:
            with open(self.path, "rb") as handle:
                handle.seek(self._offset)
                chunk = handle.read()
        except OSError:
            return
        complete = chunk[: chunk.rfind(b"\n") + 1]
        self._offset += len(complete)
        for line in complete.decode("utf-8", "replace").splitlines():
            parts = line.split("\t", 2)
            try:
                self.progress(float(parts[0]), float(parts[1]), parts[2] if len(parts) > 2 else "")
            except (ValueError, IndexError):
                continue

    def __exit__(self, *exc: object) -> None:
        if self.path is not None:
            self.relay()
            Path(self.path).unlink(missing_ok=True)


def _finish(source: str, started: float, peak: int, outcome: str) -> None:
    last_job.source = source
    last_job.peak_rss_bytes = peak
    last_job.seconds = time.monotonic() - started
    last_job.outcome = outcome


def _death_reason(exitcode: int | None, limits: Limits) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            how = f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            how = f"killed by signal {-exitcode}"
    else:
        how = f"stopped with exit code {exitcode}"
    return (
        f"the reader process was {how}: the file is damaged, or reading it needs more than the "
        f"{size_text(limits.memory_bytes)} memory limit (DISCLOSURE_INGEST_MEMORY_MB)"
    )
