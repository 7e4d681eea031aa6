"""Dates as reports write them, and their two normal forms: ISO ``YYYY-MM-DD`` and folded ``Y-M-D``.

Reports write ``2022年1月10日``, ``2022-01-10``, ``2022.1.10`` or ``2022/1/10``. The catalogue
stores ISO dates (:func:`iso_date`, :func:`to_iso`); scoring and grounding compare folded
text in which every date reads ``Y-M-D`` (:func:`fold_dates`).

>>> to_iso("2022年1月10日")
'2022-01-10'
>>> fold_dates("2022年1月10日发布，2022.01.10")
'2022-1-10发布，2022-1-10'
>>> fold_dates("2022年1月，1月10日", partial=True)
'2022-1，1-10'
"""

from __future__ import annotations

import re

YEAR = r"(?:19|20)\d{2}"
#: ``2022年1月10日`` (spaces allowed between the parts), groups year, month, day.
CN_DATE = re.compile(rf"({YEAR})\s*年\s*(\d{{1,2}})\s*月\s*(\d{{1,2}})\s*日")
#: A whole date as written in folded text (no groups), for building larger patterns.
DATE_TEXT = r"(?:\d{4}年\d{1,2}月\d{1,2}日|\d{4}-\d{1,2}-\d{1,2}|\d{4}\.\d{1,2}\.\d{1,2}|\d{4}/\d{1,2}/\d{1,2})"

# Folding: a full date (年月日/号, or one separator of - / . used twice), then year-month and month-day.
_FULL = re.compile(
    rf"(?<![\d.])({YEAR})(?:\s*年\s*(\d{{1,2}})\s*月\s*(\d{{1,2}})\s*[日号]|([-/.])(\d{{1,2}})\4(\d{{1,2}})(?![\d.]))"
)
_YEAR_MONTH = re.compile(rf"(?<!\d)({YEAR})年(\d{{1,2}})月(?!\d)")
_MONTH_DAY = re.compile(r"(?<![\d-])(\d{1,2})月(\d{1,2})[日号]")
_PARTS = re.compile(r"(\d{4})\D+(\d{1,2})\D+(\d{1,2})")


def iso_date(year: str | int, month: str | int, day: str | int) -> str | None:
    """``YYYY-MM-DD``, or None when month or day is out of range."""
    y, m, d = int(year), int(month), int(day)
    if not (1 <= m <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{m:02d}-{d:02d}"


def to_iso(date_text: str) -> str | None:
    """The ISO form of the date ``date_text`` starts with (any of the written shapes), else None."""
    m = _PARTS.match(date_text)
    return iso_date(*m.groups()) if m else None


def fold_dates(text: str, *, partial: bool = False) -> str:
    """Dates to ``Y-M-D`` (no zero padding); with ``partial`` also ``2022年1月`` -> ``2022-1``, ``1月10日`` -> ``1-10``."""

    def full(m: re.Match[str]) -> str:
        y = int(m.group(1))
        mo, d = (int(m.group(2)), int(m.group(3))) if m.group(2) else (int(m.group(5)), int(m.group(6)))
        if not (1 <= mo <= 12 and 1 <= d <= 31):
            return m.group(0)
        return f"{y}-{mo}-{d}"

    text = _FULL.sub(full, text)
    if partial:
        text = _YEAR_MONTH.sub(lambda m: f"{int(m.group(1))}-{int(m.group(2))}", text)
        text = _MONTH_DAY.sub(lambda m: f"{int(m.group(1))}-{int(m.group(2))}", text)
    return text
