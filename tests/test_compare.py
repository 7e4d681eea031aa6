"""Comparisons of one table cell across bodies and years, on reports the tests write.

Pure functions first (facts read from written reports, no index), then the same through a real
index: the catalogue's facts and texts, issuer resolution, and questions read into requests.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli import main
from assistant.compare import Status, cell, compare, difference, figure_of, find_row, ranking
from assistant.compare.answer import difference_answer, ranking_answer, series_answer
from assistant.compare.core import ReportData, ReportRef
from assistant.compare.intent import ComparisonRequest, Shape, read_request
from assistant.compare.source import answer_request, compare_catalogue
from assistant.query.issuers import issuer_index, resolve_reports
from assistant.service import Assistant
from assistant.types import Answer
from assistant.ui import compare_handlers as ch
from assistant.ui.handlers import AppContext, staff_login
from assistant.ui.render import esc
from index.config import Settings
from index.errors import DisclosureError
from index.ingest import Indexer
from index.storage.store import Store
from index.tables import read_tables
from index.tables.labels import T3_NEW, T4_REVIEW, TABLE_FOUR
from index.text.searchform import build_search_form, fold_query
from tests.factories import headings_only_report, template_report, write_report

NEW_ROW = "一、本年新收政府信息公开申请数量"


def new_row(n: int, total: int | None = None) -> str:
    return f"{NEW_ROW} | {n} | 0 | 0 | 0 | 0 | 0 | {n if total is None else total}"


def planted(issuer: str, year: int, n: int) -> str:
    """A report whose 表三 new-requests row does not add up (its total is 5 more than its parts)."""
    text = template_report(issuer, year, new_requests=n)
    assert new_row(n) in text
    return text.replace(new_row(n), new_row(n, n + 5))


def prose_only(issuer: str, year: int, n: int) -> str:
    """A report that lost its tables: its prose still says "全年新收政府信息公开申请N件"."""
    text = template_report(issuer, year, new_requests=n)
    return "\n".join(line for line in text.splitlines() if "|" not in line) + "\n"


def data(issuer: str | None, year: int | None, text: str, rid: str | None = None) -> ReportData:
    facts = read_tables(text, build_search_form(text)).facts
    ref = ReportRef(rid or f"{issuer}-{year}", f"{issuer}-{year}.txt", issuer, year)
    return ReportData(ref, facts, text)


# ---------------------------------------------------------------- cells


def test_rows_and_columns_are_found_by_the_names_staff_use() -> None:
    assert find_row("表三 本年新收").rows == ((T3_NEW,),)
    assert find_row("予以公开").key == "表三 三（一）予以公开"
    assert find_row("表四 行政复议").table == TABLE_FOUR
    assert cell("行政复议", "结果纠正").label == "行政复议结果纠正"
    assert cell("不予公开").rows[1][0].startswith("三（三）1.")  # the subtotal row, or the sum of its reasons
    assert cell("本年新收", "法人或其他组织").columns[1] == (
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
    )
    assert cell("行政事业性收费").unit == "万元"
    with pytest.raises(ValueError, match="no table row matches"):
        find_row("年度总结")
    with pytest.raises(ValueError, match="several rows"):
        find_row("表三 不予")
    with pytest.raises(ValueError, match="has no column"):
        cell("行政复议", "自然人")


# ---------------------------------------------------------------- figures, differences, rankings


def test_year_difference_with_the_arithmetic_and_one_verbatim_citation_per_report() -> None:
    reports = [data("示例局", 2020, template_report("示例局", 2020, new_requests=8))]
    reports.append(data("示例局", 2021, template_report("示例局", 2021, new_requests=12)))
    comparison = compare(cell("本年新收"), reports, [("示例局", 2021), ("示例局", 2020)])
    a, b = comparison.get("示例局", 2021), comparison.get("示例局", 2020)
    assert a is not None and b is not None and (a.value, b.value) == (12, 8)
    diff = difference(a, b)
    assert diff is not None and diff.delta == 4 and diff.expression == "12-8=4"
    answer = difference_answer("示例局2021年比2020年多收了多少申请？", comparison, 2021, 2020)
    assert answer.answer == "示例局新收政府信息公开申请：2021年12件[1]，2020年8件[2]；2021年比2020年多4件（12-8=4）。"
    assert [c.quote for c in answer.citations] == [new_row(12), new_row(8)]
    texts = {r.ref.report_id: r.text for r in reports}
    assert all(texts[c.report_id][c.start : c.end] == c.quote for c in answer.citations)
    assert [c.year for c in answer.citations] == [2021, 2020] and not answer.abstained

    fewer = difference_answer("q", comparison, 2020, 2021)
    assert "2020年比2021年少4件（12-8=4）" in fewer.answer


def test_a_missing_year_is_named_and_no_difference_is_made_up() -> None:
    reports = [data("示例局", 2021, template_report("示例局", 2021, new_requests=12))]
    comparison = compare(cell("本年新收"), reports, [("示例局", 2021), ("示例局", 2020)])
    missing = comparison.get("示例局", 2020)
    assert missing is not None and missing.status == Status.NOT_INDEXED and missing.value is None
    answer = difference_answer("q", comparison, 2021, 2020)
    assert answer.answer == "示例局新收政府信息公开申请：2021年12件[1]；2020年的报告未索引，无法计算两年之差。"
    assert len(answer.citations) == 1

    series = series_answer("q", compare(cell("本年新收"), reports, [("示例局", y) for y in (2019, 2020, 2021)]))
    assert series.answer == "示例局新收政府信息公开申请：2021年12件[1]。2019年、2020年的报告未索引。"


def test_ranking_across_bodies_largest_first_ties_share_a_place() -> None:
    counts = {"甲县人民政府": 5, "乙县人民政府": 30, "丙县人民政府": 12, "丁县人民政府": 30}
    reports = [data(name, 2023, template_report(name, 2023, new_requests=n)) for name, n in counts.items()]
    comparison = compare(cell("本年新收"), reports)
    order = [(rank, f.issuer, f.value) for rank, f in ranking(comparison.figures)]
    assert order == [
        (1, "丁县人民政府", 30),
        (1, "乙县人民政府", 30),
        (3, "丙县人民政府", 12),
        (4, "甲县人民政府", 5),
    ]
    assert next(f.issuer for _, f in ranking(comparison.figures, most=False)) == "甲县人民政府"
    answer = ranking_answer("q", comparison, scope="2023年各区县中，")
    assert answer.answer == (
        "2023年各区县中，新收政府信息公开申请最多的是丁县人民政府[1]、乙县人民政府[2]（均为30件），"
        "其次是丙县人民政府（12件）[3]、甲县人民政府（5件）[4]。"
    )
    assert [c.issuer for c in answer.citations] == ["丁县人民政府", "乙县人民政府", "丙县人民政府", "甲县人民政府"]
    least = ranking_answer("q", comparison, most=False, scope="2023年各区县中，")
    assert least.answer.startswith("2023年各区县中，新收政府信息公开申请最少的是甲县人民政府（5件）[1]")


def test_a_cell_the_arithmetic_rejects_is_never_a_figure() -> None:
    good = data("甲县人民政府", 2023, template_report("甲县人民政府", 2023, new_requests=9))
    bad = data("乙县人民政府", 2023, planted("乙县人民政府", 2023, 40))
    rejected = figure_of(cell("本年新收"), bad)
    assert rejected.status == Status.FAILED and rejected.value is None
    assert any("≠" in w for w in rejected.warnings)  # the 勾稽 warning travels with it
    comparison = compare(cell("本年新收"), [good, bad])
    assert [f.issuer for _, f in ranking(comparison.figures)] == ["甲县人民政府"]
    answer = ranking_answer("q", comparison, scope="2023年各区县中，")
    assert "40" not in answer.answer and "45" not in answer.answer
    assert answer.answer.endswith("乙县人民政府报告中的该数据未通过表格勾稽校验，未采用。")
    assert [c.issuer for c in answer.citations] == ["甲县人民政府"]
    # the other cells of that report still count: its 行政复议 adds up
    assert figure_of(cell("行政复议"), bad).value == 1


def test_a_report_without_the_table_is_named_and_two_copies_give_one_figure() -> None:
    bare = data("丙县人民政府", 2022, headings_only_report("丙县人民政府", 2022))
    assert figure_of(cell("本年新收"), bare).status == Status.ABSENT
    copy_a = data("甲县人民政府", 2022, planted("甲县人民政府", 2022, 7), rid="a")
    copy_b = data("甲县人民政府", 2022, template_report("甲县人民政府", 2022, new_requests=7), rid="b")
    comparison = compare(cell("本年新收"), [copy_a, copy_b, bare])
    assert len(comparison.figures) == 2
    chosen = comparison.get("甲县人民政府", 2022)
    assert chosen is not None and chosen.value == 7 and chosen.report is not None and chosen.report.report_id == "b"
    answer = series_answer("q", comparison)
    assert answer.answer.endswith("丙县人民政府2022年的报告表格中未见该数据。")


def test_summed_rows_are_quoted_as_one_span_and_table_four_cells_compare() -> None:
    reports = [data("甲县人民政府", 2023, template_report("甲县人民政府", 2023))]
    litigation = figure_of(cell("行政诉讼"), reports[0])
    assert litigation.ok and litigation.value == 0 and len(litigation.quotes) == 1
    assert {p[0] for p in litigation.parts} == {"行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）"}
    review = figure_of(cell("行政复议"), reports[0])
    assert review.value == 1 and review.parts == ((T4_REVIEW, "总计", 1.0),)
    assert review.quotes[0][2] in reports[0].text


def test_a_table_figure_cites_its_table_section_even_when_sections_were_parsed_wrong() -> None:
    text = template_report("甲县人民政府", 2023, new_requests=9)
    wrong = ({"key": "二", "title": "二、主动公开政府信息情况", "start": 0, "end": len(text)},)
    ref = ReportRef("r", "甲县.txt", "甲县人民政府", 2023, wrong)
    report = ReportData(ref, read_tables(text, build_search_form(text)).facts, text)
    answer = series_answer("q", compare(cell("本年新收"), [report]))
    assert [c.section for c in answer.citations] == ["三、收到和处理政府信息公开申请情况"]
    review = series_answer("q", compare(cell("行政复议"), [report]))
    assert review.citations[0].section == "四、政府信息公开行政复议、行政诉讼情况"


# ---------------------------------------------------------------- through a real index


BODIES = {
    ("示例市东坪区人民政府", 2021): 12,
    ("示例市东坪区人民政府", 2023): 20,
    ("示例市西坪区人民政府", 2023): 31,
    ("示例市南坪区人民政府", 2023): 4,
    ("示例市教育局", 2023): 50,
    ("云溪县人民政府", 2023): 99,
}


@pytest.fixture(scope="module")
def compare_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    root = tmp_path_factory.mktemp("compare")
    folder = root / "reports"
    for (issuer, year), n in BODIES.items():
        write_report(folder, f"{issuer}-{year}.txt", template_report(issuer, year, new_requests=n))
    write_report(folder, "示例市南坪区人民政府-2022.txt", planted("示例市南坪区人民政府", 2022, 8))
    write_report(folder, "示例市北坪区人民政府-2023.txt", prose_only("示例市北坪区人民政府", 2023, 17))
    settings = Settings.from_env().with_(data_dir=root / "data")
    results = Indexer(settings).ingest([folder])
    assert all(r.ok for r in results), [(r.source, r.error) for r in results]
    yield Store(settings)


def _request(store: Store, question: str, row: str = "本年新收") -> ComparisonRequest | None:
    folded = fold_query(question)
    index = issuer_index(store)
    return read_request(folded, resolve_reports(folded, index), index, cell(row))


def test_catalogue_comparison_names_missing_pairs(compare_index: Store) -> None:
    comparison = compare_catalogue(
        compare_index.catalogue, cell("本年新收"), ["示例市东坪区人民政府", "示例市南坪区人民政府"], [2021, 2022, 2023]
    )
    status = {(f.issuer, f.year): (f.status, f.value) for f in comparison.figures}
    assert status == {
        ("示例市东坪区人民政府", 2021): (Status.OK, 12),
        ("示例市东坪区人民政府", 2022): (Status.NOT_INDEXED, None),
        ("示例市东坪区人民政府", 2023): (Status.OK, 20),
        ("示例市南坪区人民政府", 2021): (Status.NOT_INDEXED, None),
        ("示例市南坪区人民政府", 2022): (Status.FAILED, None),
        ("示例市南坪区人民政府", 2023): (Status.OK, 4),
    }
    with pytest.raises(ValueError, match="no indexed report of 不存在局"):
        compare_catalogue(compare_index.catalogue, cell("本年新收"), ["不存在局"], [2023])


def test_question_year_difference(compare_index: Store) -> None:
    request = _request(compare_index, "示例市东坪区2023年比2021年多收了多少申请？")
    assert request is not None and request.shape == Shape.DIFFERENCE and request.years == (2023, 2021)
    answer = answer_request("q", request, compare_index.catalogue)
    assert "2023年比2021年多8件（20-12=8）" in answer.answer and len(answer.citations) == 2
    for c in answer.citations:
        assert compare_index.catalogue.report_text(c.report_id)[c.start : c.end] == c.quote

    for words in (
        "相比2021年，示例市东坪区2023年多收了多少申请？",
        "示例市东坪区2023年与2021年相比收到的申请增加了多少？",
    ):
        base_first = _request(compare_index, words)
        assert base_first is not None and base_first.years == (2023, 2021), words

    previous = _request(compare_index, "示例市东坪区2023年比上年多收了多少申请？")
    assert previous is not None and previous.years == (2023, 2022)
    said = answer_request("q", previous, compare_index.catalogue).answer
    assert said == "示例市东坪区人民政府新收政府信息公开申请：2023年20件[1]；2022年的报告未索引，无法计算两年之差。"


def test_question_ranking_of_districts_under_a_place(compare_index: Store) -> None:
    request = _request(compare_index, "示例市2023年哪个区收到的政府信息公开申请最多？")
    assert request is not None and request.shape == Shape.RANKING
    assert set(request.issuers) == {
        "示例市东坪区人民政府",
        "示例市西坪区人民政府",
        "示例市南坪区人民政府",
        "示例市北坪区人民政府",
    }
    answer = answer_request("q", request, compare_index.catalogue)
    assert answer.answer.startswith("2023年示例市各区中，新收政府信息公开申请最多的是示例市西坪区人民政府（31件）[1]")
    assert "教育局" not in answer.answer and "云溪县" not in answer.answer  # a department; another city

    everywhere = _request(compare_index, "2023年哪个区县收到的申请最少？")
    assert everywhere is not None and "云溪县人民政府" in everywhere.issuers
    said = answer_request("q", everywhere, compare_index.catalogue).answer
    assert said.startswith("2023年各区县中，新收政府信息公开申请最少的是示例市南坪区人民政府（4件）[1]")

    departments = _request(compare_index, "示例市哪个部门2023年收到的申请最多？")
    assert departments is not None and departments.issuers == ("示例市教育局",)


def test_question_last_three_years_of_one_body(compare_index: Store) -> None:
    request = _request(compare_index, "示例市东坪区近三年收到多少申请？")
    assert request is not None and request.shape == Shape.SERIES and request.years == (2021, 2022, 2023)
    answer = answer_request("q", request, compare_index.catalogue)
    assert answer.answer == (
        "示例市东坪区人民政府新收政府信息公开申请：2021年12件[1]，2023年20件[2]。2022年的报告未索引。"
        "（近三年按已索引的最新年度2023年往前推算）"
    )
    numbers = set(re.findall(r"\d+", re.sub(r"\[\d\]|\d{4}年", "", answer.answer)))
    assert numbers <= {"12", "20"}  # every number is a cited figure

    changed = _request(compare_index, "示例市东坪区历年收到申请的变化情况")
    assert changed is not None and changed.shape == Shape.SERIES and changed.changes
    said = answer_request("q", changed, compare_index.catalogue).answer
    assert said.startswith("示例市东坪区人民政府新收政府信息公开申请：2021年12件[1]，2023年20件[2]。")
    assert "变化：2023年比2021年多8件（20-12=8）" in said


def test_not_a_comparison(compare_index: Store) -> None:
    assert _request(compare_index, "示例市东坪区2023年收到多少申请？") is None
    assert _request(compare_index, "示例市东坪区予以公开和部分公开分别是多少？", "予以公开") is None
    assert _request(compare_index, "示例市东坪区2023年第一项申请最多的是哪类申请人？") is None  # no body kind asked
    assert _request(compare_index, "示例市东坪区2023年有多少件申请结转到2024年办理？", "结转下年度") is None  # a date


# ---------------------------------------------------------------- the chat: the question analysis routes comparisons


@pytest.fixture(scope="module")
def assistant(compare_index: Store) -> Assistant:
    return Assistant(compare_index.settings, compare_index)


def _cited(answer: Answer, store: Store) -> None:
    assert answer.citations and not answer.abstained
    for c in answer.citations:
        assert store.catalogue.report_text(c.report_id)[c.start : c.end] == c.quote


def test_chat_answers_a_difference_through_the_analysis(assistant: Assistant, compare_index: Store) -> None:
    analysis = assistant.analyse("示例市东坪区2023年比2021年多收了多少申请？")  # "多收" is no template term
    assert analysis.comparison is not None and analysis.comparison.shape == Shape.DIFFERENCE
    answer = assistant.ask("示例市东坪区2023年比2021年多收了多少申请？")
    assert "2023年比2021年多8件（20-12=8）" in answer.answer and len(answer.citations) == 2
    _cited(answer, compare_index)


def test_chat_ranking_reads_a_report_without_tables_from_its_text(assistant: Assistant, compare_index: Store) -> None:
    answer = assistant.ask("示例市2023年哪个区收到的政府信息公开申请最多？")
    assert answer.answer.startswith("2023年示例市各区中，")
    assert "示例市西坪区人民政府（31件）" in answer.answer and "示例市北坪区人民政府（17件）" in answer.answer
    _cited(answer, compare_index)
    prose = next(c for c in answer.citations if c.issuer == "示例市北坪区人民政府")
    assert "17件" in prose.quote and "|" not in prose.quote  # the clause of its text, not a table row
    assert "示例市南坪区人民政府（4件）" in answer.answer


def test_chat_comparison_that_finds_nothing_says_what_is_missing(assistant: Assistant) -> None:
    answer = assistant.ask("示例市南坪区2022年比2021年多收了多少申请？")
    assert answer.abstained and not answer.citations
    assert "2021年的报告未索引" in answer.answer and "2022年报告中的该数据未通过表格勾稽校验" in answer.answer


def test_single_values_are_not_comparisons(assistant: Assistant) -> None:
    for question in (
        "示例市东坪区2023年收到多少申请？",
        "示例市东坪区2023年予以公开和部分公开各多少件？",
        "示例市东坪区2023年的联系电话是多少？",
        "示例市东坪区2023年予以公开的比例是多少？",
        "示例市东坪区2021年行政复议有多少件？",
    ):
        assert assistant.analyse(question).comparison is None, question
    answer = assistant.ask("示例市东坪区2023年收到多少申请？")
    assert "20件" in answer.answer and "（" not in answer.answer


# ---------------------------------------------------------------- the CLI and the staff tab's handlers


def test_cli_compare_table_summary_and_csv(compare_index: Store) -> None:
    runner = CliRunner()
    data_dir = str(compare_index.settings.data_dir)
    shown = runner.invoke(
        main, ["--data-dir", data_dir, "compare", "--row", "本年新收", "--issuer", "东坪区", "--year", "2021-2023"]
    )
    assert shown.exit_code == 0, shown.output
    assert "示例市东坪区人民政府 2022年  -  报告未索引" in shown.output
    assert "示例市东坪区人民政府 2023年比2021年多8件（20-12=8）" in shown.output
    assert f"“{new_row(20)}”" in shown.output

    as_csv = runner.invoke(main, ["--data-dir", data_dir, "compare", "--row", "本年新收", "--year", "2022", "--csv"])
    rows = list(csv.DictReader(io.StringIO(as_csv.output)))
    assert [(r["issuer"], r["status"], r["checked"]) for r in rows] == [("示例市南坪区人民政府", "failed", "failed")]

    as_json = json.loads(
        runner.invoke(main, ["--data-dir", data_dir, "compare", "--row", "予以公开", "--year", "2023", "--json"]).output
    )
    assert as_json["cell"]["label"] == "予以公开" and len(as_json["figures"]) == 6  # 北坪区: no tables
    assert as_json["summary"][0].startswith("2023年排名：1. 云溪县人民政府 97件")

    wrong = runner.invoke(main, ["--data-dir", data_dir, "compare", "--row", "不存在的行"])
    assert wrong.exit_code == 2 and "no table row matches" in wrong.output
    listed = runner.invoke(main, ["--data-dir", data_dir, "compare", "--list"])
    assert "表四 行政复议  [总计、结果维持、结果纠正、其他结果、尚未审结]" in listed.output


@pytest.fixture(scope="module")
def staff_ctx(compare_index: Store) -> AppContext:
    settings = compare_index.settings.with_(staff_user="staff", staff_password="pw-数据")
    return AppContext.open(settings)


def test_handlers_need_a_staff_session(staff_ctx: AppContext) -> None:
    for call in (
        lambda t: ch.scope_choices(staff_ctx, t),
        lambda t: ch.run_comparison(staff_ctx, t, ch.row_choices()[0], None, [], ["2023"]),
        lambda t: ch.show_figure(staff_ctx, t, None, 0),
        lambda t: ch.export_all_facts(staff_ctx, t),
    ):
        with pytest.raises(DisclosureError, match="登录"):
            call(None)
        with pytest.raises(DisclosureError, match="登录"):
            call("forged-token")
    with pytest.raises(DisclosureError, match="用户名或密码错误"):
        staff_login(staff_ctx, "staff", "wrong")


def test_handlers_compare_show_cited_rows_and_export(staff_ctx: AppContext, tmp_path: Path) -> None:
    token = staff_login(staff_ctx, "staff", "pw-数据")
    bodies, years = ch.scope_choices(staff_ctx, token)
    assert "示例市东坪区人民政府" in bodies and years[0] == "2023"
    assert ch.column_choices("表四 行政复议")[0] == "总计"

    view = ch.run_comparison(
        staff_ctx,
        token,
        "表三 一、本年新收政府信息公开申请数量",
        "总计",
        ["示例市东坪区人民政府", "示例市南坪区人民政府"],
        ["2021", "2022", "2023"],
    )
    assert view.chart == ch.LINE and list(view.plot.columns) == [ch.PLOT_YEAR, ch.PLOT_VALUE, ch.PLOT_BODY]
    assert sorted(view.plot[ch.PLOT_VALUE].tolist()) == [4.0, 12.0, 20.0]  # the failed 2022 cell is not plotted
    by_key = {(r[0], r[1]): r for r in view.rows}
    assert by_key[("示例市南坪区人民政府", 2022)][4] == "勾稽未通过，未采用"
    assert by_key[("示例市东坪区人民政府", 2022)][4] == "报告未索引"
    assert by_key[("示例市东坪区人民政府", 2023)][6] == new_row(20)
    assert esc("示例市东坪区人民政府 2023年比2021年多8件（20-12=8）") in view.summary  # report text is escaped
    assert "示例市南坪区人民政府 2022年" in view.warnings and "≠" in view.warnings

    index = next(
        i for i, f in enumerate(view.comparison.figures) if (f.issuer, f.year) == ("示例市东坪区人民政府", 2023)
    )
    html = ch.show_figure(staff_ctx, token, view.comparison, index)
    assert f"<mark>{esc(new_row(20))}</mark>" in html and esc("示例市东坪区人民政府-2023.txt") in html
    failed = next(
        i for i, f in enumerate(view.comparison.figures) if f.year == 2022 and f.issuer.startswith("示例市南坪区")
    )
    assert "勾稽未通过" in ch.show_figure(staff_ctx, token, view.comparison, failed)

    one_year = ch.run_comparison(staff_ctx, token, "表四 行政复议", None, [], ["2023"])
    assert one_year.chart == ch.BAR and len(one_year.rows) == 6
    assert next(r for r in one_year.rows if r[0] == "示例市北坪区人民政府")[4] == "报告表格中未见该数据"

    with pytest.raises(DisclosureError, match="请至少选择"):
        ch.run_comparison(staff_ctx, token, "表四 行政复议", None, [], [])
    with pytest.raises(DisclosureError, match="无法对比"):
        ch.run_comparison(staff_ctx, token, "表四 行政复议", "自然人", [], ["2023"])

    path = Path(ch.export_comparison(staff_ctx, token, view.comparison, tmp_path))
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 6 and {r["status"] for r in rows} == {"ok", "failed", "not_indexed"}
    every = Path(ch.export_all_facts(staff_ctx, token, tmp_path))
    facts = list(csv.DictReader(io.StringIO(every.read_text(encoding="utf-8-sig"))))
    assert {r["issuer"] for r in facts} >= {"示例市东坪区人民政府", "云溪县人民政府"}
    assert list(facts[0])[:8] == ["issuer", "year", "table", "row", "column", "value", "unit", "report_id"]


def test_question_names_each_body_with_its_own_year(compare_index: Store) -> None:
    which = _request(compare_index, "示例市东坪区2021年和西坪区2023年哪个收到的申请多？")
    assert which is not None and which.shape == Shape.RANKING
    assert which.wanted == (("示例市东坪区人民政府", 2021), ("示例市西坪区人民政府", 2023))
    said = answer_request("q", which, compare_index.catalogue).answer
    assert said.startswith(
        "新收政府信息公开申请最多的是示例市西坪区人民政府2023年（31件）[1]，其次是示例市东坪区人民政府2021年（12件）[2]"
    )
    assert "未索引" not in said
    more = _request(compare_index, "示例市西坪区2023年比东坪区2021年多收了多少申请？")
    assert more is not None and more.shape == Shape.BODIES_DIFFERENCE
    assert "多19件（31-12=19）" in answer_request("q", more, compare_index.catalogue).answer


def test_question_names_several_bodies(compare_index: Store) -> None:
    each = _request(compare_index, "示例市东坪区和西坪区2023年收到的申请分别是多少？")
    assert each is not None and each.shape == Shape.SERIES
    assert each.issuers == ("示例市东坪区人民政府", "示例市西坪区人民政府") and each.years == (2023,)
    said = answer_request("q", each, compare_index.catalogue).answer
    assert said == (
        "示例市东坪区人民政府新收政府信息公开申请：2023年20件[1]。示例市西坪区人民政府新收政府信息公开申请：2023年31件[2]。"
    )

    more = _request(compare_index, "示例市西坪区比东坪区多收了多少申请？")
    assert more is not None and more.shape == Shape.BODIES_DIFFERENCE
    answer = answer_request("q", more, compare_index.catalogue)
    assert answer.answer == (
        "新收政府信息公开申请：示例市西坪区人民政府2023年31件[1]，示例市东坪区人民政府2023年20件[2]；"
        "示例市西坪区人民政府比示例市东坪区人民政府多11件（31-20=11）。"
    )
    which = _request(compare_index, "示例市东坪区和南坪区哪个收到的申请少？")
    assert which is not None and which.shape == Shape.RANKING and not which.most
    assert answer_request("q", which, compare_index.catalogue).answer.startswith(
        "新收政府信息公开申请最少的是示例市南坪区人民政府（4件）[1]"
    )


def test_question_which_year_of_one_body(compare_index: Store) -> None:
    request = _request(compare_index, "示例市东坪区哪一年收到的申请最多？")
    assert request is not None and request.shape == Shape.RANKING and request.years == (2021, 2023)
    assert answer_request("q", request, compare_index.catalogue).answer == (
        "示例市东坪区人民政府各年度中，新收政府信息公开申请最多的是2023年（20件）[1]，其次是2021年（12件）[2]。"
    )
