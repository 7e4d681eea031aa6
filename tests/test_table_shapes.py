"""表二/表三/表四 reached in every shape real copies carry, written by the tests (tests/factories.py) and read through the loaders.

Shapes: a PDF with ruled tables (pdfplumber rows), ``|`` rows, a saved web page (HTML tables with
merged cells), one cell per line, a crawler's page text with every cell run together, a PDF
converted to Markdown whose row labels slip off, and headings with no tables — in the 2021 and the
2019 format. Each reads every cell that can be known, marks cells by the arithmetic identities,
and refuses (with a warning) what it cannot know.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.answer.candidates import report_candidates
from assistant.answer.extract import rank_targets
from assistant.query import analyse
from index.load import load_file
from index.tables import (
    FACTS_SCHEMA,
    Check,
    Fact,
    TableReading,
    install_facts_schema,
    load_facts,
    read_tables,
    save_facts,
)
from index.tables.labels import (
    T2_CHANGE,
    T2_DECISIONS,
    T2_FEE_AMOUNT,
    T2_FEES,
    T2_IN_FORCE,
    T2_ISSUED,
    T2_LAST_YEAR_ITEMS,
    T2_LICENSING,
    T2_NEW_MADE,
    T2_NORMATIVE,
    T2_PENALTY,
    T2_PROCUREMENT,
    T2_PROCUREMENT_AMOUNT,
    T2_RULES,
    T2_TOTAL_PUBLISHED,
    T3_COLUMN_TOTAL,
    T3_COLUMNS,
    T3_DISCLOSED,
    T3_NATURAL,
    T3_NEW,
    T3_PARTLY,
    T3_ROWS_2019,
    T3_ROWS_2021,
    T3_TOTAL,
    T4_COLUMNS,
    T4_REVIEW,
    T4_ROWS,
    T4_TOTAL,
    TABLE_FOUR,
    TABLE_THREE,
    TABLE_TWO,
)
from index.tables.model import format_value
from index.text.searchform import build_search_form
from tests.factories import (
    T2_2021,
    ReportTables,
    T3Row,
    crawled_report,
    headings_only_report,
    html_report,
    lines_report,
    markdown_report,
    pipe_report,
    sample_tables,
    write_pdf_report,
    write_report,
)

ISSUER = "示例市示例区人民政府"
YEAR = 2023
MAX_BYTES = 20 * 1024 * 1024

Key = tuple[str, str, str]


def _write(shape: str, folder: Path, tables: ReportTables) -> Path:
    """The report in ``shape`` as a file the loaders read."""
    writers: dict[str, tuple[str, Callable[[str, int, ReportTables], str]]] = {
        "pipe": ("txt", pipe_report),
        "lines": ("txt", lines_report),
        "crawled": ("txt", crawled_report),
        "html": ("html", html_report),
    }
    if shape == "pdf":
        return write_pdf_report(folder / "report.pdf", ISSUER, YEAR, tables)
    suffix, writer = writers[shape]
    return write_report(folder, f"report.{suffix}", writer(ISSUER, YEAR, tables))


def _read(path: Path) -> tuple[str, TableReading]:
    text = load_file(path, max_bytes=MAX_BYTES).text
    return text, read_tables(text, build_search_form(text))


def _cells(facts: list[Fact]) -> dict[Key, Fact]:
    return {(f.table, f.row, f.column): f for f in facts}


def _expected(tables: ReportTables, template: int) -> dict[Key, float]:
    """表三 and 表四 cells by canonical labels (the factory prints the rows in template order)."""
    rows = T3_ROWS_2021 if template == 2021 else T3_ROWS_2019
    assert len(rows) == len(tables.t3)
    out: dict[Key, float] = {}
    for label, row in zip(rows, tables.t3):
        out.update({(TABLE_THREE, label, c): v for c, v in zip(T3_COLUMNS, row.values)})
    for g, label in enumerate(T4_ROWS):
        out.update({(TABLE_FOUR, label, c): tables.t4[g * 5 + k] for k, c in enumerate(T4_COLUMNS)})
    return out


def _assert_quotes(text: str, facts: list[Fact]) -> None:
    """Every fact quotes, verbatim, a span of the text that shows its number."""
    for f in facts:
        quote = text[f.start : f.end]
        assert quote and quote == quote.strip(), f
        assert format_value(abs(f.value)) in re.sub(r"[\s,|]", "", quote), (f, quote)


T2_2021_EXPECTED = {
    (T2_RULES, T2_ISSUED): 0,
    (T2_NORMATIVE, T2_ISSUED): 6,
    (T2_NORMATIVE, T2_IN_FORCE): 665,
    (T2_LICENSING, T2_DECISIONS): 2293,
    (T2_PENALTY, T2_DECISIONS): 1282,
    (T2_FEES, T2_FEE_AMOUNT): 5949.08,
}
T2_2019_EXPECTED = {
    (T2_NORMATIVE, T2_NEW_MADE): 8,
    (T2_NORMATIVE, T2_TOTAL_PUBLISHED): 89,
    (T2_LICENSING, T2_LAST_YEAR_ITEMS): 396,
    (T2_LICENSING, T2_CHANGE): -5,
    (T2_LICENSING, T2_DECISIONS): 181,
    (T2_FEES, T2_CHANGE): -1,
    (T2_PROCUREMENT, T2_PROCUREMENT_AMOUNT): 7539.44,
}


@pytest.mark.parametrize("template", [2021, 2019])
@pytest.mark.parametrize("shape", ["pdf", "pipe", "html", "lines"])
def test_every_cell_read_and_checked(tmp_path: Path, shape: str, template: int) -> None:
    tables = sample_tables(template)
    text, reading = _read(_write(shape, tmp_path, tables))
    assert reading.warnings == []
    cells = _cells(reading.facts)
    for key, value in _expected(tables, template).items():
        assert key in cells and cells[key].value == value, key
        assert cells[key].check == Check.PASSED, key
    t2 = T2_2021_EXPECTED if template == 2021 else T2_2019_EXPECTED
    for (row, column), value in t2.items():
        assert cells[(TABLE_TWO, row, column)].value == value, (row, column)
        assert cells[(TABLE_TWO, row, column)].check == Check.UNCHECKED  # 表二 has no identities
    units = {(f.row, f.column): f.unit for f in reading.facts if f.table == TABLE_TWO}
    if template == 2021:
        assert units[(T2_FEES, T2_FEE_AMOUNT)] == "万元" and units[(T2_PENALTY, T2_DECISIONS)] == "件"
    else:
        assert units[(T2_LICENSING, T2_LAST_YEAR_ITEMS)] == "项" and units[(T2_LICENSING, T2_CHANGE)] == "项"
    _assert_quotes(text, reading.facts)


@pytest.mark.parametrize("shape", ["pdf", "pipe", "html", "lines", "crawled"])
def test_planted_error_marks_the_cells_it_touches(tmp_path: Path, shape: str) -> None:
    tables = sample_tables()
    partly = next(r for r in tables.t3 if r.label.startswith("（二）部分公开"))
    planted = tables.replace_t3(partly.label, (*partly.values[:6], partly.values[6] + 1))  # 总计 off by one
    _, reading = _read(_write(shape, tmp_path, planted))
    cells = _cells(reading.facts)
    row = [cells[(TABLE_THREE, T3_PARTLY, c)] for c in T3_COLUMNS]
    assert [f.value for f in row] == [*partly.values[:6], partly.values[6] + 1]
    assert all(f.check == Check.FAILED and not f.usable for f in row)  # never an answer
    assert any(w.startswith(f"{TABLE_THREE} {T3_PARTLY}:") and "≠ 总计" in w for w in reading.warnings)
    if shape == "crawled":
        # no consistent table is left, so the runs that only the identities across rows could cut
        # ("2700 20130": 27+0+0+2+0+1 or 2+7+0+0+20+1 = 30) are refused rather than guessed
        assert (TABLE_THREE, T3_DISCLOSED, T3_NATURAL) not in cells
        assert any(
            w.startswith(f"{TABLE_THREE} {T3_DISCLOSED}: the run “2700 20130” has 2 readings") for w in reading.warnings
        )
    else:
        # 三（七）总计 in the 总计 column no longer adds up either: that identity's cells are rejected too
        assert cells[(TABLE_THREE, T3_TOTAL, T3_COLUMN_TOTAL)].check == Check.FAILED
        assert any(w.startswith(f"{TABLE_THREE} {T3_TOTAL} 总计:") for w in reading.warnings)
    # cells in no failing identity stay usable
    assert cells[(TABLE_THREE, T3_NEW, T3_NATURAL)].check == Check.PASSED
    assert cells[(TABLE_FOUR, T4_REVIEW, T4_TOTAL)].check == Check.PASSED


def test_planted_error_cell_is_never_an_answer(tmp_path: Path) -> None:
    tables = sample_tables()
    planted = ReportTables(tables.t2, tables.t3, (1, 0, 2, 0, 4, *tables.t4[5:]))  # 行政复议 1+0+2+0 ≠ 4
    text, reading = _read(_write("pipe", tmp_path, planted))
    assert any(w.startswith(f"{TABLE_FOUR} {T4_REVIEW}:") and "≠ 总计 4" in w for w in reading.warnings)
    targets = analyse(f"{ISSUER}{YEAR}年行政复议多少件？", []).targets

    def best(text: str, facts: list[Fact]):  # type: ignore[no-untyped-def]
        values = report_candidates("r1", text, build_search_form(text), [], facts)
        return rank_targets(targets, values, facts)[0]

    bad = best(text, reading.facts)
    assert bad is None or all(c.fact is None or c.fact.usable for c in (bad.best.cand, *bad.extra))
    good_text, good = _read(_write("pipe", tmp_path / "good", tables))
    answer = best(good_text, good.facts)
    assert answer is not None and answer.best.template and answer.best.cand.value == "3件"


def test_crawled_text_cut_into_cells_by_the_identities(tmp_path: Path) -> None:
    tables = sample_tables()
    text, reading = _read(_write("crawled", tmp_path, tables))
    body = text.split("\n")[-2]
    assert (
        "一、本年新收政府信息公开申请数量690020 475二、上年结转政府信息公开申请数量2000 002三、" in body
    )  # the shape: cells run together
    cells = _cells(reading.facts)
    for key, value in _expected(tables, 2021).items():
        assert cells[key].value == value and cells[key].check == Check.PASSED, key
    # 表二 has no identity to cut "6" "9" "665" apart: that row is refused, the others are read
    assert (TABLE_TWO, T2_NORMATIVE, T2_ISSUED) not in cells
    assert reading.warnings == [
        f"{TABLE_TWO} {T2_NORMATIVE}: the run “69665” can be read as 3 numbers in 6 ways "
        "(cells run together and no identity decides); not read"
    ]
    for (row, column), value in T2_2021_EXPECTED.items():
        if row != T2_NORMATIVE:
            assert cells[(TABLE_TWO, row, column)].value == value
    new = cells[(TABLE_THREE, T3_NEW, T3_NATURAL)]
    assert text[new.start : new.end] == "一、本年新收政府信息公开申请数量690020 475"
    _assert_quotes(text, reading.facts)


def test_crawled_2019_format_reads_what_the_digits_decide(tmp_path: Path) -> None:
    tables = sample_tables(2019)
    _, reading = _read(_write("crawled", tmp_path, tables))
    cells = _cells(reading.facts)
    for key, value in _expected(tables, 2019).items():
        assert cells[key].value == value, key
    assert cells[(TABLE_TWO, T2_FEES, T2_CHANGE)].value == -1  # "3-1": a sign opens the 增减 cell
    assert (TABLE_TWO, T2_LICENSING, T2_CHANGE) not in cells  # "396-5181": three readings, refused
    assert any(w.startswith(f"{TABLE_TWO} {T2_LICENSING}: the run “396 -5181”") for w in reading.warnings)


def _truncated(rows: tuple[T3Row, ...], t4: tuple[int, ...] = ()) -> ReportTables:
    return ReportTables(T2_2021[:1], rows, t4)


def test_crawled_ambiguous_run_is_refused(tmp_path: Path) -> None:
    # Only rows 一 and 二 survived the crawl: no identity across rows can decide "220000 022"
    # (22 自然人 + 0 = 22, or 2 自然人 + 20 商业企业 = 22), so it is not read.
    rows = (
        T3Row("", "一、本年新收政府信息公开申请数量", (22, 0, 0, 0, 0, 0, 22)),
        T3Row("", "二、上年结转政府信息公开申请数量", (3, 0, 0, 0, 0, 0, 3)),
    )
    _, reading = _read(write_report(tmp_path, "cut.txt", crawled_report(ISSUER, YEAR, _truncated(rows))))
    cells = _cells(reading.facts)
    assert not any(k[1] == T3_NEW for k in cells)
    assert cells[(TABLE_THREE, "二、上年结转政府信息公开申请数量", T3_NATURAL)].value == 3  # 7 digits: one reading
    assert f"{TABLE_THREE} {T3_NEW}: the run “220000 022” has 2 readings as 7 numbers" in "\n".join(reading.warnings)


def test_crawled_run_with_no_consistent_reading_is_refused(tmp_path: Path) -> None:
    rows = (
        T3Row("", "一、本年新收政府信息公开申请数量", (12, 0, 0, 0, 0, 0, 13)),  # 12 ≠ 13, and 9 digits
        T3Row("", "二、上年结转政府信息公开申请数量", (5, 0, 0, 0, 0, 0, 6)),  # 7 digits: read, then rejected
    )
    bad_t4 = (1, 0, 2, 0, 4, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0)
    _, reading = _read(write_report(tmp_path, "bad.txt", crawled_report(ISSUER, YEAR, _truncated(rows, bad_t4))))
    cells = _cells(reading.facts)
    assert not any(k[1] == T3_NEW for k in cells)
    assert "satisfies 自然人 + 五类法人或其他组织 = 总计; not read" in "\n".join(reading.warnings)
    carried = [f for f in reading.facts if f.row == "二、上年结转政府信息公开申请数量"]
    assert len(carried) == 7 and all(f.check == Check.FAILED for f in carried)
    assert not any(f.table == TABLE_FOUR for f in reading.facts)  # 17 digits, no reading adds up
    assert any(w.startswith(f"{TABLE_FOUR}: no reading of the run") for w in reading.warnings)


@pytest.mark.parametrize("template", [2021, 2019])
def test_markdown_rows_whose_label_slipped_off_are_skipped(tmp_path: Path, template: int) -> None:
    tables = sample_tables(template)
    slipped = frozenset({3, 9, 10})  # 部分公开, 6.属于四类过程性信息, 7.属于行政执法案卷
    path = write_report(tmp_path, "converted.md", markdown_report(ISSUER, YEAR, tables, slipped=slipped))
    text, reading = _read(path)
    rows = T3_ROWS_2021 if template == 2021 else T3_ROWS_2019
    cells = _cells(reading.facts)
    expected = _expected(tables, template)
    for k, label in enumerate(rows):
        for column in T3_COLUMNS:
            key = (TABLE_THREE, label, column)
            if k in slipped:
                assert key not in cells, key  # which row those numbers belong to is not known
            else:
                assert cells[key].value == expected[key] and cells[key].check == Check.PASSED, key
    assert [f.value for f in reading.facts if f.table == TABLE_FOUR] == list(tables.t4)
    assert any("21" in w and "label" in w for w in reading.warnings), reading.warnings
    _assert_quotes(text, reading.facts)


def test_headings_without_tables_give_no_facts_and_no_warnings(tmp_path: Path) -> None:
    _, reading = _read(write_report(tmp_path, "bare.txt", headings_only_report(ISSUER, YEAR)))
    assert reading.facts == [] and reading.warnings == []


def test_checks_survive_the_catalogue(tmp_path: Path) -> None:
    tables = sample_tables()
    planted = ReportTables(tables.t2, tables.t3, (1, 0, 2, 0, 4, *tables.t4[5:]))
    _, reading = _read(_write("pipe", tmp_path, planted))
    conn = sqlite3.connect(":memory:")
    conn.executescript(FACTS_SCHEMA)
    save_facts(conn, "r1", reading.facts)
    loaded = load_facts(conn, "r1")
    assert [(f.row, f.column, f.value, f.check) for f in loaded] == [
        (f.row, f.column, f.value, f.check) for f in reading.facts
    ]
    assert {f.check for f in loaded if f.row == T4_REVIEW} == {Check.FAILED}


def test_a_catalogue_from_before_the_checks_gets_them(tmp_path: Path) -> None:
    tables = sample_tables()
    planted = ReportTables(tables.t2, tables.t3, (1, 0, 2, 0, 4, *tables.t4[5:]))
    _, reading = _read(_write("pipe", tmp_path, planted))
    conn = sqlite3.connect(":memory:")
    old_schema = FACTS_SCHEMA.replace(",\n    checked TEXT", "")
    assert "checked" not in old_schema
    conn.executescript(old_schema)
    conn.executemany(
        'INSERT INTO facts(report_id, tbl, row, col, value, unit, start, "end") VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        [("old", f.table, f.row, f.column, f.value, f.unit, f.start, f.end) for f in reading.facts],
    )
    install_facts_schema(conn)
    install_facts_schema(conn)  # idempotent
    loaded = load_facts(conn, "old")
    assert [f.check for f in loaded] == [f.check for f in reading.facts]
    assert {f.check for f in loaded if f.row == T4_REVIEW} == {Check.FAILED}
