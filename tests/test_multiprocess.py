"""A reader serving in this process while writers in other processes add, replace and delete reports.

The reader is never restarted: it must answer about new reports, see replacements and deletions,
and never fail (before, Chroma raised ``InternalError: Error finding id`` for vectors another
process had added). Its Chroma client is reopened in the background; until then it searches only
the reports that client is known to hold, and BM25 and table facts answer for the rest.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.service import Assistant
from index.config import Settings
from index.ingest import Indexer
from tests.factories import template_report, write_report

ROOT = Path(__file__).resolve().parents[1]


def _cli(settings: Settings, *args: str) -> None:
    env = {**os.environ, "DISCLOSURE_DATA_DIR": str(settings.data_dir), "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr[-2000:]


def _wait_for_reopen(assistant: Assistant) -> None:
    """Ask until the background reopen has caught up with the other process's vectors."""
    store = assistant.store
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assistant.ask("政府信息公开申请")
        if store.vectors.seen_version == store.catalogue.versions().vectors_version:
            return
        time.sleep(0.2)
    raise AssertionError("the Chroma client was never reopened")


@pytest.mark.slow
def test_reader_follows_writers_in_other_processes(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    jia = write_report(folder, "jia.txt", template_report(issuer="青阳县人民政府", year=2020, new_requests=12))
    Indexer(settings).ingest([jia])
    reader = Assistant(settings)
    reader.store.reopen_interval_s = 0.0
    reader.warm_up()
    assert "12" in reader.ask("青阳县人民政府2020年新收政府信息公开申请多少件？").answer

    # another process adds a report: answerable at once, without a restart and without errors
    yi = write_report(
        tmp_path / "more", "yi.txt", template_report(issuer="松溪县人民政府", year=2021, phone="0511-7654321")
    )
    _cli(settings, "ingest", str(yi))
    answer = reader.ask("松溪县人民政府2021年的联系电话是多少？")
    assert not answer.abstained and "0511-7654321" in answer.answer
    _wait_for_reopen(reader)
    snap = reader.store.snapshot()
    yi_id = next(r.id for r in snap.reports if r.source == "yi.txt")
    assert yi_id in snap.dense_ready and yi_id in reader.store.vectors.known
    vector = reader.store.embeddings.embed_query("松溪县人民政府 联系电话")
    assert reader.store.dense_search(snap, vector, 5, [yi_id])  # its vectors, from the reopened client

    # another process replaces a report (same file name, new content)
    write_report(folder, "jia.txt", template_report(issuer="青阳县人民政府", year=2020, new_requests=47))
    _cli(settings, "ingest", str(jia))
    answer = reader.ask("青阳县人民政府2020年新收政府信息公开申请多少件？")
    assert "47" in answer.answer and "12" not in answer.answer.replace("2020", "")

    # another process deletes a report: gone for the reader at once
    _cli(settings, "delete", yi_id)
    assert reader.ask("松溪县人民政府2021年的联系电话是多少？").abstained
    assert yi_id not in reader.store.snapshot().by_id
    _wait_for_reopen(reader)

    # the reader's own process writes next (the web app's upload): it sees what the others wrote
    bing = write_report(tmp_path / "third", "bing.txt", template_report(issuer="桐庐县人民政府", year=2022))
    Indexer(settings, reader.store).ingest([bing])
    counts = Indexer(settings).verify()
    assert counts["consistent_for_readers"] and not counts["needs_cleanup"], counts
    assert counts["reports"] == 2 and counts["chroma_vectors"] == counts["catalogue_chunks"]
    assert "桐庐县人民政府" in reader.ask("桐庐县人民政府2022年的传真号码是多少？").answer


@pytest.mark.slow
def test_stale_client_is_never_asked_for_vectors_it_lacks(settings: Settings, tmp_path: Path) -> None:
    """Without the background reopen, the old client still serves: new reports answer through BM25."""
    jia = write_report(tmp_path / "a", "jia.txt", template_report(issuer="青阳县人民政府", year=2020))
    Indexer(settings).ingest([jia])
    reader = Assistant(settings)
    reader.store.reopen_interval_s = 1e9  # never reopen on its own
    reader.warm_up()
    opened = reader.store.vectors
    yi = write_report(tmp_path / "b", "yi.txt", template_report(issuer="松溪县人民政府", year=2021, fax="0511-1234567"))
    _cli(settings, "ingest", str(yi))
    for _ in range(3):
        answer = reader.ask("松溪县人民政府2021年的传真号码是多少？")
        assert not answer.abstained and "0511-1234567" in answer.answer
    assert reader.store.vectors is opened  # served by the stale client, filtered to what it knows
    snap = reader.store.snapshot()
    yi_id = next(r.id for r in snap.reports if r.source == "yi.txt")
    assert yi_id in snap.dense_ready and yi_id not in opened.known
