"""The web app in a real browser (Debian's chromium, headless, driven by Playwright)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_ui import MARKUP_Q, PHONE_Q, STAFF_PASSWORD, STAFF_USER, XSS_ISSUER, XSS_Q, Server, start_server

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is missing (apt-get install -y chromium)"),
]


@pytest.fixture(scope="module")
def browser_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = start_server(tmp_path_factory.mktemp("ui-browser"))
    yield srv
    srv.demo.close()  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def page(browser_server: Server) -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 1100}, locale="zh-CN")
        page.dialogs = []  # type: ignore[attr-defined]
        page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))  # type: ignore[attr-defined]
        page.goto(browser_server.url, wait_until="domcontentloaded")  # Gradio's heartbeat never idles
        page.locator("#question textarea").wait_for(timeout=60_000)
        yield page
        browser.close()


def _artifacts(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("DISCLOSURE_UI_ARTIFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _ask(page: object, question: str, expect_text: str) -> str:
    """Type a question, send it, wait for the final (cited) answer; returns its visible text."""
    from playwright.sync_api import expect

    cites = page.locator("#chat blockquote.da-cite")  # type: ignore[attr-defined]
    before = cites.count()
    page.locator("#question textarea").fill(question)  # type: ignore[attr-defined]
    page.locator("#send").click()  # type: ignore[attr-defined]
    expect(cites).not_to_have_count(before, timeout=60_000)  # the final message carries the citations
    bot = page.locator("#chat .message.bot").last  # type: ignore[attr-defined]
    expect(bot).to_contain_text(expect_text)
    return bot.inner_text()


def test_chat_answers_with_citation(page: object, tmp_path: Path) -> None:
    text = _ask(page, PHONE_Q, "0519-85685811")
    assert "引用" in text and "電話:0519-85685811" in text and "常州市机关事务管理局" in text
    shot = _artifacts(tmp_path) / "ui_chat.png"
    page.screenshot(path=str(shot), full_page=True)  # type: ignore[attr-defined]
    print(f"screenshot: {shot}")


def test_report_markup_shows_as_text_and_never_runs(page: object, tmp_path: Path) -> None:
    text = _ask(page, XSS_Q, "政务开放日")
    assert "<script>alert(1)</script>" in text and "<img src=x onerror=alert(1)>" in text
    assert page.locator("#chat img[src='x']").count() == 0  # type: ignore[attr-defined]
    assert page.locator("#chat script").count() == 0  # type: ignore[attr-defined]
    page.wait_for_timeout(500)  # type: ignore[attr-defined]
    assert page.dialogs == []  # type: ignore[attr-defined]
    # staff view (after the staff login): the citation inside its report, quote highlighted, markup still text
    _staff_login(page)
    page.locator("#review-entry input").click()  # type: ignore[attr-defined]
    page.get_by_role("option", name=XSS_Q[:10], exact=False).first.click()  # type: ignore[attr-defined]
    mark = page.locator("#review-view mark").first  # type: ignore[attr-defined]
    mark.wait_for(timeout=30_000)
    assert "<script>alert(1)</script>" in mark.inner_text()
    assert page.locator("#review-view img[src='x']").count() == 0  # type: ignore[attr-defined]
    page.wait_for_timeout(500)  # type: ignore[attr-defined]
    assert page.dialogs == []  # type: ignore[attr-defined]
    page.screenshot(path=str(_artifacts(tmp_path) / "ui_review.png"), full_page=True)  # type: ignore[attr-defined]


def test_admin_login_shows_the_report_list(page: object, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    from tests.test_ui import ADMIN_PASSWORD, ADMIN_USER

    page.get_by_role("tab", name="报告管理").click()  # type: ignore[attr-defined]
    upload = page.get_by_text("上传并索引")  # type: ignore[attr-defined]
    expect(upload).to_be_hidden()
    page.get_by_label("用户名", exact=True).fill(ADMIN_USER)  # type: ignore[attr-defined]
    page.get_by_label("密码", exact=True).fill("wrong")  # type: ignore[attr-defined]
    page.get_by_role("button", name="登录", exact=True).click()  # type: ignore[attr-defined]
    expect(page.get_by_text("用户名或密码错误").first).to_be_visible(timeout=30_000)  # type: ignore[attr-defined]
    expect(upload).to_be_hidden()
    page.get_by_label("密码", exact=True).fill(ADMIN_PASSWORD)  # type: ignore[attr-defined]
    page.get_by_role("button", name="登录", exact=True).click()  # type: ignore[attr-defined]
    expect(page.get_by_text(f"已登录：{ADMIN_USER}")).to_be_visible(timeout=30_000)  # type: ignore[attr-defined]
    expect(upload).to_be_visible()
    expect(page.locator("#admin-reports")).to_contain_text("常州市机关事务管理局")  # type: ignore[attr-defined]
    page.screenshot(path=str(_artifacts(tmp_path) / "ui_admin.png"), full_page=True)  # type: ignore[attr-defined]


def _staff_login(page: object) -> None:
    """Open 引用核对 and log in as staff (the panel is hidden, and every handler refuses, until then)."""
    from playwright.sync_api import expect

    page.get_by_role("tab", name="引用核对").click()  # type: ignore[attr-defined]
    status = page.locator("#staff-status")  # type: ignore[attr-defined]
    if "已登录" in status.inner_text():
        return
    expect(page.locator("#review-entry")).to_be_hidden()  # type: ignore[attr-defined]
    page.locator("#staff-user input, #staff-user textarea").first.fill(STAFF_USER)  # type: ignore[attr-defined]
    page.locator("#staff-password input").fill(STAFF_PASSWORD)  # type: ignore[attr-defined]
    page.get_by_role("button", name="核对人员登录").click()  # type: ignore[attr-defined]
    expect(status).to_contain_text(f"已登录：{STAFF_USER}", timeout=30_000)
    expect(page.locator("#review-entry")).to_be_visible()  # type: ignore[attr-defined]


def test_staff_log_in_and_review(page: object, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page.get_by_role("tab", name="问答").click()  # type: ignore[attr-defined]
    _ask(page, PHONE_Q, "0519-85685811")
    _staff_login(page)
    page.get_by_role("button", name="刷新").click()  # type: ignore[attr-defined]
    page.locator("#review-entry input").click()  # type: ignore[attr-defined]
    page.get_by_role("option", name=PHONE_Q[:10], exact=False).first.click()  # type: ignore[attr-defined]
    expect(page.locator("#review-view mark").first).to_contain_text("0519-85685811", timeout=30_000)  # type: ignore[attr-defined]
    page.get_by_text("错误", exact=True).click()  # type: ignore[attr-defined]
    page.get_by_label("意见（可选）").fill("号码'应'核实")  # type: ignore[attr-defined]
    page.get_by_role("button", name="保存核对结果").click()  # type: ignore[attr-defined]
    expect(page.get_by_text("已保存").first).to_be_visible(timeout=30_000)  # type: ignore[attr-defined]
    # escaped exactly once: the apostrophes show as they are, not as &#x27; or &#39;
    expect(page.locator("#review-view")).to_contain_text("号码'应'核实")  # type: ignore[attr-defined]
    assert "&#" not in page.locator("#review-view").inner_text()  # type: ignore[attr-defined]
    page.get_by_role("button", name="退出核对").click()  # type: ignore[attr-defined]
    expect(page.locator("#review-entry")).to_be_hidden()  # type: ignore[attr-defined]
    page.screenshot(path=str(_artifacts(tmp_path) / "ui_staff_review.png"), full_page=True)  # type: ignore[attr-defined]


def test_staff_compare_tab_table_chart_and_cited_row(page: object, tmp_path: Path) -> None:
    """数据对比: hidden until a staff login; pick a 表 row and a year, see the table, the chart and a cited row."""
    from playwright.sync_api import expect

    page.get_by_role("tab", name="数据对比").click()  # type: ignore[attr-defined]
    panel = page.locator("#compare-panel")  # type: ignore[attr-defined]
    expect(panel).to_be_hidden()
    page.locator("#compare-user input, #compare-user textarea").first.fill(STAFF_USER)  # type: ignore[attr-defined]
    page.locator("#compare-password input").fill(STAFF_PASSWORD)  # type: ignore[attr-defined]
    page.locator("#compare-login").click()  # type: ignore[attr-defined]
    expect(page.locator("#compare-status")).to_contain_text(f"已登录：{STAFF_USER}", timeout=30_000)  # type: ignore[attr-defined]
    expect(panel).to_be_visible()
    page.locator("#compare-row input").click()  # type: ignore[attr-defined]
    page.get_by_role("option", name="表三 三（一）予以公开", exact=True).click()  # type: ignore[attr-defined]
    page.locator("#compare-years input").click()  # type: ignore[attr-defined]
    page.get_by_role("option", name="2023", exact=True).click()  # type: ignore[attr-defined]
    page.keyboard.press("Escape")  # type: ignore[attr-defined]
    page.locator("#compare-run").click()  # type: ignore[attr-defined]
    table = page.locator("#compare-table")  # type: ignore[attr-defined]
    expect(table).to_contain_text(XSS_ISSUER, timeout=30_000)
    expect(table).to_contain_text("（一）予以公开 | 10")  # the figure's own row, verbatim
    expect(page.locator("#compare-summary")).to_contain_text("予以公开")  # type: ignore[attr-defined]
    chart = page.locator("#compare-bar")  # type: ignore[attr-defined]
    expect(chart).to_be_visible()
    expect(chart.locator("canvas, svg").first).to_be_visible(timeout=30_000)
    table.get_by_text(XSS_ISSUER).first.click()
    expect(page.locator("#compare-cited mark").first).to_contain_text("予以公开 | 10", timeout=30_000)  # type: ignore[attr-defined]
    assert page.locator("#compare-cited script").count() == 0  # type: ignore[attr-defined]
    page.screenshot(path=str(_artifacts(tmp_path) / "ui_compare.png"), full_page=True)  # type: ignore[attr-defined]
    page.get_by_role("button", name="退出数据对比").click()  # type: ignore[attr-defined]
    expect(panel).to_be_hidden()


def test_api_answer_inserted_as_html_stays_text(browser_server: Server, page: object) -> None:
    """A consumer that inserts the /ask answer with innerHTML gets text: no element, no script, same characters."""
    from gradio_client import Client

    answer = Client(browser_server.url, verbose=False).predict(MARKUP_Q, api_name="/ask")["answer"]
    assert "示例路8号" in answer
    result = page.evaluate(  # type: ignore[attr-defined]
        """(answer) => {
            const box = document.createElement('div');
            document.body.appendChild(box);
            box.innerHTML = answer;
            const out = {elements: box.querySelectorAll('*').length, text: box.textContent,
                         links: box.querySelectorAll('a[href]').length};
            box.remove();
            return out;
        }""",
        answer,
    )
    assert result == {"elements": 0, "text": answer, "links": 0}, (answer, result)
    page.wait_for_timeout(500)  # type: ignore[attr-defined]
    assert page.dialogs == []  # type: ignore[attr-defined]
