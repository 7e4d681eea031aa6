"""Tables read from running text: each row label, then the numbers up to the next label — for copies whose cells run together.

Crawled pages flatten a table into one line: ``一、本年新收政府信息公开申请数量230 000023二、上年…``.
This reader works on the search form (folded text), independent of line and ``|`` structure:

* it finds the labels of 表二 (rows, ``信息内容`` headers and their column names, ``第二十条第（X）项``),
  表三 (rows, with each leaf's own numbering ``2.`` kept in its label) and 表四 (its heading and
  header words) with the patterns of :mod:`index.tables.labels`;
* a row's *run* is what follows its label up to the next label: ``|`` rows (one line), one number
  per line, or digits run together where only spaces are certain boundaries;
* a run whose boundaries are lost is cut into the row's column count (:mod:`index.tables.segment`)
  and the readings that satisfy the template's identities are kept: 表三 总计 = 自然人 + the
  five kinds (per row), then 一 + 二 = 三（七） + 四 and 三（七） = the results (per column, to
  settle rows that are still ambiguous); 表四 per-kind 总计 = 维持 + 纠正 + 其他 + 尚未审结.
  A row is read only when exactly one reading is left (or the digits admit only one); otherwise it
  is refused with a warning. 表二 has no identities: its rows are read only when the digits admit
  one reading (one column, or one digit per cell).

Every fact quotes its row (label and numbers) verbatim from the original text.

One module: reading runs of numbers against the template's row identities is one algorithm (tokens,
candidate splits, identity checks, refusal) whose steps share their intermediate state; the digit-
run segmentation it calls is :mod:`index.tables.segment`.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from index.tables.checks import Identity, table_three_identities
from index.tables.labels import (
    T2_COLUMN_UNITS,
    T2_DECIMAL_COLUMNS,
    T2_DEFAULT_COLUMNS,
    T2_RUN_HEADER,
    T2_RUN_ITEM,
    T2_RUN_ROWS,
    T2_SIGNED_COLUMNS,
    T3_COLUMNS,
    T3_COLUMNS_SUBTOTAL_AFTER,
    T3_COLUMNS_WITH_SUBTOTAL,
    T3_RUN_ROWS,
    T3_RUN_START,
    T4_COLUMNS,
    T4_ROWS,
    T4_RUN_HEADER_WORDS,
    T4_RUN_START,
    TABLE_FOUR,
    TABLE_THREE,
    TABLE_TWO,
    TABLES_END,
    UNIT_COUNT,
    TableName,
    t2_header_columns,
)
from index.tables.model import Fact, format_value
from index.tables.segment import segmentations
from index.text.searchform import SearchForm

log = logging.getLogger(__name__)

# What a run may hold: digits, decimal points, thousands commas, signs, blanks and separators.
_RUN_STEP = re.compile(r"[\d.,+\-\s|/—:]|(?<=\d)(?:万元|元|件|项|条|个)")
_UNIT_SUFFIX = re.compile(r"(万元|元|件|项|条|个)$")
_FRAME_LINE = re.compile(r"^[\s|:\-—]*$")
_BLANK = re.compile(r"^(?:-+|/|—+)$")
_NUMBER = re.compile(r"^[-+]?\d[\d,]*(?:\.\d+)?$")
_CJK = re.compile(r"[\u4e00-\u9fff]")
MAX_LABEL_TAIL = 40  # a label's words after its distinctive ones; longer is prose, not a row
MAX_T4_HEADER = 400
MAX_COMBINATIONS = 4096  # ambiguous 表三 rows settled together only when their combinations are this few  # characters of header words between 表四's heading and its numbers
T4_NUMBERS = len(T4_ROWS) * len(T4_COLUMNS)


@dataclass(frozen=True)
class _Anchor:
    kind: str  # "row", "column", "header", "item"
    label: str
    start: int
    end: int  # search-form offsets of the matched words


@dataclass
class _Run:
    """The numbers after one label, as cells (``None`` a blank cell) or as joined tokens."""

    start: int  # search-form span of the run (trimmed)
    end: int
    mode: str  # "pipe", "lines" or "joined"
    cells: list[str | None] = field(default_factory=list)
    unit: str | None = None  # a unit written after the last number ("5394432.52元")

    @property
    def digits(self) -> int:
        return sum(ch.isdigit() for c in self.cells if c for ch in c)

    def shown(self) -> str:
        return " ".join(c if c is not None else "_" for c in self.cells)


Validator = Callable[[Sequence[float | None]], bool]
PieceOk = Callable[[int, str], bool]


def _anchors(folded: str, patterns: Iterable[tuple[str, str, re.Pattern[str]]], start: int, end: int) -> list[_Anchor]:
    """Non-overlapping matches of ``patterns`` in ``folded[start:end]``, in text order (longest first at a tie)."""
    found: list[_Anchor] = []
    for kind, label, pattern in patterns:
        for m in pattern.finditer(folded, start, end):
            if m.end() > m.start():
                found.append(_Anchor(kind, label, m.start(), m.end()))
    found.sort(key=lambda a: (a.start, -(a.end - a.start)))
    out: list[_Anchor] = []
    for a in found:
        if out and a.start < out[-1].end:
            continue
        out.append(a)
    return out


def _label_end(folded: str, anchor: _Anchor, stop: int) -> int | None:
    """Extend a row label over the rest of its words (``部分公开（区分处理的…）``) up to its numbers.

    None when the words go on too long to be a label (prose that happens to name a row).
    """
    i = anchor.end
    stop = min(stop, anchor.end + MAX_LABEL_TAIL + 1)
    while i < stop:
        ch = folded[i]
        if ch.isdigit() or ch == "|" or (ch in "+-" and i + 1 < len(folded) and folded[i + 1].isdigit()):
            break
        if ch == "\n":
            rest = folded[i + 1 : stop].lstrip(" \n")
            if not rest or not (_CJK.match(rest[0]) or rest[0] in "(（"):
                break  # the next line holds numbers (or a blank): the label ends here
        i += 1
    return None if i - anchor.end > MAX_LABEL_TAIL else i


def _run_end(folded: str, start: int, stop: int) -> int:
    i = start
    while i < stop:
        m = _RUN_STEP.match(folded, i)
        if not m:
            break
        i = m.end()
    return i


def _pieces(line: str, first: bool) -> list[str]:
    pieces = [p.strip() for p in line.split("|")]
    if pieces and not pieces[0] and (first or line.lstrip().startswith("|")):
        pieces.pop(0)  # the label's own cell, or the row frame
    if pieces and not pieces[-1]:
        pieces.pop()  # the row frame after the last cell
    return pieces


def _cell(piece: str) -> tuple[bool, str | None]:
    """(valid, value text or None for a blank)."""
    if not piece or _BLANK.match(piece):
        return True, None
    piece = _UNIT_SUFFIX.sub("", piece)
    return (True, piece) if _NUMBER.match(piece) else (False, None)


def read_run(folded: str, start: int, stop: int) -> _Run | None:
    """The run of numbers at ``folded[start:stop]``, or None when there is none."""
    end = _run_end(folded, start, stop)
    raw = folded[start:end]
    if not any(ch.isdigit() for ch in raw):
        return None
    lead = len(raw) - len(raw.lstrip(" \n"))
    body = raw.strip(" \n")
    # trim trailing separators that belong to no number ("… 0 |\n| ")
    trimmed_end = start + lead + len(body)
    unit = None
    if "|" in body:
        lines = raw.rstrip(" \n").split("\n")  # lines[0]: the rest of the label's own line
        first_has_digit = any(ch.isdigit() for ch in lines[0])
        used = lines[:1] if first_has_digit else lines
        if first_has_digit:
            trimmed_end = start + len(lines[0].rstrip())
        cells: list[str | None] = []
        for k, line in enumerate(used):
            if k > 0 and _FRAME_LINE.match(line):
                continue
            pieces = _pieces(line, first=k == 0)
            if k > 0 and sum(1 for p in pieces if p) > 1:
                return None  # a whole row on a line of its own: its label slipped off, which row it is is unknown
            for piece in pieces:
                ok, value = _cell(piece)
                if not ok:
                    return None
                cells.append(value)
        mode = "pipe"
    else:
        # a sign after a digit opens a new cell (an 增减 column): "396-5181" is "396" then "-5181"
        tokens = re.sub(r"(?<=\d)(?=[-+]\d)", " ", body).split()
        mode = "lines" if "\n" in body else "joined"
        m = _UNIT_SUFFIX.search(tokens[-1]) if tokens else None
        if m:
            unit = m.group(1)
            tokens[-1] = tokens[-1][: m.start()]
        cells = []
        for token in tokens:
            ok, value = _cell(token)
            if not ok:
                return None
            cells.append(value)
    return _Run(start + lead, trimmed_end, mode, cells, unit)


def _readings(
    run: _Run, ncols: int, piece_ok: PieceOk, row_ok: Validator | None
) -> tuple[list[tuple[float | None, ...]], int]:
    """(readings of the run as ``ncols`` cells that pass ``row_ok``, count before that filter).

    Cells with separators are read by position (blank cells beyond the column count are row
    frame, dropped from the left first); joined digits are cut every possible way.
    """
    cells = list(run.cells)
    if run.mode != "joined" or len(cells) >= ncols or any(c is None for c in cells):
        while len(cells) > ncols and cells[0] is None:
            cells.pop(0)
        while len(cells) > ncols and cells[-1] is None:
            cells.pop()
        if len(cells) != ncols:
            return [], 0
        if not all(c is None or piece_ok(j, c) for j, c in enumerate(cells)):
            return [], 0
        reading = tuple(None if c is None else float(c.replace(",", "")) for c in cells)
        return [reading], 1
    try:
        raw = segmentations([c for c in cells if c is not None], ncols, piece_ok=piece_ok)
    except ValueError:
        return [], -1
    if len(raw) == 1:
        return [tuple(raw[0])], 1  # the digits admit one reading only: read it (the checks judge it)
    kept = sorted({r for r in raw if row_ok is None or row_ok(r)})
    return [tuple(r) for r in kept], len(raw)


def _integer_ok(_: int, piece: str) -> bool:
    return "." not in piece and piece[0] not in "+-"


def _refusal(table: TableName, row: str, run: _Run, ncols: int, found: int, raw: int, rule: str | None) -> str:
    """Why a run was not read: too long, no reading, no reading that fits ``rule``, or several."""
    shown = run.shown()
    where = f"{table} {row}" if row else str(table)
    if raw < 0:
        return f"{where}: the run “{shown}” has too many readings as {ncols} numbers; not read"
    if found == 0:
        if raw == 0:
            return f"{where}: the run “{shown}” cannot be read as {ncols} numbers; not read"
        return f"{where}: no reading of the run “{shown}” as {ncols} numbers satisfies {rule}; not read"
    if rule is None:
        return (
            f"{where}: the run “{shown}” can be read as {ncols} numbers in {found} ways "
            "(cells run together and no identity decides); not read"
        )
    return f"{where}: the run “{shown}” has {found} readings as {ncols} numbers that satisfy {rule}; not read"


def _span(form: SearchForm, start: int, end: int) -> tuple[int, int]:
    return form.original_span(start, end)


# ---------------------------------------------------------------- 表三


_T3_LAYOUTS: tuple[tuple[tuple[str, ...], str, Validator], ...] = (
    (T3_COLUMNS, "自然人 + 五类法人或其他组织 = 总计", lambda v: _sum_ok(v[:6], v[6])),
    (
        T3_COLUMNS_WITH_SUBTOTAL,
        "法人或其他组织 = 五类之和, 自然人 + 法人或其他组织 = 总计",
        lambda v: _sum_ok(v[2:7], v[1]) and _sum_ok(v[:2], v[7]),
    ),
    (
        T3_COLUMNS_SUBTOTAL_AFTER,
        "法人或其他组织 = 五类之和, 自然人 + 法人或其他组织 = 总计",
        lambda v: _sum_ok(v[1:6], v[6]) and _sum_ok((v[0], v[6]), v[7]),
    ),
)


def _sum_ok(parts: Sequence[float | None], total: float | None) -> bool:
    if total is None or any(p is None for p in parts):
        return True  # a blank cell: the identity cannot be checked here
    return abs(sum(p for p in parts if p is not None) - total) < 1e-6


def _table_three_start(folded: str) -> int | None:
    """表三's header note (勾稽关系), else its first row label."""
    note = re.search(r"勾稽关系", folded)
    first = note or T3_RUN_START.search(folded)
    return first.start() if first else None


