"""Tests for index.load: each format from real files written into tmp_path, plus the shared corpus."""

from __future__ import annotations

import importlib
import os
import re
import time
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_BREAK
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from index.errors import IngestError
from index.load import load_file

MB = 1024 * 1024
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"

REPORT = (
    "某某市交通运输局2023年政府信息公开工作年度报告\n"
    "一、总体情况\n"
    "本机关认真贯彻落实《中华人民共和国政府信息公开条例》，全年主动公开政府信息128条。\n"
    "如对本报告有疑问，请联系：电话：0517-83605210，电子邮箱：hazwgkc@163.com。\n"
)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def load(path: Path, max_bytes: int = 50 * MB) -> object:
    return load_file(path, max_bytes=max_bytes)


# --- plain text -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        ("gb18030", REPORT + "生僻字：㐀䶵（扩展A区，GBK 没有）\n"),
        ("gbk", REPORT),
        (
            "big5",
            "臺北市政府2023年政府資訊公開工作年度報告\n一、總體情況\n本機關認真貫徹落實《政府資訊公開條例》，全年主動公開政府資訊128條。\n",
        ),
        ("utf-8", REPORT),
    ],
)
def test_txt_decodes_chinese_encodings_exactly(tmp_path: Path, encoding: str, text: str) -> None:
    path = write(tmp_path, f"report-{encoding}.txt", text.encode(encoding))
    loaded = load(path)
    assert loaded.text == text
    assert loaded.format == "txt"
    assert loaded.encoding is not None
    assert loaded.text.encode(loaded.encoding) == text.encode(encoding)


def test_txt_utf16_bom_and_newlines_normalised(tmp_path: Path) -> None:
    path = write(tmp_path, "report.txt", REPORT.replace("\n", "\r\n").encode("utf-16"))
    loaded = load(path)
    assert loaded.text == REPORT  # BOM dropped, \r\n -> \n, nothing else changed
    assert loaded.encoding == "utf-16"


def test_txt_utf8_bom_and_old_mac_newlines(tmp_path: Path) -> None:
    path = write(tmp_path, "report.md", b"\xef\xbb\xbf" + REPORT.replace("\n", "\r").encode("utf-8"))
    loaded = load(path)
    assert loaded.text == REPORT
    assert loaded.encoding == "utf-8-sig"


def test_txt_keeps_spacing_and_blank_lines(tmp_path: Path) -> None:
    text = "  标题  \n\n\n\t第一段。  \n"
    loaded = load(write(tmp_path, "a.txt", text.encode("gb18030")))
    assert loaded.text == text


def test_binary_junk_named_txt_is_rejected(tmp_path: Path) -> None:
    junk = bytes(range(256)) * 40
    with pytest.raises(IngestError, match="binary data, not text") as info:
        load(write(tmp_path, "junk.txt", junk))
    assert info.value.source == "junk.txt"


def test_binary_junk_without_nul_bytes_is_rejected(tmp_path: Path) -> None:
    junk = bytes(b or 1 for b in os.urandom(4000))  # random bytes, NULs replaced
    with pytest.raises(IngestError, match="binary data, not text"):
        load(write(tmp_path, "junk.txt", junk))


