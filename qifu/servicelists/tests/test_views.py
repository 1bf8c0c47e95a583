"""The pages: who sees and edits what (the matrix), members with reasons, overrides, the rule
editor, the evaluate button, the export, and query budgets."""

from collections.abc import Callable

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from qifu.accounts.models import User
from qifu.conftest import Cast
from qifu.servicelists.models import ListOverride, ListRule, Membership
from qifu.servicelists.services import evaluate_month
from qifu.servicelists.tests.conftest import M

pytestmark = pytest.mark.django_db

STAFF = ("desk", "leader", "jfj_handler", "jfj_head", "kjj_handler", "kjj_head", "liaison_a", "liaison_b", "deputy")
NOBODY = ("ent_a", "ent_b", "sysadmin", "secadmin", "auditor")


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def evaluated(declining_world: Callable[[int], Cast]) -> Cast:
    """A and B on 显著下滑 in M (one-month rule)."""
    cast = declining_world(1)
    evaluate_month(month=M)
    return cast


@pytest.mark.parametrize("who", STAFF + NOBODY)
def test_visibility_matrix_of_the_pages(evaluated: Cast, who: str):
    client = client_for(evaluated.all_users[who])
    seen = who in STAFF
    for url in (
        reverse("servicelists:overview"),
        reverse("servicelists:list", args=["declining"]),
        reverse("servicelists:rule", args=["declining"]),
        reverse("servicelists:export", args=["declining"]) + "?month=2026-09",
    ):
        assert client.get(url).status_code == (200 if seen else 404), url


@pytest.mark.parametrize(
    ("who", "expected_case"),
    [
        ("desk", {"a", "b"}),
        ("leader", {"a", "b"}),
        ("jfj_handler", {"a", "b"}),  # the economic department sees the whole zone's lists
        ("kjj_handler", {"a"}),  # sits in A's task force
        ("liaison_a", {"a"}),
        ("liaison_b", {"b"}),
        ("deputy", set()),  # linked to C, which is on no list
    ],
)
def test_members_are_those_the_actor_sees(evaluated: Cast, who: str, expected_case: set[str]):
    page = client_for(evaluated.all_users[who]).get(
        reverse("servicelists:list", args=["declining"]), {"month": "2026-09"}
    )
    names = {k for k in ("a", "b", "c") if getattr(evaluated, k).name in page.content.decode()}
    assert names == expected_case
    assert page.context["page"].paginator.count == len(expected_case)


def test_the_list_page_shows_reason_liaison_and_searches(evaluated: Cast):
    client = client_for(evaluated.desk)
    html = client.get(reverse("servicelists:list", args=["declining"])).content.decode()
    assert "营业收入同比 -50%，不超过 -20% ✓" in html
    assert "挂钩干部甲" in html  # A's liaison
    found = client.get(
        reverse("servicelists:list", args=["declining"]), {"q": "乙精密"}, headers={"HX-Request": "true"}
    )
    fragment = found.content.decode()
    assert evaluated.b.name in fragment and evaluated.a.name not in fragment and "<html" not in fragment


def test_query_budgets(evaluated: Cast, django_assert_max_num_queries):
    client = client_for(evaluated.desk)
    client.get(reverse("servicelists:overview"))  # warm the per-process caches
    with django_assert_max_num_queries(9):
        assert client.get(reverse("servicelists:overview")).status_code == 200
    with django_assert_max_num_queries(11):
        assert client.get(reverse("servicelists:list", args=["declining"])).status_code == 200
    liaison = client_for(evaluated.liaison_a)
    with django_assert_max_num_queries(11):
        assert liaison.get(reverse("servicelists:list", args=["declining"])).status_code == 200


def test_overview_counts_and_movements(evaluated: Cast):
    cards = client_for(evaluated.desk).get(reverse("servicelists:overview")).context["cards"]
    declining = next(c for c in cards if c.service_list.code == "declining")
    assert (declining.members, declining.entered, declining.left) == (2, 2, 0)
    assert declining.rule.visit_interval_days == 15


def test_desk_adds_and_withdraws_by_hand_others_cannot(evaluated: Cast):
    url = reverse("servicelists:override", args=["declining"])
    data = {"uscc": evaluated.c.uscc, "action": "add", "reason": "走访发现订单骤减"}
    # when: a liaison and a leader try
    client_for(evaluated.liaison_a).post(url, data)
    client_for(evaluated.leader).post(url, data)
    assert not ListOverride.objects.exists()
    # when: the desk does it
    client_for(evaluated.desk).post(url, data)
    override = ListOverride.objects.get()
    assert Membership.objects.filter(month=M, enterprise=evaluated.c, source="manual").exists()
    # a reason is required
    client_for(evaluated.desk).post(url, {**data, "uscc": evaluated.a.uscc, "reason": ""})
    assert ListOverride.objects.count() == 1
    # withdraw
    client_for(evaluated.desk).post(reverse("servicelists:withdraw", args=[override.pk]))
    override.refresh_from_db()
    assert override.withdrawn_at is not None


def test_rule_editor_refuses_bad_json_and_bad_rules_and_saves_good_ones(evaluated: Cast):
    client = client_for(evaluated.desk)
    url = reverse("servicelists:rule", args=["declining"])
    form = {"months": "2", "visit_interval_days": "15", "notify_liaison": "on", "strategy": "上门", "active": "on"}
    bad_json = client.post(url, {**form, "conditions": "{not json"})
    assert bad_json.status_code == 422
    bad_rule = client.post(
        url, {**form, "conditions": '{"any": [{"field": "revenue_yoy", "op": "under", "value": 1}]}'}
    )
    assert bad_rule.status_code == 422
    assert "conditions.any[0].op" in bad_rule.content.decode()
    rule = ListRule.objects.get(service_list__code="declining")
    assert rule.months == 1
    good = client.post(url, {**form, "conditions": '{"field": "revenue_yoy", "op": "le", "value": -0.25}'})
    assert good.status_code == 302
    rule.refresh_from_db()
    assert rule.months == 2 and rule.conditions == {"field": "revenue_yoy", "op": "le", "value": -0.25}
    # the rule page says it in plain Chinese
    assert "营业收入同比 不超过 -25%" in client.get(url).content.decode()
    # a leader reads but cannot write
    assert client_for(evaluated.leader).post(url, {**form, "conditions": "{}"}).status_code == 404


def test_the_evaluate_button_is_the_desks(evaluated: Cast):
    url = reverse("servicelists:evaluate")
    Membership.objects.all().delete()
    client_for(evaluated.leader).post(url, {"month": "2026-09"})
    assert not Membership.objects.exists()
    client_for(evaluated.desk).post(url, {"month": "2026-09"})
    assert Membership.objects.filter(month=M, service_list__code="declining").count() == 2


def test_export_holds_the_members_with_reasons(evaluated: Cast):
    answer = client_for(evaluated.desk).get(reverse("servicelists:export", args=["declining"]), {"month": "2026-09"})
    book = openpyxl.load_workbook(__import__("io").BytesIO(b"".join(answer.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "统一社会信用代码"
    assert {r[1] for r in rows[1:]} == {evaluated.a.name, evaluated.b.name}
    assert all("✓" in r[6] for r in rows[1:])


def test_nav_has_the_lists_for_desk_leader_and_departments(evaluated: Cast):
    for who, shown in (
        ("desk", True),
        ("leader", True),
        ("jfj_handler", True),
        ("kjj_head", True),
        ("liaison_a", False),
    ):
        html = client_for(evaluated.all_users[who]).get(reverse("ledger:list")).content.decode()
        assert (reverse("servicelists:overview") in html) is shown, who
