"""A request's whole life in real browsers, one context per person (issue 3 items 5–6):

the enterprise files on its phone (390 px) and keeps its case page open; the service desk accepts
and dispatches; a handler of the lead department signs, answers a question and resolves. The
enterprise's open page follows each step WITHOUT reloading (the status line changes within ~6 s
while a marker set in the page survives), it answers and rates; the ledger and the assessment
then count the case. Runs against the seeded demo server (root conftest: `demo_server`,
`browser`); screenshots go to test-results/.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from conftest import PHONE, DemoServer, SignIn, watch_errors

pytestmark = pytest.mark.browser

LIVE_MS = 6_000  # the poll runs every 3 s: a change shows within two rounds


def _valid_ratings(page: Page, server: DemoServer, department: str) -> int | None:
    """有效评价 of one department in this month's assessment (None when the page is not there)."""
    response = page.goto(f"{server.url}/assessment/?by=department")
    if response is None or response.status != 200:
        return None
    row = page.locator("table.qf-table tbody tr", has=page.locator("th", has_text=department))
    if not row.count():
        return 0
    return int(row.first.locator("td").nth(1).inner_text().strip() or 0)


def test_a_request_from_filing_to_rating_shows_live_on_the_enterprise_page(
    sign_in: SignIn, demo_server: DemoServer, results_dir: Path
) -> None:
    errors: list[str] = []
    ent = sign_in("ent", PHONE)
    desk = sign_in("desk")
    handler = sign_in("jfj_handler")
    for page in (ent, desk, handler):
        watch_errors(page, errors)
    rated_before = _valid_ratings(desk, demo_server, "经济发展局")

    # given the enterprise files a request from its phone: 提诉求 in the bottom bar
    ent.goto(f"{demo_server.url}/")
    ent.locator(".qf-bottombar").get_by_role("link", name="提诉求").click()
    expect(ent.get_by_role("heading", name="提诉求")).to_be_visible()
    expect(ent.locator("#id_category + .form-text, .form-text").first).to_be_visible()
    ent.select_option("#id_category", "utilities")
    ent.fill("#id_title", "新厂房用电增容（浏览器测试）")
    ent.fill("#id_text", "我司新厂房下月投产，需要增容用电至2000千伏安，请协调供电公司尽快勘察。")
    expect(ent.locator("[data-qf-counter-for=id_text]")).to_contain_text("/ 10000")
    ent.screenshot(path=results_dir / "case-1-file-390.png", full_page=True)
    ent.get_by_role("button", name="提交诉求").click()
    ent.wait_for_url(re.compile(r"/cases/\d+/$"))
    case_url = ent.url
    number = ent.locator("#case-head .qf-mono").inner_text()
    status = ent.locator("#case-status")
    expect(status).to_contain_text("已提交，等待受理")
    assert ent.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    ent.evaluate("window.qfMarker = 'still the same page'")  # a reload would wipe it
    ent.screenshot(path=results_dir / "case-2-filed-390.png", full_page=True)

    # when the desk accepts and dispatches it to 经济发展局
    desk.goto(case_url)
    desk.locator("button[data-action=accept]").click()
    desk.wait_for_url(re.compile(r"/cases/\d+/"))
    expect(desk.locator("#case-state")).to_have_text("已受理")
    # then the enterprise's open page says so without a reload
    expect(status).to_contain_text("已受理", timeout=LIVE_MS)
    expect(desk.locator("#f-lead")).to_be_visible()
    desk.select_option("#f-lead", "JFJ")
    desk.get_by_role("button", name="确认分办").click()
    desk.wait_for_url(re.compile(r"/cases/\d+/"))
    expect(desk.locator("#case-state")).to_have_text("待签收")
    desk.screenshot(path=results_dir / "case-3-dispatched-desk.png", full_page=True)
    expect(status).to_contain_text("已转交经济发展局", timeout=LIVE_MS)

    # when a handler of 经济发展局 signs it
    handler.goto(case_url)
    handler.locator("button[data-action=sign]").click()
    handler.wait_for_url(re.compile(r"/cases/\d+/"))
    expect(handler.locator("#case-state")).to_have_text("办理中")
    # then the enterprise sees who handles it and by when, live
    expect(status).to_contain_text("正在办理 · 经济发展局 · 预计", timeout=LIVE_MS)
    expect(ent.locator("#case-state")).to_have_text("办理中")

    # and the conversation runs both ways without reloading
    handler.fill("#msg-text", "您好，我们已联系供电公司，请问投产的具体日期？")
    handler.get_by_role("button", name="发送").click()
    handler.wait_for_url(re.compile(r"/cases/\d+/"))
    expect(ent.locator("#case-timeline")).to_contain_text("请问投产的具体日期", timeout=LIVE_MS)
    handler.locator("label[for=vis-internal]").click()
    handler.fill("#msg-text", "内部：供电公司容量紧张，需协调")
    handler.get_by_role("button", name="发送").click()
    handler.wait_for_url(re.compile(r"/cases/\d+/"))
    ent.fill("#msg-text", "预计12月20日投产，谢谢！")
    ent.get_by_role("button", name="发送").click()
    ent.wait_for_url(re.compile(r"/cases/\d+/"))
    ent.evaluate("window.qfMarker = 'still the same page'")
    expect(handler.locator("#case-timeline")).to_contain_text("预计12月20日投产", timeout=LIVE_MS)
    expect(ent.locator("#case-timeline")).not_to_contain_text("供电公司容量紧张")
    ent.screenshot(path=results_dir / "case-4-in-progress-390.png", full_page=True)

    # when the handler resolves it with an answer
    handler.locator("summary[data-action=resolve]").click()
    handler.fill("#f-resolve", "已协调供电公司，12月10日前完成增容勘察和施工。")
    handler.get_by_role("button", name="办结答复").last.click()
    handler.wait_for_url(re.compile(r"/cases/\d+/"))
    expect(handler.locator("#case-state")).to_have_text("已办结")
    handler.screenshot(path=results_dir / "case-5-resolved-handler.png", full_page=True)
    # then the enterprise's page turns to 请您评价 and offers the rating form, still without a reload
    expect(status).to_contain_text("已办结，请您评价", timeout=LIVE_MS)
    expect(ent.locator("#case-timeline")).to_contain_text("12月10日前完成增容")
    expect(ent.locator("summary[data-action=rate]")).to_be_visible(timeout=LIVE_MS)
    assert ent.evaluate("window.qfMarker") == "still the same page"
    assert ent.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    ent.screenshot(path=results_dir / "case-6-rate-390.png", full_page=True)

    # when the enterprise rates it 已解决 · 满意
    ent.locator("label[for=f-solved-solved]").click()
    ent.locator("label[for=f-sat-satisfied]").click()
    ent.fill("#f-rate-comment", "响应很快，谢谢！")
    ent.get_by_role("button", name="提交评价").click()
    ent.wait_for_url(re.compile(r"/cases/\d+/"))
    expect(ent.locator("#case-state")).to_have_text("已关闭")
    expect(status).to_have_text("已办结")
    assert ent.locator("#case-poll[hx-get]").count() == 0  # a closed case stops polling
    ent.screenshot(path=results_dir / "case-7-closed-390.png", full_page=True)
    # and the handler's open page follows too
    expect(handler.locator("#case-state")).to_have_text("已关闭", timeout=LIVE_MS)

    # then the ledger lists it among the closed cases
    desk.goto(f"{demo_server.url}/cases/?state=closed")
    expect(desk.locator("main")).to_contain_text(number)
    desk.screenshot(path=results_dir / "case-8-ledger-closed.png", full_page=False)
    # and the month's assessment counts one more valid rating for 经济发展局
    rated_after = _valid_ratings(desk, demo_server, "经济发展局")
    if rated_before is not None:
        assert rated_after == rated_before + 1, (rated_before, rated_after)
        desk.screenshot(path=results_dir / "case-9-assessment.png", full_page=False)
    # the enterprise's home lists its requests; this one is no longer open
    ent.goto(f"{demo_server.url}/")
    expect(ent.locator("#my-requests")).to_be_visible()
    expect(ent.locator("#my-requests")).not_to_contain_text("新厂房用电增容（浏览器测试）")
    assert errors == [], errors
