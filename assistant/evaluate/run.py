"""``disclosure eval``: index a folder of reports, ask every question of a QA file, score it.

Metrics (DESIGN.md): answer accuracy by kind and overall, strict value accuracy (contact, count,
date and fee questions: correct and no number beyond the gold answer's and the question's) by
kind and overall, citation hit rate, abstention accuracy on unanswerable questions, invalid
citations, retrieval hit@1/hit@5, latency.
"""

from __future__ import annotations

import json
import logging
import statistics
import tempfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.evaluate.scoring import STRICT_KINDS, answer_correct, quotes_overlap, strict_correct
from assistant.service import Assistant
from index.config import Settings
from index.errors import DisclosureError
from index.identity.manifest import read_manifest
from index.ingest import Indexer, IngestResult
from index.ingest.indexer import expand_paths

log = logging.getLogger(__name__)


@dataclass
class EvalReport:
    """Everything ``disclosure eval`` prints."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    ingest: list[IngestResult] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)


def load_qa(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        raise DisclosureError(f"QA file not found: {path}")
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DisclosureError(f"{path.name} line {n}: not JSON ({exc})") from None
        missing = {"id", "file", "question", "answer", "evidence", "kind"} - set(row)
        if missing:
            raise DisclosureError(f"{path.name} line {n}: missing {', '.join(sorted(missing))}")
        rows.append(row)
    return rows


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    idx = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[idx]


def run_eval(
    settings: Settings,
    reports_dirs: Path | list[Path],
    qa_path: Path,
    *,
    data_dir: Path | None = None,
    use_llm: bool = False,
    progress: Callable[[float, float, str], None] | None = None,
    manifest: Path | None = None,
) -> EvalReport:
    """Index the report folders (into a temporary data dir unless ``data_dir``), with the issuer and
    year a ``manifest`` gives for its files, and score ``qa_path``."""
    qa = load_qa(qa_path)
    folders = [reports_dirs] if isinstance(reports_dirs, Path) else list(reports_dirs)
    for folder in folders:
        if not folder.is_dir():
            raise DisclosureError(f"reports folder not found: {folder}")
    files = expand_paths(folders)
    names = [f.name for f in files]
    clashes = sorted({n for n in names if names.count(n) > 1})
    if clashes:
        raise DisclosureError(f"the report folders hold files of the same name: {', '.join(clashes)}")
    metadata = read_manifest(manifest, names) if manifest is not None else {}
    with tempfile.TemporaryDirectory(prefix="disclosure-eval-") as tmp:
        target = data_dir or Path(tmp)
        run_settings = settings.with_(data_dir=target)
        indexer = Indexer(run_settings)
        ingest = indexer.ingest(folders, progress=progress, metadata=metadata)
        assistant = Assistant(run_settings, indexer.store)
        assistant.warm_up()
        report = EvalReport(ingest=ingest)
        by_source = {r.source: r for r in indexer.store.catalogue.reports()}
        for i, item in enumerate(qa):
            if progress:
                progress(i, len(qa), item["id"])
            answer = assistant.ask(item["question"], use_llm=use_llm)
            row = {"id": item["id"], **answer.to_json()}
            row["_passages"] = [
                {"source": p.source, "start": p.start, "end": p.end, "text": p.text} for p in answer.passages
            ]
            row["_notes"] = answer.notes
            row["_method"] = answer.method
            report.rows.append(row)
        report.metrics = score(qa, report.rows, assistant, by_source)
    return report


def score(
    qa: list[dict[str, Any]], rows: list[dict[str, Any]], assistant: Assistant, by_source: dict[str, Any]
) -> dict[str, Any]:
    by_kind: dict[str, list[bool]] = defaultdict(list)
    strict_by_kind: dict[str, list[bool]] = defaultdict(list)
    cite_hits: list[bool] = []
    hit1: list[bool] = []
    hit5: list[bool] = []
    invalid = 0
    latencies = []
    llm_used = llm_rejected = 0
    for item, row in zip(qa, rows):
        latencies.append(row["timings_ms"].get("total", 0.0))
        for c in row["citations"]:
            try:
                text = assistant.texts.text(c["report_id"])
            except KeyError:
                invalid += 1
                continue
            if text[c["start"] : c["end"]] != c["quote"]:
                invalid += 1
        if any(n.startswith("llm_rejected") for n in row.get("_notes", [])):
            llm_rejected += 1
        if row.get("_method") == "llm":
            llm_used += 1
        if item["kind"] == "unanswerable":
            ok = bool(row["abstained"])
            by_kind["unanswerable"].append(ok)
            row["_correct"] = ok
            continue
        ok = (not row["abstained"]) and answer_correct(row["answer"], item["answer"])
        row["_correct"] = ok
        by_kind[item["kind"]].append(ok)
        if item["kind"] in STRICT_KINDS:
            strict = ok and strict_correct(row["answer"], item["answer"], item["question"])
            row["_strict"] = strict
            strict_by_kind[item["kind"]].append(strict)
        evidence = item["evidence"]
        if not row["abstained"]:
            hit = any(c["source"] == item["file"] and quotes_overlap(c["quote"], evidence) for c in row["citations"])
            cite_hits.append(hit)
            row["_citation_hit"] = hit
        passages = row.get("_passages", [])
        overl = [p["source"] == item["file"] and quotes_overlap(p["text"], evidence) for p in passages]
        hit1.append(any(overl[:1]))
        hit5.append(any(overl[:5]))
    answerable = [ok for kind, oks in by_kind.items() if kind != "unanswerable" for ok in oks]
    everything = [ok for oks in by_kind.values() for ok in oks]

    def rate(values: list[bool]) -> float:
        return sum(values) / len(values) if values else 0.0

    metrics: dict[str, Any] = {
        "questions": len(rows),
        "accuracy_overall": rate(everything),
        "accuracy_answerable": rate(answerable),
        "accuracy_by_kind": {
            k: {
                "n": len(v),
                "accuracy": rate(v),
                **({"strict": rate(strict_by_kind[k])} if k in strict_by_kind else {}),
            }
            for k, v in sorted(by_kind.items())
        },
        "strict_overall": rate([ok for oks in strict_by_kind.values() for ok in oks]),
        "strict_questions": sum(len(v) for v in strict_by_kind.values()),
        "abstention_accuracy": rate(by_kind.get("unanswerable", [])),
        "citation_hit_rate": rate(cite_hits),
        "citation_hit_answered": len(cite_hits),
        "invalid_citations": invalid,
        "retrieval_hit_at_1": rate(hit1),
        "retrieval_hit_at_5": rate(hit5),
        "latency_ms_p50": percentile(latencies, 0.5),
        "latency_ms_p95": percentile(latencies, 0.95),
        "latency_ms_mean": statistics.fmean(latencies) if latencies else 0.0,
    }
    if llm_used or llm_rejected:
        metrics["llm_answers"] = llm_used
        metrics["llm_rejected_by_grounding"] = llm_rejected
    return metrics


def format_metrics(metrics: dict[str, Any]) -> str:
    lines = [
        f"questions                 {metrics['questions']}",
        f"answer accuracy (overall) {metrics['accuracy_overall']:.1%}",
        f"answer accuracy (answerable) {metrics['accuracy_answerable']:.1%}",
        f"strict value accuracy     {metrics['strict_overall']:.1%}  (n={metrics['strict_questions']}: contact, count, date, fee)",
    ]
    for kind, v in metrics["accuracy_by_kind"].items():
        strict = f"  strict {v['strict']:6.1%}" if "strict" in v else ""
        lines.append(f"  {kind:<13} {v['accuracy']:6.1%}  (n={v['n']}){strict}")
    lines += [
        f"abstention on unanswerable {metrics['abstention_accuracy']:.1%}",
        f"citation hit rate          {metrics['citation_hit_rate']:.1%}  (over {metrics['citation_hit_answered']} answered)",
        f"invalid citations          {metrics['invalid_citations']}",
        f"retrieval hit@1            {metrics['retrieval_hit_at_1']:.1%}",
        f"retrieval hit@5            {metrics['retrieval_hit_at_5']:.1%}",
        f"latency p50 / p95          {metrics['latency_ms_p50']:.1f} ms / {metrics['latency_ms_p95']:.1f} ms",
    ]
    if "llm_answers" in metrics:
        lines.append(f"LLM answers kept           {metrics['llm_answers']}")
        lines.append(f"LLM rejected by grounding  {metrics['llm_rejected_by_grounding']}")
    return "\n".join(lines)
