"""The fault suite's quick form (bench/faults.py --quick): hostile files, kill -9 during ingest, /ask during writers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    work = tmp_path_factory.mktemp("faults")
    out = work / "faults.json"
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "faults.py"),
            "--quick",
            "--workdir",
            str(work / "w"),
            "--json",
            str(out),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=1500,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    print(proc.stdout)
    data: dict[str, object] = json.loads(out.read_text(encoding="utf-8"))
    return data


def test_hostile_files_get_clean_errors_and_lose_nothing(report: dict[str, object]) -> None:
    files = report["files"]
    assert isinstance(files, dict)
    assert files["run"] == files["cases"] >= 20
    bad = [r for r in files["results"] if r["outcome"] not in ("clean error", "indexed")]
    assert bad == [], bad
    assert files["crashes"] == files["hangs"] == files["wrong"] == 0
    assert files["lost_reports"] == 0 and files["consistent"], (files["lost_notes"], files["verify"])
    assert files["leftover_stored_copies"] == []
    # memory: the writer and the reader worker each stay far under 1 GB per file
    assert files["max_writer_peak_mb"] < 1024 and files["max_worker_peak_mb"] < 1024
    groups = files["by_group"]
    assert groups["bombs"].get("clean error") == sum(groups["bombs"].values())
    # issue 11's huge text files at their real sizes: each refused with its limit named
    huge = {r["name"]: r["detail"] for r in files["results"] if r["group"] == "huge text"}
    assert {"lines-40mb.txt", "one-line-40mb.txt", "flat-tags-44mb.html", "table-500k-rows.md"} <= set(huge)
    assert groups["huge text"].get("clean error") == len(huge) and all("DISCLOSURE_" in d for d in huge.values()), huge
    assert groups["links & devices"].get("clean error", 0) >= 5


def test_kill_9_during_ingest_loses_nothing(report: dict[str, object]) -> None:
    kills = report["kill"]
    assert isinstance(kills, dict)
    assert kills["runs"] >= 2 and kills["lost_reports"] == 0
    # readers are consistent at once after the kill, not only once the next writer has cleaned up
    assert kills["consistent_at_once"] == kills["runs"], kills["rows"]
    assert kills["consistent_after_next_writer"] == kills["runs"], kills["rows"]


def test_asks_during_writers_are_answered(report: dict[str, object]) -> None:
    load = report["load"]
    assert isinstance(load, dict)
    assert load["asks"] >= 4 * 10 and load["upload_ok"] == 3 and load["external_ingest_rc"] == 0, load
    assert "writer_error" not in load, load["writer_error"]
    # the app's readers were asking during every writer phase, the external CLI ingest included ...
    asked = load["asks_by_phase"]
    assert all(asked.get(p, 0) > 0 for p in ("admin upload", "re-index", "external CLI ingest")), asked
    # ... and not one ask failed, in any phase
    assert load["errors"] == 0, (load["errors_by_phase"], load["error_kinds"])
    # the running app (never restarted) answers about the report another process added, and the uploaded one
    assert load["external_report_answered_after_s"] is not None, load
    assert load["uploaded_report_answered"] is True, load
