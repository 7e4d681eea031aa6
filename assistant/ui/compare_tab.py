"""Tab 数据对比: staff compare one table cell across bodies and years — table, chart, cited rows, 勾稽 warnings, CSV.

Same login design as 引用核对: a staff (or admin) account, a server-side session token kept in
this tab's ``gr.State``; every handler (in :mod:`compare_handlers`) checks it, none is an API
endpoint. Selecting a row of the table shows that figure's cited row inside its report.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from assistant.ui import compare_handlers as ch
from assistant.ui import handlers
from assistant.ui.auth import STAFF_DISABLED_MESSAGE
from assistant.ui.common import STAFF_EVENTS, shown_errors, staff_login_row
from assistant.ui.handlers import AppContext


def _plots(view: ch.CompareView | None) -> tuple[Any, Any]:
    """(line plot, bar plot) updates: the line over years when several years have figures, else bars by body."""
    if view is None or view.plot.empty:
        return gr.LinePlot(value=None, visible=False), gr.BarPlot(value=None, visible=False)
    title = f"{view.comparison.cell.table} {view.comparison.cell.label}（{view.comparison.cell.unit}）"
    if view.chart == ch.LINE:
        return gr.LinePlot(value=view.plot, title=title, visible=True), gr.BarPlot(value=None, visible=False)
    return gr.LinePlot(value=None, visible=False), gr.BarPlot(value=view.plot, title=title, visible=True)


def build(ctx: AppContext) -> dict[str, Any]:
    """Lay out the tab; returns what the app refreshes when the tab opens (``refresh``, ``inputs``, ``outputs``)."""
    gr.Markdown(
        "### 数据对比\n选择表二/表三/表四中的一行（及列）和若干发布机关、年度，比较各报告的数值。"
        "每个数值都附报告原文中的那一行；勾稽关系不成立的单元格不采用，并列出警告。仅限核对人员（或管理员）登录后使用。"
    )
    if not ctx.staff_auth.enabled:
        gr.Markdown(STAFF_DISABLED_MESSAGE, elem_id="compare-disabled")
        return {}
    token = gr.State(None)
    result = gr.State(None)
    staff = staff_login_row("compare", "登录数据对比", "退出数据对比")
    status, password = staff.status, staff.password
    with gr.Column(visible=False, elem_id="compare-panel") as panel:
        rows = ch.row_choices()
        with gr.Row():
            row = gr.Dropdown(rows, value=rows[0], label="表格行", scale=3, elem_id="compare-row")
            column = gr.Dropdown(ch.column_choices(rows[0]), value=ch.column_choices(rows[0])[0], label="列", scale=1)
        with gr.Row():
            issuers = gr.Dropdown(
                [], multiselect=True, label="发布机关（可多选；不选＝全部）", scale=3, elem_id="compare-issuers"
            )
            years = gr.Dropdown(
                [], multiselect=True, label="年度（可多选；不选＝全部）", scale=2, elem_id="compare-years"
            )
            run = gr.Button("对比", variant="primary", scale=1, elem_id="compare-run")
        summary = gr.Markdown(elem_id="compare-summary")
        table = gr.Dataframe(
            headers=ch.HEADERS,
            interactive=False,
            wrap=True,
            elem_id="compare-table",
            label="各报告数值（点击一行查看原文）",
        )
        line = gr.LinePlot(x=ch.PLOT_YEAR, y=ch.PLOT_VALUE, color=ch.PLOT_BODY, visible=False, elem_id="compare-line")
        bar = gr.BarPlot(x=ch.PLOT_BODY, y=ch.PLOT_VALUE, color=ch.PLOT_YEAR, visible=False, elem_id="compare-bar")
        cited = gr.HTML(ch.NO_RESULT, elem_id="compare-cited")
        warnings = gr.HTML(elem_id="compare-warnings")
        with gr.Row():
            export = gr.Button("导出本次对比（CSV）")
            export_all = gr.Button("导出全部报告的表格数据（CSV）")
            csv_file = gr.File(label="下载", interactive=False)

    def scopes(t: str | None) -> tuple[Any, Any]:
        bodies, found_years = ch.scope_choices(ctx, t)
        return gr.Dropdown(choices=bodies), gr.Dropdown(choices=found_years)

    @shown_errors
    def compare_login(u: str, p: str) -> tuple[Any, ...]:
        new_token = handlers.staff_login(ctx, u, p)
        return (new_token, f"已登录：{u}", gr.Column(visible=True), "", *scopes(new_token))

    def compare_logout(t: str | None) -> tuple[Any, ...]:
        ctx.staff_auth.logout(t)
        return (None, None, "已退出登录。", gr.Column(visible=False), [], "", ch.NO_RESULT, "", *_plots(None))

    def compare_open(t: str | None) -> tuple[Any, Any]:
        if not ctx.staff_auth.is_valid(t):
            return gr.Dropdown(choices=[]), gr.Dropdown(choices=[])
        return scopes(t)

    def compare_columns(key: str | None) -> Any:
        columns = ch.column_choices(key)
        return gr.Dropdown(choices=columns, value=columns[0] if columns else None)

    @shown_errors
    def compare_run(t: str | None, key: str, col: str, bodies: list[str], chosen: list[str]) -> tuple[Any, ...]:
        view = ch.run_comparison(ctx, t, key, col, bodies, chosen)
        return (view.comparison, view.summary, view.rows, *_plots(view), view.warnings, ch.NO_RESULT)

    @shown_errors
    def compare_select(t: str | None, comparison: Any, evt: gr.SelectData) -> str:
        index = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        return ch.show_figure(ctx, t, comparison, index)

    @shown_errors
    def compare_export(t: str | None, comparison: Any) -> str:
        return ch.export_comparison(ctx, t, comparison)

    @shown_errors
    def compare_export_all(t: str | None) -> str:
        return ch.export_all_facts(ctx, t)

    login_outputs = [token, status, panel, password, issuers, years]
    staff.on_login(compare_login, login_outputs)
    staff.logout.click(
        compare_logout,
        inputs=[token],
        outputs=[token, result, status, panel, table, summary, cited, warnings, line, bar],
        **STAFF_EVENTS,
    )
    row.change(compare_columns, inputs=[row], outputs=[column], api_visibility="private", queue=False)
    run.click(
        compare_run,
        inputs=[token, row, column, issuers, years],
        outputs=[result, summary, table, line, bar, warnings, cited],
        **STAFF_EVENTS,
    )
    table.select(compare_select, inputs=[token, result], outputs=[cited], **STAFF_EVENTS)
    export.click(compare_export, inputs=[token, result], outputs=[csv_file], **STAFF_EVENTS)
    export_all.click(compare_export_all, inputs=[token], outputs=[csv_file], **STAFF_EVENTS)
    return {"refresh": compare_open, "inputs": [token], "outputs": [issuers, years]}
