"""Table coverage: per report, how many 表二/表三/表四 cells were read and how many passed the arithmetic identities.

Not a test: it reads each file with the ingest loader and :func:`index.tables.read_tables` (no
index, no embedder) and prints a Markdown table to stdout.

    python bench/tables.py                       # the complete reports of ../shared/corpus and ../shared/corpus2
    python bench/tables.py FILE_OR_DIR ... [--all] [--sources SOURCES.jsonl ...] [--json OUT.json] [-v]

Which reports are "complete" comes from the sources files (``"complete": true``); ``--all`` takes
every file given. Columns: cells read per table; ``passed`` — cells in at least one identity, all
of which hold; ``failed`` — cells in an identity that does not hold (never used as answers);
``unchecked`` — cells no complete identity covers (表二 always, rows with a blank total);
``warnings`` — reading and arithmetic warnings (``-v`` prints them).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index.config import Settings  # noqa: E402
from index.errors import IngestError  # noqa: E402
from index.load import load_file  # noqa: E402
from index.tables import Check, read_tables  # noqa: E402
from index.tables.labels import TABLE_FOUR, TABLE_THREE, TABLE_TWO  # noqa: E402
from index.text.searchform import build_search_form  # noqa: E402

log = logging.getLogger("bench.tables")

SHARED = ROOT.parent / "shared"
DEFAULT_INPUTS = (SHARED / "corpus", SHARED / "corpus2")
DEFAULT_SOURCES = (SHARED / "eval" / "corpus_sources.jsonl", SHARED / "eval" / "corpus2_sources.jsonl")
TABLES = (TABLE_TWO, TABLE_THREE, TABLE_FOUR)


def complete_files(sources: list[Path]) -> set[str]:
    """File names marked ``"complete": true`` in the sources files (JSON Lines)."""
    names: set[str] = set()
    for path in sources:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise SystemExit(f"{path}:{n}: not JSON ({exc.msg})") from None
            if row.get("complete") is True and row.get("file"):
                names.add(str(row["file"]))
    return names


def files_of(inputs: list[Path]) -> list[Path]:
    out: list[Path] = []
    for p in inputs:
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith("."))
        elif p.is_file():
            out.append(p)
        else:
            raise SystemExit(f"{p}: no such file or folder")
    return out


def measure(path: Path, max_bytes: int) -> dict[str, Any]:
    """Cells read / passed / failed / unchecked per table for one file."""
    try:
        text = load_file(path, max_bytes=max_bytes).text
    except IngestError as exc:
        return {"file": path.name, "error": str(exc)}
    reading = read_tables(text, build_search_form(text))
    counts: Counter[str] = Counter()
    for f in reading.facts:
        if f.table in TABLES:
            counts[f.table] += 1
            counts[f"{f.table}:{f.check}"] += 1
            counts[f.check] += 1
    return {
        "file": path.name,
        "read": {t: counts[t] for t in TABLES},
        "passed": {t: counts[f"{t}:{Check.PASSED}"] for t in TABLES},
        "failed": {t: counts[f"{t}:{Check.FAILED}"] for t in TABLES},
        "total_read": sum(counts[t] for t in TABLES),
        "total_passed": counts[Check.PASSED],
        "total_failed": counts[Check.FAILED],
        "total_unchecked": counts[Check.UNCHECKED],
        "warnings": reading.warnings,
    }


def render(rows: list[dict[str, Any]], verbose: bool) -> str:
    head = "| file | 表二 read | 表三 read / passed / failed | 表四 read / passed / failed | read | passed | failed | unchecked | warnings |"
    lines = [head, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    total: Counter[str] = Counter()
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['file']} | error: {r['error']} | | | | | | | |")
            continue
        rd, ps, fl = r["read"], r["passed"], r["failed"]
        lines.append(
            f"| {r['file']} | {rd[TABLE_TWO]} | {rd[TABLE_THREE]} / {ps[TABLE_THREE]} / {fl[TABLE_THREE]} "
            f"| {rd[TABLE_FOUR]} / {ps[TABLE_FOUR]} / {fl[TABLE_FOUR]} | {r['total_read']} | {r['total_passed']} "
            f"| {r['total_failed']} | {r['total_unchecked']} | {len(r['warnings'])} |"
        )
        for key in ("total_read", "total_passed", "total_failed", "total_unchecked"):
            total[key] += r[key]
        total["warnings"] += len(r["warnings"])
        for t in TABLES:
            total[f"read:{t}"] += rd[t]
    lines.append(
        f"| **all {len(rows)}** | {total[f'read:{TABLE_TWO}']} | {total[f'read:{TABLE_THREE}']} "
        f"| {total[f'read:{TABLE_FOUR}']} | {total['total_read']} | {total['total_passed']} "
        f"| {total['total_failed']} | {total['total_unchecked']} | {total['warnings']} |"
    )
    if verbose:
        for r in rows:
            for w in r.get("warnings", []):
                lines.append(f"- {r['file']}: {w}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("inputs", nargs="*", type=Path, help="files or folders (default: the shared corpora)")
    parser.add_argument("--sources", nargs="*", type=Path, help="sources JSONL naming the complete reports")
    parser.add_argument("--all", action="store_true", help="every file given, not only the complete reports")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    parser.add_argument("-v", "--verbose", action="store_true", help="print the warnings")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    inputs = args.inputs or list(DEFAULT_INPUTS)
    files = files_of(inputs)
    if not args.all:
        sources = args.sources if args.sources is not None else [p for p in DEFAULT_SOURCES if p.is_file()]
        if not sources:
            raise SystemExit("no sources file says which reports are complete: pass --sources FILE or --all")
        complete = complete_files(sources)
        files = [f for f in files if f.name in complete]
    rows = [measure(f, Settings.from_env().max_file_bytes) for f in files]
    print(render(rows, args.verbose))
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
