"""The enterprise page's indicator chart in a real browser (issue 6 item 1): ECharts from static
under the site's CSP, no console errors; a liaison corrects a month and sees it in the table."""

import re

import pytest
from playwright.sync_api import expect

from conftest import DemoServer, SignIn, watch_errors

pytestmark = pytest.mark.browser

FIRST_ENTERPRISE = """() => {
  const ours = (x) => /\\/enterprises\\/[0-9A-Z]{18}\\/$/.test(x.getAttribute("href") || "");
  const a = [...document.querySelectorAll("main a")].find(ours);
  return a ? a.getAttribute("href") : null;
}"""


def test_liaison_sees_the_chart_and_corrects_a_month(sign_in: SignIn, demo_server: DemoServer, results_dir) -> None:
    liaison = sign_in("liaison")
    errors: list[str] = []
    watch_errors(liaison, errors, expected=lambda r: False)
    # given the liaison's first enterprise
    liaison.goto(f"{demo_server.url}/enterprises/mine/")
    href = liaison.evaluate(FIRST_ENTERPRISE)
    assert href, "the liaison has linked enterprises"
    liaison.goto(f"{demo_server.url}{href}")
    # then its 24 months draw as a chart, with the latest months in a table
    card = liaison.locator("#enterprise-indicators")
    expect(card.locator(".qf-chart svg")).to_be_visible()
    expect(card.locator("#indicator-table tbody tr").first).to_be_visible()
    liaison.screenshot(path=results_dir / "indicators-1-enterprise.png", full_page=True)
    # when the liaison corrects the latest month's revenue
    first_month = card.locator("#indicator-table tbody th").first.inner_text().strip()
    card.locator("#indicator-table tbody tr").first.get_by_role("link", name="修改").click()
    expect(liaison.get_by_role("heading", name="填报月度指标")).to_be_visible()
    liaison.fill("input[name=revenue]", "4321.5")
    liaison.get_by_role("button", name="保存").click()
    # then the enterprise page shows it
    expect(liaison).to_have_url(re.compile(re.escape(href) + "$"))
    row = liaison.locator("#indicator-table tbody tr").filter(has_text=first_month)
    expect(row).to_contain_text("4,321.5")
    assert errors == []
