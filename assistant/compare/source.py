"""Reading what a comparison needs from the catalogue: the reports of some bodies and years, their facts and texts.

This is the one place the comparison reads the catalogue (ready reports, stored facts with their
checks, extracted texts). Bodies are matched by their name as indexed; a body × year that was
asked for and has no report becomes a ``not_indexed`` figure of the comparison.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from assistant.compare.answer import answer_comparison
from assistant.compare.cells import Cell
from assistant.compare.core import Comparison, ReportData, ReportRef, Stated, compare
from assistant.compare.intent import ComparisonRequest
from assistant.types import Answer
from index.storage.catalogue import Catalogue, ReportRecord
from index.tables.store import load_facts

log = logging.getLogger(__name__)


def ref_of(record: ReportRecord) -> ReportRef:
    return ReportRef(record.id, record.source, record.issuer, record.year, tuple(record.sections or ()))


def report_data(
    catalogue: Catalogue, records: Iterable[ReportRecord], text_of: Callable[[str], str] | None = None
) -> list[ReportData]:
    """Each report's stored facts (with their checks) and text (``text_of(id)``, e.g. the assistant's cache of
    texts; the catalogue otherwise); a report that cannot be read is logged and skipped."""
    out: list[ReportData] = []
    read_text = text_of or catalogue.report_text
    for record in records:
        try:
            facts = load_facts(catalogue.conn, record.id)
            text = read_text(record.id)
        except KeyError:
            log.warning("report %s left the catalogue while comparing", record.id)
            continue
        out.append(ReportData(ref_of(record), facts, text))
    return out


@dataclass(frozen=True)
class Selection:
    """The reports chosen for a comparison and the body × year pairs that were asked for."""

    records: list[ReportRecord]
    wanted: list[tuple[str, int | None]]


def select(records: Sequence[ReportRecord], issuers: Sequence[str] = (), years: Sequence[int] = ()) -> Selection:
    """Reports of ``issuers`` (names as indexed; none = every body) in ``years`` (none = every year).

    With both given, every body × year pair is wanted, so a missing report is named. Raises
    ValueError for a body no indexed report carries.
    """
    known = {r.issuer for r in records if r.issuer}
    unknown = [i for i in issuers if i not in known]
    if unknown:
        raise ValueError(f"no indexed report of {'、'.join(unknown)}")
    chosen = [
        r
        for r in records
        if (not issuers or r.issuer in issuers) and (not years or (r.year is not None and r.year in years))
    ]
    wanted: list[tuple[str, int | None]] = [(i, y) for i in issuers for y in years]
    return Selection(chosen, wanted)


def match_issuers(records: Sequence[ReportRecord], names: Sequence[str]) -> list[str]:
    """Indexed bodies for names as staff type them: the exact name, else every body whose name contains it.

    Raises ValueError naming the text no indexed body matches.
    """
    known = sorted({r.issuer for r in records if r.issuer})
    out: list[str] = []
    for name in names:
        wanted = name.strip()
        if not wanted:
            continue
        hits = [wanted] if wanted in known else [k for k in known if wanted in k]
        if not hits:
            raise ValueError(f"no indexed body matches {wanted!r} (see `disclosure reports`)")
        out.extend(h for h in hits if h not in out)
    return out


def parse_years(values: Sequence[str | int]) -> list[int]:
    """``["2021", "2023-2025"]`` -> ``[2021, 2023, 2024, 2025]``; ValueError for anything else."""
    years: set[int] = set()
    for value in values:
        text = str(value).strip()
        if not text:
            continue
        first, _, last = text.partition("-")
        try:
            a, b = int(first), int(last or first)
        except ValueError:
            raise ValueError(f"year {text!r} is not a year or a range like 2021-2023") from None
        if not (1990 <= a <= b <= 2100):
            raise ValueError(f"year {text!r} is outside 1990-2100 or its range is reversed")
        years.update(range(a, b + 1))
    return sorted(years)


def compare_catalogue(
    catalogue: Catalogue,
    cell: Cell,
    issuers: Sequence[str] = (),
    years: Sequence[int] = (),
    reports: Sequence[ReportRecord] | None = None,
) -> Comparison:
    """The cell for the chosen bodies and years (see :func:`select`), read from ``catalogue``; ``reports``
    are the visible reports when the caller has them (a snapshot's), else the catalogue's ready ones."""
    selection = select(catalogue.reports() if reports is None else reports, issuers, years)
    return compare(cell, report_data(catalogue, selection.records), selection.wanted)


def answer_request(
    question: str,
    request: ComparisonRequest,
    catalogue: Catalogue,
    by_id: Mapping[str, ReportRecord] | None = None,
    text_of: Callable[[str], str] | None = None,
    stated: Callable[[ReportRef], Stated | None] | None = None,
) -> Answer:
    """Read the request's reports and answer it (:func:`assistant.compare.answer.answer_comparison`).

    ``by_id``: the visible reports by id (a snapshot's; the catalogue's are read when not given);
    ``text_of``: where report texts come from (see :func:`report_data`); ``stated``: the figure a report
    whose tables lack the cell states in its text (see :func:`assistant.compare.core.compare`)."""
    if by_id is None:
        by_id = {r.id: r for r in catalogue.reports()}
    records = [by_id[i] for i in request.report_ids if i in by_id]
    comparison = compare(request.cell, report_data(catalogue, records, text_of), request.wanted, stated)
    return answer_comparison(question, request, comparison)
