"""Template tables read into facts (every shape: loader rows, cell fragments, flattened runs, HTML, DOCX) and answers from them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import docx
import pytest

from index.load import load_file
from index.tables import (
    FACTS_SCHEMA,
    Fact,
    check_table_arithmetic,
    facts_to_json,
    load_facts,
    read_fee_facts,
    read_tables,
    render_facts,
    save_facts,
)
from index.tables.labels import (
    T2_DECISIONS,
    T2_ENFORCEMENT,
    T2_FEE_AMOUNT,
    T2_FEES,
    T2_IN_FORCE,
    T2_ISSUED,
    T2_LICENSING,
    T2_NEW_MADE,
    T2_NEW_PUBLISHED,
    T2_NORMATIVE,
    T2_PENALTY,
    T2_REPEALED,
    T2_RULES,
    T2_TOTAL_PUBLISHED,
    T3_CARRIED_IN,
    T3_CARRIED_OUT,
    T3_COLUMNS,
    T3_DISCLOSED,
    T3_NEW,
    T3_OTHER,
    T3_PARTLY,
    T3_ROWS_2019,
    T3_ROWS_2021,
    T3_TOTAL,
    T3_WITHHELD,
    T3_WITHHELD_LEAVES,
    T4_COLUMNS,
    T4_REVIEW,
    T4_ROWS,
    T4_SUIT_AFTER_REVIEW,
    T4_SUIT_DIRECT,
    TABLE_FOUR,
    TABLE_THREE,
    TABLE_TWO,
)
from index.text.searchform import build_search_form

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"
MAX_BYTES = 50 * 1024 * 1024

# ---------------------------------------------------------------- expected values of huaian-2024.pdf

HUAIAN_T2 = {
    (T2_RULES, T2_ISSUED): 1,
    (T2_RULES, T2_REPEALED): 0,
    (T2_RULES, T2_IN_FORCE): 11,
    (T2_NORMATIVE, T2_ISSUED): 8,
    (T2_NORMATIVE, T2_REPEALED): 26,
    (T2_NORMATIVE, T2_IN_FORCE): 66,
    (T2_LICENSING, T2_DECISIONS): 447228,
    (T2_PENALTY, T2_DECISIONS): 3985758,
    (T2_ENFORCEMENT, T2_DECISIONS): 88283,
    (T2_FEES, T2_FEE_AMOUNT): 96171.6,
}
HUAIAN_T3_ROWS = [
    [3001, 53, 0, 0, 61, 4, 3119],
    [34, 0, 0, 0, 0, 0, 34],
    [1288, 21, 0, 0, 50, 3, 1362],
    [447, 7, 0, 0, 0, 0, 454],
    [2, 0, 0, 0, 0, 0, 2],
    [30, 1, 0, 0, 0, 0, 31],
    [5, 0, 0, 0, 0, 0, 5],
    [6, 0, 0, 0, 0, 0, 6],
    [7, 1, 0, 0, 0, 0, 8],
    [12, 0, 0, 0, 0, 0, 12],
    [9, 0, 0, 0, 0, 0, 9],
    [105, 0, 0, 0, 0, 0, 105],
    [746, 12, 0, 0, 10, 1, 769],
    [11, 0, 0, 0, 0, 0, 11],
    [1, 0, 0, 0, 0, 0, 1],
    [56, 6, 0, 0, 0, 0, 62],
    [25, 0, 0, 0, 0, 0, 25],
    [0, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 0, 0],
    [1, 0, 0, 0, 0, 0, 1],
    [67, 3, 0, 0, 1, 0, 71],
    [6, 0, 0, 0, 0, 0, 6],
    [108, 2, 0, 0, 0, 0, 110],
    [2932, 53, 0, 0, 61, 4, 3050],
    [103, 0, 0, 0, 0, 0, 103],
]
# 表四 as laid out in the PDF (word x-positions): 未经复议直接起诉 13/4/8/1/26, 复议后起诉 12/1/1/6/20.
HUAIAN_T4 = {
    T4_REVIEW: [72, 64, 178, 37, 351],
    T4_SUIT_DIRECT: [13, 4, 8, 1, 26],
    T4_SUIT_AFTER_REVIEW: [12, 1, 1, 6, 20],
}


def _cells(facts: list[Fact]) -> dict[tuple[str, str, str], float]:
    return {(f.table, f.row, f.column): f.value for f in facts}


def _row(facts: list[Fact], table: str, row: str, columns: tuple[str, ...]) -> list[float | None]:
    cells = _cells(facts)
    return [cells.get((table, row, c)) for c in columns]


def _read(text: str):
    return read_tables(text, build_search_form(text))


def _assert_quotes(text: str, facts: list[Fact]) -> None:
    for f in facts:
        quote = text[f.start : f.end]
        assert quote.strip() == quote and quote, f
        digits = quote.replace(",", "")
        assert str(int(f.value)) in digits if f.value == int(f.value) else str(f.value) in digits, (f, quote)


def _assert_huaian(text: str) -> list[str]:
    reading = _read(text)
    cells = _cells(reading.facts)
    for (row, column), value in HUAIAN_T2.items():
        assert cells[(TABLE_TWO, row, column)] == value, (row, column)
    assert [f.unit for f in reading.facts if f.row == T2_FEES] == ["万元"]
    for label, values in zip(T3_ROWS_2021, HUAIAN_T3_ROWS):
        assert _row(reading.facts, TABLE_THREE, label, T3_COLUMNS) == values, label
    assert len([f for f in reading.facts if f.table == TABLE_THREE]) == 25 * 7
    for row, values in HUAIAN_T4.items():
        assert _row(reading.facts, TABLE_FOUR, row, T4_COLUMNS) == values, row
    _assert_quotes(text, reading.facts)
    assert not check_table_arithmetic(reading.facts)
    return reading.warnings


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")
def test_huaian_pdf_through_the_loader_reads_exactly() -> None:
    text = load_file(CORPUS / "huaian-2024.pdf", max_bytes=MAX_BYTES).text
    assert _assert_huaian(text) == []
    facts = _read(text).facts
    quote = {f.row: text[f.start : f.end] for f in facts}
    assert quote[T2_FEES] == "行政事业性收费 | 96171.6"
    assert quote[T3_NEW].startswith("一、本年新收政府信息公开申请数量 | 3001")


@pytest.mark.skipif(not (SHARED / "eval" / "huaian-2024.pdftotext.txt").is_file(), reason="shared eval not present")
def test_huaian_pdftotext_flattened_copy_reads_the_same() -> None:
    text = (SHARED / "eval" / "huaian-2024.pdftotext.txt").read_text(encoding="utf-8")
    warnings = _assert_huaian(text)
    assert len(warnings) == 1 and "表四" in warnings[0]  # the displaced 表四 run is flagged for review
    facts = _read(text).facts
    fee = next(f for f in facts if f.row == T2_FEES)
    assert text[fee.start : fee.end] == "行政事业性收费\n\n96171.6"
    first = next(f for f in facts if f.row == T3_NEW)
    assert text[first.start : first.end].startswith("一、本年新收政府信息公开申请数量\n\n3001")


# ---------------------------------------------------------------- synthetic tables in every shape


def _t3_values(rows: tuple[str, ...], seed: int = 0) -> dict[str, list[int]]:
    """Consistent 表三 values for ``rows``: leaves made up, 总计 / 三（七） / 四 derived."""
    out: dict[str, list[int]] = {}
    leaf_rows = [r for r in rows if r not in (T3_NEW, T3_CARRIED_IN, T3_TOTAL, T3_CARRIED_OUT)]
    for k, row in enumerate(leaf_rows):
        kinds = [(k * 7 + seed + j * 3) % 11 if j in (0, 1, 4) else 0 for j in range(6)]
        out[row] = [*kinds, sum(kinds)]
    total = [sum(out[r][j] for r in leaf_rows) for j in range(7)]
    carried_out = [3, 1, 0, 0, 0, 0, 4]
    carried_in = [2, 0, 0, 0, 1, 0, 3]
    new = [total[j] + carried_out[j] - carried_in[j] for j in range(7)]
    out[T3_NEW], out[T3_CARRIED_IN], out[T3_TOTAL], out[T3_CARRIED_OUT] = new, carried_in, total, carried_out
    return out


T3_SHORT_LABELS = {
    T3_NEW: "一、本年新收政府信息公开申请数量",
    T3_CARRIED_IN: "二、上年结转政府信息公开申请数量",
    T3_DISCLOSED: "（一）予以公开",
    T3_PARTLY: "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    T3_TOTAL: "（七）总计",
    T3_CARRIED_OUT: "四、结转下年度继续办理",
    T3_OTHER: "（六）其他处理",
    T3_WITHHELD: "（三）不予公开",
}


def _t3_label(row: str) -> str:
    return T3_SHORT_LABELS.get(row) or row[4:]  # "三（三）1.属于国家秘密" -> "1.属于国家秘密"


T2_LINES = [
    "第二十条第（一）项",
    "信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数",
    "规章 | 2 | 1 | 30",
    "行政规范性文件 | 15 | 4 | 120",
    "第二十条第（五）项",
    "信息内容 | 本年处理决定数量",
    "行政许可 | 5,230",
    "第二十条第（六）项",
    "信息内容 | 本年处理决定数量",
    "行政处罚 | 812",
    "行政强制 | 9",
    "第二十条第（八）项",
    "信息内容 | 本年收费金额（单位：万元）",
    "行政事业性收费 | 12.35",
]
T4_VALUES = [5, 2, 1, 1, 9, 3, 0, 1, 0, 4, 2, 1, 0, 1, 4]


def _pipe_report(t3: dict[str, list[int]], rows: tuple[str, ...]) -> str:
    lines = [
        "XX市XX局2022年政府信息公开工作年度报告",
        "二、主动公开政府信息情况",
        *T2_LINES,
        "三、收到和处理政府信息公开申请情况",
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） | 申请人情况",
        "自然人 | 法人或其他组织 | 总计",
        "商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他",
    ]
    lines += [" | ".join([_t3_label(r), *map(str, t3[r])]) for r in rows]
    lines += [
        "四、政府信息公开行政复议、行政诉讼情况",
        "行政复议 | 行政诉讼",
        " | ".join(map(str, T4_VALUES)),
        "五、存在的主要问题及改进情况",
        "工作还有不足。",
    ]
    return "\n".join(lines) + "\n"


def _assert_synthetic(facts: list[Fact], t3: dict[str, list[int]], rows: tuple[str, ...]) -> None:
    cells = _cells(facts)
    assert cells[(TABLE_TWO, T2_NORMATIVE, T2_ISSUED)] == 15
    assert cells[(TABLE_TWO, T2_LICENSING, T2_DECISIONS)] == 5230
    assert cells[(TABLE_TWO, T2_FEES, T2_FEE_AMOUNT)] == 12.35
    for r in rows:
        assert _row(facts, TABLE_THREE, r, T3_COLUMNS) == t3[r], r
    for k, r in enumerate(T4_ROWS):
        assert _row(facts, TABLE_FOUR, r, T4_COLUMNS) == T4_VALUES[k * 5 : k * 5 + 5]


def test_pipe_rows_land_in_their_cells() -> None:
    t3 = _t3_values(T3_ROWS_2021)
    text = _pipe_report(t3, T3_ROWS_2021)
    reading = _read(text)
    assert reading.warnings == []
    _assert_synthetic(reading.facts, t3, T3_ROWS_2021)
    _assert_quotes(text, reading.facts)
    quote = {f.row: text[f.start : f.end] for f in reading.facts}
    assert quote[T2_RULES] == "规章 | 2 | 1 | 30"
    assert quote[T3_TOTAL] == " | ".join(["（七）总计", *map(str, t3[T3_TOTAL])])


def test_planted_arithmetic_errors_are_reported() -> None:
    t3 = _t3_values(T3_ROWS_2021)
    t3[T3_PARTLY] = [*t3[T3_PARTLY][:6], t3[T3_PARTLY][6] + 1]  # row total off by one
    text = _pipe_report(t3, T3_ROWS_2021).replace(
        " | ".join(map(str, T4_VALUES)), "5 | 2 | 1 | 1 | 10 | 3 | 0 | 1 | 0 | 4 | 2 | 1 | 0 | 1 | 4"
    )
    warnings = _read(text).warnings
    assert any("表三" in w and "部分公开" in w and "总计" in w for w in warnings), warnings
    assert any("表三" in w and "三（七）总计" in w for w in warnings), warnings
    assert any(w.startswith("表四 行政复议") and "10" in w for w in warnings), warnings
    assert check_table_arithmetic([]) == []


def test_subtotal_rows_and_2019_rows_are_tolerated() -> None:
    rows = tuple(r for r in T3_ROWS_2019)
    with_subtotal = list(rows)
    with_subtotal.insert(with_subtotal.index(T3_WITHHELD_LEAVES[0]), T3_WITHHELD)
    t3 = _t3_values(rows)
    t3[T3_WITHHELD] = [sum(t3[r][j] for r in T3_WITHHELD_LEAVES) for j in range(7)]
    text = _pipe_report(t3, tuple(with_subtotal))
    reading = _read(text)
    assert reading.warnings == []
    assert _row(reading.facts, TABLE_THREE, T3_OTHER, T3_COLUMNS) == t3[T3_OTHER]
    assert _row(reading.facts, TABLE_THREE, T3_WITHHELD, T3_COLUMNS) == t3[T3_WITHHELD]


def test_cell_fragments_one_per_line() -> None:
    t3 = _t3_values(T3_ROWS_2021, seed=3)
    text = _pipe_report(t3, T3_ROWS_2021)
    fragments = "\n".join(
        "|\n" + "\n".join(f"{cell.strip()} |" for cell in line.split(" | ")) if " | " in line else line
        for line in text.split("\n")
    )
    reading = _read(fragments)
    _assert_synthetic(reading.facts, t3, T3_ROWS_2021)
    _assert_quotes(fragments, reading.facts)
    quote = {f.row: fragments[f.start : f.end] for f in reading.facts}
    assert quote[T2_NORMATIVE] == "行政规范性文件 |\n15 |\n4 |\n120 |"


def test_flattened_number_run_with_displaced_labels() -> None:
    t3 = _t3_values(T3_ROWS_2021, seed=5)
    lines = ["三、收到和处理政府信息公开申请情况", "申请人情况", "自然人", "法人或其他组织", "总计"]
    for k, r in enumerate(T3_ROWS_2021):
        if k % 3 == 0:
            lines.append(_t3_label(r))  # some labels in place, the others drift below
        lines += [str(v) for v in t3[r]]
    lines += [_t3_label(r) for k, r in enumerate(T3_ROWS_2021) if k % 3]
    lines += [
        "四、政府信息公开行政复议、行政诉讼情况",
        "行政复议",
        *map(str, T4_VALUES),
        "五、存在的主要问题及改进情况",
    ]
    text = "\n\n".join(lines) + "\n"
    reading = _read(text)
    for r in T3_ROWS_2021:
        assert _row(reading.facts, TABLE_THREE, r, T3_COLUMNS) == t3[r], r
    assert not check_table_arithmetic(reading.facts)
    _assert_quotes(text, reading.facts)


def _html_table(rows: list[list[str]]) -> str:
    return (
        "<table border='1'>"
        + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
        + "</table>"
    )


def test_html_tables_through_the_loader(tmp_path: Path) -> None:
    t3 = _t3_values(T3_ROWS_2021, seed=7)
    t2 = [line.split(" | ") for line in T2_LINES]
    t3_rows = [
        ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"],
        ["自然人", "法人或其他组织", "总计"],
        ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"],
    ]
    t3_rows += [[_t3_label(r), *map(str, t3[r])] for r in T3_ROWS_2021]
    t4_rows = [
        ["行政复议", "行政诉讼"],
        ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"],
        list(map(str, T4_VALUES)),
    ]
    body = (
        "<h1>XX区人民政府2022年政府信息公开工作年度报告</h1><p>一、总体情况</p><p>"
        + "本区深入推进政务公开。" * 20
        + "</p>"
        "<p>二、主动公开政府信息情况</p>"
        + _html_table(t2)
        + "<p>三、收到和处理政府信息公开申请情况</p>"
        + _html_table(t3_rows)
        + "<p>四、政府信息公开行政复议、行政诉讼情况</p>"
        + _html_table(t4_rows)
        + "<p>五、存在的主要问题及改进情况</p><p>"
        + "仍需改进。" * 20
        + "</p>"
    )
    path = tmp_path / "report.html"
    path.write_text(
        f"<html><head><meta charset='utf-8'><title>年报</title></head><body><article>{body}</article></body></html>",
        encoding="utf-8",
    )
    text = load_file(path, max_bytes=MAX_BYTES).text
    reading = _read(text)
    assert reading.warnings == []
    _assert_synthetic(reading.facts, t3, T3_ROWS_2021)
    _assert_quotes(text, reading.facts)


def test_docx_2019_format_through_the_loader(tmp_path: Path) -> None:
    rows = T3_ROWS_2019
    t3 = _t3_values(rows, seed=2)
    doc = docx.Document()
    doc.add_paragraph("二、主动公开政府信息情况")
    t2_rows = [
        ["第二十条第（一）项"],
        ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"],
        ["规章", "0", "0", "3"],
        ["规范性文件", "6", "6", "41"],
        ["第二十条第（五）项"],
        ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
        ["行政许可", "120", "-3", "860"],
    ]
    t3_rows = [["申请人情况"], ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]]
    t3_rows += [[_t3_label(r), *map(str, t3[r])] for r in rows]
    for heading, table_rows in (
        ("", t2_rows),
        ("三、收到和处理政府信息公开申请情况", t3_rows),
        ("四、政府信息公开行政复议、行政诉讼情况", [["行政复议", "行政诉讼"], list(map(str, T4_VALUES))]),
    ):
        if heading:
            doc.add_paragraph(heading)
        width = max(len(r) for r in table_rows)
        table = doc.add_table(rows=len(table_rows), cols=width)
        for i, r in enumerate(table_rows):
            for j, value in enumerate(r):
                table.cell(i, j).text = value
    doc.add_paragraph("五、存在的主要问题及改进情况")
    path = tmp_path / "report.docx"
    doc.save(str(path))
    text = load_file(path, max_bytes=MAX_BYTES).text
    reading = _read(text)
    cells = _cells(reading.facts)
    assert cells[(TABLE_TWO, T2_NORMATIVE, T2_NEW_MADE)] == 6
    assert cells[(TABLE_TWO, T2_NORMATIVE, T2_TOTAL_PUBLISHED)] == 41
    assert cells[(TABLE_TWO, T2_RULES, T2_NEW_PUBLISHED)] == 0
    assert cells[(TABLE_TWO, T2_LICENSING, T2_DECISIONS)] == 860
    assert cells[(TABLE_TWO, T2_LICENSING, "本年增/减")] == -3
    for r in rows:
        assert _row(reading.facts, TABLE_THREE, r, T3_COLUMNS) == t3[r], r
    assert _row(reading.facts, TABLE_FOUR, T4_REVIEW, T4_COLUMNS) == T4_VALUES[:5]
    assert reading.warnings == []


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")
def test_template_docx_parses_to_no_facts() -> None:
    text = load_file(CORPUS / "template-2021.docx", max_bytes=MAX_BYTES).text
    reading = _read(text)
    assert reading.facts == [] and reading.warnings == []
    assert read_fee_facts(text, build_search_form(text)) == []


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")
def test_corpus_pipe_fragments_and_rows() -> None:
    text = (CORPUS / "005.txt").read_text(encoding="utf-8")
    facts = _read(text).facts
    cells = _cells(facts)
    assert cells[(TABLE_TWO, T2_NORMATIVE, T2_ISSUED)] == 5
    assert cells[(TABLE_TWO, T2_NORMATIVE, T2_REPEALED)] == 12
    assert cells[(TABLE_TWO, T2_FEES, T2_FEE_AMOUNT)] == 0
    assert _row(facts, TABLE_THREE, T3_NEW, T3_COLUMNS) == [8, 0, 0, 0, 0, 0, 8]
    quote = {f.row: text[f.start : f.end] for f in facts}
    assert quote[T2_NORMATIVE] == "行政规范性文件 |\n5 |\n12 |\n8 |"  # the gold evidence of r005-q3
    assert quote[T2_FEES] == "行政事业性收费 |\n0 |"
    text = (CORPUS / "009.txt").read_text(encoding="utf-8")
    cells = _cells(_read(text).facts)
    assert cells[(TABLE_TWO, T2_NORMATIVE, T2_ISSUED)] == 0
    assert cells[(TABLE_TWO, T2_LICENSING, T2_DECISIONS)] == 0


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")
def test_fee_prose_facts() -> None:
    text = (SHARED / "eval" / "huaian-2024.pdftotext.txt").read_text(encoding="utf-8")
    fees = read_fee_facts(text, build_search_form(text))
    assert [(f.table, f.row, f.value, f.unit) for f in fees] == [("正文", "信息处理费", 3940, "元")]
    assert text[fees[0].start : fees[0].end] == "全年收取政府信息公开信息处理费 3940 元"
    text = (CORPUS / "changzhou-jgsw-2021.txt").read_text(encoding="utf-8")
    fees = read_fee_facts(text, build_search_form(text))
    assert [f.value for f in fees] == [0]
    assert text[fees[0].start : fees[0].end] == "本年度政府信息公開事項未收取任何費用"
    assert _read(text).facts == []  # its tables are missing


def test_facts_round_trip_through_sqlite() -> None:
    text = _pipe_report(_t3_values(T3_ROWS_2021), T3_ROWS_2021)
    facts = _read(text).facts
    conn = sqlite3.connect(":memory:")
    conn.executescript(FACTS_SCHEMA)
    conn.executescript(FACTS_SCHEMA)  # idempotent
    save_facts(conn, "r1", facts)
    save_facts(conn, "r1", facts)  # replaces, does not duplicate
    assert load_facts(conn, "r1") == facts
    assert load_facts(conn, "other") == []


def test_render_and_json() -> None:
    text = _pipe_report(_t3_values(T3_ROWS_2021), T3_ROWS_2021)
    reading = _read(text)
    out = render_facts(reading.facts, ["表四 demo warning"])
    assert "表二" in out and "表三" in out and "表四" in out and "- 表四 demo warning" in out
    assert "行政事业性收费 | 本年收费金额=12.35万元" in out
    data = facts_to_json(reading.facts, reading.warnings)
    assert data["facts"][0]["table"] == "表二" and data["warnings"] == []
    assert render_facts([], []).startswith("(no table facts read)")


# ---------------------------------------------------------------- answers
