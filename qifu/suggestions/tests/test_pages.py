"""The suggestion pages: 提建议 (errors beside the field, nothing written), 我的建议 with the answer,
the desk queue's one-row assign, the department's answer, the leaders' page (chart data, counts by
topic and month, filters, pagination) and query counts that do not grow with the rows."""

import json
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from qifu.access.actor import Actor
from qifu.audit.models import AuditEntry
from qifu.suggestions.models import Suggestion
from qifu.suggestions.selectors import SuggestionFilters, suggestion_overview
from qifu.suggestions.services import suggestion_answer, suggestion_assign, suggestion_submit
from qifu.suggestions.tests.conftest import actor, given, submit

BJ = ZoneInfo("Asia/Shanghai")


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def html(response) -> str:
    return str(response.content.decode())


# --- 提建议 / 我的建议 --------------------------------------------------------------------------


def test_an_enterprise_submits_from_the_page_and_finds_it_in_its_list(cast) -> None:
    client = login(cast.ent_a)
    page = html(client.get("/suggestions/new/"))
    assert 'name="enterprise"' not in page  # an enterprise files for itself
    response = client.post("/suggestions/new/", {"text": "建议增加园区停车位", "topic": "infrastructure", "title": ""})
    assert response.status_code == 302 and response["Location"] == "/suggestions/mine/"
    s = Suggestion.objects.get()
    assert (s.enterprise_id, s.topic and s.topic.code) == (cast.a.pk, "infrastructure")
    mine = html(client.get("/suggestions/mine/"))
    assert "建议增加园区停车位" in mine and "服务专班正在分办" in mine


def test_a_bad_submission_shows_the_message_beside_the_field_and_writes_nothing(cast) -> None:
    client = login(cast.ent_a)  # (signing in is audited too)
    audits = AuditEntry.objects.count()
    response = client.post("/suggestions/new/", {"text": "", "topic": ""})
    assert response.status_code == 200
    assert re.search(r"请填写建议内容", html(response))
    assert Suggestion.objects.count() == 0 and AuditEntry.objects.count() == audits
    response = client.post("/suggestions/new/", {"text": "长" * 5001})
    assert "不能超过5000个字" in html(response) and Suggestion.objects.count() == 0


def test_a_liaison_names_an_enterprise_by_name(cast) -> None:
    response = login(cast.liaison_a).post("/suggestions/new/", {"enterprise": cast.a.name, "text": "企业建议"})
    assert response.status_code == 302
    assert Suggestion.objects.get().enterprise_id == cast.a.pk
    outside = login(cast.liaison_a).post("/suggestions/new/", {"enterprise": cast.b.name, "text": "企业建议"})
    assert "没有找到这家企业" in html(outside) and Suggestion.objects.count() == 1


def test_my_suggestions_show_the_answer(cast) -> None:
    given(cast, "answered", department="JFJ")
    page = html(login(cast.ent_a).get("/suggestions/mine/"))
    assert "已与公交公司协调，下月开通园区专线。" in page and "经济发展局于" in page


# --- the desk and the department -------------------------------------------------------------


def test_the_desk_assigns_from_its_queue(cast) -> None:
    s = submit(cast)
    client = login(cast.desk)
    queue = html(client.get("/suggestions/desk/"))
    assert f'action="/suggestions/{s.pk}/assign/"' in queue
    response = client.post(f"/suggestions/{s.pk}/assign/", {"topic": "talent", "department": "KJJ", "next": "desk"})
    assert response.status_code == 302 and response["Location"] == "/suggestions/desk/"
    s.refresh_from_db()
    assert s.state == "assigned" and s.department is not None and s.department.code == "KJJ"
    assert f'action="/suggestions/{s.pk}/assign/"' not in html(client.get("/suggestions/desk/"))
    assert f'action="/suggestions/{s.pk}/assign/"' in html(client.get("/suggestions/desk/?tab=assigned"))


