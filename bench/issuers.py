"""Issuer figures: parsing accuracy of issuer and year, and question -> report resolution.

Both read the report folders the way ingest does (load, search form, parse, admin metadata from a
manifest, names) but keep everything in memory: no catalogue, no embedding, seconds per run.

    python bench/issuers.py metadata --reports ../shared/corpus ../shared/corpus2 \\
        --sources ../shared/eval/corpus_sources.jsonl ../shared/eval/corpus2_sources.jsonl [--manifest M]
    python bench/issuers.py resolution --reports ../shared/corpus ../shared/corpus2 --qa QA.jsonl \\
        --sources … [--manifest M] [-v]

``metadata``: issuer exact / same body (the gold name resolves to this report) and year accuracy,
misses listed by class. ``resolution``: for answerable questions, the share whose gold file is the
top-ranked report in scope; for unanswerable questions about a body or year that is not indexed
(the year asked is not the gold file's year, or the question names another place of the gold
issuer's level), the share that abstain at resolution (unknown body or missing year).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.query.issuers import IssuerIndex, resolve_reports  # noqa: E402
from index.identity.manifest import read_manifest  # noqa: E402
from index.identity.metadata import effective_metadata  # noqa: E402
from index.identity.names import split_issuer  # noqa: E402
from index.identity.store import AdminMetadata, NameRow, name_rows  # noqa: E402
from index.ingest.indexer import expand_paths  # noqa: E402
from index.load import load_file  # noqa: E402
from index.parse import parse_report  # noqa: E402
from index.storage.catalogue import ReportRecord  # noqa: E402
from index.text.searchform import build_search_form, fold_query  # noqa: E402


@dataclass
class Parsed:
    source: str
    issuer: str | None
    year: int | None
    parsed_issuer: str | None
    parsed_year: int | None
    names: list[NameRow]


def read_reports(folders: list[Path], manifest: dict[str, AdminMetadata]) -> list[Parsed]:
    out = []
    for path in expand_paths(folders):
        loaded = load_file(path, max_bytes=50 << 20, source_name=path.name)
        form = build_search_form(loaded.text)
        parsed = parse_report(loaded.text, form, source_name=path.name)
        meta = effective_metadata(
            parsed.issuer, parsed.year, parsed.publish_date, manifest.get(path.name, AdminMetadata())
        )
        out.append(
            Parsed(path.name, meta.issuer, meta.year, parsed.issuer, parsed.year, name_rows(meta.issuer, form.text))
        )
    return out


def build_index(reports: list[Parsed]) -> IssuerIndex:
    records = [ReportRecord.bare(r.source, r.source, r.issuer, r.year) for r in reports]
    return IssuerIndex(records, {r.source: r.names for r in reports})


def load_sources(paths: list[Path]) -> dict[str, dict[str, Any]]:
    out = {}
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                out[row["file"]] = row
    return out


def miss_class(r: Parsed, gold: str) -> str:
    if r.issuer is None:
        return "none (text never names its body)"
    g, p = split_issuer(gold), split_issuer(r.issuer)
    if {x.name for x in g.places} != {x.name for x in p.places}:
        return "place chain differs"
    if g.organ != p.organ:
        return "organ differs"
    return "written differently"


def cmd_metadata(args: argparse.Namespace) -> int:
    manifest = read_manifest(args.manifest, [p.name for p in expand_paths(args.reports)]) if args.manifest else {}
    reports = read_reports(args.reports, manifest)
    sources = load_sources(args.sources)
    index = build_index(reports)
    exact = same = years = n = 0
    misses: dict[str, list[str]] = {}
    for r in reports:
        gold = sources.get(r.source)
        if not gold or not gold.get("issuer"):
            continue
        n += 1
        ok_exact = r.issuer == gold["issuer"]
        scope = resolve_reports(fold_query(gold["issuer"]), index, year=gold["year"])
        ok_same = ok_exact or (scope.report_ids[:1] == [r.source])
        exact += ok_exact
        same += ok_same
        years += r.year == gold["year"]
        if not ok_same:
            misses.setdefault(miss_class(r, gold["issuer"]), []).append(
                f"{r.source}: {r.issuer} (gold {gold['issuer']})"
            )
        elif not ok_exact:
            misses.setdefault("same body, written differently", []).append(
                f"{r.source}: {r.issuer} (gold {gold['issuer']})"
            )
        if r.year != gold["year"]:
            misses.setdefault("year", []).append(f"{r.source}: {r.year} (gold {gold['year']})")
    print(
        f"reports {n}  issuer exact {exact}/{n} = {exact / n:.1%}  same body {same}/{n} = {same / n:.1%}  "
        f"year {years}/{n} = {years / n:.1%}"
    )
    for cls, rows in sorted(misses.items()):
        print(f"  {cls} ({len(rows)}):")
        for row in rows:
            print(f"    {row}")
    return 0


def absent_body(item: dict[str, Any], gold: dict[str, Any] | None, folded: str, index: IssuerIndex) -> bool:
    """An unanswerable question about a body or year that is not indexed (see the module docstring)."""
    if gold is None or not gold.get("issuer"):
        return False
    years = [int(y) for y in __import__("re").findall(r"((?:19|20)\d{2})\s*年", folded)]
    if years and gold.get("year") and years[0] != gold["year"]:
        return True
    deepest = split_issuer(gold["issuer"]).deepest
    if deepest is None:
        return False
    for mention in index.mentions(folded):
        for m in mention.places:
            if m.level == deepest.level and m.place_kind == deepest.kind and m.value != deepest.name:
                return True
    return False


def cmd_resolution(args: argparse.Namespace) -> int:
    manifest = read_manifest(args.manifest, [p.name for p in expand_paths(args.reports)]) if args.manifest else {}
    reports = read_reports(args.reports, manifest)
    sources = load_sources(args.sources) if args.sources else {}
    index = build_index(reports)
    total = {}
    for qa_path in args.qa:
        rows = [json.loads(line) for line in qa_path.read_text(encoding="utf-8").splitlines() if line.strip()]
        top1 = answerable = absent = abstained = 0
        failures = []
        for item in rows:
            folded = fold_query(item["question"])
            scope = resolve_reports(folded, index)
            if item["kind"] == "unanswerable":
                if absent_body(item, sources.get(item["file"]), folded, index):
                    absent += 1
                    ok = bool(scope.unknown_mentions or scope.missing_year)
                    abstained += ok
                    if not ok:
                        failures.append(
                            f"ABSENT-NOT-ABSTAINED {item['id']} {item['question']} -> {scope.report_ids[:2]}"
                        )
                continue
            answerable += 1
            ok = scope.report_ids[:1] == [item["file"]]
            top1 += ok
            if not ok:
                why = (
                    "unknown " + "、".join(scope.unknown_mentions)
                    if scope.unknown_mentions
                    else f"missing year {scope.year} (has {scope.available_years})"
                    if scope.missing_year
                    else f"top {scope.report_ids[:3]}"
                    if scope.report_ids
                    else "no scope"
                )
                failures.append(f"MISS {item['id']} [{item['file']}] {item['question']} -> {why}")
        total[qa_path.name] = (top1, answerable, abstained, absent)
        print(
            f"{qa_path.name}: gold file top-ranked {top1}/{answerable} = {top1 / max(answerable, 1):.1%}; "
            f"absent body/year abstained {abstained}/{absent}"
        )
        if args.verbose:
            for f in failures:
                print("   ", f)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("metadata", "resolution"):
        p = sub.add_parser(name)
        p.add_argument("--reports", type=Path, nargs="+", required=True)
        p.add_argument("--sources", type=Path, nargs="*", default=[])
        p.add_argument("--manifest", type=Path, default=None)
        p.add_argument("-v", "--verbose", action="store_true")
        if name == "resolution":
            p.add_argument("--qa", type=Path, nargs="+", required=True)
    args = parser.parse_args()
    import logging

    logging.basicConfig(level=logging.ERROR)
    return cmd_metadata(args) if args.command == "metadata" else cmd_resolution(args)


if __name__ == "__main__":
    raise SystemExit(main())
