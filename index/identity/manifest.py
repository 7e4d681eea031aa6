"""Admin-supplied metadata: the manifest file, and the checks every supplied value passes.

A manifest is JSON Lines, one object per file (DESIGN.md): ``{"file": "name as in the folder",
"issuer": "...", "year": 2023}`` with an optional ``"publish_date": "YYYY-MM-DD"``. Values it gives
override what parsing finds. Every problem is reported with the manifest's name and line, all at
once, before anything is indexed.

>>> check_values(" 沭阳县发展和改革局 ", "2023", None)
AdminMetadata(issuer='沭阳县发展和改革局', year=2023, publish_date=None)
>>> check_values(None, 23, None)
Traceback (most recent call last):
...
ValueError: year 23 is not a year between 1949 and 2100
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from index.errors import DisclosureError
from index.identity.store import AdminMetadata

FIELDS = ("file", "issuer", "year", "publish_date")
MIN_YEAR, MAX_YEAR = 1949, 2100
MAX_ISSUER_CHARS = 100


def check_values(issuer: Any, year: Any, publish_date: Any) -> AdminMetadata:
    """Validated admin values (None = not given); a bad value raises ValueError saying why."""
    clean_issuer: str | None = None
    if issuer is not None:
        if not isinstance(issuer, str) or not issuer.strip():
            raise ValueError(f"issuer {issuer!r} is not a name")
        clean_issuer = "".join(issuer.split())
        if len(clean_issuer) > MAX_ISSUER_CHARS:
            raise ValueError(f"issuer is {len(clean_issuer)} characters long, over {MAX_ISSUER_CHARS}")
        if any(ch in clean_issuer for ch in "<>{}|\\\"'"):
            raise ValueError(f"issuer {clean_issuer!r} contains markup or quote characters")
    clean_year: int | None = None
    if year is not None:
        if isinstance(year, bool) or not isinstance(year, (int, str)) or not str(year).strip().isdigit():
            raise ValueError(f"year {year!r} is not a year between {MIN_YEAR} and {MAX_YEAR}")
        clean_year = int(str(year).strip())
        if not MIN_YEAR <= clean_year <= MAX_YEAR:
            raise ValueError(f"year {year!r} is not a year between {MIN_YEAR} and {MAX_YEAR}")
    clean_date: str | None = None
    if publish_date is not None:
        try:
            clean_date = date.fromisoformat(str(publish_date).strip()).isoformat()
        except ValueError:
            raise ValueError(f"publish_date {publish_date!r} is not a date written YYYY-MM-DD") from None
        if not MIN_YEAR <= int(clean_date[:4]) <= MAX_YEAR:
            raise ValueError(f"publish_date {publish_date!r} is not between {MIN_YEAR} and {MAX_YEAR}")
    return AdminMetadata(clean_issuer, clean_year, clean_date)


def read_manifest(path: Path, files: Iterable[str] | None = None) -> dict[str, AdminMetadata]:
    """The manifest at ``path``, by file name; ``files`` are the names being ingested (each line's
    file must be one of them). Raises DisclosureError listing every bad line."""
    if not path.is_file():
        raise DisclosureError(f"manifest not found: {path}")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DisclosureError(f"manifest {path.name}: cannot be read as UTF-8 text ({exc})") from None
    known = set(files) if files is not None else None
    out: dict[str, AdminMetadata] = {}
    first_line: dict[str, int] = {}
    problems: list[str] = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"manifest {path.name} line {n}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{where}: not JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(row, dict):
            problems.append(f'{where}: expected a JSON object like {{"file": …, "issuer": …, "year": …}}')
            continue
        unknown = sorted(set(row) - set(FIELDS))
        if unknown:
            problems.append(f"{where}: unknown field(s) {', '.join(unknown)} (expected {', '.join(FIELDS)})")
            continue
        name = row.get("file")
        if not isinstance(name, str) or not name.strip():
            problems.append(f'{where}: "file" is missing or not a file name')
            continue
        name = Path(name.strip()).name
        try:
            meta = check_values(row.get("issuer"), row.get("year"), row.get("publish_date"))
        except ValueError as exc:
            problems.append(f"{where} ({name}): {exc}")
            continue
        if not meta:
            problems.append(f"{where} ({name}): gives none of issuer, year, publish_date")
            continue
        if name in first_line:
            problems.append(f"{where}: {name} is already given on line {first_line[name]}")
            continue
        if known is not None and name not in known:
            problems.append(f"{where}: {name} is not among the files being ingested")
            continue
        first_line[name] = n
        out[name] = meta
    if problems:
        shown = problems[:20]
        more = f"\n  … and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise DisclosureError("the manifest has problems, nothing was indexed:\n  " + "\n  ".join(shown) + more)
    return out