def test_pdf_renamed_txt_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="PDF, not text"):
        load(write(tmp_path, "report.txt", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj"))


# --- size, emptiness, file types ---------------------------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="file is empty"):
        load(write(tmp_path, "empty.txt", b""))


def test_whitespace_only_file(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="no text"):
        load(write(tmp_path, "blank.txt", b"  \r\n\n "))


def test_oversize_file_rejected_before_reading(tmp_path: Path) -> None:
    path = write(tmp_path, "big.txt", REPORT.encode("utf-8") * 100)
    with pytest.raises(IngestError, match=r"over the 1\.0 KB limit \(DISCLOSURE_MAX_FILE_MB\)"):
        load(path, max_bytes=1024)


def test_oversize_message_in_mb(tmp_path: Path) -> None:
    path = write(tmp_path, "big.txt", b"a" * (3 * MB // 2))
    with pytest.raises(IngestError, match=r"file is 1\.5 MB, over the 1 MB limit"):
        load(path, max_bytes=MB)


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        (
            "report.doc",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100,
            r"unsupported file type \.doc \(save it as \.docx or PDF\)",
        ),
        ("report.XLS", b"\xd0\xcf\x11\xe0", r"unsupported file type \.xls"),
        ("scan.jpg", b"\xff\xd8\xff\xe0", "OCR"),
        ("reports.zip", b"PK\x03\x04", "archives are not unpacked"),
        ("README", b"hello", "no extension"),
        ("data.json", b"{}", r"unsupported file type \.json \(expected"),
    ],
)
def test_unsupported_types(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    with pytest.raises(IngestError, match=reason) as info:
        load(write(tmp_path, name, data))
    assert str(info.value).startswith(f"{name}: ")


def test_source_name_is_used_in_errors(tmp_path: Path) -> None:
    path = write(tmp_path, "tmp123.txt", b"")
    with pytest.raises(IngestError) as info:
        load_file(path, max_bytes=MB, source_name="用户上传.txt")
    assert info.value.source == "用户上传.txt"
    assert str(info.value) == "用户上传.txt: file is empty"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="file not found"):
        load(tmp_path / "nope.pdf")


# --- HTML ---------------------------------------------------------------------------------

GBK_PAGE = """<!DOCTYPE html>
<html><head><meta charset="gbk"><title>某某局2023年政府信息公开工作年度报告</title>
<style>.nav {{ color: red }} /* 样式文字 */</style>
<script>var tip = "脚本里的文字";</script>
</head><body>
<div id="nav" class="nav"><ul><li><a href="/">网站首页</a></li><li><a href="/jg">机构概况</a></li>
<li><a href="/zw">政务动态</a></li><li><a href="/hd">互动交流</a></li></ul></div>
<nav><a href="/x">导航链接甲</a> <a href="/y">导航链接乙</a></nav>
<div class="content">
<h1>某某局2023年政府信息公开工作年度报告</h1>
<h3>一、总体情况</h3>
{paragraphs}
<h3>二、主动公开政府信息情况</h3>
<table border="1">
<tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td></tr>
<tr><td><p>规章</p></td><td>1</td><td>0</td></tr>
<tr><td>行政规范性<br>文件</td><td>8</td><td>26</td></tr>
</table>
<p>联系电话：0517-83605210</p>
</div>
<div class="footer">版权所有：某某市人民政府　网站标识码：3208000001　主办单位页脚文字</div>
<script>document.write("另一段脚本文字");</script>
</body></html>
"""


def gbk_page() -> bytes:
    paragraphs = "\n".join(
        f"<p>（{n}）本机关认真贯彻落实《中华人民共和国政府信息公开条例》，持续推进政务公开，"
        f"全年主动公开政府信息{n * 10}条，做到应公开尽公开。</p>"
        for n in range(1, 7)
    )
    return GBK_PAGE.format(paragraphs=paragraphs).encode("gbk")


def test_html_gbk_main_content_with_table_rows(tmp_path: Path) -> None:
    loaded = load(write(tmp_path, "page.html", gbk_page()))
    text = loaded.text
    assert loaded.format == "html"
    assert loaded.encoding == "gb18030"  # declared gbk, decoded with its superset
    lines = text.split("\n")
    assert "一、总体情况" in lines
    assert "二、主动公开政府信息情况" in lines
    assert "信息内容 | 本年制发件数 | 本年废止件数" in lines
    assert "规章 | 1 | 0" in lines
    assert "行政规范性文件 | 8 | 26" in lines
    assert "联系电话：0517-83605210" in lines
    assert "全年主动公开政府信息60条" in text
    for junk in ("网站首页", "机构概况", "导航链接", "脚本", "样式文字", "版权所有", "页脚文字", "var tip"):
        assert junk not in text, junk


def test_html_meta_http_equiv_charset(tmp_path: Path) -> None:
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        "</head><body><p>一、总体情况</p><p>" + "本机关全年受理政府信息公开申请12件。" * 5 + "</p></body></html>"
    )
    loaded = load(write(tmp_path, "page.htm", page.encode("gb2312")))
    assert loaded.text.split("\n")[0] == "一、总体情况"
    assert loaded.encoding == "gb18030"


def test_html_wrong_declared_charset_falls_back_to_detection(tmp_path: Path) -> None:
    page = (
        '<html><head><meta charset="utf-8"></head><body><p>一、总体情况</p><p>'
        + "本机关全年受理申请12件。" * 8
        + "</p></body></html>"
    )
    loaded = load(write(tmp_path, "page.html", page.encode("gbk")))
    assert "一、总体情况" in loaded.text
    assert any("declared charset" in w for w in loaded.warnings)


def test_html_without_text(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="no text"):
        load(write(tmp_path, "page.html", b"<html><body><script>var a=1;</script></body></html>"))


# --- DOCX ----------------------------------------------------------------------------------


def test_docx_order_and_table_rows(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("一、总体情况", level=1)
    document.add_paragraph("本机关全年主动公开政府信息128条。")
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1))  # horizontally merged header: must appear once
    table.cell(0, 0).text = "第二十条第（一）项"
    table.cell(0, 2).text = "现行有效件数"
    for r, row in enumerate([["规章", "1", "11"], ["行政规范性文件", "8", "66"]], start=1):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    table.cell(1, 2).merge(table.cell(2, 2))  # vertically merged: the continuation is left out
    table.cell(1, 2).text = "77"
    paragraph = document.add_paragraph("五、存在的主要问题")
    paragraph.add_run().add_break(WD_BREAK.LINE)
    paragraph.add_run("及改进情况")
    path = tmp_path / "report.docx"
    document.save(str(path))

    loaded = load(path)
    assert loaded.format == "docx"
    assert loaded.parser == "python-docx"
    assert loaded.text.split("\n") == [
        "一、总体情况",
        "本机关全年主动公开政府信息128条。",
        "第二十条第（一）项 | 现行有效件数",
        "规章 | 1 | 77",
        "行政规范性文件 | 8",
        "五、存在的主要问题",
        "及改进情况",
    ]


