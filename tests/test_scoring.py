"""Scoring as DESIGN.md defines it: folded containment, strict value accuracy, citation overlap."""

from __future__ import annotations

import pytest

from assistant.evaluate.run import format_metrics
from assistant.evaluate.scoring import answer_correct, quotes_overlap, states_no_other_number, strict_correct


@pytest.mark.parametrize(
    ("answer", "gold", "question", "strict"),
    [
        ("样本县2023年本年新收政府信息公开申请26件[1]。", "26件", "样本县2023年收到多少件申请？", True),
        ("样本县2023年共收到申请26件，较2022年增长18.2%[1]。", "26件", "样本县2023年收到多少件申请？", False),
        ("样本县2023年共收到申请26件，其中自然人20件[1][2]。", "26件", "收到多少件申请？", False),
        # a number the question itself names is allowed, and so are YYYY年 context years and markers
        ("12345热线办件733件[3]。", "733件", "2023年12345热线办件有多少件？", True),
        ("报告的发布日期是2024年1月20日[1]。", "2024-01-20", "报告哪天发布的？", True),
        ("电话：0510-12345678[1]。", "0510-12345678", "电话是多少？", True),
        ("电话：0510-12345678，传真：0510-12345679[1]。", "0510-12345678", "电话是多少？", False),
        # every part of an alternative must be there; the numbers of any alternative are allowed
        ("予以公开2件，部分公开3件[1][2]。", "2件|3件", "予以公开和部分公开各多少件？", True),
    ],
)
def test_strict_value_accuracy(answer: str, gold: str, question: str, strict: bool) -> None:
    assert answer_correct(answer, gold)
    assert states_no_other_number(answer, gold, question) is strict
    assert strict_correct(answer, gold, question) is strict


def test_strict_needs_a_correct_answer() -> None:
    assert not strict_correct("样本县2023年新收申请27件[1]。", "26件", "收到多少件申请？")


def test_folding_makes_written_forms_equal() -> None:
    assert answer_correct("電話：0510—12345678[1]", "0510-12345678")
    assert answer_correct("发布日期：2024年01月20日", "2024-1-20")
    assert answer_correct("共34,290件", "34290件")
    assert not answer_correct("", "26件")


def test_citation_overlap() -> None:
    assert quotes_overlap("全年新收政府信息公开申请12件", "新收政府信息公开申请12件，上年结转1件")
    assert quotes_overlap("申请12件", "全年新收政府信息公开申请12件")  # one contains the other
    assert not quotes_overlap("联系电话：0510-12345678", "全年新收政府信息公开申请12件")


def test_metrics_print_strict_beside_accuracy() -> None:
    metrics = {
        "questions": 3,
        "accuracy_overall": 2 / 3,
        "accuracy_answerable": 1 / 2,
        "strict_overall": 0.5,
        "strict_questions": 2,
        "accuracy_by_kind": {
            "count": {"n": 2, "accuracy": 0.5, "strict": 0.5},
            "unanswerable": {"n": 1, "accuracy": 1.0},
        },
        "abstention_accuracy": 1.0,
        "citation_hit_rate": 1.0,
        "citation_hit_answered": 1,
        "invalid_citations": 0,
        "retrieval_hit_at_1": 1.0,
        "retrieval_hit_at_5": 1.0,
        "latency_ms_p50": 10.0,
        "latency_ms_p95": 20.0,
    }
    text = format_metrics(metrics)
    assert "strict value accuracy     50.0%" in text
    assert "count" in text and "strict  50.0%" in text
    assert "unanswerable" in text
