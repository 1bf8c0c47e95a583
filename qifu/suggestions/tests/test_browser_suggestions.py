"""A suggestion's way in real browsers (issue 4 item 5): the enterprise submits on its phone (390 px),
the desk tags and assigns it from its queue, the department answers, the enterprise reads the
answer on its phone; the leader's 建议统计 draws its ECharts chart from local static files under the
site's CSP, with no script error and no horizontal scrolling at 390 px. Runs against the seeded demo
server (root conftest); screenshots go to test-results/.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect

from conftest import DemoServer

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1366, "height": 900}
TITLE = "建议园区食堂延长晚餐时间"


@pytest.fixture
def contexts(browser: Browser) -> Iterator[list[BrowserContext]]:
    opened: list[BrowserContext] = []
    yield opened
    for context in opened:
        context.close()


def _person(
    browser: Browser, contexts: list[BrowserContext], server: DemoServer, username: str, size: ViewportSize
) -> Page:
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=size)
    context.set_default_timeout(15_000)
    contexts.append(context)
    page = context.new_page()
    page.goto(f"{server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[type=password]", server.password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.url}/")
    return page


def _watch(page: Page, errors: list[str]) -> None:
    page.on("pageerror", lambda exc: errors.append(f"js: {exc}"))
    page.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)
    page.on(
        "response",
        lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 and "favicon" not in r.url else None,
    )


def _fits(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_a_suggestion_from_the_phone_to_the_answer_and_the_leaders_chart(
    browser: Browser, contexts: list[BrowserContext], demo_server: DemoServer, results_dir: Path
) -> None:
    errors: list[str] = []
    ent = _person(browser, contexts, demo_server, "ent", PHONE)
    desk = _person(browser, contexts, demo_server, "desk", DESKTOP)
    handler = _person(browser, contexts, demo_server, "jfj_handler", DESKTOP)
    leader = _person(browser, contexts, demo_server, "leader", PHONE)
    for page in (ent, desk, handler, leader):
        _watch(page, errors)

    # the enterprise submits on its phone (through the bottom navigation's 建议)
    ent.locator(".qf-bottombar a", has_text="建议").click()
    ent.get_by_role("link", name="提建议").first.click()
    assert _fits(ent)
    ent.fill("textarea[name=text]", f"{TITLE}。\n加班员工较多，建议食堂晚餐延长到20点。")
    ent.click("button[type=submit]")
    expect(ent.locator("#my-suggestions")).to_contain_text(TITLE)
    expect(ent.locator("#my-suggestions")).to_contain_text("服务专班正在分办")
    ent.screenshot(path=results_dir / "suggestions-1-enterprise-phone.png", full_page=True)

    # the desk tags it and assigns it to 经济发展局 from its queue
    desk.goto(f"{demo_server.url}/suggestions/desk/")
    row = desk.locator("#desk-suggestions li", has_text=TITLE)
    row.locator("select[name=topic]").select_option(label="其他")
    row.locator("select[name=department]").select_option(label="经济发展局")
    row.get_by_role("button", name="分办").click()
    expect(desk.locator(".alert-success")).to_contain_text("经济发展局")

    # the department answers
    handler.goto(f"{demo_server.url}/suggestions/department/")
    handler.get_by_role("link", name=TITLE).first.click()
    handler.fill("textarea[name=answer]", "已与食堂经营方商定，下周起晚餐供应延长至20点。")
    handler.get_by_role("button", name="提交答复").click()
    expect(handler.locator("#answer")).to_contain_text("延长至20点")

    # the enterprise reads the answer on its phone
    ent.goto(f"{demo_server.url}/suggestions/mine/")
    expect(ent.locator("#my-suggestions")).to_contain_text("下周起晚餐供应延长至20点")
    assert _fits(ent)

    # the leader's page draws the chart (ECharts renders SVG into the holder) and fits the phone
    leader.goto(f"{demo_server.url}/suggestions/stats/")
    expect(leader.locator("#suggestion-chart svg")).to_be_visible()
    expect(leader.locator("#by-topic tbody tr").first).to_be_visible()
    assert _fits(leader)
    leader.screenshot(path=results_dir / "suggestions-2-leader-stats-phone.png", full_page=True)

    assert errors == []