def _end_after(folded: str, position: int) -> int:
    end = TABLES_END.search(folded, position)
    return end.start() if end else len(folded)


def _table_four_starts(folded: str, after: int) -> list[int]:
    return [m.start() for m in T4_RUN_START.finditer(folded, after)]


def _row_anchors(folded: str, start: int, stop: int) -> list[tuple[_Anchor, _Run | None]]:
    anchors = _anchors(folded, (("row", label, p) for label, p in T3_RUN_ROWS), start, stop)
    out: list[tuple[_Anchor, _Run | None]] = []
    for k, a in enumerate(anchors):
        nxt = anchors[k + 1].start if k + 1 < len(anchors) else stop
        label_end = _label_end(folded, a, nxt)
        out.append((a, None if label_end is None else read_run(folded, label_end, nxt)))
    return out


def _fits(
    decided: dict[str, tuple[float | None, ...]], trial: dict[str, tuple[float | None, ...]], columns: tuple[str, ...]
) -> bool:
    """Every identity across rows that involves a trial row is complete for each of them, and holds."""
    cells = _cells({**decided, **trial}, columns)
    across = _column_only(table_three_identities(cells))
    for row in trial:
        mine = [i for i in across if any(k[1] == row for k in i.cells())]
        if not mine or not all(i.holds(cells) for i in mine):
            return False
    return True


