"""Values by ranking: question analysis, candidates with their labels, the one scoring function, answers.

Reports are written by the tests (tests/factories.py); questions are our own wording.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.answer.candidates import Candidate, VType, report_candidates
from assistant.answer.extract import Choice, rank_targets, values_in_scope
from assistant.answer.rank import score
from assistant.answer.sections import find_section, problem_items, section_summary
from assistant.evaluate.scoring import states_no_other_number
from assistant.query import analyse, issuer_index
from assistant.query.vocabulary import unit_fit
from assistant.service import Assistant
from assistant.types import AnswerKind
from index.config import Settings
from index.tables import read_fee_facts, read_tables
from index.tables.labels import (
    T2_DECISIONS,
    T2_FEE_AMOUNT,
    T2_FEES,
    T2_ISSUED,
    T2_NORMATIVE,
    T2_PENALTY,
    T3_CARRIED_IN,
    T3_CARRIED_OUT,
    T3_DISCLOSED,
    T3_NATURAL,
    T3_NEW,
    T3_NOT_PROCESSED_LEAVES,
    T3_OTHER_LEAVES,
    T3_PARTLY,
    T3_UNABLE_LEAVES,
    T3_WITHHELD,
    T3_WITHHELD_LEAVES,
    T4_CORRECTED,
    T4_REVIEW,
    T4_SUIT_AFTER_REVIEW,
    T4_SUIT_DIRECT,
    T4_TOTAL,
    TABLE_FOUR,
    TABLE_THREE,
    TABLE_TWO,
)
from index.tables.model import Check
from index.text.searchform import build_search_form
from tests.factories import crawled_page_report, plain_report, template_report, write_report

K = AnswerKind

# ---------------------------------------------------------------- reading the question once


@pytest.mark.parametrize(
    ("question", "table", "row", "column"),
    [
        ("样例区新收了几件公开申请？", TABLE_THREE, T3_NEW, "总计"),
        ("今年受理的依申请公开有多少件", TABLE_THREE, T3_NEW, "总计"),
        ("上一年度转结过来的申请有多少件？", TABLE_THREE, T3_CARRIED_IN, "总计"),
        ("顺延到下一年办理的申请有几件", TABLE_THREE, T3_CARRIED_OUT, "总计"),
        ("办理结果里同意公开的有几件？", TABLE_THREE, T3_DISCLOSED, "总计"),
        ("部分公开的申请数有多少", TABLE_THREE, T3_PARTLY, "总计"),
        ("不公开的申请有多少件", TABLE_THREE, T3_WITHHELD, "总计"),
        ("公民个人提出的申请有几件？", TABLE_THREE, T3_NEW, T3_NATURAL),
        ("因为涉及國家秘密没公开的有几件", TABLE_THREE, T3_WITHHELD_LEAVES[0], "总计"),
        ("本机关不掌握相关信息的有几件", TABLE_THREE, T3_UNABLE_LEAVES[0], "总计"),
        ("重复申请不予处理的有多少件", TABLE_THREE, T3_NOT_PROCESSED_LEAVES[1], "总计"),
        ("没按收费通知交钱而不再处理的申请有几件", TABLE_THREE, T3_OTHER_LEAVES[1], "总计"),
        ("被申请复议了几次？", TABLE_FOUR, T4_REVIEW, T4_TOTAL),
        ("复议结果被纠正的有多少件", TABLE_FOUR, T4_REVIEW, T4_CORRECTED),
        ("作出了多少件行政处罚决定", TABLE_TWO, T2_PENALTY, T2_DECISIONS),
        ("行政事业性收费金额是多少万元", TABLE_TWO, T2_FEES, T2_FEE_AMOUNT),
        ("今年印发了几件规范性文件", TABLE_TWO, T2_NORMATIVE, T2_ISSUED),
    ],
)
def test_a_template_term_names_its_slot(question: str, table: str, row: str, column: str) -> None:
    target = analyse(question, []).targets[0]
    assert target.cell is not None, question
    assert target.cell.table == table
    assert row in target.cell.rows[0] or target.cell.rows[0] == (row,), (question, target.cell.rows)
    assert column in target.cell.columns[0], (question, target.cell.columns)


def test_a_bare_template_term_names_its_slot_and_other_things_counted_do_not() -> None:
    assert [t.cell.label if t.cell else None for t in analyse("本年共办结了多少件？", []).targets] == ["办理结果总计"]
    for question in ("12345热线办结了多少件？", "政务服务事项办结多少件", "收到了多少条留言？"):
        assert all(t.cell is None for t in analyse(question, []).targets), question


@pytest.mark.parametrize(
    "question",
    [
        "门户网站主动公开了多少条信息？",
        "公开了多少条行政处罚信息？",  # published items, not 表二 decisions
        "主动公开了几件规章？",  # prose, not 表二 制发
        "答复率是多少？",  # a percentage, not a count of applications
        "传真号码是多少？",
    ],
)
def test_words_that_name_no_slot(question: str) -> None:
    assert all(t.cell is None for t in analyse(question, []).targets), question


def test_several_values_asked_give_one_target_each() -> None:
    two = analyse("样例区2023年予以公开和部分公开分别是多少件？", []).targets
    assert [t.cell.row_label for t in two if t.cell] == ["予以公开", "部分公开"]
    assert all(t.unit == "件" for t in two)
    wh = analyse("发布了多少件政策文件和多少条政策解读？", []).targets
    assert [t.unit for t in wh] == ["件", "条"]
    channels = analyse("“样例发布”微信和微博各发布多少条？", []).targets
    assert len(channels) == 2 and "微博" not in channels[0].content and "微信" not in channels[1].content
    redress = analyse("因公开引发的行政复议和行政诉讼各几件", []).targets
    assert [t.cell.rows[0] for t in redress if t.cell] == [(T4_REVIEW,), (T4_SUIT_DIRECT, T4_SUIT_AFTER_REVIEW)]
    follow = analyse("行政复议有几件，其中纠正了几件？", []).targets
    assert [t.cell.columns[0] for t in follow if t.cell] == [(T4_TOTAL,), (T4_CORRECTED,)]
    together = analyse("通过官方微信、微博一共公开了多少条？", []).targets
    assert len(together) == 1  # one figure for both channels, no distributive word


@pytest.mark.parametrize(
    ("question", "kinds"),
    [
        ("地址和邮编各是什么？", [K.ADDRESS, K.POSTCODE]),
        ("传真电话多少", [K.FAX]),
        ("12345热线办件有多少件？", [K.COUNT]),
        ("信息公开要收费吗", [K.FEE]),
        ("事业性收费收了多少万元", [K.ADMIN_FEE]),
        ("年报的数据截至哪天？", [K.PERIOD_END]),
        ("统计时间段是什么", [K.PERIOD]),
        ("这份年报哪天挂网的", [K.DATE]),
        ("存在什么不足", [K.PROBLEM]),
        ("还有其他需要报告的事项吗", [K.OTHER_SECTION]),
        ("办公室在什么地方", [K.ADDRESS]),
        ("留了哪几个电话", [K.PHONE]),
        ("电子邮箱地址是什么", [K.EMAIL]),
        ("对年报有疑问该找哪个部门？", [K.CONTACT_ORG]),
        ("年报是由哪个单位编制的", [K.CONTACT_ORG]),
        ("考核办法的文号是多少", [K.GENERAL]),
        ("除了条例还依据了哪几个规定？", [K.GENERAL]),
        ("信息公开工作存在啥问题", [K.PROBLEM]),  # spoken question words read as the written ones
        ("办公室在哪儿", [K.ADDRESS]),
        ("年报啥时候发的", [K.DATE]),
    ],
)
def test_kind_cues(question: str, kinds: list[AnswerKind]) -> None:
    assert analyse(question, []).kinds == kinds


def test_content_words_drop_question_words_and_keep_template_terms_whole() -> None:
    target = analyse("请问2023年有多少件依申请公开结转下年度办理？", []).targets[0]
    keys = dict(target.keys)
    assert "#结转下年度" in keys and "#办结" not in keys  # 办理 belongs to 结转下年度办理
    assert not any(k in keys for k in ("多少", "请问", "少件"))
    assert analyse("收到过政府信息公开申请吗", []).yes_no


def test_units_that_answer_each_other() -> None:
    assert unit_fit("件", "份") == 1.0
    assert unit_fit("条", "篇") == 0.5
    assert unit_fit("篇", "个") == 0.5  # "多少篇解读" where the report counts "18个"
    assert unit_fit("件", "项") == 0.0
    assert unit_fit("件", "万元") == 0.0
    assert unit_fit(None, "条") == 1.0


# ---------------------------------------------------------------- candidates and their labels


def _values(text: str, report_id: str = "r") -> tuple[list[Candidate], object]:
    form = build_search_form(text)
    facts = read_tables(text, form).facts + read_fee_facts(text, form)
    values = report_candidates(report_id, text, form, [], facts)
    return values.candidates, (values, facts)


def _best(question: str, text: str) -> list[Choice | None]:
    _, (values, facts) = _values(text)
    return rank_targets(analyse(question, []).targets, values, facts)  # type: ignore[arg-type]


def test_a_label_decides_phone_or_fax() -> None:
    cands, _ = _values("联系电话：0797-5551234，传真：0797-5551235。咨询热线12345。")
    phones = {c.value: c.role for c in cands if c.vtype == VType.PHONE}
    assert phones == {"0797-5551234": "phone", "0797-5551235": "fax"}
    listed, _ = _values("联系电话：63857337、63851339。")
    assert [c.value for c in listed if c.vtype == VType.PHONE] == ["63857337", "63851339"]


def test_a_fax_the_report_never_gives_is_not_the_phone() -> None:
    text = plain_report()
    assert _best("传真号码是多少？", text) == [None]
    phone = _best("联系电话是多少？", text)[0]
    assert phone is not None and phone.best.cand.value == "0797-5551234"


def test_an_empty_value_is_no_answer() -> None:
    """A label with nothing after it ("地址：" in an empty table cell) gives no value: the question abstains."""
    for text in ("| 通信地址： | | 联系电话：0571-8888123 |\n", "办公地址：—— ——，联系电话0571-8888123。"):
        assert _best("办公地址在哪里？", text) == [None]
    found = _best("通信地址是什么？", "| 通信地址 | 示例省示例市人民路1号 |\n| 联系电话 | 0571-8888123 |\n")[0]
    assert found is not None and found.best.cand.value == "示例省示例市人民路1号"


def test_values_listed_after_a_distributive_word_get_one_item_each() -> None:
    cands, _ = _values("“样例发布”微信和微博分别发布信息903条、1207条。")
    heads = {c.value: c.head for c in cands if c.vtype == VType.NUMBER}
    assert "微信" in heads["903条"] and "微博" not in heads["903条"]
    assert "微博" in heads["1207条"] and "微信" not in heads["1207条"]
    choices = _best("微信和微博分别发布了多少条信息？", plain_report())
    assert [c.best.cand.value if c else None for c in choices] == ["903条", "1207条"]


def test_each_count_is_labelled_by_its_own_words() -> None:
    text = plain_report()
    expected = {
        "主动公开了多少条政府信息？": "2150条",
        "人事任免信息公开了几条？": "19条",
        "召开了几场新闻发布会？": "5场",
        "办结了多少件申请？": "25件",
        "在线访谈开展了几次？": "两次",
    }
    for question, value in expected.items():
        choice = _best(question, text)[0]
        assert choice is not None and choice.best.cand.value == value, question


def test_a_value_labelled_by_another_term_of_the_family_never_answers() -> None:
    text = "全年共受理申请17件，其中予以公开9件，不予公开2件。"
    choice = _best("予以公开的有多少件？", text)[0]
    assert choice is not None and choice.best.cand.value == "9件"
    assert _best("部分公开的有多少件？", text) == [None]
    carried = _best("上年结转的申请有几件？", "新收申请78件，结转下年度3件。")
    assert carried == [None]


def test_words_leading_a_list_label_each_item_and_an_item_keeps_only_its_own_term() -> None:
    text = "2024年，因2023年度信息公开申请引发行政复议3件、引发行政诉讼4件。"
    choices = _best("因信息公开引发的行政复议和行政诉讼各多少件？", text)
    assert [c.best.cand.value if c else None for c in choices] == ["3件", "4件"]
    listed = "办结申请60件，其中予以公开20件、占33%；不予公开15件、占25%；无法提供5件、占8%。"
    choice = _best("不予公开的申请有几件？", listed)[0]
    assert choice is not None and choice.best.cand.value == "15件"


def test_an_answer_label_starts_at_a_word() -> None:
    from assistant.answer.compose import tidy_label

    assert tidy_label("一是全年受理依申请公开") == "受理依申请公开"
    long_head = "围绕“示例产业高质量发展”“建设示例地区重要产业科技创新高地的若干政策”等新闻发布会"
    assert tidy_label(long_head) == "新闻发布会"


def test_unit_asked_is_a_filter() -> None:
    text = "可全程在线办理政务服务事项1512项，全年办理3328473件。"
    choice = _best("全年办理了多少件政务服务事项？", text)[0]
    assert choice is not None and choice.best.cand.value == "3328473件"
    assert _best("收到了多少件申请？", "梳理依申请公开事项清单12项。") == [None]


def test_negative_statements_answer_counts_and_fees() -> None:
    none = _best("收到政府信息公开申请了吗？", "2023年，本机关未收到政府信息公开申请。")[0]
    assert none is not None and none.best.cand.vtype == VType.NEGATIVE
    assert "未收到政府信息公开申请" in none.best.cand.value
    for words in ("本年度未发生收费情况", "全年零收费", "依申请公开不收取任何费用"):
        fee = _best("信息公开收费吗？", f"六、其他需要报告的事项\n{words}。")[0]
        assert fee is not None, words
        said = [c for c in (fee.best.cand, *fee.extra) if c.vtype == VType.NEGATIVE]
        assert said and said[0].value in words, words  # stated in the report's words


def test_dates_take_their_role_from_their_label_or_place() -> None:
    cands, _ = _values(crawled_page_report(published="2024-01-26 09:30", updated="2024-03-02 16:05"))
    roles = {c.value: c.role for c in cands if c.vtype == VType.DATE}
    assert roles["2024-01-26 09:30"] == "publish"
    assert roles["2024-03-02 16:05"] == "update"
    choice = _best("年报是哪天发布的？", crawled_page_report())[0]
    assert choice is not None and choice.best.cand.value.startswith("2024-01-26")
    dateline = _best("报告哪天发布的？", plain_report(year=2022))[0]
    assert dateline is not None and dateline.best.cand.value == "2023年2月15日"
    period = _best("统计期限是什么？", crawled_page_report(year=2023))[0]
    assert period is not None and period.best.cand.value.startswith("2023年1月1日")
    end = _best("数据截至哪一天？", crawled_page_report(year=2023))[0]
    assert end is not None and end.best.cand.vtype == VType.PERIOD


def test_a_website_is_given_with_the_name_written_before_it() -> None:
    choice = _best("电子版在哪个网站下载？", plain_report(issuer="样例县人民政府"))[0]
    assert choice is not None
    assert choice.best.cand.value == "样例县人民政府门户网站(www.example.gov.cn)"


def test_template_cells_outrank_prose_and_rejected_cells_are_never_used() -> None:
    text = template_report(year=2022, new_requests=12)
    choice = _best("本年新收政府信息公开申请多少件？", text)[0]
    assert choice is not None and choice.best.template and choice.best.cand.number == 12
    assert choice.extra and choice.extra[0].vtype == VType.NUMBER  # the prose saying 12件 too
    _, (values, facts) = _values(text)
    rejected = [dataclasses.replace(f, check=Check.FAILED) for f in facts]  # type: ignore[attr-defined]
    target = analyse("本年新收政府信息公开申请多少件？", []).targets[0]
    again = rank_targets([target], values, rejected)[0]  # type: ignore[arg-type]
    assert again is not None and not again.best.template  # falls back to the prose


def test_score_rules_out_wrong_shapes() -> None:
    cands, _ = _values(plain_report())
    fax = analyse("传真是多少", []).targets[0]
    assert all(score(fax, c) is None for c in cands)
    money = analyse("收取了多少元信息处理费", []).targets[0]
    assert all(score(money, c) is None for c in cands if c.unit in ("条", "件"))


def test_the_office_to_contact_and_the_body_that_compiled_the_report() -> None:
    text = "本报告由样例县人民政府办公室编制。如对本报告有疑问，请与样例县政务公开科联系（电话：0797-5551234）。"
    author = _best("年报是哪个部门编的？", text)[0]
    assert author is not None and author.best.cand.value == "样例县人民政府办公室"
    contact = _best("对报告有疑问该找哪个部门？", text)[0]
    assert contact is not None and contact.best.cand.value == "样例县政务公开科"


def test_titles_and_document_numbers_are_free_text_values() -> None:
    text = (
        "依据《样例省政府信息公开规定》和《样例市政务公开办法》，结合实际编制本报告。印发考核办法(样政办〔2023〕7号)。"
    )
    docnum = _best("考核办法的文号是多少？", text)[0]
    assert docnum is not None and docnum.best.cand.value == "样政办〔2023〕7号"
    titles = _best("编制年报依据了哪几个地方规定？", text)[0]
    assert titles is not None and "《样例市政务公开办法》" in titles.best.cand.value


# ---------------------------------------------------------------- sections 五 and 六


def test_problems_are_the_listed_items_not_the_measures() -> None:
    text = "五、存在的主要问题及改进情况\n一是公开内容不够全面；二是栏目更新不及时。下一步，我们将加强培训。"
    items = [words for _, _, words in problem_items(text, "五、存在的主要问题及改进情况")]
    assert items == ["公开内容不够全面", "栏目更新不及时"]
    sub = (
        "五、存在的主要问题及改进情况\n（一）存在的主要问题\n1.深度有待拓展；2.形式较为单一。\n"
        "（二）改进情况\n下一步，加强培训。"
    )
    assert [w for _, _, w in problem_items(sub, "五、存在的主要问题及改进情况")] == ["深度有待拓展", "形式较为单一"]
    prose = "五、存在的主要问题及改进情况\n工作取得了一定成效，但还存在信息更新不够及时的问题。下一步将改进。"
    assert "信息更新不够及时" in problem_items(prose, "五、存在的主要问题及改进情况")[0][2]
    assert [w for _, _, w in problem_items("五、存在的主要问题及改进情况\n无。")] == ["无"]
    six = section_summary("六、其他需要报告的事项\n无。", "六、其他需要报告的事项")
    assert six is not None and six[2] == "无"


def test_section_five_found_by_its_heading_when_the_page_is_one_line() -> None:
    page = (
        "本报告共分6个部分：总体情况、存在的主要问题及改进情况、其他需要报告的事项。一、总体情况 全年公开信息5条。"
        "五、存在的主要问题及改进情况2023年工作取得成效，但仍存在一些不足，如：队伍建设有待加强；答复质量待进一步提升。"
        "下一步整改措施：一是加强培训。六、其他需要报告的事项 无。"
    )
    found = find_section(page, problems=True)
    assert found is not None and found[2].startswith("五、存在的主要问题")  # not the outline sentence
    items = [w for _, _, w in problem_items(found[1], found[2])]
    assert any("队伍建设有待加强" in w for w in items) and any("答复质量待进一步提升" in w for w in items)
    assert not any("加强培训" in w for w in items)
    other = find_section(page, problems=False)
    assert other is not None and section_summary(other[1], other[2])[2] == "无"  # type: ignore[index]


# ---------------------------------------------------------------- answers from a real index


@pytest.fixture(scope="module")
def values_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    from index.ingest import Indexer

    root = tmp_path_factory.mktemp("values")
    reports = root / "reports"
    write_report(reports, "crawled-2023.txt", crawled_page_report(issuer="样例市生态环境局", year=2023))
    write_report(reports, "plain-2022.txt", plain_report(issuer="样例县人民政府", year=2022))
    write_report(
        reports,
        "plain-2021.txt",
        plain_report(issuer="样例县人民政府", year=2021, section_five="无。", fee_words="全年收取信息处理费80元"),
    )
    write_report(reports, "table-2022.txt", template_report(issuer="示例市示例区人民政府", year=2022))
    # fees: a clause about reductions (减免) beside the one saying what was charged
    write_report(
        reports,
        "fees-2022.txt",
        template_report(
            issuer="如东县人民政府",
            year=2022,
            extra="对2名生活困难的申请人减免信息处理费共计60元。",
            info_fee="本年度依规收取信息处理费150元。",
        ),
    )
    write_report(
        reports,
        "fees-2023.txt",
        template_report(
            issuer="如东县人民政府",
            year=2023,
            extra="对生活困难的申请人依法减免费用，全年减免费用0元。",
            info_fee="本年度本机关没有收取信息处理费。",
        ),
    )
    settings = Settings.from_env().with_(data_dir=root / "data")
    results = Indexer(settings).ingest([reports])
    assert all(r.ok for r in results), [(r.source, r.error) for r in results]
    assistant = Assistant(settings)
    assistant.warm_up()
    yield assistant


def _verified(a: Assistant, answer) -> None:  # type: ignore[no-untyped-def]
    assert not answer.abstained, answer.answer
    assert answer.citations
    for c in answer.citations:
        assert a.texts.text(c.report_id)[c.start : c.end] == c.quote


@pytest.mark.parametrize(
    ("question", "value"),
    [
        ("样例市生态环境局2023年通过门户网站主动公开了多少条信息？", "415条"),
        ("样例市生态环境局2023年微博发布了多少条？", "118条"),
        ("样例市生态环境局2023年一共受理了几件申请？", "17件"),
        ("样例市生态环境局2023年无法提供的有几件？", "3件"),
        ("样例市生态环境局2023年有几件申请要结转到下一年？", "1件"),
        ("截至2023年底样例市生态环境局累计公开了多少条环评审批信息？", "1380条"),
        ("样例县2022年主动公开了多少条政府信息？", "2150条"),
        ("示例区2022年予以公开多少件？", "10件"),
        ("示例区2022年行政事业性收费金额是多少？", "35.2万元"),
    ],
)
def test_one_value_with_unit_issuer_and_year(values_index: Assistant, question: str, value: str) -> None:
    answer = values_index.ask(question)
    _verified(values_index, answer)
    assert value in answer.answer
    assert answer.issuer and answer.issuer in answer.answer and str(answer.year) in answer.answer
    assert states_no_other_number(answer.answer, value, question), answer.answer  # no second figure


def test_two_values_each_cited(values_index: Assistant) -> None:
    answer = values_index.ask("样例市生态环境局2023年予以公开和部分公开分别有几件？")
    _verified(values_index, answer)
    assert "予以公开9件" in answer.answer and "部分公开3件" in answer.answer
    assert states_no_other_number(answer.answer, "9件|3件", "")


def test_contacts_dates_and_fees_in_the_reports_words(values_index: Assistant) -> None:
    phones = values_index.ask("样例市生态环境局2023年年报留了哪几个电话？")
    _verified(values_index, phones)
    assert "0571-87650001" in phones.answer
    assert values_index.ask("样例县2022年政府信息公开的传真号码是多少？").abstained
    date = values_index.ask("样例市生态环境局2023年年报是什么时候发布的？")
    _verified(values_index, date)
    assert "2024-01-26" in date.answer and "2024-03-02" not in date.answer
    fee = values_index.ask("样例市生态环境局2023年信息公开收费了吗？")
    _verified(values_index, fee)
    assert fee.answer.startswith("没有。") and "未发生收费" in fee.answer  # a yes/no question is answered yes or no
    charged = values_index.ask("样例县2021年收取了多少信息处理费？")
    assert "80元" in charged.answer
    assert values_index.ask("样例县2021年是否收取了信息处理费？").answer.startswith("有。")


@pytest.mark.parametrize(
    ("question", "start", "said", "unsaid"),
    [
        ("如东县2022年收信息处理费了吗？收了多少？", "有。", "150元", "60元"),
        ("如东县2022年信息公开收费了吗", "有。", "150元", "60元"),
        ("如东县2022年信息处理费一共收了多少钱", "", "150元", "60元"),
        ("如东县收信息处理费了吗？收了多少？", "没有。", "没有收取信息处理费", "减免"),  # no year: the latest
        ("如东县信息公开收费了吗", "没有。", "没有收取信息处理费", "减免"),
        ("如东县2022年减免了多少信息处理费", "", "60元", "150元"),  # asked about the reduction itself
    ],
)
def test_a_fee_is_answered_from_what_was_charged_not_a_reduction(
    values_index: Assistant, question: str, start: str, said: str, unsaid: str
) -> None:
    answer = values_index.ask(question)
    _verified(values_index, answer)
    assert answer.answer.startswith(start) and said in answer.answer and unsaid not in answer.answer, answer.answer


@pytest.mark.parametrize(
    ("question", "year"),
    [
        ("如东县有几件申请拖到2024年才办？", 2023),  # the year dates the event: the latest report
        ("如东县2022年有多少申请结转到2023年办理", 2022),
        ("截至2019年底如东县主动公开了多少条政府信息", 2023),  # no report of 2019 is asked for
    ],
)
def test_a_year_that_dates_an_event_does_not_choose_the_report(
    values_index: Assistant, question: str, year: int
) -> None:
    answer = values_index.ask(question)
    _verified(values_index, answer)
    assert answer.year == year and "没有" not in answer.answer, answer.answer


def test_problems_and_empty_sections(values_index: Assistant) -> None:
    problems = values_index.ask("样例县2022年政府信息公开工作存在哪些不足？")
    _verified(values_index, problems)
    assert "公开内容不够全面" in problems.answer and "完善制度" not in problems.answer
    none = values_index.ask("样例县2021年政府信息公开工作存在哪些问题？")
    _verified(values_index, none)
    assert re.search(r"问题：无", none.answer)
    six = values_index.ask("样例县2022年有其他需要报告的事项吗？")
    _verified(values_index, six)
    assert "无" in six.answer


def test_across_years_one_value_per_report(values_index: Assistant) -> None:
    answer = values_index.ask("样例县2021年到2022年主动公开政府信息条数的变化")
    _verified(values_index, answer)
    assert {c.year for c in answer.citations} == {2021, 2022}
    assert answer.answer.index("2021年") < answer.answer.index("2022年")


def test_unanswerable_values_abstain(values_index: Assistant) -> None:
    for question in (
        "样例县2022年负责信息公开的专职人员有几名？",
        "示例区2022年信息公开的微博粉丝有多少人？",
    ):
        answer = values_index.ask(question)
        assert answer.abstained and not answer.citations, (question, answer.answer)


def test_ask_is_fast_once_warm(values_index: Assistant, tmp_path: Path) -> None:
    for _ in range(2):
        values_index.ask("样例县2022年主动公开了多少条政府信息？")
    answer = values_index.ask("样例县2022年主动公开了多少条政府信息？")
    assert answer.timings_ms["answer"] < 200  # candidates are built once per report, then only scored


def test_a_short_form_of_the_body_after_its_place_is_no_content() -> None:
    """ "福州" named the body; "示贸片区管委会" abbreviates the rest of its name: no content words."""
    from assistant.query import _name_spans

    name = "中国(示例)示范贸易区福州片区管理委员会"
    question = "福州示贸片区管委会2024年网站主动公开了几条信息"
    assert _name_spans(question, [(0, 2)], [name]) == [(0, 9)]
    assert _name_spans("福州片区办理了多少件", [(0, 2)], ["福州片区管理办公室"]) == [(0, 4)]  # 办 alone is no name
    assert _name_spans("福州网站主动公开", [(0, 2)], [name]) == [(0, 2)]


def test_a_typed_value_of_a_named_report_is_found_without_embedding_the_question(values_index: Assistant) -> None:
    """Every value of the named report is ranked, so BM25 alone orders ties; free text keeps the vectors."""
    reports = list(values_index.store.snapshot().reports)
    scoped = analyse("样例县2022年主动公开了多少条政府信息？", reports, index=issuer_index(values_index.store))
    assert scoped.report_ids and values_in_scope(scoped)
    free = analyse("样例县2022年依据了哪些规定？", reports, index=issuer_index(values_index.store))
    assert not values_in_scope(free)
    assert not values_in_scope(analyse("主动公开了多少条政府信息？", []))
    answer = values_index.ask("样例县2022年主动公开了多少条政府信息？")
    _verified(values_index, answer)
    assert "2150条" in answer.answer


SHARED_EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"


@pytest.mark.skipif(not (SHARED_EVAL / "huaian-2024.pdftotext.txt").is_file(), reason="shared eval not present")
def test_a_complete_report_flattened_by_pdftotext() -> None:
    from assistant.answer.compose import statement

    text = (SHARED_EVAL / "huaian-2024.pdftotext.txt").read_text(encoding="utf-8")
    expected = {
        "2024年全市共受理了多少件政府信息公开申请？": "3119件",
        "2024年政府信息公开行政复议中结果被纠正的有多少件？": "64件",
        "2024年行政事业性收费金额是多少？": "96171.6万元",
        "2024年收取了多少政府信息公开信息处理费？": "3940元",
        "2024年行政处罚有多少件？": "3985758件",
        "2024年不予公开多少件？": "178件",
        "2024年行政诉讼多少件？": "46件",
    }
    _, (values, facts) = _values(text, "huaian")
    for question, value in expected.items():
        analysis = analyse(question, [])
        choice = rank_targets(analysis.targets, values, facts)[0]  # type: ignore[arg-type]
        assert choice is not None, question
        said = statement(choice.target, choice.best.cand, set(), choice.extra)
        assert value in said.text, (question, said.text)
        assert states_no_other_number(said.text, value, question), said.text
        for _, start, end in said.spans:
            assert 0 <= start < end <= len(text)
    assert rank_targets(analyse("传真号码是多少？", []).targets, values, facts) == [None]  # type: ignore[arg-type]


def test_an_llm_answer_sees_the_cited_passage_and_falls_back_when_ungrounded(values_index: Assistant) -> None:
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel

    question = "样例县2022年主动公开了多少条政府信息？"
    extractive = values_index.ask(question)
    assert "2150条" in extractive.answer
    seen: list[str] = []

    class Recording(GenericFakeChatModel):
        def _generate(self, messages, stop=None, run_manager=None, **kwargs):  # type: ignore[no-untyped-def]
            seen.append(str(messages[-1].content))
            return super()._generate(messages, stop=stop, run_manager=run_manager, **kwargs)

    values_index._chat_model, values_index._chat_model_loaded = (
        Recording(messages=iter(["全县主动公开政府信息2150条[1]。"])),
        True,
    )
    try:
        grounded = values_index.ask(question, use_llm=True)
        assert grounded.method == "llm" and "2150条" in grounded.answer
        assert "2150条" in seen[0]  # the passage the extractive answer cites is given to the model
        values_index._chat_model = Recording(messages=iter(["全县主动公开政府信息9999条[1]。"]))
        fallback = values_index.ask(question, use_llm=True)
        assert fallback.method == "extractive" and fallback.answer == extractive.answer
    finally:
        values_index._chat_model, values_index._chat_model_loaded = None, False
