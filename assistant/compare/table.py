"""A comparison as a table (one row per body × year), its summary lines and its 勾稽 warnings — for the CLI and the staff tab.

Summary lines state only figures of the table or numbers computed from them with the arithmetic
written out: per year with several bodies, the ranking; per body with several years, the
difference between each year and the one before it that has a figure.

>>> from assistant.compare.cells import cell
>>> from assistant.compare.core import Comparison, Figure, Status
>>> c = Comparison(cell("行政复议"), [Figure("甲县", 2021, Status.OK, "件", 3.0), Figure("甲县", 2022, Status.OK, "件", 1.0)])
>>> summary_lines(c)
['甲县 2022年比2021年少2件（3-1=2）']
"""

from __future__ import annotations

import csv
import itertools
from typing import Any, TextIO

from assistant.compare.core import Comparison, Figure, Status, difference, ranking
from index.tables.model import Check, format_value

STATUS_WORDS = {
    Status.OK: "已采用",
    Status.TEXT: "表格中未见，取自报告正文",
    Status.FAILED: "勾稽未通过，未采用",
    Status.ABSENT: "报告表格中未见该数据",
    Status.NOT_INDEXED: "报告未索引",
}
CHECK_WORDS = {Check.PASSED: "通过", Check.UNCHECKED: "无校验关系", Check.FAILED: "未通过"}
HEADERS = ["发布机关", "年度", "数值", "单位", "状态", "勾稽", "引用原文", "文件", "报告ID", "起", "止"]
CSV_COLUMNS = ("issuer", "year", "value", "unit", "status", "checked", "quote", "source", "report_id", "start", "end")


def figure_row(figure: Figure) -> list[Any]:
    """One table row (see :data:`HEADERS`); a figure quoted in several spans shows them joined by ``…``."""
    ref = figure.report
    quote = " … ".join(" ".join(q.split()) for _, _, q in figure.quotes)
    check = CHECK_WORDS.get(figure.check, "") if figure.check else ("未通过" if figure.status == Status.FAILED else "")
    return [
        figure.issuer,
        figure.year if figure.year is not None else "",
        format_value(figure.value) if figure.value is not None else "",
        figure.unit,
        STATUS_WORDS[figure.status],
        check,
        quote,
        ref.source if ref else "",
        ref.report_id if ref else "",
        figure.quotes[0][0] if figure.quotes else "",
        figure.quotes[-1][1] if figure.quotes else "",
    ]


def table_rows(comparison: Comparison) -> list[list[Any]]:
    return [figure_row(f) for f in comparison.figures]


def write_comparison_csv(out: TextIO, comparison: Comparison) -> int:
    """A header (:data:`CSV_COLUMNS`) and one line per body × year; returns the number of lines written."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for f in comparison.figures:
        ref = f.report
        writer.writerow(
            [
                f.issuer,
                f.year if f.year is not None else "",
                format_value(f.value) if f.value is not None else "",
                f.unit,
                f.status,
                (f.check or ("failed" if f.status == Status.FAILED else "")),
                " … ".join(q for _, _, q in f.quotes),
                ref.source if ref else "",
                ref.report_id if ref else "",
                f.quotes[0][0] if f.quotes else "",
                f.quotes[-1][1] if f.quotes else "",
            ]
        )
    return len(comparison.figures)


def summary_lines(comparison: Comparison) -> list[str]:
    """Rankings per year (several bodies) and year-on-year differences per body (several years)."""
    lines: list[str] = []
    for year in comparison.years:
        ranked = ranking(comparison.of_year(year))
        if len(ranked) >= 2:
            order = "，".join(f"{rank}. {f.issuer} {f.shown}" for rank, f in ranked)
            lines.append(f"{year}年排名：{order}")
    for issuer in comparison.issuers:
        found = [f for f in comparison.of_issuer(issuer) if f.ok and f.year is not None]
        for earlier, later in itertools.pairwise(found):
            diff = difference(later, earlier)
            if diff is None:
                continue
            if diff.delta == 0:
                lines.append(f"{issuer} {later.year}年与{earlier.year}年相同（{diff.expression}）")
            else:
                more = "多" if diff.more else "少"
                amount = f"{format_value(abs(diff.delta))}{later.unit}"
                lines.append(f"{issuer} {later.year}年比{earlier.year}年{more}{amount}（{diff.expression}）")
    return lines


def warnings_by_report(comparison: Comparison) -> list[tuple[Figure, tuple[str, ...]]]:
    """Each compared report that has 勾稽 warnings, with them (one entry per report)."""
    seen: set[str] = set()
    out: list[tuple[Figure, tuple[str, ...]]] = []
    for f in comparison.figures:
        if f.report is None or not f.warnings or f.report.report_id in seen:
            continue
        seen.add(f.report.report_id)
        out.append((f, f.warnings))
    return out