def _settle(
    candidates: dict[str, list[tuple[float | None, ...]]], columns: tuple[str, ...]
) -> dict[str, tuple[float | None, ...]]:
    """Rows with one reading, then ambiguous rows settled by the identities across rows (一 + 二 = 三（七） + 四, …).

    First one row at a time (the others fixed); then the rows still open together, when their
    combinations are few: a row is settled when every combination that fits gives it the same reading.
    """
    decided = {row: c[0] for row, c in candidates.items() if len(c) == 1}
    open_rows = {row: c for row, c in candidates.items() if len(c) > 1}
    progress = True
    while open_rows and progress:
        progress = False
        for row, options in list(open_rows.items()):
            fitting = [o for o in options if _fits(decided, {row: o}, columns)]
            if len(fitting) == 1:
                decided[row] = fitting[0]
                del open_rows[row]
                progress = True
    combinations = 1
    for options in open_rows.values():
        combinations *= len(options)
    if open_rows and combinations <= MAX_COMBINATIONS:
        names = list(open_rows)
        fitting_combos = [
            combo
            for combo in itertools.product(*(open_rows[n] for n in names))
            if _fits(decided, dict(zip(names, combo)), columns)
        ]
        for k, name in enumerate(names):
            readings = {combo[k] for combo in fitting_combos}
            if len(readings) == 1:
                decided[name] = readings.pop()
    return decided


