"""Comparisons of one template cell across bodies and years: figures with verbatim citations, differences, rankings.

* :mod:`~assistant.compare.cells` — the cells a comparison can be made on (表二/三/四 rows × columns, as data);
* :mod:`~assistant.compare.core` — a figure per report (failed 勾稽 cells excluded), differences, rankings;
* :mod:`~assistant.compare.answer` — the answer sentences with one citation per report, missing data named;
* :mod:`~assistant.compare.source` — the one place that reads reports, facts and texts from the catalogue.

Pure functions: no UI here (the staff tab is :mod:`assistant.ui.compare_tab`).
"""

from assistant.compare.cells import ROWS, Cell, RowChoice, cell, find_row
from assistant.compare.core import (
    Comparison,
    Difference,
    Figure,
    ReportData,
    ReportRef,
    Status,
    compare,
    difference,
    figure_of,
    ranking,
)

__all__ = [
    "ROWS",
    "Cell",
    "Comparison",
    "Difference",
    "Figure",
    "ReportData",
    "ReportRef",
    "RowChoice",
    "Status",
    "cell",
    "compare",
    "difference",
    "figure_of",
    "find_row",
    "ranking",
]
