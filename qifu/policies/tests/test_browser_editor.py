"""The condition editor in a real browser: the desk builds a nested condition with the pickers only
(no JSON typed) — a number with its unit, a group of 满足任一 with an industry prefix and a service
list, a ratio typed as a percentage, a 不满足 group over a choice, a between — sees the live count,
saves, and the policy's conditions are exactly the expected formats.md JSON. Desktop (and the saved
policy opened on a 390 px phone without horizontal scrolling), no script or console error, no failed
request. Runs against the seeded demo server (root conftest).
"""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from conftest import PHONE, DemoServer, SignIn, watch_errors

pytestmark = pytest.mark.browser

CODE = "BT-EDITOR-01"
EXPECTED = {
    "all": [
        {"field": "employees", "op": "ge", "value": 100},
        {
            "any": [
                {"field": "industry", "op": "prefix", "value": ["C39", "C40"]},
                {"field": "service_lists", "op": "in", "value": ["key_core"]},
            ]
        },
        {"field": "rd_ratio", "op": "ge", "value": 0.035},
        {"not": {"field": "ownership", "op": "eq", "value": "foreign"}},
        {"field": "registered_capital", "op": "between", "value": [100, 5000]},
    ]
}


def part(page: Page, path: str) -> str:
    return f'[data-qf-path="{path}"]'


def head_button(page: Page, path: str, role: str) -> None:
    page.locator(f'{part(page, path)} > .qf-cond-head [data-qf-role="{role}"]').click()


def leaf(page: Page, path: str, field: str, op: str) -> None:
    box = page.locator(part(page, path))
    box.locator('select[data-qf-role="field"]').select_option(label=field)
    page.locator(part(page, path)).locator('select[data-qf-role="op"]').select_option(label=op)


def test_the_desk_builds_a_nested_condition_with_the_pickers(
    sign_in: SignIn, demo_server: DemoServer, results_dir: Path
) -> None:
    errors: list[str] = []
    desk = sign_in("desk")
    watch_errors(desk, errors)
    desk.goto(f"{demo_server.url}/policies/new/")

    desk.fill("input[name=code]", CODE)
    desk.fill("input[name=title]", "浏览器测试：研发投入奖励")
    desk.select_option("select[name=category]", value="innovation")
    desk.select_option("select[name=department]", value="KJJ")
    desk.fill("input[name=benefit]", "按研发投入给予奖励")

    editor = desk.locator("#qf-cond-editor")
    expect(editor.locator(part(desk, "conditions.all[0]"))).to_be_visible()  # the starting leaf

    # 从业人数 不低于 100 人
    leaf(desk, "conditions.all[0]", "从业人数", "不低于")
    expect(desk.locator(f"{part(desk, 'conditions.all[0]')} .input-group-text")).to_have_text("人")
    desk.locator(f'{part(desk, "conditions.all[0]")} [data-qf-role="value"]').fill("100")

    # 满足任一: 行业代码 开头是 C39, C40 / 服务清单 属于 重点核心企业
    head_button(desk, "conditions", "add-group")
    desk.locator(f'{part(desk, "conditions.all[1]")} > .qf-cond-head select[data-qf-role="group-op"]').select_option(
        label="满足任一"
    )
    leaf(desk, "conditions.all[1].any[0]", "行业代码", "开头是")
    desk.locator(f'{part(desk, "conditions.all[1].any[0]")} [data-qf-role="value"]').fill("C39, C40")
    head_button(desk, "conditions.all[1]", "add-leaf")
    leaf(desk, "conditions.all[1].any[1]", "服务清单", "属于")
    desk.locator(part(desk, "conditions.all[1].any[1]")).get_by_label("重点核心企业").check()

    # 研发投入占营业收入比例 不低于 3.5 % (saved as the fraction 0.035)
    head_button(desk, "conditions", "add-leaf")
    leaf(desk, "conditions.all[2]", "研发投入占营业收入比例", "不低于")
    expect(desk.locator(f"{part(desk, 'conditions.all[2]')} .input-group-text")).to_have_text("%")
    desk.locator(f'{part(desk, "conditions.all[2]")} [data-qf-role="value"]').fill("3.5")

    # 不满足: 资本来源 等于 外资
    head_button(desk, "conditions", "add-group")
    desk.locator(f'{part(desk, "conditions.all[3]")} > .qf-cond-head select[data-qf-role="group-op"]').select_option(
        label="不满足"
    )
    leaf(desk, "conditions.all[3].not", "资本来源", "等于")
    desk.locator(f'{part(desk, "conditions.all[3].not")} select[data-qf-role="value"]').select_option(label="外资")

    # 注册资本 介于 100 至 5000 万元
    head_button(desk, "conditions", "add-leaf")
    leaf(desk, "conditions.all[4]", "注册资本", "介于")
    desk.locator(f'{part(desk, "conditions.all[4]")} [data-qf-role="value-low"]').fill("100")
    desk.locator(f'{part(desk, "conditions.all[4]")} [data-qf-role="value-high"]').fill("5000")

    expect(desk.locator("#policy-preview")).to_contain_text("预览：符合条件的企业")
    # the JSON tab shows the same tree, then back to the form
    desk.locator('[data-qf-cond-tab="json"]').click()
    expect(desk.locator("textarea[name=conditions]")).to_be_visible()
    assert '"rd_ratio"' in desk.locator("textarea[name=conditions]").input_value()
    desk.locator('[data-qf-cond-tab="form"]').click()
    expect(editor.locator(part(desk, "conditions.all[4]"))).to_be_visible()
    desk.screenshot(path=results_dir / "policies-editor-desktop.png", full_page=True)

    desk.locator("#policy-save").click()
    desk.wait_for_url(f"{demo_server.url}/policies/{CODE}/edit/")
    expect(desk.locator(".alert-success")).to_contain_text(CODE)

    exported = desk.request.get(f"{demo_server.url}/policies/{CODE}/export.json").json()
    assert exported[0]["conditions"] == EXPECTED
    assert (exported[0]["department"], exported[0]["status"]) == ("KJJ", "draft")
    # the saved tree opens in the form again, every part in place
    expect(editor.locator(part(desk, "conditions.all[3].not"))).to_be_visible()
    expect(desk.locator(f'{part(desk, "conditions.all[2]")} [data-qf-role="value"]')).to_have_value("3.5")
    expect(desk.locator("#policy-preview-count")).to_be_visible()

    # the issuing department's handler opens it on a phone: the nested editor fits 390 px
    phone = sign_in("kjj_handler", PHONE)
    watch_errors(phone, errors)
    phone.goto(f"{demo_server.url}/policies/{CODE}/edit/")
    expect(phone.locator(part(phone, "conditions.all[1].any[1]"))).to_be_visible()
    # the issuing department sees every enterprise's eligibility, as the desk does: the same count
    expect(phone.locator("#policy-preview-count")).to_have_text(desk.locator("#policy-preview-count").inner_text())
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    phone.screenshot(path=results_dir / "policies-editor-phone.png", full_page=True)
    assert errors == []
