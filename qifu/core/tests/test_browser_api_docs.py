"""The interactive API docs in a real Chromium, under the site's CSP (script-src 'self')."""

from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Page, Response

from conftest import DemoServer

pytestmark = pytest.mark.browser


def test_swagger_ui_runs_under_our_csp(page: Page, demo_server: DemoServer, results_dir: Path) -> None:
    # given a signed-in user, and ears for CSP violations and failed assets
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.text.startswith("Failed to load resource"):
            return  # reported with its URL by on_response
        if message.type == "error" or "Content Security Policy" in message.text:
            problems.append(f"console: {message.text}")

    def on_response(response: Response) -> None:
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            problems.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.goto(f"{demo_server.url}/api/v1/docs", wait_until="networkidle")
    assert "/accounts/login/" in page.url  # IP-5: the docs need a session
    page.fill("input[name=username]", "desk")
    page.fill("input[name=password]", demo_server.password)
    page.locator("form [type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    if "/api/v1/docs" not in page.url:
        page.goto(f"{demo_server.url}/api/v1/docs", wait_until="networkidle")

    # when Swagger UI has rendered the OpenAPI document
    page.locator(".swagger-ui .info .title").wait_for()
    page.screenshot(path=results_dir / "api-docs.png", full_page=True)

    # then it shows our operations, and nothing was blocked or broken on the way
    assert "Qifu API" in page.locator(".swagger-ui .info .title").inner_text()
    assert page.locator(".opblock-tag", has_text="enterprises").count() >= 1
    assert page.locator(".opblock-summary-path", has_text="/api/v1/enterprises/{uscc}").count() >= 1
    assert problems == []
