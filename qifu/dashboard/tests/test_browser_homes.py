"""The role homes of issue 6 item 5 in a real browser, against the seeded demo zone: a department
head sees the urgent cases and the rate trend drawn by ECharts from static under the site's CSP
(no console errors); a leader downloads the monthly work report from the home page."""

from io import BytesIO
from pathlib import Path

import pytest
from docx import Document
from playwright.sync_api import expect

from conftest import DemoServer, SignIn, watch_errors

pytestmark = pytest.mark.browser


def test_department_head_sees_urgent_cases_and_the_rate_chart(
    sign_in: SignIn, demo_server: DemoServer, results_dir: Path
) -> None:
    head = sign_in("jfj_head")
    errors: list[str] = []
    watch_errors(head, errors)
    head.goto(f"{demo_server.url}/")
    # the urgent cases with their deadlines, then the rates with the chart drawn
    expect(head.locator("#urgent-cases tbody tr").first).to_be_visible()
    rates = head.locator("#department-rates")
    expect(rates.locator("#rates-table tbody tr")).to_have_count(4)
    expect(rates.locator(".qf-rate-chart svg")).to_be_visible()
    expect(rates.locator("#department-rank")).not_to_be_empty()
    head.screenshot(path=results_dir / "homes-1-department-head.png", full_page=True)
    assert errors == []


def test_leader_downloads_the_monthly_report_from_the_home(
    sign_in: SignIn, demo_server: DemoServer, results_dir: Path
) -> None:
    leader = sign_in("leader")
    errors: list[str] = []
    watch_errors(leader, errors)
    leader.goto(f"{demo_server.url}/")
    link = leader.locator("#monthly-reports a").nth(1)  # last month: a whole month of seeded data
    with leader.expect_download() as info:
        link.click()
    path = info.value.path()
    doc = Document(BytesIO(Path(path).read_bytes()))
    headings = [p.text for p in doc.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert headings[0] == "一、总体情况" and headings[-1] == "七、下月工作建议" and len(headings) == 7
    assert "本月共收到企业诉求" in "\n".join(p.text for p in doc.paragraphs)
    assert errors == []
