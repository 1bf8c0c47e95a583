"""Enterprise pages: list (filters in the URL, HTMX table, constant queries), 360 page, 我的企业."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qifu.enterprises.services import EnterpriseData, enterprise_create
from qifu.enterprises.uscc import make_uscc
from qifu.linkage.services import linkage_assign


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # the park menu is cached; each test has its own database


def _html(response) -> str:
    return str(response.content.decode())


def _add_enterprises(cast, n: int, *, start: int = 5000, park: str = "模具产业园", liaison=None, **flags):
    desk = cast.actor(cast.desk)
    made = []
    for i in range(n):
        e = enterprise_create(
            actor=desk,
            data=EnterpriseData(
                uscc=make_uscc(start + i), name=f"昆山测试{start + i}科技有限公司", park=park, industry="C3562", **flags
            ),
        )
        if liaison is not None:
            linkage_assign(actor=desk, enterprise=e, liaison=liaison)
        made.append(e)
    return made


# --- list -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("desk", "abc"),
        ("leader", "abc"),
        ("liaison_a", "a"),
        ("deputy", "c"),
        ("kjj_handler", "a"),
        ("jfj_handler", ""),
    ],
)
def test_list_shows_exactly_the_scope_case(cast, client, who, expected):
    # given
    client.force_login(getattr(cast, who))
    # when
    html = _html(client.get(reverse("enterprises:list")))
    # then every visible enterprise links to its 360 page, and no other does
    for key in "abc":
        e = getattr(cast, key)
        assert (reverse("enterprises:detail", args=[e.uscc]) in html) is (key in expected)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "乙精密"}, "b"),
        ({"q": "丙生物"}, "c"),
        ("uscc_of_b", "b"),
        ({"park": "光电产业园"}, "a"),
        ({"industry": "C34"}, "b"),
        ({"industry": "c27"}, "c"),
        ({"above_scale": "1"}, "abc"),
        ({"high_tech": "1"}, "d"),
        ({"listed": "1"}, ""),
        ({"ownership": "foreign"}, "d"),
        ({"without_liaison": "1"}, "d"),
        ("liaison_b", "b"),
        ({"specialized": "little_giant"}, "d"),
        ({"park": "光电产业园", "q": "乙"}, ""),
        ({"above_scale": "nonsense", "liaison": "x"}, "abcd"),  # bad values drop that filter only
    ],
    ids=lambda v: str(v),
)
def test_list_filters_case(cast, client, query, expected):
    # given a fourth enterprise, unlinked, with other flags
    (d,) = _add_enterprises(cast, 1, park="模具产业园", high_tech=True, ownership="foreign", specialized="little_giant")
    if query == "uscc_of_b":
        query = {"q": cast.b.uscc}
    elif query == "liaison_b":
        query = {"liaison": str(cast.liaison_b.pk)}
    client.force_login(cast.desk)
    # when
    html = _html(client.get(reverse("enterprises:list"), query))
    # then
    everyone = {"a": cast.a, "b": cast.b, "c": cast.c, "d": d}
    shown = {key for key, e in everyone.items() if reverse("enterprises:detail", args=[e.uscc]) in html}
    assert shown == set(expected)


def test_list_keeps_filters_in_the_form_and_export_link(cast, client):
    client.force_login(cast.desk)
    html = _html(client.get(reverse("enterprises:list"), {"park": "光电产业园", "above_scale": "1", "page": "1"}))
    assert 'value="光电产业园" selected' in html
    assert 'id="f-above" checked' in html
    # the export button carries the same filters (not the page number)
    export = reverse("enterprises:export")
    assert f'href="{export}?park=%E5%85%89%E7%94%B5%E4%BA%A7%E4%B8%9A%E5%9B%AD&amp;above_scale=1"' in html
    assert "导出Excel" in html


def test_list_paginates_twenty_a_page_and_keeps_filters_in_page_links(cast, client):
    # given 25 enterprises in one park (plus A/B/C elsewhere)
    _add_enterprises(cast, 25, park="模具产业园")
    client.force_login(cast.desk)
    # when
    first = _html(client.get(reverse("enterprises:list"), {"park": "模具产业园"}))
    second = _html(client.get(reverse("enterprises:list"), {"park": "模具产业园", "page": "2"}))
    # then
    assert "共 <strong>25</strong> 家企业" in first
    assert first.count('class="fw-medium"') == 20
    assert second.count('class="fw-medium"') == 5
    assert "?park=%E6%A8%A1%E5%85%B7%E4%BA%A7%E4%B8%9A%E5%9B%AD&amp;page=2" in first
    assert "第 2 / 2 页" in second


def test_list_answers_htmx_with_the_table_fragment_only(cast, client):
    client.force_login(cast.desk)
    # when
    response = client.get(reverse("enterprises:list"), {"q": "甲电子"}, headers={"HX-Request": "true"})
    html = _html(response)
    # then the fragment: the table, no page frame, no filter form
    assert html.lstrip().startswith('<div id="enterprise-table"')
    assert "<html" not in html and 'id="enterprise-filters"' not in html
    assert cast.a.name in html and cast.b.name not in html
    assert "HX-Request" in response["Vary"]


def test_list_history_restore_gets_the_whole_page(cast, client):
    client.force_login(cast.desk)
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    html = _html(client.get(reverse("enterprises:list"), headers=headers))
    assert "<html" in html and 'id="enterprise-filters"' in html


def test_list_filter_form_is_wired_for_htmx_with_url_push(cast, client):
    client.force_login(cast.desk)
    html = _html(client.get(reverse("enterprises:list")))
    assert 'hx-get="/enterprises/"' in html
    assert 'hx-target="#enterprise-table"' in html
    assert 'hx-push-url="true"' in html


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "fragment"])
def test_list_query_count_is_constant_case(cast, client, htmx):
    # given the desk, with the park menu already cached
    client.force_login(cast.desk)
    headers = {"HX-Request": "true"} if htmx else {}
    url = reverse("enterprises:list")
    client.get(url, headers=headers)
    with CaptureQueriesContext(connection) as few:
        client.get(url, headers=headers)
    # when 30 more linked enterprises exist
    _add_enterprises(cast, 30, liaison=cast.liaison_b)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url, headers=headers)
    # then the same number of queries (no per-row query), and few of them
    assert response.status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert len(many) <= (5 if htmx else 6)


# --- 360 page -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "key", "status"),
    [
        ("desk", "b", 200),
        ("leader", "c", 200),
        ("liaison_a", "a", 200),
        ("liaison_a", "b", 404),
        ("deputy", "c", 200),
        ("deputy", "a", 404),
        ("ent_a", "a", 200),
        ("ent_a", "b", 404),
        ("kjj_handler", "a", 200),  # member of A's task force
        ("jfj_handler", "a", 404),
        ("sysadmin", "a", 404),
        ("auditor", "a", 404),
    ],
)
def test_detail_is_404_outside_the_scope_case(cast, client, who, key, status):
    client.force_login(getattr(cast, who))
    response = client.get(reverse("enterprises:detail", args=[getattr(cast, key).uscc]))
    assert response.status_code == status
    if status == 404:
        assert getattr(cast, key).name not in _html(response)


def test_detail_of_a_missing_uscc_is_404(cast, client):
    client.force_login(cast.desk)
    assert client.get(reverse("enterprises:detail", args=[make_uscc(99999)])).status_code == 404


@time_machine.travel(date(2026, 4, 1), tick=False)
def test_detail_shows_profile_liaison_projects_and_task_force(cast, client):
    # given a backup liaison and a reassignment in A's history
    desk = cast.actor(cast.desk)
    linkage_assign(actor=desk, enterprise=cast.a, liaison=cast.deputy, role="backup")
    client.force_login(cast.liaison_a)
    # when
    html = _html(client.get(reverse("enterprises:detail", args=[cast.a.uscc])))
    # then the profile in Chinese: dates, 万元, labels, masked contact phone
    assert "2012年5月1日" in html
    assert "5,000 万元" in html
    assert "C3985 · 制造业" in html
    assert "320 人" in html
    assert "139****5678" in html and "13912345678" not in html
    # the liaisons and how to reach them
    assert "挂钩干部甲" in html and "经济发展局" in html and "科员" in html
    assert 'href="tel:13800138000"' in html
    assert "人大代表丙" in html and "备挂钩人" in html
    # the projects with a delay badge (start planned 2026-03-01, not reached by 2026-04-01)
    assert "甲电子新厂房" in html and reverse("projects:detail", args=["XM-2026-001"]) in html
    assert "延期 31 天" in html
    # the task force with its lead and members
    assert "甲电子专班" in html and "科创承办" in html and "科技项目申报" in html
    # no placeholder sections for later issues
    for later in ("诉求", "走访", "政策"):
        assert f">{later}<" not in html


def test_detail_query_count_is_constant(cast, client, django_assert_num_queries):
    # given
    client.force_login(cast.desk)
    url = reverse("enterprises:detail", args=[cast.a.uscc])
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    # when A gets more liaisons (history too) and more task-force members
    desk = cast.actor(cast.desk)
    linkage_assign(actor=desk, enterprise=cast.a, liaison=cast.deputy, role="backup")
    from qifu.linkage.services import linkage_reassign, taskforce_add_member

    linkage_reassign(actor=desk, enterprise=cast.a, liaison=cast.liaison_b, reason="岗位调整")
    taskforce_add_member(actor=desk, task_force=cast.task_force_a, user=cast.jfj_head, duty="统筹")
    # then the same number of queries
    with django_assert_num_queries(len(before)):
        response = client.get(url)
    assert "岗位调整" in _html(response)
    # the visits card (issue 4) reads its latest visits in one query, the indicators card (issue 6) its
    # last 24 months in one
    assert len(before) <= 12


# --- 我的企业 ----------------------------------------------------------------------------------------


def test_mine_lists_the_liaisons_enterprises_as_cards_and_table(cast, client):
    # given liaison_a is also a backup on B
    linkage_assign(actor=cast.actor(cast.desk), enterprise=cast.b, liaison=cast.liaison_a, role="backup")
    client.force_login(cast.liaison_a)
    # when
    html = _html(client.get(reverse("enterprises:mine")))
    # then A and B, twice each (cards for phones, table for desktop), and not C
    assert html.count(reverse("enterprises:detail", args=[cast.a.uscc])) == 2
    assert html.count(reverse("enterprises:detail", args=[cast.b.uscc])) == 2
    assert cast.c.name not in html
    assert "qf-enterprise-card" in html and "备挂钩人" in html


def test_mine_for_an_enterprise_user_is_its_liaison_card(cast, client):
    client.force_login(cast.ent_a)
    html = _html(client.get(reverse("enterprises:mine")))
    assert "我的挂钩干部" in html
    assert "挂钩干部甲" in html and "经济发展局" in html and 'href="tel:13800138000"' in html
    assert "挂钩干部乙" not in html


def test_mine_sends_other_staff_to_the_list(cast, client):
    client.force_login(cast.desk)
    response = client.get(reverse("enterprises:mine"))
    assert response.status_code == 302 and response["Location"] == reverse("enterprises:list")


def test_pages_need_a_login(client, db):
    response = client.get(reverse("enterprises:list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_registered_capital_and_money_formatting_filters():
    from qifu.dashboard.templatetags.qifu_ui import cn_date, wan

    assert wan(Decimal("12345.50")) == "12,345.5 万元"
    assert wan(Decimal("5000.00")) == "5,000 万元"
    assert wan(None) == ""
    assert cn_date(date(2026, 12, 5)) == "2026年12月5日"


def test_detail_lists_project_liaisons_apart_from_the_enterprises(cast, client):
    # given the deputy is the primary liaison of A's project only
    linkage_assign(actor=cast.actor(cast.desk), enterprise=cast.a, liaison=cast.deputy, project=cast.project_a)
    client.force_login(cast.ent_a)
    # when
    html = _html(client.get(reverse("enterprises:detail", args=[cast.a.uscc])))
    # then the enterprise's own liaison comes first, the project's after it, labelled with the project
    assert html.index("挂钩干部甲") < html.index("项目“甲电子新厂房”主挂钩人") < html.index("人大代表丙")


@pytest.mark.parametrize("who", ["ent_a", "sysadmin", "secadmin", "auditor"])
def test_registry_list_is_for_staff_only_case(client, cast, who):
    # given a user who is not government staff
    client.force_login(getattr(cast, who))
    # when they type the registry list's URL; then it does not exist for them
    assert client.get("/enterprises/").status_code == 404


@pytest.mark.parametrize("who", ["sysadmin", "secadmin", "auditor"])
def test_admins_see_no_business_pages_case(client, cast, who):
    client.force_login(getattr(cast, who))
    for url in (
        f"/enterprises/{cast.a.uscc}/",
        "/enterprises/mine/",
        "/projects/",
        f"/projects/{cast.project_a.code}/",
    ):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("name", ["liaison_b", "挂钩干部乙"], ids=["username_case", "display_name_case"])
def test_list_filters_by_the_liaison_name_case(client, cast, name):
    # given the desk; when it filters by B's liaison, by username or by name
    client.force_login(cast.desk)
    body = client.get("/enterprises/", {"liaison_name": name}).content.decode()
    # then only B is listed, and no list of every liaison is rendered
    assert cast.b.name in body
    assert cast.a.name not in body and cast.c.name not in body
    assert '<select id="f-liaison"' not in body


def test_list_by_liaison_id_shows_who_is_chosen(client, cast):
    client.force_login(cast.desk)
    body = client.get("/enterprises/", {"liaison": cast.liaison_a.pk}).content.decode()
    assert "挂钩干部甲" in body and cast.a.name in body and cast.b.name not in body
