"""The ``disclosure`` command line: ingest, list, show, delete, re-index, ask, eval, facts, compare, serve.

One module for every command: each is a thin click function over plain functions of ``index`` and
``assistant``, and all share the one error handler, the logging set-up and the output helpers;
splitting it by command would only spread that shared part.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from assistant.types import Answer
from index.config import Settings
from index.errors import DisclosureError
from index.models import DenseState, IngestResult, IngestStatus, ocr_note

log = logging.getLogger("disclosure")

STATUS_LABELS = {
    IngestStatus.INDEXED: "已索引 ok",
    IngestStatus.REPLACED: "已替换 replaced",
    IngestStatus.UNCHANGED: "未变化 unchanged",
}
DENSE_LABELS = {
    DenseState.PENDING: "向量待添加 vectors pending",
    DenseState.READY: "向量就绪 vectors ready",
    DenseState.FAILED: "向量失败 vectors failed",
}


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


def _print_results(results: list[IngestResult]) -> int:
    failed = 0
    for r in results:
        if r.status == IngestStatus.FAILED:
            failed += 1
            click.echo(f"失败 FAILED  {r.source}: {r.error}")
            continue
        label = STATUS_LABELS[r.status]
        dense = f"  {DENSE_LABELS[r.dense]}" if r.dense and r.status != IngestStatus.UNCHANGED else ""
        click.echo(f"{label}  {r.source}  [{r.report_id}] {r.issuer or '?'} {r.year or '?'}  {r.chunks} chunks{dense}")
        for w in r.warnings:
            click.echo(f"    警告 warning: {w}")
    click.echo(f"{len(results) - failed} ok, {failed} failed")
    return failed


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--issuer", default=None, help="The issuer of the one file given (overrides what is parsed).")
@click.option("--year", type=int, default=None, help="The report year of the one file given.")
@click.option("--publish-date", default=None, help="The publish date (YYYY-MM-DD) of the one file given.")
@click.option(
    "--manifest",
    type=click.Path(path_type=Path),
    default=None,
    help='JSON Lines, one {"file", "issuer", "year", "publish_date"} object per file.',
)
@click.option(
    "--no-embed",
    is_flag=True,
    help="Stop once the reports are answerable (keyword search, table facts); add vectors later with `embed`.",
)
@click.option("--retry-failed", is_flag=True, help="Try again files given up on after two interrupted runs.")
@click.option(
    "--follow-symlinks",
    is_flag=True,
    help="Read what symbolic links point to (regular files only); by default links are refused.",
)
@click.pass_obj
def ingest(
    settings: Settings,
    paths: tuple[Path, ...],
    issuer: str | None,
    year: int | None,
    publish_date: str | None,
    manifest: Path | None,
    no_embed: bool,
    retry_failed: bool,
    follow_symlinks: bool,
) -> None:
    """Index report files and folders (recursive): answerable first, then vectors are added.

    Admins may say which body and year a file is. Limits: see DISCLOSURE_MAX_* in the README.
    """
    from index.ingest import Indexer

    missing = [str(p) for p in paths if not p.exists() and not p.is_symlink()]
    if missing:
        raise DisclosureError(f"not found: {', '.join(missing)}")
    settings.limits  # noqa: B018 - a bad limit setting fails here, before anything is read
    metadata = admin_metadata(list(paths), issuer, year, publish_date, manifest, follow_symlinks=follow_symlinks)
    indexer = Indexer(settings)
    with progress_bar("ingest") as update:
        results = indexer.ingest(
            list(paths),
            progress=update,
            embed=not no_embed,
            retry_failed=retry_failed,
            follow_symlinks=follow_symlinks,
            metadata=metadata,
        )
    if _print_results(results):
        sys.exit(1)


def admin_metadata(
    paths: list[Path],
    issuer: str | None,
    year: int | None,
    publish_date: str | None,
    manifest: Path | None,
    *,
    follow_symlinks: bool = False,
) -> dict[str, Any]:
    """File name -> what the admin says about it, from ``--issuer/--year/--publish-date`` or a manifest."""
    from index.identity.manifest import check_values, read_manifest
    from index.ingest.indexer import expand_paths

    files = expand_paths(paths, follow_symlinks=follow_symlinks)
    given = any(v is not None for v in (issuer, year, publish_date))
    if given and manifest is not None:
        raise DisclosureError("give either --manifest or --issuer/--year/--publish-date, not both")
    if given:
        if len(files) != 1:
            raise DisclosureError(
                f"--issuer/--year/--publish-date describe one file, but {len(files)} files were given; "
                "use --manifest to describe several"
            )
        try:
            return {files[0].name: check_values(issuer, year, publish_date)}
        except ValueError as exc:
            raise DisclosureError(f"{files[0].name}: {exc}") from None
    if manifest is not None:
        return dict(read_manifest(manifest, [f.name for f in files]))
    return {}


@main.command()
@click.pass_obj
def embed(settings: Settings) -> None:
    """Add the vectors of reports that are answerable but not embedded yet (resumes an interrupted ingest)."""
    from index.ingest import Indexer

    indexer = Indexer(settings)
    with progress_bar("embed") as update:
        run = indexer.embed(progress=update)
    counts = indexer.store.catalogue.dense_counts()
    click.echo(
        f"{run.chunks} chunks of {run.reports} reports embedded ({run.computed} computed, the rest cached) "
        f"in {run.seconds:.1f} s; vectors ready {counts['ready']}, pending {counts['pending']}, failed {counts['failed']}"
    )


@main.command()
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@click.pass_obj
def reports(settings: Settings, as_json: bool) -> None:
    """List indexed reports."""
    from index.models import JobState
    from index.storage.store import Store

    store = Store(settings)
    records = store.catalogue.reports()
    failed = store.catalogue.jobs(JobState.FAILED)
    if as_json:
        # reports (state "ready", with their dense state), then files that failed (state "failed", with the reason)
        out = [r.to_json() for r in records] + [{**j.to_json(), "issuer": None, "year": None} for j in failed]
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    if not records and not failed:
        click.echo("no reports indexed yet: disclosure ingest PATH")
        return
    nameless = 0
    for r in records:
        warn = f"  ({len(r.warnings)} warnings)" if r.warnings else ""
        dense = "" if r.dense == DenseState.READY else f"  [{DENSE_LABELS[r.dense]}]"
        click.echo(
            f"{r.id}  {_marked(r.issuer, r.issuer_source)}  {_marked(r.year, r.year_source)}  "
            f"{_marked(r.publish_date, r.publish_date_source, '-')}  {r.chunk_count} chunks  {r.source}{warn}{dense}"
        )
        note = ocr_note(r.warnings)
        if note:
            click.echo(f"    {note}")
        if not r.issuer:
            nameless += 1
            click.echo(f"    警告 warning: no issuer — set one: disclosure edit {r.id[:8]} --issuer NAME")
    click.echo("(admin) = supplied by an admin; other values are parsed from the text")
    if nameless:
        click.echo(f"警告 warning: {nameless} report(s) without an issuer: questions find them only by their text")
    if failed:
        click.echo(f"\n失败 failed ({len(failed)}):")
        for j in failed:
            click.echo(f"{j.id}  {j.source}  after {j.attempts} attempt(s): {j.error}")


def _marked(value: object, source: str | None, missing: str = "?") -> str:
    """A metadata value as listed: ``?`` when missing, ``(admin)`` after one an admin supplied."""
    if value is None or value == "":
        return missing
    return f"{value}(admin)" if source == "admin" else str(value)


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
        if key in ("warnings", "metadata_sources", "parsed_metadata"):
            continue
        if key in ("issuer", "year", "publish_date"):
            source = r.sources[key]
            parsed = r.parsed_metadata.get(key)
            note = f"  [{source or 'missing'}" + (f"; parsed: {parsed}" if source == "admin" and parsed else "") + "]"
            click.echo(f"{key}: {value if value is not None else '?'}{note}")
            continue
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
@click.argument("report_id")
@click.option("--issuer", default=None, help="The issuer (发布机关) to record.")
@click.option("--year", type=int, default=None, help="The report year to record.")
@click.option("--publish-date", default=None, help="The publish date (YYYY-MM-DD) to record.")
@click.option("--revert", is_flag=True, help="Drop every admin-supplied value: use what parsing found.")
@click.pass_obj
def edit(
    settings: Settings,
    report_id: str,
    issuer: str | None,
    year: int | None,
    publish_date: str | None,
    revert: bool,
) -> None:
    """Correct a report's issuer, year or publish date (recorded as supplied by an admin)."""
    from index.identity.manifest import check_values
    from index.ingest import Indexer

    if not revert and all(v is None for v in (issuer, year, publish_date)):
        raise DisclosureError("nothing to change: give --issuer, --year, --publish-date or --revert")
    try:
        supplied = check_values(issuer, year, publish_date)
    except ValueError as exc:
        raise DisclosureError(str(exc)) from None
    report = Indexer(settings).edit(report_id, supplied, revert=revert)
    click.echo(
        f"{report.id}  {_marked(report.issuer, report.issuer_source)}  {_marked(report.year, report.year_source)}  "
        f"{_marked(report.publish_date, report.publish_date_source, '-')}  {report.source}"
    )


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
    """Are readers consistent now (published BM25 = visible chunks, dense-ready vectors present)? What needs cleanup?

    Exit 0 when readers are consistent (leftovers an interrupted writer left are listed under
    needs_cleanup; the next writer removes them), 2 when they are not.
    """
    from index.ingest import Indexer

    counts = Indexer(settings).verify()
    click.echo(json.dumps(counts, indent=2, ensure_ascii=False))
    if not counts["consistent_for_readers"]:
        raise DisclosureError(
            "readers may see an inconsistent index: " + "; ".join(counts["problems"]) + " (any writer run repairs it)"
        )


