"""Fault suite: hostile and malformed files, kill -9 during ingest, concurrent /ask while writers run.

Not a test: it prints figures (a Markdown report on stdout, progress on stderr, ``--json`` for the
numbers). ``tests/test_faults.py`` runs its quick form in CI and asserts 0 crashes, 0 hangs, 0 lost.

    python bench/faults.py [--quick] [--parts files,kill,load] [--kills K] [--asks N] [--json OUT] [--workdir DIR]

Parts:

files
    N generated files (>= 100 by default; ``--quick`` a dozen): truncations and bit flips of a valid
    TXT / Markdown / HTML / PDF / DOCX report, zip bombs (honest and lying sizes, many members),
    PDF flate bombs, page bombs, 40 MB of lines, one 40 MB line, 44 MB of flat tags, deep nesting,
    a 5 MB Markdown table of 500k rows, wrong extensions, empty and binary files, odd names, symbolic
    links (to /dev/zero, /etc/passwd, a report, nowhere, a loop), a named pipe, a socket, a device,
    and a folder mixing them. Each is ingested by the real :class:`~index.ingest.Indexer` into one
    data directory that already holds good reports, under a watchdog. Counted per file: clean
    error (one line naming the file), indexed, crash (an exception escaping, or a traceback
    logged), hang (no result within the time limit plus a grace), wrong outcome (e.g. a link
    indexed), peak RSS (writer process and reader worker, each reset before the file), time; then
    lost reports (good reports missing or no longer answerable) and ``verify``.
kill
    K runs of ``disclosure ingest`` (a folder of 4 reports) killed with SIGKILL at a random moment
    (5-95 % of the time an uninterrupted ingest of such a folder took, measured first);
    after each, ``disclosure verify`` at once (what readers see), then the next writer run
    (``disclosure ingest`` of nothing new) and ``verify`` again; lost reports counted.
load
    The web app on a loopback port; 4 threads ask ``/ask`` (gradio_client) continuously while, one
    after another, an admin upload runs in the app, a re-index runs in the app, and an external
    ``disclosure ingest`` process adds a report to the same data directory. Counted: errors,
    p50/p95 latency, and how long until the externally added report is answered by the app.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import logging
import os
import platform
import random
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

log = logging.getLogger("faults")

MB = 1024 * 1024
GRACE_S = 60.0
SEED_PHONES = {"seed-a-2022.txt": "0510-11112222", "seed-b-2023.txt": "0512-33334444"}
SEED_ISSUERS = {"seed-a-2022.txt": "甲乙县民政局", "seed-b-2023.txt": "丙丁市统计局"}


# -- valid seed files of every format ---------------------------------------------------------------
def _report_text(issuer: str = "戊己县档案局", year: int = 2023, phone: str = "0519-55556666") -> str:
    from tests.factories import template_report

    return template_report(issuer=issuer, year=year, phone=phone)


def make_txt(path: Path) -> Path:
    path.write_text(_report_text(), encoding="utf-8")
    return path


def make_md(path: Path) -> Path:
    text = _report_text().replace("\n一、", "\n## 一、").replace("\n二、", "\n## 二、")
    path.write_text("# " + text, encoding="utf-8")
    return path


def make_html(path: Path) -> Path:
    lines = _report_text().splitlines()
    body = []
    for line in lines:
        if " | " in line:
            cells = "".join(f"<td>{c}</td>" for c in line.split(" | "))
            body.append(f"<table><tr>{cells}</tr></table>")
        elif line.strip():
            body.append(f"<p>{line}</p>")
    html = f'<!doctype html><html><head><meta charset="utf-8"><title>{lines[0]}</title></head><body><article>{"".join(body)}</article></body></html>'
    path.write_text(html, encoding="utf-8")
    return path


def make_pdf(path: Path) -> Path:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path))
    y = 800
    for line in _report_text().splitlines():
        for start in range(0, max(len(line), 1), 40):
            if y < 60:
                c.showPage()
                y = 800
            c.setFont("STSong-Light", 10)
            c.drawString(40, y, line[start : start + 40])
            y -= 14
    c.save()
    return path


def make_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    for line in _report_text().splitlines():
        if " | " in line:
            cells = line.split(" | ")
            table = document.add_table(rows=1, cols=len(cells))
            for i, cell in enumerate(cells):
                table.cell(0, i).text = cell
        else:
            document.add_paragraph(line)
    document.save(str(path))
    return path


SEEDS: dict[str, Callable[[Path], Path]] = {
    ".txt": make_txt,
    ".md": make_md,
    ".html": make_html,
    ".pdf": make_pdf,
    ".docx": make_docx,
}


# -- hostile files ----------------------------------------------------------------------------------
@dataclass
class Case:
    """One generated file (or path) to ingest, and what a correct system does with it."""

    name: str
    group: str
    path: Path
    expect: str = "error"  # "error": refused with a clean line; "ok": indexed; "any": either, cleanly
    follow_symlinks: bool = False
    forbid: str = ""  # text that must not be in the indexed report (e.g. a file an entity points to)


def _flip_bits(data: bytes, flips: int, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(flips):
        i = rng.randrange(len(out))
        out[i] ^= 1 << rng.randrange(8)
    return bytes(out)


def _zip_bomb(path: Path, inflated: int, *, lie: bool = False) -> Path:
    """A .docx whose word/document.xml inflates to ``inflated`` bytes (``lie``: declared sizes say 1 KB)."""
    seed = io.BytesIO()
    make_docx_bytes = path.with_suffix(".seed.docx")
    make_docx(make_docx_bytes)
    with zipfile.ZipFile(make_docx_bytes) as src, zipfile.ZipFile(seed, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == "word/document.xml":
                continue
            dst.writestr(info, src.read(info))
        info = zipfile.ZipInfo("word/document.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with dst.open(info, "w", force_zip64=True) as member:
            head = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
            member.write(head)
            block = b"A" * MB
            for _ in range(inflated // MB):
                member.write(block)
            member.write(b"</w:t></w:r></w:p></w:body></w:document>")
    make_docx_bytes.unlink()
    data = seed.getvalue()
    if lie:
        data = _lie_about_sizes(data)
    path.write_bytes(data)
    return path


def _lie_about_sizes(data: bytes) -> bytes:
    """Rewrite the uncompressed size that headers declare for document.xml to 1 KB (zip64 extras too)."""
    out = bytearray(data)
    name = b"word/document.xml"
    at = out.find(name)
    while at >= 0:
        for sig, size_at, header_len in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
            start = at - header_len
            if start >= 0 and out[start : start + 4] == sig:
                if out[start + size_at : start + size_at + 4] != b"\xff\xff\xff\xff":
                    out[start + size_at : start + size_at + 4] = (1024).to_bytes(4, "little")
                extra = out.find(b"\x01\x00", at + len(name), at + len(name) + 8)
                if extra >= 0:  # zip64 extra field: id, length, then the uncompressed size
                    out[extra + 4 : extra + 12] = (1024).to_bytes(8, "little")
        at = out.find(name, at + len(name))
    return bytes(out)


def _docx_with_document(path: Path, document_xml: bytes) -> Path:
    """A .docx whose word/document.xml is ``document_xml`` (other parts from a valid document)."""
    seed = path.with_suffix(".seed.docx")
    make_docx(seed)
    with zipfile.ZipFile(seed) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, document_xml if info.filename == "word/document.xml" else src.read(info))
    seed.unlink()
    return path


_W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "lol">'
    + b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
    + b'<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">'
    + b'<!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">'
    + b'<!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;"><!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">]>'
    + b"<w:document "
    + _W
    + b"><w:body><w:p><w:r><w:t>&i;</w:t></w:r></w:p></w:body></w:document>"
)
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]><w:document '
    + _W
    + "><w:body><w:p><w:r><w:t>一、总体情况 &x;</w:t></w:r></w:p></w:body></w:document>".encode()
)


def _many_members(path: Path, members: int) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        for i in range(members):
            archive.writestr(f"x/{i}", b"")
    return path


def _pdf_with_streams(path: Path, stream_bytes: int, *, streams: int = 1, pages: int = 1) -> Path:
    """A PDF whose page content streams each inflate to ``stream_bytes`` (zeros/spaces, deflated)."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    def deflated(size: int) -> bytes:
        comp = zlib.compressobj(9)
        chunk = b" " * MB
        out = [comp.compress(chunk) for _ in range(size // MB)]
        out.append(comp.compress(b" " * (size % MB)))
        out.append(comp.flush())
        return b"".join(out)

    catalog = add(b"")  # filled in below
    pages_obj = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    page_ids = []
    content_ids = []
    payload = deflated(stream_bytes) if streams else b""
    for i in range(pages):
        if i < streams:
            content_ids.append(
                add(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(payload) + payload + b"\nendstream")
            )
        else:
            text = b"BT /F1 12 Tf 72 720 Td (page %d) Tj ET" % i
            content_ids.append(add(b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream"))
        page_ids.append(add(b""))
    for pid, cid in zip(page_ids, content_ids, strict=True):
        objects[pid - 1] = (
            b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Contents %d 0 R /Resources << /Font << /F1 %d 0 R >> >> >>"
            % (pages_obj, cid, font)
        )
    kids = b" ".join(b"%d 0 R" % p for p in page_ids)
    objects[pages_obj - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(page_ids))
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_obj
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, catalog, xref))
    path.write_bytes(out.getvalue())
    return path


def _write(path: Path, data: bytes | str) -> Path:
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _big_file(path: Path, size: int, line: bytes, *, prefix: bytes = b"", suffix: bytes = b"") -> Path:
    with path.open("wb") as handle:
        handle.write(prefix)
        written = len(prefix)
        block = line * max(1, MB // len(line))
        while written < size:
            handle.write(block)
            written += len(block)
        handle.write(suffix)
    return path


def build_cases(folder: Path, *, quick: bool, seed: int = 7) -> list[Case]:
    """Write every hostile file under ``folder``; ``quick`` writes one of each kind that runs fast."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    seeds = folder / "seeds"
    seeds.mkdir(exist_ok=True)
    valid = {suffix: make(seeds / f"valid{suffix}") for suffix, make in SEEDS.items()}
    cases: list[Case] = []
    work = folder / "files"
    work.mkdir(exist_ok=True)

    def add(name: str, group: str, make: Callable[[Path], Path], expect: str = "error", **kw: Any) -> None:
        path = make(work / name)
        cases.append(Case(name, group, path, expect, **kw))

    fractions = [0.5] if quick else [0.02, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99]
    flips = [16] if quick else [1, 4, 16, 64, 256, 1024]
    for suffix, src in valid.items():
        data = src.read_bytes()
        for f in fractions:
            add(
                f"trunc-{int(f * 100):02d}{suffix}",
                "truncated",
                lambda p, d=data, f=f: _write(p, d[: int(len(d) * f)]),
                "any",
            )
        for k in flips:
            add(f"flip-{k}{suffix}", "bit flips", lambda p, d=data, k=k: _write(p, _flip_bits(d, k, rng)), "any")

    # bombs
    add("zipbomb-1g.docx", "bombs", lambda p: _zip_bomb(p, 1024 * MB))
    add("zipbomb-lying.docx", "bombs", lambda p: _zip_bomb(p, 600 * MB, lie=True))
    if not quick:
        add("zip-many-members.docx", "bombs", lambda p: _many_members(p, 50_000))
        add("flatebomb-600m.pdf", "bombs", lambda p: _pdf_with_streams(p, 600 * MB))
        add("flatebomb-20x40m.pdf", "bombs", lambda p: _pdf_with_streams(p, 40 * MB, streams=20, pages=20))
        add("pages-5000.pdf", "bombs", lambda p: _pdf_with_streams(p, 0, streams=0, pages=5000))
        add("billion-laughs.docx", "bombs", lambda p: _docx_with_document(p, BILLION_LAUGHS), "any")
        add("xxe-passwd.docx", "bombs", lambda p: _docx_with_document(p, XXE), "any", forbid="root:x:0:0")
        add(
            "xxe-passwd.html",
            "bombs",
            lambda p: _write(p, XXE.replace(b"w:document", b"html")),
            "any",
            forbid="root:x:0:0",
        )
    else:
        add("flatebomb-600m.pdf", "bombs", lambda p: _pdf_with_streams(p, 600 * MB))

    # huge text under the size limit (issue 11's four, in the quick run too)
    add("lines-40mb.txt", "huge text", lambda p: _big_file(p, 40 * MB, "政府信息公开工作年度报告第一行内容\n".encode()))
    add("one-line-40mb.txt", "huge text", lambda p: _big_file(p, 40 * MB, "政府信息公开".encode()))
    add("flat-tags-44mb.html", "huge text", lambda p: _big_file(p, 44 * MB, b"<b>x</b>", prefix=b"<html><body>"))
    add(
        "table-500k-rows.md",
        "huge text",
        lambda p: _big_file(p, 5 * MB, b"| 1 | 2 |\n", prefix="# 表\n| 项目 | 数量 |\n| --- | --- |\n".encode()),
    )
    if not quick:
        add("nested-200k.html", "huge text", lambda p: _write(p, "<div>" * 200_000 + "文本" + "</div>" * 200_000))
        add(
            "gb18030-12mb.txt", "huge text", lambda p: _big_file(p, 12 * MB, "政府信息公开年度报告，".encode("gb18030"))
        )
        add("one-paragraph-3m.html", "huge text", lambda p: _write(p, "<p>" + "公开" * 1_500_000 + "</p>"))
        add("line-150k.txt", "huge text", lambda p: _write(p, _report_text() + "附" * 150_000))
        # just under the character limit: the whole pipeline runs, the chunk limit or the index decides
        add("report-x400.txt", "huge text", lambda p: _write(p, _report_text() * 400), "any")
        add(
            "table-45k-rows.md",
            "huge text",
            lambda p: _write(p, "| 项目 | 数量 |\n" + "| 本年新收政府信息公开申请 | 12 |\n" * 45_000),
        )

    # wrong content for the extension, empty, binary
    add("empty.txt", "wrong type", lambda p: _write(p, b""))
    add("nul.txt", "wrong type", lambda p: _write(p, b"\0" * 4096))
    if not quick:
        add("pdf-as.txt", "wrong type", lambda p: _write(p, valid[".pdf"].read_bytes()))
        add("docx-as.pdf", "wrong type", lambda p: _write(p, valid[".docx"].read_bytes()))
        add("png-as.html", "wrong type", lambda p: _write(p, b"\x89PNG\r\n\x1a\n" + os.urandom(2048)))
        add("random.docx", "wrong type", lambda p: _write(p, rng.randbytes(8192)))
        add("random.pdf", "wrong type", lambda p: _write(p, b"%PDF-1.7\n" + rng.randbytes(8192)))
        add("one-byte.md", "wrong type", lambda p: _write(p, b"x"), "any")
        add("report.exe", "wrong type", lambda p: _write(p, b"MZ" + rng.randbytes(512)))
        add("big-61mb.txt", "wrong type", lambda p: _big_file(p, 61 * MB, b"a\n"))

    # odd names of a valid report: indexed
    text = valid[".txt"].read_bytes()
    odd = [
        "带 空格 的报告.txt",
        "-rf --all.txt",
        "报告;rm -rf ~.txt",
        "UPPER.TXT",
        "report.pdf.txt",
        "n" * 200 + ".txt",
    ]
    if not quick:
        odd += ["line\nbreak.txt", "emoji-🙂.txt", "引号'\"<b>.txt"]
    for i, name in enumerate(odd if not quick else odd[:2]):
        add(name, "odd names", lambda p, i=i: _write(p, text.replace(b"0519-55556666", b"0519-5555%04d" % i)), "ok")

    # links and special files
    def link(target: str) -> Callable[[Path], Path]:
        def make(p: Path) -> Path:
            os.symlink(target, p)
            return p

        return make

    add("link-dev-zero.txt", "links & devices", link("/dev/zero"))
    add("link-passwd.txt", "links & devices", link("/etc/passwd"))
    add("link-passwd-followed.txt", "links & devices", link("/etc/passwd"), "any", follow_symlinks=True)
    add("link-dev-zero-followed.txt", "links & devices", link("/dev/zero"), follow_symlinks=True)
    add("fifo.txt", "links & devices", lambda p: (os.mkfifo(p), p)[1])
    if not quick:
        add("link-report.txt", "links & devices", link(str(valid[".txt"])))
        add("link-nowhere.txt", "links & devices", link("/nonexistent/report.txt"))
        add("link-loop.txt", "links & devices", lambda p: (os.symlink(p.name, p), p)[1])
        add("socket.txt", "links & devices", _socket_file)
        cases.append(Case("/dev/zero", "links & devices", Path("/dev/zero")))
        cases.append(Case("/dev/null.txt (device path)", "links & devices", Path("/dev/null")))
    # a folder mixing them: only the regular report is indexed
    mixed = folder / "mixed"
    mixed.mkdir(exist_ok=True)
    (mixed / "good.txt").write_bytes(text.replace(b"0519-55556666", b"0519-77778888"))
    os.symlink("/etc/passwd", mixed / "passwd.txt")
    os.symlink("/dev/zero", mixed / "zero.txt")
    os.mkfifo(mixed / "pipe.txt")
    os.symlink("/etc", mixed / "etc-folder")
    cases.append(Case("folder: report + links + pipe", "links & devices", mixed, "mixed"))
    return cases


def _socket_file(path: Path) -> Path:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(str(path))
    sock.close()  # the socket file stays
    return path


# -- running the file cases -------------------------------------------------------------------------
class TracebackCounter(logging.Handler):
    """Counts log records that carry a traceback (an unexpected exception, however it was caught)."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[0] is not None:
            self.records.append(f"{record.name}: {record.getMessage()} ({record.exc_info[0].__name__})")


def _reset_peak() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _own_peak() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


@dataclass
class FileResult:
    name: str
    group: str
    outcome: str  # clean error / indexed / crash / hang / wrong
    detail: str
    seconds: float
    writer_peak_mb: float
    worker_peak_mb: float


def seed_reports(folder: Path) -> list[Path]:
    from tests.factories import template_report, write_report

    return [
        write_report(folder, name, template_report(issuer=SEED_ISSUERS[name], year=int(name[7:11]), phone=phone))
        for name, phone in SEED_PHONES.items()
    ]


def check_seeds(settings: Any) -> tuple[int, list[str]]:
    """(lost, notes): seed reports missing from the catalogue or no longer answered with their phone."""
    from assistant.service import Assistant

    assistant = Assistant(settings)
    sources = {r.source for r in assistant.store.catalogue.reports()}
    lost = 0
    notes = []
    for name, phone in SEED_PHONES.items():
        if name not in sources:
            lost += 1
            notes.append(f"{name} missing")
            continue
        answer = assistant.ask(f"{SEED_ISSUERS[name]}的联系电话是多少？")
        if phone not in answer.answer:
            lost += 1
            notes.append(f"{name} not answered: {answer.answer}")
    return lost, notes


def run_files(workdir: Path, *, quick: bool) -> dict[str, Any]:
    from index.config import Settings
    from index.ingest import Indexer
    from index.load import worker

    settings = Settings.from_env().with_(data_dir=workdir / "data-files")
    limits = settings.limits
    indexer = Indexer(settings)
    seeds = seed_reports(workdir / "seed-reports")
    first = indexer.ingest(seeds)
    assert all(r.ok for r in first), [(r.source, r.error) for r in first]
    cases = build_cases(workdir / "hostile", quick=quick)
    print(f"files: {len(cases)} cases", file=sys.stderr)
    counter = TracebackCounter()
    logging.getLogger().addHandler(counter)
    results: list[FileResult] = []
    hung = False
    for case in cases:
        before = len(counter.records)
        box: dict[str, Any] = {}
        worker.last_job.peak_rss_bytes = 0

        def work(case: Case = case, box: dict[str, Any] = box) -> None:
            try:
                box["results"] = indexer.ingest([case.path], follow_symlinks=case.follow_symlinks)
            except BaseException as exc:  # noqa: BLE001 - an escaping exception is what we count
                box["error"] = exc

        _reset_peak()
        started = time.monotonic()
        thread = threading.Thread(target=work, daemon=True)
        thread.start()
        thread.join(limits.timeout_s + GRACE_S)
        seconds = time.monotonic() - started
        writer_peak = _own_peak() / MB
        worker_peak = worker.last_job.peak_rss_bytes / MB
        if thread.is_alive():
            results.append(FileResult(case.name, case.group, "hang", "no result", seconds, writer_peak, worker_peak))
            hung = True
            print(f"  HANG {case.name}", file=sys.stderr)
            break
        outcome, detail = _judge(case, box, counter.records[before:])
        if case.forbid and outcome == "indexed":
            for r in box["results"]:
                if r.ok and r.report_id and case.forbid in indexer.store.catalogue.report_text(r.report_id):
                    outcome, detail = "wrong", f"indexed text contains {case.forbid!r}"
        results.append(FileResult(case.name, case.group, outcome, detail, seconds, writer_peak, worker_peak))
        print(
            f"  {outcome:12s} {seconds:6.1f}s {max(writer_peak, worker_peak):6.0f} MB  {case.name[:60]!r}: {detail[:140]}",
            file=sys.stderr,
        )
    logging.getLogger().removeHandler(counter)
    lost, notes = check_seeds(settings) if not hung else (-1, ["not checked after a hang"])
    # "nothing else changes": no stored copy is left behind by a refused file
    store = indexer.store
    kept = {str(Path(r.stored_path)) for r in store.catalogue.reports(state=None)}
    files_dir = store.files_dir
    leftover = sorted(p.name for p in files_dir.iterdir() if str(p) not in kept) if files_dir.is_dir() else []
    counts = Indexer(settings).verify() if not hung else {}
    consistent = _consistent(counts)
    by_outcome: dict[str, int] = {}
    for r in results:
        by_outcome[r.outcome] = by_outcome.get(r.outcome, 0) + 1
    by_group: dict[str, dict[str, int]] = {}
    for r in results:
        by_group.setdefault(r.group, {}).setdefault(r.outcome, 0)
        by_group[r.group][r.outcome] += 1
    return {
        "cases": len(cases),
        "run": len(results),
        "outcomes": by_outcome,
        "by_group": by_group,
        "crashes": by_outcome.get("crash", 0),
        "hangs": by_outcome.get("hang", 0),
        "wrong": by_outcome.get("wrong", 0),
        "max_writer_peak_mb": max((r.writer_peak_mb for r in results), default=0.0),
        "max_worker_peak_mb": max((r.worker_peak_mb for r in results), default=0.0),
        "max_seconds": max((r.seconds for r in results), default=0.0),
        "lost_reports": lost,
        "lost_notes": notes,
        "leftover_stored_copies": leftover,
        "verify": counts,
        "consistent": consistent,
        "limits": asdict(limits),
        "results": [asdict(r) for r in results],
    }


def _consistent(counts: dict[str, Any]) -> bool:
    """What ``verify`` says readers see (newer stores report it; else the counts must agree)."""
    if not counts:
        return False
    if "consistent_for_readers" in counts:
        return bool(counts["consistent_for_readers"])
    return (
        not counts["chroma_missing"]
        and not counts["chroma_extra"]
        and counts["bm25_documents"] == counts["catalogue_chunks"]
    )


def _judge(case: Case, box: dict[str, Any], tracebacks: list[str]) -> tuple[str, str]:
    if "error" in box:
        exc = box["error"]
        return "crash", f"{type(exc).__name__}: {exc}"
    results = box["results"]
    if tracebacks:
        return "crash", "; ".join(tracebacks)
    if case.expect == "mixed":
        ok = sorted(r.source for r in results if r.ok)
        failed = [f"{r.source}: {r.error}" for r in results if not r.ok]
        if ok != ["good.txt"] or len(failed) != len(results) - 1:
            return "wrong", f"indexed {ok}; refused {failed}"
        return "clean error", f"indexed good.txt; refused {len(failed)}: " + " / ".join(failed)
    if len(results) != 1:
        return "wrong", f"{len(results)} results"
    r = results[0]
    if r.ok:
        if case.expect == "error":
            return "wrong", f"indexed ({r.issuer} {r.year}, {r.chunks} chunks)"
        return "indexed", f"{r.status} ({r.chunks} chunks)"
    error = r.error or ""
    if "unexpected error" in error or "\n" in error or not error:
        return "crash", error
    if case.expect == "ok":
        return "wrong", f"refused: {error}"
    return "clean error", error


# -- kill -9 during ingest --------------------------------------------------------------------------
def _cli(*args: str, data_dir: Path, timeout: float = 600, check: bool = False) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"DISCLOSURE_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=check,
        cwd=ROOT,
    )


def _verify(data_dir: Path) -> tuple[bool, dict[str, Any], str]:
    proc = _cli("verify", data_dir=data_dir, timeout=300)
    try:
        counts = json.loads(proc.stdout[proc.stdout.index("{") : proc.stdout.rindex("}") + 1])
    except ValueError:
        counts = {}
    tail = proc.stderr.strip().splitlines()[-1:] if proc.returncode else []
    return proc.returncode == 0, counts, "; ".join(tail)


ORGANS = ("统计局", "民政局", "财政局", "人民政府", "司法局", "教育局", "审计局")


def _issuer_of(n: int) -> str:
    """A distinct issuer for each ``n`` < 870, named as real ones are (place + organ: 赵孙县民政局)."""
    places = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶"
    first = n % len(places)
    second = (first + 1 + (n // len(places)) % (len(places) - 1)) % len(places)
    return f"{places[first]}{places[second]}县{ORGANS[n % len(ORGANS)]}"


def _phone_of(n: int) -> str:
    return f"0511-{6000000 + n}"


def _distinct_reports(folder: Path, count: int, offset: int) -> list[Path]:
    """``count`` reports of distinct issuers (``_issuer_of(n)``, phone ``_phone_of(n)``) from ``offset`` on."""
    from tests.factories import template_report, write_report

    return [
        write_report(
            folder,
            f"r{n:03d}.txt",
            template_report(issuer=_issuer_of(n), year=2020 + n % 4, phone=_phone_of(n), new_requests=n + 3),
        )
        for n in range(offset, offset + count)
    ]


def run_kills(workdir: Path, runs: int, rng: random.Random) -> dict[str, Any]:
    data = workdir / "data-kill"
    seeds = seed_reports(workdir / "kill-seeds")
    proc = _cli("ingest", *map(str, seeds), data_dir=data)
    if proc.returncode != 0:
        raise RuntimeError(f"seeding failed: {proc.stderr[-2000:]}")
    # an uninterrupted ingest of a batch like the killed ones: its length spans the random moments
    # (on a loaded machine a fixed 2-14 s would only ever kill while the first file is read)
    t0 = time.monotonic()
    proc = _cli("ingest", str(_distinct_reports(workdir / "kill-calibration", 4, offset=600)[0].parent), data_dir=data)
    if proc.returncode != 0:
        raise RuntimeError(f"calibration ingest failed: {proc.stderr[-2000:]}")
    full_s = time.monotonic() - t0
    rows = []
    for run in range(runs):
        batch = workdir / f"kill-batch-{run}"
        _distinct_reports(batch, 4, offset=run * 4)
        delay = rng.uniform(0.05, 0.95) * full_s
        env = os.environ | {"DISCLOSURE_DATA_DIR": str(data), "PYTHONPATH": str(ROOT)}
        child = subprocess.Popen(
            [sys.executable, "-m", "assistant.cli", "ingest", str(batch)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(delay)
        finished = child.poll() is not None
        if not finished:
            os.killpg(child.pid, signal.SIGKILL)  # the writer and its reader worker
        child.wait()
        ok_now, counts_now, why_now = _verify(data)
        rerun = _cli("ingest", str(batch), data_dir=data)
        ok_after, counts_after, why_after = _verify(data)
        listed = _cli("reports", "--json", data_dir=data)
        try:
            sources = {r["source"] for r in json.loads(listed.stdout)}
        except (ValueError, KeyError, TypeError):
            sources = set()
        lost = [name for name in SEED_PHONES if name not in sources]
        visible_before = len(SEED_PHONES) + 4 + 4 * run  # seeds, calibration, the earlier runs' batches
        rows.append(
            {
                "run": run,
                "killed_at_s": round(delay, 1),
                "finished_before_kill": finished,
                "consistent_at_once": ok_now,
                "verify_at_once": counts_now,
                "why_not": why_now,
                # where the kill landed: this batch's reports published, leftovers the next writer cleans up
                "batch_published_at_kill": counts_now.get("reports", visible_before) - visible_before,
                "cleanup_at_kill": counts_now.get("needs_cleanup", []),
                "next_writer_rc": rerun.returncode,
                "consistent_after_next_writer": ok_after,
                "why_not_after": why_after,
                "verify_after": counts_after,
                "lost_reports": len(lost),
            }
        )
        print(
            f"  kill {run}: at {delay:4.1f}s finished={finished} consistent at once={ok_now} "
            f"after next writer={ok_after} lost={len(lost)} {why_now}",
            file=sys.stderr,
        )
    return {
        "runs": runs,
        "uninterrupted_ingest_s": round(full_s, 1),
        "killed": sum(1 for r in rows if not r["finished_before_kill"]),
        "consistent_at_once": sum(1 for r in rows if r["consistent_at_once"]),
        "consistent_after_next_writer": sum(1 for r in rows if r["consistent_after_next_writer"]),
        "lost_reports": sum(r["lost_reports"] for r in rows),
        # where the kills landed (from ``verify`` at once)
        "killed_before_publish": sum(1 for r in rows if r["batch_published_at_kill"] <= 0),
        "killed_after_publish": sum(1 for r in rows if r["batch_published_at_kill"] > 0),
        "killed_with_vectors_pending": sum(1 for r in rows if (r["verify_at_once"].get("dense") or {}).get("pending")),
        "killed_with_extra_vectors": sum(1 for r in rows if r["verify_at_once"].get("chroma_extra")),
        "killed_with_leftovers": sum(1 for r in rows if r["cleanup_at_kill"]),
        "rows": rows,
    }


# -- concurrent /ask while writers run --------------------------------------------------------------
def run_load(workdir: Path, *, threads: int, asks: int) -> dict[str, Any]:
    from gradio_client import Client

    from assistant.ui import handlers
    from assistant.ui.app import create, launch_kwargs
    from index.config import Settings

    data = workdir / "data-load"
    seeds = seed_reports(workdir / "load-seeds")
    user, password = "admin", "faults-admin-pw"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    settings = Settings.from_env().with_(data_dir=data, port=port, admin_user=user, admin_password=password)
    from index.ingest import Indexer

    Indexer(settings).ingest(seeds)
    ctx, demo = create(settings)
    demo.launch(**launch_kwargs(settings), prevent_thread_lock=True, quiet=True)
    url = f"http://127.0.0.1:{port}/"
    # The askers ask about the seed reports and about every report the writers add (abstaining until it exists).
    added = [200, 201, 202, 300]
    questions = (
        [f"{SEED_ISSUERS[n]}的联系电话是多少？" for n in SEED_PHONES]
        + [f"{SEED_ISSUERS[n]}收到多少件政府信息公开申请？" for n in SEED_PHONES]
        + [f"{_issuer_of(n)}的联系电话是多少？" for n in added]
    )
    latencies: list[float] = []
    errors: list[str] = []
    errors_by_phase: dict[str, int] = {}
    asks_by_phase: dict[str, int] = {}  # asks that started or ended during each writer phase
    latencies_by_phase: dict[str, list[float]] = {}  # by the phase an ask started in
    lock = threading.Lock()
    writers_done = threading.Event()
    phases: dict[str, Any] = {}
    phase = ["before writers"]

    def ask_once(client: Any, question: str) -> dict[str, Any] | None:
        t0 = time.perf_counter()
        during = phase[0]
        try:
            result = client.predict(question, api_name="/ask")
            if not isinstance(result, dict) or "answer" not in result:
                raise RuntimeError(f"bad result {result!r}")
            return result
        except Exception as exc:  # noqa: BLE001 - every failure is counted
            with lock:
                errors.append(f"{during}: {type(exc).__name__}: {exc}"[:300])
                errors_by_phase[during] = errors_by_phase.get(during, 0) + 1
            return None
        finally:
            with lock:
                latencies.append((time.perf_counter() - t0) * 1000)
                latencies_by_phase.setdefault(during, []).append(latencies[-1])
                for seen in {during, phase[0]}:  # the phases the ask overlapped (it started or ended in)
                    asks_by_phase[seen] = asks_by_phase.get(seen, 0) + 1

    def asker(k: int) -> None:
        client = Client(url, verbose=False)
        done = 0
        while (done < asks or not writers_done.is_set()) and done < asks * 20:
            ask_once(client, questions[(k + done) % len(questions)])
            done += 1

    def writers() -> None:
        try:
            token = handlers.admin_login(ctx, user, password)
            files = _distinct_reports(workdir / "load-upload", 3, offset=200)
            phase[0] = "admin upload"
            t0 = time.monotonic()
            text = handlers.upload_reports(ctx, token, [str(p) for p in files])
            phases["upload_s"] = round(time.monotonic() - t0, 1)
            phases["upload_ok"] = text.count("✅")
            phase[0] = "re-index"
            t0 = time.monotonic()
            text = handlers.reindex_all(ctx, token)
            phases["reindex_s"] = round(time.monotonic() - t0, 1)
            phases["reindex"] = text.splitlines()[0]
            external = _distinct_reports(workdir / "load-external", 1, offset=300)[0]
            phase[0] = "external CLI ingest"
            t0 = time.monotonic()
            proc = _cli("ingest", str(external), data_dir=data)
            phases["external_ingest_s"] = round(time.monotonic() - t0, 1)
            phases["external_ingest_rc"] = proc.returncode
            # how long until the app answers from the report another process added (errors count as asks)
            phase[0] = "after external ingest"
            client = Client(url, verbose=False)
            t1 = time.monotonic()
            seen = None
            while time.monotonic() - t1 < 60:
                result = ask_once(client, f"{_issuer_of(300)}的联系电话是多少？")
                if result is not None and _phone_of(300) in result["answer"]:
                    seen = time.monotonic() - t1
                    break
                time.sleep(0.5)
            phases["external_report_answered_after_s"] = None if seen is None else round(seen, 1)
            uploaded = ask_once(client, f"{_issuer_of(201)}的联系电话是多少？")
            phases["uploaded_report_answered"] = uploaded is not None and _phone_of(201) in uploaded["answer"]
        except Exception as exc:  # noqa: BLE001 - reported as a figure
            phases["writer_error"] = f"{type(exc).__name__}: {exc}"
        finally:
            writers_done.set()

    askers = [threading.Thread(target=asker, args=(k,), daemon=True) for k in range(threads)]
    for t in askers:
        t.start()
    time.sleep(1.0)
    writer = threading.Thread(target=writers, daemon=True)
    writer.start()
    writer.join()
    for t in askers:
        t.join(600)
    demo.close()
    ordered = sorted(latencies)
    return {
        "threads": threads,
        "asks": len(latencies),
        "errors": len(errors),
        "errors_by_phase": errors_by_phase,
        "asks_by_phase": asks_by_phase,
        "max_ms_by_phase": {k: round(max(v), 1) for k, v in latencies_by_phase.items()},
        "error_kinds": sorted(set(errors))[:10],
        "p50_ms": round(statistics.median(ordered), 1) if ordered else None,
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1) if ordered else None,
        **phases,
    }


# -- report -----------------------------------------------------------------------------------------
def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return (
        f"{cpu}, {os.cpu_count()} cores, {mem:.1f} GiB RAM, Python {platform.python_version()}, {platform.platform()}"
    )


def markdown(report: dict[str, Any]) -> str:
    lines = [
        f"Machine: {report['machine']}; load average at start {report['load_start']}; run took {report['minutes']:.1f} min.",
        "",
    ]
    files = report.get("files")
    if files:
        lines += [
            "| hostile files | value |",
            "| --- | ---: |",
            f"| files | {files['run']} of {files['cases']} |",
            f"| clean errors / indexed | {files['outcomes'].get('clean error', 0)} / {files['outcomes'].get('indexed', 0)} |",
            f"| crashes (tracebacks) / hangs / wrong outcome | {files['crashes']} / {files['hangs']} / {files['wrong']} |",
            f"| peak RSS per file, max: writer / reader worker | {files['max_writer_peak_mb']:.0f} MB / {files['max_worker_peak_mb']:.0f} MB |",
            f"| slowest file | {files['max_seconds']:.1f} s |",
            f"| lost reports / verify consistent after | {files['lost_reports']} / {files['consistent']} |",
            f"| stored copies left by refused files | {len(files['leftover_stored_copies'])} |",
            "",
            "| group | " + " | ".join(["clean error", "indexed", "crash", "hang", "wrong"]) + " |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for group, counts in files["by_group"].items():
            lines.append(
                f"| {group} | "
                + " | ".join(str(counts.get(k, 0)) for k in ["clean error", "indexed", "crash", "hang", "wrong"])
                + " |"
            )
        lines.append("")
    kills = report.get("kill")
    if kills:
        lines += [
            "| kill -9 during ingest | value |",
            "| --- | ---: |",
            f"| runs (killed mid-run); moments drawn within an uninterrupted run of {kills.get('uninterrupted_ingest_s')} s | {kills['runs']} ({kills['killed']}) |",
            f"| `verify` consistent at once (what readers see) | {kills['consistent_at_once']} / {kills['runs']} |",
            f"| `verify` consistent after the next writer | {kills['consistent_after_next_writer']} / {kills['runs']} |",
            f"| killed before / after (part of) the batch was published | {kills.get('killed_before_publish')} / {kills.get('killed_after_publish')} |",
            f"| killed with vectors pending / with extra vectors / with leftovers for the next writer | {kills.get('killed_with_vectors_pending')} / {kills.get('killed_with_extra_vectors')} / {kills.get('killed_with_leftovers')} |",
            f"| lost reports | {kills['lost_reports']} |",
            "",
        ]
    load = report.get("load")
    if load:
        lines += [
            "| concurrent `/ask` during writers | value |",
            "| --- | ---: |",
            f"| asks ({load['threads']} threads + the poll) / errors | {load['asks']} / {load['errors']} |",
            f"| asks started or ended in each phase | {', '.join(f'{k}: {v}' for k, v in load.get('asks_by_phase', {}).items())} |",
            f"| errors by writer phase | {', '.join(f'{k}: {v}' for k, v in load['errors_by_phase'].items()) or 'none'} |",
            f"| p50 / p95 | {load['p50_ms']} ms / {load['p95_ms']} ms |",
            f"| slowest ask by the phase it started in | {', '.join(f'{k}: {v:.0f} ms' for k, v in load.get('max_ms_by_phase', {}).items())} |",
            f"| admin upload / re-index / external CLI ingest | {load.get('upload_s')} s / {load.get('reindex_s')} s / {load.get('external_ingest_s')} s (rc {load.get('external_ingest_rc')}) |",
            f"| externally added report answered by the app after | {load.get('external_report_answered_after_s')} s (None: not within 60 s) |",
            f"| report uploaded in the app answered | {load.get('uploaded_report_answered')} |",
            "",
        ]
        if load["error_kinds"]:
            lines.append("Errors seen: " + "; ".join(load["error_kinds"]))
        if load.get("writer_error"):
            lines.append(f"Writer error: {load['writer_error']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a dozen files, 2 kills, 4 x 10 asks (CI)")
    parser.add_argument("--parts", default="files,kill,load")
    parser.add_argument("--kills", type=int, default=None)
    parser.add_argument(
        "--asks", type=int, default=None, help="asks per thread (at least; they go on until the writers finish)"
    )
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    parts = {p.strip() for p in args.parts.split(",") if p.strip()}
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="faults-"))
    workdir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    started = time.monotonic()
    report: dict[str, Any] = {
        "machine": machine(),
        "load_start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "quick": args.quick,
    }
    if "files" in parts:
        report["files"] = run_files(workdir, quick=args.quick)
    if "kill" in parts:
        report["kill"] = run_kills(workdir, args.kills if args.kills is not None else (2 if args.quick else 10), rng)
    if "load" in parts:
        report["load"] = run_load(
            workdir, threads=args.threads, asks=args.asks if args.asks is not None else (10 if args.quick else 50)
        )
    report["minutes"] = (time.monotonic() - started) / 60
    report["load_end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    report["peak_rss_mb_suite"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(markdown(report))
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    if not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
