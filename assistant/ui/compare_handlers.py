"""Plain functions behind the 数据对比 tab (no Gradio here, so they are tested without it).

Staff pick a table row (and column) and a set of bodies and years; they get a table with one row
per body × year (the figure, its 勾稽 state and its verbatim row), a chart, the rankings and
differences, the 勾稽 warnings per report, and CSV exports. Every function checks the staff
session itself (the same server-side tokens as 引用核对), so none depends on what the page hides.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from assistant.compare.answer import section_of
from assistant.compare.cells import ROW_BY_KEY, ROWS, cell
from assistant.compare.core import Comparison, Figure
from assistant.compare.source import compare_catalogue
from assistant.compare.table import HEADERS, STATUS_WORDS, summary_lines, table_rows, warnings_by_report
from assistant.compare.table import write_comparison_csv as _write_comparison
from assistant.ui.handlers import AppContext
from assistant.ui.render import esc, render_in_context
from index.errors import DisclosureError
from index.tables.export import ReportFacts, write_facts_csv
from index.tables.store import load_facts

#: Columns of the chart data: x (年度 or 发布机关), y (数值), series (发布机关 or 年度).
PLOT_YEAR, PLOT_VALUE, PLOT_BODY = "年度", "数值", "发布机关"
LINE, BAR = "line", "bar"
NO_RESULT = "<p>请选择表格行和单位、年度后点击「对比」。</p>"


@dataclass
class CompareView:
    """What the tab shows for one comparison."""

    comparison: Comparison
    summary: str  # Markdown (escaped report text)
    rows: list[list[Any]]  # one per body × year (HEADERS)
    plot: pd.DataFrame
    chart: str  # LINE (several years) or BAR (one year)
    warnings: str  # HTML: 勾稽 warnings per report
    notes: list[str] = field(default_factory=list)


def row_choices() -> list[str]:
    """Every row staff can pick (``表三 一、本年新收政府信息公开申请数量`` …)."""
    return [r.key for r in ROWS]


def column_choices(row_key: str | None) -> list[str]:
    """The columns of a row (the first is its default: the total)."""
    choice = ROW_BY_KEY.get(row_key or "")
    return list(choice.columns) if choice else []


def scope_choices(ctx: AppContext, token: str | None) -> tuple[list[str], list[str]]:
    """Bodies and years of the indexed reports (for the pickers)."""
    ctx.staff_auth.require(token)
    reports = ctx.store.snapshot().reports
    issuers = sorted({r.issuer for r in reports if r.issuer})
    years = sorted({str(r.year) for r in reports if r.year}, reverse=True)
    return issuers, years


def _years(values: Any) -> list[int]:
    out: list[int] = []
    for v in values or []:
        try:
            out.append(int(v))
        except (TypeError, ValueError):
            raise DisclosureError(f"年度 {v!r} 不是年份") from None
    return sorted(set(out))


def _plot(comparison: Comparison) -> tuple[pd.DataFrame, str]:
    found = [f for f in comparison.found if f.year is not None]
    years = {f.year for f in found}
    frame = pd.DataFrame(
        {
            PLOT_YEAR: [str(f.year) for f in found],
            PLOT_VALUE: [float(f.value or 0.0) for f in found],
            PLOT_BODY: [f.issuer for f in found],
        }
    )
    return frame, LINE if len(years) > 1 else BAR


def _summary(comparison: Comparison) -> str:
    c = comparison.cell
    lines = [f"**{esc(c.table)} {esc(c.label)}**（单位：{esc(c.unit)}）"]
    found, missing = comparison.found, comparison.missing
    lines.append(f"\n有数据 {len(found)} 项，缺少 {len(missing)} 项。\n")
    lines += [f"- {esc(line)}" for line in summary_lines(comparison)]
    for status, words in STATUS_WORDS.items():
        names = [f"{f.issuer} {f.when}" for f in missing if f.status == status]
        if names:
            lines.append(f"- {esc(words)}：{esc('、'.join(names))}")
    return "\n".join(lines)


def _warnings(comparison: Comparison) -> str:
    blocks = warnings_by_report(comparison)
    if not blocks:
        return "<p>所选报告的表格勾稽关系均无异常（或无可校验的数据）。</p>"
    parts = ["<p><strong>勾稽警告</strong>（这些等式不成立，相关单元格不作为数据使用）：</p><ul>"]
    for figure, warnings in blocks:
        source = figure.report.source if figure.report else ""
        items = "".join(f"<li>{esc(w)}</li>" for w in warnings)
        parts.append(f"<li>{esc(figure.issuer)} {esc(figure.when)}（{esc(source)}）<ul>{items}</ul></li>")
    parts.append("</ul>")
    return "".join(parts)


def run_comparison(
    ctx: AppContext,
    token: str | None,
    row_key: str | None,
    column: str | None,
    issuers: list[str] | None,
    years: list[Any] | None,
) -> CompareView:
    """Compare the chosen cell over the chosen bodies (none = all) and years (none = all)."""
    ctx.staff_auth.require(token)
    if not row_key:
        raise DisclosureError("请先选择表格行。")
    if row_key not in ROW_BY_KEY:
        raise DisclosureError(f"没有这个表格行：{row_key}")
    if not issuers and not years:
        raise DisclosureError("请至少选择一个发布机关或一个年度。")
    try:
        target = cell(ROW_BY_KEY[row_key], column or None)
        reports = ctx.store.snapshot().reports
        comparison = compare_catalogue(ctx.store.catalogue, target, list(issuers or []), _years(years), reports)
    except ValueError as exc:
        raise DisclosureError(f"无法对比：{exc}") from None
    plot, chart = _plot(comparison)
    return CompareView(comparison, _summary(comparison), table_rows(comparison), plot, chart, _warnings(comparison))


def _citation(figure: Figure, k: int, figure_table: str) -> dict[str, Any]:
    ref = figure.report
    assert ref is not None
    start, end, quote = figure.quotes[k]
    return {
        "n": k + 1,
        "report_id": ref.report_id,
        "source": ref.source,
        "issuer": ref.issuer,
        "year": ref.year,
        "section": section_of(ref, start, figure_table),
        "start": start,
        "end": end,
        "quote": quote,
    }


def show_figure(ctx: AppContext, token: str | None, comparison: Comparison | None, index: Any) -> str:
    """The cited row of one figure inside its report (the quote highlighted), or why there is none."""
    ctx.staff_auth.require(token)
    if comparison is None:
        return NO_RESULT
    try:
        figure = comparison.figures[int(index)]
    except (TypeError, ValueError, IndexError):
        raise DisclosureError(f"没有第 {index} 行") from None
    head = f"<p><strong>{esc(figure.issuer)} {esc(figure.when)}</strong>：{esc(STATUS_WORDS[figure.status])}"
    if figure.value is not None:
        head += f"，{esc(comparison.cell.label)} {esc(figure.shown)}"
    head += "</p>"
    if figure.report is None or not figure.quotes:
        notes = "".join(f"<li>{esc(w)}</li>" for w in figure.warnings)
        return head + (f"<ul>{notes}</ul>" if notes else "")
    try:
        text: str | None = ctx.store.catalogue.report_text(figure.report.report_id)
    except KeyError:
        text = None
    return head + "".join(
        render_in_context(text, _citation(figure, k, comparison.cell.table)) for k in range(len(figure.quotes))
    )


def _folder(folder: Path | None, prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix, dir=folder))


def export_comparison(
    ctx: AppContext, token: str | None, comparison: Comparison | None, folder: Path | None = None
) -> str:
    """The comparison as CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese); returns the path."""
    ctx.staff_auth.require(token)
    if comparison is None:
        raise DisclosureError("请先进行一次对比。")
    path = _folder(folder, "compare-") / f"compare_{time.strftime('%Y%m%d-%H%M%S')}.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        _write_comparison(fh, comparison)
    return str(path)


def export_all_facts(ctx: AppContext, token: str | None, folder: Path | None = None) -> str:
    """Every report's facts as one CSV table (as ``disclosure facts --all --csv``); returns the path."""
    ctx.staff_auth.require(token)
    catalogue = ctx.store.catalogue
    path = _folder(folder, "facts-") / f"facts_{time.strftime('%Y%m%d-%H%M%S')}.csv"
    reports = (
        ReportFacts(r.id, r.issuer, r.year, r.source, load_facts(catalogue.conn, r.id))
        for r in ctx.store.snapshot().reports
    )
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        write_facts_csv(fh, reports)
    return str(path)


__all__ = [
    "BAR",
    "HEADERS",
    "LINE",
    "NO_RESULT",
    "CompareView",
    "column_choices",
    "export_all_facts",
    "export_comparison",
    "row_choices",
    "run_comparison",
    "scope_choices",
    "show_figure",
]