def test_a_refused_assignment_shows_its_message_and_changes_nothing(cast) -> None:
    s = submit(cast)
    response = login(cast.desk).post(f"/suggestions/{s.pk}/assign/", {"topic": "", "department": "JFJ"})
    assert response.status_code == 422 and "请选择建议类别" in html(response)
    s.refresh_from_db()
    assert s.state == "submitted" and s.department_id is None


def test_assign_is_404_for_everyone_but_the_desk(cast) -> None:
    s = submit(cast)
    assert login(cast.ent_a).post(f"/suggestions/{s.pk}/assign/", {"department": "JFJ"}).status_code == 404
    assert Suggestion.objects.get(pk=s.pk).state == "submitted"


def test_the_department_answers_on_the_suggestion_page(cast) -> None:
    s = given(cast, "assigned", department="JFJ")
    client = login(cast.jfj_handler)
    assert s.title in html(client.get("/suggestions/department/"))
    page = html(client.get(f"/suggestions/{s.pk}/"))
    assert f'action="/suggestions/{s.pk}/answer/"' in page and f'action="/suggestions/{s.pk}/assign/"' not in page
    empty = client.post(f"/suggestions/{s.pk}/answer/", {"answer": ""})
    assert empty.status_code == 422 and "请填写答复内容" in html(empty)
    done = client.post(f"/suggestions/{s.pk}/answer/", {"answer": "已研究采纳"})
    assert done.status_code == 302
    s.refresh_from_db()
    assert (s.state, s.answer) == ("answered", "已研究采纳")
    assert s.title in html(client.get("/suggestions/department/?tab=answered"))
    again = client.post(f"/suggestions/{s.pk}/answer/", {"answer": "再答一次"})
    assert again.status_code == 409 and "已答复" in html(again)


def test_another_department_gets_404_on_the_page_and_the_post(cast) -> None:
    s = given(cast, "assigned", department="JFJ")
    client = login(cast.kjj_handler)
    assert client.get(f"/suggestions/{s.pk}/").status_code == 404
    assert client.post(f"/suggestions/{s.pk}/answer/", {"answer": "越权"}).status_code == 404
    assert Suggestion.objects.get(pk=s.pk).state == "assigned"


def test_the_author_closes_after_reading(cast) -> None:
    s = given(cast, "answered")
    client = login(cast.ent_a)
    assert f'action="/suggestions/{s.pk}/close/"' in html(client.get(f"/suggestions/{s.pk}/"))
    assert client.post(f"/suggestions/{s.pk}/close/").status_code == 302
    assert Suggestion.objects.get(pk=s.pk).state == "closed"


# --- the leaders' page -------------------------------------------------------------------------


def _at(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, 10, tzinfo=BJ)


@pytest.fixture
def history(cast) -> dict[str, int]:
    """Suggestions over three months: Sep 2 (infrastructure, 1 answered), Oct 3 (2 finance, 1 untagged), Nov 1."""
    desk, jfj = actor(cast, "desk"), actor(cast, "jfj_handler")

    def filed(when: datetime, topic: str | None, answered: bool = False) -> None:
        s = suggestion_submit(actor=actor(cast, "ent_a"), text=f"建议{when:%m%d}", topic=topic, now=when)
        if answered:
            suggestion_assign(actor=desk, suggestion=s, department="JFJ")
            suggestion_answer(actor=jfj, suggestion=s, answer="已答复")

    filed(_at(2026, 9, 3), "infrastructure", answered=True)
    filed(_at(2026, 9, 20), "infrastructure")
    filed(_at(2026, 10, 8), "finance", answered=True)
    filed(_at(2026, 10, 9), "finance")
    filed(_at(2026, 10, 30), None)
    filed(_at(2026, 11, 2), "talent")
    return {}


def test_the_overview_counts_by_topic_and_month(cast, history) -> None:
    with time_machine.travel(_at(2026, 11, 20), tick=False):
        ov = suggestion_overview(actor=Actor.of(cast.leader), filters=SuggestionFilters(), window=3)
    assert ov.months == [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)]
    series = {code: data for code, _name, data in ov.series}
    assert series == {"infrastructure": [2, 0, 0], "finance": [0, 2, 0], "talent": [0, 0, 1], "": [0, 1, 0]}
    rows = {(r.code, r.total, r.answered, r.rate) for r in ov.by_topic}
    assert rows == {("infrastructure", 2, 1, 50), ("finance", 2, 1, 50), ("talent", 1, 0, 0), ("", 1, 0, 0)}
    assert (ov.total, ov.answered) == (6, 2)


