"""Scanned PDFs: pages without a text layer read by Tesseract, tables kept as rows, answers cited into the OCR text."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from assistant.cli import main
from assistant.service import Assistant
from index.config import Settings
from index.errors import IngestError
from index.ingest import Indexer
from index.limits import Limits, OverLimit, reading_under
from index.load import load_file
from index.load.ocr import OcrPage, OcrResult, ocr_pdf_pages
from index.load.ocr_grid import Word, compose, find_rules, table_cells
from index.load.ocr_layout import join_words, page_text
from index.models import ocr_note
from index.tables.labels import T3_NEW
from index.tables.store import load_facts
from tests.factories import rasterise_pdf, template_report, write_scanned_report, write_text_pdf

ISSUER = "示例县人民政府"
PHONE = "0515-88776655"
NEW_REQUESTS = 37


def _without_tesseract(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A PATH with python's tools but no ``tesseract``."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    monkeypatch.setenv("PATH", str(bin_dir))
    assert shutil.which("tesseract") is None


# --- layout, on images and word boxes the tests draw -------------------------------------------


def _grid(height: int, width: int, ys: list[int], xs: list[int], *, thickness: int = 3) -> np.ndarray:
    """A white page (True = ink) with a ruled table: horizontal rules at ``ys``, vertical ones at ``xs``."""
    ink = np.zeros((height, width), dtype=bool)
    for y in ys:
        ink[y : y + thickness, xs[0] : xs[-1] + thickness] = True
    for x in xs:
        ink[ys[0] : ys[-1] + thickness, x : x + thickness] = True
    return ink


def test_rules_and_cells_of_a_grid() -> None:
    ink = _grid(600, 900, [100, 200, 300], [50, 400, 650, 850])
    ink[40:60, 100:700] = False
    ink[420:470, 100:160] = True  # a fat stroke (a large character's), not a rule: it meets no line
    rules = find_rules(ink, min_rule=118, min_vertical=59, max_thickness=14, lone_rule=354)
    assert [round(h.at) for h in rules.horizontal] == [101, 201, 301]
    assert [round(v.at) for v in rules.vertical] == [51, 401, 651, 851]
    assert not rules.mask[420:470, 100:160].any()
    cells = table_cells(rules)
    assert len(cells) == 6
    assert {(round(c.left), round(c.top), round(c.right), round(c.bottom)) for c in cells} >= {
        (51, 101, 401, 201),
        (651, 201, 851, 301),
    }


def test_cells_laid_out_below_the_page_and_read_back_as_rows() -> None:
    """Words that Tesseract finds on the composite image go back to their cells; rows print as ``a | b | c``."""
    ink = _grid(400, 900, [100, 200, 300], [50, 400, 650, 850])
    gray = np.where(ink, 0, 255).astype(np.uint8)
    for y in (140, 240):  # some ink in every cell, so each is placed
        for x in (100, 450, 700):
            gray[y : y + 30, x : x + 20] = 0
    rules = find_rules(gray < 128, min_rule=118, min_vertical=59, max_thickness=14, lone_rule=354)
    clean = gray.copy()
    clean[rules.mask] = 255
    cells = table_cells(rules)
    composite = compose(clean, cells, gap=90, ink=128)
    assert composite.image.shape[0] > 400 and not (composite.image[:400] < 128).any()  # cells moved out
    spots = sorted(composite.placed, key=lambda p: (p.y, p.x))
    texts = ["行政许可", "1200", "0", "行政处罚", "34", "0"]
    words = [
        Word(text, spot.x, spot.y, spot.x + spot.width, spot.y + spot.height, 90.0, (1, 1, i))
        for i, (spot, text) in enumerate(zip(spots, texts, strict=True))
    ]
    heading = Word("二、主动公开政府信息情况", 60, 40, 600, 70, 95.0, (1, 1, 0))
    free, in_cell = composite.sort([heading, *words])
    assert free == [heading]
    assert page_text(free, in_cell, cells).split("\n") == [
        "二、主动公开政府信息情况",
        "行政许可 | 1200 | 0",
        "行政处罚 | 34 | 0",
    ]


def test_words_joined_without_spaces_between_chinese_characters() -> None:
    def w(text: str, left: int) -> Word:
        return Word(text, left, 0, left + 30 * len(text), 30, 90.0, (1, 1, 1))

    assert join_words([w("电", 0), w("话", 35), w("：", 70), w("0515-88776655", 100)]) == "电话：0515-88776655"
    assert join_words([w("2022", 0), w("年", 130)]) == "2022年"
    assert join_words([w("e-mail", 0), w("gk@example.gov.cn", 200)]) == "e-mail gk@example.gov.cn"


def test_ocr_warning_names_pages_and_mean_confidence() -> None:
    result = OcrResult([OcrPage(1, "a", [90.0, 80.0]), OcrPage(2, "b", [70.0]), OcrPage(4, "c", [])])
    assert result.mean_confidence == pytest.approx(80.0)
    warning = result.warning()
    assert warning.startswith("OCR: 3 页由文字识别得到（第 1–2, 4 页），平均置信度 80%")
    assert ocr_note(["other", warning]) == warning


# --- Tesseract missing ----------------------------------------------------------------------


def test_missing_tesseract_names_the_debian_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scan = write_scanned_report(tmp_path / "scan.pdf", template_report(issuer=ISSUER), dpi=100)
    _without_tesseract(monkeypatch, tmp_path)
    with pytest.raises(IngestError) as caught:
        load_file(scan)
    message = str(caught.value)
    assert message.startswith("scan.pdf: scanned PDF (no text layer) needs OCR, but Tesseract is not installed")
    assert "install the Debian packages tesseract-ocr and tesseract-ocr-chi-sim" in message
    assert "\n" not in message


def test_missing_chinese_model_names_its_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scan = write_scanned_report(tmp_path / "scan.pdf", template_report(issuer=ISSUER), dpi=100)
    empty = tmp_path / "tessdata"
    empty.mkdir()
    monkeypatch.setenv("TESSDATA_PREFIX", str(empty))  # a Tesseract that has no models
    with pytest.raises(
        IngestError,
        match=r"no simplified-Chinese model \(chi_sim\): install the Debian package "
        r"tesseract-ocr-chi-sim",
    ):
        load_file(scan)


def test_mixed_pdf_without_tesseract_keeps_its_text_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A PDF with a text page and a scanned one: the text is indexed, the scan is named in a warning."""
    text_pdf = write_text_pdf(tmp_path / "text.pdf", template_report(issuer=ISSUER))
    scanned = rasterise_pdf(text_pdf, tmp_path / "scan-part.pdf", dpi=100)
    mixed = _concatenate([text_pdf, scanned], tmp_path / "mixed.pdf")
    _without_tesseract(monkeypatch, tmp_path)
    loaded = load_file(mixed)
    assert loaded.parser == "pdfplumber"
    assert f"{ISSUER}2022年政府信息公开工作年度报告" in loaded.text and "0510-12345678" in loaded.text
    assert any(
        w.startswith("pages 2 have no text layer (scanned?) and were not read: Tesseract is not installed")
        for w in loaded.warnings
    )
    assert ocr_note(loaded.warnings) is None


