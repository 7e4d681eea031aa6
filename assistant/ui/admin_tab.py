"""Tab 报告管理: admin login, upload (with progress and a line per file), list, delete, re-index.

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
        upload = gr.Button("上传并索引", variant="primary")
        results = gr.Textbox(label="结果（每个文件一行）", lines=6, interactive=False)
        reports = gr.Dataframe(
            headers=REPORT_HEADERS, label="已索引的报告", interactive=False, wrap=True, elem_id="admin-reports"
        )
        with gr.Row():
            report_id = gr.Textbox(label="要删除的报告 ID（可用前缀）", scale=3)
            delete = gr.Button("删除", variant="stop", scale=1)
            reindex = gr.Button("全部重建索引", scale=1)

    @shown_errors
    def do_login(u: str, p: str) -> tuple[Any, ...]:
        new_token = handlers.admin_login(ctx, u, p)
        return new_token, f"已登录：{u}", gr.Column(visible=True), handlers.reports_rows(ctx, new_token), ""

    def do_logout(t: str | None) -> tuple[Any, ...]:
        ctx.auth.logout(t)
        return None, "已退出登录。", gr.Column(visible=False), [], ""

    @shown_errors
    def do_upload(t: str | None, paths: list[str] | None, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:
        text = handlers.upload_reports(ctx, t, paths, progress_callback(progress, "索引"))
        return text, handlers.reports_rows(ctx, t), None

    @shown_errors
    def do_delete(t: str | None, rid: str) -> tuple[Any, ...]:
        text = handlers.delete_report(ctx, t, rid)
        return text, handlers.reports_rows(ctx, t), ""

    @shown_errors
    def do_reindex(t: str | None, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:
        text = handlers.reindex_all(ctx, t, progress_callback(progress, "重建索引"))
        return text, handlers.reports_rows(ctx, t)

    login.click(do_login, inputs=[user, password], outputs=[token, status, panel, reports, password], **_ADMIN)
    password.submit(do_login, inputs=[user, password], outputs=[token, status, panel, reports, password], **_ADMIN)
    logout.click(do_logout, inputs=[token], outputs=[token, status, panel, reports, results], **_ADMIN)
    events = [
        upload.click(do_upload, inputs=[token, files], outputs=[results, reports, files], **_ADMIN),
        delete.click(do_delete, inputs=[token, report_id], outputs=[results, reports, report_id], **_ADMIN),
        reindex.click(do_reindex, inputs=[token], outputs=[results, reports], **_ADMIN),
    ]
    if on_change is not None:
        fn, outputs = on_change
        for event in events:
            event.success(fn, outputs=outputs, api_visibility="private", queue=False)
