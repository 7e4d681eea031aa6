"""Bounded ingest: path checks before reading, every limit named in its error, the reader worker's deadline and memory cap."""

from __future__ import annotations

import io
import os
import pickle
import re
import socket
import threading
import time
import zipfile
import zlib
from pathlib import Path

import docx
import pytest

from index.config import Settings
from index.errors import DisclosureError, IngestError
from index.ingest import Indexer
from index.limits import Limits, current_budget
from index.load import load_file
from index.load.paths import collect_files, read_report_file
from index.load.worker import run_bounded
from tests.factories import template_report, write_report

MB = 1024 * 1024


def _report(folder: Path, name: str = "ok-2022.txt", issuer: str = "边界测试局") -> Path:
    return write_report(folder, name, template_report(issuer=issuer, year=2022))


def _ingest_one(settings: Settings, path: Path, **kw: bool) -> str:
    """Ingest one path; returns the error line (asserting it failed and nothing was indexed)."""
    indexer = Indexer(settings)
    before = [r.id for r in indexer.store.catalogue.reports(state=None)]
    results = indexer.ingest([path], **kw)
    assert len(results) == 1 and not results[0].ok, results
    assert [r.id for r in indexer.store.catalogue.reports(state=None)] == before
    assert results[0].error and "\n" not in results[0].error
    return results[0].error


# -- paths ------------------------------------------------------------------------------------------
def test_links_are_refused_unless_followed_and_then_only_to_regular_files(settings: Settings, tmp_path: Path) -> None:
    report = _report(tmp_path / "src")
    link = tmp_path / "link.txt"
    os.symlink(report, link)
    assert "symbolic link" in _ingest_one(settings, link) and "--follow-symlinks" in _ingest_one(settings, link)
    followed = Indexer(settings).ingest([link], follow_symlinks=True)
    assert followed[0].ok and followed[0].issuer == "边界测试局"
    zero = tmp_path / "zero.txt"
    os.symlink("/dev/zero", zero)
    assert "/dev/zero" in _ingest_one(settings, zero)
    assert "character device" in _ingest_one(settings, zero, follow_symlinks=True)
    nowhere = tmp_path / "nowhere.txt"
    os.symlink(tmp_path / "missing.txt", nowhere)
    assert "points nowhere" in _ingest_one(settings, nowhere, follow_symlinks=True)


