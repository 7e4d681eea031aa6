"""Grounding of LLM answers: markers, number normalisation, and the exact rejection branches."""

from __future__ import annotations

import pytest

from assistant.llm.grounding import answer_numbers, check_grounding, markers, normalize
from assistant.types import Passage
from tests.factories import SEED_REPORT, seed_passage


@pytest.fixture(scope="module")
def passages() -> list[Passage]:
    text = SEED_REPORT.read_text(encoding="utf-8")
    contact = seed_passage(
        text, "(地址:龍城大道1280號行政中心3號樓B座223室;郵編:213022;電話:0519-85685811;傳真:0519-85685800)", 1
    )
    fees = seed_passage(text, "本年度政府信息公開事項未收取任何費用。\n常州市機關事務管理局 2022年1月10日", 2)
    active = seed_passage(text, "2021年,市機關事務管理局主動公開各類政府信息1300余條", 3)
    return [contact, fees, active]


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("2022年1月10日", "2022-1-10"),
        ("2022-01-10", "2022-1-10"),
        ("2022/1/10", "2022-1-10"),
        ("2022年1月", "2022-1"),
        ("電話：0519—85685811", "电话:0519-85685811"),
        ("０５１９－８５６８５８１１", "0519-85685811"),
        ("共 1,234 件", "共1234件"),
        ("2021年12.5万元", "2021年12.5万元"),
    ],
)
def test_normalize(raw: str, folded: str) -> None:
    assert normalize(raw) == folded


def test_markers_in_order_of_first_appearance() -> None:
    assert markers("传真见【2】，电话见[1, 3]，又见［２］[1]") == [2, 1, 3]
    assert markers("没有标注") == []


def test_answer_numbers_skip_markers_and_ordinals() -> None:
    text = "1. 电话0519-85685811[1]\n2、收到12件[2]（3）其中[3]"
    assert answer_numbers(text) == ["0519-85685811", "12"]


def test_correct_answer_passes(passages: list[Passage]) -> None:
    verdict = check_grounding("电话是0519-85685811，传真是0519-85685800[1]。", passages, "常州市机关事务管理局的电话？")
    assert verdict.ok, verdict.reason
    assert verdict.cited == [1]


def test_traditional_and_width_variants_pass(passages: list[Passage]) -> None:
    verdict = check_grounding("電話：０５１９—８５６８５８１１【1】", passages)
    assert verdict.ok, verdict.reason


def test_chinese_date_matches_report_date(passages: list[Passage]) -> None:
    assert check_grounding("报告于2022-01-10发布[2]。", passages).ok
    assert check_grounding("报告于2022年1月10日发布[2]。", passages).ok
    assert not check_grounding("报告于2022年1月11日发布[2]。", passages).ok


def test_made_up_phone_is_rejected(passages: list[Passage]) -> None:
    verdict = check_grounding("电话是0519-85685812[1]。", passages)
    assert not verdict.ok
    assert verdict.reason is not None and "0519-85685812" in verdict.reason


def test_number_must_be_in_a_cited_passage(passages: list[Passage]) -> None:
    # 1300 is in passage 3, but the answer only cites passage 1.
    verdict = check_grounding("主动公开信息1300余条[1]。", passages)
    assert not verdict.ok and "1300" in (verdict.reason or "")
    assert check_grounding("主动公开信息1300余条[3]。", passages).ok


def test_part_of_a_number_is_not_support(passages: list[Passage]) -> None:
    assert not check_grounding("共130条[3]。", passages).ok  # 130 is a prefix of 1300
    assert not check_grounding("邮编21302[1]。", passages).ok


def test_phone_with_space_instead_of_dash(passages: list[Passage]) -> None:
    assert check_grounding("电话 0519 85685811 [1]", passages).ok


def test_marker_to_passage_not_given_is_rejected(passages: list[Passage]) -> None:
    verdict = check_grounding("电话是0519-85685811[4]。", passages)
    assert not verdict.ok
    assert verdict.reason == "cites [4] but only passages [1]..[3] were given"
    assert not check_grounding("电话是0519-85685811[0]。", passages).ok


def test_no_marker_is_rejected(passages: list[Passage]) -> None:
    verdict = check_grounding("电话是0519-85685811。", passages)
    assert not verdict.ok and "no citation marker" in (verdict.reason or "")
    assert not check_grounding("报告中未找到相关信息。", passages).ok
    assert check_grounding("   ", passages).reason == "empty answer"


def test_question_year_and_passage_year_are_exempt(passages: list[Passage]) -> None:
    # 2023 is named in the question; 2021 is the cited passage's year.
    assert check_grounding("2023年的报告未收取任何费用[2]。", passages, "2023年收费了吗").ok
    assert check_grounding("2021年度未收取任何费用[2]。", passages, "收费了吗").ok
    assert not check_grounding("2019年度未收取任何费用[2]。", passages, "收费了吗").ok


def test_small_numbers_are_still_checked(passages: list[Passage]) -> None:
    assert not check_grounding("共有7项制度[3]。", passages).ok
