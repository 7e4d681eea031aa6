"""Plain functions behind the web UI (no Gradio here, so they are tested without it).

One :class:`AppContext` per process: one Store shared by the Assistant (reader) and the Indexer
(the single writer); SQLite WAL lets the chat read while an ingest or re-index writes.

One module for the chat, review and admin handlers: they share :class:`AppContext` and its report
lookups; sessions are :mod:`assistant.ui.auth`, escaping :mod:`assistant.ui.render`, and each tab's
layout is a module of its own.
"""

from __future__ import annotations

import logging
import queue
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from assistant.review.qa_log import QaLog
from assistant.service import Assistant
from assistant.types import Answer
from assistant.ui.auth import AdminAuth, StaffAuth
from assistant.ui.render import esc, render_answer, render_in_context
from index.config import Settings
from index.errors import DisclosureError
from index.identity.manifest import check_values
from index.identity.store import AdminMetadata
from index.ingest import Indexer, IngestResult, IngestStatus, ProgressFn, copy_sample_reports
from index.load import SUPPORTED_SUFFIXES
from index.models import DenseState, JobState, ocr_note
from index.storage.store import Store

log = logging.getLogger(__name__)

ALL = "全部"
SEEDED_KEY = "ui_samples_seeded"
STATUS_LABELS = {
    IngestStatus.INDEXED: "已索引",
    IngestStatus.REPLACED: "已替换",
    IngestStatus.UNCHANGED: "未变化",
    IngestStatus.FAILED: "失败",
}
REPORT_HEADERS = [
    "ID",
    "发布机关",
    "年度",
    "发布日期",
    "分块数",
    "警告数",
    "文件名",
    "元数据来源",
    "文字识别（OCR）",
    "状态",
]
NO_ISSUER = "⚠️ 未识别"
SOURCE_LABELS = {"admin": "管理员", "parsed": "解析", None: "缺失"}
#: A report answers by keyword search and table facts once indexed; its vectors (semantic search) follow.
DENSE_LABELS = {
    DenseState.READY: "可检索（向量就绪）",
    DenseState.PENDING: "可检索（向量待添加）",
    DenseState.FAILED: "可检索（向量添加失败，可重建索引）",
}
WRONG_HEADERS = ["记录", "时间", "问题", "回答", "引用", "意见"]
RECENT_HEADERS = ["记录", "时间", "问题", "未作答", "引用数", "已核对"]


@dataclass
class AppContext:
    """Everything the handlers share: settings, store, assistant, indexer, Q&A log, admin and staff auth."""

    settings: Settings
    store: Store
    assistant: Assistant
    indexer: Indexer
    qa_log: QaLog
    auth: AdminAuth
    staff: StaffAuth | None = None

    def __post_init__(self) -> None:
        if self.staff is None:
            self.staff = StaffAuth(self.settings)

    @property
    def staff_auth(self) -> StaffAuth:
        assert self.staff is not None  # set in __post_init__
        return self.staff

    @classmethod
    def open(cls, settings: Settings) -> AppContext:
        store = Store(settings)
        return cls(
            settings=settings,
            store=store,
            assistant=Assistant(settings, store),
            indexer=Indexer(settings, store),
            qa_log=QaLog(store.catalogue),
            auth=AdminAuth(settings),
            staff=StaffAuth(settings),
        )

    def ensure_index(self) -> list[IngestResult]:
        """First start: index the bundled sample reports so a new user can ask at once."""
        catalogue = self.store.catalogue
        if catalogue.reports(state=None) or catalogue.get_meta(SEEDED_KEY):
            return []
        paths = copy_sample_reports(self.settings.data_dir / "sample_reports")
        log.info("empty index: indexing %d bundled sample report(s)", len(paths))
        results = self.indexer.ingest(paths)
        with catalogue.transaction() as conn:
            catalogue.set_meta(conn, SEEDED_KEY, "1")
        return results