def format_answer(answer: Answer) -> str:
    """Human output: the answer, then each numbered quote with issuer, year and section."""
    lines = [answer.answer]
    if answer.citations:
        lines.append("")
        lines.append("引用 citations:")
        for c in answer.citations:
            lines.append(f"[{c.n}] {c.issuer or '?'} {c.year or '?'} · {c.section} · {c.source} ({c.start}-{c.end})")
            lines.append(f"    “{' '.join(c.quote.split())}”")
            if c.ocr:
                lines.append(f"    ⚠ {c.ocr}")
    elif answer.abstained and answer.passages:
        lines.append("")
        lines.append("最接近的段落 closest passages:")
        for p in answer.passages[:3]:
            lines.append(f"- {p.issuer or '?'} {p.year or '?'} · {p.section} · {p.source}")
            lines.append(f"    {' '.join(p.search_text.split())[:120]}")
    for note in answer.notes:
        lines.append(f"(note: {note})")
    return "\n".join(lines)


@main.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON contract object.")
@click.option("--issuer", default=None, help="Only this issuer's reports.")
@click.option("--year", type=int, default=None, help="Only reports of this year.")
@click.option("--llm", "use_llm", is_flag=True, help="Let the configured LLM phrase the answer (checked).")
@click.pass_obj
def ask(settings: Settings, question: str, as_json: bool, issuer: str | None, year: int | None, use_llm: bool) -> None:
    """Answer a question with the exact value and verified citations."""
    from assistant.service import Assistant

    assistant = Assistant(settings)
    if not assistant.store.snapshot().reports:
        raise DisclosureError(f"no reports indexed in {settings.data_dir}: run `disclosure ingest PATH` first")
    if use_llm and assistant.chat_model is None:
        raise DisclosureError("--llm needs DISCLOSURE_LLM_BASE_URL (+ DISCLOSURE_LLM_MODEL) or DISCLOSURE_LLM_GGUF")
    answer = assistant.ask(question, issuer=issuer, year=year, use_llm=use_llm)
    if as_json:
        click.echo(json.dumps(answer.to_json(), ensure_ascii=False))
    else:
        click.echo(format_answer(answer))


