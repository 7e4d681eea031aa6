"""What may be read as a report: regular files only, symbolic links only when asked, checked before reading.

:func:`read_report_file` opens the path without following a symbolic link (unless
``follow_symlinks``) and without blocking (a named pipe would otherwise wait for a writer
forever), then checks what it opened with ``fstat``: a device, pipe, socket or folder is refused
with the reason, so nothing but a regular file of at most the size limit is ever read. Checking
the opened descriptor, not the name, means a file swapped for a link after the check is still
caught.

:func:`collect_files` lists the files of folders (recursively, hidden names skipped). Links,
pipes and devices inside a folder are listed too, so that each gets its own line saying why it
was not indexed instead of being skipped silently. Linked folders are entered only with
``follow_symlinks`` (each real folder once, so a link loop ends).
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from index.errors import IngestError
from index.limits import OverLimit, size_text

FOLLOW_HINT = "not followed (use --follow-symlinks to read what it points to)"
_READ_CHUNK = 1024 * 1024


def kind_of(mode: int) -> str:
    """What a file mode is, in words ("a named pipe", "a character device", ...)."""
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISREG(mode):
        return "a regular file"
    return "not a regular file"


def _link_reason(path: Path) -> str:
    try:
        target = os.readlink(path)
    except OSError:
        return f"is a symbolic link: {FOLLOW_HINT}"
    return f"is a symbolic link to {target}: {FOLLOW_HINT}"


def check_path(path: Path, source: str, *, follow_symlinks: bool = False) -> os.stat_result:
    """``lstat``/``stat`` of ``path`` if it may be read as a report; else :class:`IngestError` with the reason."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        raise IngestError(source, "file not found") from None
    except OSError as exc:
        raise IngestError(source, f"cannot read the file ({exc.strerror or exc})") from None
    if stat.S_ISLNK(st.st_mode):
        if not follow_symlinks:
            raise IngestError(source, _link_reason(path))
        try:
            st = os.stat(path)
        except OSError as exc:
            raise IngestError(source, f"is a symbolic link that points nowhere ({exc.strerror or exc})") from None
        if not stat.S_ISREG(st.st_mode):
            raise IngestError(source, f"is a symbolic link to {kind_of(st.st_mode)}, not to a regular file")
    elif not stat.S_ISREG(st.st_mode):
        raise IngestError(source, f"is {kind_of(st.st_mode)}, not a regular file")
    return st


def read_report_file(path: Path, source: str, *, max_bytes: int, follow_symlinks: bool = False) -> bytes:
    """The bytes of ``path`` if it is a regular file of 1..``max_bytes`` bytes; else :class:`IngestError`."""
    check_path(path, source, follow_symlinks=follow_symlinks)
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0)
    if not follow_symlinks:
        flags |= os.O_NOFOLLOW
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise IngestError(source, _link_reason(path)) from None
        if exc.errno == errno.ENXIO:
            raise IngestError(source, "is a socket, not a regular file") from None
        if exc.errno == errno.ENOENT:
            raise IngestError(source, "file not found") from None
        raise IngestError(source, f"cannot read the file ({exc.strerror or exc})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # swapped after the check
            raise IngestError(source, f"is {kind_of(st.st_mode)}, not a regular file")
        try:
            limit_check(st.st_size, max_bytes)
        except OverLimit as exc:
            raise IngestError(source, str(exc)) from None
        if st.st_size == 0:
            raise IngestError(source, "file is empty")
        parts: list[bytes] = []
        got = 0
        while got <= max_bytes:
            block = os.read(fd, min(_READ_CHUNK, max_bytes + 1 - got))
            if not block:
                break
            parts.append(block)
            got += len(block)
    except OSError as exc:
        raise IngestError(source, f"cannot read the file ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    if got > max_bytes:
        raise IngestError(source, f"file grew over the {size_text(max_bytes)} limit while it was read")
    if got == 0:
        raise IngestError(source, "file is empty")
    return b"".join(parts)


def limit_check(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise OverLimit(f"file is {size_text(size)}, over the {size_text(max_bytes)} limit (DISCLOSURE_MAX_FILE_MB)")


def _hidden(name: str) -> bool:
    return name.startswith(".")


def collect_files(paths: Iterable[Path], *, follow_symlinks: bool = False) -> list[Path]:
    """Paths as given, and every non-folder entry inside the folders among them (see the module docstring)."""
    out: list[Path] = []
    for path in paths:
        path = Path(path)
        try:
            st = os.stat(path) if follow_symlinks else os.lstat(path)
        except OSError:
            out.append(path)  # reading it reports why
            continue
        if stat.S_ISDIR(st.st_mode):
            out.extend(_walk(path, follow_symlinks))
        else:
            out.append(path)
    return out


def _walk(top: Path, follow_symlinks: bool) -> list[Path]:
    out: list[Path] = []
    seen: set[tuple[int, int]] = set()
    for folder, dirs, files in os.walk(top, followlinks=follow_symlinks):
        try:
            st = os.stat(folder)
        except OSError:
            dirs[:] = []
            continue
        if (st.st_dev, st.st_ino) in seen:  # a link loop, or a folder linked twice
            dirs[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        here = Path(folder)
        entered = []
        for name in sorted(dirs):
            if _hidden(name):
                continue
            if not follow_symlinks and (here / name).is_symlink():
                out.append(here / name)  # a linked folder: reported, not entered
            else:
                entered.append(name)
        dirs[:] = entered
        out.extend(here / name for name in sorted(files) if not _hidden(name))
    return sorted(out, key=lambda p: p.relative_to(top).parts)
