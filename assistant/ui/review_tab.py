"""Tab 引用核对: staff log in, see each logged citation inside its report and mark it correct or wrong.

The log holds citizens' questions, so everything here needs a staff (or admin) login. Hiding the
panel is only cosmetics: every handler checks the session token itself (in :mod:`handlers`), and
none of these events is a public API endpoint.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from assistant.ui import handlers
from assistant.ui.auth import STAFF_DISABLED_MESSAGE
from assistant.ui.common import STAFF_EVENTS, shown_errors, staff_login_row
from assistant.ui.handlers import RECENT_HEADERS, WRONG_HEADERS, AppContext

_PLACEHOLDER = "<p>请选择一条回答。</p>"


def build(ctx: AppContext) -> dict[str, Any]:
    """Lay out the review tab; returns what the app refreshes when the tab opens (``fn``, ``inputs``, ``outputs``)."""
    gr.Markdown(
        "### 引用核对\n每个回答都有记录。选择一条回答，查看每条引用在报告原文中的位置（高亮），并标记正确或错误。"
        "问答记录含市民的提问，仅限核对人员（或管理员）登录后查看。"
    )
    if not ctx.staff_auth.enabled:
        gr.Markdown(STAFF_DISABLED_MESSAGE, elem_id="review-disabled")
        return {}
    token = gr.State(None)
    staff = staff_login_row("staff", "核对人员登录", "退出核对")
    status, password = staff.status, staff.password
    with gr.Column(visible=False) as panel:
        with gr.Row():
            entry = gr.Dropdown([], label="选择回答（最近 100 条）", scale=5, elem_id="review-entry")
            refresh = gr.Button("刷新", scale=1)
        shown = gr.HTML(_PLACEHOLDER, elem_id="review-view")
        with gr.Row():
            which = gr.Dropdown([], label="核对对象", scale=1)
            verdict = gr.Radio(["正确", "错误"], label="结论", scale=1)
            comment = gr.Textbox(label="意见（可选）", scale=3)
            save = gr.Button("保存核对结果", variant="primary", scale=1)
        saved = gr.Markdown()
        with gr.Accordion("最近的回答", open=False):
            recent = gr.Dataframe(headers=RECENT_HEADERS, interactive=False, wrap=True)
        with gr.Accordion("被标记为错误的回答", open=True):
            wrong = gr.Dataframe(headers=WRONG_HEADERS, interactive=False, wrap=True)
        with gr.Row():
            export = gr.Button("导出问答记录（CSV）")
            csv_file = gr.File(label="下载", interactive=False)

    def lists(t: str | None) -> tuple[Any, Any, Any]:
        return (
            gr.Dropdown(choices=handlers.recent_choices(ctx, t)),
            handlers.recent_rows(ctx, t),
            handlers.wrong_rows(ctx, t),
        )

    @shown_errors
    def do_login(u: str, p: str) -> tuple[Any, ...]:
        new_token = handlers.staff_login(ctx, u, p)
        return (new_token, f"已登录：{u}", gr.Column(visible=True), "", *lists(new_token))

    def do_logout(t: str | None) -> tuple[Any, ...]:
        ctx.staff_auth.logout(t)
        return (
            None,
            "已退出登录。",
            gr.Column(visible=False),
            gr.Dropdown(choices=[], value=None),
            [],
            [],
            _PLACEHOLDER,
        )

    def on_open(t: str | None) -> tuple[Any, Any, Any]:
        """Opening the tab refreshes the lists for a logged-in user, and shows nothing otherwise."""
        if not ctx.staff_auth.is_valid(t):
            return gr.Dropdown(choices=[], value=None), [], []
        return lists(t)

    @shown_errors
    def do_refresh(t: str | None) -> tuple[Any, Any, Any]:
        return lists(t)

    @shown_errors
    def pick(t: str | None, log_id: Any) -> tuple[str, Any]:
        html, choices = handlers.show_entry(ctx, t, log_id)
        return html, gr.Dropdown(choices=choices, value=choices[0][1] if choices else None)

    @shown_errors
    def store_verdict(t: str | None, log_id: Any, n: Any, v: str, c: str) -> tuple[str, str, Any, str]:
        message = handlers.save_verdict(ctx, t, log_id, n, v, c)
        html, _ = handlers.show_entry(ctx, t, log_id)
        return message, html, handlers.wrong_rows(ctx, t), ""

    @shown_errors
    def do_export(t: str | None) -> str:
        return handlers.export_log(ctx, t)

    login_outputs = [token, status, panel, password, entry, recent, wrong]
    staff.on_login(do_login, login_outputs)
    staff.logout.click(
        do_logout, inputs=[token], outputs=[token, status, panel, entry, recent, wrong, shown], **STAFF_EVENTS
    )
    refresh.click(do_refresh, inputs=[token], outputs=[entry, recent, wrong], **STAFF_EVENTS)
    entry.change(pick, inputs=[token, entry], outputs=[shown, which], **STAFF_EVENTS)
    save.click(
        store_verdict,
        inputs=[token, entry, which, verdict, comment],
        outputs=[saved, shown, wrong, comment],
        **STAFF_EVENTS,
    )
    export.click(do_export, inputs=[token], outputs=[csv_file], **STAFF_EVENTS)
    return {"refresh": on_open, "inputs": [token], "outputs": [entry, recent, wrong]}
