"""The Gradio Blocks app: four tabs over one AppContext, and :func:`launch` used by ``disclosure serve``.

Queue groups: chat and ``/ask`` (several at a time), citation review, admin jobs (one at a time);
a long re-index therefore never blocks a citizen's question.
"""

from __future__ import annotations

import logging
from typing import Any

import gradio as gr

from assistant.ui import admin_tab, chat_tab, compare_tab, handlers, review_tab
from assistant.ui.handlers import AppContext
from index.config import Settings

log = logging.getLogger(__name__)

TITLE = "政府信息公开年报问答"

CSS = """
#chat mark, #review-view mark, #compare-cited mark { background: #ffe58f; color: inherit; padding: 0 2px; }
#chat blockquote.da-cite { margin: 6px 0; padding: 4px 10px; border-left: 3px solid #91caff; }
#review-view .da-context pre, #compare-cited .da-context pre { font-family: inherit; font-size: 0.95em; line-height: 1.6;
  background: var(--block-background-fill); padding: 8px; border-radius: 6px; }
"""


def build_app(ctx: AppContext) -> gr.Blocks:
    """The four tabs; filters and the review list are refreshed on page load and after admin changes."""
    demo = gr.Blocks(title=TITLE)
    with demo:
        with gr.Tabs():
            with gr.Tab("问答", id="chat"):
                chat = chat_tab.build(ctx)
            with gr.Tab("引用核对", id="review") as review_tab_block:
                review = review_tab.build(ctx)
            with gr.Tab("数据对比", id="compare") as compare_tab_block:
                comparing = compare_tab.build(ctx)
            with gr.Tab("报告管理", id="admin"):
                filters = [chat["issuer"], chat["year"]]

                def refresh_filters() -> tuple[Any, Any]:
                    issuers, years = handlers.filter_choices(ctx)
                    return gr.Dropdown(choices=issuers), gr.Dropdown(choices=years)

                admin_tab.build(ctx, on_change=(refresh_filters, filters))
        demo.load(refresh_filters, outputs=filters, api_visibility="private", queue=False)
        if comparing:
            compare_tab_block.select(
                comparing["refresh"],
                inputs=comparing["inputs"],
                outputs=comparing["outputs"],
                api_visibility="private",
                queue=False,
            )
        if review:
            review_tab_block.select(
                review["refresh"],
                inputs=review["inputs"],
                outputs=review["outputs"],
                api_visibility="private",
                queue=False,
            )
    return demo


def launch_kwargs(settings: Settings) -> dict[str, Any]:
    """Arguments for ``Blocks.launch`` (Gradio 6: css/title go to launch, no SSR, upload limit)."""
    return {
        "server_name": settings.host,
        "server_port": settings.port,
        "max_file_size": f"{settings.max_file_mb:g}mb",
        "css": CSS,
        "ssr_mode": False,
        "show_error": False,
    }


def create(settings: Settings) -> tuple[AppContext, gr.Blocks]:
    """Open the data directory (indexing the samples on first start), warm up, build the app."""
    ctx = AppContext.open(settings)
    seeded = ctx.ensure_index()
    if seeded:
        log.info("indexed sample reports: %s", ", ".join(f"{r.source}={r.status}" for r in seeded))
    ctx.assistant.warm_up()
    demo = build_app(ctx)
    demo.queue(default_concurrency_limit=1)
    return ctx, demo


def launch(settings: Settings, **overrides: Any) -> gr.Blocks:
    """Start the web app (blocks until stopped unless ``prevent_thread_lock=True`` is passed)."""
    _, demo = create(settings)
    if not settings.admin_user or not settings.admin_password:
        log.warning("admin functions are off: set DISCLOSURE_ADMIN_USER and DISCLOSURE_ADMIN_PASSWORD")
    if not (settings.staff_user and settings.staff_password) and not (settings.admin_user and settings.admin_password):
        log.warning("citation review is off: set DISCLOSURE_STAFF_USER and DISCLOSURE_STAFF_PASSWORD")
    log.info("serving %s on http://%s:%d", settings.data_dir, settings.host, settings.port)
    demo.launch(**(launch_kwargs(settings) | overrides))
    return demo
