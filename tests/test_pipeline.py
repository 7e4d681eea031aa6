"""Ingest into real SQLite, Chroma and BM25: round trips, idempotence, replacement, bad input, locking."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from index.config import Settings
from index.errors import DisclosureError
from index.ingest import Indexer
from index.storage.store import Store, writer_lock
from tests.conftest import SEED
from tests.factories import template_report, write_report


def _round_trip(store: Store) -> int:
    checked = 0
    for report in store.catalogue.reports():
        text = store.catalogue.report_text(report.id)
        for chunk in store.catalogue.ready_chunks_of(report.id):
            assert text[chunk.start : chunk.end] == chunk.text
            checked += 1
    return checked


def test_ingest_seed_and_written_report(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED.name)
    write_report(folder / "sub", "shili.txt", template_report())
    indexer = Indexer(settings)
    results = indexer.ingest([folder])
    assert [r.status for r in results] == ["indexed", "indexed"]
    by_source = {r.source: r for r in results}
    assert by_source[SEED.name].issuer == "常州市机关事务管理局"
    assert by_source[SEED.name].year == 2021
    assert _round_trip(indexer.store) == sum(r.chunks for r in results)
    counts = indexer.verify()
    assert counts["catalogue_chunks"] == counts["chroma_vectors"] == counts["bm25_documents"] > 0
    assert counts["chroma_missing"] == counts["chroma_extra"] == 0
    # the data dir keeps a copy of every ingested file
    stored = [Path(r.stored_path) for r in indexer.store.catalogue.reports()]
    assert all(p.exists() and p.parent == settings.data_dir / "files" for p in stored)


def test_reingest_same_bytes_is_skipped(settings: Settings, tmp_path: Path) -> None:
    path = write_report(tmp_path, "a.txt", template_report())
    indexer = Indexer(settings)
    first = indexer.ingest([path])[0]
    generation = indexer.store.catalogue.generation()
    again = indexer.ingest([path])[0]
    assert again.status == "unchanged" and again.report_id == first.report_id
    assert indexer.store.catalogue.generation() == generation


def test_changed_file_replaces_old_version(settings: Settings, tmp_path: Path) -> None:
    path = write_report(tmp_path, "a.txt", template_report(new_requests=12))
    indexer = Indexer(settings)
    old = indexer.ingest([path])[0]
    write_report(tmp_path, "a.txt", template_report(new_requests=99))
    new = indexer.ingest([path])[0]
    assert new.status == "replaced" and new.report_id != old.report_id
    reports = indexer.store.catalogue.reports(state=None)
    assert [r.id for r in reports] == [new.report_id]
    counts = indexer.verify()
    assert counts["chroma_vectors"] == counts["catalogue_chunks"] == counts["bm25_documents"]


def test_delete_and_reindex(settings: Settings, tmp_path: Path) -> None:
    a = write_report(tmp_path, "a.txt", template_report(year=2022))
    b = write_report(tmp_path, "b.txt", template_report(year=2023, new_requests=5))
    indexer = Indexer(settings)
    ra, rb = indexer.ingest([a, b])
    assert indexer.delete(ra.report_id[:8]) == ra.report_id
    assert [r.id for r in indexer.store.catalogue.reports()] == [rb.report_id]
    with pytest.raises(DisclosureError, match="no report"):
        indexer.delete("ffffffff")
    a.unlink()  # re-indexing works from the stored copies, not the original paths
    results = indexer.reindex()
    assert [r.report_id for r in results] == [rb.report_id]
    counts = indexer.verify()
    assert counts["chroma_vectors"] == counts["catalogue_chunks"] > 0


def _truncated_pdf(tmp_path: Path) -> Path:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont("STSong-Light", 12)
    c.drawString(72, 720, "示例区人民政府2022年政府信息公开工作年度报告")
    c.save()
    data = buf.getvalue()
    path = tmp_path / "broken.pdf"
    path.write_bytes(data[: len(data) // 2])
    return path


def test_bad_inputs_fail_clearly_and_keep_the_index(settings: Settings, tmp_path: Path) -> None:
    good = write_report(tmp_path, "good.txt", template_report())
    indexer = Indexer(settings)
    before = indexer.ingest([good])[0]
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "junk.txt").write_bytes(bytes(range(256)) * 40)
    (bad / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 600)
    (bad / "huge.txt").write_bytes(("政府信息公开" * 200_000).encode())
    _truncated_pdf(bad)
    small = settings.with_(max_file_mb=1.0)
    results = {r.source: r for r in Indexer(small).ingest([bad])}
    assert all(r.status == "failed" for r in results.values())
    assert "empty" in results["empty.txt"].error
    assert "binary" in results["junk.txt"].error
    assert ".doc" in results["old.doc"].error
    assert "limit" in results["huge.txt"].error
    assert "PDF" in results["broken.pdf"].error
    reports = indexer.store.catalogue.reports()
    assert [r.id for r in reports] == [before.report_id]
    assert indexer.verify()["chroma_missing"] == 0


def test_second_writer_is_refused(settings: Settings, tmp_path: Path) -> None:
    path = write_report(tmp_path, "a.txt", template_report())
    with writer_lock(settings.data_dir), pytest.raises(DisclosureError, match="another process"):
        Indexer(settings).ingest([path])


def test_model_change_needs_reindex(settings: Settings, tmp_path: Path) -> None:
    path = write_report(tmp_path, "a.txt", template_report())
    Indexer(settings).ingest([path])
    other = Store(settings.with_(embedding_model="/nonexistent/other-model"))
    with pytest.raises(DisclosureError, match="reindex"):
        other.check_model()


def test_reports_stay_visible_during_reindex(settings: Settings, tmp_path: Path) -> None:
    paths = [write_report(tmp_path, f"r{y}.txt", template_report(year=y)) for y in (2021, 2022, 2023)]
    indexer = Indexer(settings)
    indexer.ingest(paths)
    reader = Store(settings)  # a second handle, as the web app's reader would hold
    seen: list[int] = []

    def progress(done: float, total: float, message: str) -> None:
        seen.append(len(reader.catalogue.reports()))

    indexer.reindex(progress=progress)
    assert seen and all(n == 3 for n in seen)
    counts = indexer.verify()
    assert counts["catalogue_chunks"] == counts["chroma_vectors"] == counts["bm25_documents"]
