"""Issuers by evidence: the names of a report, parsing of issuer/year/date, and question -> report resolution.

The resolution tests read reports the tests write the way ingest does (search form, parse, names) into
an issuer index, then ask in the short forms citizens use. End-to-end checks through the real store are
at the bottom.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.query.issuers import IssuerIndex, ReportScope, issuer_index, resolve_reports
from assistant.service import Assistant
from index.config import Settings
from index.identity.names import distinctive, split_issuer, text_places
from index.identity.store import name_rows
from index.identity.vocab import vocabulary
from index.ingest import Indexer
from index.parse import parse_report
from index.parse.metadata import find_issuer, find_year, metadata_rows
from index.storage.catalogue import ReportRecord
from index.text.searchform import build_search_form, fold_query
from tests.factories import self_referring_report, template_report, write_report

# ---------------------------------------------------------------------------------------------- names


def test_an_issuer_name_is_read_into_places_with_stems_and_levels_and_an_organ() -> None:
    name = split_issuer("镇江市润州区七里甸街道办事处")
    assert [(p.name, p.stem, p.level) for p in name.places] == [
        ("镇江市", "镇江", 2),
        ("润州区", "润州", 3),
        ("七里甸街道", "七里甸", 4),
    ]
    assert [p.name for p in name.ancestors] == ["江苏省"]
    assert (name.organ, name.organ_class) == ("办事处", "government")

    dept = split_issuer("沭阳县发展和改革局")
    assert [p.name for p in dept.ancestors] == ["江苏省", "宿迁市"]  # implied by the gazetteer
    assert {"发改局", "发展改革局"} <= set(dept.organ_keys)

    zone = split_issuer("镇江经济技术开发区管理委员会")
    assert zone.places[0].kind == "zone" and "镇江经开区" in zone.places[0].keys
    assert (zone.organ, zone.organ_class) == ("管理委员会", "government")

    second = split_issuer("中国(福建)自由贸易试验区福州片区管理委员会(福州保税港区管理委员会)")
    assert "福州保税港区管理委员会" in second.aliases
    assert "福州片区" in [p.name for p in second.places]
    assert "福州保税港区" in [p.name for p in second.alternate_places]


def test_short_forms_are_data_and_generic_words_never_distinctive() -> None:
    organs = vocabulary().organs
    assert organs["卫生健康委员会"].shorts == ("卫健委",)
    assert "科委" in organs["科学技术委员会"].shorts and organs["管理委员会"].shorts == ("管委会",)
    for word in ("人民政府", "政府办", "人民政府办公室政府信息公开", "信息公开办公室", "管委会办公室"):
        assert not distinctive(word), word
    for word in ("机关事务局", "卫健委", "长江大学"):
        assert distinctive(word), word
    # a body whose only distinctive part is its office's name: 信息公开 never decides
    rows = name_rows("丽水市人民政府办公室政府信息公开中心", "")
    assert all(detail == "generic" for kind, _n, _s, _l, detail in rows if kind == "organ_key")


def test_a_report_without_an_issuer_keeps_the_places_its_text_names() -> None:
    text = self_referring_report("句容市")
    form = build_search_form(text)
    assert "句容市" in text_places(form.text)
    rows = name_rows(None, form.text)
    assert ("text_place", "句容市") in [(r[0], r[1]) for r in rows]


# ---------------------------------------------------------------------------------------------- parsing


def _issuer(text: str) -> str | None:
    return parse_report(text, build_search_form(text)).issuer


def test_page_metadata_rows_are_read_line_by_line() -> None:
    head = build_search_form(
        "标题: 示例县2023年度政府信息公开工作年度报告\n发布时间: 2024-01-20 15:22\n发布机构: \n栏目: 政府信息公开年报\n"
        "| 索引号: | 000/2024-01 | 发文日期: | 2024-01-19 | 发布机构: | 示例县人民政府办公室 |\n"
    ).text
    rows = metadata_rows(head)
    assert rows["标题"] == "示例县2023年度政府信息公开工作年度报告"
    assert rows["发布机构"] == "示例县人民政府办公室"  # the empty one is skipped, never "栏目"
    assert rows["发文日期"] == "2024-01-19"


def test_crawled_page_title_naming_a_zone_means_its_management_committee() -> None:
    page = (
        "标题: 镇江综合实验区2021年度政府信息公开工作年度报告\n发布时间: 2022-02-08 16:34\n发布机构: \n"
        "栏目: 政府信息公开年报\n==== 正文 ====\n当前位置： 首页政务公开 来源：镇江市人民政府\n"
        "根据《条例》要求，推进“中介超市”建设，区管委会办公室编制完成了本报告。本报告所列数据的统计期限自2021年1月1日起至2021年12月31日止。"
    )
    form = build_search_form(page)
    parsed = parse_report(page, form)
    assert (parsed.issuer, parsed.year, parsed.publish_date) == ("镇江综合实验区管理委员会", 2021, "2022-02-08")


def test_clause_and_chrome_candidates_are_rejected_or_cut() -> None:
    s = build_search_form(
        "本报告依据条例编制。如对本报告有疑问，请与淮安市洪泽区人民政府办公室联系（电话：0517-1）。"
    ).text
    assert find_issuer(s, None) == "淮安市洪泽区人民政府"  # 请与 cut; the office stands for the government
    for title_issuer in ("【2019】第3号", "由市人民政府办公厅", "办结市级事项", "栏目"):
        assert find_issuer(build_search_form("正文没有写明发布机关。").text, title_issuer) is None


def test_relative_issuer_takes_the_place_the_text_names_and_short_forms_are_written_out() -> None:
    text = (
        "标   题 县政府办2022年度政府信息公开工作年度报告\n发布机构 县政府办公室\n"
        "本报告电子版通过宁陵县人民政府网站全文公开。2022年，宁陵县人民政府办公室坚持公开为常态。"
        "统计期限为2022年1月1日至2022年12月31日。"
    )
    assert _issuer(text) == "宁陵县人民政府办公室"
    assert _issuer("2024年示例市科委政府信息公开工作\n年度报告\n正文。") == "示例市科学技术委员会"


def test_township_office_stands_for_its_government_with_the_county_the_text_writes() -> None:
    text = (
        "根据条例要求，编制2021年度沙河镇人民政府信息公开年度报告。统计期限自2021年1月1日起至2021年12月31日止。"
        "如有疑问，请与开平市沙河镇党政综合办公室联系（地址：开平市沙河镇一路1号）。"
    )
    assert _issuer(text) == "开平市沙河镇人民政府"


def test_school_year_report_takes_the_year_its_period_ends() -> None:
    s = build_search_form("示例大学学校办公室结合学校工作实际编制本报告，统计期限为2019年9月1日-2020年8月31日。").text
    assert find_year(s) == 2020
    assert find_issuer(s, None) == "示例大学"


# ---------------------------------------------------------------------------------------------- resolution


def _record(report_id: str, issuer: str | None, year: int | None) -> ReportRecord:
    return ReportRecord.bare(report_id, f"{report_id}.txt", issuer, year, chunk_count=1)


#: (report id, issuer written in the report, year); None: the report names itself only as 我局.
BODIES = [
    ("wjw22", "镇江市卫生健康委员会", 2022),
    ("wjw23", "镇江市卫生健康委员会", 2023),
    ("kw23", "镇江市科学技术委员会", 2023),
    ("city23", "镇江市人民政府", 2023),
    ("rz23", "镇江市润州区人民政府", 2023),
    ("rzfg23", "镇江市润州区发展和改革局", 2023),
    ("zone23", "镇江经济技术开发区管理委员会", 2023),
    ("street23", "镇江市润州区七里甸街道办事处", 2023),
    ("office21", "丹阳市人民政府办公室", 2021),
    ("market23", "镇江市市场监督管理局", 2023),
    ("audit23", None, 2023),
]


@pytest.fixture(scope="module")
def index() -> IssuerIndex:
    """The index of reports the tests write, each parsed as ingest parses it."""
    records, names = [], {}
    for report_id, issuer, year in BODIES:
        text = self_referring_report("句容市", year) if issuer is None else template_report(issuer=issuer, year=year)
        form = build_search_form(text)
        parsed = parse_report(text, form)
        assert (parsed.issuer, parsed.year) == (issuer, year), report_id
        records.append(_record(report_id, parsed.issuer, parsed.year))
        names[report_id] = name_rows(parsed.issuer, form.text)
    return IssuerIndex(records, names)


def _ask(index: IssuerIndex, question: str, **kwargs: object) -> ReportScope:
    return resolve_reports(fold_query(question), index, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("镇江市科委2023年新收了几件申请？", "kw23"),
        ("镇江科委去年的电话", "kw23"),
        ("镇江卫健委2022年的传真号码", "wjw22"),
        ("镇江经开区管委会2023年收到几件申请", "zone23"),
        ("七里甸街道2023年的联系电话是多少", "street23"),  # a street office without its district
        ("润州区政府2023年主动公开了多少条", "rz23"),  # 区政府 for 区人民政府
        ("润州区2023年主动公开了多少条", "rz23"),  # the place only: its government, not its 发改局
        ("润州区发改局2023年的电话", "rzfg23"),  # two bodies of one place: the organ named
        ("润州区七里甸街道2023年的地址", "street23"),  # an indexed street after its district
        ("润州区各乡镇2023年主动公开了多少条", "rz23"),  # 乡镇 is no township's name
        ("镇江市2023年的政府信息公开申请有多少", "city23"),  # not a 卫健委, 科委 or a district of the city
        ("丹阳市政府办公室2021年的地址", "office21"),
        ("镇江市场监管局2023年收到几件申请", "market23"),  # the city's 市 written once: 镇江 + 市场监管局
        ("镇江市市场监管局2023年的电话", "market23"),
        ("镇江市政府2023年主动公开了多少条", "city23"),  # 市政府 is no organ starting with the unit
        ("丹阳市2021年的地址", "office21"),  # the government's office stands in for the place
        ("句容市审计局2023年的联系电话", "audit23"),  # names itself only as 我局; its text names 句容市
    ],
)
def test_short_form_questions_find_their_report(index: IssuerIndex, question: str, expected: str) -> None:
    scope = _ask(index, question)
    assert scope.report_ids[:1] == [expected], (question, scope)
    assert not scope.unknown_mentions and not scope.missing_year


def test_no_year_means_the_latest_report_and_says_so(index: IssuerIndex) -> None:
    scope = _ask(index, "镇江市卫健委的联系电话是多少")
    assert scope.report_ids == ["wjw23"] and scope.year == 2023 and scope.year_inferred
    assert scope.available_years == [2022, 2023]


def test_a_year_the_body_lacks_is_missing_with_the_years_it_has(index: IssuerIndex) -> None:
    scope = _ask(index, "镇江市卫健委2020年收到多少申请")
    assert scope.missing_year and scope.report_ids == [] and scope.available_years == [2022, 2023]
    assert scope.issuers == ["镇江市卫生健康委员会"]


def test_a_range_of_years_keeps_every_report_in_it(index: IssuerIndex) -> None:
    scope = _ask(index, "镇江市卫健委2022年到2023年收到多少申请")
    assert sorted(scope.report_ids) == ["wjw22", "wjw23"] and scope.year is None


@pytest.mark.parametrize(
    ("question", "unknown"),
    [
        ("镇江市丹徒区2023年收到多少申请", "镇江市丹徒区"),  # another district: 润州区 contradicts, the city is above
        ("南京市科委2023年收到多少申请", "南京市科委"),  # another city of the same level
        ("润州区教育局2023年的电话", "润州区教育局"),  # another organ of an indexed place
        ("润州区宝塔路街道2023年收到多少申请", "润州区宝塔路街道"),  # a street below the district, not indexed
        ("镇江市润州区金山镇的电话是多少", "镇江市润州区金山镇"),
        ("润州区和平街道办事处的地址", "润州区和平街道办事处"),
        ("示例县统计局的联系电话是多少", "示例县统计局"),  # a division no gazetteer lists: not another 统计局
        ("示例市人民政府2023年收到多少申请", "示例市人民政府"),
    ],
)
def test_a_body_no_report_carries_is_unknown(index: IssuerIndex, question: str, unknown: str) -> None:
    scope = _ask(index, question)
    assert scope.report_ids == [] and scope.unknown_mentions == [unknown], scope


def test_generic_words_never_decide(index: IssuerIndex) -> None:
    scope = _ask(index, "政府信息公开办公室的电话是多少？")
    assert scope.report_ids == [] and not scope.issuer_mentioned and not scope.unknown_mentions
    scope = _ask(index, "2023年人民政府办公室收到多少申请")
    assert not scope.issuer_mentioned and scope.matched_by == "year"


def test_question_words_before_a_unit_name_no_place(index: IssuerIndex) -> None:
    for question in ("哪个区政府2023年收到的申请最多", "全市2023年收到多少申请", "各乡镇2023年主动公开了多少条"):
        scope = _ask(index, question)
        assert not scope.unknown_mentions and scope.matched_by == "year", (question, scope)


def test_mention_spans_cover_the_issuer_words(index: IssuerIndex) -> None:
    folded = fold_query("润州区政府办2023年收到多少申请")
    scope = resolve_reports(folded, index)
    assert [folded[s:e] for s, e in scope.mention_spans] == ["润州区政府办"]


def test_follow_up_keeps_the_issuer_and_year_of_the_previous_turn(index: IssuerIndex) -> None:
    scope = _ask(index, "那传真呢？", context={"issuer": "镇江市卫生健康委员会", "year": 2022})
    assert scope.report_ids == ["wjw22"] and scope.matched_by == "context"
    # a question that names another body does not follow the context
    scope = _ask(index, "镇江市科委的传真呢？", context={"issuer": "镇江市卫生健康委员会", "year": 2022})
    assert scope.report_ids == ["kw23"]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("镇江市卫健委有几件申请拖到2024年才办", "wjw23"),  # no report year asked: the latest report
        ("镇江市卫健委2022年有几件申请结转到2023年办理", "wjw22"),
        ("截至2021年底镇江市卫健委累计公开了多少条", "wjw23"),  # 2021 dates the total, it is not asked
        ("镇江卫健委2020年前受理的申请有几件顺延至2023年", "wjw23"),
    ],
)
def test_a_year_that_dates_an_event_is_not_the_report_year(index: IssuerIndex, question: str, expected: str) -> None:
    scope = _ask(index, question)
    assert scope.report_ids[:1] == [expected] and not scope.missing_year, (question, scope)


#: Organs of one kind at two levels: a county's under its city, a district's, and a city's own.
LEVELS = [
    ("byscj23", "扬州市宝应县市场监督管理局", 2023),
    ("jdwjw23", "江都区卫生健康委员会", 2023),
    ("tzscj23", "泰州市市场监督管理局", 2023),
]


@pytest.fixture(scope="module")
def levels() -> IssuerIndex:
    records, names = [], {}
    for report_id, issuer, year in LEVELS:
        text = template_report(issuer=issuer, year=year)
        form = build_search_form(text)
        parsed = parse_report(text, form)
        records.append(_record(report_id, parsed.issuer, parsed.year))
        names[report_id] = name_rows(parsed.issuer, form.text)
    return IssuerIndex(records, names)


@pytest.mark.parametrize(
    ("question", "unknown"),
    [
        ("扬州市市场监督管理局2023年收到多少申请", "扬州市市场监督管理局"),  # only the county's organ is indexed
        ("扬州卫健委的电话", "扬州卫健委"),  # the city by its stem
        ("扬州市卫健委2023年的传真", "扬州市卫健委"),  # only a district's 卫健委
        ("扬州市政府2023年主动公开了多少条", "扬州市政府"),  # the city's government, not a county body
        ("泰州市海陵区市场监管局的电话", "泰州市海陵区市场监管局"),  # the reverse: only the city's organ
        ("海陵区市场监督管理局2023年收到多少申请", "海陵区市场监督管理局"),
    ],
)
def test_an_organ_named_after_a_place_is_that_places_own(levels: IssuerIndex, question: str, unknown: str) -> None:
    scope = _ask(levels, question)
    assert scope.report_ids == [] and scope.unknown_mentions == [unknown], scope


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("宝应县市场监管局2023年收到多少申请", "byscj23"),
        ("扬州市宝应县市场监督管理局的电话", "byscj23"),
        ("宝应县2023年收到多少申请", "byscj23"),  # the county place alone: its indexed body
        ("扬州市江都区卫健委的传真", "jdwjw23"),
        ("泰州市市场监管局2023年的电话", "tzscj23"),
    ],
)
def test_the_organ_of_the_place_named_is_found(levels: IssuerIndex, question: str, expected: str) -> None:
    scope = _ask(levels, question)
    assert scope.report_ids[:1] == [expected] and not scope.unknown_mentions, scope


def test_the_explicit_issuer_filter_is_exact(index: IssuerIndex) -> None:
    scope = _ask(index, "电话是多少？", issuer="镇江市润州区发展和改革局")
    assert scope.report_ids == ["rzfg23"] and scope.matched_by == "filter"
    assert _ask(index, "电话是多少？", issuer="不存在的局").unknown_mentions == ["不存在的局"]


# ---------------------------------------------------------------------------------------------- end to end


@pytest.fixture(scope="module")
def store_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    root = tmp_path_factory.mktemp("issuers-e2e")
    reports = root / "reports"
    write_report(reports, "wjw-2022.txt", template_report("镇江市卫生健康委员会", 2022, phone="0511-22220000"))
    write_report(reports, "wjw-2023.txt", template_report("镇江市卫生健康委员会", 2023, phone="0511-33330000"))
    write_report(reports, "self-2023.txt", self_referring_report("句容市", 2023, phone="0511-87654321"))
    write_report(reports, "jk-2023.txt", template_report("镇江市京口区市场监督管理局", 2023, phone="0511-44440000"))
    settings = Settings.from_env().with_(data_dir=root / "data")
    results = Indexer(settings).ingest([reports])
    assert all(r.ok for r in results), [(r.source, r.error) for r in results]
    yield settings


def test_answers_through_the_store_use_short_forms_and_the_latest_year(store_settings: Settings) -> None:
    assistant = Assistant(store_settings)
    answer = assistant.ask("镇江卫健委的联系电话是多少？")
    assert "0511-33330000" in answer.answer and "2023" in answer.answer, answer.answer
    answer = assistant.ask("镇江市卫健委2022年的联系电话是多少？")
    assert "0511-22220000" in answer.answer, answer.answer
    answer = assistant.ask("句容市审计局2023年的联系电话是多少？")
    assert "0511-87654321" in answer.answer, answer.answer
    answer = assistant.ask("镇江市丹徒区卫健委2023年的联系电话是多少？")
    assert answer.abstained and "丹徒区" in answer.answer
    # a city's organ is not its district's: not indexed, and the answer says what is
    answer = assistant.ask("镇江市市场监管局2023年的联系电话是多少？")
    assert answer.abstained and "0511-44440000" not in answer.answer, answer.answer
    assert "镇江市市场监管局" in answer.answer, answer.answer
    answer = assistant.ask("京口区市场监管局的联系电话是多少？")
    assert "0511-44440000" in answer.answer, answer.answer


def test_the_issuer_index_is_built_once_per_catalogue_generation(store_settings: Settings) -> None:
    assistant = Assistant(store_settings)
    first = issuer_index(assistant.store)
    assistant.ask("镇江卫健委的联系电话是多少？")
    assert issuer_index(assistant.store) is first
    report = next(r for r in assistant.store.catalogue.reports() if r.issuer is None)
    from index.identity.store import AdminMetadata

    Indexer(store_settings, assistant.store).edit(report.id, AdminMetadata(issuer="句容市审计局"))
    second = issuer_index(assistant.store)
    assert second is not first and "句容市审计局" in second.bodies
    answer = assistant.ask("句容市审计局的电话是多少？")
    assert "0511-87654321" in answer.answer and "句容市审计局" in answer.answer, answer.answer
