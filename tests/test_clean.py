"""The search form of a report: noise removal, folding, rejoined lines and the map back to the original."""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path

import pytest

from index.text.fold import fold_dashes
from index.text.searchform import build_search_form, strip_pinyin_glosses, to_simplified

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def test_pinyin_glosses_removed_real_parentheses_kept() -> None:
    text = "根據(jù)《辦法(試行)》，通過政府網(wǎng)站公開發展規(guī)劃（地址:常州市龍城大道1280號）。見(常機管〔2021〕46號)和(2021)。"
    form = build_search_form(text).text
    assert "根据《办法(试行)》" in form
    assert "网站" in form and "规划" in form
    assert "(地址:常州市龙城大道1280号)" in form
    assert "(常机管〔2021〕46号)" in form
    assert "(2021)" in form
    assert "jù" not in form and "wǎng" not in form and "huà" not in form
    assert strip_pinyin_glosses("根據(jù)") == "根據"
    assert strip_pinyin_glosses("網(wǎng)站") == "網站"
    assert strip_pinyin_glosses("規(guī)劃") == "規劃"
    for kept in ("(試行)", "（地址:龍城大道）", "(常機管〔2021〕46號)", "(2021)"):
        assert strip_pinyin_glosses(kept) == kept


def test_page_numbers_and_decorative_runs_dropped() -> None:
    text = "全年主动公开政府信息126条。\n- 4 -\n第 5 页 共 9 页\n|||| 信息内容 ||||\n本年新收申请3件。"
    form = build_search_form(text).text
    assert "- 4 -" not in form and "4" not in form
    assert "第5页" not in form and "页" not in form
    assert "|" not in form
    assert "信息内容" in form and "本年新收申请3件。" in form


def test_pdf_wrapped_lines_rejoined() -> None:
    lines = [
        "2024年，市政府办公室认真贯彻落实《中华人民共和国政府信息公",
        "开条例》，坚持以公开为常态、不公开为例外，全面推进政务公开工",
        "作，持续提升政府透明度和公信力，全年主动公开政府信息三千余",
        "条，其中政策文件一百二十件，政策解读四十六篇，各类工作动态",
        "二千八百余条，有力保障了人民群众的知情权、参与权和监督权。",
        "一、总体情况",
        "全年收到政府信息公开申请一百零二件，均已按期答复完毕。",
    ]
    form = build_search_form("\n".join(lines)).text
    assert "政府信息公开条例》" in form
    assert "推进政务公开工作,持续提升" in form
    assert "知情权、参与权和监督权。\n一、总体情况\n" in form  # a sentence end and a heading stay


def test_heading_not_joined_with_the_next_line_in_table_heavy_text() -> None:
    # Table cells one per line make the typical line short, so a heading looks like a "full" line.
    cells = "\n".join(["信息内容|", "本年制发件数|", "0|", "规章|", "行政规范性文件|", "5|", "12|", "8|"] * 3)
    text = (
        cells
        + "\n三、收到和处理政府信息公开申请情况\n2022年,区政府办公室共收到8份政府信息公开申请,均为自然人申请。\n"
        + cells
    )
    form = build_search_form(text).text
    assert "三、收到和处理政府信息公开申请情况\n2022年" in form
    assert "情况2022年" not in form


@pytest.mark.skipif(not (SHARED / "corpus" / "005.txt").exists(), reason="shared corpus absent")
def test_heading_not_joined_in_shared_report_005() -> None:
    form = build_search_form((SHARED / "corpus" / "005.txt").read_text(encoding="utf-8")).text
    assert "三、收到和处理政府信息公开申请情况\n" in form
    assert "情况2022年" not in form


def test_em_dash_phone_folded() -> None:
    form = build_search_form("聯(lián)系電話(huà)：0873—7236877，傳真：0873–7236878")
    assert form.text == "联系电话:0873-7236877,传真:0873-7236878"
    s = form.text.index("0873-7236877")
    start, end = form.original_span(s, s + len("0873-7236877"))
    assert "聯(lián)系電話(huà)：0873—7236877，傳真：0873–7236878"[start:end] == "0873—7236877"


def _folds_to(original_char: str, search_char: str) -> bool:
    if original_char == search_char:
        return True
    folded = fold_dashes(unicodedata.normalize("NFKC", original_char))
    if original_char in "\u3000\u00a0\t":
        folded = " "
    return search_char in folded or search_char in to_simplified(folded)


SAMPLE = (
    "2022年清河縣人民政府辦公室政府信息公開工作年度報告\n"
    "根據(jù)《中華人民共和國政府信息公開條例》（以下簡稱《條例》）要求，現將報告如下。\n"
    "- 2 -\n"
    "|||| 一、總體情況 ||||\n"
    "全年主動公開政府信息２１００條，通過政府網(wǎng)站發(fā)布信息1500 條。聯(lián)系電話(huà)：0319—8123456\n"
    "二、主動公開政府信息情況\n"
    "行政規範性文件 | 5 | 12 | 8\n"
)


@pytest.mark.parametrize("text", [SAMPLE])
def test_every_search_char_points_at_an_original_char_that_folds_to_it(text: str) -> None:
    form = build_search_form(text)
    assert len(form.source) == len(form.text)
    assert list(form.source) == sorted(form.source)
    for ch, src in zip(form.text, form.source):
        assert 0 <= src < len(text)
        assert _folds_to(text[src], ch), (ch, text[src], src)


def test_random_spans_round_trip() -> None:
    texts = [SAMPLE]
    corpus = SHARED / "corpus"
    if corpus.exists():
        texts += [p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*.txt"))[:6]]
    rng = random.Random(7)
    for text in texts:
        form = build_search_form(text)
        for ch, src in zip(form.text, form.source):
            assert _folds_to(text[src], ch), (ch, text[src], src)
        for _ in range(50):
            a = rng.randrange(len(form.text) - 1)
            b = rng.randrange(a + 1, min(len(form.text), a + 80) + 1)
            start, end = form.original_span(a, b)
            # The span maps to an original span whose search-form slice is exactly the span.
            assert form.text[a:b] == form.slice_original(start, end)
