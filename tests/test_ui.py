"""The web app: plain handlers (no Gradio), and a real app on a loopback port through gradio_client."""

from __future__ import annotations

import csv
import json
import shutil
import socket
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from assistant.review.qa_log import QaLog, csv_cell
from assistant.types import Answer, Citation
from assistant.ui import handlers
from assistant.ui.auth import AdminAuth, StaffAuth
from assistant.ui.handlers import AppContext
from assistant.ui.render import esc, render_answer, render_in_context
from index.config import Settings
from index.errors import DisclosureError
from index.storage.catalogue import Catalogue
from tests.factories import template_report, write_report

TESTS = Path(__file__).resolve().parent
SEED = TESTS / "data" / "changzhou-jgsw-2021.txt"
ADMIN_USER, ADMIN_PASSWORD = "admin", "s3cret-测试"
STAFF_USER, STAFF_PASSWORD = "staff", "核对-pw-2"
PHONE_Q = "常州市机关事务管理局的联系电话是多少？"
XSS_ISSUER = "样本县测试局"
XSS_Q = "样本县测试局举办了几次政务开放日活动？"
XSS_EXTRA = "本年度<script>alert(1)</script>举办政务开放日活动<img src=x onerror=alert(1)>3次。"
MARKUP_ISSUER = "样本县标记局"
#: An address line carrying an unclosed tag, entities and a script link (issue 11).
MARKUP_ADDRESS = "地址:示例路8号<img src=x onerror=alert`x`//&amp;lt;b&amp;gt;<a href='javascript:alert(2)'>大院</a>"
MARKUP_Q = "样本县标记局的地址是什么？"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A launched app: its context (for handler calls with the same store), URL and settings."""

    ctx: AppContext
    url: str
    settings: Settings
    demo: object


def write_xss_report(folder: Path) -> Path:
    """A report whose text carries HTML that must be shown, never run."""
    text = template_report(issuer=XSS_ISSUER, year=2023, extra=XSS_EXTRA)
    return write_report(folder, "xss-2023.txt", text)


def write_markup_report(folder: Path) -> Path:
    """A report whose address line carries markup that must never reach an answer as markup."""
    text = template_report(issuer=MARKUP_ISSUER, year=2023).replace("地址：示例路23号", MARKUP_ADDRESS)
    assert MARKUP_ADDRESS in text
    return write_report(folder, "markup-2023.txt", text)


def start_server(root: Path, *, admin: bool = True, staff: bool = True) -> Server:
    """Index the seed, the XSS and the markup reports into ``root``, then launch the real app on a free port."""
    from assistant.ui.app import create, launch_kwargs
    from index.ingest import Indexer

    reports = root / "reports"
    reports.mkdir(parents=True)
    shutil.copy(SEED, reports / SEED.name)
    write_xss_report(reports)
    write_markup_report(reports)
    settings = Settings().with_(
        data_dir=root / "data",
        port=free_port(),
        admin_user=ADMIN_USER if admin else None,
        admin_password=ADMIN_PASSWORD if admin else None,
        staff_user=STAFF_USER if staff else None,
        staff_password=STAFF_PASSWORD if staff else None,
    )
    results = Indexer(settings).ingest([reports])
    assert all(r.ok for r in results), [(r.source, r.error) for r in results]
    ctx, demo = create(settings)
    demo.launch(**launch_kwargs(settings), prevent_thread_lock=True, quiet=True)
    return Server(ctx, f"http://127.0.0.1:{settings.port}/", settings, demo)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = start_server(tmp_path_factory.mktemp("ui"))
    yield srv
    srv.demo.close()  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def client(server: Server) -> object:
    from gradio_client import Client

    return Client(server.url, verbose=False)


# -- plain functions: rendering and escaping --------------------------------------------------
def test_esc_neutralises_html_and_markdown() -> None:
    out = esc("<script>alert(1)</script> ![x](http://evil/) $x$ <img src=x onerror=alert(1)>")
    assert "&lt;script&gt;" in out and "<script" not in out and "<img" not in out
    assert "](" not in out and "$" not in out


def _citation(**kw: object) -> dict[str, object]:
    base = {
        "n": 1,
        "report_id": "r",
        "source": "a.txt",
        "issuer": "某局",
        "year": 2021,
        "section": "开头部分",
        "start": 4,
        "end": 9,
        "quote": "电话:123",
    }
    return base | kw


def test_render_in_context_marks_the_quote_and_escapes() -> None:
    text = "前文<b>x" + "电话:123" + "<script>alert(1)</script>后文"
    html = render_in_context(text, _citation(start=len("前文<b>x"), end=len("前文<b>x") + 6))
    assert "<mark>电话&#58;123</mark>" in html
    assert "&lt;script&gt;" in html and "<script>" not in html and "<b>" not in html
    moved = render_in_context(text, _citation(start=0, end=6))  # wrong offsets: found by search
    assert "<mark>电话&#58;123</mark>" in moved
    assert "找不到" in render_in_context(text, _citation(quote="没有的话"))
    assert "已不在索引中" in render_in_context(None, _citation())


def test_render_answer_citations_and_abstention() -> None:
    answer = {
        "answer": "电话是0519-1[1]。",
        "abstained": False,
        "citations": [_citation(quote="<img src=x onerror=alert(1)>")],
    }
    html = render_answer(answer)
    assert "引用" in html and "&lt;img" in html and "<img" not in html
    abstained = render_answer(
        {"answer": "没有。", "abstained": True, "citations": []},
        [{"issuer": "某局", "year": 2021, "section": "一", "text": "<script>x</script>最近段落"}],
    )
    assert "报告中没有找到" in abstained and "最接近的段落" in abstained and "&lt;script&gt;" in abstained


# -- plain functions: Q&A log, reviews, CSV -------------------------------------------------
def _answer(question: str, abstained: bool = False) -> Answer:
    cites = (
        []
        if abstained
        else [
            Citation(1, "r1", "a.txt", "某局", 2021, "开头部分", 0, 5, "电话:1"),
            Citation(2, "r1", "a.txt", "某局", 2021, "六", 9, 12, "未收费"),
        ]
    )
    return Answer(
        question=question,
        answer="-" if abstained else "是1[1]。",
        abstained=abstained,
        citations=cites,
        issuer="某局",
        year=2021,
    )


def test_qa_log_records_reviews_and_exports(tmp_path: Path) -> None:
    qa = QaLog(Catalogue(tmp_path / "c.sqlite3"))
    first = qa.record(_answer("电话？"))
    second = qa.record(_answer('=HYPERLINK("http://evil")', abstained=True), channel="api")
    assert first and second and [e.id for e in qa.recent()] == [second, first]
    entry = qa.get(first)
    assert entry is not None and entry.citations[1]["quote"] == "未收费" and not entry.abstained
    qa.review(first, 1, "wrong", "号码不对")
    qa.review(first, 1, "correct", "复核后正确")  # the latest verdict stands
    qa.review(first, 2, "wrong", "应引用第六部分")
    qa.review(second, 0, "wrong", "应能回答")
    with pytest.raises(ValueError):
        qa.review(first, 7, "wrong")
    with pytest.raises(ValueError):
        qa.review(first, 1, "maybe")
    with pytest.raises(KeyError):
        qa.review(999, 0, "wrong")
    assert qa.get(first).verdicts == {1: ("correct", "复核后正确"), 2: ("wrong", "应引用第六部分")}  # type: ignore[union-attr]
    assert [(e.id, n, c) for e, n, c in qa.marked_wrong()] == [(first, 2, "应引用第六部分"), (second, 0, "应能回答")]
    path = qa.export_csv(tmp_path / "log.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig")))
    assert [r["question"] for r in rows] == ["电话？", '\'=HYPERLINK("http://evil")']  # no formula injection
    assert json.loads(rows[0]["citations"])[0]["quote"] == "电话:1"
    assert json.loads(rows[0]["verdicts"])["2"]["verdict"] == "wrong" and rows[1]["channel"] == "api"
    assert csv_cell("-1+1") == "'-1+1" and csv_cell("0519-1") == "0519-1"


# -- plain functions: admin login ---------------------------------------------------------------
def test_staff_auth_admits_staff_and_admins_only() -> None:
    off = StaffAuth(Settings())
    assert not off.enabled
    with pytest.raises(DisclosureError, match="DISCLOSURE_STAFF_USER"):
        off.require("anything")
    settings = Settings().with_(admin_user="admin", admin_password="apw", staff_user="staff", staff_password="spw")
    staff, admin = StaffAuth(settings), AdminAuth(settings)
    staff.require(staff.login("staff", "spw"))
    staff.require(staff.login("admin", "apw"))  # admins are staff too
    for user, password in (("staff", "apw"), ("admin", "spw"), ("staff", ""), (None, None)):
        with pytest.raises(DisclosureError, match="错误"):
            staff.login(user, password)
    with pytest.raises(DisclosureError, match="错误"):
        admin.login("staff", "spw")  # staff are not admins
    with pytest.raises(DisclosureError, match="核对人员登录"):
        staff.require(admin.login("admin", "apw"))  # sessions do not cross tabs
    assert StaffAuth(Settings().with_(admin_user="a", admin_password="b")).enabled


def test_admin_auth() -> None:
    off = AdminAuth(Settings())
    assert not off.enabled
    with pytest.raises(DisclosureError, match="DISCLOSURE_ADMIN_USER"):
        off.login("admin", "")
    with pytest.raises(DisclosureError):
        off.require("anything")
    auth = AdminAuth(Settings().with_(admin_user="admin", admin_password="pw"))
    for user, password in (("admin", "PW"), ("Admin", "pw"), ("", ""), (None, None)):
        with pytest.raises(DisclosureError, match="错误"):
            auth.login(user, password)
    token = auth.login("admin", "pw")
    auth.require(token)
    for bad in (None, "", token + "x", "x" * len(token)):
        with pytest.raises(DisclosureError, match="登录"):
            auth.require(bad)
    auth.logout(token)
    with pytest.raises(DisclosureError):
        auth.require(token)
    expiring = AdminAuth(Settings().with_(admin_user="a", admin_password="b"), ttl_s=0.01)
    stale = expiring.login("a", "b")
    time.sleep(0.05)
    assert not expiring.is_valid(stale)


def test_first_start_indexes_the_samples_once(tmp_path: Path) -> None:
    ctx = AppContext.open(Settings().with_(data_dir=tmp_path / "data"))
    results = ctx.ensure_index()
    assert [r.status for r in results] == ["indexed"]
    assert ctx.ensure_index() == []  # later starts reuse the index
    answer = handlers.answer_question(ctx, PHONE_Q)
    assert "0519-85685811" in answer.answer


# -- handlers on the launched app's store -------------------------------------------------------
def test_chat_stream_streams_then_gives_the_checked_answer_and_keeps_context(server: Server) -> None:
    steps = list(handlers.chat_stream(server.ctx, PHONE_Q, [], None))
    assert len(steps) >= 3  # placeholder, partial text, final
    history, context = steps[-1]
    assert history[0] == {"role": "user", "content": esc(PHONE_Q)}
    final = history[-1]["content"]
    assert "0519&#45;85685811" in final and "引用" in final and "電話&#58;0519&#45;85685811" in final
    assert context == {"issuer": "常州市机关事务管理局", "year": 2021}
    history, context = list(handlers.chat_stream(server.ctx, "那传真呢？", history, context))[-1]
    assert len(history) == 4 and "0519&#45;85685800" in history[-1]["content"]
    history, _ = list(handlers.chat_stream(server.ctx, "火星上有几个政府？", [], None))[-1]
    assert "报告中没有找到" in history[-1]["content"]


def test_chat_filters_come_from_the_catalogue(server: Server) -> None:
    issuers, years = handlers.filter_choices(server.ctx)
    assert issuers[0] == "全部" and set(issuers) == {"全部", XSS_ISSUER, MARKUP_ISSUER, "常州市机关事务管理局"}
    assert years == ["全部", "2023", "2021"]
    answer = handlers.answer_question(server.ctx, "联系电话是多少？", issuer=XSS_ISSUER, year="2023")
    assert "0510-12345678" in answer.answer


def test_report_markup_is_escaped_in_chat_and_review(server: Server) -> None:
    history, _ = list(handlers.chat_stream(server.ctx, XSS_Q, [], None))[-1]
    final = history[-1]["content"]
    assert "&lt;script&gt;" in final and "<script" not in final and "<img" not in final
    staff = handlers.staff_login(server.ctx, STAFF_USER, STAFF_PASSWORD)
    log_id = handlers.recent_choices(server.ctx, staff)[0][1]
    html, choices = handlers.show_entry(server.ctx, staff, log_id)
    assert "<mark>" in html and "&lt;script&gt;alert" in html and "<script" not in html and "<img" not in html
    assert choices[0] == ("引用 [1]", 1) and choices[-1] == ("整体回答", 0)
    assert handlers.save_verdict(server.ctx, staff, log_id, 1, "错误", "<b>引文带标记</b>").startswith("已保存")
    html, _ = handlers.show_entry(server.ctx, staff, log_id)
    assert "❌ 错误 &lt;b&gt;" in html
    assert any(row[0] == log_id and row[4] == "[1]" for row in handlers.wrong_rows(server.ctx, staff))
    path = Path(handlers.export_log(server.ctx, staff))
    assert path.suffix == ".csv" and XSS_Q in path.read_text(encoding="utf-8-sig")
    with pytest.raises(DisclosureError):
        handlers.save_verdict(server.ctx, staff, log_id, 1, "也许", "")


def test_admin_handlers_refuse_without_login(server: Server, tmp_path: Path) -> None:
    ctx = server.ctx
    new = write_report(tmp_path, "new-2022.txt", template_report(issuer="未登录测试局", year=2022))
    before = [r.id for r in ctx.store.catalogue.reports()]
    for token in (None, "", "forged-token"):
        with pytest.raises(DisclosureError, match="登录"):
            handlers.upload_reports(ctx, token, [str(new)])
        with pytest.raises(DisclosureError, match="登录"):
            handlers.delete_report(ctx, token, before[0])
        with pytest.raises(DisclosureError, match="登录"):
            handlers.reindex_all(ctx, token)
        with pytest.raises(DisclosureError, match="登录"):
            handlers.reports_rows(ctx, token)
    with pytest.raises(DisclosureError, match="错误"):
        handlers.admin_login(ctx, ADMIN_USER, "wrong")
    assert [r.id for r in ctx.store.catalogue.reports()] == before


def test_admin_upload_list_and_delete_with_login(server: Server, tmp_path: Path) -> None:
    ctx = server.ctx
    token = handlers.admin_login(ctx, ADMIN_USER, ADMIN_PASSWORD)
    good = write_report(
        tmp_path, "upload-2022.txt", template_report(issuer="上传测试局", year=2022, phone="0511-1234567")
    )
    bad = tmp_path / "notes.exe"
    bad.write_bytes(b"MZ")
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    calls: list[tuple[float, float, str]] = []
    text = handlers.upload_reports(
        ctx, token, [str(good), str(bad), str(empty)], lambda d, t, m: calls.append((d, t, m))
    )
    lines = text.splitlines()
    assert lines[0].startswith("❌ notes.exe") and "不支持" in lines[0]
    assert any(line.startswith("✅ upload-2022.txt：已索引") for line in lines)
    assert any(line.startswith("❌ empty.txt：失败 — ") for line in lines)
    assert calls and calls[-1][0] == calls[-1][1]
    rows = handlers.reports_rows(ctx, token)
    row = next(r for r in rows if r[1] == "上传测试局")
    assert row[2] == 2022 and row[4] > 0 and row[6] == "upload-2022.txt"
    assert "0511-1234567" in handlers.answer_question(ctx, "上传测试局的联系电话是多少？").answer
    assert handlers.delete_report(ctx, token, row[0]).startswith("已删除")
    assert all(r[1] != "上传测试局" for r in handlers.reports_rows(ctx, token))


def test_upload_respects_the_size_limit(server: Server, tmp_path: Path) -> None:
    small = AppContext(
        server.ctx.settings.with_(max_file_mb=0.001),
        server.ctx.store,
        server.ctx.assistant,
        server.ctx.indexer,
        server.ctx.qa_log,
        server.ctx.auth,
    )
    big = tmp_path / "big.txt"
    big.write_text("报告" * 2000, encoding="utf-8")
    token = handlers.admin_login(small, ADMIN_USER, ADMIN_PASSWORD)
    assert "超过" in handlers.upload_reports(small, token, [str(big)])


def test_admin_tab_without_credentials_says_how_to_turn_it_on(tmp_path: Path) -> None:
    from assistant.ui.app import build_app

    settings = Settings().with_(data_dir=tmp_path / "data")
    ctx = AppContext.open(settings)
    demo = build_app(ctx)
    texts = [getattr(b, "value", "") for b in demo.blocks.values()]
    assert any(isinstance(t, str) and "DISCLOSURE_ADMIN_PASSWORD" in t for t in texts)
    with pytest.raises(DisclosureError, match="DISCLOSURE_ADMIN_USER"):
        handlers.reports_rows(ctx, "whatever")


# -- the launched app through gradio_client and raw HTTP ----------------------------------------
def test_api_ask_answers_with_citations(client: object) -> None:
    result = client.predict(PHONE_Q, api_name="/ask")  # type: ignore[attr-defined]
    assert set(result) == {"answer", "abstained", "citations"}
    assert "0519-85685811" in result["answer"] and result["abstained"] is False
    cite = result["citations"][0]
    assert cite["n"] == 1 and cite["issuer"] == "常州市机关事务管理局" and cite["year"] == 2021
    text = SEED.read_text(encoding="utf-8")
    assert text[cite["start"] : cite["end"]] == cite["quote"]
    filtered = client.predict("联系电话是多少？", XSS_ISSUER, 2023, api_name="/ask")  # type: ignore[attr-defined]
    assert "0510-12345678" in filtered["answer"]


def test_api_lists_only_ask(client: object) -> None:
    info = client.view_api(print_info=False, return_format="dict")  # type: ignore[attr-defined]
    assert list(info["named_endpoints"]) == ["/ask"]
    assert info["unnamed_endpoints"] == {}


def test_questions_are_logged(server: Server, client: object) -> None:
    client.predict("2021年常州市机关事务管理局信息公开收费了吗？", api_name="/ask")  # type: ignore[attr-defined]
    entry = server.ctx.qa_log.recent(1)[0]
    assert entry.channel == "api" and "收费" in entry.question and entry.citations


def _raw_call(
    server: Server, fn_name: str, data: list[object], session: str | None = None, module: str | None = None
) -> dict[str, object]:
    """Call an event the way a browser does (queue/join + SSE), bypassing the hidden UI; calls with one
    ``session`` share its state (the login token lives in a gr.State, server side); ``module`` picks
    the tab when two tabs name an event alike (``do_login``)."""
    demo = server.demo
    fn_index = next(
        i
        for i, fn in demo.fns.items()  # type: ignore[attr-defined]
        if fn.name == fn_name and (module is None or getattr(fn.fn, "__module__", "") == module)
    )
    session = session or uuid.uuid4().hex
    base = server.url + "gradio_api/"
    with httpx.Client(timeout=60) as http:
        http.post(
            base + "queue/join",
            json={"data": data, "fn_index": fn_index, "session_hash": session, "event_data": None, "trigger_id": None},
        ).raise_for_status()
        with http.stream("GET", base + "queue/data", params={"session_hash": session}) as stream:
            for line in stream.iter_lines():
                if line.startswith("data:"):
                    msg = json.loads(line[5:])
                    if msg.get("msg") == "process_completed":
                        return msg
    raise AssertionError("no process_completed message")


def test_admin_events_refuse_raw_calls_without_login(server: Server) -> None:
    before = [r.id for r in server.ctx.store.catalogue.reports()]
    for name, data in (
        ("do_delete", [None, before[0]]),
        ("do_reindex", [None]),
        ("do_upload", [None, None, "", ""]),
        ("do_correct", [None, before[0], "伪造机关", "2020", ""]),
        ("do_revert", [None, before[0]]),
    ):
        msg = _raw_call(server, name, data)
        assert msg["success"] is False, (name, msg)
        assert "登录" in str(msg.get("output", {})), (name, msg)
    assert [r.id for r in server.ctx.store.catalogue.reports()] == before


def test_admin_and_chat_run_in_separate_queue_groups(server: Server) -> None:
    fns = {fn.name: fn for fn in server.demo.fns.values()}  # type: ignore[attr-defined]
    chat, ask = fns["respond"], fns["ask"]
    assert chat.concurrency_id == ask.concurrency_id == "chat" and chat.concurrency_limit > 1
    for name in ("do_upload", "do_delete", "do_reindex", "do_login", "do_correct", "do_revert"):
        assert fns[name].concurrency_id == "admin" and fns[name].concurrency_limit == 1
        assert fns[name].api_visibility == "private"


# -- 引用核对 needs a staff login; answers are plain text ------------------------------------------
def test_review_handlers_refuse_without_staff_login(server: Server) -> None:
    ctx = server.ctx
    handlers.answer_question(ctx, PHONE_Q)
    log_id = ctx.qa_log.recent(1)[0].id
    admin_token = handlers.admin_login(ctx, ADMIN_USER, ADMIN_PASSWORD)  # an admin-tab session is not a staff one
    for token in (None, "", "forged-token", admin_token):
        for call in (
            lambda t: handlers.recent_choices(ctx, t),
            lambda t: handlers.recent_rows(ctx, t),
            lambda t: handlers.wrong_rows(ctx, t),
            lambda t: handlers.show_entry(ctx, t, log_id),
            lambda t: handlers.save_verdict(ctx, t, log_id, 0, "错误", "伪造"),
            lambda t: handlers.export_log(ctx, t),
        ):
            with pytest.raises(DisclosureError, match="核对人员登录"):
                call(token)
    assert 0 not in ctx.qa_log.get(log_id).verdicts  # type: ignore[union-attr]
    with pytest.raises(DisclosureError, match="错误"):
        handlers.staff_login(ctx, STAFF_USER, "wrong")
    admin_as_staff = handlers.staff_login(ctx, ADMIN_USER, ADMIN_PASSWORD)
    assert handlers.recent_choices(ctx, admin_as_staff)


def test_review_events_refuse_raw_calls_without_login(server: Server) -> None:
    """Every review event, called through the queue API without a session, fails or returns nothing logged."""
    ctx = server.ctx
    handlers.answer_question(ctx, "秘密问题：常州市机关事务管理局的传真是多少？")
    log_id = ctx.qa_log.recent(1)[0].id
    fns = {fn.name: fn for fn in server.demo.fns.values()}  # type: ignore[attr-defined]
    calls = {
        "do_refresh": [None],
        "pick": [None, log_id],
        "store_verdict": [None, log_id, 0, "错误", "伪造"],
        "do_export": [None],
        "on_open": [None],
        "do_login": [STAFF_USER, "wrong"],
    }
    assert set(calls) <= set(fns)
    for name, data in calls.items():
        assert fns[name].api_visibility == "private", name
        for token in (None, "forged-token"):
            if data and data[0] is None:
                data = [token, *data[1:]]
            msg = _raw_call(server, name, data)
            text = json.dumps(msg, ensure_ascii=False)
            assert "秘密问题" not in text and "传真" not in text, (name, text[:500])
            if name == "on_open":
                assert msg["success"] is True  # opening the tab shows empty lists
            else:
                # refused by the handler's session check (or, for a log id the page never offered, by Gradio)
                assert msg["success"] is False, (name, text[:500])
    assert 0 not in ctx.qa_log.get(log_id).verdicts  # type: ignore[union-attr]


def test_compare_events_refuse_raw_calls_without_login(server: Server) -> None:
    """数据对比 (staff): every event called through the queue without a session fails and shows no figure."""
    fns = {fn.name: fn for fn in server.demo.fns.values()}  # type: ignore[attr-defined]
    row = "表三 一、本年新收政府信息公开申请数量"
    calls = {
        "compare_run": [None, row, "总计", [], ["2023"]],
        "compare_export_all": [None],
        "compare_login": [STAFF_USER, "wrong"],
    }
    for name in (*calls, "compare_open", "compare_select", "compare_export", "compare_logout", "compare_columns"):
        assert fns[name].api_visibility == "private", name
    for name, data in calls.items():
        for token in (None, "forged-token"):
            if data and data[0] is None:
                data = [token, *data[1:]]
            msg = _raw_call(server, name, data)
            text = json.dumps(msg, ensure_ascii=False)
            assert msg["success"] is False and XSS_ISSUER not in text, (name, text[:500])
    opened = _raw_call(server, "compare_open", ["forged-token"])
    assert opened["success"] is True and XSS_ISSUER not in json.dumps(opened, ensure_ascii=False)


def test_review_tab_without_accounts_says_how_to_turn_it_on(tmp_path: Path) -> None:
    from assistant.ui.app import build_app

    ctx = AppContext.open(Settings().with_(data_dir=tmp_path / "data"))
    demo = build_app(ctx)
    texts = [getattr(b, "value", "") for b in demo.blocks.values()]
    assert any(isinstance(t, str) and "DISCLOSURE_STAFF_PASSWORD" in t for t in texts)
    assert not any(fn.name in ("pick", "store_verdict", "do_export") for fn in demo.fns.values())


def test_api_answer_is_plain_text(client: object) -> None:
    result = client.predict(MARKUP_Q, api_name="/ask")  # type: ignore[attr-defined]
    answer = result["answer"]
    assert not result["abstained"] and "示例路8号" in answer, answer
    for bad in ("<", ">", "&", "onerror", "javascript", "alert"):
        assert bad not in answer, (bad, answer)
    quote = result["citations"][0]["quote"]
    assert "<img src=x" in quote  # citations stay verbatim


def test_esc_escapes_once() -> None:
    assert esc("'") == "&#39;" and esc("&#x27;") == "&amp;&#35;x27;"
    html = render_answer({"answer": "It's 1[1]。", "abstained": False, "citations": [_citation(quote="O'Neil")]})
    assert "&#39;" in html and "&#x27;" not in html and "&amp;#" not in html


def test_correction_through_the_gradio_queue(server: Server) -> None:
    """The 报告管理 correction action as the browser calls it: log in, correct, see the list and the answer."""
    session = uuid.uuid4().hex
    login = _raw_call(server, "do_login", [ADMIN_USER, ADMIN_PASSWORD], session, module="assistant.ui.admin_tab")
    assert login["success"] is True, login
    report = next(r for r in server.ctx.store.catalogue.reports() if r.issuer == XSS_ISSUER)
    msg = _raw_call(server, "do_correct", [None, report.id[:10], "样本县审计局", "", ""], session)
    assert msg["success"] is True, msg
    text, rows, _notice = msg["output"]["data"]  # type: ignore[index]
    assert text.startswith("已更正") and "样本县审计局" in text
    row = next(r for r in rows["data"] if r[0] == report.id)
    assert row[1] == "样本县审计局" and row[7].startswith("机关:管理员")
    assert not handlers.answer_question(server.ctx, "样本县审计局举办了几次政务开放日活动？").abstained
    msg = _raw_call(server, "do_revert", [None, report.id], session)
    assert msg["success"] is True and server.ctx.store.catalogue.report(report.id).issuer == XSS_ISSUER  # type: ignore[union-attr]
