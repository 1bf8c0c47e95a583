"""适合我们的政策 in real browsers (issue 5 "must show"): the enterprise user opens the page from the
menu on a desktop and from 更多 on a 390 px phone, and sees a policy with its reasons in plain
Chinese — no script or console error, no horizontal scrolling on the phone. Runs against the
seeded demo server (root conftest); one policy that surely fits the demo account's enterprise is
published first through the real import service. The enterprise's liaison then finds it in the
brief on the 360 page on a phone and records 已宣讲 in place. Screenshots go to test-results/.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from conftest import PHONE, DemoServer, SignIn, watch_errors

pytestmark = pytest.mark.browser

CODE = "BT-FOR-US-01"
TITLE = "浏览器测试企业服务奖励"

# Run inside the demo server's data dir: a published policy whose conditions the `ent` account's
# enterprise meets (its own park and head count, and its name), imported through the service.
SETUP = """
import json
from qifu.accounts.models import User
from qifu.policies.services import policy_import
e = User.objects.get(username="ent").enterprise
leaves = [{"field": "name", "op": "eq", "value": e.name}]
if e.park:
    leaves.append({"field": "park", "op": "eq", "value": e.park})
if e.employees is not None:
    leaves.append({"field": "employees", "op": "ge", "value": e.employees})
policy_import(actor=None, replace=True, items=[{
    "code": CODE, "title": TITLE, "category": "industry", "department": "JFJ",
    "valid_from": "2020-01-01", "valid_to": "2099-12-31", "benefit": "一次性奖励20万元",
    "summary": "浏览器测试用政策。", "conditions": {"all": leaves}, "status": "published",
}])
print(json.dumps({"name": e.name, "park": e.park, "uscc": e.uscc}))
"""


def _publish_fitting_policy(server: DemoServer) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QIFU_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="qifu.settings",
        QIFU_DEBUG="1",
        QIFU_HTTPS="0",
        QIFU_DATA_DIR=str(server.data_dir),
        QIFU_LOG_LEVEL="WARNING",
    )
    code = f"CODE = {CODE!r}\nTITLE = {TITLE!r}\n" + SETUP
    result = subprocess.run(
        [sys.executable, "-m", "qifu", "shell", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def _fits(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_an_enterprise_sees_a_fitting_policy_with_its_reasons_on_desktop_and_phone(
    sign_in: SignIn, demo_server: DemoServer, results_dir: Path
) -> None:
    enterprise = _publish_fitting_policy(demo_server)
    errors: list[str] = []

    # desktop: from the side menu
    desk = sign_in("ent")
    watch_errors(desk, errors)
    desk.locator(".qf-sidebar").get_by_role("link", name="适合我们的政策").click()
    expect(desk.get_by_role("heading", name="适合我们的政策")).to_be_visible()
    card = desk.locator("#eligible-policies article", has_text=TITLE)
    expect(card).to_be_visible()
    expect(card).to_contain_text("符合")
    expect(card).to_contain_text("一次性奖励20万元")
    expect(card).to_contain_text("属于政策指定的企业（名单共1家） ✓")  # 一企一策: the list itself stays private
    if enterprise["park"]:
        expect(card).to_contain_text(f"所在园区 {enterprise['park']}，等于 {enterprise['park']} ✓")
    expect(desk.locator("#eligible-policies")).not_to_contain_text("employees")
    desk.screenshot(path=results_dir / "policies-1-for-us-desktop.png", full_page=True)

    # the policy's own page says the same
    card.get_by_role("link", name=TITLE).click()
    expect(desk.locator("#policy-fit")).to_contain_text("贵企业符合本政策的条件")

    # phone: from 更多 in the bottom bar
    phone = sign_in("ent", PHONE)
    watch_errors(phone, errors)
    phone.locator(".qf-bottombar").get_by_role("button", name="更多").click()
    phone.locator("#qf-more").get_by_role("link", name="适合我们的政策").click()
    phone_card = phone.locator("#eligible-policies article", has_text=TITLE)
    expect(phone_card).to_be_visible()
    expect(phone_card).to_contain_text("✓")
    assert _fits(phone)
    phone.screenshot(path=results_dir / "policies-2-for-us-phone.png", full_page=True)

    # the home page's card counts it (loaded after the page)
    phone.goto(f"{demo_server.url}/")
    expect(phone.locator("a#for-us-card")).to_contain_text("适合我们的政策")

    # the enterprise's liaison, on a phone before the visit: the brief on the 360 page, 已宣讲 in place
    liaison = sign_in("liaison", PHONE)
    watch_errors(liaison, errors)
    liaison.goto(f"{demo_server.url}/enterprises/{enterprise['uscc']}/")
    row = liaison.locator("section#policy-brief li", has_text=TITLE)
    expect(row).to_be_visible()
    row.get_by_role("button", name="记录已宣讲").click()
    expect(liaison.locator("section#policy-brief li", has_text=TITLE)).to_contain_text("已于")
    assert _fits(liaison)
    liaison.locator("section#policy-brief").screenshot(path=results_dir / "policies-3-liaison-brief-phone.png")

    assert errors == []
