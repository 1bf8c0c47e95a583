"""Root conftest: the browser harness only (domain fixtures live in qifu/conftest.py).

Browser tests are marked `browser` (a test that asks for `browser`, `page` or `demo_server` is
marked automatically). They drive Debian's /usr/bin/chromium through Playwright — headless, and
never a browser that Playwright downloads — and they run last, after the rest of the suite.

Whether they run:
- /usr/bin/chromium and Playwright present: they run.
- missing, CI unset: they are skipped, and the run says so in its header and its summary.
- missing, CI=true or --run-browser: they fail, since a CI run must not pass without them.
- --no-browser: they are skipped without looking for a browser.

Tests marked `postgres` are skipped unless the suite runs on PostgreSQL (QIFU_DATABASE_URL).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Response, ViewportSize

CHROMIUM = Path("/usr/bin/chromium")
# The flags the machine's own probe uses: without the background-networking ones Chromium keeps
# trying to reach outside hosts, which a closed intranet refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEMO_PASSWORD = "Bt-Demo!2026-smoke"
SERVER_START_SECONDS = 60
SEED_SECONDS = 900
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1366, "height": 900}

_BROWSER_FIXTURES = {"browser", "page", "demo_server"}
_MODE = pytest.StashKey[str]()  # "run", "skip" or "fail"
_REASON = pytest.StashKey[str]()
_SKIPPED = pytest.StashKey[int]()
_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()  # per test: setup/call/teardown reports


def _ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}


def _browser_missing() -> str | None:
    """Why browser tests cannot run here, or None when they can."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        return f"{CHROMIUM} not found (Debian: apt-get install chromium fonts-noto-cjk)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[dev]')"
    return None


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("qifu browser tests")
    group.addoption(
        "--run-browser",
        action="store_true",
        help="require browser tests: fail them when /usr/bin/chromium or Playwright is missing (default when CI=true)",
    )
    group.addoption("--no-browser", action="store_true", help="skip browser tests without looking for a browser")


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--no-browser"):
        mode, reason = "skip", "--no-browser given"
    else:
        missing = _browser_missing()
        if missing is None:
            mode, reason = "run", f"{CHROMIUM}, headless"
        elif config.getoption("--run-browser") or _ci():
            mode, reason = "fail", missing
        else:
            mode, reason = "skip", missing
    config.stash[_MODE] = mode
    config.stash[_REASON] = reason
    config.stash[_SKIPPED] = 0


def pytest_report_header(config: pytest.Config) -> str:
    mode, reason = config.stash[_MODE], config.stash[_REASON]
    if mode == "run":
        return f"browser tests: run ({reason})"
    if mode == "fail":
        return f"browser tests: REQUIRED but unavailable, they will fail: {reason}"
    return f"browser tests: SKIPPED: {reason}"