@main.command(name="eval")
@click.option(
    "--reports",
    "reports_dirs",
    required=True,
    multiple=True,
    type=click.Path(path_type=Path),
    help="Folder of reports (repeat it to index several folders together).",
)
@click.option(
    "--manifest",
    type=click.Path(path_type=Path),
    default=None,
    help="Issuer/year of files whose text does not say (JSON Lines, see DESIGN.md).",
)
@click.option("--qa", "qa_path", required=True, type=click.Path(path_type=Path), help="QA file (JSON lines).")
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Write one result line per question.")
@click.option(
    "--data-dir",
    "eval_data_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Index into this data dir instead of a temporary one.",
)
@click.option("--llm", "use_llm", is_flag=True, help="Answer through the configured LLM (checked).")
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON.")
@click.pass_obj
def evaluate(
    settings: Settings,
    reports_dirs: tuple[Path, ...],
    manifest: Path | None,
    qa_path: Path,
    out: Path | None,
    eval_data_dir: Path | None,
    use_llm: bool,
    as_json: bool,
) -> None:
    """Index a folder, ask every question of a QA file, and print the scores."""
    from assistant.evaluate.run import format_metrics, run_eval

    if use_llm:
        from assistant.llm.backends import make_chat_model

        if make_chat_model(settings) is None:
            raise DisclosureError("--llm needs DISCLOSURE_LLM_BASE_URL (+ DISCLOSURE_LLM_MODEL) or DISCLOSURE_LLM_GGUF")
    with progress_bar("eval") as update:
        report = run_eval(
            settings,
            list(reports_dirs),
            qa_path,
            data_dir=eval_data_dir,
            use_llm=use_llm,
            progress=update,
            manifest=manifest,
        )
    failed = [r for r in report.ingest if r.status == IngestStatus.FAILED]
    for r in failed:
        click.echo(f"ingest failed: {r.source}: {r.error}", err=True)
    if out is not None:
        with out.open("w", encoding="utf-8") as fh:
            for row in report.rows:
                clean = {k: v for k, v in row.items() if not k.startswith("_")}
                clean["correct"] = row.get("_correct")
                clean["strict"] = row.get("_strict")  # None for kinds strict value accuracy does not cover
                fh.write(json.dumps(clean, ensure_ascii=False) + "\n")
    if as_json:
        click.echo(json.dumps(report.metrics, ensure_ascii=False, indent=2))
    else:
        click.echo(format_metrics(report.metrics))


