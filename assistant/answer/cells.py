"""The template slot a target names, read from a report's stored facts as one candidate.

A slot (:class:`~assistant.query.targets.CellSpec`) is ``rows`` x ``columns`` with alternatives:
不予公开 is its subtotal row or the sum of its eight reasons, 法人或其他组织 its subtotal column
or the sum of five. The first alternative whose cells are all present (and none rejected by the
arithmetic checks) gives the value; its rows are the quotes.

>>> from index.tables.labels import TABLE_THREE, T3_NEW
>>> from assistant.query.targets import CellSpec
>>> f = Fact(TABLE_THREE, T3_NEW, "总计", 26.0, "件", 0, 20)
>>> slot_candidate("r", CellSpec(TABLE_THREE, ((T3_NEW,),), (("总计",),), "本年新收政府信息公开申请"), [f]).value
'26件'
"""

from __future__ import annotations

from assistant.answer.candidates import Candidate, VType, _index_keys
from assistant.query.targets import CellSpec
from index.tables.labels import TABLE_SECTIONS
from index.tables.model import Fact, format_value


def slot_candidate(report_id: str, spec: CellSpec, facts: list[Fact]) -> Candidate | None:
    """The slot's value in this report's facts, as a candidate quoting its row(s); None when not all there."""
    cells: dict[tuple[str, str], Fact] = {}
    for f in facts:
        if f.table == spec.table:
            cells.setdefault((f.row, f.column), f)
    for rows in spec.rows:
        for columns in spec.columns:
            keys = [(r, c) for r in rows for c in columns]
            if not keys or not all(k in cells for k in keys):
                continue
            used = [cells[k] for k in keys]
            if not all(f.usable for f in used):  # a cell an arithmetic identity rejects never answers
                continue
            total = sum(f.value for f in used)
            spans = list(dict.fromkeys((f.start, f.end) for f in used))
            unit = used[0].unit or spec.unit
            cand = Candidate(
                report_id=report_id,
                vtype=VType.CELL,
                value=f"{format_value(total)}{unit}",
                start=spans[0][0],
                end=spans[0][1],
                head=spec.label,
                context=TABLE_SECTIONS.get(spec.table, str(spec.table)),
                unit=unit,
                number=total,
                role="template",
                orig=spans[0][0],
                fact=used[0],
            )
            cand.spans = spans[1:]
            _index_keys(cand)
            return cand
    return None
