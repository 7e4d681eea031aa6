"""Facts of many reports as one CSV table (``disclosure facts --all --csv``, the staff comparison tab)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TextIO

from index.tables.model import Fact, format_value

#: Column names of the CSV, in order. ``checked``: passed / failed / unchecked (see ``Check``);
#: ``start``/``end`` index the report's extracted text (the row the value was read from).
CSV_COLUMNS = (
    "issuer",
    "year",
    "table",
    "row",
    "column",
    "value",
    "unit",
    "report_id",
    "checked",
    "source",
    "start",
    "end",
)


@dataclass(frozen=True)
class ReportFacts:
    """One report's facts with what names the report."""

    report_id: str
    issuer: str | None
    year: int | None
    source: str
    facts: list[Fact]


def write_facts_csv(out: TextIO, reports: Iterable[ReportFacts]) -> int:
    """Write a header and one line per fact of every report; returns the number of facts written."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for report in reports:
        for f in report.facts:
            writer.writerow(
                [
                    report.issuer or "",
                    report.year if report.year is not None else "",
                    f.table,
                    f.row,
                    f.column,
                    format_value(f.value),
                    f.unit,
                    report.report_id,
                    f.check,
                    report.source,
                    f.start,
                    f.end,
                ]
            )
            count += 1
    return count