# -- answering ------------------------------------------------------------------------------
def _year(value: Any) -> int | None:
    if value in (None, "", ALL):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise DisclosureError(f"年度 {value!r} 不是年份") from None


def _issuer(value: Any) -> str | None:
    return None if value in (None, "", ALL) else str(value)


def answer_question(
    ctx: AppContext,
    question: str,
    *,
    issuer: Any = None,
    year: Any = None,
    context: dict[str, Any] | None = None,
    use_llm: bool = False,
    on_token: Callable[[str], None] | None = None,
    channel: str = "web",
) -> Answer:
    """Ask the assistant and log the answer."""
    question = (question or "").strip()
    if not question:
        raise DisclosureError("请输入问题。")
    if len(question) > 500:
        raise DisclosureError("问题太长（最多 500 字）。")
    if not ctx.store.snapshot().reports:
        raise DisclosureError(
            "目前没有可用的报告：可能正在重建索引，请稍后再试；新系统请管理员在「报告管理」中上传报告。"
        )
    answer = ctx.assistant.ask(
        question,
        issuer=_issuer(issuer),
        year=_year(year),
        context=context or None,
        use_llm=use_llm,
        on_token=on_token,
    )
    ctx.qa_log.record(answer, channel=channel)
    return answer


def api_ask(ctx: AppContext, question: str, issuer: str | None = None, year: int | str | None = None) -> dict[str, Any]:
    """The public ``/ask`` endpoint: answer text, abstained flag and citations (list of dicts)."""
    answer = answer_question(ctx, question, issuer=issuer, year=year, channel="api")
    data = answer.to_json()
    return {"answer": data["answer"], "abstained": data["abstained"], "citations": data["citations"]}


def passages_of(answer: Answer) -> list[dict[str, Any]]:
    return [asdict(p) for p in answer.passages]


