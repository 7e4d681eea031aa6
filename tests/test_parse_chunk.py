"""Parsing (issuer, year, date, sections) and chunking on real and hand-written reports."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from index.chunk import chunk_report
from index.errors import IngestError
from index.load import load_file
from index.models import Chunk, ParsedReport
from index.parse import city_of_district, gazetteer, parse_report
from index.text.searchform import build_search_form

DATA = Path(__file__).resolve().parent / "data"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"

SIMPLIFIED = """2023年海州市审计局政府信息公开工作年度报告

本报告根据《中华人民共和国政府信息公开条例》编制。报告所列数据的统计期限自2023年1月1日起至2023年12月31日止。如对本报告有疑问，请与海州市审计局办公室联系（地址：海州市人民路1号，邮编：222000，电话：0518-85551234，传真：0518-85551235）。

一、总体情况
2023年，我局认真贯彻落实《条例》要求，持续深化政府信息公开工作。
（一）主动公开情况。全年主动公开政府信息126条，其中审计结果公告12条，工作动态80条，人事信息6条。
（二）依申请公开情况。全年收到政府信息公开申请3件，均按期答复。
二、主动公开政府信息情况
第二十条第（一）项
信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数
规章 | 0 | 0 | 0
行政规范性文件 | 1 | 0 | 4
第二十条第（八）项
信息内容 | 本年收费金额（单位：万元）
行政事业性收费 | 0
三、收到和处理政府信息公开申请情况
一、本年新收政府信息公开申请数量 | 3 | 0 | 0 | 0 | 0 | 0 | 3
二、上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0
三、本年度办理结果 | （一）予以公开 | 2 | 0 | 0 | 0 | 0 | 0 | 2
（七）总计 | 3 | 0 | 0 | 0 | 0 | 0 | 3
四、结转下年度继续办理 | 0 | 0 | 0 | 0 | 0 | 0 | 0
四、政府信息公开行政复议、行政诉讼情况
行政复议 | 0 | 0 | 0 | 0 | 0
五、存在的主要问题及改进情况
一是主动公开的深度还不够；二是政策解读形式较单一。下一步，我局将加强培训，丰富解读形式。
六、其他需要报告的事项
本年度未收取信息处理费。

