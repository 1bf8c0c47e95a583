"""The leaders' cockpit in a real browser (issue 6 "must show"): a leader opens it, every chart
draws with data under the CSP and without console errors, and a click on a bar opens the case
ledger filtered to what the bar counts; the page also fits a phone."""

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

from conftest import DemoServer, SignIn, watch_errors

pytestmark = pytest.mark.browser

CHARTS = (
    "categories",
    "departments",
    "states",
    "trend",
    "assessment",
    "backlog",
    "visits",
    "disturbed",
    "lists",
    "common",
    "projects",
)

# Every drawn chart: its ECharts instance, an <svg> inside, and series holding a number above 0.
SERIES = """(name) => {
  const el = document.querySelector(`[data-qf-cockpit-chart="${name}"]`);
  const chart = el && window.echarts.getInstanceByDom(el);
  if (!chart || !el.querySelector("svg")) return -1;
  const plain = (d) => (typeof d === "object" && d !== null ? d.value : d);
  const values = chart.getOption().series.flatMap((s) => s.data.map(plain));
  return values.filter((v) => typeof v === "number" && v > 0).length;
}"""

# The pixel centre of the first bar of the categories chart (a horizontal bar chart: the largest
# category is drawn last, at the top), relative to the chart's box.
FIRST_BAR = """() => {
  const el = document.querySelector('[data-qf-cockpit-chart="categories"]');
  const chart = window.echarts.getInstanceByDom(el);
  const option = chart.getOption();
  const data = option.series[0].data;
  const index = data.length - 1;
  const [x, y] = chart.convertToPixel({ seriesIndex: 0 }, [data[index] / 2, index]);
  return { x, y, name: option.yAxis[0].data[index], value: data[index] };
}"""


def _charts_drawn(page: Page) -> dict[str, int]:
    expect(page.locator("body[data-qf-cockpit-ready]")).to_be_attached()
    return {name: page.evaluate(SERIES, name) for name in CHARTS}


def test_a_leader_reads_the_cockpit_and_drills_into_a_bar(
    sign_in: SignIn, demo_server: DemoServer, results_dir
) -> None:
    leader = sign_in("leader")
    errors: list[str] = []
    watch_errors(leader, errors)
    # when the leader opens the cockpit from the side navigation
    leader.locator(".qf-sidebar").get_by_role("link", name="驾驶舱").click()
    expect(leader.get_by_role("heading", name="领导驾驶舱")).to_be_visible()
    # then every chart draws, each with data
    drawn = _charts_drawn(leader)
    assert all(n > 0 for n in drawn.values()), drawn
    leader.screenshot(path=results_dir / "cockpit-1-desktop.png", full_page=True)
    # when they click the biggest bar of 本月诉求按类别
    bar = leader.evaluate(FIRST_BAR)
    box = leader.locator('[data-qf-cockpit-chart="categories"]').bounding_box()
    assert box is not None
    leader.mouse.click(box["x"] + bar["x"], box["y"] + bar["y"])
    # then the case ledger opens, filtered to that category and month, listing that many cases
    expect(leader).to_have_url(re.compile(r"/cases/\?.*category="))
    query = parse_qs(urlparse(leader.url).query)
    assert query["since"][0].endswith("-01") and query["until"]
    rows = leader.locator("table.qf-table tbody tr")
    expect(rows.first).to_be_visible()
    if bar["value"] <= 20:  # the ledger's first page holds them all
        expect(rows).to_have_count(bar["value"])
    leader.screenshot(path=results_dir / "cockpit-2-drill-down.png", full_page=True)
    assert errors == []


def test_the_cockpit_on_a_phone(sign_in: SignIn, demo_server: DemoServer, results_dir) -> None:
    leader = sign_in("desk", size={"width": 390, "height": 844})
    errors: list[str] = []
    watch_errors(leader, errors)
    leader.goto(f"{demo_server.url}/cockpit/")
    drawn = _charts_drawn(leader)
    assert all(n > 0 for n in drawn.values()), drawn
    width = leader.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    leader.screenshot(path=results_dir / "cockpit-3-phone.png", full_page=True)
    # the tables under the charts lead to the same lists (a keyboard's way in)
    leader.locator("section[aria-labelledby=h-states] summary").click()
    link = leader.locator('a[data-drill="states"]').first
    link.click()
    expect(leader).to_have_url(re.compile(r"/cases/\?state="))
    assert errors == []
