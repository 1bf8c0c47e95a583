"""Smoke test of the browser harness: a real Chromium opens the login page of a live demo server."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, Response

from conftest import DemoServer

pytestmark = pytest.mark.browser


def test_login_page_opens_in_chinese_with_local_assets(page: Page, demo_server: DemoServer, results_dir: Path) -> None:
    # given
    broken: list[str] = []

    def check(response: Response) -> None:
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            broken.append(f"{response.status} {response.url}")

    page.on("response", check)
    page.on("requestfailed", lambda request: broken.append(f"failed {request.url}"))

    # when
    page.goto(f"{demo_server.url}/accounts/login/", wait_until="networkidle")
    page.screenshot(path=results_dir / "smoke-login.png", full_page=True)

    # then
    assert "企服" in page.title()
    assert page.locator("input[type=password]").count() == 1
    assert broken == []