@main.command()
@click.argument("report_id", required=False)
@click.option("--all", "all_reports", is_flag=True, help="Every indexed report instead of one.")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@click.option(
    "--csv",
    "as_csv",
    is_flag=True,
    help="One CSV table: issuer, year, table, row, column, value, unit, report_id, checked, source, start, end.",
)
@click.pass_obj
def facts(settings: Settings, report_id: str | None, all_reports: bool, as_json: bool, as_csv: bool) -> None:
    """A report's tables (表二/三/四) as read, each cell's arithmetic check, and the warnings.

    ``checked`` is passed (in an identity that holds), failed (in one that does not: never used as
    an answer) or unchecked (no identity covers it).
    """
    from index.storage.store import Store
    from index.tables import facts_to_json, load_facts, mark_checks, render_facts
    from index.tables.export import ReportFacts, write_facts_csv

    if as_json and as_csv:
        raise DisclosureError("choose one of --json and --csv")
    if all_reports == (report_id is not None):
        raise DisclosureError("give one report id, or --all for every report (see `disclosure reports`)")
    store = Store(settings)
    if all_reports:
        reports = store.catalogue.reports()
    else:
        reports = store.catalogue.find_reports(report_id or "")
        if len(reports) != 1:
            raise DisclosureError(f"no single report with id {report_id!r} (see `disclosure reports`)")
    read = [(report, load_facts(store.catalogue.conn, report.id)) for report in reports]
    if as_csv:
        write_facts_csv(sys.stdout, (ReportFacts(r.id, r.issuer, r.year, r.source, found) for r, found in read))
        return
    blocks: list[dict[str, Any]] = []
    for report, found in read:
        stored = [w for w in report.warnings if any(t in w for t in ("表", "table", "Table"))]
        arithmetic = mark_checks(found)[1]
        warnings = stored + [w for w in arithmetic if w not in stored]
        if as_json:
            blocks.append(
                {"report_id": report.id, "issuer": report.issuer, "year": report.year, "source": report.source}
                | facts_to_json(found, warnings)
            )
        else:
            click.echo(f"{report.issuer or '?'} {report.year or '?'}  {report.source}  [{report.id}]")
            click.echo(render_facts(found, warnings))
    if as_json:
        click.echo(json.dumps(blocks if all_reports else blocks[0], ensure_ascii=False, indent=2))


