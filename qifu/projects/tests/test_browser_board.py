"""The project progress board in a real browser (issue 6 item 4): both ECharts charts draw under the
site's CSP without console errors, a status filter swaps the board (and its charts) by HTMX, a row
leads to the project page, whose investment chart draws too."""

import re

import pytest
from playwright.sync_api import expect

from conftest import DemoServer, SignIn, watch_errors

pytestmark = pytest.mark.browser


def test_leader_reads_the_board_and_filters_it(sign_in: SignIn, demo_server: DemoServer, results_dir) -> None:
    leader = sign_in("leader")
    errors: list[str] = []
    watch_errors(leader, errors, expected=lambda r: False)
    # when the leader opens the board
    leader.goto(f"{demo_server.url}/projects/board/")
    # then both charts draw, and the table lists the seeded projects
    expect(leader.locator('[data-qf-project-chart="board-status"] svg')).to_be_visible()
    expect(leader.locator('[data-qf-project-chart="board-investment"] svg')).to_be_visible()
    rows = leader.locator("#project-table tbody tr")
    expect(rows.first).to_be_visible()
    leader.screenshot(path=results_dir / "projects-1-board.png", full_page=True)
    # when only the projects on schedule are asked for
    leader.select_option("#b-status", "on_schedule")
    expect(leader).to_have_url(re.compile(r"status=on_schedule"))
    expect(leader.locator('#project-table tbody tr:not([data-status="on_schedule"])')).to_have_count(0)
    expect(rows.first).to_be_visible()
    expect(leader.locator('[data-qf-project-chart="board-status"] svg')).to_be_visible()  # redrawn after the swap
    assert "status=on_schedule" in (leader.locator("#board-export").get_attribute("href") or "")
    # when a project that reports its monthly investment is opened
    leader.goto(f"{demo_server.url}/projects/board/")
    rows.filter(has_not_text="未填报").first.locator("a").first.click()
    expect(leader).to_have_url(re.compile(r"/projects/[^/]+/$"))
    # then its status, its investment chart against the plan and its milestone timeline show
    expect(leader.locator("#project-board-status")).to_be_visible()
    expect(leader.locator('[data-qf-project-chart="project-investment"] svg')).to_be_visible()
    expect(leader.locator("ol.qf-timeline li").first).to_be_visible()
    leader.screenshot(path=results_dir / "projects-2-project.png", full_page=True)
    assert errors == []
