"""Meetings and salons in a real browser at 390×844 (a phone): the enterprise finds a salon it is
invited to, registers with two people and sees it confirmed; the desk opens the meetings calendar
and a held meeting with its agenda, decisions and the minutes download. No page scrolls sideways.
Runs against the seeded demo server (root conftest: `demo_server`, `browser`)."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from conftest import PHONE, DemoServer, SignIn

pytestmark = pytest.mark.browser


def _no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide at 390px"


def test_salon_registration_and_meetings_on_a_phone(
    sign_in: SignIn, demo_server: DemoServer, results_dir: Path
) -> None:
    ent = sign_in("ent", PHONE)
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

    desk = sign_in("desk", PHONE)
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
