"""Tab 引用核对: staff see each logged citation inside its report and mark it correct or wrong."""

from __future__ import annotations

from typing import Any

import gradio as gr

from assistant.ui import handlers
from assistant.ui.common import REVIEW_GROUP, shown_errors
from assistant.ui.handlers import RECENT_HEADERS, WRONG_HEADERS, AppContext

_PRIVATE: dict[str, Any] = {"api_visibility": "private", "concurrency_id": REVIEW_GROUP, "concurrency_limit": 2}


def build(ctx: AppContext) -> dict[str, Any]:
    """Lay out the review tab; returns the components refreshed when the tab opens."""
    gr.Markdown(
        "### 引用核对\n每个回答都有记录。选择一条回答，查看每条引用在报告原文中的位置（高亮），并标记正确或错误。"
    )
    with gr.Row():
        entry = gr.Dropdown([], label="选择回答（最近 100 条）", scale=5, elem_id="review-entry")
        refresh = gr.Button("刷新", scale=1)
    shown = gr.HTML("<p>请选择一条回答。</p>", elem_id="review-view")
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

    def refresh_all() -> tuple[Any, Any, Any]:
        return (gr.Dropdown(choices=handlers.recent_choices(ctx)), handlers.recent_rows(ctx), handlers.wrong_rows(ctx))

    def pick(log_id: Any) -> tuple[str, Any]:
        html, choices = handlers.show_entry(ctx, log_id)
        return html, gr.Dropdown(choices=choices, value=choices[0][1] if choices else None)

    @shown_errors
    def store_verdict(log_id: Any, n: Any, v: str, c: str) -> tuple[str, str, Any, str]:
        message = handlers.save_verdict(ctx, log_id, n, v, c)
        html, _ = handlers.show_entry(ctx, log_id)
        return message, html, handlers.wrong_rows(ctx), ""

    refresh.click(refresh_all, outputs=[entry, recent, wrong], **_PRIVATE)
    entry.change(pick, inputs=[entry], outputs=[shown, which], **_PRIVATE)
    save.click(
        store_verdict, inputs=[entry, which, verdict, comment], outputs=[saved, shown, wrong, comment], **_PRIVATE
    )
    export.click(lambda: handlers.export_log(ctx), outputs=[csv_file], **_PRIVATE)
    return {"refresh": refresh_all, "outputs": [entry, recent, wrong]}