def _concatenate(parts: list[Path], target: Path) -> Path:
    import pypdfium2

    out = pypdfium2.PdfDocument.new()
    for part in parts:
        out.import_pages(pypdfium2.PdfDocument(str(part)))
    out.save(str(target))
    return target


# --- Tesseract at work (slow: a page takes several seconds) -----------------------------------


@pytest.mark.slow
def test_scanned_report_is_read_and_answers_with_citations_into_its_ocr_text(
    settings: Settings, tmp_path: Path
) -> None:
    text = template_report(issuer=ISSUER, year=2022, phone=PHONE, new_requests=NEW_REQUESTS)
    scan = write_scanned_report(tmp_path / "in" / "shili-2022.pdf", text)
    calls: list[tuple[float, float, str]] = []
    results = Indexer(settings).ingest([scan], progress=lambda d, t, m: calls.append((d, t, m)))
    assert [r.status for r in results] == ["indexed"], results[0].error
    report = results[0]
    assert (report.issuer, report.year) == (ISSUER, 2022)
    note = ocr_note(report.warnings)
    assert note is not None and note.startswith("OCR: 1 页由文字识别得到（第 1 页），平均置信度")
    assert any("OCR 第 1 页" in message for _, _, message in calls)  # per-page progress from the worker
    assert calls == sorted(calls, key=lambda c: c[0])

    assistant = Assistant(settings)
    text_of = assistant.texts.text(report.report_id)
    assert "行政处罚 | 340" in text_of  # 表二 rows stay rows
    expected = {
        f"{ISSUER}的联系电话是多少？": PHONE,
        f"{ISSUER}2022年本年新收政府信息公开申请多少件？": str(NEW_REQUESTS),
        f"{ISSUER}2022年的年报是什么时候发布的？": "2023年1月20日",
    }
    for question, value in expected.items():
        answer = assistant.ask(question)
        assert not answer.abstained, question
        assert value in answer.answer, (question, answer.answer)
        assert answer.citations
        for c in answer.citations:
            assert text_of[c.start : c.end] == c.quote  # verbatim, into the OCR text
            assert c.ocr == note
        assert any(value in c.quote or value.replace("年", "-") in c.quote for c in answer.citations), question
    new = [f for f in load_facts(assistant.store.catalogue.conn, report.report_id) if f.row == T3_NEW]
    assert new and max(f.value for f in new) == NEW_REQUESTS and all(f.usable for f in new)  # 表三 read from the scan

    runner = CliRunner()
    listed = runner.invoke(main, ["--data-dir", str(settings.data_dir), "reports"])
    assert listed.exit_code == 0 and note in listed.output
    asked = runner.invoke(main, ["--data-dir", str(settings.data_dir), "ask", f"{ISSUER}的联系电话是多少？", "--json"])
    assert json.loads(asked.output)["citations"][0]["ocr"] == note


