"""A liaison's day in a real browser: sign in → 我的企业 → one enterprise → its liaison and projects.

Runs against the seeded demo server (root conftest: `demo_server`, `page`) on desktop and at 390 px;
screenshots go to test-results/.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from conftest import DemoServer

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 390, "height": 844}


def _sign_in(page: Page, server: DemoServer, username: str) -> None:
    page.goto(f"{server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[type=password]", server.password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.url}/")


def _no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert page.viewport_size is not None
    assert width <= page.viewport_size["width"], width


def test_liaison_opens_my_enterprises_then_one_with_its_liaison_and_projects(
    page: Page, demo_server: DemoServer, results_dir: Path
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "response",
        lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 and "favicon" not in r.url else None,
    )

    # given the liaison signed in, on their home page (a to-do list with counts, not a menu)
    _sign_in(page, demo_server, "liaison")
    me = page.locator(".qf-topbar .dropdown-toggle").inner_text().split("·")[0].strip()
    expect(page.locator(".qf-stat").first).to_be_visible()
    page.screenshot(path=results_dir / "journey-1-home-desktop.png", full_page=True)

    # when they open 我的企业 from the side navigation
    page.locator(".qf-sidebar").get_by_role("link", name="我的企业").click()
    expect(page.get_by_role("heading", name="我的企业")).to_be_visible()
    rows = page.locator("table.qf-table tbody tr td:first-child a")
    assert rows.count() >= 1
    page.screenshot(path=results_dir / "journey-2-mine-desktop.png", full_page=True)

    # and open their enterprises one by one until one has investment projects
    mine_url = page.url
    found = False
    for i in range(rows.count()):
        page.goto(mine_url)
        name = rows.nth(i).inner_text()
        rows.nth(i).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(name)
        if page.locator("#h-projects").locator("xpath=../..").locator("a[href^='/projects/']").count():
            found = True
            break
    assert found, "none of the liaison's enterprises has a project in the demo data"

    # then the 360 page shows its liaison (this user) with a phone link, and its projects
    liaison_card = page.locator("section[aria-labelledby=h-liaison]")
    expect(liaison_card).to_contain_text(me)
    expect(liaison_card.locator("a[href^='tel:']").first).to_be_visible()
    projects = page.locator("section[aria-labelledby=h-projects]")
    expect(projects.locator("a[href^='/projects/']").first).to_be_visible()
    expect(projects).to_contain_text("万元")
    page.screenshot(path=results_dir / "journey-3-enterprise-desktop.png", full_page=True)
    detail_url = page.url

    # and the same pages work on a phone (390 px): cards, bottom bar, no sideways scrolling
    page.set_viewport_size(PHONE)
    page.goto(mine_url)
    expect(page.locator(".qf-bottombar")).to_be_visible()
    expect(page.locator(".qf-enterprise-card").first).to_be_visible()
    _no_horizontal_scroll(page)
    page.screenshot(path=results_dir / "journey-4-mine-390.png", full_page=True)
    page.goto(detail_url)
    call = page.locator("section[aria-labelledby=h-liaison] a[href^='tel:']").first
    box = call.bounding_box()
    assert box and box["height"] >= 44  # a thumb-sized target
    _no_horizontal_scroll(page)
    page.screenshot(path=results_dir / "journey-5-enterprise-390.png", full_page=True)
    # and what the bottom bar leaves out is one tap away: 更多 opens the whole menu
    bar = page.locator(".qf-bottombar .nav-item")
    assert bar.count() <= 5
    page.locator(".qf-bottombar").get_by_role("button", name="更多").click()
    sheet = page.locator("#qf-more")
    expect(sheet).to_be_visible()
    expect(sheet.get_by_role("link", name="走访")).to_be_visible()
    page.wait_for_timeout(500)  # the sheet's slide-in, for the screenshot
    page.screenshot(path=results_dir / "journey-6-more-390.png")
    assert errors == []


def test_list_filters_stay_in_the_url_through_htmx(page: Page, demo_server: DemoServer, results_dir: Path) -> None:
    # given the service desk on the enterprise list
    _sign_in(page, demo_server, "desk")
    page.goto(f"{demo_server.url}/enterprises/")
    total = page.locator("#enterprise-table .qf-toolbar strong").inner_text()
    # when they tick 规上工业 (the table is swapped by HTMX, the URL follows)
    page.locator("label[for=f-above]").click()
    page.wait_for_url(re.compile(r"/enterprises/\?above_scale=1$"))
    # then the count changed without a page load, empty fields stay out of the URL
    expect(page.locator("#enterprise-table .qf-toolbar strong")).not_to_have_text(total)
    export = page.locator("#export-link")
    if export.count():
        assert export.get_attribute("href", timeout=1000).endswith("?above_scale=1")  # type: ignore[union-attr]
    page.screenshot(path=results_dir / "journey-6-list-filtered-desktop.png", full_page=False)
    # and reloading the URL gives the same filtered page
    page.reload()
    expect(page.locator("#f-above")).to_be_checked()