def _column_only(identities: list[Identity]) -> list[Identity]:
    """Identities across rows (the row's own total was already used to list its readings)."""
    return [i for i in identities if len({k[1] for k in i.cells()}) > 1]


def _cells(rows: dict[str, tuple[float | None, ...]], columns: tuple[str, ...]) -> dict[tuple[str, str, str], float]:
    out: dict[tuple[str, str, str], float] = {}
    for row, values in rows.items():
        for column, value in zip(columns, values):
            if value is not None:
                out[(TABLE_THREE, row, column)] = value
    return out


def read_table_three_runs(text: str, form: SearchForm) -> tuple[list[Fact], list[str]]:
    """表三 from running text (see the module docstring)."""
    folded = form.text
    t3 = _table_three_start(folded)
    if t3 is None:
        return [], []
    t4 = next(iter(_table_four_starts(folded, t3)), None)
    stop = t4 if t4 is not None else _end_after(folded, t3)
    rows = [(a, r) for a, r in _row_anchors(folded, t3, stop) if r is not None]
    if not rows:
        return [], []
    best: tuple[int, tuple[str, ...], str, dict[str, tuple[list[tuple[float | None, ...]], int]]] | None = None
    for columns, rule, row_ok in _T3_LAYOUTS:
        readings = {}
        for a, run in rows:
            if a.label not in readings:
                readings[a.label] = _readings(run, len(columns), _integer_ok, row_ok)
        unique = sum(len(found) == 1 for found, _ in readings.values())
        if best is None or unique > best[0]:
            best = (unique, columns, rule, readings)
    assert best is not None
    _, columns, rule, readings = best
    decided = _settle({row: found for row, (found, _) in readings.items() if found}, columns)
    facts: list[Fact] = []
    warnings: list[str] = []
    seen: set[str] = set()
    spans: list[tuple[int, int]] = []
    for a, run in rows:
        if a.label in seen:
            continue
        seen.add(a.label)
        values = decided.get(a.label)
        if values is None:
            found, raw = readings[a.label]
            if raw != 0 or run.mode != "joined" or run.digits >= len(columns):
                warnings.append(_refusal(TABLE_THREE, a.label, run, len(columns), len(found), raw, rule))
            continue
        spans.append((a.start, run.end))
        start, end_ = _span(form, a.start, run.end)
        for column, value in zip(columns, values):
            if value is not None:
                facts.append(Fact(TABLE_THREE, a.label, column, value, UNIT_COUNT, start, end_))
    unlabelled = _unlabelled_rows(folded, t3, stop, spans)
    if unlabelled:
        warnings.append(
            f"{TABLE_THREE}: {unlabelled} rows of numbers stand without their label "
            "(labels slipped off in conversion); not read"
        )
    return facts, warnings


