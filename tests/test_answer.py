"""Answers from a real index: exact values, verbatim citations, year and issuer awareness, abstention."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.cite import verify_citations
from assistant.evaluate.run import run_eval
from assistant.service import Assistant
from assistant.types import Citation
from index.config import Settings
from tests.conftest import SEED


@pytest.fixture(scope="module")
def assistant(built_index: Settings) -> Assistant:
    a = Assistant(built_index)
    a.warm_up()
    return a


def _check_citations(a: Assistant, answer) -> None:  # type: ignore[no-untyped-def]
    assert answer.citations
    for c in answer.citations:
        assert a.texts.text(c.report_id)[c.start : c.end] == c.quote


def test_phone_from_traditional_report_with_glosses(assistant: Assistant) -> None:
    answer = assistant.ask("常州市机关事务管理局的联系电话是多少？")
    assert not answer.abstained
    assert "0519-85685811" in answer.answer and "[1]" in answer.answer
    assert answer.citations[0].source == SEED.name
    assert "電話" in answer.citations[0].quote  # the quote is the original traditional text
    _check_citations(assistant, answer)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("常州机关事务局的传真是多少？", "0519-85685800"),
        ("常州市机关事务管理局的邮编是多少？", "213022"),
        ("对常州市机关事务管理局2021年信息公开年报有疑问，地址在哪？", "龙城大道1280号行政中心3号楼B座223室"),
        ("2021年常州市机关事务管理局信息公开收费了吗？", "未收取任何费用"),
        ("2021年常州市机关事务管理局主动公开了多少条政府信息？", "1300余条"),
        ("常州市机关事务管理局2021年政府信息公开年度报告是哪天发布的？", "2022年1月10日"),
        ("常州市机关事务管理局成立政府信息公开工作领导小组的文件文号是什么？", "常机管〔2021〕46号"),
        ("2021年常州市机关事务管理局的政府信息公开工作存在哪些问题？", "个别政务公开不够及时"),
    ],
)
def test_seed_questions(assistant: Assistant, question: str, expected: str) -> None:
    answer = assistant.ask(question)
    assert not answer.abstained, answer.answer
    assert expected in answer.answer
    _check_citations(assistant, answer)


def test_year_decides_which_report_answers(assistant: Assistant) -> None:
    a2023 = assistant.ask("示例区2023年新收了多少件政府信息公开申请？")
    a2022 = assistant.ask("示例区2022年新收了多少件政府信息公开申请？")
    assert "47" in a2023.answer and "47" not in a2022.answer
    assert "12" in a2022.answer
    assert {c.year for c in a2023.citations} == {2023}
    assert {c.year for c in a2022.citations} == {2022}


def test_year_not_indexed_abstains(assistant: Assistant) -> None:
    answer = assistant.ask("示例区2019年新收了多少件政府信息公开申请？")
    assert answer.abstained and not answer.citations
    assert "2019" in answer.answer


def test_issuer_not_indexed_abstains_without_borrowing_a_value(assistant: Assistant) -> None:
    answer = assistant.ask("北京市海淀区人民政府的联系电话是多少？")
    assert answer.abstained and not answer.citations
    for phone in ("0519-85685811", "0510-12345678", "0510-22223333", "0799-7654321"):
        assert phone not in answer.answer


def test_two_fee_kinds_are_not_confused(assistant: Assistant) -> None:
    info_fee = assistant.ask("示例区2023年收取了多少信息处理费？")
    assert "120元" in info_fee.answer
    admin_fee = assistant.ask("示例区2023年行政事业性收费金额是多少？")
    assert "35.2" in admin_fee.answer and "万元" in admin_fee.answer
    assert "120元" not in admin_fee.answer


def test_follow_up_keeps_the_context(assistant: Assistant) -> None:
    first = assistant.ask("样本县交通运输局的联系电话是多少？")
    assert "0799-7654321" in first.answer
    follow = assistant.ask("那传真呢？", context={"issuer": first.issuer, "year": first.year})
    assert not follow.abstained and "0510-12345679" in follow.answer
    assert follow.citations[0].issuer == "样本县交通运输局"


def test_gb18030_report_is_answerable(assistant: Assistant) -> None:
    answer = assistant.ask("2023年样本县交通运输局新收多少件政府信息公开申请？")
    assert "5件" in answer.answer


def test_verifier_drops_a_corrupted_offset(assistant: Assistant) -> None:
    answer = assistant.ask("常州市机关事务管理局的联系电话是多少？")
    good = answer.citations[0]
    shifted = Citation(**{**good.__dict__, "start": good.start + 1, "end": good.end + 1})
    kept = verify_citations(assistant.texts, [good, shifted])
    assert kept == [good]


def test_json_contract(assistant: Assistant) -> None:
    data = assistant.ask("常州市机关事务管理局的邮编是多少？").to_json()
    assert set(data) == {"question", "answer", "abstained", "citations", "timings_ms"}
    assert set(data["citations"][0]) == {
        "n",
        "report_id",
        "source",
        "issuer",
        "year",
        "section",
        "start",
        "end",
        "quote",
    }
    assert set(data["timings_ms"]) == {"retrieve", "answer", "total"}
    json.dumps(data, ensure_ascii=False)


def test_langchain_retriever_interface(assistant: Assistant) -> None:
    docs = assistant.retriever.invoke("常州市机关事务管理局 电话")
    assert docs and docs[0].metadata["issuer"] == "常州市机关事务管理局"


def test_eval_on_a_small_qa_file(built_index: Settings, tmp_path: Path) -> None:
    from tests.factories import template_report, write_report

    reports = tmp_path / "reports"
    write_report(reports, "s2022.txt", template_report(year=2022))
    qa = tmp_path / "qa.jsonl"
    rows = [
        {
            "id": "a",
            "file": "s2022.txt",
            "question": "示例区2022年的联系电话是多少？",
            "answer": "0510-12345678",
            "evidence": "电话：0510-12345678",
            "kind": "contact",
        },
        {
            "id": "b",
            "file": "s2022.txt",
            "question": "示例区2022年新收了多少件政府信息公开申请？",
            "answer": "12件",
            "evidence": "全年新收政府信息公开申请12件",
            "kind": "count",
        },
        {
            "id": "c",
            "file": "s2022.txt",
            "question": "示例区2022年信息公开工作的微信公众号叫什么？",
            "answer": "",
            "evidence": "",
            "kind": "unanswerable",
        },
    ]
    qa.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    report = run_eval(built_index, reports, qa)
    m = report.metrics
    assert m["questions"] == 3
    rows = {r["id"]: r for r in report.rows}
    assert [r["id"] for r in report.rows] == ["a", "b", "c"]
    assert "0510-12345678" in rows["a"]["answer"] and rows["a"]["_correct"] and rows["a"]["_citation_hit"]
    assert "12件" in rows["b"]["answer"] and rows["b"]["_correct"] and rows["b"]["_citation_hit"]
    assert rows["c"]["abstained"] and rows["c"]["_correct"] and rows["c"]["citations"] == []
    # the scores follow from those rows
    by_kind = {k: (v["n"], v["accuracy"]) for k, v in m["accuracy_by_kind"].items()}
    assert by_kind == dict.fromkeys(("contact", "count", "unanswerable"), (1, 1.0))
    assert (m["citation_hit_rate"], m["citation_hit_answered"], m["invalid_citations"]) == (1.0, 2, 0)
    assert (m["retrieval_hit_at_1"], m["retrieval_hit_at_5"]) == (1.0, 1.0)


def test_change_across_years_cites_each_report(assistant: Assistant) -> None:
    answer = assistant.ask("示例区2022年到2023年新收申请数的变化")
    assert not answer.abstained, answer.answer
    assert "12" in answer.answer and "47" in answer.answer
    assert {c.year for c in answer.citations} == {2022, 2023}
    _check_citations(assistant, answer)


def test_table_cell_question_is_answered_from_facts(assistant: Assistant) -> None:
    answer = assistant.ask("示例区2023年行政复议多少件？")
    assert not answer.abstained and "1件" in answer.answer
    _check_citations(assistant, answer)


def test_answer_text_carries_no_markup() -> None:
    from assistant.plaintext import plain_text

    assert plain_text("本年度<script>alert(1)</script>举办<b>3次</b>[1]。") == "本年度举办3次[1]。"
    assert plain_text("数量<5件且>2件") == "数量<5件且>2件"
