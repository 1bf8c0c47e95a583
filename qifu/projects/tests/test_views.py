"""Project pages: list with filters in the URL (HTMX table), project page with its milestone timeline."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qifu.projects.services import ProjectData, milestone_set, project_create


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def _html(response) -> str:
    return str(response.content.decode())


def _codes(html: str, *codes: str) -> set[str]:
    return {code for code in codes if reverse("projects:detail", args=[code]) in html}


def _more_projects(cast, n: int, *, start: int = 100, major: bool = False, park: str = "光电产业园"):
    desk = cast.actor(cast.desk)
    made = []
    for i in range(n):
        p = project_create(
            actor=desk,
            enterprise=cast.a,
            data=ProjectData(
                code=f"XM-2026-{start + i:03d}",
                name=f"甲电子{start + i}号项目",
                total_investment=Decimal("1000"),
                major=major,
                park=park,
                status="construction",
            ),
        )
        milestone_set(actor=desk, project=p, kind="signing", planned_on=date(2026, 1, 1), actual_on=date(2026, 1, 1))
        made.append(p)
    return made


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("desk", {"XM-2026-001", "XM-2026-002"}),
        ("leader", {"XM-2026-001", "XM-2026-002"}),
        ("liaison_a", {"XM-2026-001"}),
        ("liaison_b", {"XM-2026-002"}),
        ("ent_b", {"XM-2026-002"}),
        ("deputy", set()),
        ("sysadmin", set()),
    ],
)
def test_list_shows_exactly_the_scope_case(cast, client, who, expected):
    client.force_login(getattr(cast, who))
    html = _html(client.get(reverse("projects:list")))
    assert _codes(html, "XM-2026-001", "XM-2026-002") == expected


@time_machine.travel(date(2026, 4, 1), tick=False)
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, {"XM-2026-001", "XM-2026-002", "XM-2026-100"}),
        ({"delayed": "1"}, {"XM-2026-001"}),
        ({"delayed": "0"}, {"XM-2026-002", "XM-2026-100"}),
        ({"major": "1"}, {"XM-2026-100"}),
        ({"park": "光电产业园"}, {"XM-2026-100"}),
        ({"status": "construction"}, {"XM-2026-100"}),
        ({"status": "planned", "delayed": "1"}, {"XM-2026-001"}),
        ({"q": "乙精密"}, {"XM-2026-002"}),
        ({"status": "nonsense"}, {"XM-2026-001", "XM-2026-002", "XM-2026-100"}),
    ],
    ids=str,
)
def test_list_filters_case(cast, client, query, expected):
    # given a major project in 光电产业园, on schedule; project A's start (2026-03-01) is overdue
    _more_projects(cast, 1, major=True)
    client.force_login(cast.desk)
    # when
    html = _html(client.get(reverse("projects:list"), query))
    # then
    assert _codes(html, "XM-2026-001", "XM-2026-002", "XM-2026-100") == expected


@time_machine.travel(date(2026, 4, 1), tick=False)
def test_list_marks_delayed_and_major_projects(cast, client):
    _more_projects(cast, 1, major=True)
    client.force_login(cast.leader)
    html = _html(client.get(reverse("projects:list")))
    assert html.count("qf-badge-delayed") == 1
    assert "重大" in html
    assert "50,000 万元" in html


def test_list_answers_htmx_with_the_table_fragment_only(cast, client):
    client.force_login(cast.desk)
    response = client.get(reverse("projects:list"), {"q": "甲电子"}, headers={"HX-Request": "true"})
    html = _html(response)
    assert html.lstrip().startswith('<div id="project-table"')
    assert "<html" not in html and "乙精密扩产" not in html and "甲电子新厂房" in html
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "fragment"])
def test_list_query_count_is_constant_case(cast, client, htmx):
    client.force_login(cast.desk)
    headers = {"HX-Request": "true"} if htmx else {}
    url = reverse("projects:list")
    client.get(url, headers=headers)
    with CaptureQueriesContext(connection) as few:
        client.get(url, headers=headers)
    _more_projects(cast, 30)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url, headers=headers).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert len(many) <= 5


@pytest.mark.parametrize(
    ("who", "code", "status"),
    [
        ("desk", "XM-2026-002", 200),
        ("leader", "XM-2026-001", 200),
        ("liaison_a", "XM-2026-001", 200),
        ("liaison_a", "XM-2026-002", 404),
        ("ent_a", "XM-2026-001", 200),
        ("ent_a", "XM-2026-002", 404),
        ("ent_b", "XM-2026-001", 404),
        ("kjj_handler", "XM-2026-001", 200),
        ("jfj_handler", "XM-2026-001", 404),
        ("auditor", "XM-2026-001", 404),
        ("desk", "XM-NOPE", 404),
    ],
)
def test_detail_is_404_outside_the_scope_case(cast, client, who, code, status):
    client.force_login(getattr(cast, who))
    response = client.get(reverse("projects:detail", args=[code]))
    assert response.status_code == status
    if status == 404:
        assert "甲电子新厂房" not in _html(response) and "乙精密扩产" not in _html(response)


@time_machine.travel(date(2026, 4, 1), tick=False)
def test_detail_timeline_shows_plan_actual_late_and_done(cast, client):
    # given: signing planned 1-10, done 1-12 (2 days late); start planned 3-1, not done (31 days
    # overdue on 4-1); land planned 1-20, done on time; completion planned 12-1 (future)
    desk = cast.actor(cast.desk)
    milestone_set(
        actor=desk, project=cast.project_a, kind="land", planned_on=date(2026, 1, 20), actual_on=date(2026, 1, 20)
    )
    milestone_set(actor=desk, project=cast.project_a, kind="completion", planned_on=date(2026, 12, 1))
    client.force_login(cast.liaison_a)
    # when
    html = _html(client.get(reverse("projects:detail", args=["XM-2026-001"])))
    # then
    assert "计划 2026年1月10日" in html and "实际 2026年1月12日" in html
    assert "晚 2 天完成" in html
    assert '<li class="overdue">' in html and "逾期 31 天" in html
    assert '<li class="done">' in html and "按期完成" in html
    assert '<li class="pending">' in html and "还有 244 天" in html
    timeline = html[html.index('<ol class="qf-timeline">') :]
    assert timeline.index("签约") < timeline.index("供地/拿地") < timeline.index("开工") < timeline.index("竣工")
    assert '<span class="qf-badge qf-badge-delayed" id="project-board-status">滞后</span>' in html  # 31 > 30 days
    assert "下一节点</dt><dd>开工 · 2026年3月1日" in html
    assert "50,000 万元" in html and cast.a.name in html


def test_detail_query_count_is_constant(cast, client, django_assert_num_queries):
    client.force_login(cast.desk)
    url = reverse("projects:detail", args=["XM-2026-001"])
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    desk = cast.actor(cast.desk)
    for kind, day in (("land", 20), ("filing", 25), ("planning_permit", 28)):
        milestone_set(actor=desk, project=cast.project_a, kind=kind, planned_on=date(2026, 1, day))
    with django_assert_num_queries(len(before)):
        client.get(url)
    assert len(before) <= 5