def test_doc_renamed_docx(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match=r"not a valid \.docx.*old"):
        load(write(tmp_path, "report.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600))


def test_text_renamed_docx(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match=r"not a valid \.docx \(is it an old \.doc renamed\?\)"):
        load(write(tmp_path, "report.docx", "一、总体情况".encode()))


# --- PDF -----------------------------------------------------------------------------------


def _cjk_font() -> str:
    """reportlab's built-in Adobe CID font: needs no font file, pdfminer maps it to Unicode."""
    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def chinese_pdf(path: Path) -> Path:
    font = _cjk_font()
    style = ParagraphStyle("body", fontName=font, fontSize=11, leading=16)
    table = Table(
        [["信息内容", "本年处理决定数量"], ["行政处罚", "3985758"], ["行政强制", "88283"]],
        style=TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("GRID", (0, 0), (-1, -1), 0.5, colors.black)]),
    )
    story = [
        Paragraph("一、总体情况", style),
        Paragraph("本机关全年主动公开政府信息128条。", style),
        Spacer(1, 12),
        table,
        Spacer(1, 12),
        Paragraph("联系电话：0517-83605210", style),
    ]
    SimpleDocTemplate(str(path), pagesize=A4).build(story)
    return path


def test_pdf_chinese_text_and_table_rows(tmp_path: Path) -> None:
    loaded = load(chinese_pdf(tmp_path / "report.pdf"))
    assert loaded.format == "pdf"
    assert loaded.parser == "pdfplumber"
    assert loaded.warnings == []
    assert loaded.text.split("\n") == [
        "一、总体情况",
        "本机关全年主动公开政府信息128条。",
        "信息内容 | 本年处理决定数量",
        "行政处罚 | 3985758",
        "行政强制 | 88283",
        "联系电话：0517-83605210",
    ]


def test_pdf_pages_joined_in_order(tmp_path: Path) -> None:
    path = tmp_path / "two.pdf"
    c = canvas.Canvas(str(path))
    c.setFont(_cjk_font(), 12)
    c.drawString(72, 720, "第一页：一、总体情况")
    c.showPage()
    c.setFont(_cjk_font(), 12)
    c.drawString(72, 720, "第二页：二、主动公开政府信息情况")
    c.save()
    assert load(path).text == "第一页：一、总体情况\n第二页：二、主动公开政府信息情况"


def test_pdf_without_unicode_map_falls_back_to_pypdfium2(tmp_path: Path) -> None:
    """A TrueType subset whose /ToUnicode map is removed: pdfminer yields (cid:N) markers."""
    import reportlab

    vera = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"
    pdfmetrics.registerFont(TTFont("VeraNoMap", str(vera)))
    raw = tmp_path / "raw.pdf"
    c = canvas.Canvas(str(raw), pageCompression=0)
    c.setFont("VeraNoMap", 14)
    for i in range(8):
        c.drawString(72, 720 - 20 * i, f"Ωμέγα ñandú Ё Ж Ш report line {i}")
    c.save()
    data = re.sub(rb"/ToUnicode \d+ 0 R", lambda m: b" " * len(m.group()), raw.read_bytes())
    path = write(tmp_path, "nomap.pdf", data)

    loaded = load(path)
    assert loaded.parser == "pypdfium2"
    assert any("(cid:NNN)" in w and "pypdfium2" in w for w in loaded.warnings)
    assert "(cid:" not in loaded.text
    assert "report line 0" in loaded.text and "report line 7" in loaded.text


