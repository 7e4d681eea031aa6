"""The ``disclosure`` command line, run through click's test runner on real files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from assistant.cli import main
from tests.conftest import SEED
from tests.factories import template_report, write_report


def test_ingest_reports_show_ask_delete(tmp_path: Path) -> None:
    runner = CliRunner()
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED.name)
    (folder / "notes.doc").write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    result = runner.invoke(main, ["ingest", str(folder)])
    assert result.exit_code == 1, result.output  # one file failed, the other is indexed
    assert "notes.doc" in result.output and "FAILED" in result.output
    assert "常州市机关事务管理局 2021" in result.output

    listed = runner.invoke(main, ["reports", "--json"])
    assert listed.exit_code == 0
    reports = json.loads(listed.output)
    assert [(r["issuer"], r["year"]) for r in reports] == [("常州市机关事务管理局", 2021)]
    report_id = reports[0]["id"]

    shown = runner.invoke(main, ["show", report_id[:8]])
    assert shown.exit_code == 0 and "sections:" in shown.output and "[五]" in shown.output

    asked = runner.invoke(main, ["ask", "常州市机关事务管理局的联系电话是多少？", "--json"])
    assert asked.exit_code == 0, asked.output
    data = json.loads(asked.output)
    assert "0519-85685811" in data["answer"] and data["citations"][0]["quote"].endswith("0519-85685811")

    human = runner.invoke(main, ["ask", "常州市机关事务管理局的联系电话是多少？"])
    assert "[1]" in human.output and "changzhou-jgsw-2021.txt" in human.output

    verified = runner.invoke(main, ["verify"])
    assert verified.exit_code == 0, verified.output

    deleted = runner.invoke(main, ["delete", report_id])
    assert deleted.exit_code == 0
    assert json.loads(runner.invoke(main, ["reports", "--json"]).output) == []


def test_errors_are_one_plain_line(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["ask", "电话是多少？"])
    assert result.exit_code == 2
    assert "no reports indexed" in result.output and "Traceback" not in result.output
    missing = runner.invoke(main, ["ingest", str(tmp_path / "nope.txt")])
    assert missing.exit_code == 2 and "not found" in missing.output


def test_reindex_and_facts(tmp_path: Path) -> None:
    runner = CliRunner()
    path = write_report(tmp_path, "shili.txt", template_report())
    assert runner.invoke(main, ["ingest", str(path)]).exit_code == 0
    report_id = json.loads(runner.invoke(main, ["reports", "--json"]).output)[0]["id"]
    facts = runner.invoke(main, ["facts", report_id, "--json"])
    assert facts.exit_code == 0, facts.output
    assert "3985758" not in facts.output and "1200" in facts.output
    again = runner.invoke(main, ["reindex"])
    assert again.exit_code == 0 and "1 ok, 0 failed" in again.output