def _uses_browser_fixture(item: pytest.Item) -> bool:
    """True when the test gets `browser`, `page` or `demo_server` from this file (a parametrize
    argument or another conftest's fixture of the same name does not count)."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    for name in _BROWSER_FIXTURES:
        definitions = info.name2fixturedefs.get(name, ())
        if definitions and getattr(definitions[-1].func, "__module__", None) == __name__:
            return True
    return False


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    browser_items: list[pytest.Item] = []
    other_items: list[pytest.Item] = []
    for item in items:
        if _uses_browser_fixture(item):
            item.add_marker(pytest.mark.browser)
        (browser_items if item.get_closest_marker("browser") else other_items).append(item)
    mode, reason = config.stash[_MODE], config.stash[_REASON]
    if mode == "skip":
        for item in browser_items:
            item.add_marker(pytest.mark.skip(reason=f"browser test skipped: {reason}"))
        config.stash[_SKIPPED] = len(browser_items)
    # Browser tests last: they start a server and a browser, and a fast failure elsewhere should
    # show first.
    items[:] = other_items + browser_items
    _skip_postgres_only(items)


def _skip_postgres_only(items: list[pytest.Item]) -> None:
    """Tests marked `postgres` run only when QIFU_DATABASE_URL points at PostgreSQL."""
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" in engine:
        return
    skip = pytest.mark.skip(reason=f"needs PostgreSQL (QIFU_DATABASE_URL=postgres://…); this run uses {engine}")
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(skip)


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("browser") and item.config.stash[_MODE] == "fail":
        pytest.fail(f"browser test required (CI=true or --run-browser) but {item.config.stash[_REASON]}", pytrace=False)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    skipped = config.stash[_SKIPPED]
    if skipped:
        terminalreporter.write_sep("=", f"{skipped} BROWSER TEST(S) SKIPPED", yellow=True, bold=True)
        terminalreporter.write_line(f"Reason: {config.stash[_REASON]}.")
        terminalreporter.write_line(
            "Install Debian's chromium to run them; with CI=true (or --run-browser) they fail instead."
        )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


# --- fixtures -------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def results_dir(pytestconfig: pytest.Config) -> Path:
    """test-results/ at the repository root: screenshots and server logs (ignored by git)."""
    path = pytestconfig.rootpath / "test-results"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Debian Chromium for the session (Playwright never downloads a browser here)."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread, so Django would refuse ORM calls
    # made by a browser test (SynchronousOnlyOperation). Allowed while the browser lives only.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as pw:
            chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _new_context(browser: Browser, size: ViewportSize, **options: Any) -> BrowserContext:
    """A browser context as a user in Kunshan sees it (zh-CN, Asia/Shanghai), 15 s to wait for anything;
    `options` go on to `browser.new_context` (geolocation, permissions, …)."""
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=size, **options)
    context.set_default_timeout(15_000)
    return context


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest, results_dir: Path) -> Iterator[Page]:
    """A fresh browser context per test, as a user in Kunshan sees it; a screenshot when it fails."""
    context = _new_context(browser, DESKTOP)
    tab = context.new_page()
    yield tab
    call = request.node.stash.get(_REPORTS, {}).get("call")
    if call is not None and call.failed:
        name = request.node.nodeid.replace("/", "_").replace("::", "__")
        tab.screenshot(path=results_dir / f"FAILED-{name}.png", full_page=True)
    context.close()


@dataclass(frozen=True)
class DemoServer:
    """A live Qifu on 127.0.0.1 with the small seeded zone; every demo account uses `password`."""

    url: str
    password: str
    data_dir: Path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _tail(path: Path, lines: int = 40) -> str:
    text = path.read_text(errors="replace") if path.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


def _qifu(args: list[str], *, env: dict[str, str], log: Path, timeout: float) -> None:
    with log.open("ab") as out:
        out.write(f"\n$ qifu {' '.join(args)}\n".encode())
        out.flush()
        try:
            result = subprocess.run(
                [sys.executable, "-m", "qifu", *args], env=env, stdout=out, stderr=subprocess.STDOUT, timeout=timeout
            )
        except subprocess.TimeoutExpired:
            pytest.fail(f"`qifu {' '.join(args)}` took over {timeout:.0f}s; log:\n{_tail(log)}", pytrace=False)
    if result.returncode != 0:
        pytest.fail(f"`qifu {' '.join(args)}` exited {result.returncode}; log:\n{_tail(log)}", pytrace=False)


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory, results_dir: Path) -> Iterator[DemoServer]:
    """Migrate and seed (`--scale small --seed 1`) a fresh data dir, serve it, yield its URL.

    The server runs the production settings module in debug mode over plain HTTP, on its own
    SQLite file: the suite's QIFU_DATABASE_URL / QIFU_REDIS_URL are not passed on.
    """
    data_dir = tmp_path_factory.mktemp("qifu-demo")
    log = results_dir / "demo-server.log"
    log.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QIFU_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="qifu.settings",
        QIFU_DEBUG="1",
        QIFU_HTTPS="0",
        QIFU_DATA_DIR=str(data_dir),
        QIFU_DEMO_PASSWORD=DEMO_PASSWORD,
        QIFU_LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    _qifu(["migrate", "--noinput", "--verbosity", "0"], env=env, log=log, timeout=300)
    _qifu(["seed", "--scale", "small", "--seed", "1"], env=env, log=log, timeout=SEED_SECONDS)

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with log.open("ab") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "qifu", "runserver", "--noreload", f"127.0.0.1:{port}"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            if server.poll() is not None:
                pytest.fail(f"the demo server exited {server.returncode}; log:\n{_tail(log)}", pytrace=False)
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310 (loopback)
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                waited = f"no answer from {url}/healthz in {SERVER_START_SECONDS}s"
                pytest.fail(f"{waited}; log:\n{_tail(log)}", pytrace=False)
            time.sleep(0.2)
        yield DemoServer(url=url, password=DEMO_PASSWORD, data_dir=data_dir)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        shutil.rmtree(data_dir, ignore_errors=True)


class SignIn(Protocol):
    """The `sign_in` fixture's factory: a page in a browser context of its own (own cookies and
    storage; `page.context` to reach it), signed in to the demo server as `username`."""

    def __call__(self, username: str, size: ViewportSize = ..., **options: Any) -> Page: ...


@pytest.fixture
def sign_in(browser: Browser, demo_server: DemoServer) -> Iterator[SignIn]:
    """`sign_in(username, size=DESKTOP, **options) -> Page`: one person per call, each in a context of
    its own opened with `options` (e.g. geolocation=..., permissions=[...]); all closed at teardown."""
    opened: list[BrowserContext] = []

    def open_as(username: str, size: ViewportSize = DESKTOP, **options: Any) -> Page:
        context = _new_context(browser, size, **options)
        opened.append(context)
        tab = context.new_page()
        tab.goto(f"{demo_server.url}/accounts/login/")
        tab.fill("input[name=username]", username)
        tab.fill("input[type=password]", demo_server.password)
        tab.click("button[type=submit]")
        tab.wait_for_url(f"{demo_server.url}/")
        return tab

    yield open_as
    for context in opened:
        context.close()


def watch_errors(
    page: Page, errors: list[str], *, console: bool = True, expected: Callable[[Response], bool] | None = None
) -> None:
    """Append to `errors` what goes wrong on `page`: script errors, console errors (unless
    `console=False`) and responses with status >= 400, except the favicon and `expected` ones."""

    def on_response(response: Response) -> None:
        if response.status < 400 or "favicon" in response.url or (expected is not None and expected(response)):
            return
        errors.append(f"{response.status} {response.url}")

    page.on("pageerror", lambda exc: errors.append(f"js: {exc}"))
    if console:
        page.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("response", on_response)
