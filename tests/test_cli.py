"""The ``disclosure`` command line, run through click's test runner on real files."""

from __future__ import annotations

import csv
import io
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


def test_facts_all_as_one_csv_table(tmp_path: Path) -> None:
    runner = CliRunner()
    good = template_report("甲县人民政府", 2022, new_requests=30)
    planted = template_report("乙县人民政府", 2023).replace("1 | 0 | 0 | 0 | 1 |", "1 | 0 | 0 | 0 | 2 |", 1)
    write_report(tmp_path / "in", "jia.txt", good)
    write_report(tmp_path / "in", "yi.txt", planted)
    assert runner.invoke(main, ["ingest", str(tmp_path / "in")]).exit_code == 0
    result = runner.invoke(main, ["facts", "--all", "--csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert list(rows[0]) == [
        "issuer", "year", "table", "row", "column", "value", "unit", "report_id", "checked", "source", "start", "end",
    ]  # fmt: skip
    new = {
        (r["issuer"], r["year"]): r
        for r in rows
        if r["row"] == "一、本年新收政府信息公开申请数量" and r["column"] == "总计"
    }
    assert new[("甲县人民政府", "2022")]["value"] == "30" and new[("甲县人民政府", "2022")]["checked"] == "passed"
    review = [r for r in rows if r["issuer"] == "乙县人民政府" and r["table"] == "表四" and r["row"] == "行政复议"]
    assert review and {r["checked"] for r in review} == {"failed"}  # 1 + 0 + 0 + 0 ≠ 2: never an answer
    fee = [r for r in rows if r["row"] == "行政事业性收费"]
    assert {r["unit"] for r in fee} == {"万元"} and {r["checked"] for r in fee} == {"unchecked"}
    assert {r["source"] for r in rows} == {"jia.txt", "yi.txt"}

    text = runner.invoke(main, ["facts", new[("乙县人民政府", "2023")]["report_id"]])
    assert "2✗" in text.output and "表四 行政复议: 1 + 0 + 0 + 0 = 1 ≠ 总计 2" in text.output
    as_json = json.loads(runner.invoke(main, ["facts", "--all", "--json"]).output)
    assert sorted(r["source"] for r in as_json) == ["jia.txt", "yi.txt"]
    assert all({"check", "value", "start", "end"} <= set(f) for r in as_json for f in r["facts"])
    neither = runner.invoke(main, ["facts"])
    assert neither.exit_code == 2 and "--all" in neither.output
