"""Admin-supplied issuer, year and publish date: ``--issuer``/``--year``, manifests, ``edit``, the 报告管理 handlers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli import main
from assistant.ui import handlers
from assistant.ui.handlers import AppContext
from index.config import Settings
from index.errors import DisclosureError
from index.identity.manifest import read_manifest
from tests.factories import self_referring_report, template_report, write_report

ADMIN_USER, ADMIN_PASSWORD = "admin", "管理-secret"


def _reports(runner: CliRunner) -> list[dict[str, object]]:
    result = runner.invoke(main, ["reports", "--json"])
    assert result.exit_code == 0, result.output
    rows: list[dict[str, object]] = json.loads(result.output)
    return rows


def test_ingest_with_issuer_and_year_then_edit_and_revert(tmp_path: Path) -> None:
    runner = CliRunner()
    path = write_report(tmp_path / "in", "page-2023.txt", self_referring_report("句容市", 2023, phone="0511-55556666"))

    listed = runner.invoke(main, ["ingest", str(path)])
    assert listed.exit_code == 0, listed.output
    plain = runner.invoke(main, ["reports"])
    assert "no issuer" in plain.output and "disclosure edit" in plain.output  # the nameless report is flagged

    again = runner.invoke(main, ["ingest", str(path), "--issuer", "句容市审计局", "--year", "2023"])
    assert again.exit_code == 0, again.output  # same bytes: the metadata is applied all the same
    [row] = _reports(runner)
    assert (row["issuer"], row["year"]) == ("句容市审计局", 2023)
    assert row["metadata_sources"] == {"issuer": "admin", "year": "admin", "publish_date": "parsed"}
    assert "句容市审计局(admin)" in runner.invoke(main, ["reports"]).output
    shown = runner.invoke(main, ["show", str(row["id"])[:8]])
    assert "issuer: 句容市审计局  [admin]" in shown.output and "year: 2023  [admin" in shown.output

    asked = runner.invoke(main, ["ask", "句容市审计局的联系电话是多少？", "--json"])
    assert "0511-55556666" in json.loads(asked.output)["answer"], asked.output

    edited = runner.invoke(main, ["edit", str(row["id"]), "--issuer", "句容市统计局", "--publish-date", "2024-01-05"])
    assert edited.exit_code == 0 and "句容市统计局(admin)" in edited.output, edited.output
    [row] = _reports(runner)
    assert (row["issuer"], row["publish_date"]) == ("句容市统计局", "2024-01-05")
    assert row["parsed_metadata"]["issuer"] is None  # type: ignore[index]
    asked = runner.invoke(main, ["ask", "句容市统计局的联系电话是多少？", "--json"])
    assert "0511-55556666" in json.loads(asked.output)["answer"], asked.output

    reverted = runner.invoke(main, ["edit", str(row["id"])[:6], "--revert"])
    assert reverted.exit_code == 0, reverted.output
    [row] = _reports(runner)
    assert row["issuer"] is None and row["metadata_sources"]["issuer"] is None  # type: ignore[index]
    assert "no issuer found" in row["warnings"]  # type: ignore[operator]


def test_bad_admin_values_get_plain_messages(tmp_path: Path) -> None:
    runner = CliRunner()
    one = write_report(tmp_path / "in", "a-2023.txt", template_report("示例县人民政府", 2023))
    write_report(tmp_path / "in", "b-2023.txt", template_report("样本县人民政府", 2023))
    several = runner.invoke(main, ["ingest", str(tmp_path / "in"), "--issuer", "示例县人民政府"])
    assert several.exit_code == 2 and "describe one file" in several.output and "--manifest" in several.output
    bad_year = runner.invoke(main, ["ingest", str(one), "--year", "23"])
    assert bad_year.exit_code == 2 and "a-2023.txt" in bad_year.output and "not a year" in bad_year.output
    nothing = runner.invoke(main, ["edit", "abc"])
    assert nothing.exit_code == 2 and "nothing to change" in nothing.output
    bad_date = runner.invoke(main, ["edit", "abc", "--publish-date", "2024/13/01"])
    assert bad_date.exit_code == 2 and "YYYY-MM-DD" in bad_date.output
    assert _reports(runner) == []


def test_manifest_problems_name_the_line_and_nothing_is_indexed(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write_report(folder, "x-2023.txt", self_referring_report("句容市", 2023))
    manifest = tmp_path / "manifest.jsonl"
    manifest.write_text(
        '{"file": "x-2023.txt", "issuer": "句容市审计局", "year": 2023}\n'
        '{"file": "missing.txt", "issuer": "某局", "year": 2023}\n'
        "not json\n"
        '{"file": "x-2023.txt", "yaer": 2023}\n',
        encoding="utf-8",
    )
    runner = CliRunner()
    result = runner.invoke(main, ["ingest", str(folder), "--manifest", str(manifest)])
    assert result.exit_code == 2, result.output
    assert "manifest.jsonl line 2: missing.txt is not among the files being ingested" in result.output
    assert "manifest.jsonl line 3: not JSON" in result.output
    assert "manifest.jsonl line 4: unknown field(s) yaer" in result.output
    assert _reports(runner) == []

    with pytest.raises(DisclosureError, match=r"line 1 \(x-2023\.txt\): year 1900"):
        bad = tmp_path / "bad.jsonl"
        bad.write_text('{"file": "x-2023.txt", "year": 1900}\n', encoding="utf-8")
        read_manifest(bad, ["x-2023.txt"])

    manifest.write_text('{"file": "x-2023.txt", "issuer": "句容市审计局", "year": 2023}\n', encoding="utf-8")
    ok = runner.invoke(main, ["ingest", str(folder), "--manifest", str(manifest)])
    assert ok.exit_code == 0, ok.output
    [row] = _reports(runner)
    assert row["issuer"] == "句容市审计局" and row["metadata_sources"]["issuer"] == "admin"  # type: ignore[index]


def test_eval_indexes_several_folders_with_a_manifest(tmp_path: Path) -> None:
    first, second = tmp_path / "corpus", tmp_path / "corpus2"
    write_report(first, "a-2023.txt", template_report("示例县人民政府", 2023, phone="0510-11112222"))
    write_report(second, "b-2023.txt", self_referring_report("句容市", 2023, phone="0511-33334444"))
    manifest = tmp_path / "m.jsonl"
    manifest.write_text('{"file": "b-2023.txt", "issuer": "句容市审计局", "year": 2023}\n', encoding="utf-8")
    qa = tmp_path / "qa.jsonl"
    rows = [
        {"id": "1", "file": "a-2023.txt", "question": "示例县政府2023年的联系电话？", "answer": "0510-11112222"},
        {"id": "2", "file": "b-2023.txt", "question": "句容市审计局的联系电话？", "answer": "0511-33334444"},
    ]
    qa.write_text(
        "\n".join(json.dumps({**r, "evidence": "", "kind": "contact"}, ensure_ascii=False) for r in rows),
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    args = ["eval", "--reports", str(first), "--reports", str(second), "--manifest", str(manifest)]
    result = CliRunner().invoke(main, [*args, "--qa", str(qa), "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["accuracy_overall"] == 1.0
    answers = [json.loads(line)["answer"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert "句容市审计局" in answers[1]


# ---------------------------------------------------------------------------------------------- 报告管理 handlers


@pytest.fixture
def admin_ctx(tmp_path: Path) -> Iterator[AppContext]:
    settings = Settings.from_env().with_(
        data_dir=tmp_path / "data", admin_user=ADMIN_USER, admin_password=ADMIN_PASSWORD
    )
    yield AppContext.open(settings)


def test_upload_with_issuer_and_year_fields_and_the_correction_action(admin_ctx: AppContext, tmp_path: Path) -> None:
    ctx = admin_ctx
    token = handlers.admin_login(ctx, ADMIN_USER, ADMIN_PASSWORD)
    page = write_report(tmp_path, "page.txt", self_referring_report("句容市", 2023, phone="0511-77778888"))
    other = write_report(tmp_path, "other.txt", template_report("样本县人民政府", 2022))

    with pytest.raises(DisclosureError, match="年度只能在上传单个文件时填写"):
        handlers.upload_reports(ctx, token, [str(page), str(other)], year="2023")
    with pytest.raises(DisclosureError, match="年度填写有误"):
        handlers.upload_reports(ctx, token, [str(page)], year="二〇二三")

    text = handlers.upload_reports(ctx, token, [str(page)], issuer=" 句容市审计局 ", year="2023")
    assert "✅ page.txt：已索引（句容市审计局 2023" in text, text
    text = handlers.upload_reports(ctx, token, [str(other)])
    assert "样本县人民政府 2022" in text
    rows = {r[6]: r for r in handlers.reports_rows(ctx, token)}
    assert rows["page.txt"][1] == "句容市审计局" and rows["page.txt"][7] == "机关:管理员，年度:管理员，日期:解析"
    assert rows["other.txt"][7] == "机关:解析，年度:解析，日期:解析"
    assert handlers.admin_notice(ctx, token) == ""
    assert "0511-77778888" in handlers.answer_question(ctx, "句容市审计局2023年的联系电话是多少？").answer

    page_id = str(rows["page.txt"][0])
    message = handlers.correct_report(ctx, token, page_id[:8], issuer="句容市统计局", year="2022", publish_date="")
    assert message.startswith("已更正：page.txt") and "句容市统计局" in message and "2022" in message
    assert "0511-77778888" in handlers.answer_question(ctx, "句容市统计局2022年的联系电话是多少？").answer

    message = handlers.correct_report(ctx, token, page_id, revert=True)
    assert message.startswith("已恢复为解析结果") and "⚠️ 未识别" in message
    assert "page.txt" in handlers.admin_notice(ctx, token)
    assert {r[6]: r for r in handlers.reports_rows(ctx, token)}["page.txt"][1] == "⚠️ 未识别"

    with pytest.raises(DisclosureError, match="请填写"):
        handlers.correct_report(ctx, token, page_id)
    with pytest.raises(DisclosureError, match="发布日期填写有误"):
        handlers.correct_report(ctx, token, page_id, publish_date="2024-02-30")
    with pytest.raises(DisclosureError, match="登录"):
        handlers.correct_report(ctx, None, page_id, issuer="句容市审计局")
