"""工作台 per role: a to-do list with counts (UX.md principle 1), every number a link to the list
behind it, and that list shows the same number (principle 2)."""

import re
from datetime import date

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qifu.enterprises.services import EnterpriseData, enterprise_create
from qifu.enterprises.uscc import make_uscc

STAT = re.compile(r'<a class="stretched-link qf-stat-value" href="([^"]+)">(\d+)</a>')
LIST_TOTAL = re.compile(r"共 <strong>(\d+)</strong> (?:家企业|个项目|件诉求|件待审批)")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def _html(response) -> str:
    return str(response.content.decode())


def _stats(html: str) -> list[tuple[str, int]]:
    return [(url.replace("&amp;", "&"), int(n)) for url, n in STAT.findall(html)]


@time_machine.travel(date(2026, 4, 1), tick=False)
@pytest.mark.parametrize("who", ["desk", "leader", "liaison_a", "deputy", "liaison_b"])
def test_every_number_links_to_a_list_showing_that_number_case(cast, client, who):
    # given an unlinked enterprise, so that the desk and leader have something waiting
    enterprise_create(
        actor=cast.actor(cast.desk),
        data=EnterpriseData(uscc=make_uscc(8001), name="昆山丁新材料有限公司", industry="C2929", park="模具产业园"),
    )
    client.force_login(getattr(cast, who))
    # when
    stats = _stats(_html(client.get(reverse("dashboard:home"))))
    # then each stat card is a link; following it shows the same count
    assert stats
    for url, number in stats:
        if url.startswith("#"):
            continue
        target = _html(client.get(url))
        if url.startswith(reverse("enterprises:mine")):
            assert target.count('class="qf-enterprise-card"') == number, url
        elif url.startswith(reverse("visits:plan")):
            assert target.count('data-state="due"') == number, url
        else:
            found = LIST_TOTAL.search(target)
            assert found and int(found.group(1)) == number, (url, number)


@time_machine.travel(date(2026, 4, 1), tick=False)
def test_liaison_home_counts_and_lists(cast, client):
    client.force_login(cast.liaison_a)
    html = _html(client.get(reverse("dashboard:home")))
    stats = dict(_stats(html))
    assert stats[reverse("enterprises:mine")] == 1
    assert stats[reverse("projects:list")] == 1
    assert stats[reverse("projects:list") + "?delayed=1"] == 1
    assert stats["#taskforces"] == 1
    assert "甲电子新厂房" in html  # the delayed project, listed
    assert "甲电子专班" in html and "牵头" in html


def test_liaison_home_shows_this_months_due_visits(cast, client):
    # given a liaison with one linked enterprise not yet visited this month
    client.force_login(cast.liaison_a)
    # when
    html = _html(client.get(reverse("dashboard:home")))
    # then the first card is the visit still due, linked to the plan that lists it
    assert dict(_stats(html))[reverse("visits:plan")] == 1
    assert "本月已走访 0 / 挂钩 1 家" in html
    plan = _html(client.get(reverse("visits:plan")))
    assert plan.count('data-state="due"') == 1


def test_desk_home_counts_unlinked_per_park(cast, client):
    desk = cast.actor(cast.desk)
    for i in range(2):
        enterprise_create(
            actor=desk, data=EnterpriseData(uscc=make_uscc(8100 + i), name=f"新落户{i}号有限公司", park="模具产业园")
        )
    client.force_login(cast.desk)
    html = _html(client.get(reverse("dashboard:home")))
    assert dict(_stats(html))[reverse("enterprises:list") + "?without_liaison=1"] == 2
    park_link = "/enterprises/?park=%E6%A8%A1%E5%85%B7%E4%BA%A7%E4%B8%9A%E5%9B%AD&amp;without_liaison=1"
    assert f'href="{park_link}">2</a>' in html
    assert reverse("linkage:manage") in html


@time_machine.travel(date(2026, 4, 1), tick=False)
def test_leader_home_is_the_zone_at_a_glance(cast, client):
    client.force_login(cast.leader)
    stats = dict(_stats(_html(client.get(reverse("dashboard:home")))))
    assert stats == {
        "/enterprises/": 3,
        "/enterprises/?industry=C": 3,
        "/enterprises/?without_liaison=1": 0,
        "/projects/": 2,
        "/projects/?major=1": 0,
        "/projects/?delayed=1": 1,  # A's start was planned for 2026-03-01
    }


@pytest.mark.parametrize(("who", "sees"), [("kjj_handler", True), ("jfj_handler", False), ("jfj_head", False)])
def test_department_home_lists_the_task_forces_they_sit_in_case(cast, client, who, sees):
    client.force_login(getattr(cast, who))
    html = _html(client.get(reverse("dashboard:home")))
    assert ("甲电子专班" in html) is sees
    assert "部门工作台" in html


def test_enterprise_home_shows_its_liaison_with_phone_and_its_projects(cast, client):
    client.force_login(cast.ent_a)
    html = _html(client.get(reverse("dashboard:home")))
    assert cast.a.name in html
    assert "挂钩干部甲" in html and "经济发展局" in html and "科员" in html
    assert 'href="tel:13800138000"' in html
    assert "甲电子新厂房" in html
    assert "乙精密扩产" not in html and "挂钩干部乙" not in html
    assert 'action="/enterprises/"' not in html  # no registry search for an enterprise
    assert 'role="search" action="/search/"' in html  # the header's full-text search (own cases, policies)


@pytest.mark.parametrize(
    ("who", "area"), [("sysadmin", "用户与系统设置"), ("secadmin", "安全策略"), ("auditor", "审计日志")]
)
def test_admin_home_links_to_their_own_area_and_no_business_data_case(cast, client, who, area):
    client.force_login(getattr(cast, who))
    html = _html(client.get(reverse("dashboard:home")))
    assert area in html and reverse("admin:index") in html
    for name in (cast.a.name, "甲电子新厂房", "挂钩干部甲"):
        assert name not in html


@pytest.mark.parametrize("who", ["desk", "leader", "liaison_a", "kjj_handler", "ent_a", "sysadmin"])
def test_home_query_count_is_small_and_constant_case(cast, client, who):
    client.force_login(getattr(cast, who))
    client.get(reverse("dashboard:home"))
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("dashboard:home"))
    desk = cast.actor(cast.desk)
    for i in range(10):
        enterprise_create(
            actor=desk, data=EnterpriseData(uscc=make_uscc(8200 + i), name=f"扩充{i}号有限公司", park=f"园区{i}")
        )
    with CaptureQueriesContext(connection) as after:
        client.get(reverse("dashboard:home"))
    assert len(after) == len(before)
    # the enterprise: + its open requests and those to rate (one query each); the desk: five indexed case COUNTs; the
    # liaison: + this month's visit plan (its links and its visits, two queries), the open alerts
    # (count and short list) and the open requests of my enterprises (one grouped COUNT)
    budget = {"ent_a": 12, "desk": 11, "liaison_a": 14}
    assert len(after) <= budget.get(who, 10)