@main.command()
@click.option("--row", "row", default=None, help="Table row: 表三 本年新收, 予以公开, 表四 行政复议 … (see --list).")
@click.option("--column", default=None, help="Column (default: the row's total): 自然人, 结果纠正 …")
@click.option("--issuer", "issuers", multiple=True, help="Body (exact name or part of it); repeatable. Default: all.")
@click.option("--year", "years", multiple=True, help="Year or range (2021, 2021-2023); repeatable. Default: all.")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@click.option("--csv", "as_csv", is_flag=True, help="One CSV line per body × year.")
@click.option("--list", "list_rows", is_flag=True, help="List the rows and their columns.")
@click.pass_obj
def compare(
    settings: Settings,
    row: str | None,
    column: str | None,
    issuers: tuple[str, ...],
    years: tuple[str, ...],
    as_json: bool,
    as_csv: bool,
    list_rows: bool,
) -> None:
    """One table cell across bodies and years: each figure with its verbatim row, rankings, differences,
    what is missing (report not indexed, cell not in its tables, cell rejected by the 勾稽 checks)."""
    from assistant.compare.cells import ROWS, cell
    from assistant.compare.source import compare_catalogue, match_issuers, parse_years
    from assistant.compare.table import HEADERS, summary_lines, table_rows, warnings_by_report, write_comparison_csv
    from index.storage.store import Store

    if list_rows:
        for choice in ROWS:
            click.echo(f"{choice.key}  [{'、'.join(choice.columns)}]")
        return
    if as_json and as_csv:
        raise DisclosureError("choose one of --json and --csv")
    if not row:
        raise DisclosureError("give --row (see `disclosure compare --list`)")
    try:
        target = cell(row, column)
        year_list = parse_years(years)
        store = Store(settings)
        reports = store.snapshot().reports
        bodies = match_issuers(reports, issuers)
        comparison = compare_catalogue(store.catalogue, target, bodies, year_list, reports)
    except ValueError as exc:
        raise DisclosureError(str(exc)) from None
    if as_csv:
        write_comparison_csv(sys.stdout, comparison)
        return
    if as_json:
        figures = [dict(zip(HEADERS, r, strict=True)) for r in table_rows(comparison)]
        click.echo(
            json.dumps(
                {
                    "cell": {"table": target.table, "label": target.label, "unit": target.unit},
                    "figures": figures,
                    "summary": summary_lines(comparison),
                    "warnings": {f.report.report_id: list(w) for f, w in warnings_by_report(comparison) if f.report},
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    click.echo(f"{target.table} {target.label}（{target.unit}）")
    if not comparison.figures:
        click.echo("(no report matches)")
    for r in table_rows(comparison):
        issuer, year, value, unit, status, check, quote, source = r[:8]
        shown = f"{value}{unit}" if value != "" else "-"
        checked = f"，勾稽{check}" if check and value != "" else ""
        click.echo(f"  {issuer} {year or '?'}年  {shown}  {status}{checked}  {source}")
        if quote:
            click.echo(f"      “{quote[:160]}”")
    for line in summary_lines(comparison):
        click.echo(line)
    for figure, warnings in warnings_by_report(comparison):
        click.echo(f"勾稽警告 {figure.issuer} {figure.when}（{figure.report.source if figure.report else ''}）：")
        for w in warnings:
            click.echo(f"  - {w}")


@main.command()
@click.option("--host", default=None, help="Bind address (default 127.0.0.1, or DISCLOSURE_HOST).")
@click.option("--port", type=int, default=None, help="Port (default 7860, or DISCLOSURE_PORT).")
@click.pass_obj
def serve(settings: Settings, host: str | None, port: int | None) -> None:
    """Start the web app."""
    from assistant.ui.app import launch

    launch(settings.with_(host=host or settings.host, port=port or settings.port))
    sys.exit(0)


if __name__ == "__main__":
    main()