def test_pipes_sockets_and_devices_are_refused_without_reading(settings: Settings, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    box: dict[str, str] = {}
    worker = threading.Thread(target=lambda: box.setdefault("error", _ingest_one(settings, fifo)), daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "reading a named pipe blocked"
    assert box["error"] == "is a named pipe, not a regular file"
    sock_path = tmp_path / "s.txt"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(sock_path))
    sock.close()
    assert "socket" in _ingest_one(settings, sock_path)
    assert "character device" in _ingest_one(settings, Path("/dev/zero"))
    with pytest.raises(IngestError, match="character device"):
        read_report_file(Path("/dev/zero"), "zero", max_bytes=MB)


def test_folders_list_links_and_pipes_so_each_gets_its_reason(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    _report(folder, "good.txt")
    os.symlink("/etc/passwd", folder / "passwd.txt")
    os.mkfifo(folder / "pipe.txt")
    (folder / "sub").mkdir()
    os.symlink(folder / "sub", folder / "sub-link")
    os.symlink(folder, folder / "sub" / "loop")  # a loop when links are followed
    (folder / ".hidden.txt").write_text("x", encoding="utf-8")
    names = [p.name for p in collect_files([folder])]
    assert names == ["good.txt", "passwd.txt", "pipe.txt", "loop", "sub-link"]
    followed = [p.name for p in collect_files([folder], follow_symlinks=True)]
    assert followed.count("good.txt") == 1 and "loop" not in followed  # each real folder once
    results = {r.source: r for r in Indexer(settings).ingest([folder])}
    assert results["good.txt"].ok
    assert "symbolic link to /etc/passwd" in (results["passwd.txt"].error or "")
    assert results["pipe.txt"].error == "is a named pipe, not a regular file"
    assert "symbolic link" in (results["sub-link"].error or "")


# -- limits ----------------------------------------------------------------------------------------
def _docx_bytes(document_xml_size: int, *, lie: bool = False) -> bytes:
    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("一、总体情况")
    document.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != "word/document.xml":
                dst.writestr(info, src.read(info))
        dst.writestr("word/document.xml", b"<w:document>" + b"A" * document_xml_size + b"</w:document>")
    data = out.getvalue()
    if lie:  # every header declares 100 bytes for document.xml
        name = b"word/document.xml"
        patched = bytearray(data)
        at = patched.find(name)
        while at >= 0:
            for sig, size_at, header in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
                if patched[at - header : at - header + 4] == sig:
                    patched[at - header + size_at : at - header + size_at + 4] = (100).to_bytes(4, "little")
            at = patched.find(name, at + 1)
        data = bytes(patched)
    return data


def test_zip_bombs_are_refused_by_declared_and_by_streamed_size(settings: Settings, tmp_path: Path) -> None:
    small = settings.with_(max_unpacked_mb=1)
    bomb = tmp_path / "bomb.docx"
    bomb.write_bytes(_docx_bytes(3 * MB))
    assert len(bomb.read_bytes()) < 100_000
    error = _ingest_one(small, bomb)
    assert re.fullmatch(
        r"declared unpacked size is 3\.\d MB, over the 1 MB limit \(DISCLOSURE_MAX_UNPACKED_MB\)", error
    )
    liar = tmp_path / "liar.docx"
    liar.write_bytes(_docx_bytes(3 * MB, lie=True))
    error = _ingest_one(small, liar)
    assert "not a valid .docx" in error or "DISCLOSURE_MAX_UNPACKED_MB" in error


def _pdf_with_stream(inflated: int, pages: int = 1) -> bytes:
    payload = zlib.compress(b" " * inflated, 9)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{4 + i} 0 R" for i in range(pages)).encode()
    objects.append(b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages)
    objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(payload) + payload + b"\nendstream")
    for _ in range(pages):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R >>")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % off for off in offsets)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def test_pdf_flate_bombs_and_page_counts_are_refused(settings: Settings, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(_pdf_with_stream(3 * MB))
    error = _ingest_one(settings.with_(max_unpacked_mb=1), bomb)
    assert error == (
        "decompressed size of the PDF streams is more than 1 MB, over the 1 MB limit (DISCLOSURE_MAX_UNPACKED_MB)"
    )
    pages = tmp_path / "pages.pdf"
    pages.write_bytes(_pdf_with_stream(10, pages=5))
    assert _ingest_one(settings.with_(max_pages=3), pages) == "4 pages, over the 3-page limit (DISCLOSURE_MAX_PAGES)"


def test_text_limits_name_value_limit_and_setting(settings: Settings, tmp_path: Path) -> None:
    text = template_report(issuer="边界测试局", year=2022)
    path = write_report(tmp_path, "r.txt", text)
    error = _ingest_one(settings.with_(max_chars=800), path)
    assert error == f"extracted text has {len(text):,} characters, over the 800-character limit (DISCLOSURE_MAX_CHARS)"
    error = _ingest_one(settings.with_(max_chars=300), path)  # refused before decoding: 4 bytes a character at most
    assert (
        error
        == f"text has at least {len(text.encode()) // 4:,} characters, over the 300-character limit (DISCLOSURE_MAX_CHARS)"
    )
    longest = max(len(line) for line in text.split("\n"))
    error = _ingest_one(settings.with_(max_line_chars=100), path)
    assert f"has {longest:,} characters, over the 100-character line limit (DISCLOSURE_MAX_LINE_CHARS)" in error
    assert _ingest_one(settings.with_(max_chunks=2), path).endswith("over the 2-chunk limit (DISCLOSURE_MAX_CHUNKS)")
    page = write_report(tmp_path, "p.html", "<html><body>" + "<p>公开</p>" * 50 + "</body></html>")
    assert "over the 20-tag limit (DISCLOSURE_MAX_HTML_TAGS)" in _ingest_one(settings.with_(max_html_tags=20), page)
    assert "DISCLOSURE_MAX_FILE_MB" in _ingest_one(settings.with_(max_file_mb=0.001), path)
    # within the limits the same file indexes
    assert Indexer(settings).ingest([path])[0].ok


def test_bad_limit_settings_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCLOSURE_MAX_PAGES", "many")
    with pytest.raises(DisclosureError, match="DISCLOSURE_MAX_PAGES"):
        Settings.from_env()
    monkeypatch.setenv("DISCLOSURE_MAX_PAGES", "0")
    with pytest.raises(DisclosureError, match="DISCLOSURE_MAX_PAGES=0 must be positive"):
        _ = Settings.from_env().limits


def test_load_file_checks_the_path_in_process(tmp_path: Path) -> None:
    path = _report(tmp_path)
    assert "边界测试局" in load_file(path).text
    os.symlink(path, tmp_path / "l.txt")
    with pytest.raises(IngestError, match="symbolic link"):
        load_file(tmp_path / "l.txt")
    assert "边界测试局" in load_file(tmp_path / "l.txt", follow_symlinks=True).text
    with pytest.raises(IngestError, match="DISCLOSURE_MAX_CHARS"):
        load_file(path, limits=Limits(max_chars=10))


# -- the reader worker ------------------------------------------------------------------------------
def test_worker_deadline_kills_and_the_next_job_runs() -> None:
    started = time.monotonic()
    with pytest.raises(IngestError, match=r"longer than the 1 s limit \(DISCLOSURE_INGEST_TIMEOUT_S\)") as caught:
        run_bounded(time.sleep, (60,), limits=Limits(timeout_s=1), source="slow.pdf")
    assert caught.value.source == "slow.pdf" and time.monotonic() - started < 30
    budget = run_bounded(current_budget, (), limits=Limits(max_pages=7, timeout_s=60), source="x")
    assert budget.limits.max_pages == 7 and 0 < budget.remaining_s() <= 60  # what OCR reads inside the worker


def test_worker_memory_cap_gives_a_clean_error() -> None:
    with pytest.raises(IngestError, match=r"400 MB memory limit \(DISCLOSURE_INGEST_MEMORY_MB\)"):
        run_bounded(bytearray, (2 * 1024 * MB,), limits=Limits(memory_bytes=400 * MB, timeout_s=60), source="big")
    assert run_bounded(len, (b"abc",), limits=Limits(timeout_s=60), source="x") == 3


def test_ingest_errors_cross_the_process_boundary() -> None:
    error = pickle.loads(pickle.dumps(IngestError("a.pdf", "damaged")))
    assert isinstance(error, IngestError) and (error.source, error.reason, str(error)) == (
        "a.pdf",
        "damaged",
        "a.pdf: damaged",
    )