@pytest.mark.slow
def test_a_scan_with_nothing_to_read_is_refused(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    drawing = tmp_path / "drawing.pdf"
    c = canvas.Canvas(str(drawing))
    c.rect(100, 100, 300, 400, fill=1)
    c.circle(300, 600, 50)
    c.save()
    scan = rasterise_pdf(drawing, tmp_path / "blank-scan.pdf", dpi=100)
    with pytest.raises(IngestError, match=r"scanned PDF \(no text layer\): OCR found no text in its 1 page$"):
        load_file(scan)


@pytest.mark.slow
def test_ocr_stops_within_the_time_limit(tmp_path: Path) -> None:
    long = template_report(issuer=ISSUER, extra="全年召开政务公开工作会议，部署年度重点任务。" * 120)
    scan = write_scanned_report(tmp_path / "long.pdf", long, dpi=150)
    data = scan.read_bytes()
    with reading_under(Limits(timeout_s=2.0)), pytest.raises(OverLimit, match="DISCLOSURE_INGEST_TIMEOUT_S"):
        ocr_pdf_pages(data, [1, 2, 3])
    with pytest.raises(IngestError, match=r"long\.pdf: .*DISCLOSURE_INGEST_TIMEOUT_S"):
        load_file(scan, limits=Limits(timeout_s=2.0))


def test_citation_from_an_ocr_report_is_flagged_in_the_chat() -> None:
    from assistant.ui.render import render_answer, render_in_context

    note = "OCR: 1 页由文字识别得到（第 1 页），平均置信度 88%，引文请对照原件核对"
    citation = {"n": 1, "issuer": ISSUER, "year": 2022, "section": "开头部分", "source": "s.pdf", "quote": "电话: 1"}
    flagged = render_answer({"answer": "电话是1[1]。", "citations": [{**citation, "ocr": note}]})
    assert "⚠️ 文字识别：OCR&#58; 1 页由文字识别得到" in flagged and "平均置信度 88%" in flagged  # ":" escaped once
    assert "文字识别" not in render_answer({"answer": "电话是1[1]。", "citations": [citation]})
    assert "文字识别" in render_in_context("电话: 1", {**citation, "start": 0, "end": 5, "ocr": note})
