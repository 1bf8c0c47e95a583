"""Meetings and salons in a real browser at 390×844 (a phone): the enterprise finds a salon it is
invited to, registers with two people and sees it confirmed; the desk opens the meetings calendar
and a held meeting with its agenda, decisions and the minutes download. No page scrolls sideways.
Runs against the seeded demo server (root conftest: `demo_server`, `browser`)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect

from conftest import DemoServer

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture
def contexts(browser: Browser) -> Iterator[list[BrowserContext]]:
    opened: list[BrowserContext] = []
    yield opened
    for context in opened:
        context.close()


def _person(browser: Browser, contexts: list[BrowserContext], server: DemoServer, username: str) -> Page:
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE)
    context.set_default_timeout(15_000)
    contexts.append(context)
    page = context.new_page()
    page.goto(f"{server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[type=password]", server.password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.url}/")
    return page


def _no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide at 390px"


def test_salon_registration_and_meetings_on_a_phone(
    browser: Browser, contexts: list[BrowserContext], demo_server: DemoServer, results_dir: Path
) -> None:
    ent = _person(browser, contexts, demo_server, "ent")
    ent.goto(f"{demo_server.url}/meetings/events/")
    _no_sideways_scroll(ent)
    ent.locator("#event-table a").first.click()
    expect(ent.get_by_role("button", name="我要报名")).to_be_visible()
    _no_sideways_scroll(ent)
    ent.fill("#attendees", "2")
    ent.get_by_role("button", name="我要报名").click()
    expect(ent.get_by_text("报名成功")).to_be_visible()
    expect(ent.get_by_text("贵单位已报名，2 人参加。")).to_be_visible()
    ent.screenshot(path=results_dir / "meetings-salon-registered-390.png", full_page=True)
    ent.goto(f"{demo_server.url}/meetings/?when=all")
    _no_sideways_scroll(ent)

    desk = _person(browser, contexts, demo_server, "desk")
    desk.goto(f"{demo_server.url}/meetings/?when=past")
    _no_sideways_scroll(desk)
    desk.locator("#meeting-table a").first.click()
    expect(desk.locator("#agenda")).to_be_visible()
    expect(desk.locator("#decisions")).to_be_visible()
    _no_sideways_scroll(desk)
    desk.screenshot(path=results_dir / "meetings-held-390.png", full_page=True)
    with desk.expect_download() as download:
        desk.get_by_role("link", name="下载会议纪要").click()
    assert download.value.suggested_filename.endswith(".docx")