def chat_stream(
    ctx: AppContext,
    question: str,
    history: list[dict[str, Any]] | None,
    context: dict[str, Any] | None,
    issuer: Any = None,
    year: Any = None,
    use_llm: bool = False,
) -> Iterator[tuple[list[dict[str, Any]], dict[str, Any] | None]]:
    """Yield (messages, context) as the answer forms; the last yield holds the checked answer.

    ``context`` is the previous answer's issuer/year, so "那传真呢？" follows a phone question.
    """
    question = (question or "").strip()
    history = list(history or [])
    if not question:
        yield history, context
        return
    history = [
        *history,
        {"role": "user", "content": esc(question)},
        {"role": "assistant", "content": "正在查找相关报告…"},
    ]
    yield history, context
    tokens: queue.Queue[str] = queue.Queue()
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["answer"] = answer_question(
                ctx, question, issuer=issuer, year=year, context=context, use_llm=use_llm, on_token=tokens.put
            )
        except Exception as exc:  # noqa: BLE001 - shown in the chat, not a traceback
            box["error"] = exc

    worker = threading.Thread(target=work, name="chat-answer", daemon=True)
    worker.start()
    partial = ""
    while worker.is_alive() or not tokens.empty():
        try:
            partial += tokens.get(timeout=0.1)
        except queue.Empty:
            continue
        history[-1] = {"role": "assistant", "content": esc(partial) + " ▌"}
        yield history, context
    worker.join()
    error = box.get("error")
    if error is not None:
        if not isinstance(error, DisclosureError):
            log.error("answering %r failed", question, exc_info=error)
        message = str(error) if isinstance(error, DisclosureError) else "抱歉，回答时出错了，请稍后再试。"
        history[-1] = {"role": "assistant", "content": esc(message)}
        yield history, context
        return
    answer: Answer = box["answer"]
    if not answer.abstained and not partial:  # show the checked text growing before the citations
        step = max(1, len(answer.answer) // 5)
        for cut in range(step, len(answer.answer), step):
            history[-1] = {"role": "assistant", "content": esc(answer.answer[:cut]) + " ▌"}
            yield history, context
            time.sleep(0.02)
    history[-1] = {"role": "assistant", "content": render_answer(answer.to_json(), passages_of(answer))}
    if not answer.abstained and (answer.issuer or answer.year):
        context = {"issuer": answer.issuer, "year": answer.year}
    yield history, context


def filter_choices(ctx: AppContext) -> tuple[list[str], list[str]]:
    """Issuer and year choices for the chat filters, from the catalogue."""
    reports = ctx.store.snapshot().reports
    issuers = sorted({r.issuer for r in reports if r.issuer})
    years = sorted({str(r.year) for r in reports if r.year}, reverse=True)
    return [ALL, *issuers], [ALL, *years]


# -- citation review (staff only: the log holds citizens' questions) ---------------------------
def staff_login(ctx: AppContext, user: str, password: str) -> str:
    return ctx.staff_auth.login(user, password)


def recent_choices(ctx: AppContext, token: str | None, limit: int = 100) -> list[tuple[str, int]]:
    ctx.staff_auth.require(token)
    return [(e.label, e.id) for e in ctx.qa_log.recent(limit)]


def recent_rows(ctx: AppContext, token: str | None, limit: int = 100) -> list[list[Any]]:
    ctx.staff_auth.require(token)
    return [
        [
            e.id,
            e.time[:19].replace("T", " "),
            e.question,
            "是" if e.abstained else "",
            len(e.citations),
            len(e.verdicts),
        ]
        for e in ctx.qa_log.recent(limit)
    ]


def _report_text(ctx: AppContext, report_id: str) -> str | None:
    try:
        return ctx.store.catalogue.report_text(report_id)
    except KeyError:
        return None


def show_entry(ctx: AppContext, token: str | None, log_id: Any) -> tuple[str, list[tuple[str, int]]]:
    """The logged answer with each citation inside its report; and the choices for a verdict."""
    ctx.staff_auth.require(token)
    if log_id in (None, ""):
        return "<p>请选择一条回答。</p>", []
    try:
        entry = ctx.qa_log.get(int(log_id))
    except (TypeError, ValueError):
        raise DisclosureError(f"记录编号 {log_id!r} 无效") from None
    if entry is None:
        return "<p>没有这条记录。</p>", []
    verdict_names = {"correct": "✅ 正确", "wrong": "❌ 错误"}
    parts = [
        f"<h3>问题：{esc(entry.question)}</h3>",
        f"<p><strong>回答：</strong>{esc(entry.answer)}</p>",
        f"<p><small>记录 #{entry.id} · {esc(entry.time)} · {esc(entry.channel)}</small></p>",
    ]
    if 0 in entry.verdicts:
        v, whole_comment = entry.verdicts[0]
        parts.append(f"<p>整体回答：{verdict_names[v]} {esc(whole_comment)}</p>")
    if not entry.citations:
        parts.append("<p>（本回答没有引用。）</p>")
    for c in entry.citations:
        parts.append(render_in_context(_report_text(ctx, c["report_id"]), c))
        if int(c["n"]) in entry.verdicts:
            v, comment = entry.verdicts[int(c["n"])]
            parts.append(f"<p>核对结果：{verdict_names[v]} {esc(comment)}</p>")
    choices = [(f"引用 [{c['n']}]", int(c["n"])) for c in entry.citations] + [("整体回答", 0)]
    return "\n".join(parts), choices


def save_verdict(ctx: AppContext, token: str | None, log_id: Any, n: Any, verdict: str, comment: str) -> str:
    """Record a staff verdict; returns a confirmation line."""
    ctx.staff_auth.require(token)
    if log_id in (None, "") or n in (None, ""):
        raise DisclosureError("请先选择回答和引用。")
    labels = {"正确": "correct", "错误": "wrong", "correct": "correct", "wrong": "wrong"}
    if verdict not in labels:
        raise DisclosureError("请选择「正确」或「错误」。")
    try:
        ctx.qa_log.review(int(log_id), int(n), labels[verdict], comment or "")
    except (KeyError, ValueError, TypeError) as exc:
        raise DisclosureError(f"无法保存：{exc}") from exc
    what = "整体回答" if int(n) == 0 else f"引用 [{int(n)}]"
    return f"已保存：记录 #{int(log_id)} {what} → {verdict}"


def wrong_rows(ctx: AppContext, token: str | None) -> list[list[Any]]:
    ctx.staff_auth.require(token)
    return [
        [e.id, e.time[:19].replace("T", " "), e.question, e.answer, "整体" if n == 0 else f"[{n}]", comment]
        for e, n, comment in ctx.qa_log.marked_wrong()
    ]


def export_log(ctx: AppContext, token: str | None, folder: Path | None = None) -> str:
    """Write the log as CSV into a fresh temporary folder; returns the file path."""
    ctx.staff_auth.require(token)
    target = Path(tempfile.mkdtemp(prefix="qa-log-", dir=folder))
    return str(ctx.qa_log.export_csv(target / f"qa_log_{time.strftime('%Y%m%d-%H%M%S')}.csv"))


# -- admin ----------------------------------------------------------------------------------
def admin_login(ctx: AppContext, user: str, password: str) -> str:
    return ctx.auth.login(user, password)


def reports_rows(ctx: AppContext, token: str | None) -> list[list[Any]]:
    """The admin list: one row per report (where issuer, year and date come from, its state), then
    files that failed (with the reason)."""
    ctx.auth.require(token)
    catalogue = ctx.store.catalogue
    rows: list[list[Any]] = [
        [
            r.id,
            r.issuer or NO_ISSUER,
            r.year or "",
            r.publish_date or "",
            r.chunk_count,
            len(r.warnings),
            r.source,
            "，".join(
                f"{label}:{SOURCE_LABELS.get(r.sources[key], r.sources[key])}"
                for key, label in (("issuer", "机关"), ("year", "年度"), ("publish_date", "日期"))
            ),
            ocr_note(r.warnings) or "",
            DENSE_LABELS[r.dense],
        ]
        for r in catalogue.reports()
    ]
    rows.extend(
        [j.id, "?", "", "", 0, 0, j.source, "", "", f"失败（{j.attempts} 次尝试）：{j.error or ''}"]
        for j in catalogue.jobs(JobState.FAILED)
    )
    return rows


def admin_notice(ctx: AppContext, token: str | None) -> str:
    """A warning for reports indexed without an issuer (questions find them only by their text)."""
    ctx.auth.require(token)
    nameless = [r for r in ctx.store.catalogue.reports() if not r.issuer]
    if not nameless:
        return ""
    names = "、".join(f"{r.source}（{r.id[:8]}）" for r in nameless[:10])
    more = f" 等 {len(nameless)} 份" if len(nameless) > 10 else ""
    return (
        f"⚠️ 有 {len(nameless)} 份报告未识别发布机关：{names}{more}。"
        "问答只能凭正文中的地名找到它们；请在下方「更正报告信息」中填写发布机关。"
    )


def _admin_values(issuer: Any, year: Any, publish_date: Any = None) -> AdminMetadata:
    """Optional admin fields from the UI (empty = not given), checked; a bad value is a DisclosureError."""

    def given(value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value.strip() if isinstance(value, str) else value

    try:
        return check_values(given(issuer), given(year), given(publish_date))
    except ValueError as exc:
        message = str(exc)
        if message.startswith("year"):
            raise DisclosureError(f"年度填写有误：{message}") from None
        if message.startswith("publish_date"):
            raise DisclosureError(f"发布日期填写有误（应为 YYYY-MM-DD）：{message}") from None
        raise DisclosureError(f"发布机关填写有误：{message}") from None


def correct_report(
    ctx: AppContext,
    token: str | None,
    report_id: str,
    issuer: Any = None,
    year: Any = None,
    publish_date: Any = None,
    *,
    revert: bool = False,
) -> str:
    """Correct an indexed report's issuer, year and publish date (recorded as supplied by an admin)."""
    ctx.auth.require(token)
    report_id = (report_id or "").strip()
    if not report_id:
        raise DisclosureError("请输入要更正的报告 ID。")
    supplied = _admin_values(issuer, year, publish_date)
    if not revert and not supplied:
        raise DisclosureError("请填写要更正的发布机关、年度或发布日期。")
    report = ctx.indexer.edit(report_id, supplied, revert=revert)
    log.info("admin corrected report %s: %s", report.id, supplied if not revert else "reverted to parsed values")
    what = "已恢复为解析结果" if revert else "已更正"
    return (
        f"{what}：{report.source}（ID {report.id}）— 发布机关 {report.issuer or NO_ISSUER}，"
        f"年度 {report.year or '?'}，发布日期 {report.publish_date or '?'}"
    )


def _result_line(r: IngestResult) -> str:
    if r.status == IngestStatus.FAILED:
        return f"❌ {r.source}：失败 — {r.error}"
    line = f"✅ {r.source}：{STATUS_LABELS.get(r.status, r.status)}（{r.issuer or NO_ISSUER} {r.year or '?'}，{r.chunks} 块，ID {r.report_id}）"
    notes = [f"    ⚠️ 警告：{w}" for w in r.warnings]
    if not r.issuer:
        notes.append("    ⚠️ 未识别发布机关：请在「更正报告信息」中填写，否则问答只能凭正文中的地名找到它。")
    return "\n".join([line, *notes])


def upload_reports(
    ctx: AppContext,
    token: str | None,
    paths: list[str] | None,
    progress: ProgressFn | None = None,
    *,
    issuer: Any = None,
    year: Any = None,
) -> str:
    """Index uploaded files (Gradio's temporary copies keep the uploaded names); one line per file.

    ``issuer``/``year`` (optional) are what the admin says about the upload: the issuer applies to every
    file, a year only to a single file (several files are usually several years)."""
    ctx.auth.require(token)
    if not paths:
        raise DisclosureError("请先选择要上传的文件。")
    supplied = _admin_values(issuer, year)
    if supplied.year is not None and len(paths) > 1:
        raise DisclosureError("年度只能在上传单个文件时填写；多个文件请分别上传，或只填写发布机关。")
    lines: list[str] = []
    items: list[tuple[str, Path]] = []
    for raw in paths:
        path = Path(raw)
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            lines.append(f"❌ {path.name}：失败 — 不支持的文件类型（支持 {' '.join(SUPPORTED_SUFFIXES)}）")
        elif path.stat().st_size > ctx.settings.max_file_bytes:
            lines.append(f"❌ {path.name}：失败 — 文件超过 {ctx.settings.max_file_mb:g} MB 上限")
        else:
            items.append((path.name, path))
    if items:
        metadata = {name: supplied for name, _ in items} if supplied else None
        results = ctx.indexer.ingest_bytes(items, progress=progress, metadata=metadata)
        lines.extend(_result_line(r) for r in results)
        log.info("admin upload: %s", ", ".join(f"{r.source}={r.status}" for r in results))
    return "\n".join(lines)


def delete_report(ctx: AppContext, token: str | None, report_id: str) -> str:
    ctx.auth.require(token)
    report_id = (report_id or "").strip()
    if not report_id:
        raise DisclosureError("请输入要删除的报告 ID。")
    full = ctx.indexer.delete(report_id)
    log.info("admin deleted report %s", full)
    return f"已删除报告 {full}"


def reindex_all(ctx: AppContext, token: str | None, progress: ProgressFn | None = None) -> str:
    ctx.auth.require(token)
    results = ctx.indexer.reindex(progress=progress)
    failed = sum(1 for r in results if r.status == IngestStatus.FAILED)
    lines = [f"重建索引完成：{len(results) - failed} 个成功，{failed} 个失败。"]
    lines.extend(_result_line(r) for r in results if r.status == IngestStatus.FAILED or r.warnings)
    return "\n".join(lines)