def _unlabelled_rows(folded: str, start: int, stop: int, used: list[tuple[int, int]]) -> int:
    """Lines of several numbers (and nothing else) in ``folded[start:stop]`` that no row read."""
    count = 0
    pos = start
    for line in folded[start:stop].split("\n"):
        begin, pos = pos, pos + len(line) + 1
        numbers = re.findall(r"\d+", line)
        if len(numbers) > 1 and not _CJK.search(line) and not any(a <= begin < b for a, b in used):
            count += 1
    return count


# ---------------------------------------------------------------- 表四


def _t4_ok(values: Sequence[float | None]) -> bool:
    return all(_sum_ok(values[g * 5 : g * 5 + 4], values[g * 5 + 4]) for g in range(len(T4_ROWS)))


def read_table_four_runs(text: str, form: SearchForm) -> tuple[list[Fact], list[str]]:
    """表四 from running text: the 15 numbers after its heading and header words, in template order."""
    folded = form.text
    warnings: list[str] = []
    for t4 in _table_four_starts(folded, _table_three_start(folded) or 0):
        end = _end_after(folded, t4)
        first_digit = next((i for i in range(t4, min(end, t4 + MAX_T4_HEADER)) if folded[i].isdigit()), None)
        if first_digit is None:
            continue
        header = T4_RUN_HEADER_WORDS.sub("", T4_RUN_START.sub("", folded[t4:first_digit]))
        if _CJK.search(header):
            continue  # prose under the heading, not the table's header
        run = read_run(folded, first_digit, end)
        if run is None:
            continue
        found, raw = _readings(run, T4_NUMBERS, _integer_ok, _t4_ok)
        if len(found) != 1:
            if raw != 0 or run.digits >= T4_NUMBERS:
                rule = "结果维持 + 结果纠正 + 其他结果 + 尚未审结 = 总计"
                warnings.append(_refusal(TABLE_FOUR, "", run, T4_NUMBERS, len(found), raw, rule))
            continue
        start, end_ = _span(form, run.start, run.end)
        facts = []
        for g, row in enumerate(T4_ROWS):
            for c, column in enumerate(T4_COLUMNS):
                value = found[0][g * 5 + c]
                if value is not None:
                    facts.append(Fact(TABLE_FOUR, row, column, value, UNIT_COUNT, start, end_))
        return facts, []
    return [], warnings[:1]