def test_the_overview_follows_the_filters(cast, history) -> None:
    october = SuggestionFilters(month=date(2026, 10, 1))
    ov = suggestion_overview(actor=Actor.of(cast.desk), filters=october, window=2)
    assert ov.months == [date(2026, 9, 1), date(2026, 10, 1)]  # the window ends at the filtered month
    assert {(r.code, r.total) for r in ov.by_topic} == {("finance", 2), ("", 1)}  # the table: October only
    answered = SuggestionFilters(state=("answered",), topic="finance")
    with time_machine.travel(_at(2026, 11, 20), tick=False):  # no month: the window ends this month
        ov = suggestion_overview(actor=Actor.of(cast.desk), filters=answered, window=2)
    assert [(r.code, r.total) for r in ov.by_topic] == [("finance", 1)]
    assert suggestion_overview(actor=Actor.of(cast.jfj_head), filters=SuggestionFilters()).total == 0  # not theirs


def test_the_leaders_page_shows_the_chart_first_then_the_tables(cast, history) -> None:
    with time_machine.travel(_at(2026, 11, 20), tick=False):
        page = html(login(cast.leader).get("/suggestions/stats/?month=2026-10"))
    chart = page.index('id="suggestion-chart"')
    assert chart < page.index('id="by-topic"') < page.index('id="suggestion-table"')
    found = re.search(r'<script id="suggestion-chart-data" type="application/json">(.*?)</script>', page, re.S)
    assert found is not None
    data = json.loads(found.group(1))
    assert data["months"][-1] == "2026-10" and len(data["months"]) == 12
    assert {s["code"]: s["data"][-2:] for s in data["series"]} == {
        "infrastructure": [2, 0],
        "finance": [0, 2],
        "": [0, 1],
    }
    assert re.search(r"共 <strong>3</strong> 条建议", page)  # the list: October's three
    assert "/static/vendor/echarts/echarts.min.js" in page and "cdn" not in page.lower()


def test_the_leaders_page_filters_by_state_and_topic(cast, history) -> None:
    client = login(cast.leader)
    page = html(client.get("/suggestions/stats/?state=answered"))
    assert re.search(r"共 <strong>2</strong> 条建议", page)
    page = html(client.get("/suggestions/stats/?topic=none"))
    assert re.search(r"共 <strong>1</strong> 条建议", page)
    assert client.get("/suggestions/stats/?month=garbage&state=nope").status_code == 200  # bad values ignored


def test_the_leaders_page_is_paginated(cast) -> None:
    for n in range(25):
        submit(cast, text=f"建议第{n}条")
    client = login(cast.leader)
    first, second = html(client.get("/suggestions/stats/")), html(client.get("/suggestions/stats/?page=2"))
    assert (
        first.count('class="stretched-link fw-medium"') == 20 and second.count('class="stretched-link fw-medium"') == 5
    )
    partial = client.get("/suggestions/stats/?page=2", headers={"HX-Request": "true"})
    assert 'id="suggestion-table"' in html(partial) and 'id="suggestion-chart"' not in html(partial)


# --- query counts ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("ent_a", "/suggestions/mine/"),
        ("desk", "/suggestions/desk/"),
        ("desk", "/suggestions/desk/?tab=assigned"),
        ("jfj_handler", "/suggestions/department/"),
        ("leader", "/suggestions/stats/"),
    ],
)
def test_lists_cost_the_same_queries_for_2_or_12_rows(cast, who, url) -> None:
    def cost(n: int) -> int:
        Suggestion.objects.all().delete()
        for k in range(n):
            given(cast, ("submitted", "assigned")[k % 2], text=f"建议{k}", topic=("finance", "talent")[k % 2])
        client = login(getattr(cast, who))
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few, many = cost(2), cost(12)
    assert few == many, (who, url)
    assert many <= 14
