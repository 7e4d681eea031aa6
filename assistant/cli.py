"""The ``disclosure`` command line: ingest, list, show, delete, re-index, ask, eval, facts, serve."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from index.config import Settings
from index.errors import DisclosureError

log = logging.getLogger("disclosure")


def configure_logging(verbose: int) -> None:
    """Logging for the command line only: warnings (or more with -v) to stderr."""
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    for noisy in ("httpx", "chromadb", "jieba", "urllib3", "bm25s", "trafilatura", "pdfminer"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))


class _Group(click.Group):
    """Shows a DisclosureError as one plain line and exit code 2, not a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DisclosureError as exc:
            click.echo(f"错误 / error: {exc}", err=True)
            ctx.exit(2)


@click.group(cls=_Group)
@click.option("--data-dir", type=click.Path(path_type=Path), envvar="DISCLOSURE_DATA_DIR", help="Data directory.")
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-v info, -vv debug).")
@click.pass_context
def main(ctx: click.Context, data_dir: Path | None, verbose: int) -> None:
    """Disclosure Assistant: questions and answers over 政府信息公开工作年度报告."""
    configure_logging(verbose)
    settings = Settings.from_env()
    if data_dir is not None:
        settings = settings.with_(data_dir=data_dir)
    ctx.obj = settings


@contextmanager
def progress_bar(total_label: str) -> Iterator[Any]:
    """A tqdm bar on stderr driven by the pipeline's ``progress(done, total, message)`` calls."""
    from tqdm import tqdm

    bar: Any = None

    def update(done: float, total: float, message: str) -> None:
        nonlocal bar
        if bar is not None and bar.total != total:
            bar.close()  # a new phase (e.g. eval: files, then questions)
            bar = None
        if bar is None:
            bar = tqdm(total=total, desc=total_label, unit="item", file=sys.stderr, leave=False)
        bar.n = done
        bar.set_postfix_str(message[:40], refresh=False)
        bar.refresh()

    try:
        yield update
    finally:
        if bar is not None:
            bar.close()


def _print_results(results: list[Any]) -> int:
    failed = 0
    for r in results:
        if r.status == "failed":
            failed += 1
            click.echo(f"失败 FAILED  {r.source}: {r.error}")
            continue
        label = {"indexed": "已索引 ok", "replaced": "已替换 replaced", "unchanged": "未变化 unchanged"}[r.status]
        click.echo(f"{label}  {r.source}  [{r.report_id}] {r.issuer or '?'} {r.year or '?'}  {r.chunks} chunks")
        for w in r.warnings:
            click.echo(f"    警告 warning: {w}")
    click.echo(f"{len(results) - failed} ok, {failed} failed")
    return failed


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.pass_obj
def ingest(settings: Settings, paths: tuple[Path, ...]) -> None:
    """Index report files and folders (recursive)."""
    from index.ingest import Indexer

    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise DisclosureError(f"not found: {', '.join(missing)}")
    indexer = Indexer(settings)
    with progress_bar("ingest") as update:
        results = indexer.ingest(list(paths), progress=update)
    if _print_results(results):
        sys.exit(1)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@click.pass_obj
def reports(settings: Settings, as_json: bool) -> None:
    """List indexed reports."""
    from index.storage.store import Store

    records = Store(settings).catalogue.reports()
    if as_json:
        click.echo(json.dumps([r.to_json() for r in records], ensure_ascii=False, indent=2))
        return
    if not records:
        click.echo("no reports indexed yet: disclosure ingest PATH")
        return
    for r in records:
        warn = f"  ({len(r.warnings)} warnings)" if r.warnings else ""
        click.echo(f"{r.id}  {r.issuer or '?'}  {r.year or '?'}  {r.publish_date or '-'}  {r.chunk_count} chunks  {r.source}{warn}")


@main.command()
@click.argument("report_id")
@click.pass_obj
def show(settings: Settings, report_id: str) -> None:
    """Metadata, warnings and sections of one report."""
    from index.storage.store import Store

    store = Store(settings)
    matches = store.catalogue.find_reports(report_id)
    if len(matches) != 1:
        raise DisclosureError(f"no single report with id {report_id!r} (see `disclosure reports`)")
    r = matches[0]
    text = store.catalogue.report_text(r.id)
    for key, value in r.to_json().items():
        if key != "warnings":
            click.echo(f"{key}: {value}")
    click.echo("warnings:" if r.warnings else "warnings: none")
    for w in r.warnings:
        click.echo(f"  - {w}")
    click.echo("sections:")
    for s in r.sections:
        opening = " ".join(text[s["start"] : s["end"]].split())[:60]
        click.echo(f"  [{s['key']}] {s['title'] or '-'}  ({s['start']}-{s['end']})  {opening}…")


@main.command()
@click.argument("report_id")
@click.pass_obj
def delete(settings: Settings, report_id: str) -> None:
    """Delete a report by id (or a unique id prefix)."""
    from index.ingest import Indexer

    full = Indexer(settings).delete(report_id)
    click.echo(f"deleted {full}")


@main.command()
@click.pass_obj
def reindex(settings: Settings) -> None:
    """Rebuild the whole index from the stored copies (e.g. after changing the embedding model)."""
    from index.ingest import Indexer

    with progress_bar("reindex") as update:
        results = Indexer(settings).reindex(progress=update)
    if _print_results(results):
        sys.exit(1)


@main.command()
@click.pass_obj
def verify(settings: Settings) -> None:
    """Check that catalogue, Chroma and BM25 agree."""
    from index.ingest import Indexer

    counts = Indexer(settings).verify()
    click.echo(json.dumps(counts, indent=2))
    if counts["chroma_missing"] or counts["chroma_extra"] or counts["bm25_documents"] != counts["catalogue_chunks"]:
        raise DisclosureError("catalogue, Chroma and BM25 disagree: run `disclosure ingest` or `disclosure reindex`")


def _register_optional_commands() -> None:
    """Commands that live next to the parts they drive (question answering, UI, tables)."""
    from assistant import cli_answer

    cli_answer.register(main)


_register_optional_commands()


if __name__ == "__main__":
    main()
