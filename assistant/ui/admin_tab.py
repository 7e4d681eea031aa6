"""Tab 报告管理: admin login, upload (with progress and a line per file, optional issuer/year), list with
where each value comes from, correct a report's issuer/year/publish date, delete, re-index.

Hiding the panel is only cosmetics: every handler checks the session token itself, and none of
these events is a public API endpoint.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from assistant.ui import handlers
from assistant.ui.auth import DISABLED_MESSAGE
from assistant.ui.common import ADMIN_GROUP, progress_callback, shown_errors
from assistant.ui.handlers import REPORT_HEADERS, AppContext
from index.load import SUPPORTED_SUFFIXES

#: One admin job at a time (the Indexer is the single writer), in its own queue group.
_ADMIN: dict[str, Any] = {"api_visibility": "private", "concurrency_id": ADMIN_GROUP, "concurrency_limit": 1}


def build(ctx: AppContext, on_change: tuple[Any, list[Any]] | None = None) -> None:
    """Lay out the admin tab; ``on_change`` = (fn, outputs) refreshes other tabs after a change."""
    gr.Markdown("### 报告管理")
    if not ctx.auth.enabled:
        gr.Markdown(DISABLED_MESSAGE, elem_id="admin-disabled")
        return
    token = gr.State(None)
    with gr.Row():
        user = gr.Textbox(label="用户名", scale=2)
        password = gr.Textbox(label="密码", type="password", scale=2)
        login = gr.Button("登录", variant="primary", scale=1)
        logout = gr.Button("退出登录", scale=1)
    status = gr.Markdown("未登录。")
    with gr.Column(visible=False) as panel:
        gr.Markdown(
            f"上传报告（{' '.join(SUPPORTED_SUFFIXES)}，每个文件不超过 {ctx.settings.max_file_mb:g} MB）。"
            "同名文件内容改变时替换旧版本。索引期间问答照常可用。"
        )
        files = gr.File(label="报告文件", file_count="multiple", file_types=list(SUPPORTED_SUFFIXES))
        with gr.Row():
            upload_issuer = gr.Textbox(
                label="发布机关（可选）", placeholder="正文未写明发布机关时填写，如：沭阳县发展和改革局", scale=3
            )
            upload_year = gr.Textbox(label="年度（可选，仅单个文件）", placeholder="如：2023", scale=1)
        upload = gr.Button("上传并索引", variant="primary")
        results = gr.Textbox(label="结果（每个文件一行）", lines=6, interactive=False)
        notice = gr.Markdown("", elem_id="admin-notice")
        reports = gr.Dataframe(
            headers=REPORT_HEADERS, label="已索引的报告", interactive=False, wrap=True, elem_id="admin-reports"
        )
        with gr.Accordion("更正报告信息（发布机关、年度、发布日期）", open=False):
            gr.Markdown("填写的内容优先于从正文解析的结果，重建索引后仍然保留；留空的项不变。")
            with gr.Row():
                fix_id = gr.Textbox(label="报告 ID（可用前缀）", scale=2)
                fix_issuer = gr.Textbox(label="发布机关", scale=3)
                fix_year = gr.Textbox(label="年度", scale=1)
                fix_date = gr.Textbox(label="发布日期（YYYY-MM-DD）", scale=2)
            with gr.Row():
                fix = gr.Button("保存更正", variant="primary")
                revert = gr.Button("恢复为解析结果")
        with gr.Row():
            report_id = gr.Textbox(label="要删除的报告 ID（可用前缀）", scale=3)
            delete = gr.Button("删除", variant="stop", scale=1)
            reindex = gr.Button("全部重建索引", scale=1)

    @shown_errors
    def do_login(u: str, p: str) -> tuple[Any, ...]:
        new_token = handlers.admin_login(ctx, u, p)
        rows, warning = handlers.reports_rows(ctx, new_token), handlers.admin_notice(ctx, new_token)
        return new_token, f"已登录：{u}", gr.Column(visible=True), rows, "", warning

    def do_logout(t: str | None) -> tuple[Any, ...]:
        ctx.auth.logout(t)
        return None, "已退出登录。", gr.Column(visible=False), [], "", ""

    @shown_errors
    def do_upload(
        t: str | None, paths: list[str] | None, issuer: str, year: str, progress: gr.Progress = gr.Progress()
    ) -> tuple[Any, ...]:
        text = handlers.upload_reports(ctx, t, paths, progress_callback(progress, "索引"), issuer=issuer, year=year)
        return text, handlers.reports_rows(ctx, t), None, handlers.admin_notice(ctx, t), "", ""

    @shown_errors
    def do_correct(t: str | None, rid: str, issuer: str, year: str, date: str) -> tuple[Any, ...]:
        text = handlers.correct_report(ctx, t, rid, issuer, year, date)
        return text, handlers.reports_rows(ctx, t), handlers.admin_notice(ctx, t)

    @shown_errors
    def do_revert(t: str | None, rid: str) -> tuple[Any, ...]:
        text = handlers.correct_report(ctx, t, rid, revert=True)
        return text, handlers.reports_rows(ctx, t), handlers.admin_notice(ctx, t)

    @shown_errors
    def do_delete(t: str | None, rid: str) -> tuple[Any, ...]:
        text = handlers.delete_report(ctx, t, rid)
        return text, handlers.reports_rows(ctx, t), "", handlers.admin_notice(ctx, t)

    @shown_errors
    def do_reindex(t: str | None, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:
        text = handlers.reindex_all(ctx, t, progress_callback(progress, "重建索引"))
        return text, handlers.reports_rows(ctx, t), handlers.admin_notice(ctx, t)

    login_outputs = [token, status, panel, reports, password, notice]
    login.click(do_login, inputs=[user, password], outputs=login_outputs, **_ADMIN)
    password.submit(do_login, inputs=[user, password], outputs=login_outputs, **_ADMIN)
    logout.click(do_logout, inputs=[token], outputs=[token, status, panel, reports, results, notice], **_ADMIN)
    events = [
        upload.click(
            do_upload,
            inputs=[token, files, upload_issuer, upload_year],
            outputs=[results, reports, files, notice, upload_issuer, upload_year],
            **_ADMIN,
        ),
        fix.click(
            do_correct,
            inputs=[token, fix_id, fix_issuer, fix_year, fix_date],
            outputs=[results, reports, notice],
            **_ADMIN,
        ),
        revert.click(do_revert, inputs=[token, fix_id], outputs=[results, reports, notice], **_ADMIN),
        delete.click(do_delete, inputs=[token, report_id], outputs=[results, reports, report_id, notice], **_ADMIN),
        reindex.click(do_reindex, inputs=[token], outputs=[results, reports, notice], **_ADMIN),
    ]
    if on_change is not None:
        fn, outputs = on_change
        for event in events:
            event.success(fn, outputs=outputs, api_visibility="private", queue=False)
