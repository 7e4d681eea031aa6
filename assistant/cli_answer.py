"""CLI commands that answer: ``ask``, ``eval``, ``facts`` and ``serve``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from index.config import Settings
from index.errors import DisclosureError


def format_answer(answer: object) -> str:
    """Human output: the answer, then each numbered quote with issuer, year and section."""
    from assistant.types import Answer

    assert isinstance(answer, Answer)
    lines = [answer.answer]
    if answer.citations:
        lines.append("")
        lines.append("引用 citations:")
        for c in answer.citations:
            lines.append(f"[{c.n}] {c.issuer or '?'} {c.year or '?'} · {c.section} · {c.source} ({c.start}-{c.end})")
            lines.append(f"    “{' '.join(c.quote.split())}”")
    elif answer.abstained and answer.passages:
        lines.append("")
        lines.append("最接近的段落 closest passages:")
        for i, p in enumerate(answer.passages[:3], 1):
            lines.append(f"- {p.issuer or '?'} {p.year or '?'} · {p.section} · {p.source}")
            lines.append(f"    {' '.join(p.search_text.split())[:120]}")
    for note in answer.notes:
        lines.append(f"(note: {note})")
    return "\n".join(lines)


def register(main: click.Group) -> None:
    """Add the answering commands to the ``disclosure`` group."""

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
        if not assistant.store.catalogue.reports():
            raise DisclosureError(f"no reports indexed in {settings.data_dir}: run `disclosure ingest PATH` first")
        if use_llm and assistant.chat_model is None:
            raise DisclosureError("--llm needs DISCLOSURE_LLM_BASE_URL (+ DISCLOSURE_LLM_MODEL) or DISCLOSURE_LLM_GGUF")
        answer = assistant.ask(question, issuer=issuer, year=year, use_llm=use_llm)
        if as_json:
            click.echo(json.dumps(answer.to_json(), ensure_ascii=False))
        else:
            click.echo(format_answer(answer))

    @main.command(name="eval")
    @click.option("--reports", "reports_dir", required=True, type=click.Path(path_type=Path), help="Folder of reports.")
    @click.option("--qa", "qa_path", required=True, type=click.Path(path_type=Path), help="QA file (JSON lines).")
    @click.option("--out", type=click.Path(path_type=Path), default=None, help="Write one result line per question.")
    @click.option("--data-dir", "eval_data_dir", type=click.Path(path_type=Path), default=None,
                  help="Index into this data dir instead of a temporary one.")
    @click.option("--llm", "use_llm", is_flag=True, help="Answer through the configured LLM (checked).")
    @click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON.")
    @click.pass_obj
    def evaluate(settings: Settings, reports_dir: Path, qa_path: Path, out: Path | None, eval_data_dir: Path | None,
                 use_llm: bool, as_json: bool) -> None:
        """Index a folder, ask every question of a QA file, and print the scores."""
        from assistant.cli import progress_bar
        from assistant.evaluate import format_metrics, run_eval

        if use_llm:
            from assistant.llm_backends import make_chat_model

            if make_chat_model(settings) is None:
                raise DisclosureError("--llm needs DISCLOSURE_LLM_BASE_URL (+ DISCLOSURE_LLM_MODEL) or DISCLOSURE_LLM_GGUF")
        with progress_bar("eval") as update:
            report = run_eval(settings, reports_dir, qa_path, data_dir=eval_data_dir, use_llm=use_llm, progress=update)
        failed = [r for r in report.ingest if r.status == "failed"]
        for r in failed:
            click.echo(f"ingest failed: {r.source}: {r.error}", err=True)
        if out is not None:
            with out.open("w", encoding="utf-8") as fh:
                for row in report.rows:
                    clean = {k: v for k, v in row.items() if not k.startswith("_")}
                    clean["correct"] = row.get("_correct")
                    fh.write(json.dumps(clean, ensure_ascii=False) + "\n")
        if as_json:
            click.echo(json.dumps(report.metrics, ensure_ascii=False, indent=2))
        else:
            click.echo(format_metrics(report.metrics))

    @main.command()
    @click.argument("report_id")
    @click.option("--json", "as_json", is_flag=True, help="JSON output.")
    @click.pass_obj
    def facts(settings: Settings, report_id: str, as_json: bool) -> None:
        """A report's tables (表二/三/四) as read, with warnings."""
        from index.storage.store import Store

        try:
            from index.tables import facts_to_json, load_facts, render_facts
        except ImportError as exc:
            raise DisclosureError("table facts are not available in this build") from exc
        store = Store(settings)
        matches = store.catalogue.find_reports(report_id)
        if len(matches) != 1:
            raise DisclosureError(f"no single report with id {report_id!r} (see `disclosure reports`)")
        report = matches[0]
        found = load_facts(store.catalogue.conn, report.id)
        warnings = [w for w in report.warnings if any(t in w for t in ("表", "table", "Table"))]
        if as_json:
            click.echo(json.dumps(facts_to_json(found, warnings), ensure_ascii=False, indent=2))
        else:
            click.echo(f"{report.issuer or '?'} {report.year or '?'}  {report.source}")
            click.echo(render_facts(found, warnings))

    @main.command()
    @click.option("--host", default=None, help="Bind address (default 127.0.0.1, or DISCLOSURE_HOST).")
    @click.option("--port", type=int, default=None, help="Port (default 7860, or DISCLOSURE_PORT).")
    @click.pass_obj
    def serve(settings: Settings, host: str | None, port: int | None) -> None:
        """Start the web app."""
        try:
            from assistant.ui.app import launch
        except ImportError as exc:
            raise DisclosureError(f"the web app is not available: {exc}") from exc
        launch(settings.with_(host=host or settings.host, port=port or settings.port))
        sys.exit(0)
