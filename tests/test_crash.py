"""kill -9 of the writer at every point of the two-phase ingest: readers are consistent at once, the next
writer finishes the job, and a file whose run is killed twice is given up on instead of retried forever."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.service import Assistant
from index.config import Settings
from index.ingest import Indexer
from index.ingest.checkpoints import ENV
from index.models import DenseState, IngestStatus, JobState
from index.storage.store import Store
from tests.factories import template_report, write_report

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "甲县人民政府2020年新收政府信息公开申请多少件？"


def _cli(settings: Settings, *args: str, crash_at: str | None = None) -> int:
    """Run ``disclosure ARGS`` in a subprocess (a writer of its own); returns its exit code."""
    env = {**os.environ, "DISCLOSURE_DATA_DIR": str(settings.data_dir), "PYTHONPATH": str(ROOT)}
    env.pop(ENV, None)
    if crash_at:
        env[ENV] = crash_at
    proc = subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=600,
        check=False,
    )
    return proc.returncode


def _check_readers(settings: Settings, old_value: str, new_value: str) -> tuple[bool, int]:
    """What a fresh reader sees right after the kill: consistent, and either the old or the new batch.

    Returns (whether the batch is visible, how many vectors Chroma holds that readers must ignore).
    """
    counts = Indexer(settings).verify()
    assert counts["consistent_for_readers"], counts["problems"]
    assistant = Assistant(settings)
    snap = assistant.store.snapshot()
    sources = {r.source for r in snap.reports}
    assert sources in ({"jia.txt"}, {"jia.txt", "yi.txt", "bing.txt"}), sources
    assert {cid.rsplit("-", 1)[0] for cid in snap.lexical.chunk_ids} == set(snap.by_id)
    answer = assistant.ask(QUESTION)
    assert not answer.abstained and (old_value in answer.answer or new_value in answer.answer), answer.answer
    if snap.dense_ready:
        vector = assistant.store.embeddings.embed_query("政府信息公开申请 联系电话")
        raw = {cid.rsplit("-", 1)[0] for cid, _ in assistant.store.vectors.search(vector, 100)}
        seen = {cid.rsplit("-", 1)[0] for cid, _ in assistant.store.dense_search(snap, vector, 100, None)}
        assert seen and seen <= snap.dense_ready
        assert (raw - snap.dense_ready) == set() or counts["chroma_extra"] > 0
    return len(sources) == 3, counts["chroma_extra"]


POINTS = [
    "job-started",
    "report-staged:2",
    "lexical-built",
    "published",
    "purged",
    "dense-marked",
    "vectors-added",
    "dense-ready:1",
]


@pytest.mark.slow
@pytest.mark.parametrize("point", POINTS)
def test_kill_at_each_point_then_next_writer_completes(settings: Settings, tmp_path: Path, point: str) -> None:
    folder = tmp_path / "reports"
    write_report(folder, "jia.txt", template_report(issuer="甲县人民政府", year=2020, new_requests=12))
    Indexer(settings).ingest([folder])
    # the batch: the same file name with new content (replaces it) and two new reports
    write_report(folder, "jia.txt", template_report(issuer="甲县人民政府", year=2020, new_requests=47))
    write_report(folder, "yi.txt", template_report(issuer="乙县人民政府", year=2021))
    write_report(folder, "bing.txt", template_report(issuer="丙县人民政府", year=2022))

    code = _cli(settings, "ingest", str(folder), crash_at=point)
    assert code == -signal.SIGKILL, f"the writer was not killed at {point} (exit {code})"
    published, extra = _check_readers(settings, "12", "47")
    assert published == (point in ("published", "purged", "dense-marked", "vectors-added", "dense-ready:1"))
    if point == "vectors-added":  # the batch's vectors are in Chroma but not searchable yet
        assert extra > 0 and Indexer(settings).verify()["needs_cleanup"]

    results = Indexer(settings).ingest([folder])
    assert all(r.ok for r in results), [(r.source, r.error) for r in results]
    store = Store(settings)
    reports = store.catalogue.reports()
    assert sorted(r.source for r in reports) == ["bing.txt", "jia.txt", "yi.txt"]
    assert {r.dense for r in reports} == {DenseState.READY}
    assert not store.catalogue.reports(state=None)[3:]  # the replaced version is gone
    assert not store.catalogue.jobs()
    counts = Indexer(settings).verify()
    assert counts["consistent_for_readers"] and not counts["needs_cleanup"], counts
    assert counts["catalogue_chunks"] == counts["chroma_vectors"] == counts["bm25_documents"]
    assert "47" in Assistant(settings).ask(QUESTION).answer


@pytest.mark.slow
def test_file_killed_twice_is_marked_failed_and_never_blocks(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    hang = write_report(folder, "hang.txt", template_report(issuer="丁县人民政府", year=2020))
    # the writer dies while reading the file, and again when the next writer retries it
    assert _cli(settings, "ingest", str(hang), crash_at="job-started") == -signal.SIGKILL
    store = Store(settings)
    assert [(j.source, j.attempts, j.state) for j in store.catalogue.jobs()] == [("hang.txt", 1, JobState.RUNNING)]
    other = write_report(tmp_path / "more", "wu.txt", template_report(issuer="戊县人民政府", year=2021))
    assert _cli(settings, "ingest", str(other), crash_at="job-started") == -signal.SIGKILL
    assert [j.attempts for j in store.catalogue.jobs()] == [2]

    # the third writer gives up on it, says why, and does its own work
    results = Indexer(settings).ingest([other])
    assert [(r.source, r.status) for r in results] == [("wu.txt", IngestStatus.INDEXED)]
    failed = store.catalogue.jobs(JobState.FAILED)
    assert [(j.source, j.interrupted) for j in failed] == [("hang.txt", True)]
    assert "interrupted twice" in (failed[0].error or "")
    assert Indexer(settings).verify()["consistent_for_readers"]
    # re-running the same folder does not try it again
    again = Indexer(settings).ingest([folder])
    assert again[0].status == IngestStatus.FAILED and "interrupted twice" in (again[0].error or "")
    assert [r.source for r in store.catalogue.reports()] == ["wu.txt"]