# ---------------------------------------------------------------- 表二


def _t2_piece_ok(columns: tuple[str, ...]) -> PieceOk:
    def ok(j: int, piece: str) -> bool:
        column = columns[j]
        if "." in piece and column not in T2_DECIMAL_COLUMNS:
            return False
        return not (piece[0] in "+-" and column not in T2_SIGNED_COLUMNS)

    return ok


def read_table_two_runs(text: str, form: SearchForm) -> tuple[list[Fact], list[str]]:
    """表二 from running text: headers (``信息内容`` and column names) and rows; one reading per row or none."""
    folded = form.text
    first = T2_RUN_HEADER.search(folded)
    if first is None:
        return [], []
    item = T2_RUN_ITEM.search(folded, max(0, first.start() - 20), first.start())
    begin = item.start() if item else first.start()
    t3 = _table_three_start(folded)
    stop = t3 if t3 is not None and t3 > begin else _end_after(folded, begin)
    patterns: list[tuple[str, str, re.Pattern[str]]] = [("item", "", T2_RUN_ITEM), ("header", "", T2_RUN_HEADER)]
    patterns += [("row", label, p) for label, p in T2_RUN_ROWS]
    anchors = _anchors(folded, patterns, begin, stop)
    facts: list[Fact] = []
    warnings: list[str] = []
    header: list[str] = []
    units: dict[str, str | None] = {}
    seen: set[str] = set()
    for k, a in enumerate(anchors):
        nxt = anchors[k + 1].start if k + 1 < len(anchors) else stop
        if a.kind in ("item", "header"):
            # the column names up to the next anchor, however the header's cells were cut
            found_columns = t2_header_columns(folded[a.end : nxt])
            if found_columns or a.kind == "header":
                header = [c for c, _ in found_columns]
                units = dict(found_columns)
            elif a.kind == "item":
                header, units = [], {}
            continue
        label_end = _label_end(folded, a, nxt)
        run = None if label_end is None else read_run(folded, label_end, nxt)
        if run is None or a.label in seen:
            continue
        columns = tuple(header) if header else T2_DEFAULT_COLUMNS[a.label]
        found, raw = _readings(run, len(columns), _t2_piece_ok(columns), None)
        if len(found) != 1:
            if raw != 0 or run.digits >= len(columns):
                warnings.append(_refusal(TABLE_TWO, a.label, run, len(columns), len(found), raw, None))
            continue
        seen.add(a.label)
        start, end_ = _span(form, a.start, run.end)
        for j, (column, value) in enumerate(zip(columns, found[0])):
            if value is None:
                continue
            unit = (run.unit if j == len(columns) - 1 else None) or units.get(column) or T2_COLUMN_UNITS.get(column)
            facts.append(Fact(TABLE_TWO, a.label, column, value, unit or UNIT_COUNT, start, end_))
    return facts, warnings


def read_runs(text: str, form: SearchForm) -> dict[TableName, tuple[list[Fact], list[str]]]:
    """表二, 表三 and 表四 read from running text, per table."""
    return {
        TABLE_TWO: read_table_two_runs(text, form),
        TABLE_THREE: read_table_three_runs(text, form),
        TABLE_FOUR: read_table_four_runs(text, form),
    }


__all__ = ["format_value", "read_run", "read_runs"]
