"""Tab 问答: the citizens' chat (streamed, with numbered citations) and the public ``/ask`` API."""

from __future__ import annotations

from typing import Any

import gradio as gr

from assistant.ui import handlers
from assistant.ui.common import CHAT_GROUP, CHAT_LIMIT, shown_errors
from assistant.ui.handlers import ALL, AppContext

EXAMPLES = [
    "常州市机关事务管理局的联系电话是多少？",
    "那传真呢？",
    "2021年常州市机关事务管理局信息公开收费了吗？",
    "2021年常州市机关事务管理局收到多少件政府信息公开申请？",
]

INTRO = (
    "### 政府信息公开年度报告问答\n"
    "就已收录的**政府信息公开工作年度报告**提问：联系电话、传真、地址、是否收费、申请数量、发布日期等。"
    "每个回答都附有编号引用，引用内容是报告原文；报告里没有的内容会明确说明「报告中没有找到」。"
)


def build(ctx: AppContext) -> dict[str, Any]:
    """Lay out the chat tab; returns the components the app refreshes (filters)."""
    issuers, years = handlers.filter_choices(ctx)
    llm_configured = bool(ctx.settings.llm_base_url or ctx.settings.llm_gguf)
    gr.Markdown(INTRO)
    with gr.Row():
        issuer = gr.Dropdown(issuers, value=ALL, label="发布机关（可选）", scale=3, elem_id="issuer-filter")
        year = gr.Dropdown(years, value=ALL, label="年度（可选）", scale=1, elem_id="year-filter")
        use_llm = gr.Checkbox(False, label="用大模型组织语言（结果仍经原文核对）", visible=llm_configured, scale=1)
    chatbot = gr.Chatbot(
        label="对话",
        elem_id="chat",
        height=520,
        sanitize_html=True,
        allow_tags=False,
        latex_delimiters=[],
        render_markdown=True,
        feedback_options=None,
        buttons=["copy", "copy_all"],
        placeholder="请在下方输入问题，例如：常州市机关事务管理局的联系电话是多少？",
    )
    context = gr.State(None)
    with gr.Row():
        question = gr.Textbox(
            placeholder="输入问题，按回车发送",
            show_label=False,
            scale=6,
            elem_id="question",
            max_lines=3,
        )
        send = gr.Button("发送", variant="primary", scale=1, elem_id="send")
        clear = gr.Button("清空对话", scale=1)
    gr.Examples(examples=[[q] for q in EXAMPLES], inputs=[question], label="示例问题（点击填入）")

    @shown_errors
    def respond(
        q: str, history: list[dict[str, Any]], ctx_state: dict[str, Any] | None, iss: str, yr: str, llm: bool
    ) -> Any:
        for messages, new_context in handlers.chat_stream(ctx, q, history, ctx_state, iss, yr, llm):
            yield messages, new_context, ""

    gr.on(
        triggers=[question.submit, send.click],
        fn=respond,
        inputs=[question, chatbot, context, issuer, year, use_llm],
        outputs=[chatbot, context, question],
        concurrency_id=CHAT_GROUP,
        concurrency_limit=CHAT_LIMIT,
        api_visibility="private",
        show_progress="hidden",
    )
    clear.click(lambda: ([], None), outputs=[chatbot, context], api_visibility="private", queue=False)

    @shown_errors
    def ask(question: str, issuer: str | None = None, year: int | None = None) -> dict[str, Any]:
        """Answer a question from the indexed reports: {answer, abstained, citations[]}."""
        return handlers.api_ask(ctx, question, issuer, year)

    gr.api(ask, api_name="ask", concurrency_id=CHAT_GROUP, concurrency_limit=CHAT_LIMIT)
    return {"issuer": issuer, "year": year}