海州市审计局
2024年1月15日
"""

# Traditional characters with pinyin glosses and inline headings, as mirror sites copy them.
TRADITIONAL = (
    "2022年清河縣人民政府辦公室政府信息公開工作年度報告\n"
    "根據(jù)《中華人民共和國政府信息公開條例》要求，現將我辦2022年度政府信息公開工作情況報告如下。"
    "如對本報告有疑問，請與清河縣人民政府辦公室聯(lián)系（電話(huà)：0319—8123456）。 一、總體情況 "
    "2022年，縣政府辦公室堅持以公開為常態(tài)、不公開為例外，全年主動公開政府信息2100條。 "
    "（一）主動公開方面 通過政府網(wǎng)站發(fā)布信息1500條。 （二）依申請公開方面 全年收到申請12件。 "
    "二、主動公開政府信息情況\n三、收到和處理政府信息公開申請情況\n"
    "四、政府信息公開行政復議、行政訴訟情況\n五、存在的主要問題及改進情況 "
    "政策解讀不夠深入，下一步將加強解讀。 六、其他需要報告的事項\n本年度未收取任何費用。\n"
    "清河縣人民政府辦公室 2023年1月20日 |"
)

# A pre-2019 outline with nine parts.
OLDER = """本年报由宁平县人民政府办公室编制。本年报中所列数据的统计期限自2012年1月1日起至2012年12月31日止。
一、概述
2012年，我县政府信息公开工作稳步推进。
二、主动公开政府信息情况
全年主动公开政府信息3200条。
三、依申请公开政府信息情况
全年受理申请15件。
四、咨询处理情况
全年接受咨询320人次。
五、复议、诉讼和申诉的情况
无。
六、政府信息公开收费及减免情况
未收取任何费用。
七、存在的主要问题和改进措施
公开的及时性有待提高。
八、其他需要报告的事项
无。
九、说明与附表
无。
"""


def _parse(text: str) -> tuple[ParsedReport, list[Chunk]]:
    form = build_search_form(text)
    parsed = parse_report(text, form, source_name="test")
    return parsed, chunk_report(text, form, parsed.sections)


def _check_invariants(
    text: str, parsed: ParsedReport, chunks: list[Chunk], max_chars: int = 500, min_chars: int = 150
) -> None:
    sections = parsed.sections
    assert sections and sections[0].start == 0 and sections[-1].end == len(text)
    for a, b in itertools.pairwise(sections):
        assert a.end == b.start and a.start < a.end
    form = build_search_form(text)
    for n, c in enumerate(chunks):
        assert c.ordinal == n
        assert c.text == text[c.start : c.end]
        assert c.text == c.text.strip()
        assert c.search_text == form.slice_original(c.start, c.end)
        assert any(ch.isalnum() for ch in c.search_text)
        assert c.end - c.start <= max_chars
        owner = [s for s in sections if s.start <= c.start and c.end <= s.end]
        assert len(owner) == 1 and owner[0].key == c.section, "a chunk crosses sections"
    for a, b in itertools.pairwise(chunks):
        assert a.end <= b.start
        if a.section == b.section and (a.end - a.start < min_chars or b.end - b.start < min_chars):
            gap = text[a.end : b.start]
            assert b.end - a.start > max_chars or "|||" in gap, "two small neighbours were not merged"


def test_simplified_template_report() -> None:
    parsed, chunks = _parse(SIMPLIFIED)
    assert parsed.issuer == "海州市审计局"
    assert parsed.year == 2023
    assert parsed.publish_date == "2024-01-15"
    assert parsed.title == "2023年海州市审计局政府信息公开工作年度报告"
    assert [s.key for s in parsed.sections] == ["preamble", "一", "二", "三", "四", "五", "六"]
    titles = {s.key: s.title for s in parsed.sections}
    assert titles["四"] == "四、政府信息公开行政复议、行政诉讼情况"  # not the table row "四、结转下年度继续办理"
    assert parsed.warnings == []
    _check_invariants(SIMPLIFIED, parsed, chunks)
    section_three = next(s for s in parsed.sections if s.key == "三")
    assert "四、结转下年度继续办理 | 0" in SIMPLIFIED[section_three.start : section_three.end]
    assert any("行政事业性收费 | 0" in c.text for c in chunks)


def test_traditional_report_with_pinyin_and_inline_headings() -> None:
    parsed, chunks = _parse(TRADITIONAL)
    assert parsed.issuer == "清河县人民政府办公室"
    assert parsed.year == 2022
    assert parsed.publish_date == "2023-01-20"
    assert [s.key for s in parsed.sections] == ["preamble", "一", "二", "三", "四", "五", "六"]
    assert parsed.sections[1].title == "一、总体情况"
    assert parsed.sections[5].title == "五、存在的主要问题及改进情况"
    _check_invariants(TRADITIONAL, parsed, chunks)
    assert any("電話(huà)：0319—8123456" in c.text and "电话:0319-8123456" in c.search_text for c in chunks)


def test_older_outline_keeps_its_own_headings() -> None:
    parsed, chunks = _parse(OLDER)
    assert parsed.issuer == "宁平县人民政府"  # compiled by the government's office
    assert parsed.year == 2012
    assert [s.key for s in parsed.sections] == ["preamble", "一", "二", "三", "四", "五", "六", "七", "八", "九"]
    assert parsed.sections[4].title == "四、咨询处理情况"
    assert any("older outline" in w for w in parsed.warnings)
    _check_invariants(OLDER, parsed, chunks)


def test_no_headings_and_empty_text() -> None:
    text = "这是一段没有标题的文字。" * 60
    parsed, chunks = _parse(text)
    assert [s.key for s in parsed.sections] == ["body"]
    assert "no issuer found" in parsed.warnings and "no report year found" in parsed.warnings
    _check_invariants(text, parsed, chunks)
    assert len(chunks) >= 2
    with pytest.raises(IngestError):
        parse_report("  \n", build_search_form("  \n"))


def test_long_sentence_is_split_within_bounds() -> None:
    text = "一、总体情况\n" + "，".join(["全年主动公开政府信息一百二十条"] * 80) + "。\n六、其他需要报告的事项\n无。"
    parsed, chunks = _parse(text)
    _check_invariants(text, parsed, chunks)
    assert chunks[0].text.startswith("一、总体情况")
    assert [c.section for c in chunks][-1] == "六"


def test_seed_report() -> None:
    text = (DATA / "changzhou-jgsw-2021.txt").read_text(encoding="utf-8")
    parsed, chunks = _parse(text)
    assert parsed.issuer == "常州市机关事务管理局"
    assert parsed.year == 2021
    assert parsed.publish_date == "2022-01-10"
    assert [s.key for s in parsed.sections] == ["preamble", "一", "二", "三", "四", "五", "六"]
    _check_invariants(text, parsed, chunks)
    assert not any("||||" in c.text for c in chunks)
    assert any("0519-85685811" in c.search_text for c in chunks)


def _district_report(issuer: str, extra: str = "") -> str:
    return (
        f"2023年{issuer}政府信息公开工作年度报告\n"
        "本报告所列数据的统计期限自2023年1月1日起至2023年12月31日止。" + extra + "\n"
        "一、总体情况\n2023年，区政府持续深化政务公开。\n"
        "六、其他需要报告的事项\n无。\n"
    )


def _issuer_of(text: str) -> str | None:
    return parse_report(text, build_search_form(text)).issuer


def test_gazetteer_gives_the_city_of_a_district_unique_nationally() -> None:
    # 平川区 (白银市, 甘肃) and 瓯海区 (温州市) were in no hand-written table; the text never names their city.
    assert _issuer_of(_district_report("平川区人民政府")) == "白银市平川区人民政府"
    assert _issuer_of(_district_report("瓯海区审计局")) == "温州市瓯海区审计局"
    assert _issuer_of(_district_report("高淳区人民政府")) == "南京市高淳区人民政府"
    assert _issuer_of(_district_report("浦东新区人民政府")) == "上海市浦东新区人民政府"
    # The text's own "城市+区" still wins.
    assert (
        _issuer_of(_district_report("平川区人民政府", "平川区隶属白银市，白银市平川区位于甘肃中部。"))
        == "白银市平川区人民政府"
    )


def test_gazetteer_leaves_ambiguous_districts_alone_unless_the_text_disambiguates() -> None:
    gaz = gazetteer()
    assert {city for _, city in gaz.districts["鼓楼区"]} >= {"南京市", "福州市", "徐州市", "开封市"}
    assert {city for _, city in gaz.districts["通州区"]} == {"北京市", "南通市"}
    assert _issuer_of(_district_report("鼓楼区人民政府")) == "鼓楼区人民政府"
    assert _issuer_of(_district_report("城关区人民政府")) == "城关区人民政府"  # 兰州市 / 拉萨市
    assert _issuer_of(_district_report("通州区人民政府")) == "通州区人民政府"  # 北京市 / 南通市
    # Another city named in the text is no reason to pick it for an ambiguous name ...
    assert _issuer_of(_district_report("鼓楼区人民政府", "本区与上海市开展合作。")) == "鼓楼区人民政府"
    # ... but a candidate city, or the province of exactly one candidate, is.
    assert _issuer_of(_district_report("鼓楼区人民政府", "参加福州市政务公开培训。")) == "福州市鼓楼区人民政府"
    assert _issuer_of(_district_report("鼓楼区人民政府", "按照河南省要求。")) == "开封市鼓楼区人民政府"
    assert _issuer_of(_district_report("城关区人民政府", "根据西藏自治区部署。")) == "拉萨市城关区人民政府"
    assert city_of_district("鼓楼区", "按照江苏省要求。") is None  # 南京市 and 徐州市 are both in 江苏
    # A unique name whose province is not named while another province is: left alone
    # (江北区 is now only 宁波's; 重庆's was abolished in 2025).
    assert city_of_district("江北区", "") == "宁波市"
    assert city_of_district("江北区", "根据重庆市政府部署。") is None
    assert city_of_district("江北区", "根据浙江省部署。") == "宁波市"
    # Counties and names the gazetteer lacks are not looked up here.
    assert city_of_district("不存在区", "") is None
    assert _issuer_of(_district_report("合江县人民政府办公室")) == "合江县人民政府办公室"


def _shared_reports() -> list[tuple[str, Path]]:
    files = [(p.name, p) for p in sorted((SHARED / "corpus").glob("*.txt"))]
    pdftotext = SHARED / "eval" / "huaian-2024.pdftotext.txt"
    if pdftotext.exists():
        files.append(("huaian-2024.pdf", pdftotext))
    return files


# Reports that name their body only as 我办 / 我局 and in the page URL: no issuer is read from the text.
KNOWN_NAMELESS = {"005.txt": (None, 2022), "053.txt": (None, 2024)}


@pytest.mark.skipif(not (SHARED / "eval" / "corpus_sources.jsonl").exists(), reason="shared corpus absent")
def test_corpus_issuer_and_year_match_gold() -> None:
    """Every shared report parses to the issuer and year of corpus_sources.jsonl, but the two nameless ones."""
    gold = {}
    for line in (SHARED / "eval" / "corpus_sources.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            gold[row["file"]] = row
    got = {}
    for name, path in _shared_reports():
        if name not in gold:
            continue
        text = path.read_text(encoding="utf-8")
        parsed, chunks = _parse(text)
        _check_invariants(text, parsed, chunks)
        got[name] = (parsed.issuer, parsed.year)
    assert len(got) >= 20
    expected = {name: KNOWN_NAMELESS.get(name, (gold[name]["issuer"], gold[name]["year"])) for name in got}
    assert got == expected


@pytest.mark.skipif(not (SHARED / "corpus").exists(), reason="shared corpus absent")
def test_pdf_and_docx_through_the_loader() -> None:
    loaded = load_file(SHARED / "corpus" / "huaian-2024.pdf", max_bytes=50_000_000)
    parsed, chunks = _parse(loaded.text)
    assert (parsed.issuer, parsed.year) == ("淮安市人民政府", 2024)
    assert [s.key for s in parsed.sections] == ["preamble", "一", "二", "三", "四", "五", "六"]
    _check_invariants(loaded.text, parsed, chunks)
    loaded = load_file(SHARED / "corpus" / "template-2021.docx", max_bytes=50_000_000)
    parsed, chunks = _parse(loaded.text)
    assert parsed.issuer is None and "no issuer found" in parsed.warnings
    assert parsed.year is None
    assert [s.key for s in parsed.sections][-6:] == ["一", "二", "三", "四", "五", "六"]
    _check_invariants(loaded.text, parsed, chunks)