@pytest.mark.slow
def test_pdf_without_text_layer_is_a_scan(tmp_path: Path) -> None:
    """No characters at all: the pages go to OCR (tests/test_ocr.py), which finds no text in shapes."""
    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path))
    c.rect(100, 100, 300, 400, fill=1)
    c.line(50, 50, 500, 700)
    c.showPage()
    c.circle(200, 200, 50)
    c.save()
    with pytest.raises(IngestError, match=r"scanned PDF \(no text layer\): OCR found no text in its 2 pages"):
        load(path)


def test_truncated_pdf(tmp_path: Path) -> None:
    data = chinese_pdf(tmp_path / "whole.pdf").read_bytes()
    with pytest.raises(IngestError, match=r"not a valid PDF \(file is truncated or damaged\)"):
        load(write(tmp_path, "half.pdf", data[: len(data) // 2]))


def test_password_protected_pdf(tmp_path: Path) -> None:
    path = tmp_path / "locked.pdf"
    c = canvas.Canvas(str(path), encrypt="secret")
    c.drawString(72, 720, "annual report")
    c.save()
    with pytest.raises(IngestError, match="password-protected"):
        load(path)


def test_pdf_extension_on_other_content(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="not a valid PDF"):
        load(write(tmp_path, "report.pdf", REPORT.encode("utf-8")))


# --- the shared corpus ---------------------------------------------------------------------

needs_shared = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"shared corpus not found at {CORPUS}")


@needs_shared
def test_huaian_pdf_tables_and_contacts() -> None:
    started = time.perf_counter()
    loaded = load(CORPUS / "huaian-2024.pdf")
    elapsed = time.perf_counter() - started
    lines = loaded.text.split("\n")
    assert loaded.parser == "pdfplumber"
    assert "行政处罚 | 3985758" in lines
    assert "行政强制 | 88283" in lines
    assert "行政事业性收费 | 96171.6" in lines
    assert "规章 | 1 | 0 | 11" in lines
    assert "（七）总计 | 2932 | 53 | 0 | 0 | 61 | 4 | 3050" in lines
    assert "72 | 64 | 178 | 37 | 351 | 13 | 4 | 8 | 1 | 26 | 12 | 1 | 1 | 6 | 20" in lines
    assert "电话：0517-83605210" in loaded.text
    assert "hazwgkc@163.com" in loaded.text
    for heading in ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况"):
        assert heading in lines
    assert elapsed < 10, f"took {elapsed:.1f} s"


@needs_shared
def test_national_docx_template_loads_with_all_table_labels() -> None:
    loaded = load(CORPUS / "template-2021.docx")
    lines = loaded.text.split("\n")
    assert loaded.parser == "python-docx"
    for label in (
        "规章 |  |  |",
        "行政规范性文件 |  |  |",
        "行政许可 |",
        "行政处罚 |",
        "行政强制 |",
        "行政事业性收费 |",
        "（七）总计 |  |  |  |  |  |  |",
        "四、结转下年度继续办理 |  |  |  |  |  |  |",
    ):
        assert label in lines, label
    for label in ("商业企业", "法律服务机构", "尚未审结", "复议后起诉", "信息处理费"):
        assert label in loaded.text, label


# --- HTML details ----------------------------------------------------------------------------


def test_html_main_content_comes_from_trafilatura(tmp_path: Path) -> None:
    """Fails when trafilatura cannot be imported (its justext needs ``lxml[html_clean]``)."""
    try:
        importlib.import_module("trafilatura")
    except ImportError as exc:
        pytest.fail(f"trafilatura cannot be imported ({exc}): add lxml[html_clean] to the dependencies")
    loaded = load(write(tmp_path, "page.html", gbk_page()))
    assert loaded.parser == "trafilatura"
    assert loaded.warnings == []


def test_whole_body_fallback_renders_layout_tables_as_blocks() -> None:
    from index.load.html import render_page_body

    filler = "本机关认真贯彻落实政府信息公开条例，持续推进政务公开工作。" * 12
    page = f"""<html><body>
    <div class="top-menu">首页 机构概况</div>
    <table><tr><td class="left-nav">栏目导航</td><td>
      <h2>一、总体情况</h2><p>{filler}</p>
      <table><tr><th>信息内容</th><th>本年处理决定数量</th></tr><tr><td>行政处罚</td><td>3985758</td></tr></table>
      <p>电话：0517-<span>83605210</span></p>
    </td></tr></table>
    <div id="footer">版权所有</div></body></html>"""
    lines, rows = render_page_body(page)
    assert lines == ["一、总体情况", filler, "信息内容 | 本年处理决定数量", "行政处罚 | 3985758", "电话：0517-83605210"]
    assert rows == 2
