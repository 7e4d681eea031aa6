"""kill -9 in the middle of an ingest: the previous state stays usable and the next run completes."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.config import Settings
from index.ingest import Indexer
from tests.factories import template_report, write_report


@pytest.mark.slow
def test_kill_during_ingest_then_ingest_again(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    first = write_report(folder, "000-first.txt", template_report(issuer="甲县人民政府", year=2020))
    Indexer(settings).ingest([first])
    for i in range(1, 12):
        extra = "".join(f"第{j}项重点工作按期推进，公开进展信息{i * 10 + j}条。" for j in range(30))
        write_report(
            folder, f"{i:03d}.txt", template_report(issuer=f"第{i}示例县人民政府", year=2020 + i % 5, extra=extra)
        )
    env = {**os.environ, "DISCLOSURE_DATA_DIR": str(settings.data_dir)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "ingest", str(folder)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=Path(__file__).resolve().parents[1],
    )
    db = settings.data_dir / "catalogue.sqlite3"
    deadline = time.time() + 120
    killed_mid_report = False
    while time.time() < deadline and proc.poll() is None:
        with sqlite3.connect(db, timeout=5) as conn:
            states = [r[0] for r in conn.execute("SELECT state FROM reports")]
        if states.count("ready") >= 3 and "pending" in states:
            proc.send_signal(signal.SIGKILL)
            killed_mid_report = True
            break
        time.sleep(0.05)
    proc.wait(timeout=30)
    assert killed_mid_report, "the ingest finished before it could be killed"

    # readers see only complete reports while the pending one is left behind
    from index.storage.store import Store

    store = Store(settings)
    assert all(r.chunk_count == len(store.catalogue.ready_chunks_of(r.id)) for r in store.catalogue.reports())

    results = Indexer(settings).ingest([folder])
    assert all(r.ok for r in results)
    indexer = Indexer(settings)
    assert len(indexer.store.catalogue.reports()) == 12
    assert not indexer.store.catalogue.reports(state="pending")
    counts = indexer.verify()
    assert counts["catalogue_chunks"] == counts["chroma_vectors"] == counts["bm25_documents"]
    assert counts["chroma_missing"] == counts["chroma_extra"] == 0
