"""A suggestion's way in real browsers (issue 4 item 5): the enterprise submits on its phone (390 px),
the desk tags and assigns it from its queue, the department answers, the enterprise reads the
answer on its phone; the leader's 建议统计 draws its ECharts chart from local static files under the
site's CSP, with no script error and no horizontal scrolling at 390 px. Runs against the seeded demo
server (root conftest); screenshots go to test-results/.
"""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from conftest import PHONE, DemoServer, SignIn, watch_errors

pytestmark = pytest.mark.browser

TITLE = "建议园区食堂延长晚餐时间"


def _fits(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_a_suggestion_from_the_phone_to_the_answer_and_the_leaders_chart(
    sign_in: SignIn, demo_server: DemoServer, results_dir: Path
) -> None:
    errors: list[str] = []
    ent = sign_in("ent", PHONE)
    desk = sign_in("desk")
    handler = sign_in("jfj_handler")
    leader = sign_in("leader", PHONE)
    for page in (ent, desk, handler, leader):
        watch_errors(page, errors)

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
