"""A visit in real browsers, one context per person (issue 4 "Must show"):

the liaison, on a phone (390×844) at the enterprise, opens the month's plan, taps 记录走访, checks
in with the browser's location, notes what was learnt, raises one problem and adds a photo; the
draft survives a reload and a dropped connection. The problem becomes a case in the desk's intake
queue; the enterprise, on its phone, finds the visit and rates it 帮上了. Runs against the seeded
demo server (root conftest: `demo_server`, `browser`); screenshots go to test-results/.
"""

import io
import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import FilePayload, Geolocation, Page, Response, expect

from conftest import PHONE, DemoServer, SignIn, watch_errors

pytestmark = pytest.mark.browser

SITE: Geolocation = {"latitude": 31.385, "longitude": 120.98, "accuracy": 20}
PROBLEM = "厂区污水管网接入（浏览器测试）"


def _refused_draft(response: Response) -> bool:
    """The visit form answers 422 when a submission is refused: expected, not an error."""
    return response.status == 422 and "/visits/new/" in response.url


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (2400, 1800), (40, 120, 80)).save(out, format="JPEG")
    return out.getvalue()


def _no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_liaison_logs_a_visit_on_a_phone_the_desk_gets_the_case_the_enterprise_rates_it(
    sign_in: SignIn, demo_server: DemoServer, results_dir: Path
) -> None:
    errors: list[str] = []
    # every context is at the enterprise's site, with the location granted (the liaison checks in)
    ent = sign_in("ent", PHONE, geolocation=SITE, permissions=["geolocation"])
    liaison = sign_in("liaison", PHONE, geolocation=SITE, permissions=["geolocation"])
    desk = sign_in("desk", geolocation=SITE, permissions=["geolocation"])
    for page in (ent, liaison, desk):
        # no console errors here: the offline submission and a refused draft log them on purpose
        watch_errors(page, errors, console=False, expected=_refused_draft)
    ent.goto(f"{demo_server.url}/visits/preferences/")
    name = ent.locator("#pref-enterprise").inner_text().strip()
    assert name

    # given the liaison's plan for the month, from 走访 in the bottom bar
    liaison.locator(".qf-bottombar").get_by_role("link", name="走访").click()
    expect(liaison.get_by_role("heading", name="走访计划")).to_be_visible()
    expect(liaison.locator("#h-coverage")).to_be_visible()
    _no_sideways_scroll(liaison)
    liaison.screenshot(path=results_dir / "visit-1-plan-390.png", full_page=True)
    row = liaison.locator("#plan-table tbody tr", has=liaison.get_by_role("link", name=name, exact=True))
    row.get_by_role("link", name="记录走访").click()
    expect(liaison.get_by_role("heading", name="记录走访")).to_be_visible()
    expect(liaison.locator("#budget")).to_contain_text("本月已接触")
    form = liaison.locator("form[data-qf-visit-form]")

    # when they type, the draft is kept on the phone: a reload brings it back
    liaison.fill("#id_production", "两条产线满负荷，订单排到明年二月")
    # the draft is written after a pause in typing: wait until it is stored, not a fixed time
    liaison.wait_for_function(
        "() => { const f = document.querySelector('form[data-qf-visit-form]');"
        " const d = f && localStorage.getItem(f.dataset.qfDraftKey);"
        " return !!d && d.includes('两条产线满负荷'); }",
        timeout=10_000,
    )
    liaison.reload()
    expect(liaison.locator("[data-qf-draft-note]")).to_be_visible()
    expect(liaison.locator("#id_production")).to_have_value("两条产线满负荷，订单排到明年二月")

    # and they check in, note the rest, raise one problem and add a photo
    if liaison.locator("#quiet").count():  # a quiet period: only a visit the enterprise asked for
        liaison.locator("#id_requested").check()
    liaison.get_by_role("button", name="签到定位").click()
    expect(liaison.locator("[data-qf-checkin-status]")).to_contain_text("已签到")
    liaison.select_option("#id_kind", "routine")
    liaison.fill("#id_staffing", "招工缺口约40人，主要是数控技工")
    liaison.fill("#id_notes", "与总经理座谈，参观新产线")
    liaison.get_by_role("button", name="添加问题").click()
    problem = liaison.locator("[data-qf-problem]").last
    problem.locator("input[name=problem_title]").fill(PROBLEM)
    problem.locator("textarea[name=problem_text]").fill(
        "新建厂房的污水需接入市政管网，请协调排水部门尽快办理接入手续。"
    )
    problem.locator("select[name=problem_urgency]").select_option("urgent")
    photo: FilePayload = {"name": "site.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()}
    liaison.set_input_files("#id_photos", files=[photo])
    if liaison.locator("#id_reason").count():  # the month's budget is used up: a reason is required
        liaison.fill("#id_reason", "企业反映的排水问题需现场核实")
    _no_sideways_scroll(liaison)
    liaison.screenshot(path=results_dir / "visit-2-form-390.png", full_page=True)

    # a dropped connection: a clear message, nothing sent, the draft kept
    liaison.context.set_offline(True)
    form.locator("button[type=submit]").click()
    expect(liaison.locator("[data-qf-offline]")).to_be_visible()
    assert "/visits/new/" in liaison.url
    draft = liaison.evaluate("Object.keys(localStorage).filter(k => k.startsWith('qf-visit-draft:')).length")
    assert draft == 1
    liaison.screenshot(path=results_dir / "visit-3-offline-390.png", full_page=True)
    liaison.context.set_offline(False)
    expect(liaison.locator("[data-qf-offline]")).to_be_hidden()

    # then, back online, the visit is saved and its page shows the case and the photo
    form.locator("button[type=submit]").click()
    liaison.wait_for_url(re.compile(r"/visits/\d+/\?saved=1$"))
    visit_url = liaison.url.split("?")[0]
    cases = liaison.locator("#visit-cases")
    expect(cases).to_contain_text(PROBLEM)
    number = cases.locator(".qf-mono").first.inner_text().strip()
    expect(liaison.locator("#h-photos")).to_be_visible()
    liaison.locator(".qf-photos img").scroll_into_view_if_needed()
    liaison.wait_for_function("document.querySelector('.qf-photos img').naturalWidth > 0")
    assert liaison.locator(".qf-photos img").evaluate("img => img.naturalWidth") == 1600  # resized
    assert liaison.evaluate("Object.keys(localStorage).filter(k => k.startsWith('qf-visit-draft:')).length") == 0
    _no_sideways_scroll(liaison)
    liaison.screenshot(path=results_dir / "visit-4-saved-390.png", full_page=True)

    # and the case waits at the end of the desk's intake queue (oldest first; a page number past the
    # end opens the last page)
    desk.goto(f"{demo_server.url}/cases/intake/?page=999")
    expect(desk.locator("#intake-table")).to_contain_text(number)
    expect(desk.locator("#intake-table")).to_contain_text(PROBLEM)
    desk.screenshot(path=results_dir / "visit-5-intake-desk.png", full_page=False)
    # and the month's coverage draws its chart (ECharts from static, under the site's CSP)
    desk.goto(f"{demo_server.url}/visits/coverage/")
    expect(desk.locator(".qf-chart svg")).to_be_visible()
    expect(desk.locator("#by-liaison")).to_contain_text("%")
    desk.screenshot(path=results_dir / "visit-5b-coverage-desk.png", full_page=True)
    desk.goto(f"{demo_server.url}/visits/contacts/")
    expect(desk.locator("#most-contacted")).to_contain_text(name)

    # when the enterprise opens its visits on its phone and rates this one 帮上了
    ent.goto(f"{demo_server.url}/")
    ent.locator(".qf-bottombar").get_by_role("button", name="更多").click()  # 走访 is in the whole menu
    ent.locator("#qf-more").get_by_role("link", name="走访").click()
    expect(ent.get_by_role("heading", name="走访记录")).to_be_visible()
    ent.locator(f"a[href='{visit_url.replace(demo_server.url, '')}#visit-feedback']").click()
    ent.wait_for_url(re.compile(r"/visits/\d+/"))
    expect(ent.locator("#visit-cases")).to_contain_text(PROBLEM)
    _no_sideways_scroll(ent)
    ent.locator("label[for=fb-helped]").click()
    ent.fill("#id_comment", "问题当场记下，效率很高")
    ent.screenshot(path=results_dir / "visit-6-rate-390.png", full_page=True)
    ent.get_by_role("button", name="提交评价").click()
    ent.wait_for_url(re.compile(r"/visits/\d+/$"))
    # then the rating shows, once
    expect(ent.locator("#feedback-value")).to_have_text("帮上了")
    assert ent.get_by_role("button", name="提交评价").count() == 0
    ent.screenshot(path=results_dir / "visit-7-rated-390.png", full_page=True)
    # and the liaison sees it on the visit page
    liaison.goto(visit_url)
    expect(liaison.locator("#feedback-value")).to_have_text("帮上了")
    assert errors == [], errors
