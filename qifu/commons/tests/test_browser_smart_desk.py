"""Issue 7 in real browsers: what the pages do while people type and click (HTMX and the small
scripts), one context per person, against the seeded demo server (root conftest).

The enterprise files a request; filing a second one that says nearly the same, it sees the first
before submitting (duplicates) and the public answers that fit (knowledge). The desk sees the
triage hint on the dispatch form and 采用建议 fills the lead department and the category; the desk
merges the duplicate into the first case. The lead department's handler gets the fitting answers
on the resolve form and 使用此答复 puts one into the answer. The header's search finds the case.
Screenshots go to test-results/.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from conftest import DemoServer, SignIn, watch_errors

pytestmark = pytest.mark.browser

TITLE = "新厂房用电增容申请（智能分办浏览器测试）"
TEXT = "我司新厂房下月投产，需要用电增容到2000千伏安，请协调供电公司尽快勘察并出具供电方案。"
AGAIN = "新厂房投产需要用电增容到2000千伏安，请协调供电公司尽快勘察出具供电方案。"


def test_duplicates_knowledge_triage_and_search_on_the_pages(
    sign_in: SignIn, demo_server: DemoServer, results_dir: Path
) -> None:
    errors: list[str] = []
    ent = sign_in("ent")
    desk = sign_in("desk")
    handler = sign_in("jfj_handler")
    for page in (ent, desk, handler):
        watch_errors(page, errors)

    # the enterprise files a first request
    ent.goto(f"{demo_server.url}/cases/new/")
    ent.fill("#id_title", TITLE)
    ent.fill("#id_text", TEXT)
    # while it types, the public answers that fit appear (debounced HTMX)
    expect(ent.locator("#kb-filing")).to_contain_text("这些答复可能已经解决您的问题", timeout=8_000)
    expect(ent.locator("#kb-filing")).to_contain_text("企业用电增容怎么办理")
    ent.get_by_role("button", name="提交诉求").click()
    ent.wait_for_url(re.compile(r"/cases/\d+/$"))
    first_url = ent.url
    first_number = ent.locator("#case-head .qf-mono").inner_text()

    # filing again nearly the same, it is shown the open one before submitting
    ent.goto(f"{demo_server.url}/cases/new/")
    ent.fill("#id_title", "用电增容")
    ent.fill("#id_text", AGAIN)
    ent.locator("#id_text").blur()
    similar = ent.locator("#similar-cases")
    expect(similar).to_be_visible(timeout=8_000)
    expect(similar).to_contain_text(first_number)
    ent.screenshot(path=results_dir / "smart-1-filing-duplicate-and-answers.png", full_page=True)
    ent.get_by_role("button", name="提交诉求").click()  # the enterprise files it anyway
    ent.wait_for_url(re.compile(r"/cases/\d+/$"))
    second_url = ent.url
    second_number = ent.locator("#case-head .qf-mono").inner_text()
    assert second_number != first_number

    # the desk accepts the first; the dispatch form carries the triage hint
    desk.goto(first_url)
    desk.locator("button[data-action=accept]").click()
    desk.wait_for_url(re.compile(r"/cases/\d+/"))
    hint = desk.locator("#triage-hint")
    expect(hint).to_be_visible(timeout=8_000)
    expect(hint).to_contain_text("智能分办建议")
    suggested_lead = hint.locator("[data-qf-triage-use]").get_attribute("data-lead")
    suggested_category = hint.locator("[data-qf-triage-use]").get_attribute("data-category")
    assert suggested_category == "utilities", suggested_category
    hint.get_by_role("button", name="采用建议").click()
    expect(desk.locator("#f-lead")).to_have_value(suggested_lead or "")
    expect(desk.locator("#f-category")).to_have_value("utilities")
    expect(hint.locator("[data-qf-triage-use]")).to_have_text("已填入，请核对")
    desk.screenshot(path=results_dir / "smart-2-dispatch-hint.png", full_page=True)
    desk.select_option("#f-lead", "JFJ")  # the desk decides: here the bureau the test's handler belongs to
    desk.get_by_role("button", name="确认分办").click()
    desk.wait_for_url(re.compile(r"/cases/\d+/"))
    expect(desk.locator("#case-state")).to_have_text("待签收")

    # the header's search finds both requests by a word of their text
    box = desk.locator("form.qf-search-box input[name=q]")
    box.fill("增容 千伏安")
    box.press("Enter")
    desk.wait_for_url(re.compile(r"/search/\?"))
    expect(desk.locator("main")).to_contain_text(first_number)
    expect(desk.locator("main")).to_contain_text(second_number)
    expect(desk.locator("main mark").first).to_be_visible()
    desk.screenshot(path=results_dir / "smart-3-search.png", full_page=True)

    # the desk merges the duplicate into the first; the enterprise's page of it says where it went
    desk.goto(second_url)
    desk.locator("#case-merge summary").click()
    desk.fill("#merge-into", first_number)
    desk.fill("#merge-note", "与前一诉求内容相同，合并办理。")
    desk.locator("#case-merge").get_by_role("button", name="合并").click()
    desk.wait_for_url(re.compile(r"/cases/\d+/"))
    ent.goto(second_url)
    expect(ent.locator("#case-merged-into")).to_contain_text(first_number)
    ent.screenshot(path=results_dir / "smart-4-merged-enterprise.png", full_page=True)

    # the handler signs it; the resolve form offers the fitting answer, 使用此答复 inserts it
    handler.goto(first_url)
    handler.locator("button[data-action=sign]").click()
    handler.wait_for_url(re.compile(r"/cases/\d+/"))
    handler.locator("summary[data-action=resolve]").click()
    suggestions = handler.locator("#kb-suggest-f-resolve")
    expect(suggestions).to_contain_text("参考答复口径", timeout=8_000)
    entry = suggestions.locator("[data-kb-entry]", has_text="企业用电增容怎么办理")
    expect(entry).to_be_visible()
    entry.get_by_role("button", name="使用此答复").click()
    expect(handler.locator("#f-resolve")).to_have_value(re.compile("网上国网"))
    handler.screenshot(path=results_dir / "smart-5-resolve-with-answer.png", full_page=True)

    assert errors == [], errors
